"""Signatures made again when a sentence becomes boilerplate.

An item's signature leaves out the sentences that COMMON_ITEMS earlier items contain; the first
items that carry a new standard phrase (a new greeting, a unit's new signature block) are stored
before it is common, and their signatures keep it. When an item makes a sentence common, those
earlier items (fewer than COMMON_ITEMS, by definition) are signed again from their stored texts,
so that what they share with everyone stops counting for them too: they are no longer found as
duplicates of each other, and an article among them sent again is still found.

The texts are those the fingerprint was made of (the message's body text and its files' texts);
an item whose text no longer gives the stored text hash (stored by an older tinbai) keeps its
signature.
"""

from __future__ import annotations

import json

from sqlalchemy import bindparam, delete, insert, update
from sqlmodel import Session, col, select

from tinbai.extract.duplicates import band_keys, text_fingerprint
from tinbai.queue.models import Attachment, Fingerprint, Item


def items_with(session: Session, profile: str, sentences: list[str], but: int) -> list[int]:
    """The items of the profile that contain any of these sentences (each at most a few)."""
    if not sentences:
        return []
    return sorted(set(session.connection().execute(
        select(Fingerprint.item_id).where(Fingerprint.kind == "sentence", Fingerprint.profile == profile,
                                          col(Fingerprint.value).in_(sentences), Fingerprint.item_id != but)
    ).scalars()))


def stored_fingerprint(session: Session, item_id: int) -> dict:
    """The item's text fingerprint made again from what the queue stored of it."""
    return stored_fingerprints(session, [item_id]).get(item_id, {})


def stored_fingerprints(session: Session, item_ids: list[int]) -> dict[int, dict]:
    """stored_fingerprint of each item, read in two statements (the items' reports, their files'
    texts) rather than two an item; an item without a report is left out."""
    if not item_ids:
        return {}
    conn = session.connection()
    reports = dict(conn.execute(select(Item.id, Item.report_json).where(col(Item.id).in_(item_ids),
                                                                          col(Item.report_json).is_not(None))).all())
    texts: dict[int, list[str]] = {item_id: [] for item_id in reports}
    for item_id, text in conn.execute(select(Attachment.item_id, Attachment.text)
                                      .where(col(Attachment.item_id).in_(list(reports))).order_by(Attachment.id)):
        texts[item_id].append(text)
    return {item_id: text_fingerprint(json.loads(report).get("body_text", ""), texts[item_id])
            for item_id, report in reports.items()}


def resign(session: Session, history, profile: str, item_ids: list[int]) -> int:
    """Sign these items again with the history's boilerplate as it is now; returns how many changed.
    In a handful of statements for all of them: a sentence that becomes common re-signs up to
    COMMON_ITEMS items at once, and seven statements an item were most of that message's storing."""
    conn = session.connection()
    stored = {item_id: (value, minhash) for item_id, value, minhash in conn.execute(
        select(Fingerprint.item_id, Fingerprint.value, Fingerprint.minhash).where(
            Fingerprint.kind == "text", col(Fingerprint.item_id).in_(item_ids)))}
    # an item whose text no longer gives the stored hash is not the text it was signed from
    fps = {item_id: fp for item_id, fp in stored_fingerprints(session, list(stored)).items()
           if fp.get("text_sha") == stored[item_id][0]}
    changed: dict[int, list[int] | None] = {}
    for item_id, signature in history.signatures_again(profile, fps).items():
        minhash = ",".join(str(v) for v in signature) if signature else None
        if minhash != stored[item_id][1]:
            changed[item_id] = signature
    if not changed:
        return 0
    conn.execute(update(Fingerprint).where(Fingerprint.item_id == bindparam("fid"), Fingerprint.kind == "text")
                 .values(minhash=bindparam("mh")),
                 [dict(fid=item_id, mh=",".join(str(v) for v in sig) if sig else None) for item_id, sig in changed.items()])
    conn.execute(delete(Fingerprint).where(col(Fingerprint.item_id).in_(list(changed)), Fingerprint.kind == "band"))
    bands = [dict(item_id=item_id, profile=profile, kind="band", value=band, minhash=None)
             for item_id, sig in changed.items() if sig for band in band_keys(sig)]
    if bands:
        conn.execute(insert(Fingerprint.__table__), bands)
    return len(changed)
