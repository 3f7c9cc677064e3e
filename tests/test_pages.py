"""Pages as pictures: pictures with and without a resolution, multi-frame files, PDFs."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from tinbai.parsers.pages import (
    COLOUR_PROBE_DPI,
    MAX_PIXELS,
    PageImageError,
    page_images,
    page_order,
    pdf_embedded_images,
    picture_dpi,
    render_pdf_page,
    render_scale,
)

A4_PT = (595.28, 841.89)


def encode(img: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **kw)
    return buf.getvalue()


def pdf(pages: int, *, size=A4_PT, draw=None) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=size)
    for n in range(1, pages + 1):
        c.setFont("Helvetica", 14)
        c.drawString(72, size[1] - 72, f"Trang {n}")
        if draw:
            draw(c, n)
        c.showPage()
    c.save()
    return buf.getvalue()


def test_page_order_last_first_then_inwards():
    assert page_order(1, 10) == [1]
    assert page_order(2, 10) == [2, 1]
    assert page_order(5, 10) == [5, 1, 4, 2, 3]
    assert page_order(30, 4) == [30, 1, 29, 2]
    assert page_order(7, 1) == [7]
    assert page_order(0, 5) == []


@pytest.mark.parametrize(("info", "size", "expected"), [
    ((300, 300), (2480, 3508), 300.0),  # a 300 dpi A4 scan
    ((72, 72), (4000, 3000), 4000 / (297 / 25.4)),  # a camera's 72 dpi would make a 1.4 m page: estimated
    (None, (1240, 1754), 1754 / (297 / 25.4)),  # A4-shaped without a resolution
    (None, (1920, 1080), None),  # 16:9 is no page
    (None, (800, 800), None),
    ((0, 0), (1000, 1000), None),
    (("x", "y"), (1240, 1754), 1754 / (297 / 25.4)),
])
def test_picture_dpi(info, size, expected):
    got = picture_dpi(info, size)
    assert got == pytest.approx(expected) if expected else got is None


def test_jpeg_scan_far_sharper_than_needed_is_decoded_smaller():
    scan = Image.new("RGB", (2480, 3508), (250, 248, 240))  # A4 at 300 dpi
    [(number, img, dpi)] = list(page_images(encode(scan, "JPEG", dpi=(300, 300)), "jpg", dpi=100))
    assert number == 1 and img.mode == "RGB"
    # decoded at 1/2 scale: the largest reduction that keeps at least the 100 dpi asked for
    assert img.size == (1240, 1754)
    assert dpi == pytest.approx(150.0)


def test_png_with_transparency_is_put_on_white_paper():
    img = Image.new("RGBA", (827, 1169), (0, 0, 0, 0))
    img.paste((200, 30, 40, 255), (100, 100, 200, 200))
    [(_, page, dpi)] = list(page_images(encode(img, "PNG"), "png"))
    assert page.mode == "RGB"
    assert page.getpixel((10, 10)) == (255, 255, 255)
    assert page.getpixel((150, 150)) == (200, 30, 40)
    assert dpi == pytest.approx(1169 / (297 / 25.4))


def test_multi_page_tiff_gives_every_frame_last_first():
    frames = [Image.new("RGB", (850, 1100), (i * 60, 0, 0)) for i in range(3)]
    data = encode(frames[0], "TIFF", save_all=True, append_images=frames[1:], dpi=(100, 100))
    got = list(page_images(data, "tiff"))
    assert [n for n, _, _ in got] == [3, 1, 2]
    assert [img.getpixel((5, 5))[0] for _, img, _ in got] == [120, 0, 60]
    assert all(d == pytest.approx(100.0) for _, _, d in got)


def test_gif_first_frame_only():
    frames = [Image.new("P", (480, 320), i) for i in range(4)]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:])
    assert [n for n, _, _ in page_images(data, "gif")] == [1]


def test_pdf_pages_rendered_at_the_dpi_last_first():
    data = pdf(3)
    got = list(page_images(data, "pdf", dpi=100, max_pages=2))
    assert [n for n, _, _ in got] == [3, 1]
    for _, img, dpi in got:
        assert img.mode == "RGB" and img.size[0] == 827 and img.size[1] in (1169, 1170)
        assert dpi == pytest.approx(100.0)
        arr = np.asarray(img)
        assert arr.min() < 100  # the page's text is drawn
    assert [n for n, _, _ in page_images(data, "pdf", dpi=50)] == [3, 1, 2]


def test_with_the_colour_probe_only_pages_with_colour_are_drawn_at_the_dpi():
    def draw(c, n: int) -> None:
        if n == 2:  # a red hairline (0.1 pt) and a red word: colour, however little
            c.setStrokeColorRGB(0.8, 0.1, 0.1)
            c.setLineWidth(0.1)
            c.line(72, 300, 400, 300)
        if n == 3:
            c.setFillColorRGB(0.85, 0.05, 0.1)
            c.drawString(300, 500, "MẬT")
        c.setFillColorRGB(0.5, 0.5, 0.5)  # grey is no colour
        c.rect(72, 72, 100, 50, fill=1)

    got = {n: (img, dpi) for n, img, dpi in page_images(pdf(3, draw=draw), "pdf", dpi=72, colour_probe=True)}
    assert got[1][1] == pytest.approx(COLOUR_PROBE_DPI) and got[1][0].size[0] in (99, 100)  # pdfium rounds up
    for n in (2, 3):
        img, dpi = got[n]
        assert dpi == pytest.approx(72.0) and img.size[0] in (595, 596)
        red, green, _ = (np.asarray(c, dtype=int) for c in img.split())
        assert (red - green).max() > 20  # the colour is there to be searched
    assert [dpi for _, _, dpi in page_images(pdf(1), "pdf", dpi=72)] == [pytest.approx(72.0)]  # no probe asked


def test_poster_sized_page_stays_under_the_pixel_cap():
    assert render_scale(*A4_PT, 100) == pytest.approx(100 / 72)
    scale = render_scale(5000, 5000, 300)
    assert 5000 * 5000 * scale * scale <= MAX_PIXELS * 1.001
    [(_, img, dpi)] = list(page_images(pdf(1, size=(3000, 3000)), "pdf", dpi=200))
    assert img.size[0] * img.size[1] <= MAX_PIXELS
    assert dpi == pytest.approx(72 * img.size[0] / 3000, rel=0.01)


def test_embedded_images_with_their_placed_resolution():
    seal = Image.new("RGBA", (320, 320), (0, 0, 0, 0))
    seal.paste((200, 30, 40, 255), (60, 60, 260, 260))

    def draw(c, n):
        if n == 2:
            # 320 px over 108 pt (38 mm): 213 dpi
            c.drawImage(ImageReader(seal), 340, 300, width=108, height=108, mask="auto")

    got = list(pdf_embedded_images(pdf(2, draw=draw)))
    assert len(got) == 1
    page, img, dpi = got[0]
    assert page == 2 and img.mode == "RGB" and img.size[0] >= 320
    assert dpi == pytest.approx(320 / (108 / 72), rel=0.02)
    assert img.getpixel((5, 5)) == (255, 255, 255)  # the transparent corner is paper, not black
    assert img.getpixel((160, 160))[0] > 150


def test_unreadable_files_raise_and_other_types_yield_nothing():
    with pytest.raises(PageImageError):
        list(page_images(b"not a pdf", "pdf"))
    with pytest.raises(PageImageError):
        list(page_images(b"\xff\xd8\xff garbage", "jpg"))
    assert list(page_images(b"hello", "txt")) == []
    assert list(page_images(b"PK\x03\x04", "docx")) == []


def test_render_one_page_for_ocr():
    data = pdf(3)
    img = render_pdf_page(data, 2, dpi=200)
    assert img.mode == "RGB" and img.size[0] == 1654  # 210 mm at 200 dpi
    with pytest.raises(PageImageError):
        render_pdf_page(data, 4)
    with pytest.raises(PageImageError):
        render_pdf_page(b"%PDF-1.4 broken", 1)
