"""Earlier submissions in the database, for content.duplicate across restarts and runs."""

from __future__ import annotations

from sqlmodel import Session, col, select

from tinbai.checks.duplicates import similarity
from tinbai.queue.models import Fingerprint, Item


class DbHistory:
    def __init__(self, session: Session, threshold: float = 0.8):
        self.session = session
        self.threshold = threshold

    def find_duplicates(self, profile: str, fp: dict) -> list[tuple[int, str, float]]:
        found: dict[int, tuple[str, float]] = {}
        s = self.session
        for sha in fp.get("files", []):
            for item_id in s.exec(select(Fingerprint.item_id).where(
                    Fingerprint.profile == profile, Fingerprint.kind == "file", Fingerprint.value == sha)):
                found.setdefault(item_id, ("cùng tệp đính kèm", 1.0))
        if fp.get("text_sha"):
            for item_id in s.exec(select(Fingerprint.item_id).where(
                    Fingerprint.profile == profile, Fingerprint.kind == "text", Fingerprint.value == fp["text_sha"])):
                found.setdefault(item_id, ("cùng nội dung", 1.0))
        if fp.get("bands"):
            candidates = set(s.exec(select(Fingerprint.item_id).where(
                Fingerprint.profile == profile, Fingerprint.kind == "band",
                col(Fingerprint.value).in_(fp["bands"]))))
            candidates -= found.keys()
            if candidates:
                rows = s.exec(select(Fingerprint.item_id, Fingerprint.minhash).where(
                    Fingerprint.kind == "text", col(Fingerprint.item_id).in_(candidates)))
                for item_id, mh in rows:
                    sim = similarity(fp["minhash"], [int(v) for v in (mh or "").split(",") if v])
                    if sim >= self.threshold:
                        found[item_id] = ("nội dung gần giống", sim)
        # the earliest item first: the one the new submission repeats
        live = set(s.exec(select(Item.id).where(col(Item.id).in_(list(found)), Item.state != "failed")))
        return [(i, *found[i]) for i in sorted(found) if i in live]

    def remember(self, item_id: int, profile: str, fp: dict) -> None:
        s = self.session
        for sha in fp.get("files", []):
            s.add(Fingerprint(item_id=item_id, profile=profile, kind="file", value=sha))
        if fp.get("text_sha"):
            s.add(Fingerprint(item_id=item_id, profile=profile, kind="text", value=fp["text_sha"],
                              minhash=",".join(str(v) for v in fp["minhash"])))
            for band in fp["bands"]:
                s.add(Fingerprint(item_id=item_id, profile=profile, kind="band", value=band))
