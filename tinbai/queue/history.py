"""Earlier submissions in the database, posted or not, for content.duplicate across restarts and runs."""

from __future__ import annotations

from sqlalchemy import func, insert, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from tinbai.extract.duplicates import similarity
from tinbai.extract.submission import DuplicateMatch
from tinbai.queue.models import Fingerprint, Item
from tinbai.queue.states import FAILED


class DbHistory:
    def __init__(self, session: Session, threshold: float = 0.8):
        self.session = session
        self.threshold = threshold

    def find_duplicates(self, profile: str, fp: dict) -> list[DuplicateMatch]:
        """Earlier live items of the profile that share a file, the text, or (nearly) the text.

        One query for the three kinds of fingerprint, and one for the signatures of the items that
        only share an LSH band: each statement costs more in the ORM than in the database."""
        files, text_sha, bands = fp.get("files", []), fp.get("text_sha"), fp.get("bands", [])
        wanted = []
        if files:
            wanted.append((Fingerprint.kind == "file") & col(Fingerprint.value).in_(files))
        if text_sha:
            wanted.append((Fingerprint.kind == "text") & (Fingerprint.value == text_sha))
        if bands:
            wanted.append((Fingerprint.kind == "band") & col(Fingerprint.value).in_(bands))
        if not wanted:
            return []
        # whether the earlier item was posted, and when: itself, or the item a correction of it
        # joined (what was posted is then the correction's content)
        parent = aliased(Item)
        rows = self.session.exec(
            select(Fingerprint.item_id, Fingerprint.kind, func.coalesce(Item.published_at, parent.published_at),
                   func.coalesce(Item.published_url, parent.published_url)).distinct()
            .join(Item, col(Item.id) == Fingerprint.item_id)
            .outerjoin(parent, col(parent.id) == Item.parent_id)
            .where(Fingerprint.profile == profile, Item.state != FAILED, or_(*wanted)))
        kinds: dict[int, set[str]] = {}
        posted: dict[int, tuple] = {}  # an item posted on the portal: when, and where
        for item_id, kind, published_at, published_url in rows:
            kinds.setdefault(item_id, set()).add(kind)
            if published_at is not None:
                posted[item_id] = (published_at, published_url)
        found: dict[int, tuple[str, float]] = {}
        near = []
        for item_id, got in kinds.items():
            if "file" in got:
                found[item_id] = ("cùng tệp đính kèm", 1.0)
            elif "text" in got:
                found[item_id] = ("cùng nội dung", 1.0)
            else:
                near.append(item_id)
        if near:
            signatures = self.session.exec(select(Fingerprint.item_id, Fingerprint.minhash).where(
                Fingerprint.kind == "text", col(Fingerprint.item_id).in_(near)))
            for item_id, mh in signatures:
                sim = similarity(fp["minhash"], [int(v) for v in (mh or "").split(",") if v])
                if sim >= self.threshold:
                    found[item_id] = ("nội dung gần giống", sim)
        # the earliest item first: the one the new submission repeats
        return [DuplicateMatch(i, *found[i], *posted.get(i, (None, None))) for i in sorted(found)]

    def remember(self, item_id: int, profile: str, fp: dict) -> None:
        """Written in one executemany: an item's 30-odd rows one ORM insert at a time cost more than
        all the rest of its storing."""
        rows = [dict(item_id=item_id, profile=profile, kind="file", value=sha, minhash=None)
                for sha in fp.get("files", [])]
        if fp.get("text_sha"):
            rows.append(dict(item_id=item_id, profile=profile, kind="text", value=fp["text_sha"],
                             minhash=",".join(str(v) for v in fp["minhash"])))
            rows += [dict(item_id=item_id, profile=profile, kind="band", value=band, minhash=None)
                     for band in fp["bands"]]
        if rows:  # Core, not the ORM's bulk insert: plain executemany, no per-row bookkeeping
            self.session.connection().execute(insert(Fingerprint.__table__), rows)
