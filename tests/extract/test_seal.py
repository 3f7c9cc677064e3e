"""The red-seal search on pages drawn by tests/seal_pictures.py (150 dpi unless said)."""

from __future__ import annotations

import io
import math
import random

import cv2
import numpy as np
import pytest
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from tests import seal_pictures as sp
from tinbai.demo_samples import FONT_DIR
from tinbai.extract.reading import analyse_file
from tinbai.extract.seal import find_seals, has_red_seal, red_mask, seal_candidates
from tinbai.extract.seal.ink import (
    HUE_FROM,
    HUE_TO,
    MIN_CHROMA,
    MIN_SATURATION,
    WEAK_CHROMA,
    WEAK_REACH_MM,
    WEAK_SATURATION,
    paper_white,
)
from tinbai.extract.seal.shape import component_boxes, components
from tinbai.parsers.facts import ParseLimits

DPI = 150


def rng(seed: int) -> random.Random:
    return random.Random(seed)


def overlaps(box: tuple[int, int, int, int], truth: tuple[int, int, int, int]) -> bool:
    """The found box's centre lies inside the drawn seal's box."""
    x, y, w, h = box
    tx, ty, tw, th = truth
    return tx <= x + w / 2 <= tx + tw and ty <= y + h / 2 <= ty + th


# ---- seals that must be found ----

def test_red_seal_40mm_with_signature_is_found_where_it_is():
    page, truth = sp.sealed_page(rng(1), DPI, diameter_mm=40)
    marks = find_seals(page, DPI)
    assert len(marks) == 1
    mark = marks[0]
    assert mark.page == 1 and mark.image_size == page.size
    assert overlaps(mark.box, truth)
    # the box is about the seal's size (40 mm = 236 px at 150 dpi)
    assert 200 <= mark.box[2] <= 270 and 0.5 <= mark.score <= 1.0
    assert has_red_seal(page, DPI)


@pytest.mark.parametrize("case", ["rotated", "skewed", "jpeg60", "faded_pink", "purplish", "small_30mm",
                                  "no_signature", "yellow_paper", "uneven_light", "numpy_input"])
def test_seal_variants_are_found(case: str):
    r = rng(len(case) * 31 + ord(case[0]))  # a fixed seed per case (str hashes vary by process)
    kw: dict = {"diameter_mm": 40}
    if case == "faded_pink":
        kw.update(ink=sp.FADED_PINK, noise=0.4)
    elif case == "purplish":
        kw.update(ink=sp.PURPLISH)
    elif case == "small_30mm":
        kw.update(diameter_mm=30, ink=sp.FADED_PINK)
    elif case == "no_signature":
        kw.update(signed=False)
    elif case == "rotated":
        kw.update(rotate=37)
    elif case == "yellow_paper":
        kw.update(paper=(238, 224, 184))
    page, truth = sp.sealed_page(r, DPI, **kw)
    if case == "skewed":
        page = sp.skew(page, 0.75, 0.15)  # the circle becomes a tilted ellipse
    if case in ("jpeg60", "faded_pink", "small_30mm"):
        page = sp.jpeg(page, 60)
    if case == "uneven_light":
        page = sp.jpeg(sp.lighting(page, 0.6), 70)
    img = np.asarray(page) if case == "numpy_input" else page
    marks = find_seals(img, DPI)
    assert len(marks) == 1, case
    if case != "skewed":
        assert overlaps(marks[0].box, truth)


@pytest.mark.parametrize("dpi", [72, 100, 200, 300])
def test_resolution_is_taken_into_account(dpi: int):
    page, truth = sp.sealed_page(rng(dpi), dpi, diameter_mm=38)
    [mark] = find_seals(sp.jpeg(page, 75), dpi)
    assert overlaps(mark.box, truth)
    # the same page said to be at a much higher resolution: the blob is then too small for a seal
    assert find_seals(page, dpi * 4) == []


def test_unknown_resolution_judges_size_against_the_picture():
    page, (x, y, w, h) = sp.sealed_page(rng(3), DPI, diameter_mm=38)
    photo = sp.jpeg(page.crop((x - 300, y - 200, x + w + 400, y + h + 150)))  # a close-up, no dpi
    assert len(find_seals(photo, None)) == 1


def test_rgba_picture_with_transparent_background():
    cov = sp.seal_ink(320, rng(4), noise=0.1)
    rgba = Image.new("RGBA", cov.size, (*sp.RED, 0))
    rgba.putalpha(cov)  # a seal image as embedded in born-digital PDFs: red ink, transparent paper
    assert len(find_seals(rgba, 214)) == 1  # 320 px at 214 dpi = 38 mm


# ---- red things that are not seals ----

@pytest.mark.parametrize("draw", [sp.red_title, sp.red_underline, sp.khan_box, sp.red_rectangle,
                                  sp.red_square_logo, lambda p, d: sp.red_rectangle(p, d, filled=True),
                                  sp.red_ring, sp.red_disc, sp.red_digits],
                         ids=["title", "underline", "khan", "register_box", "square_logo", "filled_block",
                              "drawn_ring", "filled_disc", "big_digits"])
