"""Seal ink: which pixels of a page are the red or pink ink of a seal (step 1 of tinbai.extract.seal)."""

from __future__ import annotations

import math

import cv2
import numpy as np

__all__ = ["paper_white", "red_mask"]

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


def paper_white(rgb: np.ndarray) -> np.ndarray:
    """The colour to be taken as white, per channel.

    The 90th percentile of each channel is the paper on a page (most pixels are
    paper). It is only trusted when it looks like paper, bright and nearly
    neutral (white, cream, a scanner's colour cast); a photo's background (a
    blue wall, a red carpet) is not divided out, or skin would turn red.
    """
    white = _percentile_90(rgb[::4, ::4])
    if white.min() < PAPER_MIN_LEVEL or white.max() / max(white.min(), 1.0) > PAPER_MAX_CAST:
        return np.full(3, 255.0)
    return white


def _percentile_90(sample: np.ndarray) -> np.ndarray:
    """np.percentile(sample, 90, axis=0) of each channel of a uint8 picture, from the channel's
    histogram instead of sorting its pixels (a sixth of the time); the same numbers, down to
    numpy's own interpolation between the two nearest values."""
    n = sample.shape[0] * sample.shape[1]
    rank = (n - 1) * 0.9
    below = math.floor(rank)
    t = rank - below
    white = np.empty(3)
    for c in range(3):
        cumulative = np.cumsum(np.bincount(sample[..., c].ravel(), minlength=256))
        a, b = np.searchsorted(cumulative, [below, min(below + 1, n - 1)], side="right")
        diff = float(b - a)
        white[c] = b - diff * (1 - t) if t >= 0.5 else a + diff * t
    return white


def red_mask(rgb: np.ndarray, px_per_mm: float) -> np.ndarray:
    """Pixels that look like seal ink (bool array), after making the paper white.

    Two levels: clearly red pixels, and faintly red ones next to them (the
    thin, faded parts of a ring that a 72 dpi copy blends with the paper), the
    way an edge detector follows a weak edge from a strong one.
    """
    white = paper_white(rgb)
    if (white >= 255.0).all():
        balanced = rgb  # a photo, or white paper: nothing to divide out
    else:
        # saturating, per channel: a diagonal colour transform is three times as fast as
        # cv2.multiply by a per-channel scalar (~0.5 ms a photo); it rounds in single precision,
        # so a product that falls exactly halfway may come out one level lower
        balanced = cv2.transform(rgb, np.diag(255.0 / white))
    # OpenCV's "full" HSV: hue 0-255 for 0-360 degrees, S and V 0-255
    hue, sat, val = cv2.split(cv2.cvtColor(balanced, cv2.COLOR_RGB2HSV_FULL))
    in_hue = cv2.bitwise_or(cv2.compare(hue, _HUE_LO, cv2.CMP_LE), cv2.compare(hue, _HUE_HI, cv2.CMP_GE))
    strong = cv2.bitwise_and(in_hue, _at_least(sat, val, _STRONG_SAT))
    weak = cv2.bitwise_and(in_hue, _at_least(sat, val, _WEAK_SAT))
    k = max(3, round(WEAK_REACH_MM * px_per_mm) | 1)
    near = cv2.dilate(strong, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    return cv2.bitwise_or(strong, cv2.bitwise_and(weak, near)) > 0


# The tests above as whole-picture OpenCV comparisons rather than numpy arithmetic in 16 bits
# (on every picture and page): chroma = S * V / 255, so "chroma >= c and S >= s" is
# "S >= max(s, c * 255 / V)", a threshold for each V.
_HUE_LO, _HUE_HI = round(HUE_TO / 360 * 256), round(HUE_FROM / 360 * 256)


def _sat_thresholds(min_chroma: int, min_saturation: float) -> tuple[np.ndarray, int]:
    """For each V the least S (a table for cv2.LUT), and the least V for which some S is enough."""
    floor = round(min_saturation * 255)
    least = np.array([max(floor, -(-min_chroma * 255 // v)) if v else 256 for v in range(256)])
    return np.minimum(least, 255).astype(np.uint8), int(np.argmax(least <= 255))


_STRONG_SAT = _sat_thresholds(MIN_CHROMA, MIN_SATURATION)
_WEAK_SAT = _sat_thresholds(WEAK_CHROMA, WEAK_SATURATION)


def _at_least(sat: np.ndarray, val: np.ndarray, thresholds: tuple[np.ndarray, int]) -> np.ndarray:
    """255 where S reaches the threshold of the pixel's V, else 0."""
    least, min_val = thresholds
    # where no S is enough (a dark pixel), S = 255 must not pass
    return cv2.bitwise_and(cv2.compare(sat, cv2.LUT(val, least), cv2.CMP_GE), cv2.compare(val, min_val, cv2.CMP_GE))
