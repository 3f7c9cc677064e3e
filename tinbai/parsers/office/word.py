"""Word documents: .docx and .docm from the package's XML, .doc through antiword, catdoc or LibreOffice."""

from __future__ import annotations

import io
import struct

import olefile
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PACKAGE_URI
from docx.opc.pkgreader import PackageReader

from tinbai.parsers.facts import FileFacts, ParseLimits
from tinbai.parsers.formats import convert_with_soffice, parse_xml, temp_file, tool_text, unique
from tinbai.parsers.office.encryption import OLE_MAGIC, encrypted
from tinbai.parsers.office.ooxml import package_info
from tinbai.parsers.office.word_styles import StyleSheet, Theme, named_fonts, style_sheet
from tinbai.parsers.office.word_styles import W as _W

_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_W_TEXT = {_W + "t"}
_W_TAB = {_W + "tab", _W + "ptab"}
_W_BREAK = {_W + "br", _W + "cr"}
# not text a reader sees: field codes, deleted revisions, the drawing's compatibility copy
_W_SKIP = {_W + "instrText", _W + "delText", _W + "delInstrText", _MC_FALLBACK, _W + "rPr", _W + "pPr"}


def read_docx(data: bytes, facts: FileFacts, limits: ParseLimits) -> None:
    """Word 2007+ (.docx, .docm): python-docx's package reader, then the XML of the
    headers, body, footnotes, endnotes and footers in reading order (tables, text
    boxes and content controls included), and the fonts of runs, styles and theme.

    info["runs"] holds the same text as (text, font) pieces, the font being each
    run's effective one (its own, its character style's, its paragraph style's, the
    document default): a TCVN3 document often mixes .VnTime runs with Unicode ones.
    """
    if data[:8] == OLE_MAGIC:
        if not encrypted(data, facts):
            raise ValueError("an OLE2 file that is not an encrypted OOXML package")
        return
    # python-docx's serialized reader, not its OpcPackage: OpcPackage parses every XML part into
    # its own objects and serializes it again for .blob, two XML passes per part before ours
    # (half of a news article's reading time). The reader walks the same relationships.
    reader = PackageReader.from_file(io.BytesIO(data))
    blobs = {str(name): blob for name, _type, _rel, blob in reader.iter_sparts()}
    srels = list(reader.iter_srels())
    main = next((str(rel.target_partname) for source, rel in srels
                 if source == PACKAGE_URI and rel.reltype == RT.OFFICE_DOCUMENT and not rel.is_external), None)
    if main is None or main not in blobs:
        raise KeyError("no main document part (officeDocument relationship)")
    related = [(rel.reltype, str(rel.target_partname)) for source, rel in srels
               if str(source) == main and not rel.is_external and str(rel.target_partname) in blobs]

    def parts_of(suffix: str) -> list[bytes]:
        return [blobs[name] for name in sorted(n for t, n in related if t.endswith(suffix))]

    def trees_of(suffix: str) -> list:
        return [parse_xml(blob) for blob in parts_of(suffix)]

    body = parse_xml(blobs[main])
    text_trees = [*trees_of("/header"), body, *trees_of("/footnotes"), *trees_of("/endnotes"),
                  *trees_of("/footer")]
    styles_parts, theme_xml = parts_of("/styles"), next(iter(parts_of("/theme")), None)
    styles_xml = styles_parts[0] if styles_parts else None
    theme = Theme(parse_xml(theme_xml) if theme_xml is not None else None)
    sheet = style_sheet(styles_xml, theme_xml, theme)
    resolver = _WordStyles(sheet, theme)
    runs: list[tuple[str, str | None]] = []
    seen: set[str] = set()
    for tree in text_trees:
        pieces: list[tuple[str, str | None]] = []
        _walk_word(tree, pieces, resolver, None, None)
        key = "".join(t for t, _ in pieces).strip()
        if key and key not in seen:  # the same header in every section counts once
            seen.add(key)
            runs.extend([*pieces, ("\n", None)] if not pieces[-1][0].endswith("\n") else pieces)
    facts.text = "".join(t for t, _ in runs)
    facts.info["runs"] = _merge_pieces(runs)
    # a second styles part (none is known in practice) only adds the fonts it names
    others = [*(parse_xml(blob) for blob in styles_parts[1:]), *trees_of("/numbering")]
    facts.fonts = _word_fonts(text_trees, sheet, others, theme)

    partnames = list(blobs)
    images = [n for n in partnames if n.startswith("/word/media/")]
    facts.has_pictures = bool(images)
    facts.info["images"] = len(images)
    package_info(blobs, facts)


def _merge_pieces(pieces: list[tuple[str, str | None]]) -> list[tuple[str, str | None]]:
    merged: list[tuple[str, str | None]] = []
    for text, font in pieces:
        if merged and merged[-1][1] == font:
            merged[-1] = (merged[-1][0] + text, font)
        elif text:
            merged.append((text, font))
    return merged


class _WordStyles:
    """The effective font of a run: its own w:rFonts, its character style, its
    paragraph style (or the default paragraph style), then the document defaults;
    styles inherit through w:basedOn, theme references resolve to typefaces."""

    def __init__(self, sheet: StyleSheet, theme: Theme) -> None:
        self.sheet = sheet
        self.theme = theme

    def style_font(self, sid: str | None) -> str | None:
        fonts, based_on = self.sheet.fonts, self.sheet.based_on
        for _ in range(20):  # basedOn chains are short; a loop in a hostile file must end
            if not sid:
                return None
            if fonts.get(sid):
                return fonts[sid]
            sid = based_on.get(sid)
        return None

    def run_font(self, run, paragraph_style: str | None) -> str | None:
        props = run.find(_W + "rPr")
        if props is not None:
            font = self.theme.font_of(props.find(_W + "rFonts"))
            char_style = props.find(_W + "rStyle")
            if not font and char_style is not None:
                font = self.style_font(char_style.get(_W + "val"))
            if font:
                return font
        return self.style_font(paragraph_style or self.sheet.default_paragraph) or self.sheet.document_default


