"""classify / is_own_document / document_reference with profiles and texts written here."""

from __future__ import annotations

import pytest

from tinbai.config import Profile
from tinbai.extract.category import classify, document_reference, is_own_document
from tinbai.extract.docheader import parse_header
from tinbai.report import DocumentHeader

BASIC = {"news": {"label": "Tin", "limit": 1, "unit": "days", "anchor": "event"},
         "directive": {"label": "Chỉ đạo", "limit": 2, "unit": "working_days", "anchor": "issued"},
         "other": {"label": "Khác", "limit": 3, "unit": "working_days", "anchor": "received"}}


def profile(agency: str, names: list[str], codes: list[str], extra: dict | None = None) -> Profile:
    return Profile.model_validate({
        "agency": agency, "regulation": "Quy chế", "agency_names": names, "issuer_codes": codes,
        "permitted_formats": ["pdf"], "required_sender": ["name"],
        "categories": {**BASIC, **(extra or {})},
    })


THAINGUYEN = profile("Thi hành án dân sự tỉnh Thái Nguyên",
                     ["Thi hành án dân sự tỉnh Thái Nguyên", "Cục Thi hành án dân sự tỉnh Thái Nguyên"],
                     ["THADS", "CTHADS"])
BINHPHUOC = profile("Sở Tư pháp tỉnh Bình Phước", ["Sở Tư pháp tỉnh Bình Phước", "Sở Tư pháp"], ["STP"], {
    "plan": {"label": "Kế hoạch, dự án", "limit": 3, "unit": "working_days", "anchor": "approved"},
    "statistics": {"label": "Thống kê", "limit": 10, "unit": "working_days", "anchor": "approved"},
    "monthly_report": {"label": "Báo cáo tháng", "unit": "report_window", "window": "month",
                       "anchor": "period"},
    "quarterly_report": {"label": "Báo cáo quý", "unit": "report_window", "window": "quarter",
                         "anchor": "period"},
    "half_year_report": {"label": "6 tháng", "limit": 10, "unit": "days", "anchor": "conference"},
    "annual_report": {"label": "Năm", "limit": 15, "unit": "days", "anchor": "conference"},
    "answer": {"label": "Trả lời", "limit": 15, "unit": "working_days", "anchor": "received"},
})


def header(body: str | None, parent: str | None = None, *, code: str | None = None, kind: str = "QUYẾT ĐỊNH",
           summary: str | None = None, place: str | None = None) -> DocumentHeader:
    return DocumentHeader(issuing_body=body, parent_body=parent, number="12", issuer_code=code,
                          symbol=f"QĐ-{code}" if code else None, kind=kind, summary=summary, place=place,
                          issued_on="2026-04-28")


SCAN_OWN = """\
CỤC QUẢN LÝ THỊ HÀNH ÁN DÂNSỰ _ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
THỊ HÀNH ÁN DÂN SỰ Độc lập - Tự do - Hạnh phúc
TỈNH THÁI NGUYÊN
Thái Nguyên, ngày 25 tháng 4 năm 2026
Số: 117/QĐ-THADS
QUYẾT ĐỊNH
Về việc thành lập Đoàn kiểm tra công tác năm 2026
"""
SCAN_UBND = """\
ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH THÁI NGUYÊN Độc lập - Tự do - Hạnh phúc
Số: 157/KH-UBND Thái Nguyên, ngày 25 tháng 8 năm 2025
KẾ HOẠCH
Triển khai công tác cải cách hành chính năm 2025
"""


# --------------------------------------------------------------------------- whose document


