"""tinbai as a real process (`main.py run`) for the fault, multi-instance and benchmark runs.

A config file is written from the shipped config.toml (state moved to a temp folder, the
mailboxes given, one profile per mailbox), and `main.py --config FILE run …` is started as
a subprocess that the caller may SIGKILL. Mailbox passwords go in through the environment,
as in production.
"""

from __future__ import annotations

import json
import os
import re
import resource
import signal
import subprocess
import sys
import time
import tomllib
from copy import deepcopy
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from tests.servers import DovecotServer

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_PROFILE = "thainguyen-thads"  # news_email() writes for this regulation


def toml_dumps(data: dict[str, Any]) -> str:
    """The small TOML writer the config needs (no TOML writer is among the locked packages)."""
    lines: list[str] = []

    def key(k: str) -> str:
        return k if re.fullmatch(r"[A-Za-z0-9_-]+", k) else json.dumps(k, ensure_ascii=False)

    def value(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int | float):
            return repr(v)
        if isinstance(v, str):
            return json.dumps(v, ensure_ascii=False)  # JSON's escapes are TOML's basic-string escapes
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        if isinstance(v, dict):
            return "{" + ", ".join(f"{key(k)} = {value(x)}" for k, x in v.items()) + "}"
        raise TypeError(f"cannot write {type(v).__name__} to TOML")

    def table(path: list[str], d: dict[str, Any]) -> None:
        scalars = {k: v for k, v in d.items() if not isinstance(v, dict)}
        tables = {k: v for k, v in d.items() if isinstance(v, dict)}
        if path and (scalars or not tables):
            lines.append(f"[{'.'.join(key(p) for p in path)}]")
        for k, v in scalars.items():
            lines.append(f"{key(k)} = {value(v)}")
        for k, v in tables.items():
            table([*path, k], v)

    table([], data)
    return "\n".join(lines) + "\n"


def password_env(user: str) -> str:
    return f"TINBAI_TEST_PW_{user.upper()}"


def imap_mailbox(server: DovecotServer, user: str, **kw: Any) -> dict[str, Any]:
    """A [mailboxes.X] table for a user of the test Dovecot (plain IMAP on loopback)."""
    return {"kind": "imap", "host": server.host, "port": server.imap_port, "security": "plain",
            "username": user, "password_env": password_env(user), "poll_seconds": 5, **kw}


def config_dict(state_dir: Path, *, mailboxes: dict[str, dict], smtp: dict | None = None,
                database_url: str | None = None, lease_seconds: int | None = None,
                **settings: Any) -> dict[str, Any]:
    """The shipped config with its state in `state_dir` and one profile per mailbox: a mailbox no
    profile names gets a copy of the thainguyen profile."""
    raw = tomllib.loads((ROOT / "config.toml").read_text(encoding="utf-8"))
    raw["settings"]["var_dir"] = str(state_dir / "var")
    raw["settings"].update(settings)
    raw["database"]["url"] = database_url or f"sqlite:///{state_dir / 'var' / 'tinbai.db'}"
    if lease_seconds is not None:
        raw["database"]["lease_seconds"] = lease_seconds
    raw["smtp"] = smtp or {"kind": "directory", "directory": str(state_dir / "var" / "outbox"),
                           "sender": "Ban Biên tập <bbt@example.gov.vn>"}
    raw["web"]["port"] = 1  # never served: the tests run with --no-web
    raw["mailboxes"] = mailboxes
    template = raw["profiles"][TEMPLATE_PROFILE]
    named = {p.get("mailbox") for p in raw["profiles"].values()}
    for prof in raw["profiles"].values():
        if prof.get("mailbox") not in mailboxes:
            prof.pop("mailbox", None)
    for name in mailboxes:
        if name not in named:
            clone = deepcopy(template)
            clone["mailbox"] = name
            raw["profiles"][f"p-{name}"] = clone
    return raw


def write_config(state_dir: Path, **kw: Any) -> Path:
    state_dir.mkdir(parents=True, exist_ok=True)
    path = state_dir / "config.toml"
    path.write_text(toml_dumps(config_dict(state_dir, **kw)), encoding="utf-8")
    return path


def env_for(server: DovecotServer | None) -> dict[str, str]:
    env = dict(os.environ)
    if server is not None:
        env.update({password_env(u): p for u, p in server.users.items()})
    env.pop("TINBAI_CONFIG", None)
    return env


class Tinbai:
    """One `main.py --config FILE <args>` process; its stderr goes to a log file."""

    def __init__(self, config: Path, env: dict[str, str], log: Path) -> None:
        self.config, self.env, self.log_path = config, env, log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, *args: str, fsize_limit: int | None = None) -> Tinbai:
        """fsize_limit: RLIMIT_FSIZE in bytes, a disk that fills up (writes beyond it fail with
        EFBIG; Python ignores SIGXFSZ, so the process is not killed by it)."""

        def limit() -> None:
            if fsize_limit is not None:
                resource.setrlimit(resource.RLIMIT_FSIZE, (fsize_limit, fsize_limit))

        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, str(ROOT / "main.py"), "--config", str(self.config), *args],
                cwd=ROOT, env=self.env, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                start_new_session=True,  # its own group: a kill takes its parser workers too
                preexec_fn=limit if fsize_limit is not None else None,
            )
        return self

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL the daemon and its worker processes at once: no handler, no cleanup."""
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=30)

    def terminate(self, timeout: float = 30) -> int:
        if self.proc is None:
            return 0
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        # parser workers of a daemon that died are reaped with the group
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        return self.proc.returncode

    def wait(self, timeout: float) -> int:
        assert self.proc is not None
        return self.proc.wait(timeout=timeout)

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""


def run_once(config: Path, env: dict[str, str], log: Path, timeout: float = 300, *extra: str,
             fsize_limit: int | None = None) -> str:
    """`main.py run --once` to the end; returns its log; raises if it failed."""
    t = Tinbai(config, env, log).start("run", "--once", *extra, fsize_limit=fsize_limit)
    try:
        rc = t.wait(timeout)
    finally:
        t.terminate()
    if rc != 0:
        raise AssertionError(f"run --once exited {rc}:\n{t.log()[-4000:]}")
    return t.log()


def wait_until(what, timeout: float, every: float = 0.1, message: str = "") -> Any:
    """Poll `what()` until it returns something true; its value. Raises TimeoutError with `message`."""
    deadline = time.monotonic() + timeout
    while True:
        got = what()
        if got:
            return got
        if time.monotonic() > deadline:
            raise TimeoutError(message() if callable(message) else message or f"not within {timeout} s")
        time.sleep(every)


def count_rows(engine, model, *where) -> int:
    from sqlalchemy import func

    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(model).where(*where)).one()
