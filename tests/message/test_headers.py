"""Header values decoded from their bytes: Subject, From, file names, in any charset.

Every message here is written byte by byte, as the clients that send such mail write it: raw
8-bit values in UTF-8 (webmail, phones), Latin-1, GBK, Shift_JIS and Cyrillic; RFC 2047 words
with narrow labels, spaces or folds inside; RFC 2231 parameters; a header block that ends too
early; two From fields. What the sender wrote must come back exactly, and U+FFFD only where
no charset reads the bytes, with message.malformed saying so.
"""

from __future__ import annotations

import base64

import pytest

from tinbai.message import decode_header_value, is_malformed, parse_message

CRLF = b"\r\n"


def message(headers: list[bytes], *, body_charset: bytes = b"utf-8", parts: list[bytes] = ()) -> bytes:
    """A message whose header lines are given as bytes; a text body in `body_charset`, then
    the given attachment parts (each its header lines, an empty line, then base64 "hello")."""
    head = [*headers, b"MIME-Version: 1.0", b'Content-Type: multipart/mixed; boundary="BB"']
    body = [b"--BB", b"Content-Type: text/plain; charset=" + body_charset, b"", b"Tin bai", b""]
    for part in parts:
        body += [b"--BB", part, b"Content-Transfer-Encoding: base64", b"", b"aGVsbG8=", b""]
    body.append(b"--BB--")
    return CRLF.join(head) + CRLF + CRLF + CRLF.join(body) + CRLF


def attachment_named(filename_bytes: bytes, *, body_charset: bytes = b"utf-8") -> str:
    raw = message([b"From: A <a@x.vn>", b"To: b@x.vn", b"Subject: t"], body_charset=body_charset,
                  parts=[b"Content-Type: application/octet-stream\r\n"
                         b'Content-Disposition: attachment; filename="' + filename_bytes + b'"'])
    parsed = parse_message(raw)
    assert not is_malformed(parsed)
    [att] = parsed.attachments
    return att.filename


# ---------------------------------------------------------------------------------------------
# raw 8-bit file names


@pytest.mark.parametrize(("name", "charset", "declared"), [
    ("Tin giao tài sản.docx", "utf-8", b"utf-8"),
    ("Tin giao tài sản.docx", "utf-8", b"iso-8859-1"),  # UTF-8 first, whatever the body says
    ("Résumé de l'été.docx", "latin-1", b"iso-8859-1"),
    ("Grüße aus München.pdf", "cp1252", b"windows-1252"),
    ("新闻稿件 关于镕基.docx", "gbk", b"gb2312"),  # a GB2312 label over GBK bytes
    ("ニュース記事 ①.docx", "cp932", b"shift_jis"),  # Microsoft's Shift_JIS under the plain label
    ("Новости района.docx", "koi8-r", b"koi8-r"),
    ("Новости района.docx", "cp1251", b"windows-1251"),
    ("Báo cáo tháng.doc", "cp1258", b"windows-1258"),
])
def test_raw_8bit_file_name_is_read_from_its_bytes(name: str, charset: str, declared: bytes) -> None:
    assert attachment_named(name.encode(charset), body_charset=declared) == name


