"""Duplicate search as the history grows: the cost of a message with 100,000 earlier items.

    .venv/bin/python bench/history.py [--history 100000] [-n 10000] [--seed 1] [--keep DIR]

Real mail shares sentences: every unit sends the same greetings, standard phrases and signature
blocks for years, and articles now and then share a sentence. The texts here are made so: a
greeting, the unit's standard block (5 of 40 standard phrases, the same in all its mail; 20 units)
and one more standard phrase, an article of 3 to 10 sentences (50 to 160 words) drawn from a pool
of 300,000 (each used by a few items), one of 10 closings and the unit's signature line. Mail of
one unit is thus one third to two thirds the same text: with every sentence counted, a new
message shares LSH bands with a good part of its unit's earlier mail.

1. The history: `--history` earlier items bulk-inserted into a fresh SQLite database (the daemon's
   default, made by its migrations): item rows and the fingerprint rows `DbHistory.remember`
   writes, computed with the same functions (sentence MinHash rows, boilerplate left out by the
   document frequency of each sentence at the time the item was stored, LSH bands).
2. The run: `-n` new messages, each through the daemon's per-message path for duplicates and
   storing: `text_fingerprint` of the text, `DbHistory.find_duplicates` in a session, the item
   row inserted, `DbHistory.remember`, commit. One message in 250 is planted: an earlier item's
   article sent again with two words edited and another greeting; it must be found (naming that
   item) and nothing else may be a duplicate.
3. The same run on a history of 100 earlier items, the baseline, taking turns with the first
   message by message (both see the machine as it is at each moment).

Printed: CPU and wall time of the 1st, 100th, 1,000th and 10,000th message (median of the 101
messages around each; the 1st: the first 11), the ratio 10,000th / 100th with 100,000 earlier
items and the baseline's in the same moments, that ratio over the baseline's (goal <= 1.25: the
baseline's history stays small, so its drift is the machine's) and the planted near-duplicates
found.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from sqlalchemy import insert  # noqa: E402
from sqlmodel import Session  # noqa: E402

from tinbai.extract.duplicates import (  # noqa: E402
    band_keys,
    sentence_key,
    sentence_sketches,
    sentences,
    signature_without,
    text_fingerprint,
)
from tinbai.queue.db import make_engine  # noqa: E402
from tinbai.queue.history import COMMON_ITEMS, DbHistory  # noqa: E402
from tinbai.queue.models import Fingerprint, Item  # noqa: E402
from tinbai.queue.schema import migrate  # noqa: E402

PROFILE = "thainguyen-thads"
SYLLABLES = ("xã phường huyện tỉnh hội nghị tổ chức cán bộ công chức viên chức nhân dân đoàn kết phát triển kinh tế "
             "văn hóa giáo dục y tế môi trường đất đai xây dựng giao thông nông nghiệp thủy lợi rừng biển đảo "
             "an ninh trật tự pháp luật tư pháp hộ tịch chứng thực hòa giải trợ giúp thi hành án cưỡng chế "
             "bồi thường khiếu nại tố cáo tiếp dân kiểm tra giám sát báo cáo tổng kết sơ kết kế hoạch năm "
             "quý tháng tuần ngày sáng chiều tối thôn xóm bản làng đường trường trạm chợ cầu sông núi lúa ngô "
             "sắn chè cà phê hồ tiêu điều cao su gạo thóc lợn gà trâu bò cá tôm hàng hóa dịch vụ du lịch lễ hội "
             "di tích đình chùa nhà văn hóa sân vận động bệnh viện trạm xá trường học mầm non tiểu học trung học "
             "học sinh sinh viên giáo viên bác sĩ y tá công an dân quân bộ đội cựu chiến binh hội phụ nữ").split()
GREETINGS = ["Kính gửi Ban Biên tập,", "Kính gửi: Ban Biên tập Trang thông tin điện tử", "Chào Ban Biên tập ạ,",
             "Kính gửi Tổ biên tập,", "Dạ em gửi Ban Biên tập,"]
OWN_POOL = 300_000
UNITS = 20
WINDOW = 50  # messages either side of each measured one
PLANT_EVERY = 250


def _sentence(rng: random.Random, lo: int, hi: int) -> str:
    return " ".join(rng.choice(SYLLABLES) for _ in range(rng.randint(lo, hi))).capitalize() + "."


class Corpus:
    """The sentences mail is made of, each a fixed string; an item is a list of sentence numbers."""

    def __init__(self, seed: int):
        rng = random.Random(seed)
        self.standard = [_sentence(rng, 16, 30) for _ in range(40)]
        self.closings = [_sentence(rng, 10, 18) for _ in range(10)]
        self.signatures = [f"Thông tin liên hệ: Văn phòng đơn vị số {u}, điện thoại 0208.3854.{u:03d}, thư điện tử "
                           f"vanthu{u}@thads-thainguyen.example.vn" for u in range(UNITS)]
        self.blocks = [rng.sample(range(40), 5) for _ in range(UNITS)]
        self.own = [_sentence(rng, 12, 20) for _ in range(OWN_POOL)]
        self.rng = rng

    def draw(self) -> dict:
        rng = self.rng
        unit = rng.randrange(UNITS)
        return dict(greeting=rng.randrange(len(GREETINGS)), standard=[*self.blocks[unit], rng.randrange(40)],
                    own=rng.sample(range(OWN_POOL), rng.randint(3, 10)), closing=rng.randrange(10), unit=unit,
                    edits=())

    def text(self, m: dict) -> str:
        own = " ".join(self.own[i] for i in m["own"]).split()
        for at, word in m["edits"]:
            own[at] = word
        lines = [GREETINGS[m["greeting"]], " ".join(self.standard[i] for i in m["standard"]), " ".join(own),
                 self.closings[m["closing"]], "Trân trọng,", "Nguyễn Thị Hoa", self.signatures[m["unit"]]]
        return "\n".join(lines)

    def resent(self, m: dict) -> dict:
        """The same article again: two words edited, another greeting and closing."""
        n = sum(len(self.own[i].split()) for i in m["own"])
        edits = ((self.rng.randrange(n // 2), "sửa"), (n // 2 + self.rng.randrange(n // 2), "đổi"))
        return {**self.draw(), "own": m["own"], "unit": m["unit"], "edits": edits,
                "standard": [*self.blocks[m["unit"]], self.rng.randrange(40)]}


def _item_row(i: int, now: datetime) -> dict:
    return dict(id=i, profile=PROFILE, mailbox="thainguyen", source_key=f"bench:{i}", raw_sha256="0" * 64,
                received_at=now, subject="", state="new", report_json="{}", search_text="", attempts=0,
                anchor_has_time=True, sensitive=False, channel="email", provider_unnamed=False, classified=False,
                deadline_extended=False, created_at=now, updated_at=now)


def seed_history(engine, corpus: Corpus, n: int) -> list[dict]:
    """n earlier items, written as `DbHistory.remember` writes them, in bulk (minutes, not hours)."""
    t0 = time.perf_counter()
    # each of these strings is one sentence: its words as text_fingerprint reads them
    fixed_words = [sentences(t)[0] for t in corpus.standard + corpus.closings + corpus.signatures]
    fixed = sentence_sketches(fixed_words)
    fixed_keys = [sentence_key(w) for w in fixed_words]
    fixed_lengths = [len(w) for w in fixed_words]
    messages = [corpus.draw() for _ in range(n)]
    used = sorted({i for m in messages for i in m["own"]})
    own_rows = {}
    for start in range(0, len(used), 20_000):
        chunk = used[start:start + 20_000]
        words = [sentences(corpus.own[i])[0] for i in chunk]
        own_rows.update(zip(chunk, zip(sentence_sketches(words), [sentence_key(w) for w in words],
                                       [len(w) for w in words], strict=True), strict=True))
    df: Counter[str] = Counter()
    now = datetime.now(UTC)
    items, rows = [], []
    with engine.begin() as conn:
        for number, m in enumerate(messages, 1):
            parts = [*dict.fromkeys(m["standard"]), 40 + m["closing"], 50 + m["unit"]]
            keys = [fixed_keys[p] for p in parts] + [own_rows[i][1] for i in m["own"]]
            fp = {"sentences": keys, "words": [fixed_lengths[p] for p in parts] + [own_rows[i][2] for i in m["own"]],
                  "sketches": [fixed[p] for p in parts] + [own_rows[i][0] for i in m["own"]]}
            signature = signature_without(fp, {k for k in keys if df[k] >= COMMON_ITEMS})
            items.append(_item_row(number, now))
            text_sha = hashlib.sha256(str(m).encode()).hexdigest()
            rows.append(dict(item_id=number, profile=PROFILE, kind="text", value=text_sha,
                             minhash=",".join(str(v) for v in signature) if signature else None))
            rows += [dict(item_id=number, profile=PROFILE, kind="band", value=b, minhash=None)
                     for b in (band_keys(signature) if signature else [])]
            rows += [dict(item_id=number, profile=PROFILE, kind="sentence", value=k, minhash=None) for k in keys]
            df.update(keys)
            if len(items) >= 5000 or number == n:
                conn.execute(insert(Item.__table__), items)
                conn.execute(insert(Fingerprint.__table__), rows)
                items, rows = [], []
    print(f"  history: {n:,} items, {sum(df.values()):,} sentence rows, seeded in {time.perf_counter() - t0:.0f} s",
          flush=True)
    return messages


class Run:
    """Messages through fingerprint, search and store on one history; every PLANT_EVERY-th a
    resent article. step() does the next one, so that two runs can take turns (main)."""

    def __init__(self, engine, corpus: Corpus, earlier: list[dict], rng: random.Random) -> None:
        self.engine, self.corpus, self.rng = engine, corpus, rng
        self.now = datetime.now(UTC)
        self.stored = list(earlier)  # item number - 1 -> what it was made of
        self.cpu: list[float] = []
        self.wall: list[float] = []
        self.planted = self.found = self.wrong = 0

    def step(self, k: int) -> None:
        corpus, stored = self.corpus, self.stored
        target = None
        if k % PLANT_EVERY == 0 and len(stored) > 1000:
            target = self.rng.randrange(1000, len(stored))  # an item stored once the boilerplate was known
            while len(stored[target]["own"]) < 8:  # an article of 130 words or more: two edits are few
                target = self.rng.randrange(1000, len(stored))
            m = corpus.resent(stored[target])
        else:
            m = corpus.draw()
        body = corpus.text(m)
        c0, w0 = time.process_time(), time.perf_counter()
        fp = text_fingerprint(body, [])
        with Session(self.engine) as s:
            history = DbHistory(s)
            matches = history.find_duplicates(PROFILE, fp)
            item_id = s.connection().execute(insert(Item.__table__).returning(Item.__table__.c.id),
                                             [_item_row(len(stored) + 1, self.now)]).scalar_one()
            history.remember(item_id, PROFILE, fp)
            s.commit()
        self.cpu.append(time.process_time() - c0)
        self.wall.append(time.perf_counter() - w0)
        stored.append(m)
        named = {x.item_id for x in matches}
        if target is not None:
            self.planted += 1
            self.found += named == {target + 1}
        elif named:
            self.wrong += 1


def at(series: list[float], k: int) -> float:
    """The median cost around the k-th message (1-based), in ms."""
    lo, hi = (0, 11) if k == 1 else (max(0, k - 1 - WINDOW), min(len(series), k + WINDOW))
    return statistics.median(series[lo:hi]) * 1000


def report(label: str, got: Run) -> float:
    n = len(got.cpu)
    points = sorted({k for k in (1, 100, 1000, 10_000) if k <= n} | {n})
    last = points[-1]
    print(f"  {label}")
    for k in points:
        print(f"    message {k:>6,}: CPU {at(got.cpu, k):6.2f} ms   wall {at(got.wall, k):6.2f} ms")
    ratio = at(got.cpu, last) / at(got.cpu, 100) if n >= 100 else float("nan")
    wall_ratio = at(got.wall, last) / at(got.wall, 100) if n >= 100 else float("nan")
    print(f"    ratio message {last:,} / message 100: CPU {ratio:.2f}, wall {wall_ratio:.2f}")
    print(f"    planted near-duplicates found: {got.found} of {got.planted}; "
          f"other messages named as duplicates: {got.wrong}")
    return ratio


def measure(histories: tuple[int, int], count: int, seed: int, folder: Path) -> tuple[Run, Run]:
    """Both histories seeded, then their runs take turns message by message: whatever else the
    machine does at a moment slows both alike, and the baseline shows it (a burst of another
    process's work over the ~0.3 s of the 101 messages around one point doubled that point's
    median in one run of two)."""
    runs = []
    for history in histories:
        engine = make_engine(f"sqlite:///{folder / f'queue-{history}.db'}")
        migrate(engine)
        corpus = Corpus(seed)
        runs.append(Run(engine, corpus, seed_history(engine, corpus, history), random.Random(seed + 1)))
    for k in range(1, count + 1):
        for run in runs:
            run.step(k)
    for run in runs:
        run.engine.dispose()
    return runs[0], runs[1]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--history", type=int, default=100_000, help="earlier items in the database")
    p.add_argument("-n", "--messages", type=int, default=10_000, help="messages in each run")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--keep", type=Path, help="write the databases here (default: a temporary folder)")
    args = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="tinbai-history-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        print(f"{args.messages:,} messages, SQLite, one process", flush=True)
        big, base = measure((args.history, 100), args.messages, args.seed, folder)
    ratio = report(f"with {args.history:,} earlier items", big)
    base_ratio = report("with 100 earlier items (baseline, in turns with the run above)", base)
    if len(big.cpu) >= 100:
        last = len(big.cpu)
        same = at(big.cpu, 100) / at(base.cpu, 100)
        print(f"  message 100 with {args.history:,} earlier items / with 100: CPU {same:.2f}; "
              f"message {last:,}: {at(big.cpu, last) / at(base.cpu, last):.2f}")
        # the baseline's history stays small, so its own drift from message 100 to the last is
        # the machine's; taken out of the ratio (both figures are printed above)
        corrected = ratio / base_ratio
        print(f"  ratio message {last:,} / message 100 with {args.history:,} earlier items, over the baseline's "
              f"in the same moments: CPU {corrected:.2f}")
        ok = corrected <= 1.25 and big.found == big.planted and not big.wrong
        print(f"  goal (that ratio <= 1.25, every planted near-duplicate found, nothing else named): "
              f"{'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
