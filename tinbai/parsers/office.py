"""Office documents: Word, Excel, PowerPoint (OOXML and 97-2003) and OpenDocument.

Each reader fills a FileFacts: the text as stored (legacy TCVN3/VNI text is left
as the characters the file holds, for tinbai.parsers.vietnamese to recognise),
the font names the file uses (a ".VnTime" font is how TCVN3 shows itself), and
whether it holds pictures. Password-protected files become attachment.encrypted.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time

import olefile

from tinbai.parsers.facts import FileFacts, ParseLimits
from tinbai.parsers.formats import (
    ENCRYPTED,
    TextBuffer,
    convert_with_soffice,
    encrypted_detail,
    parse_xml,
    run_tool,
    temp_file,
    unique,
)

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


# ---------------------------------------------------------------- encryption

def _ole_encrypted(data: bytes) -> bool:
    """Whether an OLE2 file is password-protected: an encrypted OOXML package, or
    a 97-2003 document/workbook/presentation with its encryption flag set."""
    import msoffcrypto

    try:
        return bool(msoffcrypto.OfficeFile(io.BytesIO(data)).is_encrypted())
    except Exception:  # msoffcrypto does not know every OLE layout; then look at the streams
        try:
            with olefile.OleFileIO(io.BytesIO(data)) as ole:
                return ole.exists("EncryptionInfo") and ole.exists("EncryptedPackage")
        except OSError:
            return False


def _encrypted(data: bytes, facts: FileFacts) -> bool:
    if data[:8] == OLE_MAGIC and _ole_encrypted(data):
        facts.add_problem(ENCRYPTED, encrypted_detail(facts.detected_type))
        return True
    return False


# ---------------------------------------------------------------- docx

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_W_TEXT = {_W + "t"}
_W_TAB = {_W + "tab", _W + "ptab"}
_W_BREAK = {_W + "br", _W + "cr"}
# not text a reader sees: field codes, deleted revisions, the drawing's compatibility copy
_W_SKIP = {_W + "instrText", _W + "delText", _W + "delInstrText", _MC_FALLBACK, _W + "rPr", _W + "pPr"}
_FONT_ATTRS = ("ascii", "hAnsi", "cs", "eastAsia")
_THEME_ATTRS = ("asciiTheme", "hAnsiTheme", "cstheme", "eastAsiaTheme")


def read_docx(data: bytes, facts: FileFacts, limits: ParseLimits) -> None:
    """Word 2007+ (.docx, .docm): python-docx's package reader, then the XML of the
    headers, body, footnotes, endnotes and footers in reading order (tables, text
    boxes and content controls included), and the fonts of runs, styles and theme.

    info["runs"] holds the same text as (text, font) pieces, the font being each
    run's effective one (its own, its character style's, its paragraph style's, the
    document default): a TCVN3 document often mixes .VnTime runs with Unicode ones.
    """
    if data[:8] == OLE_MAGIC:
        if not _encrypted(data, facts):
            raise ValueError("an OLE2 file that is not an encrypted OOXML package")
        return
    # python-docx's serialized reader, not its OpcPackage: OpcPackage parses every XML part into
    # its own objects and serializes it again for .blob, two XML passes per part before ours
    # (half of a news article's reading time). The reader walks the same relationships.
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PACKAGE_URI
    from docx.opc.pkgreader import PackageReader

    reader = PackageReader.from_file(io.BytesIO(data))
    blobs = {str(name): blob for name, _type, _rel, blob in reader.iter_sparts()}
    srels = list(reader.iter_srels())
    main = next((str(rel.target_partname) for source, rel in srels
                 if source == PACKAGE_URI and rel.reltype == RT.OFFICE_DOCUMENT and not rel.is_external), None)
    if main is None or main not in blobs:
        raise KeyError("no main document part (officeDocument relationship)")
    related = [(rel.reltype, str(rel.target_partname)) for source, rel in srels
               if str(source) == main and not rel.is_external and str(rel.target_partname) in blobs]

    def trees_of(suffix: str) -> list:
        return [parse_xml(blobs[name]) for name in sorted(n for t, n in related if t.endswith(suffix))]

    body = parse_xml(blobs[main])
    text_trees = [*trees_of("/header"), body, *trees_of("/footnotes"), *trees_of("/endnotes"),
                  *trees_of("/footer")]
    style_trees = trees_of("/styles")
    themes = trees_of("/theme")
    resolver = _WordStyles(style_trees[0] if style_trees else None, themes[0] if themes else None)
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
    facts.fonts = _word_fonts([*text_trees, *style_trees, *trees_of("/numbering")], resolver)

    partnames = list(blobs)
    images = [n for n in partnames if n.startswith("/word/media/")]
    facts.has_pictures = bool(images)
    facts.info["images"] = len(images)
    _package_info(blobs, facts)


def _merge_pieces(pieces: list[tuple[str, str | None]]) -> list[tuple[str, str | None]]:
    merged: list[tuple[str, str | None]] = []
    for text, font in pieces:
        if merged and merged[-1][1] == font:
            merged[-1] = (merged[-1][0] + text, font)
        elif text:
            merged.append((text, font))
    return merged


def unique_blocks(blocks: list[str]) -> list[str]:
    """Drop empty and repeated blocks (the same header on every master page)."""
    seen: set[str] = set()
    out = []
    for block in blocks:
        key = block.strip()
        if key and key not in seen:
            seen.add(key)
            out.append(block.strip("\n"))
    return out


class _WordStyles:
    """The effective font of a run: its own w:rFonts, its character style, its
    paragraph style (or the default paragraph style), then the document defaults;
    styles inherit through w:basedOn, theme references resolve to typefaces."""

    def __init__(self, styles, theme) -> None:
        self.theme = theme
        self.fonts: dict[str, str | None] = {}
        self.based_on: dict[str, str] = {}
        self.default_paragraph: str | None = None
        self.document_default: str | None = None
        if styles is None:
            return
        for style in styles.iter(_W + "style"):
            sid = style.get(_W + "styleId") or ""
            self.fonts[sid] = self.font_of(style.find(f"{_W}rPr/{_W}rFonts"))
            based = style.find(_W + "basedOn")
            if based is not None:
                self.based_on[sid] = based.get(_W + "val") or ""
            if style.get(_W + "type") == "paragraph" and style.get(_W + "default") in ("1", "true", "on"):
                self.default_paragraph = sid
        self.document_default = self.font_of(styles.find(f"{_W}docDefaults/{_W}rPrDefault/{_W}rPr/{_W}rFonts"))

    def font_of(self, rfonts) -> str | None:
        if rfonts is None:
            return None
        for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
            if rfonts.get(_W + attr):
                return rfonts.get(_W + attr)
        for attr in _THEME_ATTRS:
            if rfonts.get(_W + attr):
                return next(iter(self.theme_fonts([rfonts.get(_W + attr)])), None)
        return None

    def theme_fonts(self, refs: list[str]) -> list[str]:
        """w:asciiTheme="minorHAnsi" & co. as the theme's typefaces."""
        if self.theme is None:
            return []
        out = []
        for ref in unique(refs):
            group = "majorFont" if ref.startswith("major") else "minorFont"
            script = "ea" if "EastAsia" in ref else "cs" if "Bidi" in ref else "latin"
            out += [f.get("typeface") or "" for g in self.theme.iter(_A + group) for f in g.iter(_A + script)]
        return out

    def style_font(self, sid: str | None) -> str | None:
        for _ in range(20):  # basedOn chains are short; a loop in a hostile file must end
            if not sid:
                return None
            if self.fonts.get(sid):
                return self.fonts[sid]
            sid = self.based_on.get(sid)
        return None

    def run_font(self, run, paragraph_style: str | None) -> str | None:
        props = run.find(_W + "rPr")
        if props is not None:
            font = self.font_of(props.find(_W + "rFonts"))
            char_style = props.find(_W + "rStyle")
            if not font and char_style is not None:
                font = self.style_font(char_style.get(_W + "val"))
            if font:
                return font
        return self.style_font(paragraph_style or self.default_paragraph) or self.document_default


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


