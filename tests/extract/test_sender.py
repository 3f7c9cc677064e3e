"""extract_sender (tinbai.extract.sender): the sender's name, title, unit and contact.

Every fixture is written here: signature layouts seen in Vietnamese state offices (plain
text, HTML tables, Outlook MsoNormal paragraphs, one-line signatures, labelled forms),
quoted replies carrying someone else's signature, and the From header forms.
"""

from __future__ import annotations

import base64
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tinbai.config import Contributor, Profile
from tinbai.extract.directory import SenderDirectory
from tinbai.extract.sender import (
    extract_sender,
    find_phones,
    looks_like_person_name,
)
from tinbai.message import parse_from
from tinbai.report import Sender
from tinbai.textutil import (
    casefold_key,
    strip_diacritics,
)


def make_profile(required: list[str], *, domains: list[str] | None = None,
                 contributors: list[Contributor] | None = None, article: str = "Điều 8.2") -> Profile:
    return Profile(
        agency="Thi hành án dân sự tỉnh Thử Nghiệm",
        regulation="Quy chế thử nghiệm",
        permitted_formats=["pdf", "docx"],
        required_sender=required,  # type: ignore[arg-type]
        allowed_domains=domains if domains is not None else ["thads-tn.example.vn", "moj.gov.vn"],
        contributors=contributors or [],
        categories={"news": {"label": "Tin", "limit": 1, "unit": "days", "anchor": "event"},
                    "other": {"label": "Khác", "limit": 3}},
        articles={"sender": article},
    )


BODY = ("Kính gửi Ban Biên tập Trang thông tin điện tử.\n\n"
        "Sáng ngày 12/3/2025, đơn vị tổ chức hội nghị tập huấn nghiệp vụ cho 80 công chức, "
        "Chấp hành viên và Thư ký thi hành án; đồng chí Phạm Văn Khải, Trưởng phòng phát biểu khai mạc.\n\n")


def sender_of(from_header: str | None, plain: str | None, html: str | None,
              profile: Profile | None = None) -> Sender:
    """extract_sender as the submission calls it: the From header read by tinbai.message, then
    the directory (here the profile's lists) filling what the message does not say."""
    sender = extract_sender(*parse_from(from_header), plain, html)
    return SenderDirectory.of_profile(profile).fill(sender) if profile is not None else sender


def fields(s: Sender) -> dict[str, str | None]:
    return {"name": s.name, "title": s.title, "unit": s.unit, "phone": s.phone,
            "postal_address": s.postal_address}


# ---------------------------------------------------------------------------------------------
# signature layouts


def test_classic_plain_signature_after_closing() -> None:
    plain = BODY + ("Trân trọng!\n\nĐoàn Minh Quân\nChuyên viên\nPhòng Kiểm tra, giải quyết khiếu nại, tố cáo\n"
                    "ĐT: 0208.3854.376\nĐ/c: Số 12 đường Hoàng Văn Thụ, phường Phan Đình Phùng, tỉnh Thái Nguyên\n")
    s = sender_of("Đoàn Minh Quân <quan.dm@thads-tn.example.vn>", plain, None)
    assert s.address == "quan.dm@thads-tn.example.vn"
    assert fields(s) == {
        "name": "Đoàn Minh Quân", "title": "Chuyên viên", "unit": "Phòng Kiểm tra, giải quyết khiếu nại, tố cáo",
        "phone": "0208.3854.376",
        "postal_address": "Số 12 đường Hoàng Văn Thụ, phường Phan Đình Phùng, tỉnh Thái Nguyên"}


def test_dash_separator_and_name_title_on_one_line() -> None:
    plain = BODY + ("Trân trọng!\n--\nKhúc Thị Yến | Kế toán\nVăn phòng Cục\nĐiện thoại: (0220) 3852 123\n"
                    "Địa chỉ: Số 5 phố Chi Lăng, phường Nguyễn Trãi, thành phố Hải Dương\n")
    s = sender_of(None, plain, None)
    assert (s.name, s.title, s.unit, s.phone) == ("Khúc Thị Yến", "Kế toán", "Văn phòng Cục", "(0220) 3852 123")
    assert s.postal_address == "Số 5 phố Chi Lăng, phường Nguyễn Trãi, thành phố Hải Dương"


def test_one_line_signature() -> None:
    plain = BODY + "Trân trọng,\nNguyễn Văn Ân - Chuyên viên - Phòng Nghiệp vụ - ĐT: 0912 345 678\n"
    s = sender_of(None, plain, None)
    assert fields(s) == {"name": "Nguyễn Văn Ân", "title": "Chuyên viên", "unit": "Phòng Nghiệp vụ",
                         "phone": "0912 345 678", "postal_address": None}


def test_one_line_with_commas() -> None:
    s = sender_of(None, BODY + "Xin cảm ơn!\nLã Thu Hằng, Thanh tra viên, Thanh tra Sở, DĐ: 0977 111 222", None)
    assert fields(s) == {"name": "Lã Thu Hằng", "title": "Thanh tra viên", "unit": "Thanh tra Sở",
                         "phone": "0977 111 222", "postal_address": None}


