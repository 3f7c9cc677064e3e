"""Real servers for the tests: a private Dovecot IMAP instance and an aiosmtpd SMTP sink.

Both listen on 127.0.0.1 on free high ports, live in a temporary folder and are
owned by the test process: nothing here touches the system's Dovecot or mail.
See /work/shared/INFRA-FACTS.md for the measured behaviour these settings rely on.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import functools
import os
import pwd
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Self

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from imapclient import IMAPClient

HOST = "127.0.0.1"
USERS: dict[str, str] = {"alice": "alicepw", "bob": "bobpw"}


class ServerError(RuntimeError):
    """A test server could not be started or stopped."""


def free_port() -> int:
    """A TCP port that is free right now (the OS picks it; the caller binds it soon after)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def make_self_signed_cert(directory: Path) -> tuple[Path, Path]:
    """cert.pem + key.pem for 127.0.0.1 (SAN IP, so hostname checking passes); reused if present.

    An EC key: generated in milliseconds, where RSA takes noticeably longer.
    """
    cert, key = directory / "cert.pem", directory / "key.pem"
    if not (cert.exists() and key.exists()):
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-keyout",
                str(key),
                "-out",
                str(cert),
                "-days",
                "7",
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1",
            ],
            check=True,
            capture_output=True,
            timeout=30,
        )
    return cert, key


def _wait_for_greeting(port: int, prefix: bytes | None, deadline: float, alive: Callable[[], bool]) -> None:
    """Poll until a TCP connect gets a line starting with `prefix` (None: until the connect succeeds)."""
    while time.monotonic() < deadline:
        if not alive():
            raise ServerError("server process exited during startup")
        try:
            with socket.create_connection((HOST, port), timeout=1.0) as s:
                if prefix is None or s.recv(200).startswith(prefix):
                    return
        except OSError:
            pass
        time.sleep(0.02)
    raise ServerError(f"no greeting on {HOST}:{port} before the deadline")


_PR_SET_CHILD_SUBREAPER = 36


def _group_pids(pgid: int) -> list[int]:
    """Processes in process group `pgid` (Dovecot's master and the children it forked)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid pgrp ...": comm may hold spaces, so split after its last ")"
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[2]) == pgid:
            pids.append(int(entry.name))
    return pids


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL a master and every process of its group, and reap them all."""
    if proc.poll() is not None and not _group_pids(proc.pid):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    # While we are a subreaper, the children orphaned by the master's death become ours to reap;
    # only for this moment, so that no other orphan of the test process is adopted for long.
    libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    try:
        others = [p for p in _group_pids(proc.pid) if p != proc.pid]
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)
        deadline = time.monotonic() + 2.0
        while others and time.monotonic() < deadline:
            for pid in list(others):
                try:
                    done, _ = os.waitpid(pid, os.WNOHANG)
                except ChildProcessError:  # reaped already, or never ours
                    done = pid
                if done:
                    others.remove(pid)
            if others:
                time.sleep(0.01)
    finally:
        libc.prctl(_PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0)


_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent_pid: int) -> None:
    """In the forked child, before exec: SIGTERM when the launching thread dies.

    Covers what atexit cannot: the test process killed (SIGKILL, os._exit from a timeout).
    """
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)


# The death signal follows the *thread* that forked, not the process: servers are launched from
# this one long-lived thread, so that a restart() from a short-lived test thread does not tie
# Dovecot's life to that thread.
_LAUNCHER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="test-server-launcher")


# Every server started in this process, so that none survives it even if a fixture's
# finaliser never runs (Ctrl-C, a crash in another fixture).
_LIVE: set[DovecotServer] = set()


@atexit.register
def _stop_all() -> None:
    for server in list(_LIVE):
        with contextlib.suppress(Exception):
            server.close()


DOVECOT_CONF = """\
# private test instance: everything under {root}
instance_name = {instance}
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
listen = 127.0.0.1
protocols = imap
# running as root: Dovecot needs unprivileged users for its own processes
default_login_user = dovenull
default_internal_user = dovecot
ssl = yes
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
# a wrong-password test must not slow the next logins down: no failure delay (Dovecot 2.3
# still answers at its next 0.5 s tick), and no per-IP auth penalty (2, 4, 8… s for every
# login from 127.0.0.1): auth disables the penalty when it cannot reach this socket
auth_failure_delay = 0
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid=nobody gid=nogroup home={root}/mail/%u
}}
mail_location = maildir:~/Maildir
namespace inbox {{
  inbox = yes
}}
# the tests do not survive a power cut; fsync only slows them
mail_fsync = never
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps_port}
    ssl = yes
  }}
}}
protocol imap {{
  # the default 10 per user and IP is too low for concurrency tests
  mail_max_userip_connections = 50
}}
"""


