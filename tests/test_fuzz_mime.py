"""Fuzzing pipeline.check with hypothesis: whatever the bytes of a message, it returns a report
(never raises) whose JSON the queue can store, and within its limits (time per file).

Strategies build MIME by hand, so that they can be wrong the ways real mail is: nested
multiparts (missing closing boundaries, boundaries inside bodies), odd or unknown charsets and
transfer encodings (broken base64, uuencode), headers folded anywhere, RFC 2047 words broken
in the middle, huge and numerous headers; attachments that begin with a real magic number
(PDF, ZIP/OOXML, JPEG, PNG, GIF, OLE, RAR, 7z, gzip, RTF, MZ…) followed by random bytes, and
real files (docx, PDF, JPEG, ZIP) with bytes flipped, cut or spliced.

In the suite the examples are few and fixed (derandomized): the suite stays quick and never
fails on a new random draw. TINBAI_FUZZ_EXAMPLES=2000 explores at random, e.g.
    TINBAI_FUZZ_EXAMPLES=2000 .venv/bin/python -m pytest tests/test_fuzz_mime.py -p no:timeout
Coverage-guided fuzzing with atheris is fuzz/check_target.py (run briefly by
tests/test_fuzz_atheris.py); what it found is kept below as fixed cases.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import os
import quopri
import time
import zipfile
from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import make_config, news_email
from tinbai.calendar import WorkCalendar
from tinbai.extract.analyse import Analyser
from tinbai.pipeline import check
from tinbai.report import CheckReport

VN = ZoneInfo("Asia/Ho_Chi_Minh")
EXPLORE = int(os.environ.get("TINBAI_FUZZ_EXAMPLES", "0"))
SECONDS_PER_FILE = 5.0  # the profile's per-file limit for these runs (the shipped one is 30)
# a report for a message with n files must come within n per-file limits plus this much of
# our own work (MIME parsing, rules) even on a busy 2-core machine
OWN_SECONDS = 20.0

pytestmark = pytest.mark.timeout(0 if EXPLORE else 600)


def fuzz_settings(examples: int) -> settings:
    return settings(max_examples=EXPLORE or examples, derandomize=not EXPLORE, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])


# ----- what the messages are made of ---------------------------------------------------------------

MAGIC = {
    "pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n",
    "zip": b"PK\x03\x04\x14\x00\x00\x00\x08\x00",
    "docx": b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml",
    "jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00",
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x10\x00\x00\x00\x10\x00\x08\x02\x00\x00\x00",
    "gif": b"GIF89a\x10\x00\x10\x00\x80\x00\x00",
    "doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00\x00\x00\x00\x00\x00\x00",
    "rar": b"Rar!\x1a\x07\x01\x00",
    "7z": b"7z\xbc\xaf\x27\x1c\x00\x04",
    "gz": b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03",
    "rtf": b"{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 Times;}}",
    "exe": b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff",
    "mp4": b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom",
    "mp3": b"ID3\x04\x00\x00\x00\x00\x00\x00\xff\xfb\x90",
    "wav": b"RIFF\x24\x08\x00\x00WAVEfmt ",
    "tif": b"II*\x00\x08\x00\x00\x00",
    "odt": b"PK\x03\x04\x14\x00\x00\x08\x00\x00mimetypeapplication/vnd.oasis.opendocument.text",
}
NAMES = ["tin bài.docx", "Báo cáo.pdf", "ảnh 1.jpg", "a.zip", "scan.png", "x.doc", "v.rar", "b.7z", "c.rtf",
         "setup.exe", "clip.mp4", "noname", "", "../../etc/passwd", "a" * 300 + ".pdf", "tệp.tar.gz", "Quyết định.odt"]
CHARSETS = ["utf-8", "UTF-8", "windows-1258", "iso-8859-1", "us-ascii", "utf-16", "utf-7", "koi8-r", "gb2312",
            "x-unknown", "", "utf-8\"", "tcvn3", "vni-win", "cp1252", "iso-2022-jp", "utf-32"]
ENCODINGS = ["7bit", "8bit", "binary", "base64", "quoted-printable", "x-uuencode", "BASE64 ", "bogus", ""]
VIETNAMESE = st.text(alphabet=st.sampled_from(list("aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệ"
                                                    "íìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ ĐĂÂÊÔƠƯ\n\t.,;:!?\"'()")),
                     max_size=300)
ANY_TEXT = st.one_of(VIETNAMESE, st.text(max_size=200))


@cache
def real_files() -> dict[str, bytes]:
    """Real files made by the libraries that make them, to be mutated."""
    from tinbai.demo_samples import docx, pdf_document, photo

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("tin.txt", "Hội nghị tổng kết công tác năm 2025".encode())
        z.writestr("thư mục/ảnh.jpg", photo(3, (64, 48)))
    return {"docx": docx(["Kính gửi Ban Biên tập", "Hội nghị tổng kết"]),
            "pdf": pdf_document(["Báo cáo kết quả", "Ngày 12/3/2026"]),
            "jpg": photo(1, (160, 120)), "zip": buf.getvalue()}


@st.composite
def mutated(draw) -> bytes:
    """A real file with a few bytes flipped, a piece cut out, or cut short."""
    data = bytearray(real_files()[draw(st.sampled_from(sorted(real_files())))])
    for _ in range(draw(st.integers(0, 8))):
        i = draw(st.integers(0, len(data) - 1))
        data[i] = draw(st.integers(0, 255))
    how = draw(st.sampled_from(["flip", "truncate", "splice", "duplicate"]))
    if how == "truncate":
        data = data[: draw(st.integers(1, len(data)))]
    elif how == "splice":
        a = draw(st.integers(0, len(data)))
        b = draw(st.integers(a, min(len(data), a + 4096)))
        data[a:b] = draw(st.binary(max_size=64))
    elif how == "duplicate":
        a = draw(st.integers(0, len(data)))
        data[a:a] = data[: draw(st.integers(0, 2048))]
    return bytes(data)


ATTACHMENT_BYTES = st.one_of(
    st.builds(lambda magic, tail: magic + tail, st.sampled_from(sorted(MAGIC.values())), st.binary(max_size=3000)),
    mutated(),
    st.binary(max_size=2000),
)


def encode_word(draw, text: str) -> str:
    """An RFC 2047 encoded word, sometimes broken (cut, wrong charset, bad base64)."""
    charset = draw(st.sampled_from(["utf-8", "windows-1258", "x-bogus", "iso-8859-1"]))
    data = text.encode("utf-8", "surrogatepass")
    kind = draw(st.sampled_from(["B", "Q", "b", "X"]))
    payload = base64.b64encode(data).decode() if kind in "Bb" else quopri.encodestring(data).decode().replace(" ", "_")
    word = f"=?{charset}?{kind}?{payload}?="
    if draw(st.booleans()):
        word = word[: draw(st.integers(0, len(word)))]
    return word


@st.composite
def header_value(draw, name: str) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        text = draw(ANY_TEXT)
        parts.append(encode_word(draw, text) if draw(st.booleans()) else text)
    value = " ".join(parts)
    value = value.replace("\r", " ").replace("\n", " ")
    if draw(st.booleans()):  # folded at random places (with the leading whitespace of a continuation)
        cuts = sorted(draw(st.lists(st.integers(0, len(value)), max_size=6)))
        pieces, last = [], 0
        for c in cuts:
            pieces.append(value[last:c])
            last = c
        pieces.append(value[last:])
        value = "\r\n ".join(pieces)
    return value


def transfer_encode(draw, data: bytes, encoding: str) -> bytes:
    enc = encoding.strip().lower()
    if enc == "base64":
        out = base64.encodebytes(data)
        if draw(st.integers(0, 4)) == 0:  # broken: characters outside the alphabet, lost padding
            out = out.replace(b"=", b"").replace(b"A", b"*", 3)
        return out
    if enc == "quoted-printable":
        out = quopri.encodestring(data)
        return out + (b"=Z9=" if draw(st.booleans()) else b"")
    if enc == "x-uuencode":
        lines = [b"begin 644 file"]
        for i in range(0, len(data), 45):
            lines.append(binascii.b2a_uu(data[i:i + 45]).rstrip(b"\n"))
        return b"\n".join(lines + [b"`", b"end"]) + b"\n"
    return data


@st.composite
def leaf(draw) -> bytes:
    kind = draw(st.sampled_from(["text", "html", "attachment", "attachment", "rfc822"]))
    charset = draw(st.sampled_from(CHARSETS))
    encoding = draw(st.sampled_from(ENCODINGS))
    headers: list[str] = []
    if kind in ("text", "html"):
        text = draw(VIETNAMESE)
        if kind == "html":
            text = f"<html><body><p>{text}</p><script>x</script><table><tr><td>{text[:20]}</td></tr></body>"
        try:
            data = text.encode(charset or "utf-8", "replace")
        except (LookupError, UnicodeError):
            data = text.encode("utf-8")
        headers.append(f"Content-Type: text/{'html' if kind == 'html' else 'plain'}; charset=\"{charset}\"")
    elif kind == "attachment":
        data = draw(ATTACHMENT_BYTES)
        name = draw(st.sampled_from(NAMES))
        ctype = draw(st.sampled_from(["application/octet-stream", "application/pdf", "image/jpeg", "text/plain",
                                      "application/msword", "application/zip", "video/mp4", "bogus"]))
        style = draw(st.sampled_from(["plain", "2231", "2047", "raw-utf8", "none"]))
        if style == "plain":
            disp = f'attachment; filename="{name}"'
        elif style == "2231":
            disp = "attachment; filename*=utf-8''" + "".join(f"%{b:02X}" for b in name.encode())
        elif style == "2047":
            disp = f'attachment; filename="{encode_word(draw, name)}"'
        elif style == "raw-utf8":
            disp = f'attachment; filename="{name}"'  # 8-bit in a header, as some clients send it
        else:
            disp = "inline"
        headers += [f"Content-Type: {ctype}; name=\"{name}\"", f"Content-Disposition: {disp}"]
        encoding = draw(st.sampled_from(["base64", "base64", "quoted-printable", "binary", "x-uuencode", "7bit"]))
    else:
        data = draw(message_bytes(depth=2))
        headers.append("Content-Type: message/rfc822")
        encoding = draw(st.sampled_from(["7bit", "8bit", "base64"]))
    headers.append(f"Content-Transfer-Encoding: {encoding}")
    body = transfer_encode(draw, data, encoding)
    return ("\r\n".join(headers)).encode("utf-8", "surrogatepass") + b"\r\n\r\n" + body


@st.composite
def mime_part(draw, depth: int = 0) -> bytes:
    if depth >= 4 or draw(st.integers(0, 2)) == 0:
        return draw(leaf())
    boundary = draw(st.sampled_from(["b1", "==x==", "----=_Part_0_1", "a b", "é", "--", "b1"])) + str(depth)
    subtype = draw(st.sampled_from(["mixed", "alternative", "related", "digest", "report", "signed", "x-odd"]))
    children = draw(st.lists(mime_part(depth=depth + 1), min_size=0, max_size=4))
    out = f'Content-Type: multipart/{subtype}; boundary="{boundary}"\r\n\r\npreamble\r\n'.encode()
    for child in children:
        out += f"--{boundary}\r\n".encode() + child + b"\r\n"
    if draw(st.integers(0, 3)):  # sometimes the closing boundary is missing
        out += f"--{boundary}--\r\nepilogue\r\n".encode()
    return out


@st.composite
def message_bytes(draw, depth: int = 0) -> bytes:
    headers = [
        f"From: {draw(header_value('From'))} <{draw(st.sampled_from(['hoa.nt@thads-thainguyen.example.vn', 'x@y', '', '<>', 'a@b.c']))}>",
        "To: thainguyen@moj.gov.vn",
        f"Subject: {draw(header_value('Subject'))}",
        f"Date: {draw(st.sampled_from(['Tue, 28 Apr 2026 09:00:00 +0700', 'yesterday', '', 'Mon, 31 Feb 2026 25:61:00 +9999']))}",
        f"Message-ID: <{draw(st.text(alphabet='abc123@.<>', max_size=30))}>",
    ]
    if draw(st.integers(0, 5)) == 0:  # a huge header, or very many of them
        if draw(st.booleans()):
            headers.append("Subject: " + "Hội nghị " * draw(st.integers(1000, 12000)))
        else:
            headers += [f"Received: from relay{i}.example.vn by mx; Tue, 28 Apr 2026 09:00:00 +0700"
                        for i in range(draw(st.integers(100, 3000)))]
    if draw(st.booleans()):
        headers.append("MIME-Version: 1.0")
    head = "\r\n".join(headers).encode("utf-8", "surrogatepass")
    body = draw(mime_part(depth=depth)) if depth < 3 else draw(leaf())
    return head + b"\r\n" + body


# ----- the properties --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    cfg = make_config(tmp_path_factory.mktemp("fuzz"))
    profile = cfg.profile("thainguyen-thads")
    profile = profile.model_copy(update={"limits": profile.limits.model_copy(update={"seconds_per_file":
                                                                                    SECONDS_PER_FILE})})
    analyser = Analyser()  # one set of parser workers for every example, as in the daemon
    yield profile, WorkCalendar.for_profile(profile, cfg), analyser
    analyser.close()


def files_in(raw: bytes) -> int:
    return raw.count(b"Content-Disposition") + raw.count(b"name=") + raw.count(b"message/rfc822") + 1


def checked(setup, raw: bytes) -> CheckReport:
    profile, calendar, analyser = setup
    started = time.monotonic()
    report = check(raw, profile, datetime(2026, 4, 28, 10, 0, tzinfo=VN), calendar=calendar, analyser=analyser)
    took = time.monotonic() - started
    assert isinstance(report, CheckReport)
    json.dumps(report.to_dict(), ensure_ascii=False)  # what the queue stores
    assert report.verdict
    # within its limits: every file is cut off at its per-file limit; the rest is our own work
    assert took < files_in(raw) * SECONDS_PER_FILE + OWN_SECONDS, f"{took:.1f} s for {len(raw)} bytes"
    return report


@fuzz_settings(40)
@given(raw=message_bytes())
def test_any_mime_structure_gives_a_report(setup, raw: bytes) -> None:
    checked(setup, raw)


@fuzz_settings(40)
@given(data=ATTACHMENT_BYTES, name=st.sampled_from(NAMES))
def test_any_attachment_bytes_give_a_report(setup, data: bytes, name: str) -> None:
    from tinbai.demo_samples import email

    raw = email(sender="Nguyễn Thị Hoa <hoa.nt@thads-thainguyen.example.vn>", to="thainguyen@moj.gov.vn",
                subject="Gửi tin", body="Kính gửi Ban Biên tập", date=datetime(2026, 4, 28, 9, 0, tzinfo=VN),
                attachments=[(name or "noname", "application/octet-stream", data)])
    report = checked(setup, raw)
    assert report.attachments  # the file is in the report, read or not


@fuzz_settings(25)
@given(data=st.data())
def test_a_real_message_with_bytes_flipped_or_cut_gives_a_report(setup, data) -> None:
    raw = bytearray(base_message())
    for _ in range(data.draw(st.integers(1, 30))):
        i = data.draw(st.integers(0, len(raw) - 1))
        raw[i] = data.draw(st.integers(0, 255))
    if data.draw(st.booleans()):
        raw = raw[: data.draw(st.integers(0, len(raw)))]
    checked(setup, bytes(raw))


@cache
def base_message() -> bytes:
    return news_email(7)


def test_pathological_headers_are_bounded(setup) -> None:
    """The worst of the strategies' shapes, always run: a 1 MB Subject, 20,000 headers, 200 nested
    multiparts (parsed in the daemon's own process, not in a worker)."""
    head = b"From: a@b.vn\r\nSubject: " + "Hội nghị ".encode() * 100_000 + b"\r\n"
    checked(setup, head + b"\r\nx\r\n")
    many = b"".join(b"X-H%d: v\r\n" % i for i in range(20_000))
    checked(setup, b"From: a@b.vn\r\n" + many + b"\r\nbody\r\n")
    nested = b"".join(b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i) for i in range(200))
    checked(setup, b"From: a@b.vn\r\nMIME-Version: 1.0\r\n" + nested + b"Content-Type: text/plain\r\n\r\nend\r\n")


def test_what_atheris_found_gives_a_report(setup) -> None:
    """Inputs that made check raise before they were fixed (fuzz/check_target.py found them)."""
    # a year of 58 digits: email.utils.parsedate_to_datetime raised OverflowError
    date = b"Date: Tue, 28 Apr 2023333333333333333333333333333333333333333333333333333336 08:30:00 +0700\r\n"
    report = checked(setup, b"From: a@b.vn\r\nSubject: tin\r\n" + date + b"\r\nx\r\n")
    assert report.received_at == datetime(2026, 4, 28, 10, 0, tzinfo=VN)  # the Date said nothing usable
