"""Programs and scripts: told by content first, then by the name's extension, then by script markers in text."""

from __future__ import annotations

import io
import re
import struct
import zipfile
from pathlib import PurePosixPath, PureWindowsPath

import olefile

from tinbai.parsers.danger.containers import OLE_MAGIC, ZIP_ERRORS, ZIP_MAGIC

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

_TEXT_MAGICS_NOT_SCRIPT = (b"%PDF", b"{\\rtf")  # documents whose text may quote code


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
    except ZIP_ERRORS:
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
