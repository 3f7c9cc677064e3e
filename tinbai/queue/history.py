"""Earlier submissions in the database, posted or not, for content.duplicate across restarts and runs.

The cost of a search must not grow with the history (issue 18): real mail repeats the same
greetings, signatures and standard phrases for years, and when those counted, every new message
shared LSH bands with almost every earlier one and each was compared. So:
- a sentence that `COMMON_ITEMS` earlier items of the profile contain is boilerplate and is left out
  of the signature (its count is read with a LIMIT, so it costs the same at 100 and at 100,000 items);
  each item's sentences are stored as "sentence" rows, which makes them the incrementally kept
  document-frequency table;
- each band reads at most `BAND_READ` earlier items, the items are ranked by how many bands they
  share, and only the first `CAP` are compared (128 values each);
- the same file or text is read for at most `COMMON_ITEMS` + 1 earlier items, and a file in more
  than `COMMON_ITEMS` (a banner in every email of a unit) is boilerplate too.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import bindparam, func, insert
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from tinbai.extract.duplicates import band_keys, signature_without, similarities
from tinbai.extract.submission import DuplicateMatch
from tinbai.queue.models import Fingerprint, Item
from tinbai.queue.resign import items_with, resign
from tinbai.queue.states import FAILED

COMMON_ITEMS = 20  # a sentence in this many earlier items is a greeting, a signature or a standard phrase
BAND_READ = 64  # earlier items read per band: a band shared by more is boilerplate the count missed
CAP = 32  # candidates compared in full, those sharing the most bands first


# The placeholder of each database's driver: the index reads below go to the driver as they are
# (exec_driver_sql), since SQLAlchemy's text() parses and binds each of their ~300 parameters
# anew for every message (~1 ms of the daemon's time a read, measured: twice the read itself).
_PLACEHOLDER = {"qmark": "?", "format": "%s", "pyformat": "%s"}


# SQLite allows 500 terms in a compound SELECT: a longer list is read in several statements (a
# document of more than 500 sentences once stopped its message with "too many terms")
READS_A_STATEMENT = 200


def _limited_reads(conn, profile: str, wanted: list[tuple[str, str]], limit: int) -> list[tuple]:
    """(index in `wanted`, item_id) rows: one statement of index reads per READS_A_STATEMENT
    (kind, value), each read stopped after `limit` rows, the earliest items first (UNION ALL of
    LIMITed subqueries: PostgreSQL and SQLite both read only those rows)."""
    mark = _PLACEHOLDER[conn.dialect.paramstyle]
    rows: list[tuple] = []
    for start in range(0, len(wanted), READS_A_STATEMENT):
        parts, args = [], []
        for i, (kind, value) in enumerate(wanted[start:start + READS_A_STATEMENT], start):
            parts.append(f"SELECT {i} AS k, item_id FROM (SELECT item_id FROM fingerprint WHERE kind = {mark} "
                         f"AND value = {mark} AND profile = {mark} ORDER BY item_id LIMIT {mark}) AS r{i}")
            args += [kind, value, profile, limit]
        rows += conn.exec_driver_sql(" UNION ALL ".join(parts), tuple(args)).all()
    return rows


# built once (they run for every message; building one cost more than running it)
_SIGNATURES = select(Fingerprint.item_id, Fingerprint.minhash).where(
    Fingerprint.kind == "text", col(Fingerprint.item_id).in_(bindparam("ids", expanding=True)))
_PARENT = aliased(Item)
_LIVE_AND_POSTED = (
    select(Item.id, func.coalesce(Item.published_at, _PARENT.published_at),
           func.coalesce(Item.published_url, _PARENT.published_url))
    .outerjoin(_PARENT, col(_PARENT.id) == Item.parent_id)
    .where(col(Item.id).in_(bindparam("ids", expanding=True)), Item.state != FAILED))
_INSERT = insert(Fingerprint.__table__)


class DbHistory:
    def __init__(self, session: Session, threshold: float = 0.8, cap: int = CAP, common_items: int = COMMON_ITEMS):
        self.session = session
        self.threshold = threshold
        self.cap = cap
        self.common_items = common_items
        self._signed: dict[str, list[int] | None] = {}  # text_sha -> the signature without boilerplate
        self._becoming_common: dict[str, list[str]] = {}  # text_sha -> sentences this item makes common

    def sentence_counts(self, profile: str, keys: list[str]) -> dict[str, int]:
        """How many stored items of the profile contain each sentence, counted up to one more
        than `common_items`."""
        if not keys:
            return {}
        counts = Counter(k for k, _ in _limited_reads(self.session.connection(), profile,
                                                      [("sentence", k) for k in keys], self.common_items + 1))
        return {keys[k]: n for k, n in counts.items()}

    def signature(self, profile: str, fp: dict) -> list[int] | None:
        """The new text's MinHash without the profile's boilerplate (None: too little text is left)."""
        if not fp.get("text_sha") or "sketches" not in fp:
            return fp.get("minhash")  # a fingerprint without sentences (made elsewhere): as it is
        key = fp["text_sha"]
        if key not in self._signed:
            counts = self.sentence_counts(profile, fp["sentences"])
            self._signed[key] = signature_without(fp, {k for k, n in counts.items() if n >= self.common_items})
            # exactly common_items others have it: once this item is stored, each of them has as many
            self._becoming_common[key] = [k for k, n in counts.items() if n == self.common_items]
        return self._signed[key]

    def signatures_again(self, profile: str, fps: dict[int, dict]) -> dict[int, list[int] | None]:
        """The signature of each stored item without the boilerplate as it is now (the item itself
        not counted); `fps`: their fingerprints made again from their texts (tinbai.queue.resign).
        One count of all their sentences: each item is in its own sentences' counts, so one is
        taken off; a count stopped at its limit (common_items + 1) stays at or above common_items
        when it is, as the exact count would."""
        keys = sorted({k for fp in fps.values() for k in fp["sentences"]})
        counts = self.sentence_counts(profile, keys)
        return {item_id: signature_without(fp, {k for k in fp["sentences"] if counts.get(k, 0) - 1 >= self.common_items})
                for item_id, fp in fps.items()}

    def find_duplicates(self, profile: str, fp: dict) -> list[DuplicateMatch]:
        """Earlier live items of the profile that share a file, the text, or (nearly) the text."""
        found = self._same(profile, fp)
        signature = self.signature(profile, fp) if fp.get("text_sha") else None
        if signature:
            for item_id in self._candidates(profile, band_keys(signature), skip=set(found)):
                found.setdefault(item_id, ("nội dung gần giống", 0.0))
            near = [i for i, (what, _) in found.items() if what == "nội dung gần giống"]
            for item_id, sim in self._compare(signature, near).items():
                found[item_id] = ("nội dung gần giống", sim)
            found = {i: m for i, m in found.items() if m[1] >= self.threshold}
        posted = self._live_and_posted(profile, list(found))
        # the earliest item first: the one the new submission repeats
        return [DuplicateMatch(i, *found[i], *posted[i]) for i in sorted(found) if i in posted]

    def _same(self, profile: str, fp: dict) -> dict[int, tuple[str, float]]:
        """The same file or the same text, the earliest items first. A file that more than
        `common_items` earlier items carry (a unit's banner or logo in every email) is boilerplate,
        as a sentence is: it makes nothing the same, and is not read further."""
        wanted = [("file", sha) for sha in fp.get("files", [])]
        if fp.get("text_sha"):
            wanted.append(("text", fp["text_sha"]))
        if not wanted:
            return {}
        by_value: dict[int, list[int]] = {}
        for k, item_id in _limited_reads(self.session.connection(), profile, wanted, self.common_items + 1):
            by_value.setdefault(k, []).append(item_id)
        found: dict[int, tuple[str, float]] = {}
        for k, item_ids in by_value.items():
            if wanted[k][0] == "file" and len(item_ids) > self.common_items:
                continue
            for item_id in item_ids:
                if wanted[k][0] == "file" or item_id not in found:
                    found[item_id] = ("cùng tệp đính kèm", 1.0) if wanted[k][0] == "file" else ("cùng nội dung", 1.0)
        return found

    def _candidates(self, profile: str, bands: list[str], skip: set[int]) -> list[int]:
        """The earlier items sharing the most bands, at most `cap`; ties: the earlier item first."""
        shared = Counter(item_id for _, item_id in _limited_reads(
            self.session.connection(), profile, [("band", b) for b in bands], BAND_READ) if item_id not in skip)
        return sorted(shared, key=lambda i: (-shared[i], i))[:self.cap]

    def _compare(self, signature: list[int], item_ids: list[int]) -> dict[int, float]:
        if not item_ids:
            return {}
        rows = [(item_id, mh) for item_id, mh in self.session.connection().execute(_SIGNATURES, {"ids": item_ids}) if mh]
        sims = similarities(signature, [[int(v) for v in mh.split(",")] for _, mh in rows])
        return {item_id: float(sim) for (item_id, _), sim in zip(rows, sims, strict=True)}

    def _live_and_posted(self, profile: str, item_ids: list[int]) -> dict[int, tuple]:
        """Of these items, those not failed: when and where each was posted, itself or the item a
        correction of it joined (what was posted is then the correction's content)."""
        if not item_ids:
            return {}
        rows = self.session.connection().execute(_LIVE_AND_POSTED, {"ids": item_ids})
        return {item_id: (at, url) for item_id, at, url in rows}

    def remember(self, item_id: int, profile: str, fp: dict) -> None:
        """Written in one executemany: an item's rows one ORM insert at a time cost more than
        all the rest of its storing. The text row's signature and the bands leave out the
        boilerplate; every sentence is stored, common or not, since they are what is counted."""
        rows = [dict(item_id=item_id, profile=profile, kind="file", value=sha, minhash=None)
                for sha in fp.get("files", [])]
        if fp.get("text_sha"):
            signature = self.signature(profile, fp)
            rows.append(dict(item_id=item_id, profile=profile, kind="text", value=fp["text_sha"],
                             minhash=",".join(str(v) for v in signature) if signature else None))
            rows += [dict(item_id=item_id, profile=profile, kind="band", value=band, minhash=None)
                     for band in (band_keys(signature) if signature else [])]
            rows += [dict(item_id=item_id, profile=profile, kind="sentence", value=key, minhash=None)
                     for key in fp.get("sentences", [])]
        if rows:  # Core, not the ORM's bulk insert: plain executemany, no per-row bookkeeping
            self.session.connection().execute(_INSERT, rows)
        becoming = self._becoming_common.get(fp.get("text_sha", ""), [])
        if becoming:  # the earlier items that carry a sentence this item makes common leave it out too
            resign(self.session, self, profile, items_with(self.session, profile, becoming, but=item_id))
