"""`main.py check`: the contract's command line, and no crash on real-world oddities."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import news_email
from tinbai import cli

ROOT = Path(__file__).resolve().parent.parent
CPYTHON_EMAIL_DATA = Path(__import__("email").__file__).resolve().parent.parent / "test" / "test_email" / "data"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def test_check_json_has_the_contract_shape(tmp_path):
    eml = tmp_path / "news.eml"
    eml.write_bytes(news_email(3))
    p = run("check", str(eml), "--profile", "thainguyen-thads", "--received", "2026-04-28T09:00:00+07:00", "--json")
    assert p.returncode == 0, p.stderr
    rep = json.loads(p.stdout)
    for key in ("profile", "message_id", "received_at", "subject", "body_text", "sender", "original_sender",
                "category", "anchor", "deadline", "attachments", "problems", "verdict"):
        assert key in rep
    assert rep["body_text"].strip() and rep["original_sender"] is None
    assert set(rep["sender"]) >= {"address", "name", "title", "unit", "phone", "postal_address"}
    assert rep["received_at"] == "2026-04-28T09:00:00+07:00"
    att = rep["attachments"][0]
    assert att["detected_type"] == "jpg" and att["red_stamp"] is False and att["children"] == []
    assert rep["verdict"] in ("accept", "needs_correction", "quarantine")


def test_check_readable_summary_in_vietnamese(tmp_path):
    eml = tmp_path / "news.eml"
    eml.write_bytes(news_email(4))
    p = run("check", str(eml), "--profile", "haiduong-thads", "--received", "2026-04-28T09:00:00+07:00")
    assert p.returncode == 0, p.stderr
    assert "Người gửi:" in p.stdout and "Kết luận:" in p.stdout


@pytest.mark.parametrize("args,needle", [
    (["check", "/nonexistent/x.eml", "--profile", "thainguyen-thads"], "no such file"),
    (["check", "README.md", "--profile", "nope"], "unknown profile"),
    (["check", "README.md", "--profile", "kontum-stp", "--received", "yesterday"], "--received"),
])
def test_check_errors_are_one_line_exit_2(args, needle):
    p = run(*args)
    assert p.returncode == 2
    assert needle in p.stderr and p.stderr.count("\n") == 1
    assert "Traceback" not in p.stderr


def _names_and_subject(rep: dict) -> list[str]:
    def flat(atts: list[dict]) -> list[dict]:
        return [x for a in atts for x in (a, *flat(a["children"]))]
    return [rep["subject"] or "", rep["sender"]["name"] or "", *(a["filename"] for a in flat(rep["attachments"]))]


@pytest.mark.skipif(not CPYTHON_EMAIL_DATA.is_dir(),
                    reason=f"this Python installation ships no email test data ({CPYTHON_EMAIL_DATA})")
def test_check_never_crashes_on_cpythons_email_test_corpus(capsys):
    """All 65 files of CPython's own email test data (3.11: 48 messages, and the pictures and
    sounds its MIME tests attach, read here as messages too): a report each, no U+FFFD where
    the report does not say the header bytes could not be read."""
    files = sorted(p for p in CPYTHON_EMAIL_DATA.iterdir() if p.is_file())
    assert len(files) >= 65 and len([f for f in files if f.name.startswith("msg_")]) >= 48
    for f in files:
        code = cli.main(["check", str(f), "--profile", "thainguyen-thads", "--received",
                         "2026-04-28T09:00:00+07:00", "--json"])
        out = capsys.readouterr().out
        assert code == 0, f
        rep = json.loads(out)
        assert rep["verdict"] in ("accept", "needs_correction", "quarantine"), f
        if any("\ufffd" in v for v in _names_and_subject(rep)):
            assert any("UndecodableHeaderDefect" in p["detail"] for p in rep["problems"]), f
