"""tinbai.ingest.imap against a real Dovecot started by the tests (tests/servers.py)."""

from __future__ import annotations

import logging
import ssl
import threading
import time
from collections.abc import Iterator

import pytest

from tests.pace import scaled
from tests.servers import DovecotServer, free_port
from tinbai.config import Mailbox
from tinbai.ingest.imap import FolderState, ImapMailbox, MailboxError, backoff_delays, marking

pytestmark = pytest.mark.timeout(60)

VIETNAMESE = (
    "From: =?utf-8?b?VsSDbiBwaMOybmc=?= <vanphong@thads-thainguyen.example.vn>\n"
    "To: thainguyen@moj.gov.vn\n"
    "Subject: =?utf-8?b?VGluIGhv4bqhdCDEkeG7mW5n?=\n"
    "Message-ID: <tin-1@example.vn>\n"
    "MIME-Version: 1.0\n"
    'Content-Type: multipart/mixed; boundary="b1"\n'
    "\n"
    "--b1\n"
    "Content-Type: text/plain; charset=utf-8\n"
    "Content-Transfer-Encoding: 8bit\n"
    "\n"
    "Kính gửi Ban Biên tập: tin hoạt động ngày 12/3.\n"
    "Người gửi: Nguyễn Văn An, chuyên viên, 0912 345 678\n"
    "--b1\n"
    'Content-Type: application/octet-stream; name="a.bin"\n'
    "Content-Transfer-Encoding: base64\n"
    "\n"
    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n"
    "--b1--\n"
).encode()


def message(n: int) -> bytes:
    return f"From: a@example.vn\r\nSubject: tin {n}\r\nMessage-ID: <m{n}@example.vn>\r\n\r\nnội dung {n}\r\n".encode()


def crlf(raw: bytes) -> bytes:
    return raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def mailbox_config(
    server: DovecotServer,
    *,
    security: str = "plain",
    user: str = "alice",
    folder: str = "INBOX",
    **kw: object,
) -> Mailbox:
    port = server.imaps_port if security == "ssl" else server.imap_port
    return Mailbox(
        kind="imap",
        host=server.host,
        port=port,
        security=security,
        username=user,
        folder=folder,
        ca_file=str(server.cafile),
        **kw,
    )


@pytest.fixture
def box(dovecot: DovecotServer) -> Iterator[ImapMailbox]:
    b = ImapMailbox(mailbox_config(dovecot), dovecot.users["alice"], timeout=10)
    b.connect()
    yield b
    b.close()


def test_fetch_returns_the_exact_bytes_and_leaves_seen_unset(
    dovecot: DovecotServer, box: ImapMailbox
) -> None:
    u1 = dovecot.append("alice", "INBOX", VIETNAMESE)
    u2 = dovecot.append("alice", "INBOX", message(2))
    state = box.select()
    assert state == FolderState(uidvalidity=state.uidvalidity, uidnext=u2 + 1, exists=2)
    assert box.uids_after(0) == [u1, u2]
    assert box.uids_after(u1) == [u2]
    # "n:*" beyond the last UID must not return the last message again
    assert box.uids_after(u2) == []
    assert box.uids_after(u2 + 100) == []

    got = dict(box.fetch([u2, u1]))
    assert list(got) == [u1, u2]
    assert crlf(got[u1]) == crlf(VIETNAMESE)
    assert crlf(got[u2]) == crlf(message(2))
    for uid in (u1, u2):
        assert "\\Seen" not in dovecot.flags("alice", "INBOX", uid)


def test_imaplib_does_not_format_bodies_for_a_debug_log_that_is_off(
    dovecot: DovecotServer, box: ImapMailbox, caplog: pytest.LogCaptureFixture
) -> None:
    # IMAPClient sets imaplib's debug level to 5: every body would be repr()'d for nothing
    assert box._conn()._imap.debug == 0
    with caplog.at_level(logging.DEBUG, logger="imapclient.imaplib"):
        verbose = ImapMailbox(mailbox_config(dovecot), dovecot.users["alice"], timeout=10)
        verbose.connect()
        try:
            assert verbose._conn()._imap.debug == 5  # whoever asks for imaplib's log still gets it
            verbose.select()
        finally:
            verbose.close()
    assert any(r.name == "imapclient.imaplib" for r in caplog.records)


def test_fetch_in_batches(dovecot: DovecotServer, box: ImapMailbox) -> None:
    uids = [dovecot.append("alice", "INBOX", message(i)) for i in range(7)]
    box.select()
    got = list(box.fetch(box.uids_after(0), batch=3))
    assert [u for u, _ in got] == uids
    assert [crlf(raw) for _, raw in got] == [crlf(message(i)) for i in range(7)]
    assert list(box.fetch([])) == []


