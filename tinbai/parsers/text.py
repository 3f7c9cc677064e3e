"""Plain text, HTML, XML and RTF: finding the character encoding, then the text.

Vietnamese files come in UTF-8 (with or without a BOM), UTF-16 (Notepad's
"Unicode"), windows-1258 (which writes tones as combining marks after the
vowel, so the result is normalised to NFC), or legacy TCVN3/VNI bytes shown
through a Western code page. The last case is decoded as windows-1252 with the
five bytes that code page leaves undefined kept as their Latin-1 characters, so
every byte survives for tinbai.parsers.vietnamese to map back.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

import lxml.html
from charset_normalizer import from_bytes
from lxml import etree
from striprtf.striprtf import font_table_group, rtf_to_text

from tinbai.parsers.facts import FileFacts, ParseLimits
from tinbai.parsers.formats import parse_xml, unique

# ---------------------------------------------------------------- decoding

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# windows-1252 for 0x80-0x9F where defined, Latin-1 (byte value) elsewhere
_CP1252_C1 = {b: bytes([b]).decode("cp1252", "ignore") or chr(b) for b in range(0x80, 0xA0)}
_LATIN1_TO_CP1252 = str.maketrans({chr(b): c for b, c in _CP1252_C1.items()})

_VN_VOWELS = set("aăâeêioôơuưyAĂÂEÊIOÔƠUƯY")
_CP1258_TONES = set("\u0300\u0301\u0303\u0309\u0323")
# encodings charset-normalizer may name that a Western code page cannot stand in for
_MULTIBYTE = re.compile(r"^(utf|big5|gb|hz|shift_jis|cp932|cp949|cp950|euc|iso2022|johab|cp1361)", re.IGNORECASE)


def _keep_bytes(name: str) -> None:
    """An error handler that maps an undecodable byte to its Latin-1 character."""

    def handler(err: UnicodeDecodeError) -> tuple[str, int]:
        return "".join(chr(b) for b in err.object[err.start:err.end]), err.end

    codecs.register_error(name, handler)


KEEP_BYTES = "tinbai-keep-bytes"
_keep_bytes(KEEP_BYTES)


def western(data: bytes) -> str:
    """windows-1252 that keeps every byte (undefined ones as Latin-1): TCVN3/VNI survive."""
    return data.decode("latin-1").translate(_LATIN1_TO_CP1252)


def decode_text(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """(text, encoding) of bytes that hold text; the text is NFC.

    Order: a BOM; UTF-16/32 without BOM (the NUL bytes of mostly-Latin text);
    strict UTF-8; a charset the container declared (HTML meta); windows-1258 when
    its tone marks sit where Vietnamese puts them; a multi-byte encoding that
    charset-normalizer is sure of; else windows-1252 keeping every byte.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _nfc(data[len(bom):].decode(codec, "replace")), "utf-8-sig" if codec == "utf-8" else codec
    utf16 = _utf16_without_bom(data)
    if utf16:
        return _nfc(data.decode(utf16, "replace")), utf16
    try:
        return _nfc(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    if declared:
        codec = _codec(declared)
        if codec and codec not in ("utf-8", "ascii"):
            try:
                return _nfc(data.decode(codec)), codec
            except UnicodeDecodeError:
                pass
    vietnamese = _as_cp1258(data)
    if vietnamese is not None:
        return vietnamese, "windows-1258"
    guess = _charset_normalizer(data)
    if guess:
        return _nfc(data.decode(guess, "replace")), guess
    return _nfc(western(data)), "windows-1252"


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _codec(name: str) -> str | None:
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except (LookupError, ValueError):
        return None


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:65536]
    n = len(sample) // 2 * 2
    if n < 4:
        return None
    units = n // 2
    even_zero, odd_zero = sample[0:n:2].count(0) / units, sample[1:n:2].count(0) / units
    if odd_zero >= 0.5 and even_zero <= 0.1:
        return "utf-16-le"
    if even_zero >= 0.5 and odd_zero <= 0.1:
        return "utf-16-be"
    return None


def _as_cp1258(data: bytes) -> str | None:
    """windows-1258 text, NFC, if the bytes read as Vietnamese in it: every combining
    tone mark follows a vowel. TCVN3 bytes read this way put marks after consonants."""
    try:
        text = data.decode("cp1258")
    except UnicodeDecodeError:
        return None
    good = bad = 0
    previous = ""
    for ch in text:
        if ch in _CP1258_TONES:
            if unicodedata.normalize("NFD", previous)[:1] in _VN_VOWELS:
                good += 1
            else:
                bad += 1
        previous = ch
    if good and bad <= good // 50:
        return _nfc(text)
    return None


def _charset_normalizer(data: bytes) -> str | None:
    best = from_bytes(data[:200_000]).best()
    if best is None or not _MULTIBYTE.match(best.encoding) or best.chaos > 0.2:
        return None
    return best.encoding


# ---------------------------------------------------------------- readers