@pytest.mark.parametrize(
    ("doc", "own"),
    [
        (header("THI HÀNH ÁN DÂN SỰ TỈNH THÁI NGUYÊN", "CỤC QUẢN LÝ THI HÀNH ÁN DÂN SỰ", code="THADS"), True),
        (header("THỊ HÀNH ÁN DÂNSỰ TĨNH THÁI NGUYEN", code="THADS"), True),  # OCR
        (header("CỤC THI HÀNH ÁN DÂN SỰ TỈNH THÁI NGUYÊN", code="CTHADS"), True),
        (header(None, code="THADS", place="Thái Nguyên"), True),  # the body unread, the code is ours
        (header("ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN", code="UBND"), False),
        (header("BỘ TƯ PHÁP", code="BTP", place="Hà Nội"), False),
        (header("TÒA ÁN NHÂN DÂN TỐI CAO", code="TANDTC"), False),
        (header("CỤC QUẢN LÝ THI HÀNH ÁN DÂN SỰ", "BỘ TƯ PHÁP", code="QLTHADS"), False),
        (header("THI HÀNH ÁN DÂN SỰ TỈNH BẮC KẠN", code="THADS"), False),  # same code, other province
        (header(None, code="THADS", place="Bắc Kạn"), False),
        (header("PHÒNG THI HÀNH ÁN DÂN SỰ KHU VỰC 3", code="PTHADS"), False),
        (header("CỤC QUẢN LÝ THADS THI HÀNH ÁN DÂN SỰ TỈNH THÁI NGUYÊN", code="THADS"), True),  # run together
        (header("CHI CỤC THI HÀNH ÁN DÂN SỰ HUYỆN ĐẠI TỪ", code="CCTHADS"), False),
        (header(None, code=None), None),
    ],
)
def test_is_own_document_thainguyen(doc: DocumentHeader, own: bool | None) -> None:
    assert is_own_document(doc, THAINGUYEN) is own


@pytest.mark.parametrize(
    ("doc", "own"),
    [
        (header("SỞ TƯ PHÁP", "UBND TỈNH BÌNH PHƯỚC", code="STP"), True),
        (header("SỞ TƯ PHÁP", None, code="STP", place="Bình Phước"), True),
        (header("SỞ TƯ PHÁP", "UBND TỈNH KON TUM", code="STP"), False),  # another province's Department
        (header("SỞ TƯ PHÁP", None, code="STP", place="Kon Tum"), False),
        (header("SỞ NỘI VỤ", "UBND TỈNH BÌNH PHƯỚC", code="SNV"), False),
        (header("ỦY BAN NHÂN DÂN TỈNH BÌNH PHƯỚC", code="UBND"), False),
        (header("PHÒNG TƯ PHÁP HUYỆN BÙ ĐĂNG", "UBND HUYỆN BÙ ĐĂNG", code="PTP"), False),
    ],
)
def test_is_own_document_department(doc: DocumentHeader, own: bool) -> None:
    assert is_own_document(doc, BINHPHUOC) is own


# --------------------------------------------------------------------------- classify


def test_own_scan_is_directive() -> None:
    doc = parse_header(SCAN_OWN)
    assert doc is not None
    cat, decided = classify("Gửi Quyết định số 117/QĐ-THADS", "Văn thư gửi bản có dấu đỏ.", [doc], THAINGUYEN)
    assert cat == "directive" and decided is doc


def test_forwarded_ubnd_plan_is_other() -> None:
    doc = parse_header(SCAN_UBND)
    assert doc is not None
    cat, decided = classify("Gửi Kế hoạch của UBND tỉnh để đăng tải", "Văn phòng gửi kế hoạch.", [doc],
                            THAINGUYEN)
    assert cat == "other" and decided is doc


def test_ministry_directive_forwarded_is_other_even_when_it_directs() -> None:
    ministry = header("BỘ TƯ PHÁP", code="BTP", kind="CHỈ THỊ", place="Hà Nội")
    cat, decided = classify("Fwd: Chỉ thị số 03/CT-BTP về tăng cường công tác thi hành án",
                            "Văn phòng chuyển tiếp Chỉ thị của Bộ trưởng Bộ Tư pháp.", [ministry], THAINGUYEN)
    assert cat == "other" and decided is ministry


def test_reference_in_subject_decides_when_the_scan_is_unreadable() -> None:
    cat, decided = classify(
        "[Đăng Trang TTĐT] Quyết định số 117/QĐ-THADS ngày 25/4/2026 của Thi hành án dân sự tỉnh Thái Nguyên",
        "Văn thư gửi Quyết định (bản có dấu đỏ) đề nghị Ban Biên tập đăng tải.", [], THAINGUYEN)
    assert cat == "directive"
    assert decided is not None and decided.issued_on == "2026-04-25" and decided.number == "117"


