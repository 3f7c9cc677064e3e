"""What makes a file dangerous to open or impossible to open: programs, macros, passwords.

- executable_kind: a program or script, told by content first (PE, ELF,
  Mach-O, Java, Android, Windows shortcut, MSI, shebang), then by the name's
  extension (Windows runs a .js or .vbs whatever is inside), then by script
  markers in text that carries no telling name.
- macro_info: VBA (olevba), Excel 4 macro sheets and OpenDocument Basic.
- is_encrypted_office / is_encrypted_pdf: documents that need a password to open.

Every function is cheap on a large benign file: each looks at magic bytes or a
zip directory first and runs a heavy parser only where it can find something.
"""

from __future__ import annotations

import io
import logging
import re
import struct
import warnings
import zipfile
import zlib
from pathlib import PurePosixPath, PureWindowsPath

import msoffcrypto
import msoffcrypto.format.xls97
import olefile
import pypdf
from pypdf import PasswordType

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
LNK_HEADER = b"\x4c\x00\x00\x00\x01\x14\x02\x00\x00\x00\x00\x00\xc0\x00\x00\x00\x00\x00\x00\x46"
_MACHO = {b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe"}
_FAT = {b"\xca\xfe\xba\xbe", b"\xca\xfe\xba\xbf"}  # also the Java class magic: told apart below
# root CLSIDs of Windows Installer packages, patches and transforms
_MSI_CLSIDS = {
    "000C1084-0000-0000-C000-000000000046",
    "000C1086-0000-0000-C000-000000000046",
    "000C1082-0000-0000-C000-000000000046",
}
_SCAN_BYTES = 512 * 1024  # script markers are looked for in the first half megabyte
_SMALL_PART = 1024 * 1024  # manifests and content-type lists are small

# extension -> script language: Windows or a server runs these whatever is inside
SCRIPT_EXTENSIONS: dict[str, str] = {
    **dict.fromkeys(("js", "jse", "mjs"), "js"),
    **dict.fromkeys(("vbs", "vbe", "vb", "vba"), "vbs"),
    **dict.fromkeys(("ps1", "psm1", "psd1", "ps1xml", "psc1"), "ps1"),
    **dict.fromkeys(("bat", "cmd"), "bat"),
    **dict.fromkeys(("sh", "bash", "zsh", "ksh", "csh", "command"), "sh"),
    **dict.fromkeys(("wsf", "wsh", "wsc", "sct", "ws"), "wsf"),
    **dict.fromkeys(("py", "pyw", "pyz", "pyc"), "python"),
    **dict.fromkeys(("php", "phtml", "php5"), "php"),  # a web shell if it reaches the portal
    **dict.fromkeys(("asp", "aspx", "ashx", "asmx", "jsp", "jspx", "cgi", "pl"), "server"),
    "hta": "hta",
    "reg": "reg",
    "inf": "inf",
    "scf": "scf",
    "rb": "ruby",
}
# extensions of programs, installers and shortcuts
PROGRAM_EXTENSIONS: frozenset[str] = frozenset(
    {
        "exe", "scr", "com", "pif", "dll", "cpl", "sys", "ocx", "drv", "xll", "efi",
        "msi", "msp", "mst", "msc", "msix", "msixbundle", "appx", "appxbundle",
        "application", "appref-ms", "xbap", "gadget", "jar", "jnlp", "class", "apk", "dex",
        "lnk", "url", "website", "settingcontent-ms", "chm", "hlp",
        "elf", "run", "deb", "rpm", "dmg", "pkg", "app",
    }
)  # fmt: skip

# what reading a damaged zip can raise
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    OSError,
    ValueError,
    EOFError,
    NotImplementedError,
    RuntimeError,
)
_TEXT_MAGICS_NOT_SCRIPT = (b"%PDF", b"{\\rtf")  # documents whose text may quote code


# ---------------------------------------------------------------- executables


def executable_kind(data: bytes, filename: str | None) -> str | None:
    """What kind of program or script this is ("pe", "elf", "script:js"…), or None.

    Content wins; then the name ("script:<lang>" or "name:<ext>" for a program
    extension whose content is not a known binary); then script markers in text.
    A document with a wrong but harmless extension (a docx named .doc) is None.
    """
    return _binary_kind(data) or _kind_by_name(filename) or _script_kind(data)


