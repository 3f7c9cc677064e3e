"""Page timings of the review pages on the demo data: the queue and an item, as a signed-in board.

    .venv/bin/python bench/web.py [-n 40]

Makes the demo's sample submissions in a throw-away var/ (the same as `main.py demo
--no-serve`, quietly), signs the demo's administrator in through the login form, then times
`GET /` (the queue), `GET /items/N` (the item with the most attachments; its previews are
separate requests, not timed) and, as the baseline measured in the same run, `GET /login`
(a page that reads nothing from the queue). Each page is fetched once to warm up, then n
times; median and 95th percentile in milliseconds, and each page's median over the
baseline's. Goals: queue under 200 ms, item under 350 ms.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import statistics
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import func  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from tinbai.config import config_from_dict  # noqa: E402
from tinbai.demo import run_demo  # noqa: E402
from tinbai.queue.models import Attachment  # noqa: E402
from tinbai.queue.schema import open_db  # noqa: E402
from tinbai.web.app import create_app  # noqa: E402
from tinbai.web.users import ensure_demo_account  # noqa: E402

GOALS = {"queue": 200.0, "item": 350.0}


def timed(client: TestClient, path: str, n: int) -> list[float]:
    assert client.get(path).status_code == 200, path  # warm-up, and the page must work
    out = []
    for _ in range(n):
        t = time.perf_counter()
        r = client.get(path)
        out.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200, path
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=40, help="requests per page")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        raw = tomllib.loads((ROOT / "config.toml").read_text(encoding="utf-8"))
        raw["settings"]["var_dir"] = str(Path(tmp) / "var")
        raw["smtp"]["directory"] = str(Path(tmp) / "outbox")
        for box in raw["mailboxes"].values():
            box["path"] = str(Path(tmp) / box["path"])
        config = config_from_dict(raw, ROOT / "config.toml")
        with contextlib.redirect_stdout(io.StringIO()):
            run_demo(config, serve=False)
        engine = open_db(config)
        email, password = ensure_demo_account(config, engine)
        with Session(engine) as s:
            item_id = s.exec(select(Attachment.item_id).group_by(Attachment.item_id)
                             .order_by(func.count().desc())).first()
        client = TestClient(create_app(config, engine))
        csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
        r = client.post("/login", data={"email": email, "password": password, "csrf": csrf}, follow_redirects=False)
        assert r.status_code == 303, r.text
        anonymous = TestClient(create_app(config, engine))
        pages = {"baseline /login": timed(anonymous, "/login", args.n), "queue": timed(client, "/", args.n),
                 "item": timed(client, f"/items/{item_id}", args.n)}
        engine.dispose()
    base = statistics.median(pages["baseline /login"])
    print(f"{'page':16s} {'median ms':>10s} {'p95 ms':>8s} {'× baseline':>11s}  goal")
    for name, ms in pages.items():
        med = statistics.median(ms)
        p95 = sorted(ms)[max(0, int(len(ms) * 0.95) - 1)]
        goal = GOALS.get(name)
        verdict = "" if goal is None else (f"< {goal:.0f} ms: " + ("met" if med < goal else "NOT met"))
        print(f"{name:16s} {med:10.1f} {p95:8.1f} {med / base:11.2f}  {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
