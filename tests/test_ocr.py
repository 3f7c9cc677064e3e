"""OCR of scanned official documents: a page drawn with Pillow, read back by Tesseract."""

from __future__ import annotations

import difflib
import io
import math
import shutil
import time
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFont

from tests.pace import scaled
from tinbai.parsers import ocr

FONTS = Path("/usr/share/fonts/truetype/dejavu")
SERIF, SERIF_BOLD = FONTS / "DejaVuSerif.ttf", FONTS / "DejaVuSerif-Bold.ttf"

needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract is not installed")
needs_fonts = pytest.mark.skipif(not SERIF_BOLD.exists(), reason="DejaVu fonts are not installed")

PAPER = (250, 249, 244)
INK = (25, 25, 25)
RED = (214, 36, 42)
NUMBER = "Số: 117/QĐ-STP"
DATE_LINE = "Bình Phước, ngày 28 tháng 4 năm 2026"
SIGNER = "Nguyễn Văn Hùng"


def render_page(dpi: int = 150, *, red_title: bool = False) -> Image.Image:
    """An A4 decision of a provincial department, with a red seal over the signature."""
    width, height = round(8.27 * dpi), round(11.69 * dpi)
    img = Image.new("RGB", (width, height), PAPER)
    draw = ImageDraw.Draw(img)

    def pt(points: float) -> int:
        return round(points * dpi / 72)

    regular, bold = ImageFont.truetype(str(SERIF), pt(12)), ImageFont.truetype(str(SERIF_BOLD), pt(12))
    small, title = ImageFont.truetype(str(SERIF), pt(10)), ImageFont.truetype(str(SERIF_BOLD), pt(14))

    def centred(
        x: float, y: float, text: str, font: ImageFont.FreeTypeFont, fill: tuple[int, ...] = INK
    ) -> None:
        draw.text((x - draw.textlength(text, font=font) / 2, y), text, font=font, fill=fill)

    left, right = width * 0.25, width * 0.68
    y = pt(50)
    centred(left, y, "SỞ TƯ PHÁP", bold)
    centred(right, y, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold)
    y += pt(16)
    centred(left, y, "TỈNH BÌNH PHƯỚC", bold)
    centred(right, y, "Độc lập - Tự do - Hạnh phúc", bold)
    y += pt(26)
    centred(left, y, NUMBER, regular)
    centred(right, y, DATE_LINE, regular)
    y += pt(40)
    centred(width / 2, y, "QUYẾT ĐỊNH", title, RED if red_title else INK)
    y += pt(18)
    centred(width / 2, y, "Về việc ban hành Kế hoạch phổ biến, giáo dục pháp luật năm 2026", bold)
    y += pt(30)
    for line in (
        "Căn cứ Luật Phổ biến, giáo dục pháp luật ngày 20 tháng 6 năm 2012;",
        "Căn cứ Quyết định số 15/2025/QĐ-UBND của Ủy ban nhân dân tỉnh;",
        "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch phổ biến pháp luật.",
        "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.",
    ):
        draw.text((pt(80), y), line, font=regular, fill=INK)
        y += pt(20)
    y += pt(20)
    draw.text((pt(60), y), "Nơi nhận:", font=bold, fill=INK)
    centred(right, y, "GIÁM ĐỐC", bold)
    for item in ("- Như Điều 3;", "- Trang thông tin điện tử;", "- Lưu: VT, VP."):
        y += pt(14)
        draw.text((pt(60), y), item, font=small, fill=INK)
    sig_y = y - pt(20)
    draw.line(
        [(right - pt(50) + 4 * i, sig_y + pt(10) + 12 * math.sin(i / 3)) for i in range(40)],
        fill=(30, 40, 160),
        width=3,
    )
    centred(right, sig_y + pt(75), SIGNER, bold)
    _draw_seal(img, (right - pt(40), sig_y + pt(32)), pt(45), pt)
    return img


