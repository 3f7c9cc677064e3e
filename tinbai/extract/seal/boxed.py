"""Boxed red stamps on a page: a red rectangular frame around a word, in the page's header.

Offices stamp two marks that way under the document's number and symbol: the state-secret mark
("MẬT", "TỐI MẬT", "TUYỆT MẬT", the national rule on state-secret documents) and the urgency mark
("KHẨN", "THƯỢNG KHẨN", "HỎA TỐC"). By shape and colour the two are the same, so this module only
finds the frames; the word inside is read by the caller (tinbai.extract.reading, with OCR) and
judged by tinbai.extract.secrecy.level_of_mark.

It works on the red ink the seal search has already worked out for the page (PageInk, ~72 dpi):
one labelling of the ink's connected parts and a few sums per candidate, about a millisecond a
page (bench/secrecy.py); on a scanned page without colour, on its dark ink (dark_ink). A frame is
- where a mark is stamped: in the upper half of the page (the header; a registration stamp
  "ĐÃ ĐĂNG KÝ" or a seal lower down is not looked at);
- the size of such a stamp, 12-80 mm wide and 5-20 mm high, wider than high;
- a rectangle's outline: red along at least 70 % of each of its four sides (faded ink breaks a
  frame a little), and around a word: some red inside, but not a filled block (a banner, a logo).
"""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

from tinbai.extract.seal.search import PageInk, plausible_dpi, px_per_mm, work_scale
from tinbai.extract.seal.shape import components

__all__ = ["FRAME_MM", "boxed_stamps", "dark_ink"]

WIDTH_MM = (12.0, 80.0)
HEIGHT_MM = (5.0, 20.0)
MIN_ASPECT = 1.4  # width / height: a word in a frame, not a square logo
FRAME_MM = 1.5  # how deep each side's band is searched for the frame's line
MIN_SIDE = 0.7  # share of each side's length the frame's red covers
INSIDE = (0.03, 0.75)  # red share of the inside: letters (bold ones run together at ~72 dpi), not
# an empty box nor a filled block
HEADER_SHARE = 0.5  # the stamp is in the header: the page's upper half
DARK_LEVEL = 0.8  # on a page without colour, ink is darker than this share of the paper's brightness (a
# red stamp scanned in grey, faded in places, is lighter than black text)


def dark_ink(img: Image.Image, dpi: float | None) -> PageInk | None:
    """The dark ink of a page without colour (a grayscale scan), where the red search sees nothing:
    a state-secret stamp scanned in grey is a dark frame around a word. About 3 ms a page; the
    caller runs it on scanned pages only (a born-digital page states its mark in its text)."""
    dpi = plausible_dpi(dpi)
    width, height = img.size
    if width < 8 or height < 8:
        return None
    scale = work_scale(width, height, dpi)
    gray = img if img.mode == "L" else img.convert("L")
    if scale <= 0.5:
        gray = gray.reduce(int(1 / scale))  # a box filter before the array is made, as for red ink
    arr = np.asarray(gray)
    target = (max(1, round(width * scale)), max(1, round(height * scale)))
    if (arr.shape[1], arr.shape[0]) != target:  # bilinear down to half the size, as for the red ink
        close = target[0] * 2 >= arr.shape[1]
        arr = cv2.resize(arr, target, interpolation=cv2.INTER_LINEAR if close else cv2.INTER_AREA)
    paper = float(np.percentile(arr[::4, ::4], 90))
    scale = arr.shape[1] / width
    return PageInk(arr < paper * DARK_LEVEL, scale, px_per_mm(arr, scale, dpi), dpi is not None, (width, height),
                   colour="dark")


def boxed_stamps(ink: PageInk) -> list[tuple[int, int, int, int]]:
    """(x, y, width, height) in pixels of the picture the ink was taken from, of each frame of the
    ink around a word in the page's upper half; [] for none."""
    mask = ink.mask
    height, width = mask.shape
    top = mask[: max(1, round(height * HEADER_SHARE))].astype(np.uint8)
    if not top.any():
        return []
    mm = ink.px_per_mm
    slack = 1.0 if ink.dpi_known else 2.0  # an unknown resolution is a guess from the picture's size
    _count, _labels, stats = components(top)  # as the seal search labels its ink
    w, h = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT]
    # a grey page's ink has a part for every letter: the sizes are judged all at once
    sized = ((WIDTH_MM[0] * mm / slack <= w) & (w <= WIDTH_MM[1] * mm * slack) & (h >= HEIGHT_MM[0] * mm / slack)
             & (h <= HEIGHT_MM[1] * mm * slack) & (w >= MIN_ASPECT * h))
    found = []
    for x, y, w, h, _area in stats[1:][sized]:
        if _is_frame(top[y:y + h, x:x + w], mm):
            s = ink.scale
            found.append((round(x / s), round(y / s), round(w / s), round(h / s)))
    return found


def _is_frame(box: np.ndarray, px_per_mm: float) -> bool:
    """A rectangle's outline around some ink: each side's band has ink along most of its length."""
    h, w = box.shape
    band = max(1, round(FRAME_MM * px_per_mm))
    if h <= 3 * band or w <= 3 * band:
        return False
    sides = (box[:band].any(axis=0), box[-band:].any(axis=0), box[:, :band].any(axis=1), box[:, -band:].any(axis=1))
    if min(float(side.mean()) for side in sides) < MIN_SIDE:
        return False
    inside = box[band + 1:h - band - 1, band + 1:w - band - 1]
    return inside.size > 0 and INSIDE[0] <= float(inside.mean()) <= INSIDE[1]
