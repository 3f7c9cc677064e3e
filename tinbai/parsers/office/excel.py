"""Excel workbooks: 2007+ (.xlsx, .xlsm) through openpyxl, 97-2003 (.xls) through xlrd."""

from __future__ import annotations

import io
import re
import struct
import zipfile
from datetime import date, datetime, time

import olefile
import openpyxl
import xlrd

from tinbai.parsers.facts import FileFacts, ParseLimits
from tinbai.parsers.formats import TextBuffer, parse_xml, unique
from tinbai.parsers.office.encryption import OLE_MAGIC, encrypted


def read_xlsx(data: bytes, facts: FileFacts, limits: ParseLimits) -> None:
    """Excel 2007+: every sheet's cell values (openpyxl, read-only, cached values of
    formulas); fonts of the cell styles and rich-text runs."""
    if data[:8] == OLE_MAGIC:
        if not encrypted(data, facts):
            raise ValueError("an OLE2 file that is not an encrypted OOXML package")
        return
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
    if encrypted(data, facts):
        return
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