def _draw_seal(img: Image.Image, centre: tuple[float, float], radius: int, pt: object) -> None:
    """Two red rings, a star and a ring of red letters, over the title and the signature.

    Stamp ink is translucent: it is drawn on its own sheet and multiplied onto the page,
    so black letters under it stay black, as on a real scan.
    """
    page = img
    img = Image.new("RGB", page.size, "white")
    draw = ImageDraw.Draw(img)
    cx, cy = centre
    for share, width in ((1.0, 3), (0.62, 1.5)):
        r = radius * share
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=RED, width=pt(width))  # type: ignore[operator]
    font = ImageFont.truetype(str(SERIF_BOLD), pt(8))  # type: ignore[operator]
    ring = "SỞ TƯ PHÁP * TỈNH BÌNH PHƯỚC * "
    for i, ch in enumerate(ring):
        a = 2 * math.pi * i / len(ring) - math.pi / 2
        tile = Image.new("RGBA", (pt(12), pt(12)), (0, 0, 0, 0))  # type: ignore[operator]
        ImageDraw.Draw(tile).text((0, 0), ch, font=font, fill=RED)
        tile = tile.rotate(-math.degrees(a) - 90, expand=True)
        x, y = cx + radius * 0.8 * math.cos(a), cy + radius * 0.8 * math.sin(a)
        img.paste(tile, (round(x - tile.width / 2), round(y - tile.height / 2)), tile)
    star = [(cx + radius * 0.35 * math.cos(-math.pi / 2 + k * 4 * math.pi / 5),
             cy + radius * 0.35 * math.sin(-math.pi / 2 + k * 4 * math.pi / 5)) for k in range(5)]  # fmt: skip
    draw.polygon(star, fill=RED)
    page.paste(ImageChops.multiply(page, img))


def scanned(img: Image.Image, angle: float, quality: int = 70) -> Image.Image:
    """The page as a careless scan: turned a little, saved as a lossy JPEG."""
    turned = img.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=PAPER)
    buf = io.BytesIO()
    turned.save(buf, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buf.getvalue()))


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).lower().split())


def fuzzy_in(needle: str, text: str, min_ratio: float = 0.9) -> bool:
    """Whether some stretch of text matches needle up to small OCR noise."""
    needle, hay = _norm(needle), _norm(text)
    if needle in hay:
        return True
    n = len(needle)
    return any(
        difflib.SequenceMatcher(None, needle, hay[i : i + n]).ratio() >= min_ratio
        for i in range(max(1, len(hay) - n + 1))
    )


def _timed_ocr(img: Image.Image) -> tuple[str, float]:
    start = time.perf_counter()
    text = ocr.ocr_document_regions(img)
    elapsed = time.perf_counter() - start
    print(f"OCR {img.size[0]}x{img.size[1]}: {elapsed:.2f} s")
    return text, elapsed


# --------------------------------------------------------------------------- OCR (a few pages)
@needs_tesseract
@needs_fonts
def test_reads_header_and_signature_block_through_the_seal() -> None:
    text, elapsed = _timed_ocr(render_page())
    assert text == unicodedata.normalize("NFC", text)
    assert fuzzy_in(NUMBER, text) and "117" in text
    assert fuzzy_in(DATE_LINE, text)
    assert fuzzy_in("QUYẾT ĐỊNH", text)
    assert fuzzy_in("Nơi nhận:", text) and fuzzy_in("Trang thông tin điện tử;", text)
    assert fuzzy_in("GIÁM ĐỐC", text) and fuzzy_in(SIGNER, text)  # under the seal
    assert "BÌNH PHƯỚC *" not in text  # the seal's ring is not read as text
    assert elapsed < scaled(15)


@needs_tesseract
@needs_fonts
def test_reads_a_turned_jpeg_scan() -> None:
    text, _ = _timed_ocr(scanned(render_page(), angle=1.5))
    assert fuzzy_in(NUMBER, text) and "117" in text
    assert fuzzy_in(DATE_LINE, text)
    assert fuzzy_in("Nơi nhận:", text)


