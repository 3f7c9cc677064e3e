"""Review pages while the daemon works: queue and item page latency, idle and during an ingest.

    .venv/bin/python bench/pages.py [-n 200] [--messages 1000] [--seed 3] [--root CHECKOUT]

One `main.py run` (the daemon and the pages, as in production) over a Maildir mailbox whose queue
was first filled with 200 messages of bench/ingest.py's realistic mix. Two clients, signed in
as the board's administrator, each make n/2 requests, alternating the queue (`GET /`) and an
item (`GET /items/N`), one after another; first with the daemon idle, then while it ingests
`--messages` more messages dropped into the Maildir at once (the load starts when the first of
them is stored, and the run says whether the ingest was still going when the load ended).
Printed side by side: p50, p95 and max in ms per page and phase, the ratios during/idle, and the
goals (during the ingest: p95 under 300 ms, max under 1 s).

--root runs the daemon of another checkout (its .venv and main.py; e.g. /work/main for the
figures before a change), with this checkout's messages and clients.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

import httpx  # noqa: E402
from sqlalchemy import text  # noqa: E402

from bench.ingest import make_messages  # noqa: E402
from tests.procs import config_dict, toml_dumps  # noqa: E402
from tests.servers import free_port  # noqa: E402
from tinbai.config import load_config  # noqa: E402
from tinbai.queue.db import make_engine  # noqa: E402
from tinbai.web.users import ensure_demo_account  # noqa: E402

SEED_MESSAGES = 200
GOALS = {"p95": 300.0, "max": 1000.0}


def drop(maildir: Path, raws: list[bytes], tag: str) -> None:
    """Messages into the Maildir's new/ at once: written under tmp/, then renamed."""
    for sub in ("tmp", "new", "cur"):
        (maildir / sub).mkdir(parents=True, exist_ok=True)
    staged = []
    for i, raw in enumerate(raws):
        p = maildir / "tmp" / f"{tag}.{i}.bench"
        p.write_bytes(raw)
        staged.append(p)
    for p in staged:
        os.rename(p, maildir / "new" / p.name)