def test_unit_with_inner_dash_is_one_unit() -> None:
    s = sender_of(None, BODY + "Trân trọng!\nNông Văn Bảy\nChuyên viên chính\nBan Thi đua - Khen thưởng\n", None)
    assert (s.name, s.title, s.unit) == ("Nông Văn Bảy", "Chuyên viên chính", "Ban Thi đua - Khen thưởng")


def test_labelled_signature() -> None:
    plain = BODY + ("Người gửi: Trần Thị Bình\nChức danh/Chức vụ: Văn thư\nĐơn vị/Cơ quan: Văn phòng Sở\n"
                    "SĐT: 0260 3854 376\n")
    s = sender_of(None, plain, None)
    assert fields(s) == {"name": "Trần Thị Bình", "title": "Văn thư", "unit": "Văn phòng Sở",
                         "phone": "0260 3854 376", "postal_address": None}


def test_labelled_lines_at_the_top_of_the_message() -> None:
    plain = ("Họ tên: Lê Văn Cường, Chuyên viên Phòng Tư pháp huyện Đắk Hà\nĐiện thoại: +84 912 345 678\n\n"
             + "Nội dung tin bài dài được trình bày trong đoạn văn này để thử. " * 5 + "\n\n"
             + "Một đoạn văn khác của bài viết, kết thúc bằng dấu chấm như thường lệ. " * 4)
    s = sender_of(None, plain, None)
    assert (s.name, s.title, s.unit, s.phone) == (
        "Lê Văn Cường", "Chuyên viên", "Phòng Tư pháp huyện Đắk Hà", "+84 912 345 678")


def test_html_table_with_label_cells() -> None:
    html = ("<p>Kính gửi Ban Biên tập</p><p>Gửi tin bài kèm theo.</p><p>Trân trọng!</p>"
            "<table><tr><td>Họ và tên:</td><td><b>Võ Thị Mai</b></td></tr>"
            "<tr><td>Chức vụ:</td><td>Trợ giúp viên pháp lý</td></tr>"
            "<tr><td>Đơn vị:</td><td>Trung tâm Trợ giúp pháp lý nhà nước tỉnh</td></tr>"
            "<tr><td>Điện thoại:</td><td>0260&nbsp;3866&nbsp;012</td></tr>"
            "<tr><td>Địa chỉ:</td><td>Số 5 đường Trần Phú, phường Quyết Thắng, tỉnh Kon Tum</td></tr></table>")
    s = sender_of("Võ Thị Mai <mai.vt@thads-tn.example.vn>", None, html)
    assert fields(s) == {"name": "Võ Thị Mai", "title": "Trợ giúp viên pháp lý",
                         "unit": "Trung tâm Trợ giúp pháp lý nhà nước tỉnh", "phone": "0260 3866 012",
                         "postal_address": "Số 5 đường Trần Phú, phường Quyết Thắng, tỉnh Kon Tum"}


def test_html_table_label_cells_with_paragraphs_and_no_colons() -> None:
    html = ("<p>Trân trọng!</p><table>"
            "<tr><td><p>Họ và tên</p></td><td><p>Quách Văn Toản</p></td></tr>"
            "<tr><td><p>Chức danh</p></td><td><p>Chấp hành viên cao cấp</p></td></tr>"
            "<tr><td><p>Di động</p></td><td><p>0868-123-456</p></td></tr></table>")
    s = sender_of(None, "", html)
    assert (s.name, s.title, s.phone) == ("Quách Văn Toản", "Chấp hành viên cao cấp", "0868-123-456")


def test_html_table_one_field_per_row_without_labels() -> None:
    html = ("<div><p>Trân trọng!</p><table style='border-left:3px solid #c00'>"
            "<tr><td style='font-weight:bold'>Hứa Thị Ngân</td></tr><tr><td>Thư ký thi hành án</td></tr>"
            "<tr><td>Chi cục Thi hành án dân sự huyện Nam Sách</td></tr>"
            "<tr><td>Điện thoại: 0220 3994 108</td></tr></table></div>")
    s = sender_of(None, None, html)
    assert (s.name, s.title, s.unit, s.phone) == (
        "Hứa Thị Ngân", "Thư ký thi hành án", "Chi cục Thi hành án dân sự huyện Nam Sách", "0220 3994 108")


def test_outlook_msonormal_paragraphs_with_nbsp() -> None:
    html = ("<html><head><style>p.MsoNormal{margin:0cm}</style></head><body><div class=WordSection1>"
            "<p class=MsoNormal>Kính gửi Ban biên tập,<o:p></o:p></p><p class=MsoNormal><o:p>&nbsp;</o:p></p>"
            "<p class=MsoNormal>Trân trọng!<o:p></o:p></p><p class=MsoNormal><o:p>&nbsp;</o:p></p>"
            "<p class=MsoNormal><b><span style='color:#1F497D'>Bùi&nbsp;Thị&nbsp;Hằng</span></b><br>"
            "<span style='color:#1F497D'>Phó Chánh Văn phòng</span><br>"
            "<span style='color:#1F497D'>Tel:&nbsp;0221 3395 990</span><o:p></o:p></p></div></body></html>")
    plain_stub = ""
    s = sender_of("=?utf-8?B?" + base64.b64encode("Bùi Thị Hằng".encode()).decode() + "?= <h@x.example.vn>",
                  plain_stub, html)
    assert (s.name, s.title, s.phone) == ("Bùi Thị Hằng", "Phó Chánh Văn phòng", "0221 3395 990")
    assert s.address == "h@x.example.vn"


