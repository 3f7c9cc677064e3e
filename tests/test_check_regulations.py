"""`main.py check` and `main.py rules` on what the five regulations ask beyond the first version:
state-secret marks (a scanned decision with and without the "MẬT" stamp, a news text about keeping
secrets), binhphuoc's monthly report window, binhphuoc's second address."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from tests.submissions import PROFILES, VN, profile
from tinbai.demo_samples import document_scan, email, pdf_document, photo, signature
from tinbai.rules.table import rule_rows

ROOT = Path(__file__).resolve().parent.parent
needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract is not installed")
RECEIVED = "2026-04-28T09:00:00+07:00"


def check(tmp_path: Path, raw: bytes, pid: str, received: str = RECEIVED) -> dict:
    eml = tmp_path / "m.eml"
    eml.write_bytes(raw)
    p = subprocess.run([sys.executable, "main.py", "check", str(eml), "--profile", pid, "--received", received,
                        "--json"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def codes(report: dict) -> set[str]:
    return {p["code"] for p in report["problems"]}


def decision(mark: str | None) -> bytes:
    """A thainguyen decision scanned to JPEG with its seal, and `mark` stamped under its number."""
    scan = document_scan(["THI HÀNH ÁN DÂN SỰ", "TỈNH THÁI NGUYÊN", "Số: 121/QĐ-THADS"], "QUYẾT ĐỊNH",
                         "Về việc thành lập Đoàn kiểm tra",
                         ["Thái Nguyên, ngày 27 tháng 4 năm 2026", "Căn cứ Quy chế làm việc;", "QUYẾT ĐỊNH:",
                          "Điều 1. Thành lập Đoàn kiểm tra công tác thi hành án dân sự."],
                         "TRƯỞNG THI HÀNH ÁN", "Nguyễn Văn Bình", ["- Như Điều 2;", "- Lưu: VT."],
                         seal=True, agency_ring="THI HÀNH ÁN DÂN SỰ TỈNH THÁI NGUYÊN * ", mark=mark)
    return email(sender="Triệu Văn Hùng <vanthu@thads-thainguyen.example.vn>", to="thainguyen@moj.gov.vn",
                 subject="[Đăng Trang TTĐT] Quyết định số 121/QĐ-THADS ngày 27/4/2026",
                 body="Kính gửi Tổ biên tập,\nVăn thư gửi Quyết định số 121/QĐ-THADS để đăng tải.\n"
                      + signature("Triệu Văn Hùng", "Văn thư", "Văn phòng", "0208.3028.399"),
                 date=datetime(2026, 4, 28, 8, 55, tzinfo=VN), attachments=[("QD 121.jpg", "image/jpeg", scan)])


@needs_tesseract
def test_a_scanned_decision_with_the_secrecy_stamp_is_held(tmp_path: Path) -> None:
    rep = check(tmp_path, decision("MẬT"), "thainguyen-thads")
    held = [p for p in rep["problems"] if p["code"] == "content.classified"]
    assert [(p["severity"], p["attachment"], p["article"]) for p in held] == [
        ("security", "QD 121.jpg", "Điều 4.1, Điều 10.2.c")]
    assert rep["verdict"] == "quarantine"
    assert [m["level"] for m in rep["attachments"][0]["secrecy_stamps"]] == ["MẬT"]


def test_the_same_decision_without_it_is_not(tmp_path: Path) -> None:
    rep = check(tmp_path, decision(None), "thainguyen-thads")
    assert "content.classified" not in codes(rep) and rep["verdict"] != "quarantine"


@needs_tesseract
def test_an_urgency_stamp_is_not_a_secrecy_mark(tmp_path: Path) -> None:
    assert "content.classified" not in codes(check(tmp_path, decision("KHẨN"), "thainguyen-thads"))


def test_news_that_speaks_of_keeping_secrets_is_not_held(tmp_path: Path) -> None:
    body = ("Kính gửi Ban Biên tập,\n\nSáng ngày 27/4/2026, Thi hành án dân sự tỉnh tổ chức Hội nghị tập huấn công "
            "tác bảo vệ bí mật nhà nước. Các đơn vị được nhắc giữ bí mật thông tin của đương sự, không chia sẻ "
            "mật khẩu hộp thư công vụ.\n" + signature("Nguyễn Thị Hoa", "Chuyên viên", "Văn phòng", "0208.3854.376"))
    raw = email(sender="Nguyễn Thị Hoa <hoa.nt@thads-thainguyen.example.vn>", to="thainguyen@moj.gov.vn",
                subject="V/v gửi tin: Tập huấn công tác BẢO VỆ BÍ MẬT NHÀ NƯỚC", body=body,
                date=datetime(2026, 4, 28, 8, 55, tzinfo=VN), attachments=[("anh.jpg", "image/jpeg", photo(3))])
    rep = check(tmp_path, raw, "thainguyen-thads")
    assert "content.classified" not in codes(rep) and rep["verdict"] == "accept"


def monthly_report(to: str = "banbientapstp.bp@binhphuoc.gov.vn") -> bytes:
    pdf = pdf_document(["UBND TỈNH BÌNH PHƯỚC", "SỞ TƯ PHÁP", "Số: 85/BC-STP", "Bình Phước, ngày 30 tháng 4 năm 2026",
                        "BÁO CÁO", "Kết quả công tác tư pháp tháng 4 năm 2026",
                        "Trong tháng 4 năm 2026, Sở Tư pháp đã triển khai các nhiệm vụ trọng tâm.",
                        "Phương hướng nhiệm vụ tháng 5 năm 2026: tiếp tục triển khai.", "GIÁM ĐỐC", "Nguyễn Văn An"])
    return email(sender="Hồ Thùy Lan <lan.ht@stp-binhphuoc.example.vn>", to=to,
                 subject="V/v đăng tải Báo cáo số 85/BC-STP ngày 30/4/2026 của Sở Tư pháp tỉnh Bình Phước",
                 body="Kính gửi Ban Biên tập,\nVăn phòng Sở gửi báo cáo tháng để đăng tải.\n"
                      + signature("Hồ Thùy Lan", "Chuyên viên", "Văn phòng Sở", "0271 3860 205"),
                 date=datetime(2026, 5, 4, 8, 55, tzinfo=VN), attachments=[("BC 85.pdf", "application/pdf", pdf)])


def test_a_monthly_report_is_due_in_the_first_week_of_the_next_month(tmp_path: Path) -> None:
    rep = check(tmp_path, monthly_report(), "binhphuoc-stp", "2026-05-04T09:00:00+07:00")
    assert rep["category"] == "monthly_report"
    assert (rep["anchor"]["kind"], rep["anchor"]["at"]) == ("period", "2026-04-30T00:00:00+07:00")
    assert rep["deadline"] == "2026-05-07T17:00:00+07:00"
    assert "deadline.late_submission" not in codes(rep)


def test_the_report_says_which_of_binhphuocs_addresses_it_reached(tmp_path: Path) -> None:
    rep = check(tmp_path, monthly_report(to="stp.bp@binhphuoc.gov.vn"), "binhphuoc-stp", "2026-05-04T09:00:00+07:00")
    assert rep["addressed_to"] == "stp.bp@binhphuoc.gov.vn"


@pytest.mark.parametrize("pid", PROFILES)
def test_the_rules_command_lists_the_new_rules_with_the_profiles_articles(pid: str) -> None:
    p = subprocess.run([sys.executable, "main.py", "rules", "--profile", pid, "--json"], cwd=ROOT,
                       capture_output=True, text=True, timeout=60, check=True)
    rows = {r["code"]: r for r in json.loads(p.stdout)["rules"]}
    prof = profile(pid)
    for code in ("content.classified", "approval.missing", "content.duplicate", "deadline.late_submission"):
        assert rows[code]["article"] == prof.article_for(code) and rows[code]["fix"]
    assert rows["content.classified"]["severity"] == "security"
    assert rows == {r["code"]: r for r in rule_rows(prof)}
