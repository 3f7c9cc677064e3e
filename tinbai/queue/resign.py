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

from sqlalchemy import delete, insert, update
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
    conn = session.connection()
    report = conn.execute(select(Item.report_json).where(Item.id == item_id)).scalar_one_or_none()
    if report is None:
        return {}
    texts = list(conn.execute(select(Attachment.text).where(Attachment.item_id == item_id)).scalars())
    return text_fingerprint(json.loads(report).get("body_text", ""), texts)


def resign(session: Session, history, profile: str, item_ids: list[int]) -> int:
    """Sign these items again with the history's boilerplate as it is now; returns how many changed."""
    changed = 0
    conn = session.connection()
    for item_id in item_ids:
        stored = conn.execute(select(Fingerprint.value, Fingerprint.minhash).where(
            Fingerprint.item_id == item_id, Fingerprint.kind == "text")).first()
        if stored is None:
            continue
        fp = stored_fingerprint(session, item_id)
        if fp.get("text_sha") != stored.value:
            continue  # not the text it was signed from
        signature = history.signature(profile, fp, but=item_id)
        minhash = ",".join(str(v) for v in signature) if signature else None
        if minhash == stored.minhash:
            continue
        conn.execute(update(Fingerprint).where(Fingerprint.item_id == item_id, Fingerprint.kind == "text")
                     .values(minhash=minhash))
        conn.execute(delete(Fingerprint).where(Fingerprint.item_id == item_id, Fingerprint.kind == "band"))
        if signature:
            conn.execute(insert(Fingerprint.__table__), [
                dict(item_id=item_id, profile=profile, kind="band", value=band, minhash=None)
                for band in band_keys(signature)])
        changed += 1
    return changed