def test_trailing_lines_without_closing() -> None:
    plain = ("Kính gửi Ban Biên tập,\nĐơn vị gửi tin bài, đề nghị Ban Biên tập xem xét đăng tải trên Trang thông "
             "tin điện tử của Sở theo đúng quy định hiện hành của Quy chế.\n\n"
             "Đinh Văn Toàn\nCông chức Văn phòng\n0912345678\n")
    s = sender_of(None, plain, None)
    assert (s.name, s.title, s.unit, s.phone) == ("Đinh Văn Toàn", "Công chức", "Văn phòng", "0912345678")


def test_opening_with_tran_trong_is_not_a_closing() -> None:
    plain = ("Trân trọng gửi Ban Biên tập tin bài sau:\n\nPHÒNG TƯ PHÁP HUYỆN ĐẮK HÀ TỔ CHỨC HỘI NGHỊ\n\n"
             + "Sáng ngày 12/3/2025, Phòng Tư pháp huyện tổ chức hội nghị phổ biến pháp luật cho cán bộ. " * 3
             + "\n\nKiều Văn Sáu\nChuyên viên\nĐT: 0260 3822 111\n")
    s = sender_of(None, plain, None)
    assert (s.name, s.title, s.unit, s.phone) == ("Kiều Văn Sáu", "Chuyên viên", None, "0260 3822 111")


@pytest.mark.parametrize(("line", "expected"), [
    ("Nguyễn Văn An (Chuyên viên Văn phòng)\nĐT cơ quan: 0208.3854.376",
     ("Nguyễn Văn An", "Chuyên viên", "Văn phòng", "0208.3854.376")),
    ("Nguyễn Văn An\nPhòng Công chứng số 1 (Bình Phước)\n(0271) 3203131",
     ("Nguyễn Văn An", None, "Phòng Công chứng số 1 (Bình Phước)", "(0271) 3203131")),
    ("Nguyễn Văn An\nKế toán\nPhòng Kế hoạch - Tài chính 0912 345 678",
     ("Nguyễn Văn An", "Kế toán", "Phòng Kế hoạch - Tài chính", "0912 345 678")),
    ("Nguyễn Văn An\nKế toán\nEmail: an@x.vn - Điện thoại liên hệ: 0912 345 678",
     ("Nguyễn Văn An", "Kế toán", None, "0912 345 678")),
])
def test_mixed_lines(line: str, expected: tuple[str | None, ...]) -> None:
    s = sender_of(None, BODY + "Trân trọng!\n" + line, None)
    assert (s.name, s.title, s.unit, s.phone) == expected


def test_list_of_participants_at_the_end_is_not_a_signature() -> None:
    plain = "Thành phần tham dự:\n- Đồng chí Nguyễn Văn Hải, Giám đốc Sở\n- Đồng chí Lê Văn Bình, Phó Giám đốc Sở\n"
    assert fields(sender_of(None, plain, None)) == dict.fromkeys(
        ("name", "title", "unit", "phone", "postal_address"))


# ---------------------------------------------------------------------------------------------
# title and unit on one line


@pytest.mark.parametrize(("line", "title", "unit"), [
    ("Chuyên viên Phòng Nghiệp vụ", "Chuyên viên", "Phòng Nghiệp vụ"),
    ("Chánh Văn phòng", "Chánh Văn phòng", None),
    ("Chánh Văn phòng Cục", "Chánh Văn phòng", "Văn phòng Cục"),
    ("Phó Chánh Văn phòng Sở", "Phó Chánh Văn phòng", "Văn phòng Sở"),
    ("Chi cục trưởng Chi cục THADS huyện Thanh Miện", "Chi cục trưởng", "Chi cục THADS huyện Thanh Miện"),
    ("Trưởng phòng Thi hành án dân sự khu vực 3", "Trưởng phòng", "Phòng Thi hành án dân sự khu vực 3"),
    ("Phó Giám đốc Sở Tư pháp", "Phó Giám đốc", "Sở Tư pháp"),
    ("Giám đốc Trung tâm Trợ giúp pháp lý", "Giám đốc", "Trung tâm Trợ giúp pháp lý"),
    ("Chấp hành viên trung cấp", "Chấp hành viên trung cấp", None),
    ("Thư ký thi hành án Phòng THADS khu vực 2", "Thư ký thi hành án", "Phòng THADS khu vực 2"),
    ("Công chứng viên, Phòng Công chứng số 1", "Công chứng viên", "Phòng Công chứng số 1"),
    ("Cán bộ tại UBND xã Tân Lập", "Cán bộ", "UBND xã Tân Lập"),
    ("Chuyên viên pháp chế", "Chuyên viên pháp chế", None),
])
def test_title_and_unit_split(line: str, title: str, unit: str | None) -> None:
    s = sender_of(None, BODY + f"Trân trọng!\nHoàng Văn Thái\n{line}\nĐT: 0912 345 678\n", None)
    assert (s.name, s.title, s.unit) == ("Hoàng Văn Thái", title, unit)