def _binary_kind(data: bytes) -> str | None:
    head = data[:4]
    if head == b"\x7fELF":
        return "elf"
    if head in _MACHO:
        return "macho"
    if head in _FAT and len(data) >= 8:
        # Mach-O universal: a small count of architectures; Java class: major version >= 45
        (n,) = struct.unpack_from(">I", data, 4)
        return "macho" if 0 < n < 45 else "java-class"
    if data.startswith(LNK_HEADER):
        return "lnk"
    if re.match(rb"dex\n\d{3}\x00", data[:8]):
        return "dex"
    if data[:2] == b"MZ":
        return _mz_kind(data)
    if data[:2] == b"#!":
        return _shebang_kind(data)
    if data.startswith(OLE_MAGIC):
        return _ole_program_kind(data)
    if data.startswith(ZIP_MAGIC):
        return _zip_program_kind(data)
    return None


def _mz_kind(data: bytes) -> str | None:
    """A DOS header whose e_lfanew points at a PE (or 16-bit NE/LE/LX) signature."""
    if len(data) < 0x40:
        return None
    (e_lfanew,) = struct.unpack_from("<I", data, 0x3C)
    sig = data[e_lfanew : e_lfanew + 4]
    if sig == b"PE\x00\x00":
        return "pe"
    if sig[:2] in (b"NE", b"LE", b"LX"):
        return "mz"
    return None


def _shebang_kind(data: bytes) -> str | None:
    """'#!/usr/bin/env python3' -> 'script:python'. A '#!' not followed by a path is text."""
    line = data[2:256].split(b"\n", 1)[0].decode("latin-1").strip()
    words = line.split()
    if not words or not words[0].startswith("/"):
        return None
    interp = PurePosixPath(words[0]).name
    if interp == "env":
        rest = [w for w in words[1:] if not w.startswith("-") and "=" not in w]
        interp = rest[0] if rest else "sh"
    interp = re.sub(r"[\d.]+$", "", interp) or "sh"
    if interp in ("bash", "dash", "zsh", "ksh", "csh", "tcsh", "ash", "busybox"):
        interp = "sh"
    if interp in ("node", "nodejs", "deno"):
        interp = "js"
    return f"script:{interp}"


def _ole_program_kind(data: bytes) -> str | None:
    try:
        with olefile.OleFileIO(data) as ole:
            clsid = (ole.root.clsid or "").upper()
    except Exception:  # an algorithm pypdf cannot run: no opening without help either
        return None
    return "msi" if clsid in _MSI_CLSIDS else None


