"""MIME built by hand, wrong the ways real mail is: hypothesis strategies for the fuzzing tests.

Nested multiparts (missing closing boundaries, boundaries inside bodies), odd or unknown charsets
and transfer encodings (broken base64, uuencode), headers folded anywhere, RFC 2047 words broken
in the middle, huge and numerous headers; attachments that begin with a real magic number
followed by random bytes, and real files with bytes flipped, cut or spliced. Used by
tests/test_fuzz_mime.py (whole checks) and tests/message/test_mime_eol.py (the MIME parser alone).
"""

from __future__ import annotations

import base64
import binascii
import io
import quopri
import zipfile
from functools import cache

from hypothesis import strategies as st

from tinbai.demo_samples import docx, pdf_document, photo

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
