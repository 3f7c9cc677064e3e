"""A private, throw-away PostgreSQL cluster for the tests and benchmarks of multi-instance mode.

`initdb` into a temp folder and `postgres` in the foreground on a free port on 127.0.0.1
(ready in about a second): the tests own it, may restart or kill it, and never touch the
machine's own PostgreSQL service. Each test gets a fresh database in it (pg_database).

Running as root (as the test machines do), the server runs as the `postgres` user: PostgreSQL
refuses to run as root. Durability settings are off (fsync, synchronous_commit): the tests
restart the server, they do not pull the power.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import glob
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Self

import psycopg
import pytest

from tests.servers import free_port

# The death signal (PR_SET_PDEATHSIG) follows the thread that forked: the server is launched from
# this long-lived thread, so that a restart() called from a short-lived test thread does not tie
# the server's life to that thread.
_LAUNCHER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pg-launcher")
_LIVE: set[PgCluster] = set()


@atexit.register
def _stop_all() -> None:
    for cluster in list(_LIVE):
        with contextlib.suppress(Exception):
            cluster.close()


def pg_bin() -> Path | None:
    """The newest installed PostgreSQL's bin folder (Debian: /usr/lib/postgresql/N/bin)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


def _as_postgres() -> None:
    """In the forked child, before exec: drop to the postgres user (when root), die with the parent."""
    if os.geteuid() == 0:
        pw = pwd.getpwnam("postgres")
        os.setgid(pw.pw_gid)
        os.setuid(pw.pw_uid)
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG


class PgCluster:
    """One private PostgreSQL server. restart() and kill() keep its port and its data."""

    def __init__(self) -> None:
        self.bin = pg_bin()
        if self.bin is None:
            raise RuntimeError("PostgreSQL is not installed (/usr/lib/postgresql/*/bin)")
        self.root = Path(tempfile.mkdtemp(prefix="tinbai-pg-"))
        self.root.chmod(0o755)  # the postgres user must reach its data folder
        self.data = self.root / "data"
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = self.root / "postgres.log"

    def _own(self, path: Path) -> None:
        if os.geteuid() == 0:
            pw = pwd.getpwnam("postgres")
            os.chown(path, pw.pw_uid, pw.pw_gid)

    def start(self, timeout: float = 30.0) -> Self:
        if self.proc is not None:
            return self
        if not self.data.exists():
            self.data.mkdir(mode=0o700)
            self._own(self.data)
            subprocess.run([str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                            "-E", "UTF8", "--locale=C", "--no-sync"],
                           check=True, capture_output=True, timeout=120, preexec_fn=_as_postgres)
        if not self.port:
            self.port = free_port()
        log = open(self.log, "ab")  # handed to the child, closed here once it has it
        self._own(self.log)
        try:
            self.proc = _LAUNCHER.submit(
                subprocess.Popen,
                [str(self.bin / "postgres"), "-D", str(self.data), "-p", str(self.port), "-k", str(self.data),
                 "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off",
                 "-c", "full_page_writes=off", "-c", "max_connections=200", "-c", "shared_buffers=64MB"],
                stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True, preexec_fn=_as_postgres,
            ).result()
        finally:
            log.close()
        _LIVE.add(self)
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"postgres exited: {self.log.read_text(errors='replace')[-2000:]}")
            try:
                with psycopg.connect(self.dsn("postgres"), connect_timeout=2):
                    return self
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self, mode: str = "fast", timeout: float = 30.0) -> None:
        """smart (SIGTERM: waits for clients), fast (SIGINT: ends their sessions), immediate (SIGQUIT)."""
        proc, self.proc = self.proc, None
        if proc is None:
            return
        sig = {"smart": signal.SIGTERM, "fast": signal.SIGINT, "immediate": signal.SIGQUIT}[mode]
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(sig)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self._kill(proc)
        _LIVE.discard(self)

    def kill(self) -> None:
        """SIGKILL the postmaster and its backends (a crash: the next start recovers from the WAL)."""
        proc, self.proc = self.proc, None
        if proc is not None:
            self._kill(proc)
        _LIVE.discard(self)

    @staticmethod
    def _kill(proc: subprocess.Popen[bytes]) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)  # its own session: the backends go too
        proc.wait(timeout=10)

    def restart(self, mode: str = "fast") -> None:
        self.stop(mode)
        self.start()

    def close(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def dsn(self, dbname: str) -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname={dbname}"

    def url(self, dbname: str) -> str:
        """The SQLAlchemy URL tinbai's config takes."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{dbname}"

    def new_database(self, prefix: str = "t") -> str:
        """A new empty database; returns its URL."""
        name = f"{prefix}_{secrets.token_hex(4)}"
        with psycopg.connect(self.dsn("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """One private PostgreSQL for the session (tests that restart it make their own)."""
    if pg_bin() is None:
        pytest.skip("PostgreSQL is not installed")
    cluster = PgCluster().start()
    try:
        yield cluster
    finally:
        cluster.close()


@pytest.fixture
def pg_url(pg_cluster: PgCluster) -> str:
    """A fresh database in the session's private PostgreSQL."""
    if not pg_cluster.running:
        pg_cluster.start()
    return pg_cluster.new_database()
