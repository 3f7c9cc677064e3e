"""State-secret marks: read where a mark stands (a header's line, the subject, the boxed red stamp
on a page), never from the word in ordinary prose, never from an urgency mark."""

from __future__ import annotations

import io
import random
import shutil

import pytest

from tests import seal_pictures as sp
from tinbai.extract.reading import analyse_file
from tinbai.extract.seal import boxed_stamps, dark_ink, red_ink
from tinbai.extract.secrecy import level_of_mark, marks_in_body, marks_in_document, marks_in_subject
from tinbai.extract.stamp_words import secrecy_stamps
from tinbai.parsers.facts import ParseLimits

needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract is not installed")

HEADER = """\
UBND TỈNH BÌNH PHƯỚC\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
SỞ TƯ PHÁP\tĐộc lập - Tự do - Hạnh phúc
Số: 12/BC-STP
{mark}\tBình Phước, ngày 04 tháng 5 năm 2026
BÁO CÁO
Kết quả công tác bảo vệ bí mật nhà nước năm 2026
Các đơn vị giữ bí mật thông tin, không chia sẻ mật khẩu hộp thư công vụ.
"""


@pytest.mark.parametrize(("mark", "level"), [
    ("MẬT", "MẬT"), ("TỐI MẬT", "TỐI MẬT"), ("TUYỆT MẬT", "TUYỆT MẬT"), ("[MẬT]", "MẬT"), ("| TỐI MẬT |", "TỐI MẬT"),
    ("MẬT - KHẨN", "MẬT"),  # secret and urgent at once
    ("KHẨN", None), ("THƯỢNG KHẨN", None), ("HỎA TỐC", None),  # urgency marks are not secrecy marks
    ("Mật", None),  # a header prints the mark in capitals
])
def test_the_mark_in_a_documents_header(mark: str, level: str | None) -> None:
    found = marks_in_document(HEADER.format(mark=mark), "bc.pdf")
    assert [m.level for m in found] == ([level] if level else [])
    assert all(m.where == "document" and m.attachment == "bc.pdf" for m in found)


def test_a_form_field_names_the_level() -> None:
    assert [m.level for m in marks_in_document("Độ mật: Tối mật\nSố: 3/BC", "f.docx")] == ["TỐI MẬT"]


@pytest.mark.parametrize("prose", [
    "Các đơn vị giữ bí mật thông tin cá nhân của người dân.",
    "Không chia sẻ mật khẩu hộp thư công vụ.",
    "Hội nghị quán triệt công tác bảo vệ bí mật nhà nước năm 2026.",
    "HỘI NGHỊ TẬP HUẤN CÔNG TÁC BẢO VỆ BÍ MẬT NHÀ NƯỚC",  # capitals, but a title, not a mark
    "Phòng Hành chính tư pháp đề nghị đóng dấu MẬT đúng quy định lên các văn bản mật.",
    "MẬT ONG RỪNG U MINH",
])
def test_never_the_word_in_ordinary_text(prose: str) -> None:
    assert marks_in_document(prose, "tin.docx") == []
    assert marks_in_body(prose) == []
    assert marks_in_subject(prose) == []


@pytest.mark.parametrize(("subject", "level"), [
    ("[MẬT] Báo cáo tình hình an ninh trật tự", "MẬT"),
    ("Công văn số 12/STP-VP - TỐI MẬT", "TỐI MẬT"),
    ("MẬT: Kế hoạch kiểm tra", "MẬT"),
    ("V/v: MẬT KHẨU HỘP THƯ CÔNG VỤ", None),
    ("Gửi tin: Tập huấn bảo vệ BÍ MẬT NHÀ NƯỚC", None),
    ("[KHẨN] Công văn số 12/STP-VP", None),
])
def test_a_mark_set_apart_in_the_subject(subject: str, level: str | None) -> None:
    assert [m.level for m in marks_in_subject(subject)] == ([level] if level else [])


def test_a_mark_on_a_line_of_its_own_in_the_body_but_not_in_a_quote() -> None:
    assert [m.level for m in marks_in_body("Kính gửi Ban Biên tập,\nMẬT\nSố: 12/BC-STP")] == ["MẬT"]
    assert marks_in_body("> MẬT\n> Số: 12/BC-STP") == []


