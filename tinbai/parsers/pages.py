"""Pages as pictures: what the seal search (and OCR) looks at.

page_images() turns a picture or a PDF into RGB images, one per page, with the
resolution each one has, so that a check can tell how many pixels a 40 mm seal
should cover. Pictures keep their own pixels (JPEG files are decoded at a
reduced scale when they are far sharper than needed); PDF pages are rendered
with pdfium. pdf_embedded_images() gives the pictures placed on PDF pages, for
the cases where looking at the pictures themselves helps (a seal image covered
by a white box or drawn outside the page's visible area is not seen in a
rendering).

Pages come in the order they are most worth looking at, not in page order: the
last page first (the signature block and the seal are there), then the first,
then inwards from both ends. A caller that only needs one seal can stop early.
"""

from __future__ import annotations

import io
import logging
import math
from collections.abc import Iterator

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageOps

from tinbai.filekinds import PICTURE_TYPES

log = logging.getLogger(__name__)

# a caller may name a picture by its usual extension rather than its detected type
PICTURE_TYPE_ALIASES = {"jpeg": "jpg", "tif": "tiff"}
ORIENTATION = 0x0112  # the EXIF tag
# Above this many pixels a page is rendered or kept at a lower resolution: an A4
# page at 300 dpi is 8.7 Mpx; a poster-sized page must not take gigabytes.
MAX_PIXELS = 24_000_000
# Pages of a PDF without pictures are drawn this small first (colour_probe): a seal (24 mm
# and more: 11 px) or a stamp covers whole pixels, and even a hairline of coloured ink leaves
# some colour in the pixels it crosses (pdfium blends by coverage). 2 ms a page instead of
# 4.5 at the seal search's 72 dpi, for the pages of text that show no colour at all.
COLOUR_PROBE_DPI = 12
# Refuse to decode pictures bigger than this at all (decompression bombs).
MAX_SOURCE_PIXELS = 150_000_000
A4_LONG_MM = 297.0
# Long side / short side of pictures taken to be a whole page: A4 (1.414), a
# 4:3 camera frame around a page (1.333), US letter (1.294), 3:2 frames (1.5).
PAGE_ASPECT = (1.28, 1.52)
# A resolution from a file's header is believed only when it makes the picture
# the size of a sheet of paper (10 cm to A3); cameras write 72 dpi whatever the
# picture is, and screenshots 96.
PLAUSIBLE_LONG_SIDE_MM = (100.0, 450.0)


class PageImageError(ValueError):
    """The file cannot be opened as a picture or a PDF at all."""


class PictureDamaged(PageImageError):
    """A picture's pixels cannot be decoded (cut short, corrupt): page_images(strict=True)."""


def page_images(data: bytes, detected_type: str, *, dpi: int = 100, max_pages: int = 10,
                strict: bool = False, colour_probe: bool = False) -> Iterator[tuple[int, Image.Image, float | None]]:
    """(1-based page number, RGB image, its resolution in dpi or None) for each page looked at.

    Pictures: one page (a multi-page TIFF: one per frame; a GIF: its first frame).
    The resolution comes from the file when it is plausible, else it is estimated
    from the size when the picture has the shape of a page, else it is None.
    Pictures are not resampled, except a JPEG far sharper than `dpi`, decoded at
    1/2, 1/4 or 1/8 scale (never below `dpi`), and anything over MAX_PIXELS.
    PDFs: up to `max_pages` pages rendered at `dpi`, the last page first (see the
    module's note). Other types yield nothing. Raises PageImageError when the
    file cannot be opened; a single page that fails to render is skipped, or, with `strict`,
    a picture's frame that fails to decode raises PictureDamaged.
    colour_probe (PDFs): each page is drawn at COLOUR_PROBE_DPI first, and a page without any
    colour there is given at that resolution, not drawn again at `dpi` (for the seal search on
    pages of text: a seal or a stamp is colour; not for OCR, nor for scans in grey).
    """
    kind = detected_type.lower().lstrip(".")
    kind = PICTURE_TYPE_ALIASES.get(kind, kind)
    if kind == "pdf":
        yield from _pdf_pages(data, dpi, max_pages, colour_probe)
    elif kind in PICTURE_TYPES:
        # only TIFF holds pages as frames; GIF/WebP frames are animation, MPO's a preview
        yield from _picture_pages(data, dpi, max_pages, frames_are_pages=kind == "tiff", strict=strict)


def page_order(count: int, max_pages: int) -> list[int]:
    """Which 1-based pages to look at and in which order: last, first, then inwards.

    >>> page_order(7, 4)
    [7, 1, 6, 2]
    """
    order: list[int] = []
    lo, hi = 1, count
    while lo <= hi and len(order) < max_pages:
        order.append(hi)
        if lo < hi and len(order) < max_pages:
            order.append(lo)
        lo, hi = lo + 1, hi - 1
    return order