def _walk_word(element, out: list[tuple[str, str | None]], styles: _WordStyles,
               paragraph_style: str | None, font: str | None) -> None:
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag in _W_SKIP:
            continue
        if tag in _W_TEXT:
            out.append((child.text or "", font))
        elif tag in _W_TAB:
            out.append(("\t", font))
        elif tag in _W_BREAK:
            out.append(("\n", font))
        elif tag == _W + "noBreakHyphen":
            out.append(("-", font))
        elif tag == _W + "sym":
            out.append((_sym_char(child.get(_W + "char")), child.get(_W + "font") or font))
        elif tag == _W + "p":
            style = child.find(f"{_W}pPr/{_W}pStyle")
            _walk_word(child, out, styles, style.get(_W + "val") if style is not None else None, font)
            out.append(("\n", None))
        elif tag == _W + "r":
            _walk_word(child, out, styles, paragraph_style, styles.run_font(child, paragraph_style))
        elif tag == _W + "tc":  # cells of a row on one line, separated by tabs
            cell: list[tuple[str, str | None]] = []
            _walk_word(child, cell, styles, paragraph_style, font)
            while cell and cell[-1] == ("\n", None):
                cell.pop()
            out.extend([*cell, ("\t", None)])
        elif tag == _W + "tr":
            _walk_word(child, out, styles, paragraph_style, font)
            if out and out[-1] == ("\t", None):
                out[-1] = ("\n", None)
        else:
            _walk_word(child, out, styles, paragraph_style, font)


def _sym_char(code: str | None) -> str:
    # w:sym stores a symbol-font glyph as hex, often in the private-use area F0xx
    try:
        value = int(code or "", 16)
    except ValueError:
        return ""
    return chr(value - 0xF000 if 0xF020 <= value <= 0xF0FF else value)


def _word_fonts(text_trees: list, sheet: StyleSheet, other_trees: list, theme: Theme) -> list[str]:
    """Every font the document names: its text's, its styles', its other parts' (numbering), then
    the theme's typefaces they refer to, each once in that order."""
    names: list[str] = []
    theme_refs: list[str] = []
    for tree in text_trees:
        tree_names, refs = named_fonts(tree)
        names += tree_names
        theme_refs += refs
    names += sheet.names
    theme_refs += sheet.theme_refs
    for tree in other_trees:
        tree_names, refs = named_fonts(tree)
        names += tree_names
        theme_refs += refs
    names.extend(theme.fonts(theme_refs))
    return unique(n for n in names if not n.startswith("+"))


def read_doc(data: bytes, facts: FileFacts, limits: ParseLimits) -> None:
    """Word 97-2003: antiword (UTF-8), catdoc when antiword refuses (it does for very
    small files), LibreOffice as the last resort; fonts from the file's font table."""
    if encrypted(data, facts):
        return
    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        try:
            facts.fonts = doc_fonts(ole)
        except (struct.error, OSError, ValueError, IndexError):
            facts.fonts = []  # an odd font table (Word 6/95 files) costs the fonts, not the text
        facts.has_pictures = ole.exists("Data") and ole.get_size("Data") > 0
    timeout = limits.seconds_per_file
    with temp_file(data, "doc") as path:
        text = tool_text(["antiword", "-m", "UTF-8.txt", "-w", "0", path], timeout)
        if not text.strip():
            text = tool_text(["catdoc", "-d", "utf-8", "-w", path], timeout)
    if not text.strip():
        converted = convert_with_soffice(data, "doc", "docx", timeout)
        if converted:
            inner = FileFacts(detected_type="docx")
            read_docx(converted, inner, limits)
            text = inner.text
            facts.fonts = facts.fonts or inner.fonts
    facts.text = text.replace("[pic]", "").strip("\n")


def doc_fonts(ole: olefile.OleFileIO) -> list[str]:
    """Font names of a Word 97-2003 file: the SttbfFfn in the table stream ([MS-DOC] 2.9.283).

    FIB: bit 9 of the flags at 0x0A picks 1Table or 0Table; fcSttbfFfn/lcbSttbfFfn are
    the 16th fc/lcb pair of FibRgFcLcb97, at 0x112/0x116.
    """
    fib = ole.openstream("WordDocument").read(0x11A)
    if len(fib) < 0x11A:
        return []
    flags = struct.unpack_from("<H", fib, 0x0A)[0]
    table = "1Table" if flags & 0x0200 else "0Table"
    fc, lcb = struct.unpack_from("<II", fib, 0x112)
    if not ole.exists(table) or lcb < 4:
        return []
    sttb = ole.openstream(table).read()[fc:fc + lcb]
    return _parse_sttbf_ffn(sttb)


def _parse_sttbf_ffn(sttb: bytes) -> list[str]:
    count, extra = struct.unpack_from("<HH", sttb, 0)
    pos, names = 4, []
    for _ in range(min(count, 1000)):
        if pos >= len(sttb):
            break
        size = sttb[pos]
        ffn = sttb[pos + 1:pos + 1 + size]
        pos += 1 + size + extra
        # FFN: flags(1) wWeight(2) chs(1) ixchSzAlt(1) panose(10) fs(24), then the UTF-16 name
        raw = ffn[39:]
        name = raw.decode("utf-16-le", "replace").split("\0", 1)[0]
        names.append(name)
    return unique(names)
