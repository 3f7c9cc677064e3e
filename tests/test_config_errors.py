"""Every value a user can get wrong in config.toml stops `main.py run` and `main.py check` at load
with exit code 2 and one line naming the key: never a traceback, never a start that fails later
(a port out of range, a time zone misspelt, a database driver tinbai does not ship, a file where
a folder goes, a CA file not there...). Table-driven: one row a mistake."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tinbai.cli import main

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = (ROOT / "config.toml").read_text(encoding="utf-8")
MAILDIR_TN = '[mailboxes.thainguyen]\nkind = "maildir"\npath = "var/mail/thainguyen-thads"'


def imap_tn(**values: object) -> str:
    lines = {"kind": '"imap"', "host": '"127.0.0.1"', "security": '"plain"', "username": '"tn"',
             "password_env": '"TINBAI_TN_PASSWORD"'}
    lines.update({k: str(v) for k, v in values.items()})
    return "[mailboxes.thainguyen]\n" + "\n".join(f"{k} = {v}" for k, v in lines.items())


# (what is wrong, the text replaced in the shipped config.toml, its replacement, the key named)
MISTAKES = [
    ("imap port", MAILDIR_TN, imap_tn(port=99999), "mailboxes.thainguyen.port"),
    ("imap port zero", MAILDIR_TN, imap_tn(port=0), "mailboxes.thainguyen.port"),
    ("web port", "port = 8080", "port = 99999", "web.port"),
    ("smtp port", 'directory = "var/outbox"', 'directory = "var/outbox"\nport = 70000', "smtp.port"),
    ("time zone", 'timezone = "Asia/Ho_Chi_Minh"', 'timezone = "Asia/Hanoi_City"', "settings.timezone"),
    ("mysql", 'url = "sqlite:///var/tinbai.db"', 'url = "mysql://tinbai@db/tinbai"', "database.url"),
    ("psycopg2", 'url = "sqlite:///var/tinbai.db"', 'url = "postgresql+psycopg2://u@db/t"', "database.url"),
    ("not a url", 'url = "sqlite:///var/tinbai.db"', 'url = "tinbai.db"', "database.url"),
    ("lease", "lease_seconds = 60", "lease_seconds = 0", "database.lease_seconds"),
    ("smtp without host", 'kind = "directory"', 'kind = "smtp"', "smtp"),
    ("sender", 'sender = "Ban Biên tập <bbt@localhost>"', 'sender = "Ban Biên tập"', "smtp.sender"),
    ("password env", MAILDIR_TN, imap_tn(password_env='"TINBAI TN PASSWORD"'), "mailboxes.thainguyen.password_env"),
    ("ca file", MAILDIR_TN, imap_tn(ca_file='"/nonexistent/ca.pem"'), "mailboxes.thainguyen.ca_file"),
    ("poll", MAILDIR_TN, imap_tn(poll_seconds=0), "mailboxes.thainguyen.poll_seconds"),
    ("base url", 'base_url = "http://127.0.0.1:8080"', 'base_url = "127.0.0.1:8080"', "web.base_url"),
    ("log level", 'log_level = "INFO"', 'log_level = "LOUD"', "settings.log_level"),
    ("workers", "parser_workers = 2", "parser_workers = 0", "settings.parser_workers"),
    ("time of day", 'daily_post = { at = "15:00"', 'daily_post = { at = "25:00"', ".daily_post"),
    ("a file for var", 'var_dir = "var"', 'var_dir = "FILE"', "settings.var_dir"),
    ("a file for maildir", 'path = "var/mail/hungyen-snv"', 'path = "FILE"', "mailboxes.hungyen.path"),
]


def bad_config(tmp_path: Path, old: str, new: str) -> Path:
    assert old in SHIPPED, old
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder\n")
    bad = tmp_path / "config.toml"
    bad.write_text(SHIPPED.replace(old, new.replace("FILE", str(a_file)), 1), encoding="utf-8")
    return bad


@pytest.mark.parametrize(("old", "new", "key"), [m[1:] for m in MISTAKES], ids=[m[0] for m in MISTAKES])
@pytest.mark.parametrize("command", [["run", "--once"], ["check", "any.eml", "--profile", "thainguyen-thads"]],
                         ids=["run", "check"])
def test_a_wrong_value_is_exit_2_and_one_line_naming_the_key(tmp_path, capsys, old, new, key, command) -> None:
    config = bad_config(tmp_path, old, new)
    assert main(["--config", str(config), *command]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and key in err, err
    assert "Traceback" not in err
    assert not (tmp_path / "var").exists()  # stopped at load: nothing was created


@pytest.mark.parametrize("mistake", [MISTAKES[0], MISTAKES[4], MISTAKES[5]], ids=lambda m: m[0])
def test_the_process_exits_2_with_one_line(tmp_path, mistake) -> None:
    """The same through a real process: the exit code a service manager sees."""
    _, old, new, key = mistake
    config = bad_config(tmp_path, old, new)
    p = subprocess.run([sys.executable, "main.py", "--config", str(config), "run", "--once"], cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 2 and p.stderr.count("\n") == 1 and key in p.stderr, p.stderr
    assert "Traceback" not in p.stderr
