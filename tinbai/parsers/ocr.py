"""OCR of scanned official documents with the Tesseract binary (language "vie").

A scanned decision or dispatch tells the checks who issued it, its number, place and
date, its kind and its summary (the header, top of the page) and who signed it and
for whom (signature block and "Nơi nhận:", bottom of the content). We read those two
parts in one Tesseract call, after cleaning the picture:

- grayscale where the red ink of seals turns white: the seal is stamped over the
  signer's title and name, and its ring of red letters would otherwise be read as text
  (red words such as a red title or "KHẨN" are kept);
- uneven lighting and faded scans flattened by dividing by the page's own background;
- the page straightened (scans are often 1-3 degrees off, which mixes lines up);
- small print enlarged (a 100 dpi scan is read as if it were ~150-200 dpi);
- left in gray for Tesseract's own Otsu binarisation (our Otsu copy finds the layout).

pytesseract is not a dependency: we run `tesseract stdin stdout` ourselves, with one
OpenMP thread (the parser sandbox runs several files at once). Any failure (binary or
language missing, time-out, crash) is an OcrError; the caller records it.
"""

from __future__ import annotations

import io
import os
import subprocess
import unicodedata
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageOps

__all__ = [
    "TESSERACT",
    "OcrError",
    "content_box",
    "looks_like_document",
    "ocr_document_regions",
    "ocr_image",
    "prepare_page",
]

TESSERACT = "tesseract"  # the binary; a module attribute so a deployment or a test can point elsewhere
LANGUAGE = "vie"
HEADER_SHARE = 0.35  # issuing body, number, place and date, kind, summary
SIGNATURE_SHARE = 0.45  # closing lines, "Nơi nhận:", title, seal, signer
# Letters smaller than this (median glyph height, px) are enlarged to it: below it Tesseract
# starts to lose diacritics; above it enlarging costs time and gained nothing in our trials.
MIN_LETTER_PX = 16.0
MAX_UPSCALE = 3.0
MAX_PIXELS = 12_000_000  # an upscaled page never grows past this (time and memory)


class OcrError(Exception):
    """OCR could not run: Tesseract or its Vietnamese data missing, a time-out, a crash."""


# --------------------------------------------------------------------------- tesseract
def ocr_image(img: Image.Image, *, timeout: float = 30, psm: int = 6, dpi: int = 300) -> str:
    """Text of one picture as Tesseract reads it (``-l vie --psm 6``), NFC. No cleaning here."""
    buf = io.BytesIO()
    _flat(img).save(buf, format="PNG")
    cmd = [TESSERACT, "stdin", "stdout", "-l", LANGUAGE, "--psm", str(psm), "--dpi", str(dpi)]
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        done = subprocess.run(
            cmd, input=buf.getvalue(), capture_output=True, timeout=timeout, env=env, check=False
        )
    except FileNotFoundError as e:
        raise OcrError(f"tesseract is not installed ({TESSERACT!r} not found)") from e
    except subprocess.TimeoutExpired as e:  # run() has killed the child already
        raise OcrError(f"tesseract took longer than {timeout:g} s") from e
    except OSError as e:
        raise OcrError(f"tesseract could not start: {e}") from e
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise OcrError(f"tesseract failed (exit {done.returncode}): {detail[-1] if detail else 'no message'}")
    return unicodedata.normalize("NFC", done.stdout.decode("utf-8", "replace")).strip()


def _flat(img: Image.Image) -> Image.Image:
    """RGB or L, with transparency laid on white paper and 16-bit or CMYK modes made 8-bit."""
    if img.getexif().get(0x0112, 1) != 1:  # phone pictures carry their rotation in EXIF
        img = ImageOps.exif_transpose(img)
    if img.mode in ("L", "RGB"):
        return img
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        paper = Image.new("RGB", rgba.size, "white")
        paper.paste(rgba, mask=rgba.getchannel("A"))
        return paper
    if img.mode in ("I;16", "I;16B", "I;16L", "I"):
        arr = np.asarray(img, dtype=np.float64)
        top = arr.max() or 1.0
        return Image.fromarray((arr * (255.0 / top)).astype(np.uint8), "L")
    return img.convert("RGB")