def _zip_program_kind(data: bytes) -> str | None:
    """Java and Android packages and Windows app packages are zips; only the directory is read."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
    except _ZIP_ERRORS:
        return None
    if "AndroidManifest.xml" in names and any(n.endswith(".dex") for n in names):
        return "apk"
    if "META-INF/MANIFEST.MF" in names or any(n.endswith(".class") for n in names):
        return "jar"
    if "AppxManifest.xml" in names or "AppxMetadata/AppxBundleManifest.xml" in names:
        return "msix"
    return None


def file_extension(filename: str | None) -> str | None:
    """The extension as Windows sees it: lower case, trailing dots and spaces dropped."""
    if not filename:
        return None
    name = PureWindowsPath(filename.replace("/", "\\")).name.rstrip(". ")
    if "." not in name:
        return None
    return name.rsplit(".", 1)[1].lower() or None


def _kind_by_name(filename: str | None) -> str | None:
    ext = file_extension(filename)
    if ext is None:
        return None
    if ext in SCRIPT_EXTENSIONS:
        return f"script:{SCRIPT_EXTENSIONS[ext]}"
    if ext in PROGRAM_EXTENSIONS:
        return f"name:{ext}"
    return None


_I = re.IGNORECASE | re.MULTILINE
# Markers of code that runs programs or fetches and runs more code; prose about
# these tools does not write them this way.
_SCRIPT_MARKERS: list[tuple[str, re.Pattern[str]]] = [
    ("hta", re.compile(r"<\s*hta:application\b", _I)),
    ("wsf", re.compile(r"<\s*job\b[^>]*>.{0,2000}?<\s*script\b[^>]*language\s*=", _I | re.DOTALL)),
    ("sct", re.compile(r"<\s*scriptlet\b", _I)),
    ("reg", re.compile(r"\A\ufeff?\s*(?:Windows Registry Editor Version \d|REGEDIT4)", _I)),
    (
        "ps1",
        re.compile(
            r"powershell(?:\.exe)?\b[^\n]{0,200}?\s[-/](?:e|ec|en|enc|enco|encodedcommand|nop|noprofile|w\s+hidden|"
            r"windowstyle\s+hidden|executionpolicy\s+bypass|ep\s+bypass)\b"
            r"|\bInvoke-Expression\b|\bIEX\s*[(\s]\s*[(\[$]|\bNew-Object\s+(?:System\.)?Net\.WebClient\b"
            r"|\.DownloadString\s*\(|\[(?:System\.)?Convert\]::FromBase64String\s*\(|\bSet-ExecutionPolicy\s+(?:Bypass|Unrestricted)\b",
            _I,
        ),
    ),
    (
        "js",
        re.compile(
            r"\bnew\s+ActiveXObject\s*\(|\bWScript\.CreateObject\s*\(|\bGetObject\s*\(\s*[\"']script:"
            r"|\beval\s*\(\s*(?:unescape|atob|String\.fromCharCode)\s*\(",
            _I,
        ),
    ),
    (
        "vbs",
        re.compile(
            r"\bCreateObject\s*\(\s*\"(?:WScript\.Shell|Shell\.Application|Scripting\.FileSystemObject|"
            r"MSXML2\.(?:Server)?XMLHTTP[\d.]*|Microsoft\.XMLHTTP|WinHttp\.WinHttpRequest[\d.]*|ADODB\.Stream)\""
            r"|^\s*On\s+Error\s+Resume\s+Next\s*$|\bWScript\.Shell\b",
            _I,
        ),
    ),
    # "@echo off" as the first command, after blank lines and remarks only
    ("bat", re.compile(r"\A\ufeff?(?:[ \t]*(?:(?:rem\b|::)[^\n]*)?\r?\n)*[ \t]*@?echo[ \t]+off\b", _I)),
]


def _as_text(data: bytes) -> str | None:
    """The start of the data as text, or None when it is binary."""
    sample = data[:_SCAN_BYTES]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return sample.decode("utf-16", errors="replace")
    if b"\x00" in sample[:8192]:
        return None
    return sample.decode("utf-8", errors="replace")


def _script_kind(data: bytes) -> str | None:
    if data.lstrip()[:5].startswith(_TEXT_MAGICS_NOT_SCRIPT):
        return None
    text = _as_text(data)
    if text is None:
        return None
    for lang, pattern in _SCRIPT_MARKERS:
        if pattern.search(text):
            return f"script:{lang}"
    return None


# ---------------------------------------------------------------- macros


def macro_info(data: bytes) -> list[str] | None:
    """Names of the macros and of their dangerous keywords (AutoOpen, Shell…), or None without macros.

    Covers VBA in Word/Excel/PowerPoint 97-2003 and 2007+ (olevba), OOXML
    with a vbaProject part even when olevba cannot parse it, Excel 4 (XLM)
    macro sheets, and Basic or script libraries in OpenDocument files.
    """
    if data.startswith(OLE_MAGIC):
        return _olevba_names(data) or None
    if data.startswith(ZIP_MAGIC):
        return _zip_macros(data) or None
    head = data[:4096].lstrip().lower()
    if head.startswith((b"<?xml", b"mime-version", b"<?mso")) and (
        b"editdata.mso" in data or re.search(rb"vbaproject", data, re.IGNORECASE)
    ):
        # Word 2003 XML and MHTML keep the VBA project as an embedded base64 OLE file
        return _olevba_names(data) or None
    return None


def _zip_macros(data: bytes) -> list[str]:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except _ZIP_ERRORS:
        return []
    with zf:
        names = zf.namelist()
        vba_parts = [n for n in names if n.lower().endswith("vbaproject.bin")]
        vba_parts += [n for n in _declared_vba_parts(zf) if n in names and n not in vba_parts]
        found: list[str] = []
        if _has_ole_part(zf, names):
            # olevba reads every part of the package: only worth it when one is an OLE file
            found += _olevba_names(data)
        if vba_parts and not found:
            found += [PurePosixPath(n).name for n in vba_parts]
        found += [f"XLM:{PurePosixPath(n).stem}" for n in names if n.lower().startswith("xl/macrosheets/")]
        found += _odf_macros(names)
    return list(dict.fromkeys(found))


def _has_ole_part(zf: zipfile.ZipFile, names: list[str]) -> bool:
    """VBA projects, embedded documents and ActiveX controls are OLE files stored as .bin parts.

    Other .bin parts (printer settings of spreadsheets) are not: 8 bytes tell.
    """
    for name in names:
        if not name.lower().endswith(".bin"):
            continue
        try:
            with zf.open(name) as part:
                if part.read(len(OLE_MAGIC)) == OLE_MAGIC:
                    return True
        except _ZIP_ERRORS:
            continue
    return False


def _declared_vba_parts(zf: zipfile.ZipFile) -> list[str]:
    """Parts that [Content_Types].xml declares as VBA projects, whatever they are named."""
    try:
        info = zf.getinfo("[Content_Types].xml")
        if info.file_size > _SMALL_PART:
            return []
        text = zf.read(info).decode("utf-8", errors="replace")
    except (KeyError, *_ZIP_ERRORS):
        return []
    parts = []
    for override in re.findall(r"<Override\b[^>]*>", text):
        if "vbaProject" in override:
            m = re.search(r'PartName\s*=\s*"/?([^"]+)"', override)
            if m:
                parts.append(m.group(1))
    return parts


def _odf_macros(names: list[str]) -> list[str]:
    """OpenDocument Basic modules (Basic/<library>/<module>.xml) and script files (Scripts/…)."""
    index_files = {"script-lc.xml", "script-lb.xml", "dialog-lc.xml", "dialog-lb.xml"}
    found = []
    for n in names:
        p = PurePosixPath(n)
        if n.startswith("Basic/") and p.suffix == ".xml" and p.name not in index_files and len(p.parts) == 3:
            found.append(f"Basic:{p.parts[1]}.{p.stem}")
        elif n.startswith("Scripts/") and not n.endswith("/"):
            found.append(f"Script:{p.name}")
    return found


def _olevba_names(data: bytes) -> list[str]:
    """olevba's view: auto-run and suspicious keywords first, then the module names."""
    vba_parser = _olevba_parser_class()
    try:
        parser = vba_parser("attachment", data=data)
    except Exception:  # an algorithm pypdf cannot run: no opening without help either
        return []
    try:
        if not parser.detect_vba_macros():
            return []
        names: list[str] = []
        for kind, keyword, _description in parser.analyze_macros():
            if kind in ("AutoExec", "Suspicious"):
                names.append(keyword)
        for _filename, _stream, vba_filename, _code in parser.extract_macros():
            names.append(vba_filename)
        return list(dict.fromkeys(names)) or ["VBA"]
    except Exception:  # an algorithm pypdf cannot run: no opening without help either
        return ["VBA"]
    finally:
        parser.close()


