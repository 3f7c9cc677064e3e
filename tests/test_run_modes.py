"""`main.py run` as it is started after installation: one process reads the mailbox and serves the
review pages. `run --once` and `run --no-web` read the mailboxes without loading the web server."""

from __future__ import annotations

import subprocess
import sys
import urllib.request
from pathlib import Path

from tests.factories import news_email
from tests.procs import ROOT, Tinbai, config_dict, count_rows, env_for, toml_dumps, wait_until
from tests.servers import free_port
from tinbai.cli import module_of
from tinbai.cli.parser import build_parser
from tinbai.ingest.maildir import MaildirMailbox
from tinbai.queue.db import make_engine
from tinbai.queue.models import Item


def _login_page(port: int) -> str:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5) as r:
            return r.read().decode("utf-8") if r.status == 200 else ""
    except OSError:  # not listening yet
        return ""


def test_run_reads_the_mailbox_and_serves_the_review_pages(tmp_path: Path) -> None:
    mail = tmp_path / "mail"
    MaildirMailbox(mail).add(news_email(1))
    raw = config_dict(tmp_path, mailboxes={"tn": {"kind": "maildir", "path": str(mail), "poll_seconds": 1}})
    port = free_port()
    raw["web"].update(host="127.0.0.1", port=port, base_url=f"http://127.0.0.1:{port}")
    config = tmp_path / "config.toml"
    config.write_text(toml_dumps(raw), encoding="utf-8")
    engine = make_engine(f"sqlite:///{tmp_path / 'var' / 'tinbai.db'}")
    t = Tinbai(config, env_for(None), tmp_path / "run.log").start("run")
    try:
        page = wait_until(lambda: _login_page(port) or (not t.alive() and "stopped"), 120, 0.2, lambda: t.log()[-3000:])
        assert t.alive(), t.log()[-3000:]
        assert "Đăng nhập" in page
        wait_until(lambda: count_rows(engine, Item) == 1, 120, 0.2, lambda: t.log()[-3000:])
    finally:
        rc = t.terminate()
        engine.dispose()
    assert rc in (0, 130), t.log()[-3000:]  # SIGTERM stops it as Ctrl-C does


def test_only_run_with_the_pages_loads_the_web_server() -> None:
    parse = build_parser().parse_args
    assert module_of(parse(["run"])) == "tinbai.cli.run_web"
    assert module_of(parse(["run", "--once"])) == module_of(parse(["run", "--no-web"])) == "tinbai.cli.run"
    assert module_of(parse(["check", "--profile", "thainguyen-thads", "x.eml"])) == "tinbai.cli.check"
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, tinbai.cli.run; "
         "print(' '.join(m for m in sys.modules if m.split('.')[0] in ('fastapi', 'uvicorn', 'starlette', 'argon2') "
         "or m.startswith('tinbai.web')))"],
        cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    assert loaded == []
