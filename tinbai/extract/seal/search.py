"""The search for seals on one picture or page: at about 72 dpi, sized by the resolution when known."""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np
from PIL import Image

from tinbai.extract.seal.ink import red_mask
from tinbai.extract.seal.shape import Candidate, blob_candidates, candidate_box
from tinbai.report import SealMark

__all__ = ["WORK_DPI", "find_seals", "has_red_seal", "seal_candidates"]

# The parser workers are one per core (tinbai.ingest.runner.analysis_threads): OpenCV's own
# pool of a thread per core then only adds switching, ~20 % more CPU for the seal search.
cv2.setNumThreads(1)

WORK_DPI = 72.0
# Physical size of a seal (outer diameter). Real seals are 30-45 mm; the range is
# wider to absorb scans printed or scanned "fit to page" and the major axis of a
# skewed seal.
MIN_SEAL_MM = 24.0
MAX_SEAL_MM = 60.0
# Without a resolution, the picture's shorter side is taken as an A4 width,
# with a wider tolerance since the framing of a photo is unknown.
ASSUMED_SHORT_SIDE_MM = 210.0
UNKNOWN_DPI_SLACK = 2.0
MIN_DPI, MAX_DPI = 20.0, 2400.0


def find_seals(img: Image.Image | np.ndarray, dpi: float | None) -> list[SealMark]:
    """Round red seals on one picture or rendered page, best first; [] for none.

    `img` is a PIL image (any mode) or an RGB uint8 array. `dpi` is its resolution,
    None when unknown (the size of a seal is then judged relative to the picture).
    The boxes are in pixels of `img`; page is 1, the caller sets the real page.
    """
    width, height = img.size if isinstance(img, Image.Image) else (img.shape[1], img.shape[0])
    marks = [SealMark(page=1, box=c.box, image_size=(width, height), score=round(c.score, 3))
             for c in seal_candidates(img, dpi) if c.is_seal]
    marks.sort(key=lambda m: -m.score)
    return marks


def seal_candidates(img: Image.Image | np.ndarray, dpi: float | None) -> list[Candidate]:
    """Every red blob of about a seal's size with what was measured on it (for tuning and debugging)."""
    if dpi is not None and not MIN_DPI <= dpi <= MAX_DPI:
        dpi = None  # a nonsense resolution says nothing about the size
    width, height = img.size if isinstance(img, Image.Image) else (img.shape[1], img.shape[0])
    if width < 8 or height < 8:
        return []
    small = _working_copy(img, _work_scale(width, height, dpi))
    if small is None or _all_grey(small):
        return []
    scale = small.shape[1] / width
    px_per_mm = dpi * scale / 25.4 if dpi else min(small.shape[:2]) / ASSUMED_SHORT_SIDE_MM
    lo, hi = _diameter_range(px_per_mm, dpi is not None)
    found = []
    for cand in blob_candidates(red_mask(small, px_per_mm), px_per_mm, lo, hi):
        x, y, w, h = candidate_box(cand, small.shape[1], small.shape[0])
        box = (round(x / scale), round(y / scale), round(w / scale), round(h / scale))
        found.append(replace(cand, box=box, diameter_mm=round(cand.axes[0] / px_per_mm, 1)))
    return found


def has_red_seal(img: Image.Image | np.ndarray, dpi: float | None) -> bool:
    return bool(find_seals(img, dpi))


def _working_copy(img: Image.Image | np.ndarray, scale: float) -> np.ndarray | None:
    """The picture as an RGB array reduced by `scale`; None when it has no colour at all."""
    if isinstance(img, Image.Image):
        width, height = img.size
        if img.mode in ("1", "L", "LA", "I", "I;16", "F"):
            return None  # a grayscale or bilevel scan cannot show red
        if img.mode in ("RGBA", "PA") or (img.mode == "P" and "transparency" in img.info):
            rgba = img.convert("RGBA")  # transparent parts are paper
            img = Image.alpha_composite(Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba)
        if scale <= 0.5:
            img = img.reduce(int(1 / scale))  # cheap box filter before the array is made
        arr = np.asarray(img if img.mode == "RGB" else img.convert("RGB"))
    else:
        height, width = img.shape[:2]
        arr = np.asarray(img)
        if arr.ndim != 3 or arr.shape[2] < 3:
            return None
        arr = arr[..., :3]
        if arr.dtype != np.uint8:
            arr = np.clip(arr, 0, 255).astype(np.uint8)
    target = (max(1, round(width * scale)), max(1, round(height * scale)))
    if (arr.shape[1], arr.shape[0]) != target:
        # Down to half the size, bilinear reads every source pixel and is six times faster than
        # INTER_AREA at a fractional ratio (~12 ms a photo); further down only area averaging
        # does not alias.
        close = target[0] * 2 >= arr.shape[1]
        arr = cv2.resize(np.ascontiguousarray(arr), target, interpolation=cv2.INTER_LINEAR if close else cv2.INTER_AREA)
    return np.ascontiguousarray(arr)


def _all_grey(rgb: np.ndarray) -> bool:
    """Every pixel has equal channels: a text PDF's rendered page, a grey scan saved in colour.
    Such a page is balanced by the same gain in each channel and has no saturation anywhere, so
    red_mask would be empty (MIN_SATURATION and WEAK_SATURATION are above 0); this says so in a
    fraction of the time (~8 ms a page at the seal search's resolution)."""
    red, green, blue = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    return bool(np.array_equal(red, green) and np.array_equal(green, blue))


def _work_scale(width: int, height: int, dpi: float | None) -> float:
    """Factor to bring the picture to about WORK_DPI (never enlarged)."""
    if dpi and dpi > 0:
        return min(1.0, WORK_DPI / dpi)
    # unknown resolution: treat the shorter side as an A4 width
    return min(1.0, WORK_DPI * (ASSUMED_SHORT_SIDE_MM / 25.4) / max(1, min(width, height)))


def _diameter_range(px_per_mm: float, dpi_known: bool) -> tuple[float, float]:
    lo, hi = MIN_SEAL_MM * px_per_mm, MAX_SEAL_MM * px_per_mm
    if not dpi_known:
        lo, hi = lo / UNKNOWN_DPI_SLACK, hi * UNKNOWN_DPI_SLACK
    return lo, hi
