"""Seal shape: the red blobs of about a seal's size, and whether each is a seal's ring, letters and star.

Steps 2 and 3 of tinbai.extract.seal: grouping the ink into blobs, then fitting an ellipse to
each blob's outer edge and measuring how a seal's ink fills it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import cv2
import numpy as np

__all__ = ["MAX_ASPECT", "Candidate", "blob_candidates", "candidate_box", "component_boxes", "components"]

JOIN_GAPS_MM = (2.5, 6.0)
SOLID_MM = 2.2  # thicker than the outer ring (1-1.5 mm) and any letter stroke
MAX_ASPECT = 1.7  # a seal photographed or scanned at an angle, not a box or a word

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


def blob_candidates(mask: np.ndarray, px_per_mm: float, lo: float, hi: float) -> list[Candidate]:
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
        boxes = component_boxes(joined)
        big, small = boxes[:, 2:4].max(axis=1), boxes[:, 2:4].min(axis=1)
        for x, y, w, h, first_x, first_y in boxes[(big >= lo) & (big <= hi * 1.15) & (small >= lo / MAX_ASPECT)].tolist():
            if any(f.is_seal and _inside(f, x + w / 2, y + h / 2) for f in found):
                continue  # the same seal, found by the narrower pass
            # the blob's pixels: its part of its box (another blob may reach into the box)
            _count, labels = cv2.connectedComponents(joined[y:y + h, x:x + w], connectivity=8, ltype=cv2.CV_32S)
            ys, xs = np.nonzero((labels == labels[first_y - y, first_x - x]) & mask[y:y + h, x:x + w])
            if len(xs) < 20:
                continue
            cand = _measure((xs + x).astype(np.float64), (ys + y).astype(np.float64), mask, solid_mask)
            if cand is not None:
                found.append(replace(cand, is_seal=_is_seal(cand, lo, hi)))
    return found


def component_boxes(binary: np.ndarray) -> np.ndarray:
    """One row (x, y, width, height, first x, first y) for each 8-connected part of a 0/1 picture,
    in the order of their first pixels (top to bottom, left to right).

    From the parts' outer borders (Suzuki's border following, cv2.findContours) rather than by
    labelling every pixel with its statistics (cv2.connectedComponentsWithStats): a fifth of the
    time on the masks of photos, where red is spread over the picture; the pixels of the few
    parts of about a seal's size are labelled afterwards, each in its own box. A border's first
    point is its part's first pixel. For a picture of a great many parts (a grey page's ink has
    one for every letter) components() is the faster."""
    contours, hierarchy = cv2.findContours(binary, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return np.zeros((0, 6), dtype=np.int64)
    # an outer border has no parent; a hole's border has its part as parent
    outer = [c for c, parent in zip(contours, hierarchy[0][:, 3], strict=True) if parent < 0]
    lengths = np.fromiter(map(len, outer), dtype=np.int64, count=len(outer))
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    points = np.concatenate(outer).reshape(-1, 2).astype(np.int64)
    x0, y0 = np.minimum.reduceat(points[:, 0], starts), np.minimum.reduceat(points[:, 1], starts)
    x1, y1 = np.maximum.reduceat(points[:, 0], starts), np.maximum.reduceat(points[:, 1], starts)
    first = points[starts]
    boxes = np.stack([x0, y0, x1 - x0 + 1, y1 - y0 + 1, first[:, 0], first[:, 1]], axis=1)
    return boxes[np.lexsort((first[:, 0], first[:, 1]))]


def components(binary: np.ndarray) -> tuple[int, np.ndarray, np.ndarray]:
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
    """The farthest red pixel from (cx, cy) in each of `bins` directions, in the order of the
    directions; of pixels equally far, the last given.

    Two passes of maximum per direction rather than sorting the pixels by direction and
    distance: the same pixels, a third of the time on the tens of thousands of pixels of a red
    banner in a photo."""
    dx, dy = xs - cx, ys - cy
    r = np.hypot(dx, dy)
    idx = np.minimum(((np.arctan2(dy, dx) + math.pi) / (2 * math.pi) * bins).astype(int), bins - 1)
    farthest = np.full(bins, -1.0)
    np.maximum.at(farthest, idx, r)
    at_farthest = np.flatnonzero(r == farthest[idx])
    last = np.full(bins, -1)
    np.maximum.at(last, idx[at_farthest], at_farthest)
    pick = last[last >= 0]
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


def candidate_box(c: Candidate, width: int, height: int) -> tuple[int, int, int, int]:
    half = c.axes[0] / 2
    x0, y0 = max(0, int(c.centre[0] - half)), max(0, int(c.centre[1] - half))
    x1, y1 = min(width, math.ceil(c.centre[0] + half)), min(height, math.ceil(c.centre[1] + half))
    return x0, y0, x1 - x0, y1 - y0
