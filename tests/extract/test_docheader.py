"""parse_header / mentions_portal on official-document texts (NĐ 30/2020 layout).

Every fixture is written here: Word-like texts (one column after the other), OCR-like
texts (the two columns interleaved on one line, lost diacritics, "S6:", noise), công văn
with "V/v", and texts that are not documents at all.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tinbai.extract.docheader import mentions_portal, parse_header, parse_issued_line
from tinbai.report import DocumentHeader
from tinbai.textutil import aligned_fold

WORD_DECISION = """\
BỘ TƯ PHÁP
CỤC QUẢN LÝ THI HÀNH ÁN DÂN SỰ
THI HÀNH ÁN DÂN SỰ TỈNH THÁI NGUYÊN
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 117/QĐ-CTHADS
Thái Nguyên, ngày 28 tháng 4 năm 2026
QUYẾT ĐỊNH
Về việc kiện toàn Tổ biên tập Trang thông tin điện tử
TRƯỞNG THI HÀNH ÁN DÂN SỰ TỈNH THÁI NGUYÊN
Căn cứ Luật Thi hành án dân sự ngày 14 tháng 11 năm 2008;
Căn cứ Quyết định số 1234/QĐ-BTP ngày 5/6/2025 của Bộ trưởng Bộ Tư pháp;
QUYẾT ĐỊNH:
Điều 1. Kiện toàn Tổ biên tập gồm các ông, bà có tên sau.
Điều 2. Quyết định này có hiệu lực kể từ ngày ký./.
Nơi nhận:
- Như Điều 2;
- Cục QLTHADS (để b/c);
- Trang TTĐT (để đăng tải);
- Lưu: VT, VP.
KT. TRƯỞNG THI HÀNH ÁN DÂN SỰ
PHÓ TRƯỞNG THI HÀNH ÁN DÂN SỰ
Hoàng Văn Thịnh
"""

OCR_INTERLEAVED = """\
CỤC QUẢN LÝ THỊ HÀNH ÁN DÂNSỰ _ CỘNG HÒAXÃ HỘI CHỦ NGHĨA VIỆT NAM
THỊ HÀNH ÁN DÂN SỰ Độc lập - Tự do - Hạnh phúc
TỈNH THÁI NGUYÊN 1h ==
Thái Nguyên, ngày 05 tháng 01 năm 2026
S6: 9/KH-THADS “ v
KẾ HOẠCH
Tổ chức đợt cao điểm thi hành án dân sự năm 2026
Thực hiện Chỉ thị của Bộ trưởng Bộ Tư pháp, Thi hành án dân sự tỉnh ban hành
Kế hoạch như sau./.
~ Cục Quản lý THADS (đế b/c); PHÓ ỞNG THI HÀNH ÁN DÂN SỰ
~ Các phòng chuyên môn;
~ Trang thông tin điện tử;
~ Lưu: VT. TẠO Á Ệ
Nơi nhận: KT. TRƯỞNG THỊ HÀNH ÁN DÂN SỰ
Trịnh Thu Hà
"""

CONG_VAN_OCR = """\
TỔNG CỤC THỊ HÀNH ÁN DÂN SỰ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
CỤC THỊ HÀNH ÁN DÂN SỰ Độc lập - Tự do - Hạnh phúc
TỈNH HẢI DƯƠNG GEN SIEINEOEORNSE-HTTEOTEESS
Số: 512/CTHADS-VP xà. s Hải Dương, ngày 9 tháng 6 năm 2025
V/v đôn đốc thực hiện các chỉ tiêu,
nhiệm vụ công tác năm 2025
Kính gửi: Thủ trưởng các đơn vị trực thuộc.
Để hoàn thành các chỉ tiêu, Cục trưởng yêu cầu các đơn vị thực hiện./.
Nơi nhận: KT. CỤC TRƯỞNG
~ Như trên; § Ö
Si s0 he, PHÓ CỤC TRƯỞNG
~ Trang TTĐT (để đăng tải);
tH V4 lôi bề
Nông Mai Hiền
"""

PDF_TEXT_NUMBER_FIRST = """\
UBND TỈNH BÌNH PHƯỚC
SỞ TƯ PHÁP
Số:28 /QĐ-STP
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Bình Phước, ngày 24 tháng 01 năm 2025
QUYẾT ĐỊNH
Ban hành Quy chế quản lý, vận hành Trang thông tin điện tử
GIÁM ĐỐC SỞ TƯ PHÁP TỈNH BÌNH PHƯỚC
Điều 1. Ban hành kèm theo Quyết định này Quy chế./.
Nơi nhận:
- Như Điều 3;
- Website Sở;
- Lưu: VT.
KT. GIÁM ĐỐC
PHÓ GIÁM ĐỐC
Đặng Tiến Thắng
"""

SUPREME_COURT = """\
TÒA ÁN NHÂN DÂN TỐI CAO CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phú
Số: 238/TANDTC-PC E000. 0U 05 LHÌNG DƯỢC
V# giải đáp một số vướng mắc Hà Nội, ngày 22 tháng 4 năm 2025
trong công tác xét xử và thi hành án
Kính gửi: - Các Tòa án nhân dân;
Tòa án nhân dân tối cao có ý kiến như sau./.
Nơi nhận: TL. CHÁNH ÁN
~ Như trên;
~ Lưu: VT, Vụ PC&QLKH.
"""


def test_word_decision_header() -> None:
    h = parse_header(WORD_DECISION)
    assert h is not None
    assert h.number == "117"
    assert h.symbol == "QĐ-CTHADS"
    assert h.kind_code == "QĐ"
    assert h.issuer_code == "CTHADS"
    assert h.issuing_body == "THI HÀNH ÁN DÂN SỰ TỈNH THÁI NGUYÊN"
    assert h.parent_body == "CỤC QUẢN LÝ THI HÀNH ÁN DÂN SỰ"
    assert h.place == "Thái Nguyên"
    assert h.issued_on == "2026-04-28"
    assert h.kind == "QUYẾT ĐỊNH"
    assert h.summary == "Về việc kiện toàn Tổ biên tập Trang thông tin điện tử"
    assert h.signer_title == "KT. TRƯỞNG THI HÀNH ÁN DÂN SỰ / PHÓ TRƯỞNG THI HÀNH ÁN DÂN SỰ"
    assert h.signer_name == "Hoàng Văn Thịnh"
    assert h.recipients == ["Như Điều 2", "Cục QLTHADS (để b/c)", "Trang TTĐT (để đăng tải)", "Lưu: VT, VP."]


def test_ocr_two_columns_interleaved() -> None:
    h = parse_header(OCR_INTERLEAVED)
    assert h is not None
    assert (h.number, h.symbol, h.kind_code, h.issuer_code) == ("9", "KH-THADS", "KH", "THADS")
    assert aligned_fold(h.issuing_body or "") == "thi hanh an dan su tinh thai nguyen"
    assert aligned_fold(h.parent_body or "").replace(" ", "") == "cucquanlythihanhandansu"
    assert h.issued_on == "2026-01-05"
    assert h.kind == "KẾ HOẠCH"
    assert h.summary == "Tổ chức đợt cao điểm thi hành án dân sự năm 2026"
    assert h.recipients == ["Cục Quản lý THADS (đế b/c)", "Các phòng chuyên môn",
                            "Trang thông tin điện tử", "Lưu: VT."]
    assert h.signer_title is not None and "KT. TRƯỞNG" in h.signer_title
    assert h.signer_name == "Trịnh Thu Hà"


def test_cong_van_with_vv_and_noise() -> None:
    h = parse_header(CONG_VAN_OCR)
    assert h is not None
    assert (h.number, h.symbol, h.kind_code, h.issuer_code) == ("512", "CTHADS-VP", None, "CTHADS")
    assert h.kind == "CÔNG VĂN"
    assert h.summary == "V/v đôn đốc thực hiện các chỉ tiêu, nhiệm vụ công tác năm 2025"
    assert aligned_fold(h.issuing_body or "") == "cuc thi hanh an dan su tinh hai duong"
    assert aligned_fold(h.parent_body or "") == "tong cuc thi hanh an dan su"
    assert h.place == "Hải Dương" and h.issued_on == "2025-06-09"
    assert h.signer_title == "KT. CỤC TRƯỞNG / PHÓ CỤC TRƯỞNG"
    assert h.signer_name == "Nông Mai Hiền"
    assert h.recipients == ["Như trên", "Trang TTĐT (để đăng tải)"]


def test_number_before_quoc_hieu_and_number_without_space() -> None:
    h = parse_header(PDF_TEXT_NUMBER_FIRST)
    assert h is not None
    assert (h.number, h.symbol, h.issuer_code) == ("28", "QĐ-STP", "STP")
    assert (h.issuing_body, h.parent_body) == ("SỞ TƯ PHÁP", "UBND TỈNH BÌNH PHƯỚC")
    assert h.issued_on == "2025-01-24"
    assert h.summary == "Ban hành Quy chế quản lý, vận hành Trang thông tin điện tử"
    assert h.signer_name == "Đặng Tiến Thắng"
    assert "Website Sở" in h.recipients


def test_central_body_cong_van_with_ocr_vv() -> None:
    h = parse_header(SUPREME_COURT)
    assert h is not None
    assert h.issuing_body == "TÒA ÁN NHÂN DÂN TỐI CAO"
    assert h.parent_body is None
    assert h.issuer_code == "TANDTC"
    assert h.place == "Hà Nội" and h.issued_on == "2025-04-22"
    assert h.summary == "V/v giải đáp một số vướng mắc trong công tác xét xử và thi hành án"
    assert h.signer_title == "TL. CHÁNH ÁN"
    assert h.recipients == ["Như trên", "Lưu: VT, Vụ PC&QLKH."]


@pytest.mark.parametrize(
    ("line", "number", "symbol", "kind_code", "issuer"),
    [
        ("Số: 117/QĐ-CTHADS", "117", "QĐ-CTHADS", "QĐ", "CTHADS"),
        ("Số 35/KH-STP", "35", "KH-STP", "KH", "STP"),
        ("Số:28 /QĐ-STP", "28", "QĐ-STP", "QĐ", "STP"),
        ("S6: 117/QD-CTHADS", "117", "QĐ-CTHADS", "QĐ", "CTHADS"),
        ("Sô: 45 / TB - SNV", "45", "TB-SNV", "TB", "SNV"),
        ("Số: 512/CTHADS-VP", "512", "CTHADS-VP", None, "CTHADS"),
        ("Số: 30/2020/NĐ-CP", "30", "NĐ-CP", "NĐ", "CP"),
        ("Số: 07/TTr-STP", "07", "TTr-STP", "TTr", "STP"),
        ("Số: 1432/STP-VP", "1432", "STP-VP", None, "STP"),
    ],
)
def test_number_and_symbol_forms(line: str, number: str, symbol: str, kind_code: str | None,
                                 issuer: str) -> None:
    text = f"SỞ TƯ PHÁP\n{line}\nKon Tum, ngày 3 tháng 2 năm 2026\nTHÔNG BÁO\nLịch tiếp công dân\n"
    h = parse_header(text)
    assert h is not None
    assert (h.number, h.symbol, h.kind_code, h.issuer_code) == (number, symbol, kind_code, issuer)


@pytest.mark.parametrize(
    ("line", "place", "iso"),
    [
        ("Thái Nguyên, ngày 28 tháng 4 năm 2026", "Thái Nguyên", "2026-04-28"),
        ("Hà Nội, ngày 05 tháng 01 năm 2025", "Hà Nội", "2025-01-05"),
        ("Kon Tum, ngày 5/1/2025", "Kon Tum", "2025-01-05"),
        ("TP. Hồ Chí Minh, ngày  9  tháng  10  năm  2025", "TP. Hồ Chí Minh", "2025-10-09"),
        ("Bà Rịa - Vũng Tàu, ngày 1 tháng 3 năm 2026", "Bà Rịa - Vũng Tàu", "2026-03-01"),
        ("Hưng Yên, ngay 12 thang 3 nam 2025", "Hưng Yên", "2025-03-12"),
        ("Bình Phước, ngày 15 thắng 10 nǎm 2025", "Bình Phước", "2025-10-15"),
        ("Số: 1432/STP-VP Bình Phước, ngày 15 tháng 10 năm 2025", "Bình Phước", "2025-10-15"),
        ("ïSÿE 2u Thái Nguyên, ngày 29 tháng 4 năm 2025", "Thái Nguyên", "2025-04-29"),
        ("Hải Dương ngày 09 tháng 6 năm 2025", "Hải Dương", "2025-06-09"),
    ],
)
def test_issued_line_forms(line: str, place: str, iso: str) -> None:
    pd = parse_issued_line(line)
    assert pd is not None
    assert pd.place == place
    assert pd.issued.isoformat() == iso


@pytest.mark.parametrize(
    "line",
    [
        "Căn cứ Luật Thi hành án dân sự ngày 14 tháng 11 năm 2008;",
        "Sáng ngày 15/7/2025, Thi hành án dân sự tỉnh tổ chức Hội nghị",
        "Vào lúc 14 giờ 00 phút ngày 23/1/2025, Trung tâm tổ chức",
        "Thái Nguyên, ngày … tháng … năm 2026",
        "Hà Nội, ngày 31 tháng 2 năm 2025",
    ],
)
def test_not_an_issued_line(line: str) -> None:
    assert parse_issued_line(line) is None


@pytest.mark.parametrize(
    "text",
    [
        "",
        ("Kính gửi Ban biên tập,\nSáng ngày 15/7/2025, Thi hành án dân sự tỉnh tổ chức Hội nghị sơ kết.\n"
         "Trân trọng!\nNguyễn Văn A\nĐT: 0208.3592.036\nĐ/c: Số 181 đường Lương Ngọc Quyến"),
        ("Văn thư gửi Quyết định số 117/QĐ-THADS ngày 25/4/2025 của Thi hành án dân sự tỉnh "
         "Thái Nguyên (bản có dấu đỏ) đề nghị Ban Biên tập đăng tải."),
        "Theo Bản án số 147/2025/DS-ST của Tòa án nhân dân khu vực, ông A phải trả 900.000.000 đồng.",
        "CÔNG BỐ VÀ TRAO QUYẾT ĐỊNH BỔ NHIỆM CÁN BỘ\nSáng ngày 2/6/2025, Sở tổ chức Hội nghị.",
    ],
)
def test_not_a_document(text: str) -> None:
    assert parse_header(text) is None


def test_table_cells_from_word() -> None:
    text = ("UBND TỈNH KON TUM\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
            "SỞ TƯ PHÁP\tĐộc lập - Tự do - Hạnh phúc\n"
            "Số: 96/TB-STP\tKon Tum, ngày 29 tháng 8 năm 2025\n"
            "THÔNG BÁO\nLịch tiếp công dân của Lãnh đạo Sở quý 4\n"
            "Giám đốc Sở tiếp công dân vào ngày 15 hằng tháng./.\n"
            "Nơi nhận:\tGIÁM ĐỐC\n- Các phòng, đơn vị thuộc Sở;\n- Lưu: VT.\n\tPhan Văn Minh\n")
    h = parse_header(text)
    assert h is not None
    assert (h.issuing_body, h.parent_body) == ("SỞ TƯ PHÁP", "UBND TỈNH KON TUM")
    assert h.issued_on == "2025-08-29"
    assert h.kind == "THÔNG BÁO" and h.summary == "Lịch tiếp công dân của Lãnh đạo Sở quý 4"
    assert h.signer_title == "GIÁM ĐỐC" and h.signer_name == "Phan Văn Minh"
    assert h.recipients == ["Các phòng, đơn vị thuộc Sở", "Lưu: VT."]


def test_document_pasted_in_an_email_body() -> None:
    text = ("Kính gửi Ban biên tập,\nVăn phòng gửi Thông báo dưới đây để đăng tải.\n\n"
            "SỞ NỘI VỤ TỈNH HƯNG YÊN\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
            "Độc lập - Tự do - Hạnh phúc\nSố: 45/TB-SNV\nHưng Yên, ngày 10 tháng 6 năm 2025\n"
            "THÔNG BÁO\nKết luận của Giám đốc Sở tại cuộc họp giao ban tháng 6\n"
            "Ngày 9/6/2025, Sở Nội vụ tổ chức họp giao ban./.\n")
    h = parse_header(text)
    assert h is not None
    assert h.issuing_body == "SỞ NỘI VỤ TỈNH HƯNG YÊN"
    assert h.parent_body is None
    assert h.issued_on == "2025-06-10"
    assert h.summary == "Kết luận của Giám đốc Sở tại cuộc họp giao ban tháng 6"


def test_party_body_and_kind_with_extra_words() -> None:
    text = ("ĐẢNG BỘ TỈNH THÁI NGUYÊN\tĐẢNG CỘNG SẢN VIỆT NAM\nĐẢNG ỦY CỤC THADS\n"
            "Số 12-KL/ĐU\tThái Nguyên, ngày 3 tháng 3 năm 2026\nKẾT LUẬN KIỂM TRA\n"
            "Việc thực hiện quy chế làm việc năm 2025\n")
    h = parse_header(text)
    assert h is not None
    assert h.kind == "KẾT LUẬN"
    assert h.summary == "Việc thực hiện quy chế làm việc năm 2025"
    assert h.issued_on == "2026-03-03"
    assert h.issuing_body == "ĐẢNG ỦY CỤC THADS"


def test_signer_title_with_tm_and_kt() -> None:
    text = ("ỦY BAN NHÂN DÂN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nTỈNH THÁI NGUYÊN\t"
            "Độc lập - Tự do - Hạnh phúc\nSố: 157/KH-UBND\tThái Nguyên, ngày 25 tháng 8 năm 2025\n"
            "KẾ HOẠCH\nTriển khai công tác cải cách hành chính năm 2025\nNội dung kế hoạch./.\n"
            "Nơi nhận:\tTM. ỦY BAN NHÂN DÂN\n- Văn phòng Chính phủ (b/c);\tKT. CHỦ TỊCH\n"
            "- Các sở, ban, ngành;\tPHÓ CHỦ TỊCH\n- Lưu: VT, NC.\n\n\tLê Quang Tiến\n")
    h = parse_header(text)
    assert h is not None
    assert h.issuing_body == "ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN" and h.parent_body is None
    assert h.signer_title == "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"
    assert h.signer_name == "Lê Quang Tiến"
    assert h.recipients == ["Văn phòng Chính phủ (b/c)", "Các sở, ban, ngành", "Lưu: VT, NC."]


def test_recipients_without_marker_and_wrapped_item() -> None:
    text = ("SỞ TƯ PHÁP TỈNH KON TUM\nSố: 5/HD-STP\nKon Tum, ngày 2 tháng 2 năm 2026\nHƯỚNG DẪN\n"
            "Công tác chứng thực\nNội dung hướng dẫn./.\n"
            "- Bộ Tư pháp\n(để báo cáo);\n- Trang thông tin điện tử Sở;\n- Lưu: VT, HCTP.\n")
    h = parse_header(text)
    assert h is not None
    assert h.recipients == ["Bộ Tư pháp (để báo cáo)", "Trang thông tin điện tử Sở", "Lưu: VT, HCTP."]


# --------------------------------------------------------------------------- mentions_portal

PORTALS = ["Trang thông tin điện tử", "Trang TTĐT", "Cổng thông tin điện tử"]


@pytest.mark.parametrize(
    "recipient",
    ["Trang TTĐT (để đăng tải)", "Trang thông tin điện tử", "TRANG THONG TIN DIEN TU",
     "Cổng TTĐT Sở", "Website Sở Tư pháp", "Trang TTDT;", "Trang thông tin điện tử THADS tỉnh",
     "Trang Thông tin điện tử Sở (đăng tin)"],
)
def test_mentions_portal_variants(recipient: str) -> None:
    h = DocumentHeader(recipients=["Như trên", recipient, "Lưu: VT"])
    assert mentions_portal(h, PORTALS)


def test_mentions_portal_profile_specific_name() -> None:
    h = DocumentHeader(recipients=["Như trên", "Bản tin Tư pháp điện tử", "Lưu: VT"])
    assert mentions_portal(h, ["Bản tin Tư pháp điện tử"])
    assert not mentions_portal(h, PORTALS)


@pytest.mark.parametrize(
    "recipients",
    [[], ["Như trên", "Lãnh đạo đơn vị", "Lưu: VT, VP."],
     ["Các phòng chuyên môn", "Trung tâm thông tin (để biết)", "Lưu: VT"]],
)
def test_portal_missing(recipients: list[str]) -> None:
    assert not mentions_portal(DocumentHeader(recipients=recipients), PORTALS)


def test_parsed_recipients_feed_mentions_portal() -> None:
    with_portal = parse_header(WORD_DECISION)
    assert with_portal is not None and mentions_portal(with_portal, PORTALS)
    without = parse_header(WORD_DECISION.replace("- Trang TTĐT (để đăng tải);\n", ""))
    assert without is not None and not mentions_portal(without, PORTALS)


def test_word_tables_read_cell_after_cell() -> None:
    # a Word table row comes out cell after cell: the left cell's paragraphs, a tab, the right cell's
    text = ("UBND TỈNH BÌNH PHƯỚC\nSỞ TƯ PHÁP\nSố: 210/KH-STP\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
            "Độc lập - Tự do - Hạnh phúc\nBình Phước, ngày 02 tháng 12 năm 2025\n"
            "KẾ HOẠCH\nPhổ biến, giáo dục pháp luật năm 2026\n"
            "Thực hiện Luật Phổ biến, giáo dục pháp luật, Sở Tư pháp xây dựng Kế hoạch như sau./.\n"
            "Nơi nhận:\n- UBND tỉnh (b/c);\n- Website Sở;\n- Lưu: VT.\tKT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\n\n\n"
            "Nguyễn Tiến Nam\n")
    h = parse_header(text)
    assert h is not None
    assert (h.issuing_body, h.parent_body, h.number, h.symbol) == ("SỞ TƯ PHÁP", "UBND TỈNH BÌNH PHƯỚC",
                                                                   "210", "KH-STP")
    assert (h.place, h.issued_on, h.kind) == ("Bình Phước", "2025-12-02", "KẾ HOẠCH")
    assert h.summary == "Phổ biến, giáo dục pháp luật năm 2026"
    assert h.recipients == ["UBND tỉnh (b/c)", "Website Sở", "Lưu: VT."]
    assert (h.signer_title, h.signer_name) == ("KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC", "Nguyễn Tiến Nam")
    assert mentions_portal(h, PORTALS)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("SốỐ:/-QĐKHTBCỘNG HÒAXÃ\n\t ,.;~-ngàythángnăm0123456789Nơinhận")),
               max_size=200))
def test_never_raises_on_noise(noise: str) -> None:
    h = parse_header(noise)
    assert h is None or isinstance(h, DocumentHeader)


def test_body_list_before_the_recipients_is_not_a_recipient() -> None:
    text = ("SỞ TƯ PHÁP TỈNH KON TUM\nSố: 6/KH-STP\nKon Tum, ngày 2 tháng 2 năm 2026\nKẾ HOẠCH\n"
            "Kiểm tra công tác chứng thực\n- Kiểm tra hồ sơ chứng thực năm 2025\n- Kiểm tra sổ sách\n"
            "Nơi nhận:\n- Các phòng thuộc Sở;\n- Lưu: VT.\n")
    h = parse_header(text)
    assert h is not None and h.recipients == ["Các phòng thuộc Sở", "Lưu: VT."]