@needs_tesseract
@needs_fonts
def test_reads_a_small_scan_with_a_red_title() -> None:
    page = scanned(render_page(dpi=100, red_title=True), angle=-1.0, quality=80)
    text, _ = _timed_ocr(page)  # upscaled ~2x before reading
    assert fuzzy_in(DATE_LINE, text, 0.85)
    assert fuzzy_in("QUYẾT ĐỊNH", text)  # red words that are not a seal are kept
    assert fuzzy_in("Nơi nhận:", text, 0.85)


@needs_tesseract
def test_ocr_image_plain_line() -> None:
    img = Image.new("L", (900, 90), 255)
    ImageDraw.Draw(img).text(
        (20, 20), "Cộng hòa xã hội chủ nghĩa Việt Nam", font=ImageFont.truetype(str(SERIF), 36), fill=0
    )
    assert fuzzy_in("Cộng hòa xã hội chủ nghĩa Việt Nam", ocr.ocr_image(img), 0.9)


# --------------------------------------------------------------------------- failures
def test_missing_tesseract_is_an_ocr_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr, "TESSERACT", "/nonexistent/tesseract-binary")
    with pytest.raises(ocr.OcrError, match="not installed"):
        ocr.ocr_image(Image.new("L", (50, 50), 255))


def test_timeout_is_an_ocr_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    slow = tmp_path / "slow-tesseract"
    slow.write_text("#!/bin/sh\nexec sleep 30\n")
    slow.chmod(0o755)
    monkeypatch.setattr(ocr, "TESSERACT", str(slow))
    start = time.perf_counter()
    with pytest.raises(ocr.OcrError, match="longer than"):
        ocr.ocr_image(Image.new("L", (50, 50), 255), timeout=0.5)
    assert time.perf_counter() - start < scaled(5)


def test_failing_tesseract_is_an_ocr_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    broken = tmp_path / "broken-tesseract"
    broken.write_text("#!/bin/sh\necho \"Failed loading language 'vie'\" >&2\nexit 1\n")
    broken.chmod(0o755)
    monkeypatch.setattr(ocr, "TESSERACT", str(broken))
    with pytest.raises(ocr.OcrError, match="Failed loading language"):
        ocr.ocr_image(Image.new("L", (50, 50), 255))


# --------------------------------------------------------------------------- cleaning (no OCR)
@needs_fonts
def test_seal_is_found_and_whitened_but_a_red_title_is_kept() -> None:
    page = render_page(red_title=True)
    rgb = np.asarray(page)
    boxes = ocr._seal_boxes(rgb)
    assert len(boxes) == 1
    x0, y0, x1, y1 = boxes[0]
    assert 0.5 < (x1 - x0) / (y1 - y0) < 2 and y0 > page.height * 0.3  # the seal, not the title
    gray = ocr._gray_without_seals(page, drop_seals=True)
    red = (rgb[:, :, 0].astype(int) - rgb[:, :, 1:].max(axis=2)) > 100
    in_box = np.zeros_like(red)
    in_box[y0:y1, x0:x1] = True
    assert np.percentile(gray[red & in_box], 1) > 180  # seal ink is paper now
    assert gray[red & ~in_box].mean() < 110  # the red title is still dark ink


@needs_fonts
@pytest.mark.parametrize("angle", [-2.0, 1.5])
def test_skew_is_measured(angle: float) -> None:
    page = scanned(render_page(), angle=angle)
    gray = ocr._flatten_background(ocr._gray_without_seals(page, drop_seals=True))
    assert ocr._skew_angle(ocr._otsu(gray)) == pytest.approx(-angle, abs=0.35)


