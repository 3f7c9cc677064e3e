"""The review pages' previews, drawn in a parser worker: a picture or a PDF page as a JPEG we made.

Pillow and pypdfium2 are the parser workers' libraries already (their fork server holds them);
drawing a preview there rather than in the daemon keeps both out of the daemon's memory for its
whole life (~10 MB; issue 18: the tree under 300 MB), and puts a sender's file under the
sandbox's time and memory limits when a reviewer opens it, as when it was read. A worker runs
one task at a time, so PDFium (not thread-safe) needs no lock here.
"""

from __future__ import annotations

import io

import pypdfium2 as pdfium
from PIL import Image

PREVIEW_MAX = 1600  # pixels on the longer side
PAGE_WIDTH = 1100  # pixels of a rendered PDF page


def _jpeg(img: Image.Image) -> bytes:
    if img.mode not in ("RGB", "L"):
        background = Image.new("RGB", img.size, (255, 255, 255))
        rgba = img.convert("RGBA")
        background.paste(rgba, mask=rgba.split()[3])
        img = background
    img.thumbnail((PREVIEW_MAX, PREVIEW_MAX))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=85)
    return buf.getvalue()


def picture(raw: bytes) -> bytes:
    """The picture's first frame as a JPEG of at most PREVIEW_MAX pixels a side."""
    with Image.open(io.BytesIO(raw)) as img:
        img.seek(0)
        return _jpeg(img.copy())


def pdf_page(data: bytes, page_no: int, width: int = PAGE_WIDTH) -> bytes | None:
    """Page `page_no` (from 1) drawn `width` pixels wide as a JPEG; None: the PDF has no such page."""
    pdf = pdfium.PdfDocument(data)
    try:
        if not 1 <= page_no <= len(pdf):
            return None
        pg = pdf[page_no - 1]
        scale = max(0.2, min(4.0, width / max(1.0, pg.get_width())))
        img = pg.render(scale=scale).to_pil()
    finally:
        pdf.close()
    return _jpeg(img)


def pdf_pages(data: bytes) -> int:
    pdf = pdfium.PdfDocument(data)
    try:
        return len(pdf)
    finally:
        pdf.close()


def preview_task(task: str, *args: object) -> bytes | int | None:
    """What a worker runs for the review pages: "picture", "pdf_page" or "pdf_pages"."""
    if task == "picture":
        return picture(*args)
    if task == "pdf_page":
        return pdf_page(*args)
    if task == "pdf_pages":
        return pdf_pages(*args)
    raise ValueError(f"unknown preview task {task!r}")
