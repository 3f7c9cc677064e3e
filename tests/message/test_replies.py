"""tinbai.message.replies: the sender's own lines, and the header lines of quoted or forwarded mail."""

from __future__ import annotations

import pytest

from tinbai.message import is_quoted_header_line, own_lines


def test_own_lines() -> None:
    text = "a\n> quoted\nb\n-----Original Message-----\nc"
    assert own_lines(text) == ["a", "b"]


@pytest.mark.parametrize("header", [
    ("-----Original Message-----\nFrom: Ban Biên tập <bbt@x.vn>\nSent: Monday, April 28, 2025 9:00 AM\n"
     "To: Lê Văn Hùng\nSubject: RE: tin bài"),
    ("________________________________\nTừ: Ban Biên tập <bbt@x.vn>\nĐã gửi: Thứ Hai, 28 tháng 4 2025\n"
     "Đến: Lê Văn Hùng\nChủ đề: tin bài"),
    "From: Ban Biên tập <bbt@x.vn>\nSent: Monday, April 28, 2025 9:00 AM\nTo: Lê Văn Hùng\nSubject: RE: tin bài",
    "On Mon, Apr 28, 2025 at 9:00 AM Ban Biên tập <bbt@x.vn>\nwrote:",
    "Vào Th 2, 20 thg 1, 2025 vào lúc 10:00 Lê Văn B <b@y.vn> đã viết:",
    "---------- Forwarded message ---------\nFrom: Lê Văn B <b@x.vn>",
])
def test_reply_and_forward_headers_end_the_own_lines(header: str) -> None:
    text = f"Gửi lại bản có dấu.\nTrân trọng!\nLê Văn Hùng\n\n{header}\n\nĐề nghị bổ sung.\nNguyễn Thị Biên\n"
    assert own_lines(text) == ["Gửi lại bản có dấu.", "Trân trọng!", "Lê Văn Hùng", ""]


def test_a_labelled_signature_is_not_a_reply_header() -> None:
    text = "Người gửi: Trần Thị Bình\nĐơn vị: Phòng Tư pháp huyện Bù Đăng\nNgày gửi: 12/3/2025\nĐT: 0912 345 678"
    assert own_lines(text) == text.split("\n")


@pytest.mark.parametrize(("line", "expected"), [
    ("> Sáng ngày 20/1/2025, Bộ họp.", True),
    ("Date: Thứ Hai, 20 tháng 1, 2025", True),
    ("Ngày gửi: 20/01/2025 10:00", True),
    ("From: Ban Biên tập <bbt@x.vn>", True),
    ("-----Original Message-----", True),
    ("---------- Thư đã chuyển tiếp ----------", True),
    ("Vào Th 2, 20 thg 1, 2025 vào lúc 10:00 Lê Văn B <b@y.vn> đã viết:", True),
    # the words of a news item, even those a header block may use
    ("Ngày 15/4/2026, Sở Tư pháp tổ chức Hội nghị.", False),
    ("Thời gian: 8 giờ ngày 15/4/2026", False),
    ("Từ ngày 14 đến ngày 16/4/2026, Sở tổ chức lớp bồi dưỡng.", False),
])
def test_quoted_header_lines(line: str, expected: bool) -> None:
    assert is_quoted_header_line(line) is expected
