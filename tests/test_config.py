"""config.toml: the five profiles load; a wrong value is one line naming the key, exit 2."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tinbai.calendar import WorkCalendar, vn_time
from tinbai.config import ConfigError, load_config
from tinbai.notifier.compose import render

ROOT = Path(__file__).resolve().parent.parent


def test_shipped_config_has_the_five_profiles():
    cfg = load_config(ROOT / "config.toml")
    assert set(cfg.profiles) == {"thainguyen-thads", "haiduong-thads", "binhphuoc-stp", "kontum-stp", "hungyen-snv"}
    bp = cfg.profile("binhphuoc-stp")
    assert bp.digital_signature_replaces_seal is True
    assert "unit" in bp.required_sender and "title" not in bp.required_sender
    assert cfg.profile("kontum-stp").categories["news"].unit == "hours"
    assert cfg.profile("binhphuoc-stp").categories["news"].unit == "office_hours"
    assert cfg.database_url().startswith("sqlite:////")


@pytest.mark.parametrize(("old", "new", "key"), [
    ("lease_seconds = 60", 'lease_seconds = "soon"', "database.lease_seconds"),
    ('[mailboxes.hungyen]\nkind = "maildir"', '[mailboxes.hungyen]\nkind = "pop3"', "mailboxes.hungyen.kind"),
    ('[mailboxes.hungyen]\nkind = "maildir"\npath = "var/mail/hungyen-snv"',
     '[mailboxes.hungyen]\nkind = "imap"\nhost = "mail.example.vn"\nusername = "u"\nsecurity = "plain"',
     "mailboxes.hungyen"),
    ('mailbox = "kontum"', 'mailbox = "nowhere"', "profiles.kontum-stp.mailbox"),
])
def test_wrong_value_names_the_key(tmp_path, old, new, key):
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    assert old in text
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_config(bad)
    assert key in str(e.value)
    assert "\n" not in str(e.value)


def test_bad_office_hours_rejected(tmp_path):
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace('[profiles.kontum-stp.articles]',
                                '[profiles.kontum-stp.office_hours]\nspans = [["13:30", "11:00"]]\n\n'
                                '[profiles.kontum-stp.articles]'), encoding="utf-8")
    with pytest.raises(ConfigError, match="profiles.kontum-stp.office_hours.spans"):
        load_config(bad)


def test_cli_wrong_config_exits_2_with_one_line(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[database]\nurl = 5\n[profiles]\n', encoding="utf-8")
    p = subprocess.run([sys.executable, "main.py", "--config", str(bad), "status"], cwd=ROOT,
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 2
    assert p.stderr.count("\n") == 1 and "database.url" in p.stderr
    assert "Traceback" not in p.stderr


def test_cli_missing_config_file(tmp_path):
    p = subprocess.run([sys.executable, "main.py", "--config", str(tmp_path / "none.toml"), "status"], cwd=ROOT,
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 2 and "not found" in p.stderr


def test_password_comes_from_the_environment(tmp_path, monkeypatch):
    from tinbai.config import config_from_dict

    cfg = config_from_dict({
        "mailboxes": {"m": {"kind": "imap", "host": "127.0.0.1", "username": "u", "password_env": "TB_TEST_PW"}},
        "profiles": {},
    })
    monkeypatch.delenv("TB_TEST_PW", raising=False)
    with pytest.raises(ConfigError, match="TB_TEST_PW"):
        cfg.mailboxes["m"].password()
    monkeypatch.setenv("TB_TEST_PW", "s3cret")
    assert cfg.mailboxes["m"].password() == "s3cret"


def test_a_wrong_time_zone_is_one_line_naming_the_key(tmp_path):
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    assert 'timezone = "Asia/Ho_Chi_Minh"' in text
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace('timezone = "Asia/Ho_Chi_Minh"', 'timezone = "Asia/Hanoi_City"', 1), encoding="utf-8")
    with pytest.raises(ConfigError, match="settings.timezone") as e:
        load_config(bad)
    assert "Asia/Hanoi_City" in str(e.value) and "\n" not in str(e.value)
    p = subprocess.run([sys.executable, "main.py", "--config", str(bad), "reminders"], cwd=ROOT,
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 2 and p.stderr.count("\n") == 1 and "settings.timezone" in p.stderr
    assert "Traceback" not in p.stderr


def test_the_configured_time_zone_is_the_one_used(tmp_path):
    """The calendar, the emails and the history count and write times in settings.timezone."""
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    other = tmp_path / "other.toml"
    other.write_text(text.replace('timezone = "Asia/Ho_Chi_Minh"', 'timezone = "UTC"', 1), encoding="utf-8")
    cfg = load_config(other)
    assert cfg.settings.zone == ZoneInfo("UTC")
    assert load_config(ROOT / "config.toml").settings.zone == ZoneInfo("Asia/Ho_Chi_Minh")
    assert WorkCalendar.for_profile(cfg.profile("kontum-stp"), cfg).tz == ZoneInfo("UTC")
    when = datetime(2026, 4, 28, 2, 30, tzinfo=UTC)  # 09:30 in Vietnam
    mail = render("publication", zone=cfg.settings.zone, agency="Cục THADS", code="TB-2026-000001",
                  subject="Tin", sender_name=None, regulation_short="Quy chế", title="", url="https://x.vn/a",
                  published_at=when)
    assert "02:30 ngày 28/04/2026" in mail.text
    assert vn_time(when, ZoneInfo("Asia/Ho_Chi_Minh")) == "09:30 ngày 28/04/2026"


def test_a_profiles_addresses_include_the_regulations_own(tmp_path):
    cfg = load_config(ROOT / "config.toml")
    bp = cfg.profile("binhphuoc-stp")
    assert bp.addresses[0] == bp.portal_address == "banbientapstp.bp@binhphuoc.gov.vn"
    assert bp.address_reached(["Stp.Bp@binhphuoc.gov.vn", "other@example.vn"]) == "stp.bp@binhphuoc.gov.vn"
    assert cfg.profile("kontum-stp").addresses == [cfg.profile("kontum-stp").portal_address]
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace('"stp.bp@binhphuoc.gov.vn"]', '"stp.bp@binhphuoc.gov.vn", "STP.BP@binhphuoc.gov.vn"]'),
                   encoding="utf-8")
    with pytest.raises(ConfigError, match="profiles.binhphuoc-stp.*listed twice"):
        load_config(bad)