def test_unit_only_is_not_a_title() -> None:
    s = sender_of(None, BODY + "Trân trọng!\nLý Đức Hùng\nPhòng Thi hành án dân sự khu vực 3\nĐT: 0985 905 802",
                  None)
    assert (s.name, s.title, s.unit) == ("Lý Đức Hùng", None, "Phòng Thi hành án dân sự khu vực 3")


# ---------------------------------------------------------------------------------------------
# names


def test_name_without_diacritics() -> None:
    plain = "Noi dung tin.\n\nTran trong!\nNguyen Van Hung\nChuyen vien\nPhong Nghiep vu\nDT: 0912.345.678"
    s = sender_of("Nguyen Van Hung <hung@thads-tn.example.vn>", plain, None)
    assert (s.name, s.title, s.unit, s.phone) == ("Nguyen Van Hung", "Chuyen vien", "Phong Nghiep vu", "0912.345.678")


def test_name_in_all_caps() -> None:
    s = sender_of(None, BODY + "Trân trọng!\nNGUYỄN THỊ HOA\nCHUYÊN VIÊN\nVĂN PHÒNG CỤC\nMobile: 0912-345-678",
                  None)
    assert s.name == "Nguyễn Thị Hoa"
    assert casefold_key(s.title) == "chuyên viên" and casefold_key(s.unit) == "văn phòng cục"
    assert s.phone == "0912-345-678"


def test_name_from_display_name_when_signature_has_none() -> None:
    b = "=?utf-8?B?" + base64.b64encode("Dương Thùy Lan".encode()).decode() + "?="
    plain = BODY + "Trân trọng!\nChấp hành viên\nChi cục Thi hành án dân sự huyện Gia Lộc\nĐT: 0943-537-749\n"
    s = sender_of(f"{b} <lan.dt@thads-tn.example.vn>", plain, None)
    assert fields(s) == {"name": "Dương Thùy Lan", "title": "Chấp hành viên",
                         "unit": "Chi cục Thi hành án dân sự huyện Gia Lộc", "phone": "0943-537-749",
                         "postal_address": None}


def test_decoded_display_name_accepted_too() -> None:
    s = sender_of("\"Dương Thùy Lan\" <lan.dt@thads-tn.example.vn>", "", None)
    assert (s.name, s.address) == ("Dương Thùy Lan", "lan.dt@thads-tn.example.vn")


@pytest.mark.parametrize("display", [
    "Văn phòng Cục THADS", "Phòng Tư pháp huyện Đắk Hà", "THADS Thái Nguyên", "Ban Biên tập", "Bộ phận Văn thư",
    "vanthu.kv5@thads-tn.example.vn", "Admin", "Chi Cục THADS Nam Sách",
])
def test_unit_or_address_display_name_is_not_a_name(display: str) -> None:
    plain = BODY + "Trân trọng!\nVăn thư\nPhòng Thi hành án dân sự khu vực 5\nĐT: 0208.3475.850\n"
    s = sender_of(f"\"{display}\" <vanthu.kv5@thads-tn.example.vn>", plain, None)
    assert s.name is None
    assert s.title == "Văn thư"
    assert s.phone == "0208.3475.850"


def test_bare_address_from_gives_no_name() -> None:
    s = sender_of("vanthu.kv5@thads-tn.example.vn", BODY + "Trân trọng!\nVăn thư\n", None)
    assert (s.address, s.name, s.title) == ("vanthu.kv5@thads-tn.example.vn", None, "Văn thư")


def test_signature_name_wins_over_a_unit_display_name() -> None:
    plain = BODY + "Trân trọng!\nLê Văn Tùng\nChánh Văn phòng\nVăn phòng\nĐT: 0208.3855.102"
    s = sender_of("Văn phòng THADS tỉnh <vanphong@thads-tn.example.vn>", plain, None)
    assert (s.name, s.title, s.unit) == ("Lê Văn Tùng", "Chánh Văn phòng", "Văn phòng")


@pytest.mark.parametrize(("text", "expected"), [
    ("Nguyễn Văn A", "Nguyễn Văn A"),
    ("Lê Thị Thu Hà", "Lê Thị Thu Hà"),
    ("Tôn Nữ Thị Minh Châu", "Tôn Nữ Thị Minh Châu"),
    ("NGUYỄN VĂN AN", "Nguyễn Văn An"),
    ("Nguyen Van Phong", "Nguyen Van Phong"),
    ("Nguyễn Văn Thư", "Nguyễn Văn Thư"),
    ("Y Moan Niê", "Y Moan Niê"),
    ("ThS. Nguyễn Văn Long", "Nguyễn Văn Long"),
    ("Văn phòng Cục THADS", None),
    ("Văn Thư", None),
    ("Phòng Tư Pháp", None),
    ("Trân Trọng", None),
    ("Hà Nội", None),
    ("Ban Biên Tập", None),
    ("Nguyễn", None),
    ("Nguyễn Văn A 2", None),
    ("nguyen.van.a@x.vn", None),
])
def test_looks_like_person_name(text: str, expected: str | None) -> None:
    assert looks_like_person_name(text) == expected