def read_plain(data: bytes, facts: FileFacts, limits: ParseLimits) -> None:
    text, encoding = decode_text(data)
    facts.text = text
    facts.info["charset"] = encoding


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_BLOCK = frozenset({
    "p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "dl", "dt", "dd",
    "blockquote", "pre", "section", "article", "header", "footer", "address", "hr", "title", "form",
    "fieldset", "nav", "aside", "figure", "figcaption", "caption",
})  # fmt: skip
_SKIP = frozenset({"script", "style", "noscript", "template", "head"})


def read_html(data: bytes, facts: FileFacts, limits: ParseLimits) -> None:
    """HTML: the charset (BOM, UTF-8, then the meta declaration, then guessing), and the
    text a browser shows: blocks on lines of their own, no scripts or styles."""
    declared = _META_CHARSET.search(data[:4096])
    text, encoding = decode_text(data, declared[1].decode("ascii", "replace") if declared else None)
    facts.info["charset"] = encoding
    markup = _XML_DECL.sub("", text)
    if not markup.strip():
        return
    root = lxml.html.document_fromstring(markup)
    title = root.findtext(".//title") or ""
    out: list[str] = [title, "\n"] if title.strip() else []
    _html_walk(root, out)
    facts.text = _tidy("".join(out))
    facts.has_pictures = root.find(".//img") is not None


def _html_walk(element, out: list[str]) -> None:
    for child in element:
        tag = child.tag.lower() if isinstance(child.tag, str) else ""
        if tag and tag not in _SKIP:
            block = tag in _BLOCK
            if block:
                out.append("\n")
            out.append(child.text or "")
            _html_walk(child, out)
            out.append("\n" if block else "\t" if tag in ("td", "th") else "")
        out.append(child.tail or "")


def _tidy(text: str) -> str:
    """Collapse HTML whitespace on each line and drop empty lines."""
    lines = (re.sub(r"[ \t\r\f\v\u00a0]+", " ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def read_xml(data: bytes, facts: FileFacts, limits: ParseLimits) -> None:
    """XML and SVG: the text nodes (entities are never expanded)."""
    try:
        root = parse_xml(data)
        facts.text = _tidy("\n".join(t for t in root.itertext() if t.strip()))
        facts.info["root"] = etree.QName(root).localname
    except etree.XMLSyntaxError:
        text, encoding = decode_text(data)
        facts.text = _tidy(re.sub(r"<[^>]*>", "\n", text))
        facts.info["charset"] = encoding


# ---------------------------------------------------------------- RTF

def read_rtf(data: bytes, facts: FileFacts, limits: ParseLimits) -> None:
    """RTF (striprtf): \\uN escapes, and \\'xx escapes in the code page of their font's
    \\fcharset (163 = windows-1258) or of \\ansicpg; bytes a code page leaves undefined
    are kept as Latin-1. Font names from the font table."""
    source = data.decode("latin-1")  # RTF is 7-bit; stray 8-bit bytes survive as Latin-1
    facts.text = rtf_to_text(source, errors=KEEP_BYTES)
    facts.fonts = rtf_fonts(source)
    facts.has_pictures = "\\pict" in source or "\\shppict" in source


def rtf_fonts(source: str) -> list[str]:
    """Font names of an RTF font table: {\\fonttbl{\\f0\\froman\\fcharset163 Times New Roman;}…}."""
    table = font_table_group(source)
    names = []
    for entry in _rtf_font_entries(table):
        entry = re.sub(r"\{\\\*[^{}]*\}", "", entry)  # \panose, \falt and other optional groups
        charset = re.search(r"\\fcharset(\d+)", entry)
        encoding = _RTF_CHARSETS.get(int(charset[1]), "cp1252") if charset else "cp1252"
        body = _unhex(entry, encoding)
        body = re.sub(r"\\[a-zA-Z]+-?\d* ?|[{}]", "", body)
        names.append(body.split(";", 1)[0])
    return unique(names)


def _unhex(rtf: str, encoding: str) -> str:
    return re.sub(r"\\'([0-9a-fA-F]{2})", lambda m: bytes.fromhex(m[1]).decode(encoding, KEEP_BYTES), rtf)


_RTF_CHARSETS = {0: "cp1252", 163: "cp1258", 238: "cp1250", 204: "cp1251", 161: "cp1253", 162: "cp1254", 2: "cp1252"}


def _rtf_font_entries(table: str) -> list[str]:
    """The {\\fN…} groups directly inside the font table."""
    entries, depth, start = [], 0, None
    for i, ch in enumerate(table):
        if ch == "{" and (i == 0 or table[i - 1] != "\\"):
            depth += 1
            if depth == 2:
                start = i
        elif ch == "}" and table[i - 1] != "\\":
            if depth == 2 and start is not None:
                entries.append(table[start + 1:i])
            depth -= 1
    if not entries and table:
        # a table without inner groups: {\fonttbl\f0\fswiss Helvetica;\f1 Times;}
        entries = re.split(r"(?=\\f\d)", table)[1:]
    return entries