def _word_fonts(trees: list, styles: _WordStyles) -> list[str]:
    names: list[str] = []
    theme_refs: list[str] = []
    for tree in trees:
        for rfonts in tree.iter(_W + "rFonts"):
            names.extend(rfonts.get(_W + a) or "" for a in _FONT_ATTRS)
            theme_refs.extend(rfonts.get(_W + a) or "" for a in _THEME_ATTRS)
        for font in tree.iter(_A + "latin", _A + "ea", _A + "cs"):  # DrawingML text in shapes and charts
            names.append(font.get("typeface") or "")
    names.extend(styles.theme_fonts(theme_refs))
    return unique(n for n in names if not n.startswith("+"))


def _package_info(blobs: dict[str, bytes], facts: FileFacts) -> None:
    """Pages as the authoring program last counted them, and signature parts (OOXML signing).
    `blobs`: the package's parts (name -> bytes) reached from its relationships."""
    signatures = [n for n in blobs if n.startswith("/_xmlsignatures/") and n.endswith(".xml")]
    if signatures:
        facts.info["xml_signatures"] = len(signatures)
    app = blobs.get("/docProps/app.xml")
    if app is not None:
        m = re.search(rb"<(?:\w+:)?(Pages|Slides)>(\d+)<", app)
        if m and facts.pages is None:
            facts.info["pages_declared"] = int(m[2])


