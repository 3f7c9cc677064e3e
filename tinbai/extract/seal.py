"""Find the round red seal (con dấu đỏ) on a scanned page or a picture.

The search runs on a copy of the page reduced to about 72 dpi: a seal is 30-45 mm
across, about a hundred pixels at that resolution, plenty to judge its outline,
and a whole page costs some 15 ms.

1. Colour: the paper colour is measured and divided out when it looks like
   paper (cream paper, a scanner's colour cast); a pixel is seal ink when it is
   clearly chromatic with a hue between purple-magenta and orange-red, or
   faintly so right next to such a pixel (the faded parts of a ring). Pinkish
   and purplish ink passes; black text, blue signatures, skin tones, grey JPEG
   noise and a grayscale scan do not.
2. Grouping: a morphological closing joins the ring, the letters around it and
   the star into one blob (a narrow pass, then a wider one for a faint seal
   whose ring broke into arcs); blobs far from the physical size of a seal are
   dropped (from the dpi, or relative to the picture when it is unknown).
3. Shape: an ellipse (not a circle: skewed scans and photos squash the seal)
   is fitted to the outermost red pixel in every direction from the blob's
   centre. A seal's outer edge stays on that ellipse nearly all the way round,
   except where a signature or black text hides the ink; a box, a logo, a
   banner, a line or a word does not. And a seal is ink on paper: rings, thin
   letters and something in the middle (a star, an emblem, words), where a red
   logo, a filled disc, a face or a red shirt is a solid area, and a circle
   drawn around a word or a big "0" is empty in the middle.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import cv2
import numpy as np
from PIL import Image

from tinbai.report import SealMark

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
JOIN_GAPS_MM = (2.5, 6.0)
SOLID_MM = 2.2  # thicker than the outer ring (1-1.5 mm) and any letter stroke
MIN_DPI, MAX_DPI = 20.0, 2400.0
MAX_ASPECT = 1.7  # a seal photographed or scanned at an angle, not a box or a word

# colour thresholds, on the 0-255 scale after the paper is made white
MIN_CHROMA = 24  # faded pink ink on white still differs by ~40 between channels
MIN_SATURATION = 0.12
WEAK_CHROMA = 14  # faint ink next to clear ink
WEAK_SATURATION = 0.07
WEAK_REACH_MM = 2.0
HUE_FROM = 280.0  # purple-magenta …
HUE_TO = 20.0  # … through red to orange-red, short of skin tones (degrees, wrapping through 0)
PAPER_MIN_LEVEL = 150.0
PAPER_MAX_CAST = 1.3  # yellowed paper: (240, 228, 190)

# shape, in units of the fitted ellipse's radius (see Candidate)
EDGE_BAND = (0.92, 1.08)  # where the outer edge must lie in a direction to count for `outline`
MIN_OUTLINE = 0.65  # a signature or black text may hide a third of the ring
MAX_SPREAD = 0.08  # a square's edge wanders over +-20% around any ellipse, a seal's a few %
MAX_PROTRUSION = 0.05
FILL_RANGE = (0.06, 0.75)  # rings and letters on paper (dense ones with an emblem ~0.7); filled logos 0.8+
MIN_CORE = 0.01  # a star, an emblem or words in the middle
MAX_SOLID = 0.45  # only the star or emblem is thicker than a stroke; filled shapes 0.7+


@dataclass(frozen=True)
class Candidate:
    """What the shape analysis measured for one red blob of about a seal's size."""

    centre: tuple[float, float]  # working-resolution pixels
    axes: tuple[float, float]  # full lengths of the major and minor axes, working pixels
    angle: float
    outline: float  # fraction of directions where the outer edge lies on the ellipse
    spread: float  # interquartile range of the outer edge's radius (1 = on the ellipse)
    protrusion: float  # fraction of the blob's red pixels well outside the ellipse
    fill: float  # red fraction of the ellipse's area
    core: float  # share of the red pixels in the middle (a star, an emblem, words)
    solid: float  # share of the red pixels in areas thicker than a pen stroke
    score: float = 0.0
    is_seal: bool = False
    box: tuple[int, int, int, int] = (0, 0, 0, 0)  # x, y, w, h in pixels of the picture given
    diameter_mm: float = 0.0  # major axis; with an unknown dpi, in mm of an assumed A4 width


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
    for cand in _candidates(red_mask(small, px_per_mm), px_per_mm, lo, hi):
        x, y, w, h = _box(cand, small.shape[1], small.shape[0])
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


