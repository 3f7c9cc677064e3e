"""PDF (pdfium): text per page, pages without a text layer, fonts, pictures.

pdfium (pypdfium2) reads the text layer in C: a few milliseconds a page, where
pdfminer.six's interpreter and layout analysis took 30 ms and more. pdfium gives
the characters in the order the page draws them, with its own line breaks. It
does no layout analysis, so two columns drawn line by line (a header made with
tab stops, "SỞ TƯ PHÁP" and "Độc lập - Tự do - Hạnh phúc" on one baseline) come
out on one line: where a line's text runs are far apart, a tab is put between
them (tinbai.extract.docheader reads tab-separated pieces as cells, as it does
for Word tables). A header made as a table is drawn cell after cell and keeps
its columns apart on its own.

A page whose text layer is empty (a scan, or only glyphs without a Unicode
mapping, pdfminer's "(cid:N)") is listed in FileFacts.scanned_pages for OCR and
the seal search. A PDF that needs a password to open is attachment.encrypted;
one that lacks its end (%%EOF) was cut short in transit and is
attachment.unreadable, though whatever text survives is kept.
"""

from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass, field
from itertools import pairwise

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from tinbai.parsers.facts import ENCRYPTED, UNREADABLE, FileFacts, ParseLimits
from tinbai.parsers.formats import encrypted_detail, unique

# beyond this many pages the text adds nothing for the checks but time; pages are still counted
MAX_TEXT_PAGES = 300
_SUBSET = re.compile(r"^[A-Z]{6}\+")
# Fonts are looked for in form XObjects this deep (forms drawing forms); deeper nesting is a
# hostile file's, whose drawing the time limit stops anyway.
MAX_FORM_DEPTH = 3
# Two text runs on one line farther apart than this many times their height are two columns
# (a word space is a quarter of it; the gap between a header's columns is several).
COLUMN_GAP = 1.5


@dataclass
class _PageFacts:
    loaded: bool = True
    text: str = ""
    unmapped: int = 0
    pictures: bool = False
    fonts: list[str] = field(default_factory=list)


def read_pdf(data: bytes, facts: FileFacts, limits: ParseLimits) -> None:
    truncated = not _has_end(data)
    if truncated:
        facts.add_finding(UNREADABLE, "Tệp PDF bị cắt cụt (thiếu phần cuối tệp), không đọc được đầy đủ")
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if exc.err_code == pdfium_c.FPDF_ERR_PASSWORD:  # a user password is set
            facts.add_finding(ENCRYPTED, encrypted_detail("pdf"))
            return
        raise  # damaged beyond pdfium's repair: formats.extract makes it attachment.unreadable
    try:
        _read_document(document, facts, truncated)
    finally:
        document.close()


def _read_document(document: pdfium.PdfDocument, facts: FileFacts, truncated: bool) -> None:
    if pdfium_c.FPDF_GetSecurityHandlerRevision(document.raw) != -1:
        facts.info["owner_password"] = True  # opens without a password; only permissions are restricted
    count = len(document)
    pages_text: list[str] = []
    fonts: list[str] = []
    font_names: dict[int | None, str] = {}  # pdfium's font handle -> its name, read once a document
    pictures = False
    unmapped = 0
    broken: list[int] = []
    for number in range(1, min(count, MAX_TEXT_PAGES) + 1):
        page = _read_page(document, number, font_names)
        pages_text.append(page.text)
        fonts += page.fonts
        unmapped += page.unmapped
        pictures = pictures or page.pictures
        if not page.loaded:
            broken.append(number)
        elif not page.text:
            facts.scanned_pages.append(number)
    facts.pages = count
    facts.text = "\n\n".join(pages_text)
    facts.info["pages_text"] = pages_text
    facts.fonts = unique(fonts)
    # a page a seal could be on: pictures anywhere, or pages that are pictures themselves
    facts.has_pictures = pictures or bool(facts.scanned_pages)
    if unmapped:
        facts.info["unmapped_glyphs"] = unmapped
    if count > MAX_TEXT_PAGES:
        facts.info["text_pages_read"] = MAX_TEXT_PAGES
    if count == 0 and not truncated:
        facts.add_finding(UNREADABLE, "Tệp PDF không có trang nào đọc được")
    if broken:
        # neither its text nor its seal can be seen (nor by a reviewer: browsers use pdfium too)
        facts.info["pages_unreadable"] = broken
        facts.add_finding(UNREADABLE, "Tệp PDF bị hỏng, không đọc được trang " + ", ".join(map(str, broken[:10])))