# ---------------------------------------------------------------- doc (Word 97-2003)

def read_doc(data: bytes, facts: FileFacts, limits: ParseLimits) -> None:
    """Word 97-2003: antiword (UTF-8), catdoc when antiword refuses (it does for very
    small files), LibreOffice as the last resort; fonts from the file's font table."""
    if _encrypted(data, facts):
        return
    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        try:
            facts.fonts = doc_fonts(ole)
        except (struct.error, OSError, ValueError, IndexError):
            facts.fonts = []  # an odd font table (Word 6/95 files) costs the fonts, not the text
        facts.has_pictures = ole.exists("Data") and ole.get_size("Data") > 0
    timeout = limits.seconds_per_file
    with temp_file(data, "doc") as path:
        text = _tool_text(["antiword", "-m", "UTF-8.txt", "-w", "0", path], timeout)
        if not text.strip():
            text = _tool_text(["catdoc", "-d", "utf-8", "-w", path], timeout)
    if not text.strip():
        converted = convert_with_soffice(data, "doc", "docx", timeout)
        if converted:
            inner = FileFacts(detected_type="docx")
            read_docx(converted, inner, limits)
            text = inner.text
            facts.fonts = facts.fonts or inner.fonts
    facts.text = text.replace("[pic]", "").strip("\n")


def _tool_text(args: list[str], timeout: float) -> str:
    result = run_tool(args, timeout)
    if result is None or result.returncode != 0:
        return ""
    return result.stdout.decode("utf-8", "replace")


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


# ---------------------------------------------------------------- xlsx / xls

def read_xlsx(data: bytes, facts: FileFacts, limits: ParseLimits) -> None:
    """Excel 2007+: every sheet's cell values (openpyxl, read-only, cached values of
    formulas); fonts of the cell styles and rich-text runs."""
    if data[:8] == OLE_MAGIC:
        if not _encrypted(data, facts):
            raise ValueError("an OLE2 file that is not an encrypted OOXML package")
        return
    import openpyxl

    buffer = TextBuffer()
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    try:
        sheets = workbook.worksheets
        facts.info["sheets"] = len(sheets)
        for sheet in sheets:
            if hasattr(sheet, "reset_dimensions"):
                sheet.reset_dimensions()  # a declared A1:XFD1048576 would pad every row to 16384 cells
            if not _add_rows(buffer, sheet.iter_rows(values_only=True)):
                break
    finally:
        workbook.close()
    facts.text = buffer.text()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        xml = [zf.read(n) for n in names if n in ("xl/styles.xml", "xl/sharedStrings.xml")]
    fonts: list[str] = []
    for blob in xml:
        tree = parse_xml(blob)
        fonts += [el.get("val") or "" for el in tree.iter() if isinstance(el.tag, str)
                  and el.tag.rsplit("}", 1)[-1] in ("name", "rFont") and _parent_is_font(el)]
    facts.fonts = unique(fonts)
    images = [n for n in names if n.startswith("xl/media/")]
    facts.has_pictures = bool(images)
    facts.info["images"] = len(images)


