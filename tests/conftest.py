"""Shared fixtures. The real test servers (Dovecot, aiosmtpd) live in tests/servers.py."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# `pytest` (unlike `python -m pytest`) does not put the repository on sys.path: tinbai and
# tests.servers must import the same way however the suite is started.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from playwright.sync_api import Browser, sync_playwright  # noqa: E402

from tests.browser_fixtures import CHROMIUM, CHROMIUM_ARGS, Served  # noqa: E402
from tests.servers import USERS, DovecotServer, SmtpSink  # noqa: E402 - after the sys.path fix above
from tests.web_fixtures import make_config, make_engine_for  # noqa: E402
from tinbai.web.app import create_app  # noqa: E402


def pytest_configure(config: pytest.Config) -> None:
    # aiosmtpd itself sets the deprecated Session.login_data after every successful AUTH
    config.addinivalue_line("filterwarnings", "ignore:Session.login_data is deprecated:DeprecationWarning")


@pytest.fixture(scope="session")
def dovecot_server() -> Iterator[DovecotServer]:
    """One private Dovecot for the whole session (starts in well under a second)."""
    server = DovecotServer().start()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def dovecot(dovecot_server: DovecotServer) -> Iterator[DovecotServer]:
    """The session's Dovecot with alice's and bob's mailboxes emptied; running even if a test stopped it."""
    if not dovecot_server.running:
        dovecot_server.start()
    for user in USERS:
        dovecot_server.reset_user(user)
    yield dovecot_server
    if dovecot_server.running:
        dovecot_server.check_log()


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    """A plain SMTP server on 127.0.0.1 that accepts everything and keeps it (.messages)."""
    with SmtpSink() as sink:
        yield sink


@pytest.fixture
def make_smtp_sink() -> Iterator[Callable[..., SmtpSink]]:
    """SmtpSink(starttls=…, auth=(user, pw)) started and stopped with the test."""
    sinks: list[SmtpSink] = []

    def make(**kwargs: object) -> SmtpSink:
        sink = SmtpSink(**kwargs).start()  # type: ignore[arg-type]
        sinks.append(sink)
        return sink

    yield make
    for sink in sinks:
        sink.stop()


@pytest.fixture
def board(tmp_path: Path, smtp_sink: SmtpSink) -> Iterator[tuple[Served, object, object]]:
    """The review pages served (tests.browser_fixtures.Served) on a fresh database, emails to `smtp_sink`."""
    config = make_config(tmp_path, smtp_port=smtp_sink.port)
    engine = make_engine_for(tmp_path)
    with Served(create_app(config, engine)) as served:
        yield served, config, engine
    engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Chromium (Playwright with the system's /usr/bin/chromium), one per test module."""
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