@pytest.mark.parametrize(("reading", "level"), [
    ("MẬT", "MẬT"), ("MẶẬT", "MẬT"), ("MAT", "MẬT"), ("TÔI MẶT", "TỐI MẬT"), ("TUYẾỆT MẠẬT", "TUYỆT MẬT"),
    ("KHẨN", None), ("KHAN", None), ("HOA TOC", None), ("THUONG KHAN", None), ("I &Äz |", None), ("", None),
])
def test_ocr_of_a_stamp_is_matched_to_the_nearest_mark(reading: str, level: str | None) -> None:
    assert level_of_mark(reading, capitals=False) == level


# ---- the stamp on a page

def page_with(word: str | None, dpi: int = 150, seed: int = 3):
    rng = random.Random(seed)
    page = sp.text_page(rng, dpi)
    if word:
        page = sp.secrecy_stamp(page, dpi, word, rng=rng, at_mm=(38, 28))
    return sp.jpeg(page, 70)


@pytest.mark.parametrize("word", ["MẬT", "TỐI MẬT", "TUYỆT MẬT", "KHẨN"])
def test_the_frame_of_a_boxed_stamp_is_found(word: str) -> None:
    [box] = boxed_stamps(red_ink(page_with(word), 150))
    x, y, w, h = box
    assert sp.mm(30, 150) < x < sp.mm(45, 150) and sp.mm(24, 150) < y < sp.mm(33, 150) and w > 2 * h


@pytest.mark.parametrize("other", ["seal", "title", "register", "logo", "photo"])
def test_other_red_things_are_no_frames(other: str) -> None:
    rng = random.Random(5)
    img, dpi = {"seal": lambda: (sp.sealed_page(rng, 150)[0], 150),
                "title": lambda: (sp.red_title(sp.text_page(rng, 150), 150), 150),
                "register": lambda: (sp.red_rectangle(sp.text_page(rng, 150), 150), 150),  # the lower half
                "logo": lambda: (sp.red_square_logo(sp.text_page(rng, 150), 150), 150),
                "photo": lambda: (sp.event_photo(rng), None)}[other]()
    ink = red_ink(img, dpi)
    assert ink is None or boxed_stamps(ink) == []


@needs_tesseract
@pytest.mark.parametrize(("word", "level"), [("MẬT", "MẬT"), ("TỐI MẬT", "TỐI MẬT"), ("TUYỆT MẬT", "TUYỆT MẬT"),
                                             ("KHẨN", None), ("HỎA TỐC", None)])
def test_the_stamps_word_is_read(word: str, level: str | None) -> None:
    img = page_with(word, dpi=200)
    small = img.resize((round(img.width * 72 / 200), round(img.height * 72 / 200)))  # what the search sees
    marks, unread = secrecy_stamps(red_ink(small, 72), 1, lambda: img)
    assert [m.level for m in marks] == ([level] if level else []) and unread == 0
    assert all(m.where == "stamp" and m.page == 1 for m in marks)


def test_without_ocr_a_frame_is_counted_unread_and_names_no_level() -> None:
    marks, unread = secrecy_stamps(red_ink(page_with("MẬT"), 150), 1, None)
    assert (marks, unread) == ([], 1)


@needs_tesseract
def test_a_scanned_page_with_the_stamp_through_the_file_reader() -> None:
    buf = io.BytesIO()
    page_with("MẬT", dpi=150).save(buf, "JPEG", quality=80, dpi=(150, 150))
    facts = analyse_file("qd.jpg", buf.getvalue(), ParseLimits())
    assert [(m.level, m.page) for m in facts.secrecy_stamps] == [("MẬT", 1)]
    buf = io.BytesIO()
    page_with(None, dpi=150).save(buf, "JPEG", quality=80, dpi=(150, 150))
    assert analyse_file("qd.jpg", buf.getvalue(), ParseLimits()).secrecy_stamps == []


@needs_tesseract
@pytest.mark.parametrize(("word", "level"), [("MẬT", "MẬT"), ("KHẨN", None)])
def test_a_grayscale_scan_shows_the_stamp_in_grey(word: str, level: str | None) -> None:
    buf = io.BytesIO()
    page_with(word, dpi=150).convert("L").save(buf, "JPEG", quality=80, dpi=(150, 150))
    facts = analyse_file("qd.jpg", buf.getvalue(), ParseLimits())
    assert facts.red_stamp is False  # no colour: no seal can be seen, but the stamp's frame can
    assert [m.level for m in facts.secrecy_stamps] == ([level] if level else [])


def test_plain_grey_pages_show_no_frames() -> None:
    rng = random.Random(9)
    for page in (sp.text_page(rng, 150), sp.red_title(sp.text_page(rng, 150), 150), sp.sealed_page(rng, 150)[0]):
        assert boxed_stamps(dark_ink(sp.jpeg(page, 70).convert("L"), 150)) == []