def _parent_is_font(el) -> bool:
    parent = el.getparent()
    return parent is not None and parent.tag.rsplit("}", 1)[-1] in ("font", "rPr")


def _add_rows(buffer: TextBuffer, rows) -> bool:
    for row in rows:
        cells = [cell_text(v) for v in row]
        line = "\t".join(c for c in cells if c)
        if line and not buffer.add(line):
            return False
    return True


def cell_text(value) -> str:
    """A cell as a reader sees it: dates the Vietnamese way (28/04/2025), whole numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.strftime("%d/%m/%Y")
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value).strip()


def read_xls(data: bytes, facts: FileFacts, limits: ParseLimits) -> None:
    """Excel 97-2003 (xlrd): cell values of every sheet, fonts of the workbook."""
    if _encrypted(data, facts):
        return
    import xlrd

    log = io.StringIO()  # xlrd writes warnings to stdout by default
    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, logfile=log)
    except NotImplementedError:  # formatting of some old BIFF versions is not supported
        book = xlrd.open_workbook(file_contents=data, logfile=log)
    buffer = TextBuffer()
    facts.info["sheets"] = book.nsheets
    for sheet in book.sheets():
        if not _add_rows(buffer, (_xls_row(book, sheet, r) for r in range(sheet.nrows))):
            break
    facts.text = buffer.text()
    facts.fonts = unique(f.name for f in getattr(book, "font_list", []) or [])
    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        stream = "Workbook" if ole.exists("Workbook") else "Book"
        try:
            facts.has_pictures = _biff_has_drawings(ole.openstream(stream).read())
        except (struct.error, OSError):
            facts.has_pictures = False


def _biff_has_drawings(stream: bytes) -> bool:
    """Whether a BIFF8 workbook stores pictures: its MSODRAWINGGROUP record (0x00EB)
    holds an OfficeArt BLIP store (container record 0xF001) with at least one entry.
    LibreOffice writes the drawing group even for a workbook without pictures."""
    pos = 0
    while pos + 4 <= len(stream):
        kind, size = struct.unpack_from("<HH", stream, pos)
        if kind == 0x00EB:
            group = stream[pos + 4:pos + 4 + size]
            for m in re.finditer(rb"\x01\xf0", group):
                start = m.start() - 2
                if start >= 0 and group[start] & 0x0F == 0x0F:
                    entries = struct.unpack_from("<H", group, start)[0] >> 4
                    return entries > 0
            return False
        pos += 4 + size
    return False


def _xls_row(book, sheet, r: int) -> list:
    import xlrd

    values = []
    for c in range(sheet.ncols):
        kind, value = sheet.cell_type(r, c), sheet.cell_value(r, c)
        if kind == xlrd.XL_CELL_DATE:
            try:
                value = xlrd.xldate.xldate_as_datetime(value, book.datemode)
            except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                pass
        elif kind in (xlrd.XL_CELL_ERROR, xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
            value = None
        elif kind == xlrd.XL_CELL_BOOLEAN:
            value = bool(value)
        values.append(value)
    return values


# ---------------------------------------------------------------- pptx / ppt

def read_pptx(data: bytes, facts: FileFacts, limits: ParseLimits) -> None:
    """PowerPoint 2007+ (python-pptx): text of every shape (groups, tables) and the
    speaker notes, slide by slide; typefaces of slides, layouts, masters and theme."""
    if data[:8] == OLE_MAGIC:
        if not _encrypted(data, facts):
            raise ValueError("an OLE2 file that is not an encrypted OOXML package")
        return
    from pptx.package import Package

    package = Package.open(io.BytesIO(data))
    presentation = package.presentation_part.presentation
    buffer = TextBuffer()
    slides = list(presentation.slides)
    facts.pages = len(slides)
    pictures = False
    for slide in slides:
        lines: list[str] = []
        for shape in _shapes(slide.shapes):
            pictures = pictures or shape.shape_type == 13  # MSO_SHAPE_TYPE.PICTURE
            lines.extend(_shape_text(shape))
        if slide.has_notes_slide and slide.notes_slide.notes_text_frame is not None:
            lines.append(slide.notes_slide.notes_text_frame.text)
        if not buffer.add("\n".join(line for line in lines if line.strip())):
            break
    facts.text = buffer.text()
    partnames = [str(p.partname) for p in package.iter_parts()]
    facts.has_pictures = pictures or any(n.startswith("/ppt/media/") and _is_image(n) for n in partnames)
    facts.fonts = _pptx_fonts(package)
    _package_info({str(p.partname): p.blob for p in package.iter_parts()
                   if str(p.partname) == "/docProps/app.xml" or str(p.partname).startswith("/_xmlsignatures/")},
                  facts)


def _is_image(partname: str) -> bool:
    return partname.lower().rsplit(".", 1)[-1] in ("png", "jpg", "jpeg", "gif", "bmp", "tif", "tiff", "emf", "wmf")


def _shapes(shapes) -> Iterator:
    for shape in shapes:
        yield shape
        if shape.shape_type == 6:  # MSO_SHAPE_TYPE.GROUP
            yield from _shapes(shape.shapes)


def _shape_text(shape) -> list[str]:
    out = []
    if shape.has_text_frame:
        out.append(shape.text_frame.text)
    if getattr(shape, "has_table", False) and shape.has_table:
        for row in shape.table.rows:
            out.append("\t".join(cell.text for cell in row.cells))
    return out


def _pptx_fonts(package) -> list[str]:
    names: list[str] = []
    theme_refs: list[str] = []
    theme = None
    for part in package.iter_parts():
        ct = part.content_type or ""
        if not ct.endswith("+xml"):
            continue
        if ct.endswith(".theme+xml"):
            theme = theme if theme is not None else parse_xml(part.blob)
            continue
        if not any(k in ct for k in ("slide", "presentation.main", "notes")):
            continue
        tree = parse_xml(part.blob)
        for font in tree.iter(_A + "latin", _A + "ea", _A + "cs", _A + "sym"):
            face = font.get("typeface") or ""
            (theme_refs if face.startswith("+") else names).append(face)
    if theme is not None:
        # "+mn-lt" = minor latin, "+mj-ea" = major East Asian…
        for ref in unique(theme_refs):
            group = "majorFont" if ref.startswith("+mj") else "minorFont"
            script = {"lt": "latin", "ea": "ea", "cs": "cs"}.get(ref[-2:], "latin")
            names += [f.get("typeface") or "" for g in theme.iter(_A + group) for f in g.iter(_A + script)]
    return unique(names)


def read_ppt(data: bytes, facts: FileFacts, limits: ParseLimits) -> None:
    """PowerPoint 97-2003: catppt; when it finds nothing (it reads no LibreOffice-made
    .ppt), LibreOffice converts to .pptx and python-pptx reads that."""
    if _encrypted(data, facts):
        return
    with temp_file(data, "ppt") as path:
        text = _tool_text(["catppt", "-d", "utf-8", path], limits.seconds_per_file)
    converted = None
    if not text.strip():
        converted = convert_with_soffice(data, "ppt", "pptx", limits.seconds_per_file)
    if converted:
        inner = FileFacts(detected_type="pptx")
        read_pptx(converted, inner, limits)
        facts.text, facts.fonts, facts.pages = inner.text, inner.fonts, inner.pages
        facts.has_pictures = inner.has_pictures
        facts.info["converted_with"] = "libreoffice"
        return
    facts.text = text
    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        facts.has_pictures = ole.exists("Pictures") and ole.get_size("Pictures") > 0


# ---------------------------------------------------------------- OpenDocument

_ODF_STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
_ODF_SVG = "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
_ODF_FO = "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
_ODF_FONT_ATTRS = (
    f"{{{_ODF_STYLE}}}font-name", f"{{{_ODF_STYLE}}}font-name-asian", f"{{{_ODF_STYLE}}}font-name-complex",
    f"{{{_ODF_FO}}}font-family", f"{{{_ODF_STYLE}}}font-family-asian", f"{{{_ODF_STYLE}}}font-family-complex",
)  # fmt: skip


def read_odf(data: bytes, facts: FileFacts, limits: ParseLimits) -> None:
    """OpenDocument text, spreadsheet, presentation (odfpy): text of the body and of
    the master pages (headers, footers); fonts from the font-face declarations and
    text properties of content.xml and styles.xml."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        manifest = zf.read("META-INF/manifest.xml") if "META-INF/manifest.xml" in names else b""
        if b"encryption-data" in manifest:
            facts.add_problem(ENCRYPTED, encrypted_detail(facts.detected_type))
            return
        style_xml = [zf.read(n) for n in ("content.xml", "styles.xml") if n in names]
    from odf import draw, teletype
    from odf.opendocument import load
    from odf.table import Table

    doc = load(io.BytesIO(data))
    blocks = [_odf_text(doc.masterstyles, teletype), _odf_text(doc.body, teletype)]
    facts.text = "\n".join(unique_blocks(blocks))
    facts.fonts = unique(_odf_fonts(style_xml))
    facts.has_pictures = bool(doc.Pictures) or bool(doc.getElementsByType(draw.Image))
    if facts.detected_type == "odp":
        facts.pages = len(doc.getElementsByType(draw.Page))
    elif facts.detected_type == "ods":
        facts.info["sheets"] = len(doc.getElementsByType(Table))