def test_reference_to_another_body_in_a_sending_sentence() -> None:
    cat, decided = classify("Đề nghị đăng tải",
                            "Văn phòng chuyển Công văn số 238/TANDTC-PC ngày 22/4/2025 của Tòa án nhân dân "
                            "tối cao về việc giải đáp vướng mắc, đề nghị đăng tải.", [], THAINGUYEN)
    assert cat == "other"
    assert decided is not None and decided.issuer_code == "TANDTC" and decided.issued_on == "2025-04-22"


def test_scan_with_unknown_issuer_takes_the_subjects_reference() -> None:
    unread = DocumentHeader(number="117", issued_on="2026-04-25", kind="QUYẾT ĐỊNH")
    cat, decided = classify("Gửi Quyết định số 117/QĐ-THADS ngày 25/4/2026 của Thi hành án dân sự tỉnh "
                            "Thái Nguyên", "", [unread], THAINGUYEN)
    assert cat == "directive" and decided is not None and decided.issuer_code == "THADS"


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        ("V/v gửi tin: Hội nghị sơ kết công tác 6 tháng đầu năm",
         "Sáng ngày 15/7/2025, Thi hành án dân sự tỉnh tổ chức Hội nghị sơ kết."),
        ("[Tin] Tuyên truyền pháp luật cho đồng bào", "Đơn vị gửi tin và ảnh hoạt động."),
        ("Tin hoạt động: Tập huấn nghiệp vụ", "Tin bài gửi kèm theo thư này."),
        ("Gửi tin bài: Công bố và trao Quyết định bổ nhiệm cán bộ",
         "Sáng ngày 2/6/2025, Thi hành án dân sự tỉnh tổ chức Hội nghị công bố Quyết định bổ nhiệm."),
        ("Hội thao chào mừng 30/4", "Chiều 26-4, Công đoàn Cục tổ chức Hội thao chào mừng ngày lễ lớn."),
    ],
)
def test_news(subject: str, body: str) -> None:
    assert classify(subject, body, [], THAINGUYEN) == ("news", None)


def test_news_marked_in_the_subject_beats_an_attached_decision() -> None:
    doc = parse_header(SCAN_OWN)
    assert doc is not None
    cat, _ = classify("[Tin] Công bố Quyết định thành lập Đoàn kiểm tra",
                      "Sáng ngày 28/4/2026, Thi hành án dân sự tỉnh tổ chức công bố Quyết định.", [doc], THAINGUYEN)
    assert cat == "news"


def test_news_story_citing_a_judgment_is_still_news() -> None:
    body = ("Sáng ngày 20/5/2025, Phòng Thi hành án dân sự khu vực 3 tổ chức cưỡng chế kê biên.\n"
            "Theo Bản án số 147/2025/DS-ST của Tòa án nhân dân khu vực, ông A có nghĩa vụ trả tiền.")
    assert classify("Cưỡng chế kê biên quyền sử dụng đất", body, [], THAINGUYEN) == ("news", None)


def test_pasted_document_in_the_body() -> None:
    body = "Kính gửi Ban biên tập,\nVăn phòng gửi văn bản dưới đây.\n\n" + SCAN_OWN
    cat, decided = classify("Văn bản đăng tải", body, [], THAINGUYEN)
    assert cat == "directive" and decided is not None and decided.number == "117"


def test_nothing_recognisable_is_other() -> None:
    assert classify("Gửi tài liệu", "Kính gửi Ban biên tập, gửi kèm tài liệu.", [], THAINGUYEN) == ("other", None)
    assert classify("", "", [], THAINGUYEN) == ("other", None)


# --------------------------------------------------------------------------- finer categories