def items(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM item")).scalar_one()


def signed_in(base: str, email: str, password: str) -> httpx.Client:
    c = httpx.Client(base_url=base, timeout=30)
    csrf = re.search(r'name="csrf" value="([^"]+)"', c.get("/login").text).group(1)
    r = c.post("/login", data={"email": email, "password": password, "csrf": csrf})
    assert r.status_code in (200, 303), r.text[:500]
    return c


def load(clients: list[httpx.Client], n: int, item_id: int) -> dict[str, list[float]]:
    """Each client n/len(clients) requests, alternating the queue and the item; ms by page."""
    got: dict[str, list[float]] = {"queue": [], "item": []}
    lock = threading.Lock()

    def one(c: httpx.Client) -> None:
        for k in range(n // len(clients)):
            page, path = ("queue", "/") if k % 2 == 0 else ("item", f"/items/{item_id}")
            t = time.perf_counter()
            r = c.get(path)
            ms = (time.perf_counter() - t) * 1000
            assert r.status_code == 200, (path, r.status_code)
            with lock:
                got[page].append(ms)

    threads = [threading.Thread(target=one, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return got


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * len(s)) - 1))]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=200, help="requests per phase, over both clients")
    ap.add_argument("--messages", type=int, default=1000, help="messages ingested during the second phase")
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--root", type=Path, default=ROOT, help="the checkout whose daemon runs")
    args = ap.parse_args()
    python, main_py = args.root / ".venv" / "bin" / "python", args.root / "main.py"
    t0 = time.perf_counter()
    raws = [raw for _kind, raw in make_messages(SEED_MESSAGES + args.messages, args.seed)]
    print(f"{len(raws)} messages made in {time.perf_counter() - t0:.0f} s "
          f"({sum(map(len, raws)) / len(raws) / 1e6:.2f} MB each on average)", flush=True)
    with tempfile.TemporaryDirectory(prefix="tinbai-pages-") as tmp:
        state = Path(tmp)
        maildir = state / "mail" / "tn"
        port = free_port()
        raw = config_dict(state, mailboxes={"tn": {"kind": "maildir", "path": str(maildir), "poll_seconds": 2}})
        raw["web"].update(port=port, base_url=f"http://127.0.0.1:{port}")
        config_path = state / "config.toml"
        config_path.write_text(toml_dumps(raw), encoding="utf-8")
        config = load_config(config_path)
        env = {k: v for k, v in os.environ.items() if k != "TINBAI_CONFIG"}
        drop(maildir, raws[:SEED_MESSAGES], "seed")
        t0 = time.perf_counter()
        subprocess.run([str(python), str(main_py), "--config", str(config_path), "run", "--once"], cwd=args.root,
                       env=env, check=True, capture_output=True)
        print(f"queue filled: {SEED_MESSAGES} messages in {time.perf_counter() - t0:.0f} s", flush=True)
        engine = make_engine(config.database_url())  # the daemon's own schema: no migration from here
        email, password = ensure_demo_account(config, engine)
        with engine.connect() as conn:
            item_id = conn.execute(text("SELECT item_id FROM attachment GROUP BY item_id "
                                        "ORDER BY count(*) DESC LIMIT 1")).scalar_one()
        log = open(state / "daemon.log", "wb")
        daemon = subprocess.Popen([str(python), str(main_py), "--config", str(config_path), "run"], cwd=args.root,
                                  env=env, stdout=log, stderr=log, start_new_session=True)
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 120
            while True:
                try:
                    if httpx.get(f"{base}/login", timeout=5).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline or daemon.poll() is not None:
                    raise SystemExit("the pages did not come up: " + (state / "daemon.log").read_text()[-2000:])
                time.sleep(0.2)
            clients = [signed_in(base, email, password) for _ in range(2)]
            for c in clients:  # warm-up
                assert c.get("/").status_code == 200 and c.get(f"/items/{item_id}").status_code == 200
            idle = load(clients, args.n, item_id)
            before = items(engine)
            drop(maildir, raws[SEED_MESSAGES:], "load")
            while items(engine) == before:  # the load starts with the ingest
                time.sleep(0.05)
            t0 = time.perf_counter()
            during = load(clients, args.n, item_id)
            took = time.perf_counter() - t0
            stored = items(engine) - before
            print(f"during the load ({took:.1f} s) the daemon stored {stored} of {args.messages} messages"
                  + ("" if stored < args.messages else "  ⚠ the ingest ended before the load did"), flush=True)
        finally:
            # the rest of the ingest is not wanted: the daemon and its parser workers go at once
            with contextlib.suppress(ProcessLookupError):
                os.killpg(daemon.pid, signal.SIGKILL)
            daemon.wait(60)
            log.close()
            engine.dispose()
    print(f"\n{'page':8s} {'':8s} {'p50':>8s} {'p95':>8s} {'max':>8s}   (ms, {args.n // 2} requests a page, 2 clients)")
    for page in ("queue", "item"):
        rows = []
        for phase, got in (("idle", idle), ("ingest", during)):
            v = got[page]
            figures = (statistics.median(v), pct(v, 95), max(v))
            rows.append(figures)
            print(f"{page:8s} {phase:8s} {figures[0]:8.0f} {figures[1]:8.0f} {figures[2]:8.0f}")
        ratio = [d / i for i, d in zip(rows[0], rows[1], strict=True)]
        print(f"{page:8s} {'ratio':8s} {ratio[0]:8.1f} {ratio[1]:8.1f} {ratio[2]:8.1f}")
    worst_p95 = max(pct(during[p], 95) for p in during)
    worst_max = max(max(during[p]) for p in during)
    print(f"\nduring the ingest: p95 {worst_p95:.0f} ms (goal < {GOALS['p95']:.0f}), "
          f"max {worst_max:.0f} ms (goal < {GOALS['max']:.0f}): "
          + ("met" if worst_p95 < GOALS["p95"] and worst_max < GOALS["max"] else "NOT met"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