def test_red_marks_that_are_not_seals(draw):
    page = sp.jpeg(draw(sp.text_page(rng(5), DPI), DPI), 70)
    assert red_mask(np.asarray(page.resize((595, 842))), 2.83).any()  # there is red to look at
    assert find_seals(page, DPI) == []
    assert find_seals(page, None) == []


def test_all_the_red_marks_together_and_a_seal():
    page, truth = sp.sealed_page(rng(6), DPI)
    for draw in (sp.red_title, sp.red_underline, sp.khan_box, sp.red_rectangle, sp.red_square_logo):
        page = draw(page, DPI)
    marks = find_seals(sp.jpeg(page, 70), DPI)
    assert len(marks) == 1 and overlaps(marks[0].box, truth)


@pytest.mark.parametrize("seed", [7, 8, 9])
def test_event_photos_with_red_banners_and_flags(seed: int):
    photo = sp.event_photo(rng(seed), 1024, 682)
    assert find_seals(photo, None) == []
    assert find_seals(photo, 1024 / (297 / 25.4)) == []  # as pages.py estimates for 3:2 pictures


def test_grayscale_scan_of_a_sealed_page_has_no_seal():
    page, _ = sp.sealed_page(rng(10), DPI)
    gray = sp.jpeg(page, 75).convert("L")
    assert find_seals(gray, DPI) == []
    assert find_seals(gray.convert("RGB"), DPI) == []  # grey stored as RGB: no colour either
    assert seal_candidates(gray.convert("RGB"), DPI) == []


def test_degenerate_inputs():
    assert find_seals(Image.new("RGB", (4, 4), "red"), 150) == []
    assert find_seals(Image.new("RGB", (1240, 1754), "white"), 150) == []
    assert find_seals(Image.new("RGB", (1240, 1754), sp.RED), 150) == []  # all red: no shape
    assert find_seals(np.zeros((50, 50), np.uint8), None) == []
    page, _ = sp.sealed_page(rng(11), DPI)
    assert len(find_seals(page, 0.5)) == 1  # a nonsense dpi is ignored, the page is judged as A4


def test_a_grey_page_in_colour_has_no_seal_and_no_red_at_all():
    """The shortcut for pages whose channels are all equal (a text PDF's rendering) must say what
    the full search says: a grey seal-shaped ring on a grey page leaves red_mask empty."""
    page = sp.sealed_page(rng(7), dpi=72)[0].convert("L").convert("RGB")  # the seal in grey
    arr = np.asarray(page)
    assert arr[..., 0].std() > 5  # not blank: text and a ring are there
    assert not red_mask(arr, 72 / 25.4).any()
    assert seal_candidates(page, 72) == []
    assert find_seals(sp.sealed_page(rng(7), dpi=72)[0], 72)  # in red it is found


def test_a_mask_of_noise_with_more_components_than_16_bits_hold_is_labelled_all_the_same():
    noise = np.zeros((612, 816), np.uint8)
    noise[::2, ::2] = 1  # 8-connected: every dot is a component of its own, 125,000 of them
    count, labels, stats = components(noise)
    assert count == 306 * 408 + 1 and labels.max() == count - 1 and len(stats) == count


def _red_mask_as_defined(rgb: np.ndarray, px_per_mm: float) -> np.ndarray:
    """red_mask's rule written out pixel by pixel in numpy: the paper made white, then a hue from
    purple to orange-red, chroma (S * V / 255) and saturation above the strong or the weak level,
    weak pixels only within WEAK_REACH_MM of a strong one."""
    gain = tuple(float(255.0 / w) for w in paper_white(rgb)) + (0.0,)
    hsv = cv2.cvtColor(cv2.multiply(rgb, gain, dtype=cv2.CV_8U), cv2.COLOR_RGB2HSV_FULL)
    hue, sat, val = hsv[..., 0], hsv[..., 1].astype(np.int32), hsv[..., 2].astype(np.int32)
    in_hue = (hue <= round(HUE_TO / 360 * 256)) | (hue >= round(HUE_FROM / 360 * 256))
    strong = in_hue & (sat * val >= MIN_CHROMA * 255) & (sat >= round(MIN_SATURATION * 255))
    weak = in_hue & (sat * val >= WEAK_CHROMA * 255) & (sat >= round(WEAK_SATURATION * 255))
    k = max(3, round(WEAK_REACH_MM * px_per_mm) | 1)
    near = cv2.dilate(strong.astype(np.uint8), np.ones((k, k), np.uint8)) > 0
    return strong | (weak & near)