@pytest.mark.parametrize(
    ("kind", "summary", "expected"),
    [
        ("BÁO CÁO", "Kết quả công tác tư pháp tháng 9 năm 2025", "monthly_report"),
        ("BÁO CÁO", "Kết quả công tác tư pháp quý III năm 2025", "quarterly_report"),
        ("BÁO CÁO", "Sơ kết công tác tư pháp 6 tháng đầu năm 2025", "half_year_report"),
        ("BÁO CÁO", "Tổng kết công tác tư pháp năm 2025", "annual_report"),
        ("BÁO CÁO", "Số liệu thống kê về hộ tịch năm 2025", "statistics"),
        ("BÁO CÁO", "Số liệu thống kê 9 tháng đầu năm 2025", "statistics"),
        ("KẾ HOẠCH", "Lựa chọn nhà thầu gói thầu mua sắm trang thiết bị", "plan"),
        ("CÔNG VĂN", "V/v trả lời đơn kiến nghị của ông Nguyễn Văn A", "answer"),
        ("KẾ HOẠCH", "Phổ biến, giáo dục pháp luật năm 2025", "directive"),  # a plan of the Department
        ("QUYẾT ĐỊNH", "Ban hành Quy chế quản lý Trang thông tin điện tử", "directive"),
        ("BÁO CÁO", "Kết quả thực hiện Chỉ thị số 05", "directive"),  # no period stated
        ("BÁO CÁO", "Kết quả công tác 9 tháng đầu năm 2025", "directive"),  # no report window for 9 months
    ],
)
def test_profile_specific_categories(kind: str, summary: str, expected: str) -> None:
    doc = DocumentHeader(issuing_body="SỞ TƯ PHÁP", parent_body="UBND TỈNH BÌNH PHƯỚC", number="9",
                         symbol="BC-STP", issuer_code="STP", kind=kind, summary=summary, issued_on="2025-10-01")
    cat, decided = classify("Gửi văn bản để đăng tải", "", [doc], BINHPHUOC)
    assert cat == expected and decided is doc


def test_finer_categories_only_where_the_profile_has_them() -> None:
    doc = DocumentHeader(issuing_body="THI HÀNH ÁN DÂN SỰ TỈNH THÁI NGUYÊN", number="9", symbol="BC-THADS",
                         issuer_code="THADS", kind="BÁO CÁO", summary="Kết quả công tác tháng 9 năm 2025")
    assert classify("Gửi báo cáo", "", [doc], THAINGUYEN)[0] == "directive"


# --------------------------------------------------------------------------- references


@pytest.mark.parametrize(
    ("subject", "number", "symbol", "issuer", "issued", "body"),
    [
        ("Quyết định số 117/QĐ-THADS ngày 25/4/2025 của Thi hành án dân sự tỉnh Thái Nguyên",
         "117", "QĐ-THADS", "THADS", "2025-04-25", "Thi hành án dân sự tỉnh Thái Nguyên"),
        ("V/v đăng tải Công văn số 1432/STP-VP ngày 15/10/2025 của Sở Tư pháp tỉnh Bình Phước",
         "1432", "STP-VP", "STP", "2025-10-15", "Sở Tư pháp tỉnh Bình Phước"),
        ("Gửi Kế hoạch số 157/KH-UBND của UBND tỉnh về cải cách hành chính để đăng tải",
         "157", "KH-UBND", "UBND", None, "UBND tỉnh"),
        ("Fwd: Chỉ thị số 03/CT-BTP về tăng cường công tác thi hành án dân sự", "03", "CT-BTP", "BTP", None, None),
        ("Gửi Kết luận kiểm tra số 27/KL-CTHADS ngày 26 tháng 9 năm 2025 của Cục",
         "27", "KL-CTHADS", "CTHADS", "2025-09-26", "Cục"),
    ],
)
def test_document_reference(subject: str, number: str, symbol: str, issuer: str, issued: str | None,
                            body: str | None) -> None:
    ref = document_reference(subject, "")
    assert ref is not None
    assert (ref.number, ref.symbol, ref.issuer_code, ref.issued_on, ref.issuing_body) == (
        number, symbol, issuer, issued, body)


def test_no_reference_in_a_story() -> None:
    assert document_reference("Tin hoạt động", "Theo Bản án số 147/2025/DS-ST của Tòa án nhân dân khu vực.") is None
