"""The chain as a table: every code of the contract defined once, cited in every profile, and
docs/rules.md in step with the code."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.submissions import PROFILES, config, profile
from tinbai.rules import CHAIN, CODES, rules_for
from tinbai.rules.table import markdown, rule_rows

ROOT = Path(__file__).resolve().parent.parent.parent
# the problem codes of the check report's contract (CHECK-REPORT.md "Problem codes")
CONTRACT = {
    "sender.missing_name": "error", "sender.missing_title": "error", "sender.missing_unit": "error",
    "sender.missing_contact": "error", "sender.unknown": "warning", "sender.auth_failed": "warning",
    "message.empty": "error", "message.malformed": "warning", "attachment.format_not_permitted": "error",
    "attachment.type_mismatch": "warning", "attachment.legacy_encoding": "error", "attachment.unreadable": "error",
    "attachment.encrypted": "error", "attachment.too_large": "error", "attachment.executable": "security",
    "attachment.macro": "security", "archive.path_traversal": "security", "archive.bomb": "security",
    "signature.invalid": "error", "stamp.missing": "error", "approval.missing": "warning",
    "recipients.portal_missing": "warning", "news.missing_photo": "error", "source.missing_attribution": "warning",
    "content.duplicate": "warning", "deadline.late_submission": "warning", "content.classified": "security",
}


def test_every_code_of_the_contract_is_defined_once_with_its_severity() -> None:
    defined = [c.code for rule in CHAIN for c in rule.codes]
    assert len(defined) == len(set(defined)), "a code is defined by two rules"
    assert {code: CODES[code].severity for code in CONTRACT if code in CODES} == CONTRACT


def test_every_code_has_a_summary_and_a_fix_in_vietnamese() -> None:
    for code in CODES.values():
        assert code.summary and code.fix.endswith("."), code.code
    assert all(rule.description for rule in CHAIN)


@pytest.mark.parametrize("pid", PROFILES)
def test_every_rule_in_force_cites_an_article_of_the_profile(pid: str) -> None:
    rows = rule_rows(profile(pid))
    assert rows
    assert [r["code"] for r in rows if not (r["article"] or "").startswith("Điều ")] == []


@pytest.mark.parametrize(("pid", "absent"), [
    ("thainguyen-thads", {"sender.missing_unit", "news.missing_photo"}),
    ("binhphuoc-stp", {"sender.missing_title", "recipients.portal_missing", "news.missing_photo"}),
    ("kontum-stp", {"sender.missing_title", "stamp.missing", "recipients.portal_missing"}),
    ("hungyen-snv", {"sender.missing_unit", "stamp.missing", "news.missing_photo"}),
])
def test_rules_that_a_regulation_does_not_have_are_not_in_force(pid: str, absent: set[str]) -> None:
    codes = {c.code for rule in rules_for(profile(pid)) for c in rule.codes}
    assert codes & absent == set()
    assert {"sender.missing_name", "attachment.executable", "content.duplicate", "content.classified"} <= codes


def test_docs_rules_md_is_the_table_of_the_code() -> None:
    written = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert written == markdown(config()), "docs/rules.md is stale: run `.venv/bin/python main.py rules --markdown > docs/rules.md`"


def test_the_rules_command_prints_the_table_as_json() -> None:
    out = subprocess.run([sys.executable, "main.py", "rules", "--profile", "kontum-stp", "--json"], cwd=ROOT,
                         capture_output=True, text=True, timeout=60, check=True)
    table = json.loads(out.stdout)
    assert table["profile"] == "kontum-stp"
    photo = next(r for r in table["rules"] if r["code"] == "news.missing_photo")
    assert photo == {"code": "news.missing_photo", "rule": "MissingPhoto", "severity": "error", "article": "Điều 9.1.b",
                     "checks": photo["checks"], "summary": "Tin hoạt động chưa kèm ảnh minh họa",
                     "fix": "Gửi kèm ảnh minh họa cho tin hoạt động."}