# --------------------------------------------------------------------------- cleaning
def _seal_boxes(rgb: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Boxes (x0, y0, x1, y1) around red blobs shaped like a seal: round or square and at
    least about 15 mm across. Red words (a red title, "KHẨN" in a frame) are wide and
    short, so they are not taken for seals and keep their ink."""
    r = rgb[:, :, 0].astype(np.int16)
    redness = r - np.maximum(rgb[:, :, 1], rgb[:, :, 2]).astype(np.int16)
    red = ((redness > 35) & (r > 120)).astype(np.uint8)  # faded seals are pink, not red
    if red.sum() < 50:
        return []
    height, width = red.shape
    k = max(3, width // 100)  # joins the ring's letters and the star to the circle
    closed = cv2.morphologyEx(red, cv2.MORPH_CLOSE, np.ones((k, k), np.uint8))
    n, _, stats, _ = cv2.connectedComponentsWithStats(closed, connectivity=8)
    boxes = []
    smallest = 0.06 * min(width, height / 1.414)  # ~13 mm on an A4 page of either orientation
    for x, y, w, h, _area in stats[1:n]:
        if w >= smallest and h >= smallest and 0.6 <= w / h <= 1.6:
            pad = k
            boxes.append(
                (max(0, x - pad), max(0, y - pad), min(width, x + w + pad), min(height, y + h + pad))
            )
    return boxes


def _gray_without_seals(img: Image.Image, drop_seals: bool) -> np.ndarray:
    """Grayscale; with drop_seals, the red ink of seals becomes as light as its red channel.

    Inside a seal's box, max(luminance, R) leaves black and blue ink as they are (R is
    low there) and lifts red and pink pixels, anti-aliased edges included, to near white.
    """
    flat = _flat(img)
    if flat.mode == "L":
        return np.asarray(flat, dtype=np.uint8)
    rgb = np.asarray(flat, dtype=np.uint8)
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    if drop_seals:
        for x0, y0, x1, y1 in _seal_boxes(rgb):
            gray[y0:y1, x0:x1] = np.maximum(gray[y0:y1, x0:x1], rgb[y0:y1, x0:x1, 0])
    return gray


def _flatten_background(gray: np.ndarray) -> np.ndarray:
    """Divide by the paper's own brightness (a max filter wider than any stroke removes the
    ink), so yellowed, shadowed or faded scans become black on white."""
    k = max(15, (min(gray.shape) // 40) | 1)
    background = cv2.dilate(gray, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    background = cv2.GaussianBlur(background, (0, 0), k / 2)
    return cv2.divide(gray, np.maximum(background, 1), scale=255)


def _otsu(gray: np.ndarray) -> np.ndarray:
    """Ink 0, paper 255."""
    _, binary = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return binary


def _skew_angle(binary: np.ndarray, limit: float = 5.0) -> float:
    """Angle (degrees) that makes text lines horizontal: the rotation whose row profile of
    ink is sharpest (lines and gaps best separated). Done on a small copy: fast."""
    scale = min(1.0, 800.0 / binary.shape[1])
    small = cv2.resize(255 - binary, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    h, w = small.shape
    centre = (w / 2, h / 2)

    def sharpness(angle: float) -> float:
        m = cv2.getRotationMatrix2D(centre, angle, 1.0)
        rotated = cv2.warpAffine(small, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
        rows = rotated.sum(axis=1, dtype=np.float64)
        return float(np.square(np.diff(rows)).sum())

    coarse = max(np.arange(-limit, limit + 0.01, 0.5), key=sharpness)
    return float(max(np.arange(coarse - 0.4, coarse + 0.41, 0.1), key=sharpness))


def _rotate(gray: np.ndarray, angle: float) -> np.ndarray:
    if abs(angle) < 0.05:
        return gray
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)


def _letter_height(binary: np.ndarray) -> float | None:
    """Median height of the glyph-sized ink blobs (diacritics and specks left out)."""
    n, _, stats, _ = cv2.connectedComponentsWithStats(255 - binary, connectivity=8)
    h = stats[1:, cv2.CC_STAT_HEIGHT]
    w = stats[1:, cv2.CC_STAT_WIDTH]
    area = stats[1:, cv2.CC_STAT_AREA]
    glyphs = h[(h >= 5) & (h <= binary.shape[0] // 10) & (w <= 3 * h) & (area >= 8)]
    if n < 20 or glyphs.size < 20:
        return None
    return float(np.median(glyphs))


def _upscale_factor(binary: np.ndarray) -> float:
    height = _letter_height(binary)
    if not height:
        return 1.0
    factor = min(MAX_UPSCALE, MIN_LETTER_PX / height)
    factor = min(factor, (MAX_PIXELS / binary.size) ** 0.5)
    return factor if factor > 1.15 else 1.0


def prepare_page(img: Image.Image, *, drop_seals: bool = True) -> np.ndarray:
    """The cleaned page for OCR: grayscale (uint8), seals whitened, background flattened,
    straightened, small print enlarged.

    It stays gray: Tesseract binarises it itself (Otsu) and reads the anti-aliased edges
    of small diacritics better than our own black-and-white copy; our Otsu copy serves
    the layout (skew, letter size, content box, where to cut).
    """
    gray = _flatten_background(_gray_without_seals(img, drop_seals))
    gray = _rotate(gray, _skew_angle(_otsu(gray)))
    factor = _upscale_factor(_otsu(gray))
    if factor > 1.0:
        gray = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)
    return gray


# --------------------------------------------------------------------------- regions
@dataclass(frozen=True)
class Box:
    top: int
    bottom: int
    left: int
    right: int


def content_box(binary: np.ndarray) -> Box | None:
    """The rectangle holding the ink, margins and scanner borders left out; None if blank."""
    ink = binary < 128
    h, w = ink.shape
    rows = ink.sum(axis=1)
    cols = ink.sum(axis=0)
    # a scanner's dark border fills whole rows or columns: not content
    row_ok = (rows > 0) & (rows < 0.6 * w)
    col_ok = (cols > 0) & (cols < 0.6 * h)
    if not row_ok.any() or not col_ok.any():
        return None
    ys, xs = np.flatnonzero(row_ok), np.flatnonzero(col_ok)
    return Box(int(ys[0]), int(ys[-1]) + 1, int(xs[0]), int(xs[-1]) + 1)


def _gap_near(binary: np.ndarray, y: int, reach: int) -> int:
    """The emptiest row within reach of y, so a cut never goes through a line of text."""
    lo, hi = max(0, y - reach), min(binary.shape[0], y + reach + 1)
    if hi <= lo:
        return y
    ink = (binary[lo:hi] < 128).sum(axis=1)
    best = np.flatnonzero(ink == ink.min())
    return lo + int(best[np.argmin(np.abs(best + lo - y))])


def _regions(gray: np.ndarray) -> np.ndarray:
    """Header and closing part of the content stacked into one image (one Tesseract start
    instead of two); the whole content when the part between them is too small to skip."""
    binary = _otsu(gray)
    box = content_box(binary)
    if box is None:
        return gray
    page = gray[box.top : box.bottom, box.left : box.right]
    ink = binary[box.top : box.bottom, box.left : box.right]
    h = page.shape[0]
    reach = max(4, h // 40)
    head_end = _gap_near(ink, int(h * HEADER_SHARE), reach)
    tail_start = _gap_near(ink, int(h * (1 - SIGNATURE_SHARE)), reach)
    margin = max(10, h // 60)
    if tail_start - head_end < 3 * margin:
        return np.pad(page, margin, constant_values=255)
    gap = np.full((2 * margin, page.shape[1]), 255, dtype=np.uint8)
    stacked = np.vstack([page[:head_end], gap, page[tail_start:]])
    return np.pad(stacked, margin, constant_values=255)


def ocr_document_regions(img: Image.Image, *, timeout: float = 30) -> str:
    """NFC text of a scanned official document's header (top ~35% of its content) and
    closing part (bottom ~45%: signature block, "Nơi nhận:"), with seals removed."""
    return ocr_image(Image.fromarray(_regions(prepare_page(img, drop_seals=True)), "L"), timeout=timeout)


# --------------------------------------------------------------------------- triage
_PROBE_WIDTH = 320


def looks_like_document(img: Image.Image) -> bool:
    """A cheap test that a picture is a page of text rather than a photo.

    A page is mostly light, nearly colourless paper (a red seal is small), with a little
    dark ink arranged in lines: its row profile alternates ink and blank rows many times.
    A photo of an event fails on the paper share or the colour before any line is counted.
    """
    flat = _flat(img)
    if flat.width >= 2 * _PROBE_WIDTH:  # block averaging by a whole factor first, in Pillow's C
        flat = flat.reduce(flat.width // _PROBE_WIDTH)
    scale = _PROBE_WIDTH / max(1, flat.width)
    size = (_PROBE_WIDTH, max(8, round(flat.height * scale)))
    # Then bilinear by less than half (every pixel is read: no aliasing), and the channels
    # compared one array against another. The judgement of Pillow's filtered resize and numpy's
    # reductions over the colour axis, in ~1.3 ms instead of 8.5 for a phone photo (an area
    # resize by the fractional factor alone took 2 ms); the test runs on every picture attached.
    small = cv2.resize(np.asarray(flat.convert("RGB")), size, interpolation=cv2.INTER_LINEAR)
    red, green, blue = cv2.split(small)
    gray = (red.astype(np.float32) + green + blue) / 3
    saturation = cv2.max(cv2.max(red, green), blue) - cv2.min(cv2.min(red, green), blue)
    paper = (gray > 0.75 * np.percentile(gray, 95)) & (saturation < 60)
    if paper.mean() < 0.6 or (saturation > 80).mean() > 0.15:
        return False
    ink = gray < 0.55 * np.percentile(gray, 95)
    if not 0.003 < ink.mean() < 0.25:
        return False
    return _text_lines(ink) >= 4 or _text_lines(ink.T) >= 4  # a page turned 90 degrees too


def _text_lines(ink: np.ndarray) -> int:
    """Bands of ink rows separated by blank rows, each a plausible line of text: thin, and
    not one solid blob (a photo's dark object is tall and dense)."""
    rows = ink.mean(axis=1)
    inked = rows > 0.01
    lines = 0
    y = 0
    height = len(rows)
    while y < height:
        if not inked[y]:
            y += 1
            continue
        start = y
        while y < height and inked[y]:
            y += 1
        band = ink[start:y]
        if (y - start) <= max(3, height // 12) and band.mean() < 0.5:
            lines += 1
    return lines
