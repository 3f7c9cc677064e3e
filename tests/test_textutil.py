"""tinbai.textutil: NFC, spaces, the comparison keys and folds, HTML to text."""

from __future__ import annotations

import unicodedata

from tinbai.textutil import (
    aligned_fold,
    ascii_key,
    casefold_key,
    html_to_text,
    nfc,
    normalize_spaces,
    strip_diacritics,
)


def test_html_to_text_line_breaks_and_cells() -> None:
    html = ("<html><head><title>t</title><style>p{color:red}</style></head><body>"
            "<p>Kính gửi</p><p>a&nbsp;b &amp; c</p><div>Trân trọng!<br>\n<br>\nTạ Bích Hiền<br>Chuyên viên</div>"
            "<table><tr><td>Họ và tên:</td><td>Nguyễn Văn A</td></tr><tr><td></td><td>x</td></tr></table>"
            "<!-- comment --><script>var a = 1;</script><ul><li>một</li><li>hai</li></ul></body></html>")
    assert html_to_text(html) == ("Kính gửi\n\na b & c\n\nTrân trọng!\n\nTạ Bích Hiền\nChuyên viên\n"
                                  "Họ và tên: | Nguyễn Văn A\nx\nmột\nhai")


def test_html_to_text_quotes() -> None:
    html = "<div>trả lời</div><blockquote>q1<br>q2<blockquote>qq</blockquote></blockquote><div>end</div>"
    assert html_to_text(html, mark_quotes=True) == "trả lời\n> q1\n> q2\n> > qq\nend"
    assert html_to_text(html) == "trả lời\nq1\nq2\nqq\nend"


def test_html_to_text_empty_and_pre() -> None:
    assert html_to_text(None) == ""
    assert html_to_text("") == ""
    assert html_to_text("<pre>a\n  b</pre>") == "a\nb"


def test_strip_diacritics_and_folds() -> None:
    assert strip_diacritics("Đặng Thùy Huyền, Điện thoại") == "Dang Thuy Huyen, Dien thoai"
    assert strip_diacritics(None) == ""
    assert ascii_key("  Văn  phòng CỤC ") == "van phong cuc"
    assert casefold_key("  Văn  phòng CỤC ") == "văn phòng cục"
    # one character for one character: a match in the folded text is a span of the original
    assert aligned_fold("Số:  117/QĐ-CTHADS ") == "so:  117/qd-cthads "


def test_normalize_spaces_and_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn")
    assert nfc(decomposed) == "Nguyễn" and len(nfc(decomposed)) == 6
    assert normalize_spaces("a\u00a0\u00a0b\u200b\r\n  c\t d  ") == "a b\nc d"
    assert normalize_spaces("a  b", collapse=False) == "a  b"