# ---------------------------------------------------------------------------------------------
# phones


@pytest.mark.parametrize("written", [
    "0208.3854.376", "0208 3854 376", "(0271) 3203131", "0912-345-678", "+84 912 345 678", "84-912-345-678",
    "(+84) 912 345 678", "0912345678", "02083854376", "0912.345.678",
])
@pytest.mark.parametrize("label", ["ĐT:", "Điện thoại:", "DĐ:", "Tel:", "Mobile:", "SĐT:", "Phone:", "ĐT", ""])
def test_phone_as_written(written: str, label: str) -> None:
    s = sender_of(None, BODY + f"Trân trọng!\nTạ Bích Hiền\nChuyên viên\n{label} {written}\n".replace("\n ", "\n"),
                  None)
    assert s.phone == written


def test_phone_then_fax_and_email() -> None:
    plain = BODY + "Trân trọng!\nPhan Thị Nga\nKế toán\nĐT: 0208.3854.376 - Fax: 0208.3854.377 - Email: nga@x.vn"
    assert sender_of(None, plain, None).phone == "0208.3854.376"


def test_fax_is_not_a_phone() -> None:
    s = sender_of(None, BODY + "Trân trọng!\nPhan Thị Nga\nKế toán\nFax: 0208.3854.377\n", None)
    assert s.phone is None


def test_find_phones_ignores_dates_money_and_document_numbers() -> None:
    text = "Quyết định số 117/QĐ-THADS ngày 25/04/2025; số tiền 947.993.000 đồng; 4.350 việc; năm 2025"
    assert find_phones(text) == []
    assert find_phones("Tel: 0208 3854 376 / 0912 345 678") == ["0208 3854 376", "0912 345 678"]


# ---------------------------------------------------------------------------------------------
# postal address


@pytest.mark.parametrize(("line", "address"), [
    ("Địa chỉ: Số 77 đường Trần Hưng Đạo, phường Tân Phú, thành phố Đồng Xoài, tỉnh Bình Phước",
     "Số 77 đường Trần Hưng Đạo, phường Tân Phú, thành phố Đồng Xoài, tỉnh Bình Phước"),
    ("Đ/c: Số 16 Quốc lộ 14, thị trấn Đức Phong, huyện Bù Đăng", "Số 16 Quốc lộ 14, thị trấn Đức Phong, huyện Bù Đăng"),
    ("Add: 35 đường Lê Lợi, phường 1, tỉnh Kon Tum", "35 đường Lê Lợi, phường 1, tỉnh Kon Tum"),
    ("Số 12 đường Lê Lợi, phường Tân Phú, tỉnh Bình Phước", "Số 12 đường Lê Lợi, phường Tân Phú, tỉnh Bình Phước"),
    ("Thôn Đông, xã Tân Lập, huyện Đắk Hà, tỉnh Kon Tum", "Thôn Đông, xã Tân Lập, huyện Đắk Hà, tỉnh Kon Tum"),
])
def test_postal_address_counts_as_contact(line: str, address: str) -> None:
    s = sender_of(None, BODY + f"Trân trọng!\nĐỗ Thu Trang\nCán bộ\nUBND xã Tân Lập\n{line}\n", None)
    assert (s.name, s.unit, s.postal_address, s.phone) == ("Đỗ Thu Trang", "UBND xã Tân Lập", address, None)


# ---------------------------------------------------------------------------------------------
# quoted replies and forwarded parts


def test_quoted_reply_signature_is_not_the_senders() -> None:
    plain = ("Đồng ý đăng.\n\nTrân trọng,\nPhạm Văn Minh\nTrưởng phòng Nghiệp vụ\nĐT: 0912 111 222\n\n"
             "Vào Th 2, 20 thg 1, 2025 vào lúc 10:00 Lê Văn B <b@y.vn> đã viết:\n> Gửi anh\n> Trân trọng!\n"
             "> Lê Văn B\n> Kế toán\n> Phòng Kế hoạch\n> Địa chỉ: Số 1 đường X, phường Y, tỉnh Z\n")
    s = sender_of("Phạm Minh <m@x.vn>", plain, None)
    assert fields(s) == {"name": "Phạm Văn Minh", "title": "Trưởng phòng", "unit": "Phòng Nghiệp vụ",
                         "phone": "0912 111 222", "postal_address": None}


def test_forward_without_own_signature_takes_nothing_from_the_forwarded_part() -> None:
    plain = ("Chuyển Ban Biên tập.\n\n---------- Forwarded message ---------\nFrom: Lê Văn B <b@x.vn>\n"
             "Date: Mon, 20 Jan 2025\nSubject: Chỉ thị\nTo: c@x.vn\n\nTrân trọng!\nLê Văn B\nKế toán\n"
             "Phòng Kế hoạch\nĐT: 0912 345 678\n")
    s = sender_of("Phạm Hải Yến <yen@x.vn>", plain, None)
    assert fields(s) == {"name": "Phạm Hải Yến", "title": None, "unit": None, "phone": None, "postal_address": None}


