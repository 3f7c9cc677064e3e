"""The search for seals on one picture or page: at about 72 dpi, sized by the resolution when known."""

from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np
from PIL import Image

from tinbai.extract.seal.ink import red_mask
from tinbai.extract.seal.shape import Candidate, blob_candidates, candidate_box
from tinbai.report import SealMark

__all__ = ["WORK_DPI", "PageInk", "find_seals", "has_red_seal", "plausible_dpi", "px_per_mm", "red_ink",
           "seal_candidates", "seals_in", "work_scale"]

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


@dataclass(frozen=True)
class PageInk:
    """The ink of one colour on one picture or page at about WORK_DPI: the red ink that the seal
    search and the search for boxed stamps (tinbai.extract.seal.boxed) both look at, worked out
    once; or, on a page without colour, its dark ink (boxed.dark_ink)."""

    mask: np.ndarray  # bool, the working copy's pixels that are that ink
    scale: float  # working-copy pixels per pixel of the picture given
    px_per_mm: float  # working-copy pixels per millimetre (of an assumed A4 width when the dpi is unknown)
    dpi_known: bool
    size: tuple[int, int]  # width, height of the picture given
    colour: str = "red"  # "red" or "dark"


def red_ink(img: Image.Image | np.ndarray, dpi: float | None) -> PageInk | None:
    """The picture's red ink, or None when it cannot show any (too small, grayscale, all grey)."""
    dpi = plausible_dpi(dpi)
    width, height = img.size if isinstance(img, Image.Image) else (img.shape[1], img.shape[0])
    if width < 8 or height < 8:
        return None
    small = _working_copy(img, work_scale(width, height, dpi))
    if small is None or _all_grey(small):
        return None
    scale = small.shape[1] / width
    per_mm = px_per_mm(small, scale, dpi)
    return PageInk(red_mask(small, per_mm), scale, per_mm, dpi is not None, (width, height))


def plausible_dpi(dpi: float | None) -> float | None:
    """`dpi`, or None when it is nonsense: such a resolution says nothing about sizes."""
    return dpi if dpi is not None and MIN_DPI <= dpi <= MAX_DPI else None


def px_per_mm(small: np.ndarray, scale: float, dpi: float | None) -> float:
    """Working-copy pixels per millimetre: from the dpi, else taking the shorter side as an A4 width."""
    return dpi * scale / 25.4 if dpi else min(small.shape[:2]) / ASSUMED_SHORT_SIDE_MM


def find_seals(img: Image.Image | np.ndarray, dpi: float | None) -> list[SealMark]:
    """Round red seals on one picture or rendered page, best first; [] for none.

    `img` is a PIL image (any mode) or an RGB uint8 array. `dpi` is its resolution,
    None when unknown (the size of a seal is then judged relative to the picture).
    The boxes are in pixels of `img`; page is 1, the caller sets the real page.
    """
    ink = red_ink(img, dpi)
    return seals_in(ink) if ink is not None else []


def seals_in(ink: PageInk) -> list[SealMark]:
    """find_seals on red ink already worked out."""
    marks = [SealMark(page=1, box=c.box, image_size=ink.size, score=round(c.score, 3))
             for c in _candidates(ink) if c.is_seal]
    marks.sort(key=lambda m: -m.score)
    return marks


def seal_candidates(img: Image.Image | np.ndarray, dpi: float | None) -> list[Candidate]:
    """Every red blob of about a seal's size with what was measured on it (for tuning and debugging)."""
    ink = red_ink(img, dpi)
    return _candidates(ink) if ink is not None else []


def _candidates(ink: PageInk) -> list[Candidate]:
    lo, hi = _diameter_range(ink.px_per_mm, ink.dpi_known)
    found = []
    height, width = ink.mask.shape
    for cand in blob_candidates(ink.mask, ink.px_per_mm, lo, hi):
        x, y, w, h = candidate_box(cand, width, height)
        box = (round(x / ink.scale), round(y / ink.scale), round(w / ink.scale), round(h / ink.scale))
        found.append(replace(cand, box=box, diameter_mm=round(cand.axes[0] / ink.px_per_mm, 1)))
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
    fraction of the time (~8 ms a page at the seal search's resolution).
    The channels are split into planes of their own and compared as bytes: comparing the
    interleaved views element by element took three times as long (~0.7 ms a page)."""
    red, green, blue = cv2.split(rgb)
    return red.tobytes() == green.tobytes() == blue.tobytes()


def work_scale(width: int, height: int, dpi: float | None) -> float:
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
