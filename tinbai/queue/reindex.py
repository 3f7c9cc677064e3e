"""`main.py queue reindex-duplicates`: the duplicate index of items stored before sentences were.

Items stored by a tinbai older than the boilerplate rule (migration 0008) have no sentence rows,
so they count toward no sentence's document frequency, and their signatures keep the greetings
and standard phrases: a re-sent article among them is judged with its boilerplate against a
message signed without it, and missed when the boilerplate is most of the text. This writes their
sentence rows from the texts the queue stored (report body text, attachment texts; an item whose
texts no longer give its stored text hash is left as it is), then signs every item again with the
boilerplate as the whole history now says. One transaction per 500 items: it can be stopped and
run again.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import insert
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tinbai.queue.history import DbHistory
from tinbai.queue.models import Fingerprint
from tinbai.queue.resign import resign, stored_fingerprint

BATCH = 500


def _items(engine: Engine, kind: str) -> dict[int, str]:
    with Session(engine) as s:
        return {item_id: profile for item_id, profile in s.connection().execute(
            select(Fingerprint.item_id, Fingerprint.profile).where(Fingerprint.kind == kind).distinct())}


def reindex(engine: Engine, progress: Callable[[str], None] = lambda _m: None) -> tuple[int, int]:
    """Returns (items given their sentences, items signed again)."""
    with_text, with_sentences = _items(engine, "text"), _items(engine, "sentence")
    missing = sorted(set(with_text) - set(with_sentences))
    added = 0
    for start in range(0, len(missing), BATCH):
        with Session(engine) as s:
            for item_id in missing[start:start + BATCH]:
                fp = stored_fingerprint(s, item_id)
                stored = s.connection().execute(select(Fingerprint.value).where(
                    Fingerprint.item_id == item_id, Fingerprint.kind == "text")).scalar()
                if fp.get("text_sha") != stored or not fp.get("sentences"):
                    continue
                s.connection().execute(insert(Fingerprint.__table__), [dict(
                    item_id=item_id, profile=with_text[item_id], kind="sentence", value=key, minhash=None)
                    for key in fp["sentences"]])
                added += 1
            s.commit()
        progress(f"câu của {min(start + BATCH, len(missing))}/{len(missing)} mục")
    items = sorted(with_text)
    changed = 0
    for start in range(0, len(items), BATCH):
        with Session(engine) as s:
            history = DbHistory(s)
            for item_id in items[start:start + BATCH]:
                changed += resign(s, history, with_text[item_id], [item_id])
            s.commit()
        progress(f"chữ ký của {min(start + BATCH, len(items))}/{len(items)} mục")
    return added, changed