class DovecotServer:
    """A private Dovecot instance run in the foreground (`dovecot -F`) so this object owns it.

    Written for running as root (as the test machines do): Dovecot's own processes run as
    dovenull/dovecot and the mail is stored as nobody:nogroup.

    Users come from a passwd-file (alice/alicepw, bob/bobpw, plus any add_user()); mail is stored
    as nobody:nogroup under the temp folder. restart() keeps the mail (and so the UIDVALIDITYs).
    """

    def __init__(
        self, root: str | Path | None = None, *, extra_config: str = "", pool_size: int = 100
    ) -> None:
        """extra_config: settings appended to the generated dovecot.conf (e.g. imap_capability);
        pool_size: users (user001…) ready for new_user()."""
        self.extra_config = extra_config
        self._own_root = root is None
        self.root = Path(root or tempfile.mkdtemp(prefix="tinbai-dovecot-"))
        self.host = HOST
        self.imap_port = 0
        self.imaps_port = 0
        self.conf = self.root / "dovecot.conf"
        self.log_path = self.root / "dovecot.log"
        self.cafile = self.root / "cert.pem"
        self.users: dict[str, str] = dict(USERS)
        # users for new_user(), in the passwd-file from the start (see add_user() for why)
        self._pool = [f"user{n:03d}" for n in range(1, pool_size + 1)]
        self.users.update({name: f"{name}pw" for name in self._pool})
        self._handed_out: set[str] = set()
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        # start/stop/restart may come from a helper thread (a test restarting the server while
        # its main thread is blocked in IDLE): one at a time, or two masters would race
        self._life = threading.RLock()
        self._closed = False

    # ----- life cycle -------------------------------------------------------------------------------
    def start(self, timeout: float = 10.0) -> Self:
        with self._life:
            return self._start(timeout)

    def _start(self, timeout: float) -> Self:
        if self._closed:
            raise ServerError("this DovecotServer was closed")
        if self._proc is not None:
            return self
        self._prepare()
        last: Exception | None = None
        # a free port can be taken by someone else between free_port() and Dovecot's bind: retry
        for _ in range(3):
            try:
                self._launch(timeout)
                _LIVE.add(self)
                return self
            except ServerError as e:
                last = e
                self.stop(grace=0)
                if "Address already in use" not in self.log_text():
                    break
                self.imap_port = self.imaps_port = 0
        raise ServerError(f"dovecot did not start: {last}\n--- log ---\n{self.log_text()[-3000:]}")

    def _prepare(self) -> None:
        # Dovecot's processes run as dovenull/dovecot/nobody: mkdtemp's 0700 would lock them out
        self.root.chmod(0o755)
        for sub in ("run", "state"):
            (self.root / sub).mkdir(exist_ok=True)
        mail = self.root / "mail"
        mail.mkdir(exist_ok=True)
        nobody = pwd.getpwnam("nobody")
        if os.geteuid() == 0:
            # Dovecot refuses to store mail as root: the static userdb says nobody:nogroup
            os.chown(mail, nobody.pw_uid, nobody.pw_gid)
        make_self_signed_cert(self.root)
        self._write_users()

    def _write_users(self) -> None:
        # passwd-file is re-read when its mtime changes, so add_user() needs no reload
        tmp = self.root / "users.tmp"
        tmp.write_text("".join(f"{u}:{{PLAIN}}{p}\n" for u, p in self.users.items()))
        tmp.chmod(0o644)
        tmp.replace(self.root / "users")

    def _launch(self, timeout: float) -> None:
        if not self.imap_port:
            self.imap_port, self.imaps_port = free_port(), free_port()
            while self.imaps_port == self.imap_port:
                self.imaps_port = free_port()
        self.conf.write_text(
            DOVECOT_CONF.format(
                root=self.root,
                instance=f"tinbai-test-{os.getpid()}-{self.root.name}",
                imap_port=self.imap_port,
                imaps_port=self.imaps_port,
            )
            + self.extra_config
            + "\n"
        )
        with contextlib.suppress(FileNotFoundError):
            self.log_path.unlink()
        # own session: the master's children share its process group, which stop() kills as a whole.
        # stderr to a file: Dovecot writes there only before log_path is open (config errors).
        with open(self.root / "dovecot.stderr", "wb") as err:
            self._proc = _LAUNCHER.submit(
                subprocess.Popen,
                ["dovecot", "-F", "-c", str(self.conf)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=err,
                start_new_session=True,
                preexec_fn=functools.partial(_die_with_parent, os.getpid()),
            ).result()
        deadline = time.monotonic() + timeout
        proc = self._proc
        try:
            _wait_for_greeting(self.imap_port, b"* OK", deadline, lambda: proc.poll() is None)
            _wait_for_greeting(self.imaps_port, None, deadline, lambda: proc.poll() is None)
        except ServerError as e:
            stderr = (self.root / "dovecot.stderr").read_text(errors="replace").strip()
            raise ServerError(f"{e}; stderr: {stderr}") from None
        self.check_log()

    def stop(self, grace: float = 3.0) -> None:
        """SIGTERM, then SIGKILL after `grace` seconds (grace=0: SIGKILL at once).

        Dovecot's graceful stop takes 1-3 s (it sleeps between shutdown phases) and reaps its own
        children; a SIGKILL frees the ports at once but orphans the children, which _kill_group()
        reaps so that they do not linger as zombies (this machine's PID 1 does not reap).
        """
        with self._life:
            self._stop(grace)

    def _stop(self, grace: float) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if grace > 0 and proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=grace)
        _kill_group(proc)
        _LIVE.discard(self)

    def restart(self, grace: float = 3.0) -> None:
        """Stop and start again on the same ports with the same mail."""
        with self._life:
            if self._closed:
                raise ServerError("this DovecotServer was closed")
            self._stop(grace)
            try:
                self._launch(10.0)
            except ServerError:
                self._stop(0)
                raise
            _LIVE.add(self)

    def close(self) -> None:
        """Stop and remove the temp folder (when this object made it)."""
        with self._life:
            self._closed = True
            self._stop(0)
            if self._own_root:
                shutil.rmtree(self.root, ignore_errors=True)

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ----- logs and admin ---------------------------------------------------------------------------
    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def check_log(self) -> None:
        """Raise when Dovecot logged a fatal error (it keeps running even when a service failed)."""
        fatal = [line for line in self.log_text().splitlines() if "Fatal:" in line or "Panic:" in line]
        if fatal:
            raise ServerError("dovecot: " + " | ".join(fatal[:3]))

    def doveadm(self, *args: str, check: bool = True) -> str:
        """Run `doveadm -c CONF ARGS…` against this instance; returns stdout."""
        r = subprocess.run(
            ["doveadm", "-c", str(self.conf), *args], capture_output=True, text=True, timeout=30, check=False
        )
        if check and r.returncode != 0:
            raise ServerError(f"doveadm {' '.join(args)}: {r.stderr.strip() or r.returncode}")
        return r.stdout

    # ----- users and mail ---------------------------------------------------------------------------
    def add_user(self, username: str, password: str) -> None:
        """Add (or change) a passwd-file user; returns once Dovecot accepts the login."""
        with self._lock:
            self.users[username] = password
            self._write_users()
        if self.running:
            # Dovecot looks at the passwd-file's mtime at most once a second: wait for it to see
            # the new line (doveadm asks the same auth service that IMAP logins use)
            deadline = time.monotonic() + 3.0
            while self.doveadm("auth", "test", username, password, check=False).find("succeeded") < 0:
                if time.monotonic() > deadline:
                    raise ServerError(f"dovecot does not accept the new user {username}")
                time.sleep(0.05)

    def new_user(self) -> tuple[str, str]:
        """(username, password) of a user no one has used yet, with an empty mailbox.

        Taken from a pool written before the server started, so usually without waiting.
        """
        with self._lock:
            for name in self._pool:
                if name not in self._handed_out:
                    self._handed_out.add(name)
                    return name, self.users[name]
            n = len(self._pool) + 1
            while f"user{n:03d}" in self.users:
                n += 1
            name = f"user{n:03d}"
            self._handed_out.add(name)
        self.add_user(name, f"{name}pw")
        return name, f"{name}pw"

    def reset_user(self, username: str) -> None:
        """Drop every message and folder of a user; the next login starts from an empty mailbox."""
        if self.running:
            # an IMAP process still holding the old maildir would recreate bits of it
            self.doveadm("kick", username, check=False)
            deadline = time.monotonic() + 2.0
            while time.monotonic() < deadline and username in self.doveadm("who", check=False).split():
                time.sleep(0.02)
        shutil.rmtree(self.root / "mail" / username, ignore_errors=True)

    def client(self, username: str = "alice", *, tls: bool = False) -> IMAPClient:
        """A logged-in imapclient connection (plain, or IMAPS with tls=True), for set-up and checks."""
        if tls:
            ctx = ssl.create_default_context(cafile=str(self.cafile))
            c = IMAPClient(self.host, self.imaps_port, ssl=True, ssl_context=ctx, timeout=10)
        else:
            c = IMAPClient(self.host, self.imap_port, ssl=False, timeout=10)
        c.login(username, self.users[username])
        return c

    @contextlib.contextmanager
    def session(self, username: str = "alice") -> Iterator[IMAPClient]:
        c = self.client(username)
        try:
            yield c
        finally:
            with contextlib.suppress(Exception):
                c.logout()

    def append(self, username: str, folder: str, raw: bytes, flags: Iterable[str] = ()) -> int:
        """Deliver a message the way another client would; returns its UID (from APPENDUID)."""
        with self.session(username) as c:
            if not c.folder_exists(folder):
                c.create_folder(folder)
            resp = c.append(folder, raw, flags=tuple(flags))
        # b'[APPENDUID 1700000000 5] Append completed.'
        text = resp.decode() if isinstance(resp, bytes) else str(resp)
        try:
            return int(text.split("APPENDUID", 1)[1].split("]", 1)[0].split()[1])
        except (IndexError, ValueError):
            raise ServerError(f"no APPENDUID in {text!r}") from None

    def create_folder(self, username: str, folder: str) -> None:
        with self.session(username) as c:
            c.create_folder(folder)

    def delete_folder(self, username: str, folder: str) -> None:
        with self.session(username) as c:
            c.delete_folder(folder)

    def folder_state(self, username: str, folder: str = "INBOX") -> dict[str, int]:
        """UIDVALIDITY, UIDNEXT and MESSAGES of a folder, as another client sees them."""
        with self.session(username) as c:
            st = c.folder_status(folder, ["UIDVALIDITY", "UIDNEXT", "MESSAGES"])
        return {k.decode(): int(v) for k, v in st.items()}

    def flags(self, username: str, folder: str, uid: int) -> set[str]:
        """The flags of one message, read without changing them (SELECT read-only)."""
        with self.session(username) as c:
            c.select_folder(folder, readonly=True)
            got = c.fetch([uid], ["FLAGS"]).get(uid)
        if got is None:
            raise KeyError(f"no message {uid} in {folder}")
        return {f.decode() if isinstance(f, bytes) else f for f in got[b"FLAGS"]}

    def uids(self, username: str, folder: str = "INBOX") -> list[int]:
        with self.session(username) as c:
            c.select_folder(folder, readonly=True)
            return sorted(c.search("ALL"))

    def delete_message(self, username: str, folder: str, uid: int) -> None:
        """Expunge one message, as another client (a colleague in webmail) would."""
        with self.session(username) as c:
            c.select_folder(folder)
            c.add_flags([uid], [b"\\Deleted"])
            c.uid_expunge([uid])


