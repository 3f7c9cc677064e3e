"""PDF (pdfminer.six): text per page, pages without a text layer, fonts, pictures.

A page whose text layer is empty (a scan, or only unmapped glyphs) is listed in
FileFacts.scanned_pages for OCR and the seal search. A PDF that needs a password
to open is attachment.encrypted; one that lacks its end (%%EOF) was cut short in
transit and is attachment.unreadable, though whatever text survives is kept.
"""

from __future__ import annotations

import io
import logging
import re

from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LAParams, LTContainer, LTImage, LTTextContainer
from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import resolve1
from pdfminer.psparser import PSLiteral

from tinbai.parsers.facts import ENCRYPTED, UNREADABLE, FileFacts, ParseLimits
from tinbai.parsers.formats import encrypted_detail, unique

# pdfminer logs every oddity of every file at WARNING; the facts say what matters
logging.getLogger("pdfminer").setLevel(logging.ERROR)

# beyond this many pages the text adds nothing for the checks but time; pages are still counted
MAX_TEXT_PAGES = 300
_CID = re.compile(r"\(cid:\d+\)")
_SUBSET = re.compile(r"^[A-Z]{6}\+")


def read_pdf(data: bytes, facts: FileFacts, limits: ParseLimits) -> None:
    truncated = not _has_end(data)
    if truncated:
        facts.add_finding(UNREADABLE, "Tệp PDF bị cắt cụt (thiếu phần cuối tệp), không đọc được đầy đủ")
    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)), password="")
    except PDFEncryptionError:  # PDFPasswordIncorrect included: a user password is set
        facts.add_finding(ENCRYPTED, encrypted_detail("pdf"))
        return
    if document.encryption:
        facts.info["owner_password"] = True  # opens without a password; only permissions are restricted

    manager = PDFResourceManager(caching=True)
    device = PDFPageAggregator(manager, laparams=LAParams(all_texts=True))
    interpreter = PDFPageInterpreter(manager, device)
    pages_text: list[str] = []
    fonts: list[str] = []
    pictures = False
    unmapped = 0
    count = 0
    for number, page in enumerate(PDFPage.create_pages(document), start=1):
        count = number
        if number > MAX_TEXT_PAGES:
            continue
        fonts += _page_fonts(page.resources)
        interpreter.process_page(page)
        text, images = _layout_text(device.get_result())
        unmapped += len(_CID.findall(text))
        text = _CID.sub("", text).strip()
        pages_text.append(text)
        pictures = pictures or images
        if not text:
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


def _has_end(data: bytes) -> bool:
    # writers may pad after %%EOF (NULs, newlines, a few bytes of junk)
    return b"%%EOF" in data.rstrip(b"\0 \t\r\n")[-2048:]


def _layout_text(layout) -> tuple[str, bool]:
    """Text boxes of a page in pdfminer's reading order, and whether it shows a picture."""
    parts: list[str] = []
    images = False
    stack = [layout]
    while stack:
        item = stack.pop()
        if isinstance(item, LTTextContainer):
            parts.append(item.get_text())
        elif isinstance(item, LTImage):
            images = True
        elif isinstance(item, LTContainer):
            stack.extend(reversed(list(item)))
    return "".join(parts), images


def _page_fonts(resources, depth: int = 0) -> list[str]:
    """BaseFont names of a page's fonts and of the forms it draws (subset prefix removed)."""
    resources = resolve1(resources) or {}
    if not isinstance(resources, dict) or depth > 3:
        return []
    names: list[str] = []
    fonts = resolve1(resources.get("Font")) or {}
    for ref in fonts.values() if isinstance(fonts, dict) else []:
        font = resolve1(ref)
        if isinstance(font, dict):
            base = resolve1(font.get("BaseFont"))
            if isinstance(base, PSLiteral):
                name = base.name.decode("latin-1") if isinstance(base.name, bytes) else str(base.name)
                names.append(_SUBSET.sub("", name))
    xobjects = resolve1(resources.get("XObject")) or {}
    for ref in xobjects.values() if isinstance(xobjects, dict) else []:
        xobject = resolve1(ref)
        attrs = getattr(xobject, "attrs", None)
        if attrs and getattr(resolve1(attrs.get("Subtype")), "name", None) == "Form":
            names += _page_fonts(attrs.get("Resources"), depth + 1)
    return names