# ---- pictures ----

def _picture_pages(data: bytes, dpi: int, max_pages: int, *, frames_are_pages: bool, strict: bool = False
                   ) -> Iterator[tuple[int, Image.Image, float | None]]:
    try:
        img = Image.open(io.BytesIO(data))
        width, height = img.size
    except Exception as exc:  # Pillow raises many kinds for a damaged file
        raise PageImageError(f"not a readable picture: {exc}") from None
    if width * height > MAX_SOURCE_PIXELS:
        raise PageImageError(f"picture too large to decode ({width}x{height})")
    frames = max(1, getattr(img, "n_frames", 1)) if frames_are_pages else 1
    for number in page_order(frames, max_pages):
        try:
            img.seek(number - 1)
            native = picture_dpi(img.info.get("dpi"), img.size)
            if native and img.format == "JPEG" and native > dpi * 1.5:
                # decode at 1/2, 1/4 or 1/8 scale straight from the DCT data
                want = (math.ceil(img.size[0] * dpi / native), math.ceil(img.size[1] * dpi / native))
                full = img.size[0]
                img.draft("RGB", want)
                native *= img.size[0] / full
            page = _to_rgb(_upright(img) if number == 1 else img)
            if page is img and frames > 1:
                page = page.copy()  # the next seek() changes img: each page is its own picture
        except Exception as exc:  # a damaged frame: the others may still be fine
            if strict:
                raise PictureDamaged(f"{type(exc).__name__}: {str(exc)[:300]}") from exc
            log.debug("frame %d of a picture skipped: %s", number, exc)
            continue
        page, native = _cap_pixels(page, native)
        yield number, page, native


def _upright(img: Image.Image) -> Image.Image:
    """The picture turned as its EXIF orientation says. exif_transpose copies the whole picture
    even when it is upright already (most are): a copy of a photo's pixels for nothing."""
    if img.getexif().get(ORIENTATION, 1) in (None, 1):
        return img
    return ImageOps.exif_transpose(img)


def picture_dpi(info_dpi: object, size: tuple[int, int]) -> float | None:
    """The picture's resolution: from its header when plausible, else estimated for page-shaped pictures."""
    long_px, short_px = max(size), max(1, min(size))
    if isinstance(info_dpi, (tuple, list)) and info_dpi:
        try:
            values = [float(v) for v in info_dpi[:2] if float(v) > 0]
        except (TypeError, ValueError):
            values = []
        if values:
            value = sum(values) / len(values)
            long_mm = long_px / value * 25.4
            if PLAUSIBLE_LONG_SIDE_MM[0] <= long_mm <= PLAUSIBLE_LONG_SIDE_MM[1]:
                return value
    if PAGE_ASPECT[0] <= long_px / short_px <= PAGE_ASPECT[1]:
        return long_px / (A4_LONG_MM / 25.4)
    return None


def _to_rgb(img: Image.Image) -> Image.Image:
    """RGB on white: transparency over white paper, 16-bit grey scaled down, CMYK converted."""
    if img.mode in ("I;16", "I;16B", "I;16L", "I"):
        arr = np.asarray(img).astype(np.float64)
        top = max(float(arr.max()), 1.0)
        scale = 255.0 / (65535.0 if top > 255 else 255.0)
        return Image.fromarray(np.clip(arr * scale, 0, 255).astype(np.uint8), "L").convert("RGB")
    if img.mode == "P" and "transparency" in img.info:
        img = img.convert("RGBA")
    if img.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = img.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return img if img.mode == "RGB" else img.convert("RGB")  # convert() copies even an RGB picture


def _cap_pixels(img: Image.Image, dpi: float | None) -> tuple[Image.Image, float | None]:
    pixels = img.size[0] * img.size[1]
    if pixels <= MAX_PIXELS:
        return img, dpi
    factor = math.sqrt(MAX_PIXELS / pixels)
    size = (max(1, int(img.size[0] * factor)), max(1, int(img.size[1] * factor)))
    return img.resize(size, Image.Resampling.BOX), (dpi * factor if dpi else None)


# ---- PDF ----