def paper_white(rgb: np.ndarray) -> np.ndarray:
    """The colour to be taken as white, per channel.

    The 90th percentile of each channel is the paper on a page (most pixels are
    paper). It is only trusted when it looks like paper, bright and nearly
    neutral (white, cream, a scanner's colour cast); a photo's background (a
    blue wall, a red carpet) is not divided out, or skin would turn red.
    """
    sample = rgb[::4, ::4].reshape(-1, 3)
    white = np.percentile(sample, 90, axis=0)
    if white.min() < PAPER_MIN_LEVEL or white.max() / max(white.min(), 1.0) > PAPER_MAX_CAST:
        return np.full(3, 255.0)
    return white


def red_mask(rgb: np.ndarray, px_per_mm: float) -> np.ndarray:
    """Pixels that look like seal ink (bool array), after making the paper white.

    Two levels: clearly red pixels, and faintly red ones next to them (the
    thin, faded parts of a ring that a 72 dpi copy blends with the paper), the
    way an edge detector follows a weak edge from a strong one.
    """
    white = paper_white(rgb)
    gain = tuple(float(255.0 / w) for w in white) + (0.0,)
    balanced = cv2.multiply(rgb, gain, dtype=cv2.CV_8U)  # saturating, per channel
    # OpenCV's "full" HSV: hue 0-255 for 0-360 degrees, S and V 0-255
    hsv = cv2.cvtColor(balanced, cv2.COLOR_RGB2HSV_FULL)
    hue, sat, val = hsv[..., 0], hsv[..., 1].astype(np.uint16), hsv[..., 2].astype(np.uint16)
    lo_hue, hi_hue = round(HUE_TO / 360 * 256), round(HUE_FROM / 360 * 256)
    in_hue = (hue <= lo_hue) | (hue >= hi_hue)
    chroma_x255 = sat * val  # chroma = S * V / 255
    strong = in_hue & (chroma_x255 >= MIN_CHROMA * 255) & (sat >= round(MIN_SATURATION * 255))
    weak = in_hue & (chroma_x255 >= WEAK_CHROMA * 255) & (sat >= round(WEAK_SATURATION * 255))
    k = max(3, round(WEAK_REACH_MM * px_per_mm) | 1)
    near = cv2.dilate(strong.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_RECT, (k, k))) > 0
    return strong | (weak & near)