def test_fetch_limits_the_bytes_held_at_once(dovecot: DovecotServer, box: ImapMailbox) -> None:
    big = b"Subject: big\r\n\r\n" + b"x" * 70_000 + b"\r\n"
    uids = [dovecot.append("alice", "INBOX", raw) for raw in (message(1), big, message(2), big)]
    box.select()
    got = list(box.fetch(uids, max_bytes=50_000))  # each big one comes alone, the rest together
    assert [u for u, _ in got] == uids
    assert crlf(got[1][1]) == crlf(big)


def test_a_message_already_seen_by_someone_else_is_still_found(
    dovecot: DovecotServer, box: ImapMailbox
) -> None:
    uid = dovecot.append("alice", "INBOX", message(1), flags=["\\Seen"])
    box.select()
    assert box.uids_after(0) == [uid]
    assert [u for u, _ in box.fetch([uid])] == [uid]


def test_mark_done_seen(dovecot: DovecotServer) -> None:
    uid = dovecot.append("alice", "INBOX", message(1))
    with ImapMailbox(mailbox_config(dovecot, after="seen"), "alicepw") as b:
        b.select()
        b.mark_done(uid)
    assert "\\Seen" in dovecot.flags("alice", "INBOX", uid)
    assert dovecot.uids("alice") == [uid]


def test_mark_done_move_creates_the_folder_once(dovecot: DovecotServer) -> None:
    folder = "Đã xử lý"  # non-ASCII: imapclient encodes it as modified UTF-7
    u1 = dovecot.append("alice", "INBOX", message(1))
    u2 = dovecot.append("alice", "INBOX", message(2))
    with ImapMailbox(mailbox_config(dovecot, after="move", move_to=folder), "alicepw") as b:
        assert b.has_capability("MOVE") and b.has_capability("idle")
        b.select()
        b.mark_done(u1)
        b.mark_done(u2)
        assert b.uids_after(0) == []
    assert dovecot.uids("alice") == []
    assert len(dovecot.uids("alice", folder)) == 2


def test_several_messages_are_marked_in_one_command(dovecot: DovecotServer) -> None:
    uids = [dovecot.append("alice", "INBOX", message(i)) for i in range(5)]
    with ImapMailbox(mailbox_config(dovecot, after="seen"), "alicepw") as b:
        b.select()
        b.mark_done(uids[:3])
        b.mark_done([])  # nothing to mark: no command
    assert ["\\Seen" in dovecot.flags("alice", "INBOX", u) for u in uids] == [True] * 3 + [False] * 2
    with ImapMailbox(mailbox_config(dovecot, after="move", move_to="Done"), "alicepw") as b:
        b.select()
        b.mark_done(uids[3:])
    assert dovecot.uids("alice") == uids[:3] and len(dovecot.uids("alice", "Done")) == 2