def test_red_mask_is_its_rule_on_every_colour():
    """The mask is computed with per-V saturation thresholds; on all 16.7 million colours it is
    the rule as written."""
    r, g = np.meshgrid(np.arange(256, dtype=np.uint8), np.arange(256, dtype=np.uint8), indexing="ij")
    for b in range(256):
        rgb = np.ascontiguousarray(np.stack([r, g, np.full_like(r, b)], axis=-1))
        assert np.array_equal(red_mask(rgb, 1.0), _red_mask_as_defined(rgb, 1.0)), f"blue {b}"


@pytest.mark.parametrize("seed", range(6))
def test_component_boxes_are_opencvs_components_in_the_order_of_their_first_pixels(seed: int):
    """The seal search's boxes from the parts' borders are the boxes OpenCV's labelling gives
    (holes, parts inside holes and parts at the picture's edges included), each with its first
    pixel, sorted by it."""
    gen = np.random.default_rng(seed)
    mask = (gen.random((97, 131)) < 0.08 * (seed + 1)).astype(np.uint8)
    mask = cv2.dilate(mask, np.ones((3, 3), np.uint8)) if seed % 2 else mask
    mask[40:60, 40:60], mask[45:55, 45:55], mask[48:52, 48:52] = 1, 0, 1  # a ring around a dot
    count, labels, stats = cv2.connectedComponentsWithStats(mask, connectivity=8)[:3]
    firsts = {}
    for y, x in zip(*np.nonzero(labels), strict=True):  # raster order: each label's first pixel
        firsts.setdefault(labels[y, x], (int(x), int(y)))
    expected = sorted(((*map(int, stats[k][:4]), *firsts[k]) for k in range(1, count)), key=lambda b: (b[5], b[4]))
    assert [tuple(box) for box in component_boxes(mask).tolist()] == expected
    assert component_boxes(np.zeros((5, 5), np.uint8)).shape == (0, 6)


# ---- a PDF of text, through the file reader ----

def vector_seal_pdf(*, seal: bool) -> bytes:
    """A decision typed in a PDF (no pictures at all) with, if `seal`, a seal drawn as vector
    graphics: rings, the agency's name around them, a star; red like the ink."""
    pdfmetrics.registerFont(TTFont("DejaVuSerif", str(FONT_DIR / "DejaVuSerif.ttf")))
    pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setFont("DejaVuSerif", 12)
    for k, line in enumerate(["CỤC THI HÀNH ÁN DÂN SỰ", "Số: 117/QĐ-CTHADS", "QUYẾT ĐỊNH", "Về việc ban hành quy chế"]):
        c.drawString(60, A4[1] - 70 - 20 * k, line)
    c.drawString(330, 250, "CỤC TRƯỞNG")
    if seal:
        cx, cy, r = 360, 200, 20 * mm
        c.setStrokeColorRGB(0.85, 0.1, 0.15)
        c.setFillColorRGB(0.85, 0.1, 0.15)
        c.setLineWidth(1.3 * mm)
        c.circle(cx, cy, r - 0.65 * mm)
        c.setLineWidth(0.4 * mm)
        c.circle(cx, cy, r - 5.5 * mm)
        c.setFont("DejaVuSans-Bold", 9)
        name = "CỤC THI HÀNH ÁN DÂN SỰ TỈNH THÁI NGUYÊN * "
        for i, ch in enumerate(name):
            a = math.pi / 2 - 2 * math.pi * i / len(name)
            c.saveState()
            c.translate(cx + (r - 3.6 * mm) * math.cos(a), cy + (r - 3.6 * mm) * math.sin(a))
            c.rotate(math.degrees(a) - 90)
            c.drawCentredString(0, -1.2 * mm, ch)
            c.restoreState()
        star = c.beginPath()
        for k in range(10):
            rr, a = (5 if k % 2 == 0 else 2) * mm, math.pi / 2 + math.pi * k / 5
            (star.moveTo if k == 0 else star.lineTo)(cx + rr * math.cos(a), cy + 3 * mm + rr * math.sin(a))
        star.close()
        c.drawPath(star, fill=1, stroke=0)
    c.showPage()
    c.save()
    return buf.getvalue()


def test_a_seal_drawn_in_a_pdf_without_pictures_is_found_and_its_absence_known():
    """The pages of a PDF without pictures are first drawn small for any colour at all
    (tinbai.parsers.pages.COLOUR_PROBE_DPI): a seal drawn there is still found where it is, and
    a page of black text is still a page looked at, with no seal on it."""
    sealed = analyse_file("qd.pdf", vector_seal_pdf(seal=True), ParseLimits())
    assert sealed.red_stamp is True and len(sealed.seals) == 1
    x, y, w, h = sealed.seals[0].box  # pixels of the page at 72 dpi: the seal is 40 mm, 113 pt
    assert sealed.seals[0].image_size[0] in (595, 596) and 100 <= w <= 130 and 300 <= x + w / 2 <= 420
    plain = analyse_file("qd.pdf", vector_seal_pdf(seal=False), ParseLimits())
    assert plain.red_stamp is False and plain.seals == [] and plain.scanned_pages == []