def test_quoted_forward_above_own_signature() -> None:
    plain = ("Kính gửi Ban Biên tập, Văn phòng chuyển tiếp Chỉ thị để đăng tải.\n"
             "> ---------- Forwarded message ---------\n> From: Văn phòng Bộ <vp@btp.example.vn>\n"
             "> Bộ Tư pháp gửi Chỉ thị số 03/CT-BTP ngày 20/01/2025.\n> Trân trọng!\n> Trần Văn Quyết\n> Chuyên viên\n"
             "Trân trọng!\n--\nLưu Mạnh Hải | Chánh Văn phòng\nVăn phòng Cục\nĐiện thoại: 0220.3176.034\n")
    s = sender_of(None, plain, None)
    assert (s.name, s.title, s.unit, s.phone) == ("Lưu Mạnh Hải", "Chánh Văn phòng", "Văn phòng Cục", "0220.3176.034")


@pytest.mark.parametrize("header", [
    ("-----Original Message-----\nFrom: Ban Biên tập <bbt@x.vn>\nSent: Monday, April 28, 2025 9:00 AM\n"
     "To: Lê Văn Hùng\nSubject: RE: tin bài"),
    ("________________________________\nTừ: Ban Biên tập <bbt@x.vn>\nĐã gửi: Thứ Hai, 28 tháng 4 2025\n"
     "Đến: Lê Văn Hùng\nChủ đề: tin bài"),
    "From: Ban Biên tập <bbt@x.vn>\nSent: Monday, April 28, 2025 9:00 AM\nTo: Lê Văn Hùng\nSubject: RE: tin bài",
    "On Mon, Apr 28, 2025 at 9:00 AM Ban Biên tập <bbt@x.vn>\nwrote:",
])
def test_reply_headers_cut_the_quoted_message(header: str) -> None:
    plain = (f"Gửi lại bản có dấu.\n\nTrân trọng!\nLê Văn Hùng\nVăn thư\n\n{header}\n\n"
             "Đề nghị bổ sung.\nTrân trọng!\nNguyễn Thị Biên\nThư ký Ban biên tập\nĐT: 0208 3854 376\n")
    s = sender_of(None, plain, None)
    assert (s.name, s.title, s.unit, s.phone) == ("Lê Văn Hùng", "Văn thư", None, None)


def test_gmail_html_quote_is_ignored() -> None:
    html = ('<div dir="ltr">Đồng ý<br><br>Trân trọng!<br>Mai Văn Anh<br>Thư ký</div><br>'
            '<div class="gmail_quote"><div dir="ltr" class="gmail_attr">Vào Th 2, 20 thg 1, 2025 vào lúc 10:00 '
            'Lê Văn B &lt;<a href="mailto:b@y.vn">b@y.vn</a>&gt;<br>đã viết:<br></div>'
            '<blockquote class="gmail_quote">Trân trọng<br>Lê Văn B<br>Kế toán<br>Phòng Kế hoạch<br>'
            'ĐT: 0912 345 678</blockquote></div>')
    s = sender_of("Mai Anh <a@x.vn>", None, html)
    assert fields(s) == {"name": "Mai Văn Anh", "title": "Thư ký", "unit": None, "phone": None,
                         "postal_address": None}


def test_labelled_signature_is_not_mistaken_for_a_reply_header() -> None:
    plain = BODY + "Người gửi: Trần Thị Bình\nĐơn vị: Phòng Tư pháp huyện Bù Đăng\nNgày gửi: 12/3/2025\nĐT: 0912 345 678"
    s = sender_of(None, plain, None)
    assert (s.name, s.unit, s.phone) == ("Trần Thị Bình", "Phòng Tư pháp huyện Bù Đăng", "0912 345 678")


# ---------------------------------------------------------------------------------------------
# plain versus HTML, directory


def test_html_used_when_plain_is_a_stub() -> None:
    html = "<p>Trân trọng!</p><p>Hồ Thùy Lan<br>Chuyên viên<br>Phòng Tư pháp huyện Bù Đăng<br>ĐT: (0271) 3203131</p>"
    s = sender_of(None, "Thư này có định dạng HTML.", html)
    assert (s.name, s.title, s.unit, s.phone) == ("Hồ Thùy Lan", "Chuyên viên", "Phòng Tư pháp huyện Bù Đăng",
                                                  "(0271) 3203131")


def test_decomposed_text_is_nfc() -> None:
    plain = unicodedata.normalize("NFD", BODY + "Trân trọng!\nTrịnh Minh Sơn\nChuyên viên\nĐT: 0220 3047 840")
    s = sender_of(unicodedata.normalize("NFD", "Trịnh Minh Sơn <son@x.vn>"), plain, None)
    assert s.name == unicodedata.normalize("NFC", "Trịnh Minh Sơn")
    assert s.title == "Chuyên viên"