def _olevba_parser_class() -> type:
    """olevba's VBA_Parser, imported on first need (it is heavy) and kept quiet.

    Its import warns about pyparsing deprecations, and it logs the parse trouble
    of hostile files at ERROR: the report already says what matters.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from oletools import olevba
    for name in ("olevba", "olefile", "ppt_parser", "xls_parser", "ooxml"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    return olevba.VBA_Parser


# ---------------------------------------------------------------- passwords


def is_encrypted_office(data: bytes) -> bool:
    """True when an Office or OpenDocument file needs a password to be opened.

    Word/Excel/PowerPoint 97-2003 and 2007+ (an encrypted OOXML file is an OLE
    container) through msoffcrypto-tool; an .xls "encrypted" only with Excel's
    built-in default password opens without one and is not counted.
    OpenDocument: an encryption-data entry in META-INF/manifest.xml.
    """
    if data.startswith(OLE_MAGIC):
        return _ole_encrypted(data)
    if data.startswith(ZIP_MAGIC):
        return _odf_encrypted(data)
    return False


def _ole_encrypted(data: bytes) -> bool:
    try:
        office = msoffcrypto.OfficeFile(io.BytesIO(data))
        if not office.is_encrypted():
            return False
    except Exception:  # an algorithm pypdf cannot run: no opening without help either
        return False
    if isinstance(office, msoffcrypto.format.xls97.Xls97File):
        try:
            office.load_key(password="VelvetSweatshop")  # Excel's default: opens with no prompt
            return False
        except Exception:  # wrong key or unsupported method: a real password
            return True
    return True


def _odf_encrypted(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            info = zf.getinfo("META-INF/manifest.xml")
            if info.file_size > _SMALL_PART:
                return False
            manifest = zf.read(info)
    except (KeyError, *_ZIP_ERRORS):
        return False
    return b"encryption-data" in manifest


_PDF_ENCRYPT = re.compile(rb"/Encrypt\s*(?:\d+\s+\d+\s+R|<<)")


def is_encrypted_pdf(data: bytes) -> bool:
    """True when the PDF needs a password to be opened.

    A PDF with only an owner password (restrictions on printing or copying)
    opens with the empty user password and is not counted.
    """
    if b"%PDF" not in data[:1024]:
        return False
    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if not reader.is_encrypted:
            return False
    except Exception:  # an algorithm pypdf cannot run: no opening without help either
        return bool(_PDF_ENCRYPT.search(data))
    try:
        return reader.decrypt("") == PasswordType.NOT_DECRYPTED
    except Exception:  # an algorithm pypdf cannot run: no opening without help either
        return True
