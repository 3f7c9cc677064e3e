"""Builders of hostile files shared by the tests (test_archive, test_danger, test_hostile).

Every file here is a real file of its format, written with the library that writes
such files (zipfile, pypdf) or byte by byte from the format's description where no
library writes that kind of damage: a ZIP with traditional PKWARE encryption
(APPNOTE 6.1), PDFs whose structure makes a parser loop or recurse (ISO 32000), a PNG
that declares more pixels than a worker may hold in memory.
"""

from __future__ import annotations

import io
import os
import struct
import zipfile
import zlib

import pypdf

MiB = 1024 * 1024


# ------------------------------------------------------------------ archives


def make_zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def zeros_zip(name: str, size: int) -> bytes:
    """A deflated member of `size` zero bytes, written in 1 MiB chunks to keep test memory low."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf, zf.open(name, "w") as out:
        chunk = bytes(MiB)
        for _ in range(size // MiB):
            out.write(chunk)
    return buf.getvalue()


def nested_zip(levels: int) -> bytes:
    """tin.txt in a zip, that zip in lop0.zip, … `levels` zips around the first one."""
    data = make_zip({"tin.txt": b"noi dung"})
    for i in range(levels):
        data = make_zip({f"lop{i}.zip": data})
    return data


def _crc_byte(crc: int, byte: int) -> int:
    """One step of the raw CRC-32 update (no pre/post inversion), as APPNOTE 6.1.5 uses it."""
    return ~zlib.crc32(bytes([byte]), ~crc & 0xFFFFFFFF) & 0xFFFFFFFF


class _PkwareKeys:
    def __init__(self, password: bytes) -> None:
        self.k0, self.k1, self.k2 = 0x12345678, 0x23456789, 0x34567890
        for b in password:
            self.update(b)

    def update(self, byte: int) -> None:
        self.k0 = _crc_byte(self.k0, byte)
        self.k1 = ((self.k1 + (self.k0 & 0xFF)) * 134775813 + 1) & 0xFFFFFFFF
        self.k2 = _crc_byte(self.k2, self.k1 >> 24)

    def encrypt(self, plain: bytes) -> bytes:
        out = bytearray()
        for p in plain:
            temp = (self.k2 | 2) & 0xFFFF
            out.append(p ^ (((temp * (temp ^ 1)) >> 8) & 0xFF))
            self.update(p)
        return bytes(out)


def encrypted_zip(members: dict[str, bytes], password: bytes) -> bytes:
    """A ZIP whose stored members are encrypted with traditional PKWARE encryption (what
    `zip -P` and Windows' "add a password" write); zipfile reads it back with the password."""
    local, central = io.BytesIO(), io.BytesIO()
    dos_time, dos_date = 0x6000, 0x5A9C  # 12:00, 28 April 2025
    for name, data in members.items():
        crc = zlib.crc32(data)
        keys = _PkwareKeys(password)
        header = os.urandom(11) + bytes([crc >> 24])  # the last byte checks the password
        payload = keys.encrypt(header + data)
        raw_name = name.encode()
        flags = 0x0001 | 0x0800  # encrypted, UTF-8 name
        offset = local.tell()
        local.write(struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, flags, 0, dos_time, dos_date, crc,
                                len(payload), len(data), len(raw_name), 0) + raw_name + payload)
        central.write(struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, flags, 0, dos_time, dos_date,
                                  crc, len(payload), len(data), len(raw_name), 0, 0, 0, 0, 0, offset) + raw_name)
    cd = central.getvalue()
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(members), len(members), len(cd), local.tell(), 0)
    return local.getvalue() + cd + end


# ------------------------------------------------------------------ PDF