def test_rfc2231_and_rfc2047_file_names() -> None:
    name = "Quyết định số 117 về tài sản.pdf"
    pct = "".join(f"%{b:02X}" if b > 0x7E or chr(b) in " %'\"" else chr(b) for b in name.encode()).encode()
    half = pct.index(b"%", len(pct) // 2)  # a continuation starts at a %XX, never inside one
    word = b"=?utf-8?B?" + base64.b64encode(name.encode()) + b"?="
    raw = message([b"From: a@x.vn", b"Subject: t"], parts=[
        b"Content-Type: application/pdf\r\nContent-Disposition: attachment; filename*=utf-8''" + pct,
        b"Content-Type: application/pdf\r\nContent-Disposition: attachment;\r\n filename*0*=utf-8''"
        + pct[:half] + b";\r\n filename*1*=" + pct[half:],
        b'Content-Type: application/pdf\r\nContent-Disposition: attachment; filename="' + word + b'"',
        b'Content-Type: application/pdf; name="' + name.encode() + b'"',
    ])
    parsed = parse_message(raw)
    assert [a.filename for a in parsed.attachments] == [name] * 4


# ---------------------------------------------------------------------------------------------
# subjects


def word(text: str, charset: str, label: str | None = None) -> bytes:
    return b"=?" + (label or charset).encode() + b"?B?" + base64.b64encode(text.encode(charset)) + b"?="


@pytest.mark.parametrize(("subject_bytes", "declared", "expected"), [
    (word("关于召开镕基会议的通知", "gbk", "gb2312"), b"utf-8", "关于召开镕基会议的通知"),
    ("关于召开会议的通知 镕".encode("gbk"), b"gbk", "关于召开会议的通知 镕"),
    ("会議のお知らせ ①".encode("cp932"), b"shift_jis", "会議のお知らせ ①"),
    ("Tin bài rất dài về hội nghị".encode(), b"us-ascii", "Tin bài rất dài về hội nghị"),
    ("Отчёт за месяц".encode("koi8-r"), b"koi8-r", "Отчёт за месяц"),
    ("Réunion du comité".encode("latin-1"), b"iso-8859-1", "Réunion du comité"),
])
def test_subject_is_decoded_without_dropping_bytes(subject_bytes: bytes, declared: bytes, expected: str) -> None:
    raw = message([b"From: a@x.vn", b"Subject: " + subject_bytes], body_charset=declared)
    parsed = parse_message(raw)
    assert parsed.subject == expected
    assert not is_malformed(parsed)


def test_undeclared_8bit_headers_are_read_by_a_detector_over_all_of_them() -> None:
    """No charset declared anywhere: what a detector reads in the subject and the file name
    together (a few bytes alone are too few to tell GBK from Cyrillic)."""
    subject, name = "关于召开全省司法行政工作会议的通知", "会议通知附件.docx"
    raw = message([b"From: a@x.vn", b"Subject: " + subject.encode("gbk")], body_charset=b"us-ascii",
                  parts=[b'Content-Type: application/octet-stream; name="' + name.encode("gbk") + b'"'])
    parsed = parse_message(raw)
    assert (parsed.subject, parsed.attachments[0].filename) == (subject, name)


@pytest.mark.parametrize(("value", "expected"), [
    # spaces inside an encoded word, as some webmail writes Q words
    ("=?utf-8?Q?Tin b=C3=A0i r=E1=BA=A5t d=C3=A0i?=", "Tin bài rất dài"),
    # a fold inside a B word
    ("=?utf-8?B?VGluIGLDoGkg\r\n cuG6pXQgZMOgaQ==?=", "Tin bài rất dài"),
    # one character split across two words (both UTF-8): joined before decoding
    ("=?utf-8?B?" + base64.b64encode("Tin bà".encode()[:-1]).decode() + "?=\r\n =?utf-8?B?"
     + base64.b64encode("Tin bà".encode()[-1:] + b"i").decode() + "?=", "Tin bài"),
    # whitespace between two words is no text; text between a word and plain text is
    ("=?utf-8?Q?Tin_b=C3=A0i?= =?utf-8?Q?_m=E1=BB=9Bi?=", "Tin bài mới"),
    ("Re: =?utf-8?Q?Tin_b=C3=A0i?= (2)", "Re: Tin bài (2)"),
    ("=?unicode-1-1-utf-7?Q?+AOk-t+AOk-?=", "été"),
    ("=?UTF-8*vi?Q?Ch=E1=BB=89_th=E1=BB=8B?=", "Chỉ thị"),
    ("=?x-unknown?Q?Th=C3=B4ng_b=C3=A1o?=", "Thông báo"),  # an unknown label: UTF-8 reads it
    ("=?utf-8?B?not base64!?=", "=?utf-8?B?not base64!?="),  # a damaged word shown as written
    ("Báo cáo\r\n\tquý 1", "Báo cáo quý 1"),  # folded with CRLF TAB
])
def test_encoded_words(value: str, expected: str) -> None:
    assert decode_header_value(value) == expected


def test_bytes_nothing_reads_are_replaced_and_reported() -> None:
    raw = message([b"From: a@x.vn", b"Subject: Tin \x81\x8d\x8f\x90\x9d\xff\xfe\x01\x02 b\xc3"], body_charset=b"utf-8")
    parsed = parse_message(raw)
    assert "\ufffd" in parsed.subject and parsed.subject.startswith("Tin ")
    assert "UndecodableHeaderDefect" in is_malformed(parsed)


# ---------------------------------------------------------------------------------------------
# the header block


def test_a_folded_line_without_indentation_continues_its_header() -> None:
    raw = (b"From: =?utf-8?B?" + base64.b64encode("Đàm Văn Bảo".encode()) + b"?= <bao.dv@x.vn>\r\n"
           b"Subject: Tin b\xc3\xa0i v\xe1\xbb\x81 h\xe1\xbb\x99i ngh\xe1\xbb\x8b\r\n"
           b"t\xe1\xbb\x95ng k\xe1\xba\xbft n\xc4\x83m 2025\r\n"
           b"To: bbt@x.vn\r\n\r\nN\xe1\xbb\x99i dung\r\n")
    parsed = parse_message(raw)
    assert parsed.subject == "Tin bài về hội nghị tổng kết năm 2025"
    assert (parsed.from_name, parsed.from_address, parsed.to) == ("Đàm Văn Bảo", "bao.dv@x.vn", ["bbt@x.vn"])
    assert parsed.plain.strip() == "Nội dung"
    assert "HeaderBlockRepairedDefect" in is_malformed(parsed)


def test_a_banner_above_the_headers_is_skipped() -> None:
    raw = (b"---- Original email message ----\r\n"
           b"From: Nguyen Van A <a@x.vn>\r\nTo: bbt@x.vn\r\nSubject: Tin bai\r\n\r\nNoi dung\r\n")
    parsed = parse_message(raw)
    assert (parsed.from_address, parsed.subject, parsed.plain.strip()) == ("a@x.vn", "Tin bai", "Noi dung")
    assert "HeaderBlockRepairedDefect" in is_malformed(parsed)


def test_a_body_without_the_empty_line_stays_the_body() -> None:
    """The old mistake RFC 2822 readers know: the body starts right after the headers."""
    raw = b"From: a@x.vn\r\nTo: b@x.vn\r\nSubject: Tin\r\nXin gui Ban Bien tap tin bai.\r\nTran trong!\r\n"
    parsed = parse_message(raw)
    assert parsed.subject == "Tin"
    assert "Xin gui Ban Bien tap tin bai." in parsed.plain
    assert "HeaderBlockRepairedDefect" not in parsed.defects


def test_prose_is_no_header_block() -> None:
    raw = b"Kinh gui Ban Bien tap\r\nXin gui tin bai.\r\n\r\nTran trong\r\n"
    assert "HeaderBlockRepairedDefect" not in parse_message(raw).defects


@pytest.mark.parametrize("first", [b"From: ", b"From: Ban Bien tap", b"From: <>"])
def test_the_first_from_that_holds_an_address_wins(first: bytes) -> None:
    raw = first + b"\r\nFrom: =?utf-8?Q?L=C6=B0u_M=E1=BA=A1nh_H=E1=BA=A3i?= <hai@x.vn>\r\nSubject: t\r\n\r\nx\r\n"
    parsed = parse_message(raw)
    assert (parsed.from_name, parsed.from_address) == ("Lưu Mạnh Hải", "hai@x.vn")
    assert "MultipleFromDefect" in is_malformed(parsed)


def test_every_header_is_decoded_the_same_way() -> None:
    raw = message([b"From: \xc4\x90\xc3\xa0m V\xc4\x83n B\xe1\xba\xa3o <bao@x.vn>",
                   b"To: \xc4\x90\xe1\xbb\x97 Th\xe1\xbb\x8b H\xc3\xa0 <ha@x.vn>",
                   b"Subject: " + word("Tin bài", "utf-8"),
                   b"X-Ghi-Chu: Ghi ch\xc3\xba"])
    parsed = parse_message(raw)
    assert parsed.from_name == "Đàm Văn Bảo" and parsed.to == ["ha@x.vn"]
    headers = dict(parsed.headers)
    assert (headers["To"], headers["Subject"], headers["X-Ghi-Chu"]) == ("Đỗ Thị Hà <ha@x.vn>", "Tin bài", "Ghi chú")
