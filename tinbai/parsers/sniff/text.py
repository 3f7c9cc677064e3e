"""Text sniffing: whether a file is text in some encoding, and then html, xml, svg, a script or plain text."""

from __future__ import annotations

import codecs
import re

from tinbai.parsers.sniff.names import canonical_type

# text control bytes that never occur in prose (TAB LF VT FF CR and ESC, SUB allowed)
CONTROL = frozenset(range(0x09)) | frozenset(range(0x0E, 0x1A)) | {0x1C, 0x1D, 0x1E, 0x1F, 0x7F}
SAMPLE = 65536


def decode_sample(sample: bytes) -> str | None:
    """The sample as text if it is text in some encoding, else None.

    Knows the BOMs, UTF-16 without a BOM (the NUL pattern of mostly-Latin text),
    UTF-8, and single-byte text (windows-1258, or TCVN3/VNI bytes) where no
    control bytes occur.
    """
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe\0\0", "utf-32-le"), (b"\0\0\xfe\xff", "utf-32-be"),
                       (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if sample.startswith(bom):
            return _clean_text(sample[len(bom):], codec)
    utf16 = _utf16_without_bom(sample)
    if utf16:
        return _clean_text(sample, utf16)
    if b"\0" in sample:
        return None
    text = _clean_text(sample, "utf-8")
    if text is not None:
        return text
    high = sum(1 for b in sample if b >= 0x80)
    if high > len(sample) // 2:
        return None
    return _clean_text(sample, "latin-1")


def _utf16_without_bom(sample: bytes) -> str | None:
    n = len(sample) // 2 * 2
    if n < 4:
        return None
    even_zero = sample[0:n:2].count(0) / (n // 2)
    odd_zero = sample[1:n:2].count(0) / (n // 2)
    # NFD Vietnamese puts U+0300 (low byte 0) in a few percent of the units
    if odd_zero >= 0.5 and even_zero <= 0.1:
        return "utf-16-le"
    if even_zero >= 0.5 and odd_zero <= 0.1:
        return "utf-16-be"
    return None


def _clean_text(raw: bytes, codec: str) -> str | None:
    try:
        # incremental: a multi-byte character cut by the end of the sample is fine
        text = codecs.getincrementaldecoder(codec)("strict").decode(raw, final=False)
    except UnicodeDecodeError:
        return None
    controls = sum(1 for c in text if ord(c) < 0x80 and ord(c) in CONTROL)
    if controls > max(1, len(text) // 100):
        return None
    return text


_HTML_MARKERS = ("<!doctype html", "<html", "<head", "<body", "<meta ", "<title", "<table", "<div",
                 "<p>", "<p ", "<br", "<h1", "<h2", "<a href", "<font", "<span", "<style", "<script", "<img ",
                 "<ul", "<ol", "<li>", "<b>", "<i>", "<strong", "<center")
_SCRIPT_OPENERS = re.compile(
    r"^(#!|@echo\s+o(ff|n)|echo\s+off|<job\b|<package\b|<\?php|option\s+explicit|on\s+error\s+resume\s+next"
    r"|'use strict'|\"use strict\"|param\s*\(|\[cmdletbinding|import\s+\w|from\s+\w+\s+import\b)",
    re.IGNORECASE,
)
# one regular expression per family of code lines; prose lines match none of them
_CODE_LINE = re.compile(
    r"""(
      \)\s*;\s*$ | ^\s*[\w.$\[\]'"]+\s*[-+*/.|&]?=\s*[^=].*;\s*$ | [{}]\s*$ | ^\s*[{}]
    | ^\s*(var|let|const|function|return|if|else|for|while|try|catch|switch|case|new)\b.*[{};,)]\s*$
    | ^\s*(dim\s+\w+|set\s+\w+\s*=|sub\s+\w+\s*\(|end\s+(sub|function|if)\s*$|private\s+sub\s+\w+
        |call\s+\w+\s*(\(|$)|wscript\.\w+)
    | ^\s*(rem\b|::|@echo\b|echo\s+off\b|set\s+/?\w+=|goto\s+:?\w+\s*$|if\s+(not\s+)?(exist|errorlevel)\b
        |start\s+""|call\s+:\w+)
    | ^\s*\$\w+\s*=|^\s*(invoke-\w+|new-object\b|start-process\b|(get|set)-[a-z]+\b|iex\b|\[system\.)
    | ^\s*(def\s+\w+\s*\(|class\s+\w+.*:\s*$|import\s+[\w.]+\s*$|from\s+[\w.]+\s+import\b|export\s+\w+=
        |fi$|done$|then$|do$|esac$)
    )""",
    re.IGNORECASE | re.VERBOSE,
)


# calls that only malicious or administrative scripts make; prose does not quote them line after line
_STRONG = re.compile(
    r"""\b(activexobject|wscript\.shell|createobject\s*\(|shell\.application|scripting\.filesystemobject
    |adodb\.stream|downloadstring|downloadfile|frombase64string|-encodedcommand|invoke-expression|eval\s*\(
    |document\.write\s*\(|msxml2\.xmlhttp|winmgmts:|powershell(\.exe)?\s+-|net\.webclient|cmd(\.exe)?\s+/c)""",
    re.IGNORECASE | re.VERBOSE,
)


def text_kind(text: str, ext: str | None) -> str:
    head = text.lstrip("\ufeff \t\r\n")[:2048]
    low = head.lower()
    if low.startswith("<"):
        whole = text[:SAMPLE].lower()
        if "<hta:application" in whole:
            return "script"  # an HTML Application runs with the user's full rights
        if "<svg" in low:
            return "svg"
        if low.startswith("<?xml") and ("<job" in low or "<package" in low) and "<script" in whole:
            return "script"  # Windows Script File (.wsf)
        if low.startswith("<?xml"):
            # XML vocabularies reuse tag names (<TitlesOfParts>, <table:table>): only XHTML is html
            xhtml = "<html" in low or "<!doctype html" in low or "/1999/xhtml" in low
            return "html" if xhtml else "xml"
        if any(m in low for m in _HTML_MARKERS):
            return "html"
        if re.match(r"<[a-z][a-z0-9]*[\s>/]", low) and "</" in low:
            return "html"  # a fragment of markup without the usual document tags
    if _looks_like_script(text):
        return "script"
    if canonical_type(ext) == "script":
        return "script"  # Windows runs it by its name; its content is text an interpreter reads
    if any(m in low[:512] for m in ("<!doctype html", "<html")):
        return "html"
    return "txt"


def _looks_like_script(text: str) -> bool:
    lines = [ln.strip() for ln in text[:SAMPLE].splitlines() if ln.strip()][:400]
    if not lines:
        return False
    if _SCRIPT_OPENERS.match(lines[0]):
        return True
    code = sum(1 for ln in lines if _CODE_LINE.search(ln))
    strong = sum(1 for ln in lines if _STRONG.search(ln))
    # prose sometimes ends a line with ";" or quotes a command; in code such lines are the rule
    return (code >= 2 and code >= 0.6 * len(lines)) or (strong >= 1 and code + strong >= 0.5 * len(lines))