def blank_pdf(**encrypt: str) -> bytes:
    """One blank A4 page (pypdf); encrypt=dict(user_password=…, owner_password=…) adds RC4-128."""
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if encrypt:
        writer.encrypt(algorithm="RC4-128", **encrypt)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def build_pdf(objects: dict[int, bytes], root: int = 1) -> bytes:
    """A PDF from numbered object bodies, with a correct cross-reference table and trailer."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for num in sorted(objects):
        offsets[num] = out.tell()
        out.write(b"%d 0 obj\n%s\nendobj\n" % (num, objects[num]))
    xref = out.tell()
    size = max(objects) + 1
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
    for num in range(1, size):
        out.write(b"%010d 00000 n \n" % offsets[num] if num in offsets else b"0000000000 65535 f \n")
    out.write(b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, root, xref))
    return out.getvalue()


def pdf_stream(data: bytes, dictionary: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n%s\nendstream" % (len(data), dictionary, data)


PDF_TEXT = b"BT /F1 12 Tf 72 720 Td (Tin hoi nghi tong ket cong tac nam 2025) Tj ET"
_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def _page_objects(contents: bytes, xobjects: bytes = b"") -> dict[int, bytes]:
    resources = b"<< /Font << /F1 5 0 R >> " + (b"/XObject << " + xobjects + b" >> " if xobjects else b"") + b">>"
    return {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources " + resources + b" /Contents 4 0 R >>",
        4: pdf_stream(contents),
        5: _FONT,
    }


def pdf_form_bomb(depth: int = 40) -> bytes:
    """"Billion laughs" in PDF: form XObject n draws form n+1 twice, `depth` levels deep, so one
    page asks for 2**depth drawings of the last form. No object refers to itself, so guards
    against direct recursion do not stop it; pdfium works at it for ever."""
    objects = _page_objects(PDF_TEXT + b" /X Do", b"/X 10 0 R")
    form = b"/Type /XObject /Subtype /Form /BBox [0 0 595 842] "
    for level in range(depth):
        num = 10 + level
        if level == depth - 1:
            objects[num] = pdf_stream(PDF_TEXT, form + b"/Resources << /Font << /F1 5 0 R >> >> ")
        else:
            objects[num] = pdf_stream(b"/X Do /X Do", form + b"/Resources << /XObject << /X %d 0 R >> >> " % (num + 1))
    return build_pdf(objects)


def pdf_self_length() -> bytes:
    """A content stream whose /Length is a reference to the stream object itself: resolving the
    length means parsing the object, which means resolving the length…"""
    objects = _page_objects(PDF_TEXT)
    objects[4] = b"<< /Length 4 0 R >>\nstream\n" + PDF_TEXT + b"\nendstream"
    return build_pdf(objects)


def pdf_page_tree_cycle() -> bytes:
    """A page tree whose /Kids lead back to the root (2 -> 6 -> 2), besides one real page."""
    objects = _page_objects(PDF_TEXT)
    objects[2] = b"<< /Type /Pages /Kids [6 0 R 3 0 R] /Count 1 >>"
    objects[6] = b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>"
    return build_pdf(objects)


def pdf_flate_bomb(size: int) -> bytes:
    """A page whose content stream is FlateDecode of `size` bytes of "q Q " (~1000:1): a PDF of
    about size/1000 bytes that a reader must inflate whole before it can draw the page."""
    comp = zlib.compressobj(9)
    block = b"q Q " * (2 * MiB)
    parts = [comp.compress(block) for _ in range(size // len(block))]
    parts.append(comp.flush())
    objects = _page_objects(b"")
    objects[4] = pdf_stream(b"".join(parts), b"/Filter /FlateDecode ")
    return build_pdf(objects)


# ------------------------------------------------------------------ pictures


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def huge_png(width: int, height: int, rows: int | None = None) -> bytes:
    """A valid black RGB PNG of width x height, compressed ~1000:1 (written block of rows by
    block, never held whole): a few hundred KB that decode to width*height*4 bytes in Pillow.
    rows: write only that many rows (a file that declares its size and is cut short)."""
    row = bytes(1 + width * 3)  # filter byte "none", then black pixels
    rows_per_block = max(1, 8 * MiB // len(row))
    comp = zlib.compressobj(9)
    parts = []
    left = height if rows is None else rows
    while left:
        n = min(rows_per_block, left)
        parts.append(comp.compress(row * n))
        left -= n
    parts.append(comp.flush())
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8 bits, truecolour
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", b"".join(parts))
            + _png_chunk(b"IEND", b""))


# ------------------------------------------------------------------ programs


def synthetic_pe() -> bytes:
    """A DOS stub whose e_lfanew points at a PE header for a 64-bit image: no code at all."""
    data = bytearray(1024)
    data[0:2] = b"MZ"
    struct.pack_into("<I", data, 0x3C, 0x80)
    data[0x80:0x84] = b"PE\x00\x00"
    struct.pack_into("<HH", data, 0x84, 0x8664, 0)  # machine AMD64, no sections
    return bytes(data)