def _odf_text(root, teletype) -> str:
    """Paragraphs and headings in document order, one per line; a paragraph inside a
    frame inside a paragraph comes out once, on its own line."""
    lines: list[str] = []

    def walk(node) -> None:
        for child in node.childNodes:
            if child.nodeType != child.ELEMENT_NODE:
                continue
            if _is_para(child):
                lines.append(_own_text(child, teletype))
            walk(child)  # frames and text boxes anchored in a paragraph, cells, sections

    walk(root)
    return "\n".join(line for line in lines if line.strip())


_TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"


def _is_para(node) -> bool:
    return node.qname in ((_TEXT_NS, "p"), (_TEXT_NS, "h"))


def _own_text(paragraph, teletype) -> str:
    """A paragraph's text without paragraphs nested in it (they are lines of their own)."""
    parts: list[str] = []
    for child in paragraph.childNodes:
        if child.nodeType == child.TEXT_NODE:
            parts.append(child.data)
        elif child.nodeType != child.ELEMENT_NODE:
            continue
        elif child.qname == (_TEXT_NS, "s"):  # runs of spaces are stored as <text:s text:c="n"/>
            count = child.getAttribute("c")
            parts.append(" " * (int(count) if count and count.isdigit() else 1))
        elif child.qname == (_TEXT_NS, "tab"):
            parts.append("\t")
        elif child.qname == (_TEXT_NS, "line-break"):
            parts.append("\n")
        elif not _contains_para(child):
            parts.append(teletype.extractText(child))
        elif child.qname[0] == _TEXT_NS:
            parts.append(_own_text(child, teletype))  # a span that holds a frame
    return "".join(parts)


def _contains_para(node) -> bool:
    if node.nodeType != node.ELEMENT_NODE:
        return False
    return _is_para(node) or any(_contains_para(c) for c in node.childNodes)


def _odf_fonts(xml_parts: list[bytes]) -> list[str]:
    names: list[str] = []
    for blob in xml_parts:
        tree = parse_xml(blob)
        for face in tree.iter(f"{{{_ODF_STYLE}}}font-face"):
            names.append(face.get(f"{{{_ODF_STYLE}}}name") or "")
            names.append((face.get(f"{{{_ODF_SVG}}}font-family") or "").strip("'\""))
        for props in tree.iter(f"{{{_ODF_STYLE}}}text-properties"):
            names += [(props.get(a) or "").strip("'\"") for a in _ODF_FONT_ATTRS]
    return names
