"""Seal ink: which pixels of a page are the red or pink ink of a seal (step 1 of tinbai.extract.seal)."""

from __future__ import annotations

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