def test_directory_fills_missing_fields() -> None:
    prof = make_profile(["name", "title", "contact"], contributors=[Contributor(
        address="CTV.An@Mail.example.com", name="Nguyễn Văn An", title="Cộng tác viên",
        unit="Phòng Tư pháp huyện Đắk Hà", phone="0905 111 222")])
    s = sender_of("ctv.an@mail.example.com", "Gửi tin.\n\nTrân trọng!\nNguyễn Văn An\nĐT: 0912 000 111", None, prof)
    assert fields(s) == {"name": "Nguyễn Văn An", "title": "Cộng tác viên", "unit": "Phòng Tư pháp huyện Đắk Hà",
                         "phone": "0912 000 111", "postal_address": None}


def test_empty_message() -> None:
    s = sender_of(None, None, None)
    assert s == Sender()


# ---------------------------------------------------------------------------------------------
# properties


FAMILIES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
            "Dương", "Lý", "Đinh", "Đàm", "Hà", "Lưu", "Tạ", "Triệu", "Trịnh", "Mai", "Lã", "Nông", "Cao", "Kiều",
            "Quách", "Tô", "Tăng", "Vương", "Khổng", "Đoàn", "Lương", "Trương"]
MIDDLES = ["Văn", "Thị", "Minh", "Thùy", "Đức", "Hữu", "Thế", "Bích", "Quang", "Xuân", "Ngọc", "Kim", "Mạnh"]
GIVENS = ["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hoa", "Hùng", "Hương", "Lan", "Linh",
          "Long", "Nam", "Nga", "Phong", "Sơn", "Tâm", "Thảo", "Thắng", "Trang", "Tùng", "Yến", "Thư", "Trường"]
TITLES = ["Chuyên viên", "Chuyên viên chính", "Văn thư", "Chấp hành viên sơ cấp", "Thư ký thi hành án",
          "Thẩm tra viên", "Kế toán", "Phó Trưởng phòng", "Chánh Văn phòng", "Thanh tra viên", "Công chứng viên",
          "Trợ giúp viên pháp lý", "Cán bộ", "Nhân viên", "Cộng tác viên", "Phó Giám đốc"]
UNITS = ["Văn phòng Cục", "Phòng Nghiệp vụ và Tổ chức thi hành án", "Chi cục Thi hành án dân sự huyện Gia Lộc",
         "Thanh tra Sở", "Trung tâm Trợ giúp pháp lý nhà nước", "Phòng Tư pháp huyện Bù Đăng",
         "Phòng Thi hành án dân sự khu vực 4", "Ban Thi đua - Khen thưởng", "UBND xã Tân Lập"]
PHONES = st.sampled_from(["0208.3854.376", "0208 3854 376", "(0271) 3203131", "0912-345-678", "+84 912 345 678",
                          "0987654321", "0220.3176.034"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(family=st.sampled_from(FAMILIES), middle=st.sampled_from(MIDDLES), given_name=st.sampled_from(GIVENS),
       title=st.sampled_from(TITLES), unit=st.sampled_from(UNITS), phone=PHONES,
       label=st.sampled_from(["ĐT: ", "Điện thoại: ", "DĐ: ", "Tel: ", "SĐT: ", ""]),
       closing=st.sampled_from(["Trân trọng!", "Trân trọng cảm ơn!", "Xin cảm ơn!", "--", "Trân trọng,"]),
       caps=st.booleans(), ascii_name=st.booleans())
def test_generated_classic_signatures(family: str, middle: str, given_name: str, title: str, unit: str, phone: str,
                                      label: str, closing: str, caps: bool, ascii_name: bool) -> None:
    name = f"{family} {middle} {given_name}"
    written = strip_diacritics(name) if ascii_name else name
    written = written.upper() if caps else written
    plain = BODY + f"{closing}\n{written}\n{title}\n{unit}\n{label}{phone}\n"
    s = sender_of(None, plain, None)
    assert s.name is not None and casefold_key(s.name) == casefold_key(written)
    assert (s.title, s.unit, s.phone) == (title, unit, phone)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400), st.text(max_size=400), st.one_of(st.none(), st.text(max_size=80)))
def test_never_raises(plain: str, html: str, from_header: str | None) -> None:
    s = sender_of(from_header, plain, "<p>" + html)
    for value in fields(s).values():
        assert value is None or (value.strip() == value and value)