def _candidates(mask: np.ndarray, px_per_mm: float, lo: float, hi: float) -> list[Candidate]:
    if mask.sum() < (lo * lo) * 0.02:  # not even a faint ring's worth of red
        return []
    m8 = mask.astype(np.uint8)
    # Red areas thicker than a stroke of the ring or of the letters (a star, a
    # filled logo, a face, a red shirt) survive this erosion.
    k_solid = max(3, round(SOLID_MM * px_per_mm) | 1)
    solid_mask = cv2.erode(m8, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k_solid, k_solid))) > 0
    found: list[Candidate] = []
    # Join the ring, the letters and the star across small gaps first; then across
    # wider ones, for a faint seal whose ring breaks into arcs (the narrow pass
    # keeps a seal apart from red text printed close to it).
    for gap_mm in JOIN_GAPS_MM:
        k = max(3, round(gap_mm * px_per_mm) | 1)
        joined = cv2.morphologyEx(m8, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
        count, labels, stats = _components(joined)
        for i in range(1, count):
            x, y, w, h, _area = stats[i]
            big, small = max(w, h), min(w, h)
            if big < lo or big > hi * 1.15 or small < lo / MAX_ASPECT:
                continue
            if any(f.is_seal and _inside(f, x + w / 2, y + h / 2) for f in found):
                continue  # the same seal, found by the narrower pass
            ys, xs = np.nonzero((labels[y:y + h, x:x + w] == i) & mask[y:y + h, x:x + w])
            if len(xs) < 20:
                continue
            cand = _measure(xs.astype(np.float32) + x, ys.astype(np.float32) + y, mask, solid_mask)
            if cand is not None:
                found.append(replace(cand, is_seal=_is_seal(cand, lo, hi)))
    return found


def _components(binary: np.ndarray) -> tuple[int, np.ndarray, np.ndarray]:
    """8-connected components of a 0/1 picture: (count, labels, stats) as OpenCV gives them.

    Grana's block-based algorithm finds the same components as the default (Spaghetti), a third
    faster on the masks of photos, where red is spread over the picture; 16-bit labels halve the
    time again on some picture widths. A mask with more than 65,535 components (noise) makes
    OpenCV refuse 16 bits, and it is labelled in 32."""
    try:
        count, labels, stats, _ = cv2.connectedComponentsWithStatsWithAlgorithm(binary, 8, cv2.CV_16U, cv2.CCL_BBDT)
    except cv2.error:
        count, labels, stats, _ = cv2.connectedComponentsWithStatsWithAlgorithm(binary, 8, cv2.CV_32S, cv2.CCL_BBDT)
    return count, labels, stats


def _inside(c: Candidate, x: float, y: float) -> bool:
    return math.hypot(x - c.centre[0], y - c.centre[1]) < c.axes[0] / 2


def _measure(xs: np.ndarray, ys: np.ndarray, mask: np.ndarray, solid_mask: np.ndarray) -> Candidate | None:
    """Fit an ellipse to the blob's outer edge and measure how seal-like it is.

    The outline is judged on the blob's own pixels; the fill and the middle on
    every red pixel inside the ellipse, since the star in the middle of a seal is
    often too far from the ring to be joined to it.
    """
    ellipse = _fit_outer_ellipse(xs, ys)
    if ellipse is None:
        return None
    ecx, ecy, d1, d2, ang = ellipse
    rho, theta = _polar(xs, ys, ellipse)
    outline, spread = _edge_fit(rho, theta)
    protrusion = float((rho > 1.2).mean())
    inner, thick = _rho_inside(mask, solid_mask, ellipse)
    fill = float(len(inner)) / max(math.pi * d1 * d2 / 4, 1.0)
    core = float((inner < 0.6).mean()) if len(inner) else 0.0
    solid = float(thick.mean()) if len(thick) else 0.0
    score = outline * (1.0 - min(1.0, protrusion * 4))
    return Candidate((ecx, ecy), (max(d1, d2), min(d1, d2)), ang, outline, spread, protrusion, fill, core,
                     solid, score)


def _fit_outer_ellipse(xs: np.ndarray, ys: np.ndarray) -> tuple[float, float, float, float, float] | None:
    """Ellipse (cx, cy, d1, d2, angle) through the outermost pixels, refitted without the outliers.

    Outliers are directions where the outer edge is not the ring: a gap under
    a signature shows the letters inside, a speck of red sticks out.
    """
    cx, cy = (xs.min() + xs.max()) / 2, (ys.min() + ys.max()) / 2
    edge_x, edge_y = _outer_edge(xs, ys, cx, cy)
    ellipse = None
    for _ in range(3):
        if len(edge_x) < 6:
            break
        (ecx, ecy), (d1, d2), ang = cv2.fitEllipse(np.stack([edge_x, edge_y], axis=1).astype(np.float32))
        if not (d1 > 2 and d2 > 2 and math.isfinite(ecx + ecy + d1 + d2)):
            return None
        ellipse = (ecx, ecy, d1, d2, ang)
        rho, _ = _polar(edge_x, edge_y, ellipse)
        keep = np.abs(rho - 1.0) < 0.15
        if keep.all() or keep.sum() < 6:
            break
        edge_x, edge_y = edge_x[keep], edge_y[keep]
    return ellipse


def _edge_fit(rho: np.ndarray, theta: np.ndarray, bins: int = 72) -> tuple[float, float]:
    """(outline, spread): share of directions whose outermost pixel is on the ellipse, and
    the interquartile range of the outermost radius over the directions that have red."""
    idx = np.minimum(((theta + math.pi) / (2 * math.pi) * bins).astype(int), bins - 1)
    outer = np.zeros(bins)
    np.maximum.at(outer, idx, rho)
    outline = float(((outer >= EDGE_BAND[0]) & (outer <= EDGE_BAND[1])).mean())
    seen = outer[outer > 0]
    if not len(seen):
        return 0.0, 9.0
    q1, q3 = np.percentile(seen, [25, 75])
    return outline, float(q3 - q1)


def _rho_inside(mask: np.ndarray, solid_mask: np.ndarray, ellipse: tuple[float, float, float, float, float]
                ) -> tuple[np.ndarray, np.ndarray]:
    """Normalised radius of every red pixel inside the ellipse, and whether it lies in a thick area."""
    ecx, ecy, d1, d2, _ = ellipse
    half = max(d1, d2) / 2
    h, w = mask.shape
    x0, y0 = max(0, int(ecx - half)), max(0, int(ecy - half))
    x1, y1 = min(w, int(ecx + half) + 2), min(h, int(ecy + half) + 2)
    ys, xs = np.nonzero(mask[y0:y1, x0:x1])
    rho, _ = _polar(xs.astype(np.float32) + x0, ys.astype(np.float32) + y0, ellipse)
    inside = rho <= 1.0
    return rho[inside], solid_mask[ys[inside] + y0, xs[inside] + x0]


def _outer_edge(xs: np.ndarray, ys: np.ndarray, cx: float, cy: float, bins: int = 90
                ) -> tuple[np.ndarray, np.ndarray]:
    """The farthest red pixel from (cx, cy) in each of `bins` directions."""
    dx, dy = xs - cx, ys - cy
    r = np.hypot(dx, dy)
    idx = np.minimum(((np.arctan2(dy, dx) + math.pi) / (2 * math.pi) * bins).astype(int), bins - 1)
    order = np.lexsort((r, idx))  # by direction, then by distance
    last = np.r_[idx[order][1:] != idx[order][:-1], True]
    pick = order[last]
    return xs[pick], ys[pick]


def _polar(xs: np.ndarray, ys: np.ndarray, ellipse: tuple[float, float, float, float, float]
           ) -> tuple[np.ndarray, np.ndarray]:
    """Radius (1 = on the ellipse) and angle of points in the ellipse's own frame."""
    ecx, ecy, d1, d2, ang = ellipse
    t = math.radians(ang)
    c, s = math.cos(t), math.sin(t)
    dx, dy = xs - ecx, ys - ecy
    u = (dx * c + dy * s) / (d1 / 2)
    v = (-dx * s + dy * c) / (d2 / 2)
    return np.hypot(u, v), np.arctan2(v, u)


def _is_seal(c: Candidate, lo: float, hi: float) -> bool:
    major, minor = c.axes
    return (lo <= major <= hi and major / max(minor, 1.0) <= MAX_ASPECT
            and c.outline >= MIN_OUTLINE and c.spread <= MAX_SPREAD and c.protrusion <= MAX_PROTRUSION
            and FILL_RANGE[0] <= c.fill <= FILL_RANGE[1] and c.core >= MIN_CORE and c.solid <= MAX_SOLID)


def _box(c: Candidate, width: int, height: int) -> tuple[int, int, int, int]:
    half = c.axes[0] / 2
    x0, y0 = max(0, int(c.centre[0] - half)), max(0, int(c.centre[1] - half))
    x1, y1 = min(width, math.ceil(c.centre[0] + half)), min(height, math.ceil(c.centre[1] + half))
    return x0, y0, x1 - x0, y1 - y0