def test_thousands_of_messages_are_marked_in_commands_of_bounded_length(
        dovecot: DovecotServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(marking, "MARK_AT_ONCE", 3)
    uids = [dovecot.append("alice", "INBOX", message(i)) for i in range(8)]
    with ImapMailbox(mailbox_config(dovecot, after="seen"), "alicepw") as b:
        b.select()
        sent: list[list[int]] = []
        real = b._conn().add_flags
        monkeypatch.setattr(b._conn(), "add_flags", lambda got, *a, **kw: (sent.append(list(got)), real(got, *a, **kw)))
        b.mark_done(uids)
    assert sent == [uids[0:3], uids[3:6], uids[6:8]]
    assert all("\\Seen" in dovecot.flags("alice", "INBOX", u) for u in uids)


def test_mark_done_none_changes_nothing(dovecot: DovecotServer, box: ImapMailbox) -> None:
    uid = dovecot.append("alice", "INBOX", message(1))
    box.select()
    box.mark_done(uid, "none")
    assert "\\Seen" not in dovecot.flags("alice", "INBOX", uid)


def test_mark_done_on_a_message_deleted_by_someone_else_is_no_error(
    dovecot: DovecotServer, box: ImapMailbox
) -> None:
    u1 = dovecot.append("alice", "INBOX", message(1))
    u2 = dovecot.append("alice", "INBOX", message(2))
    box.select()
    dovecot.delete_message("alice", "INBOX", u1)
    dovecot.delete_message("alice", "INBOX", u2)
    box.mark_done(u1, "seen")
    box.mark_done(u2, "move", "Done")  # Dovecot first answers NO [EXPUNGEISSUED]
    assert dovecot.uids("alice", "Done") == []
    assert box.uids_after(0) == []


def test_a_message_deleted_between_search_and_fetch_is_skipped(
    dovecot: DovecotServer, box: ImapMailbox
) -> None:
    uids = [dovecot.append("alice", "INBOX", message(i)) for i in range(3)]
    box.select()
    assert box.uids_after(0) == uids
    dovecot.delete_message("alice", "INBOX", uids[1])
    got = list(box.fetch(uids))
    assert [u for u, _ in got] == [uids[0], uids[2]]
    assert crlf(got[1][1]) == crlf(message(2))


def test_idle_reports_new_mail_from_another_client(dovecot: DovecotServer, box: ImapMailbox) -> None:
    box.select()
    uid_holder: list[int] = []
    t = threading.Timer(0.3, lambda: uid_holder.append(dovecot.append("alice", "INBOX", message(1))))
    started = time.monotonic()
    t.start()
    try:
        assert box.idle_wait(10) is True
    finally:
        t.join()
    assert time.monotonic() - started < scaled(3)  # Dovecot notifies ~0.5 s after the change
    assert box.uids_after(0) == uid_holder
    box.noop()
    assert box._client is not None and not box._client._imap.untagged_responses  # nothing piles up
    # the connection is usable after IDLE, and a quiet IDLE times out with False
    started = time.monotonic()
    assert box.idle_wait(0.7) is False
    assert 0.6 < time.monotonic() - started < scaled(2)
    box.noop()


class _UnannouncedMail:
    """An IMAP session stand-in whose IDLE never announces a message that reached the folder just
    as IDLE began (the server was not watching yet), while NOOP, syncing, does."""

    def __init__(self) -> None:
        self._imap = type("Imap", (), {"untagged_responses": {}})()
        self.arrived = False
        self.calls: list[str] = []

    def noop(self):
        self.calls.append("NOOP")
        return b"OK", ([(1, b"EXISTS")] if self.arrived else [])

    def idle(self) -> None:
        self.calls.append("IDLE")
        self.arrived = True  # ... just as it began

    def idle_check(self, timeout=None):
        time.sleep(timeout)
        return []

    def idle_done(self):
        self.calls.append("DONE")
        return b"OK", []


def test_mail_the_server_does_not_announce_as_idle_begins_is_found_a_second_later(dovecot: DovecotServer) -> None:
    box = ImapMailbox(mailbox_config(dovecot), dovecot.users["alice"], timeout=10)
    box._client, box._caps = _UnannouncedMail(), frozenset({"IDLE"})
    started = time.monotonic()
    assert box.idle_wait(20) is True
    assert time.monotonic() - started < scaled(3)  # the first round is short: not the 20 s of the whole wait
    assert box._client.calls == ["NOOP", "IDLE", "DONE", "NOOP"]


def test_without_idle_the_adapter_sleeps_and_polls() -> None:
    # a server that does not offer IDLE nor MOVE (imap_capability replaces the list)
    with DovecotServer(extra_config="imap_capability = IMAP4rev1 LITERAL+ UIDPLUS") as server:
        uid = server.append("alice", "INBOX", message(1))
        with ImapMailbox(mailbox_config(server), "alicepw") as b:
            assert not b.has_capability("IDLE") and not b.has_capability("MOVE")
            b.select()
            started = time.monotonic()
            assert b.idle_wait(0.3) is False
            assert time.monotonic() - started >= 0.3
            deliver = threading.Timer(0.1, lambda: server.append("alice", "INBOX", message(2)))
            deliver.start()
            assert b.idle_wait(0.6) is True  # NOOP after the sleep reports EXISTS
            deliver.join()
            # MOVE missing: COPY + \Deleted + UID EXPUNGE
            b.mark_done(uid, "move", "Done")
            assert b.uids_after(0) == [uid + 1]
        assert server.uids("alice") == [uid + 1]
        assert len(server.uids("alice", "Done")) == 1


def test_idle_disabled_in_config_polls(dovecot: DovecotServer) -> None:
    with ImapMailbox(mailbox_config(dovecot, idle=False), "alicepw") as b:
        b.select()
        started = time.monotonic()
        assert b.idle_wait(0.2) is False
        assert time.monotonic() - started >= 0.2


@pytest.mark.parametrize("grace", [3.0, 0.0], ids=["graceful", "killed"])
def test_server_restart_mid_session(dovecot: DovecotServer, box: ImapMailbox, grace: float) -> None:
    uid = dovecot.append("alice", "INBOX", message(1))
    before = box.select()
    dovecot.restart(grace=grace)
    with pytest.raises(MailboxError) as err:
        box.noop()
    assert err.value.connection_lost
    assert "\n" not in str(err.value)
    assert not box.connected
    with pytest.raises(MailboxError, match="not connected"):
        box.uids_after(0)
    box.connect()
    assert box.select().uidvalidity == before.uidvalidity
    assert box.uids_after(0) == [uid]


def test_server_restart_during_idle(dovecot: DovecotServer, box: ImapMailbox) -> None:
    box.select()
    restart = threading.Timer(0.2, lambda: dovecot.restart(grace=0))
    restart.start()
    started = time.monotonic()
    try:
        with pytest.raises(MailboxError) as err:
            box.idle_wait(10)
    finally:
        restart.join()
    assert err.value.connection_lost
    assert time.monotonic() - started < scaled(5)
    box.connect()
    assert box.select().exists == 0


def test_folder_recreated_gets_a_new_uidvalidity(dovecot: DovecotServer) -> None:
    dovecot.create_folder("alice", "Submissions")
    dovecot.append("alice", "Submissions", message(1))
    b = ImapMailbox(mailbox_config(dovecot, folder="Submissions"), "alicepw")
    b.connect()
    try:
        first = b.select()
        dovecot.delete_folder("alice", "Submissions")
        dovecot.create_folder("alice", "Submissions")
        try:
            second = b.select()
        except MailboxError:  # a server may also drop the session; a reconnect must see it
            b.connect()
            second = b.select()
        assert second.uidvalidity != first.uidvalidity
        assert second.exists == 0 and b.uids_after(0) == []
    finally:
        b.close()


def test_missing_folder_is_an_error_but_the_connection_survives(dovecot: DovecotServer) -> None:
    with ImapMailbox(mailbox_config(dovecot, folder="Không có"), "alicepw") as b:
        with pytest.raises(MailboxError, match="cannot open the folder") as err:
            b.select()
        assert not err.value.connection_lost
        assert b.connected
        b.noop()
        # no folder selected: refused on our side, the connection stays
        with pytest.raises(MailboxError) as err:
            b.uids_after(0)
        assert not err.value.connection_lost and b.connected


@pytest.mark.parametrize("security", ["ssl", "starttls", "plain"])
def test_each_kind_of_connection_works(dovecot: DovecotServer, security: str) -> None:
    uid = dovecot.append("alice", "INBOX", message(1))
    with ImapMailbox(mailbox_config(dovecot, security=security), "alicepw") as b:
        b.select()
        assert [u for u, _ in b.fetch(b.uids_after(0))] == [uid]


def test_tls_certificate_is_verified(dovecot: DovecotServer) -> None:
    cfg = mailbox_config(dovecot, security="ssl").model_copy(update={"ca_file": None})
    with pytest.raises(MailboxError, match="(?i)certificate") as err:
        ImapMailbox(cfg, "alicepw").connect()
    assert isinstance(err.value.__cause__, ssl.SSLError)


def test_wrong_password(dovecot: DovecotServer) -> None:
    b = ImapMailbox(mailbox_config(dovecot), "wrong")
    with pytest.raises(MailboxError, match="login failed") as err:
        b.connect()
    assert "alice@127.0.0.1" in str(err.value) and "\n" not in str(err.value)
    assert not b.connected


def test_nobody_listening() -> None:
    cfg = Mailbox(kind="imap", host="127.0.0.1", port=free_port(), security="plain", username="alice")
    with pytest.raises(MailboxError, match="cannot connect"):
        ImapMailbox(cfg, "x", timeout=2).connect()


def test_password_comes_from_the_environment(dovecot: DovecotServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TINBAI_TEST_IMAP_PW", "alicepw")
    cfg = mailbox_config(dovecot, password_env="TINBAI_TEST_IMAP_PW")
    with ImapMailbox(cfg) as b:
        assert b.select().exists == 0


def test_backoff_delays_grow_with_jitter_up_to_the_cap() -> None:
    it = backoff_delays(base=1, cap=30)
    delays = [next(it) for _ in range(12)]
    for n, d in enumerate(delays):
        top = min(30, 2**n)
        assert top / 2 <= d <= top
    assert all(15 <= d <= 30 for d in delays[5:])
    assert len({round(d, 6) for d in delays}) > 6  # jittered, not a fixed ladder