def _layout(kind: str, name: str, title: str, unit: str, phone: str) -> tuple[str | None, str | None]:
    """(plain, html) of one signature layout."""
    if kind == "one_line":
        return BODY + f"Trân trọng!\n{name} - {title} - {unit} - ĐT: {phone}\n", None
    if kind == "labelled":
        return BODY + f"Người gửi: {name}\nChức vụ: {title}\nĐơn vị: {unit}\nĐiện thoại: {phone}\n", None
    if kind == "bar":
        return BODY + f"Trân trọng!\n--\n{name} | {title}\n{unit}\nĐiện thoại: {phone}\n", None
    if kind == "html_labels":
        rows = "".join(f"<tr><td>{k}</td><td>{v}</td></tr>" for k, v in
                       [("Họ và tên:", name), ("Chức danh:", title), ("Cơ quan:", unit), ("SĐT:", phone)])
        return None, f"<p>{BODY}</p><p>Trân trọng!</p><table>{rows}</table>"
    if kind == "html_rows":
        rows = "".join(f"<tr><td>{v}</td></tr>" for v in [name, title, unit, f"Điện thoại: {phone}"])
        return None, f"<div><p>{BODY}</p><p>Trân trọng!</p><table>{rows}</table></div>"
    # Outlook: MsoNormal paragraphs, spans, <br>, &nbsp;
    spans = "<br>\n".join(f"<span style='color:#1F497D'>{v.replace(' ', '&nbsp;')}</span>"
                          for v in [name, title, unit, f"DĐ: {phone}"])
    return "", (f"<html><body><div class=WordSection1><p class=MsoNormal>{BODY}</p>"
                f"<p class=MsoNormal>Trân trọng!<o:p></o:p></p><p class=MsoNormal><o:p>&nbsp;</o:p></p>"
                f"<p class=MsoNormal><b>{spans}</b></p></div></body></html>")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(family=st.sampled_from(FAMILIES), middle=st.sampled_from(MIDDLES), given_name=st.sampled_from(GIVENS),
       title=st.sampled_from(TITLES), unit=st.sampled_from(UNITS), phone=PHONES,
       kind=st.sampled_from(["one_line", "labelled", "bar", "html_labels", "html_rows", "outlook"]))
def test_generated_layouts(family: str, middle: str, given_name: str, title: str, unit: str, phone: str,
                           kind: str) -> None:
    name = f"{family} {middle} {given_name}"
    plain, html = _layout(kind, name, title, unit, phone)
    s = sender_of(None, plain, html)
    assert (s.name, s.title, s.unit, s.phone) == (name, title, unit, phone)


# ---------------------------------------------------------------------------------------------
# lines that were read as the wrong detail


@pytest.mark.parametrize("block", [
    "Thông tin người gửi:\nHọ và tên: Đàm Văn Bảo\nChức vụ: Chuyên viên\nĐơn vị: Phòng Nghiệp vụ\nSĐT: 0912 345 678\n",
    "- Họ và tên: Đàm Văn Bảo\n- Chức vụ: Chuyên viên\n- Đơn vị: Phòng Nghiệp vụ\n- SĐT: 0912 345 678\n",
    "• Họ và tên: Đàm Văn Bảo\n• Chức vụ: Chuyên viên\n• Đơn vị: Phòng Nghiệp vụ\n• SĐT: 0912 345 678\n",
    "Trân trọng!\nNgười gửi:\nHọ và tên: Đàm Văn Bảo\nChức vụ: Chuyên viên\nĐơn vị: Phòng Nghiệp vụ\nSĐT: 0912 345 678\n",
])
def test_a_labelled_block_gives_values_without_their_labels(block: str) -> None:
    s = sender_of("Văn thư <vt@thads-tn.example.vn>", BODY + block, None)
    assert (s.name, s.title, s.unit, s.phone) == ("Đàm Văn Bảo", "Chuyên viên", "Phòng Nghiệp vụ", "0912 345 678")


@pytest.mark.parametrize(("line", "title", "name"), [
    ("Chấp hành viên Đàm Đình Đạt", "Chấp hành viên", "Đàm Đình Đạt"),
    ("Chuyên viên Đàm Xuân Trung", "Chuyên viên", "Đàm Xuân Trung"),
    ("Trưởng phòng Lê Văn Hùng", "Trưởng phòng", "Lê Văn Hùng"),
])
def test_a_title_before_the_name_on_one_line(line: str, title: str, name: str) -> None:
    s = sender_of(None, BODY + f"Trân trọng!\n{line}\nChi cục THADS huyện Phú Bình\nĐT: 0280.3866.123\n", None)
    assert (s.name, s.title, s.unit) == (name, title, "Chi cục THADS huyện Phú Bình")


def test_a_sentence_glued_to_the_closing_is_the_body() -> None:
    plain = "Kính gửi Ban Biên tập.\nPhòng gửi tin bài đính kèm. Trân trọng!\nNguyễn Văn An\nĐT: 0912 345 678\n"
    s = sender_of("Văn thư <vt@thads-tn.example.vn>", plain, None)
    assert (s.name, s.unit, s.phone) == ("Nguyễn Văn An", None, "0912 345 678")
    s = sender_of("Văn thư <vt@thads-tn.example.vn>", "Kính gửi Ban Biên tập.\nPhòng gửi tin bài đính kèm. Trân trọng!\n",
                  None)
    assert s.unit is None


@pytest.mark.parametrize(("plain", "name"), [
    ("Tag Max\n\nanbei die Datei.\n\nViele Grüsse\nMax Muster\n", "Max Muster"),
    ("Guten Tag,\nanbei die Datei.\n\nFreundliche Grüsse\n\nAnna Weber\n", "Anna Weber"),
    ("Hi,\nplease see the attached file.\n\nBest regards\n", None),
    ("Dear Mr Nam,\nplease see the attached file.\n\nMit freundlichen Grüßen\n", None),
    ("Bonjour,\nci-joint le fichier.\n\nCordialement\n", None),
])
def test_greetings_and_closings_in_other_languages_are_no_names(plain: str, name: str | None) -> None:
    assert sender_of("info@partner.example.de", plain, None).name == name