# ===== SMTP =========================================================================================


@dataclass(frozen=True)
class ReceivedMessage:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    content: bytes  # as received: CRLF line endings
    auth_user: str | None = None
    tls: bool = False


class _Handler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        reply = self.sink._rcpt_reply(address)
        if reply is not None:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        reply = self.sink._data_reply()
        if reply is not None:
            return reply
        content = envelope.original_content or b""
        auth = session.auth_data
        user = None
        if isinstance(auth, LoginPassword):
            user = auth.login.decode(errors="replace")
        elif isinstance(auth, str):
            user = auth
        self.sink._store(
            ReceivedMessage(
                mail_from=envelope.mail_from or "",
                rcpt_tos=tuple(envelope.rcpt_tos),
                content=content,
                auth_user=user,
                tls=session.ssl is not None,
            )
        )
        return "250 Message accepted"


class SmtpSink:
    """An aiosmtpd server on a free port that keeps what it receives.

    starttls=True offers (and requires) STARTTLS with a self-signed cert for 127.0.0.1 (`cafile`);
    auth=("user", "pw") requires AUTH with those credentials. Faults for later tests:
    reject_recipient(addr, "550 …") and fail_data("451 …", times=n).
    """

    def __init__(
        self,
        *,
        starttls: bool = False,
        auth: tuple[str, str] | None = None,
        cert_dir: str | Path | None = None,
    ) -> None:
        self.host = HOST
        self.port = 0
        self.starttls = starttls
        self.auth = auth
        self._own_dir = cert_dir is None
        self._dir = Path(cert_dir or tempfile.mkdtemp(prefix="tinbai-smtp-"))
        self.cafile: Path | None = None
        self._controller: Controller | None = None
        self._lock = threading.Condition()
        self._messages: list[ReceivedMessage] = []
        self._rcpt_faults: dict[str, str] = {}
        self._data_fault: tuple[str, int | None] | None = None
        self.failed_logins = 0

    def _authenticator(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: object
    ) -> AuthResult:
        if (
            isinstance(auth_data, LoginPassword)
            and self.auth is not None
            and auth_data.login.decode() == self.auth[0]
            and auth_data.password.decode() == self.auth[1]
        ):
            return AuthResult(success=True, auth_data=auth_data)
        with self._lock:
            self.failed_logins += 1
        # handled=False: aiosmtpd then answers 535 itself; with handled=True the client hangs
        return AuthResult(success=False, handled=False)

    def start(self) -> Self:
        kwargs: dict[str, object] = {}
        if self.starttls:
            cert, key = make_self_signed_cert(self._dir)
            self.cafile = cert
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ctx.load_cert_chain(cert, key)
            kwargs.update(tls_context=ctx, require_starttls=True)
        if self.auth is not None:
            kwargs.update(
                authenticator=self._authenticator, auth_required=True, auth_require_tls=self.starttls
            )
        last: Exception | None = None
        for _ in range(5):  # port=0 does not work with Controller: pick one, retry if it was taken
            port = self.port or free_port()  # started again (restart()): the same port
            ctl = Controller(_Handler(self), hostname=HOST, port=port, ready_timeout=5.0, **kwargs)
            try:
                ctl.start()
            except Exception as e:  # a taken port surfaces as various errors
                last = e
                with contextlib.suppress(Exception):
                    ctl.stop()
                continue
            self._controller, self.port = ctl, port
            return self
        raise ServerError(f"aiosmtpd did not start: {last}")

    def stop(self, *, for_good: bool = True) -> None:
        """Stop listening; for_good=False keeps the port and the certificate for start() again
        (an outage: clients meet a refused connection until then)."""
        ctl, self._controller = self._controller, None
        if ctl is not None:
            with contextlib.suppress(Exception):
                ctl.stop()
        if for_good:
            self.port = 0
            if self._own_dir:
                shutil.rmtree(self._dir, ignore_errors=True)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ----- what arrived -----------------------------------------------------------------------------
    def _store(self, msg: ReceivedMessage) -> None:
        with self._lock:
            self._messages.append(msg)
            self._lock.notify_all()

    @property
    def messages(self) -> list[ReceivedMessage]:
        with self._lock:
            return list(self._messages)

    def wait_for(self, count: int, timeout: float = 5.0) -> list[ReceivedMessage]:
        """Block until at least `count` messages arrived; returns them all (raises on timeout)."""
        with self._lock:
            if not self._lock.wait_for(lambda: len(self._messages) >= count, timeout):
                raise TimeoutError(f"{len(self._messages)} of {count} messages arrived in {timeout} s")
            return list(self._messages)

    def clear(self) -> None:
        with self._lock:
            self._messages.clear()
            self._rcpt_faults.clear()
            self._data_fault = None
            self.failed_logins = 0

    # ----- faults -----------------------------------------------------------------------------------
    def reject_recipient(self, address: str, reply: str = "550 5.1.1 No such user") -> None:
        """Answer RCPT TO for this address with `reply` (a '4xx …' or '5xx …' line) until cleared."""
        with self._lock:
            self._rcpt_faults[address.lower()] = reply

    def accept_recipient(self, address: str) -> None:
        with self._lock:
            self._rcpt_faults.pop(address.lower(), None)

    def fail_data(self, reply: str = "451 4.3.0 Try again later", times: int | None = None) -> None:
        """Answer DATA with `reply` for the next `times` messages (None: until clear_faults())."""
        with self._lock:
            self._data_fault = (reply, times)

    def clear_faults(self) -> None:
        with self._lock:
            self._rcpt_faults.clear()
            self._data_fault = None

    def _rcpt_reply(self, address: str) -> str | None:
        with self._lock:
            return self._rcpt_faults.get(address.lower())

    def _data_reply(self) -> str | None:
        with self._lock:
            if self._data_fault is None:
                return None
            reply, times = self._data_fault
            if times is not None:
                self._data_fault = (reply, times - 1) if times > 1 else None
            return reply


class HoldingSink(SmtpSink):
    """Holds the first message's DATA until released, so that the test can kill the client
    then; `keep` says whether the server keeps that message (it got the whole of it) or not
    (as when the connection drops before the end of the data)."""

    def __init__(self, *, keep: bool) -> None:
        super().__init__()
        self.keep = keep
        self.holding = threading.Event()
        self.release = threading.Event()
        self._held = False

    def _data_reply(self) -> str | None:
        if not self._held:
            self._held = True
            self.holding.set()
            self.release.wait(30)
            if not self.keep:
                return "451 4.4.2 Connection lost before end of data"
        return super()._data_reply()
