"""The state-secret stamp on a page: a boxed red stamp whose word reads MẬT, TỐI MẬT or TUYỆT MẬT
(on a grayscale scan, the same stamp in grey).

Runs in the sandbox workers, on each picture and page the seal search looked at: the frames come
from tinbai.extract.seal.boxed (cheap, on the red ink already worked out, or a grey scan's dark
ink); only when a frame is found is its inside read, with Tesseract on one line of text (~0.2-0.3
s). The red letters are made black on white and everything else white first, so that black text
printed under or across the stamp is not read with it. The word is judged by tinbai.extract.secrecy.level_of_mark: the
urgency stamp (KHẨN, HỎA TỐC) has the same shape and is no secrecy mark.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import cv2
import numpy as np
from PIL import Image

from tinbai.extract.seal.boxed import FRAME_MM, boxed_stamps
from tinbai.extract.seal.search import PageInk
from tinbai.extract.secrecy import level_of_mark
from tinbai.parsers import ocr
from tinbai.report import SecrecyMark

__all__ = ["secrecy_stamps"]

log = logging.getLogger(__name__)

LETTER_PX = 48  # the inside is enlarged to about this height for Tesseract
MIN_REDNESS = 40  # red channel over the larger of green and blue, on the 0-255 scale


def secrecy_stamps(ink: PageInk, page: int, sharper: Callable[[], Image.Image | None] | None
                   ) -> tuple[list[SecrecyMark], int]:
    """The state-secret stamps on one picture or page, from its ink, and how many boxed stamps
    were found but could not be read. `sharper` gives the page again at a resolution OCR can
    read (~200 dpi; the ink is worked out at ~72), only asked for when a frame is found; None
    when OCR is off."""
    boxes = boxed_stamps(ink)
    if not boxes:
        return [], 0
    picture = sharper() if sharper is not None else None
    if picture is None:
        return [], len(boxes)
    factor = picture.width / ink.size[0]
    px_per_mm = ink.px_per_mm / ink.scale * factor
    marks, unread = [], 0
    for box in boxes:
        try:
            words = _read_inside(picture, tuple(round(v * factor) for v in box), px_per_mm, ink.colour)
        except ocr.OcrError as e:
            log.warning("the boxed stamp on page %s could not be read: %s", page, e)
            unread += 1
            continue
        level = level_of_mark(words, capitals=False)
        if level is not None:
            marks.append(SecrecyMark(level=level, where="stamp", page=page, box=box, image_size=ink.size,
                                     source=words))
    return marks, unread


def _read_inside(img: Image.Image, box: tuple[int, int, int, int], px_per_mm: float, colour: str) -> str:
    """The words inside the frame: its ink (red, or on a grey page the dark ink, by Otsu's
    threshold) black on white, enlarged, read as one line."""
    x, y, w, h = box
    inset = round(FRAME_MM * px_per_mm)
    crop = (x + inset, y + inset, x + w - inset, y + h - inset)
    if colour == "red":
        rgb = np.asarray(img.crop(crop).convert("RGB")).astype(np.int16)
        redness = rgb[..., 0] - np.maximum(rgb[..., 1], rgb[..., 2])
        letters = np.where(redness >= MIN_REDNESS, 0, 255).astype(np.uint8)
    else:
        gray = np.ascontiguousarray(np.asarray(img.crop(crop).convert("L")))
        _, letters = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    picture = Image.fromarray(letters, "L")
    factor = min(6.0, max(1.0, LETTER_PX / max(1, picture.height)))
    if factor > 1.0:
        picture = picture.resize((round(picture.width * factor), round(picture.height * factor)), Image.BICUBIC)
    margin = max(10, picture.height // 2)
    padded = Image.new("L", (picture.width + 2 * margin, picture.height + 2 * margin), 255)
    padded.paste(picture, (margin, margin))
    return ocr.ocr_image(padded, psm=7, timeout=20)