def _open_pdf(data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except Exception as exc:  # PdfiumError: damaged, encrypted
        raise PageImageError(f"PDF cannot be opened: {exc}") from None


def _pdf_pages(data: bytes, dpi: int, max_pages: int, colour_probe: bool = False
               ) -> Iterator[tuple[int, Image.Image, float | None]]:
    doc = _open_pdf(data)
    try:
        for number in page_order(len(doc), max_pages):
            try:
                img, scale = _render(doc, number, dpi, COLOUR_PROBE_DPI if colour_probe else None)
            except Exception as exc:  # one broken page: look at the others
                log.debug("PDF page %d not rendered: %s", number, exc)
                continue
            yield number, img, 72.0 * scale
    finally:
        doc.close()


def render_pdf_page(data: bytes, page: int, *, dpi: int = 200) -> Image.Image:
    """One 1-based page of a PDF as an RGB image at `dpi` (lower for pages over MAX_PIXELS).

    For OCR, which wants more pixels than the seal search. Raises PageImageError
    when the file or that page cannot be rendered.
    """
    doc = _open_pdf(data)
    try:
        if not 1 <= page <= len(doc):
            raise PageImageError(f"no page {page} (the PDF has {len(doc)})")
        try:
            return _render(doc, page, dpi)[0]
        except Exception as exc:
            raise PageImageError(f"page {page} cannot be rendered: {exc}") from None
    finally:
        doc.close()


def _render(doc: pdfium.PdfDocument, number: int, dpi: float, probe_dpi: float | None = None
            ) -> tuple[Image.Image, float]:
    """Render page `number` of an open pdfium document; the image and pdfium's scale. With
    `probe_dpi`, drawn at that resolution first, and given so when it has no colour at all."""
    page = doc[number - 1]
    try:
        width_pt, height_pt = page.get_size()
        if probe_dpi is not None:
            scale = render_scale(width_pt, height_pt, probe_dpi)
            img = _drawn(page, scale)
            if _without_colour(img):
                return img, scale
        scale = render_scale(width_pt, height_pt, dpi)
        img = _drawn(page, scale)
    finally:
        page.close()
    return img, scale


def _drawn(page: pdfium.PdfPage, scale: float) -> Image.Image:
    # a BGR bitmap: to_pil() copies it into a new RGB image (the bitmap is
    # left to the garbage collector; closing it by hand is unsafe for shared buffers)
    img = page.render(scale=scale, may_draw_forms=True, draw_annots=True).to_pil()
    return img if img.mode == "RGB" else img.convert("RGB")


def _without_colour(img: Image.Image) -> bool:
    """Every pixel has equal channels (black text, grey lines and pictures on white)."""
    red, green, blue = img.split()
    return red.tobytes() == green.tobytes() == blue.tobytes()


def render_scale(width_pt: float, height_pt: float, dpi: float) -> float:
    """pdfium's scale (pixels per point) for `dpi`, lowered so the page stays under MAX_PIXELS."""
    scale = dpi / 72.0
    area = max(width_pt, 1.0) * max(height_pt, 1.0)
    if area * scale * scale > MAX_PIXELS:
        scale = math.sqrt(MAX_PIXELS / area) * 0.999  # pdfium rounds the bitmap's sides up
    return scale


def pdf_embedded_images(data: bytes, *, max_pages: int = 10, min_side: int = 48
                        ) -> Iterator[tuple[int, Image.Image, float | None]]:
    """(1-based page, RGB image on white, its resolution as placed on the page) for pictures in a PDF.

    Transparent parts (a seal image with an alpha mask) come out white, as on
    paper. The resolution is the picture's pixels over its placed size, so the
    seal search can judge its physical size. Pictures smaller than `min_side`
    pixels (icons, bullets) or larger than MAX_PIXELS are left out.
    """
    doc = _open_pdf(data)
    try:
        for number in page_order(len(doc), max_pages):
            try:
                page = doc[number - 1]
                objects = list(page.get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_IMAGE]))
            except Exception:
                continue
            for obj in objects:
                found = _embedded_image(obj, min_side)
                if found is not None:
                    yield number, found[0], found[1]
    finally:
        doc.close()


def _embedded_image(obj: pdfium.PdfImage, min_side: int) -> tuple[Image.Image, float | None] | None:
    try:
        px_w, px_h = obj.get_px_size()
        if min(px_w, px_h) < min_side or px_w * px_h > MAX_PIXELS:
            return None
        # render=True applies the soft mask; the raw bitmap would show the
        # transparent background as black
        img = _to_rgb(obj.get_bitmap(render=True).to_pil())
        m = obj.get_matrix()  # maps the unit square onto the page, in points
        placed_w, placed_h = math.hypot(m.a, m.b), math.hypot(m.c, m.d)
    except Exception:
        return None
    if placed_w <= 0 or placed_h <= 0:
        return img, None
    dpi = math.sqrt((px_w / (placed_w / 72.0)) * (px_h / (placed_h / 72.0)))
    return img, dpi