@needs_fonts
def test_small_print_is_enlarged() -> None:
    page = render_page(dpi=100)
    assert ocr._letter_height(ocr._otsu(np.asarray(page.convert("L")))) < ocr.MIN_LETTER_PX
    small = ocr.prepare_page(page)
    assert small.shape[1] > 1.3 * page.width
    letters = ocr._letter_height(ocr._otsu(small))
    assert letters is not None and 0.8 * ocr.MIN_LETTER_PX < letters < 1.3 * ocr.MIN_LETTER_PX
    assert ocr.prepare_page(render_page(dpi=200)).shape[1] == round(8.27 * 200)  # large print is left alone


@needs_fonts
def test_regions_keep_header_and_closing_part() -> None:
    gray = ocr.prepare_page(render_page())
    box = ocr.content_box(ocr._otsu(gray))
    assert box is not None and box.bottom < gray.shape[0] * 0.7  # the page's lower half is empty
    content = gray[box.top : box.bottom, box.left : box.right]
    stacked = ocr._regions(gray)
    margin = (stacked.shape[1] - content.shape[1]) // 2
    inner = stacked[margin:-margin, margin:-margin]
    k = int(content.shape[0] * 0.3)  # the header and the closing part are there, pixel for pixel
    assert np.array_equal(inner[:k], content[:k])
    assert np.array_equal(inner[-k:], content[-k:])
    assert inner.shape[0] < content.shape[0]  # and part of the middle was skipped


# --------------------------------------------------------------------------- triage
@needs_fonts
def test_document_pages_look_like_documents() -> None:
    page = render_page()
    assert ocr.looks_like_document(page)
    assert ocr.looks_like_document(scanned(page, 2.0))
    assert ocr.looks_like_document(page.convert("L"))
    assert ocr.looks_like_document(page.rotate(90, expand=True))


def _event_photo(seed: int) -> Image.Image:
    """A photo-like picture: a sky-to-floor gradient, coloured shapes (people, a banner), noise."""
    rng = np.random.default_rng(seed)
    h, w = 600, 900
    t = np.linspace(0, 1, h)[:, None, None]
    img = (1 - t) * np.array([90, 140, 200]) + t * np.array([120, 80, 50]) + np.zeros((h, w, 3))
    for _ in range(25):
        x, y = rng.integers(0, w - 80), rng.integers(h // 4, h - 120)
        img[y : y + rng.integers(60, 200), x : x + rng.integers(20, 80)] = rng.integers(0, 255, 3)
    img[40:110, 150:750] = [200, 20, 30]  # a red banner
    img += rng.normal(0, 12, img.shape)
    return Image.fromarray(np.clip(img, 0, 255).astype(np.uint8), "RGB")


@pytest.mark.parametrize("seed", range(4))
def test_photos_are_not_documents(seed: int) -> None:
    start = time.perf_counter()
    assert not ocr.looks_like_document(_event_photo(seed))
    assert time.perf_counter() - start < scaled(0.5)


def test_noise_gradient_and_blank_pictures_are_not_documents() -> None:
    rng = np.random.default_rng(7)
    noise = Image.fromarray(rng.integers(0, 256, (800, 600, 3), dtype=np.uint8), "RGB")
    ramp = Image.fromarray(np.tile(np.linspace(0, 255, 600, dtype=np.uint8), (800, 1)), "L")
    blank = Image.new("RGB", (1240, 1754), PAPER)
    bright_noise = Image.fromarray(rng.integers(200, 256, (800, 600), dtype=np.uint8), "L")
    for picture in (noise, ramp, blank, bright_noise):
        assert not ocr.looks_like_document(picture)


def test_exif_rotation_is_applied() -> None:
    upright = Image.new("RGB", (300, 500), PAPER)
    stored = upright.transpose(Image.Transpose.ROTATE_90)  # the camera stored it lying down
    exif = stored.getexif()
    exif[0x0112] = 6  # "rotate 90 degrees clockwise to display"
    buf = io.BytesIO()
    stored.save(buf, "JPEG", exif=exif.tobytes())
    assert ocr._flat(Image.open(io.BytesIO(buf.getvalue()))).size == (300, 500)