def _has_end(data: bytes) -> bool:
    # writers may pad after %%EOF (NULs, newlines, a few bytes of junk)
    return b"%%EOF" in data.rstrip(b"\0 \t\r\n")[-2048:]


def _read_page(document: pdfium.PdfDocument, number: int, font_names: dict[int | None, str]) -> _PageFacts:
    try:
        page = document[number - 1]
    except pdfium.PdfiumError:
        return _PageFacts(loaded=False)  # a broken page tree, a page without its dictionary
    try:
        found = _PageFacts()
        found.pictures, found.fonts = _page_objects(page, font_names)
        textpage = page.get_textpage()
        try:
            found.text, found.unmapped = _page_text(textpage)
        finally:
            textpage.close()
        return found
    finally:
        page.close()


def _page_text(textpage: pdfium.PdfTextPage) -> tuple[str, int]:
    """The page's text, with a tab between columns, and how many glyphs had no Unicode mapping.

    pdfium puts such a glyph's code in the text as if it were a character; they are left out
    (the text is cut around them) and counted.
    """
    count = textpage.count_chars()
    has_error = pdfium_c.FPDFText_HasUnicodeMapError
    raw = textpage.raw
    unmapped = {i for i in range(count) if has_error(raw, i)}
    cuts = sorted(unmapped.union(_column_starts(textpage)))
    pieces: list[str] = []
    start = 0
    for cut in [*cuts, count]:
        if cut > start:
            pieces.append(textpage.get_text_range(start, cut - start))
        if cut < count and cut not in unmapped:  # a column starts here
            pieces.append("\t")
            start = cut
        else:
            start = cut + 1
    text = "".join(pieces).replace("\r\n", "\n")
    text = re.sub(r" *\t+ *", "\t", text)
    return text.strip(), len(unmapped)


def _column_starts(textpage: pdfium.PdfTextPage) -> list[int]:
    """Indexes of the characters that start a column: the first of a text run that stands on the
    same line as the run before it, far to its right. One rectangle per run (pdfium's own)."""
    rects = [textpage.get_rect(i) for i in range(textpage.count_rects())]
    starts: list[int] = []
    for (_, bottom0, right0, top0), (left1, bottom1, right1, top1) in pairwise(rects):
        height = min(top0 - bottom0, top1 - bottom1)
        overlap = min(top0, top1) - max(bottom0, bottom1)
        if height <= 0 or overlap < height / 2 or left1 - right0 < COLUMN_GAP * height:
            continue
        index = textpage.get_index(left1 + min(1.0, (right1 - left1) / 2), (bottom1 + top1) / 2, 1.0, 1.0)
        if index is not None:
            starts.append(index)
    return starts


def _page_objects(page: pdfium.PdfPage, font_names: dict[int | None, str]) -> tuple[bool, list[str]]:
    """Whether the page shows a picture, and the names of the fonts its text (and its forms') is in."""
    pictures = False
    fonts: list[str] = []
    containers: list[tuple[object, int]] = [(page.raw, 0)]
    while containers:
        container, depth = containers.pop()
        if depth:
            n, get = pdfium_c.FPDFFormObj_CountObjects(container), pdfium_c.FPDFFormObj_GetObject
        else:
            n, get = pdfium_c.FPDFPage_CountObjects(container), pdfium_c.FPDFPage_GetObject
        for i in range(max(n, 0)):
            obj = get(container, i)
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_TEXT:
                font = pdfium_c.FPDFTextObj_GetFont(obj)
                key = ctypes.cast(font, ctypes.c_void_p).value
                if key not in font_names:
                    font_names[key] = _font_name(font) if key else ""
                fonts.append(font_names[key])
            elif kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
                pictures = True
            elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < MAX_FORM_DEPTH:
                containers.append((obj, depth + 1))
    return pictures, unique(fonts)


def _font_name(font) -> str:
    """A font's BaseFont, without the subset prefix ("ABCDEF+.VnTime" -> ".VnTime")."""
    size = pdfium_c.FPDFFont_GetBaseFontName(font, None, 0)
    if size <= 1:
        return ""
    buffer = ctypes.create_string_buffer(size)
    pdfium_c.FPDFFont_GetBaseFontName(font, buffer, size)
    return _SUBSET.sub("", buffer.value.decode("latin-1"))
