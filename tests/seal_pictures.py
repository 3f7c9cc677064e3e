"""Synthetic scans for the seal tests and bench/seal.py, drawn with Pillow.

A page is A4 paper (slightly tinted) with black text lines; a seal is ink laid
over it with a multiply blend, as a stamp on paper looks in a scan: an outer
ring, an inner ring, the agency's name around, a star in the middle, ink that
is uneven. Everything takes a random.Random, so a seed gives the same picture.
"""

from __future__ import annotations

import io
import math
import random
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
RED = (205, 35, 45)
FADED_PINK = (236, 150, 165)
PURPLISH = (165, 60, 140)
ORANGE_RED = (220, 75, 50)
WORDS = ("thi hành án dân sự tỉnh quyết định kế hoạch công tác năm 2025 điều các đơn vị "
         "thực hiện báo cáo kết quả theo quy định của pháp luật về việc ban hành").split()


def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(FONT_DIR / name), max(6, int(size)))


def mm(value: float, dpi: float) -> int:
    return max(1, round(value * dpi / 25.4))


def blank_page(dpi: float = 150, paper: tuple[int, int, int] = (247, 244, 236)) -> Image.Image:
    return Image.new("RGB", (mm(210, dpi), mm(297, dpi)), paper)


def text_page(rng: random.Random, dpi: float = 150, paper: tuple[int, int, int] = (247, 244, 236)
              ) -> Image.Image:
    """A page of an official letter: a two-column header, body lines, a signature block."""
    page = blank_page(dpi, paper)
    d = ImageDraw.Draw(page)
    f = font(mm(3.2, dpi))
    fb = font(mm(3.4, dpi), bold=True)
    d.text((mm(20, dpi), mm(15, dpi)), "SỞ TƯ PHÁP TỈNH", font=fb, fill=(20, 20, 20))
    d.text((mm(105, dpi), mm(15, dpi)), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", font=fb, fill=(20, 20, 20))
    d.text((mm(118, dpi), mm(21, dpi)), "Độc lập - Tự do - Hạnh phúc", font=fb, fill=(20, 20, 20))
    y = mm(45, dpi)
    while y < mm(190, dpi):
        line = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 13)))
        d.text((mm(25, dpi), y), line, font=f, fill=(25, 25, 25))
        y += mm(6.5, dpi)
    d.text((mm(120, dpi), mm(205, dpi)), "KT. GIÁM ĐỐC", font=fb, fill=(20, 20, 20))
    d.text((mm(118, dpi), mm(212, dpi)), "PHÓ GIÁM ĐỐC", font=fb, fill=(20, 20, 20))
    d.text((mm(122, dpi), mm(245, dpi)), "Nguyễn Văn An", font=fb, fill=(20, 20, 20))
    return page


def seal_ink(diameter: int, rng: random.Random, *, name: str = "SỞ TƯ PHÁP TỈNH BÌNH PHƯỚC",
             star: bool = True, noise: float = 0.25) -> Image.Image:
    """Coverage of a round seal (mode "L", 255 = full ink), `diameter` pixels across."""
    size = diameter + 4
    cov = Image.new("L", (size, size), 0)
    d = ImageDraw.Draw(cov)
    c = size / 2
    r = diameter / 2
    ring = max(2, round(diameter * 0.03))
    d.ellipse((c - r, c - r, c + r, c + r), outline=255, width=ring)
    r_in = r * 0.72
    d.ellipse((c - r_in, c - r_in, c + r_in, c + r_in), outline=255, width=max(1, ring // 2))
    # the name around, letter by letter, between the two rings
    letter_size = max(6, round(diameter * 0.11))
    f = font(letter_size, bold=True)
    text = name + " ★ "
    for i, ch in enumerate(text):
        a = -math.pi / 2 + 2 * math.pi * i / len(text)
        glyph = Image.new("L", (letter_size * 2, letter_size * 2), 0)
        ImageDraw.Draw(glyph).text((letter_size * 0.5, letter_size * 0.3), ch, font=f, fill=255)
        glyph = glyph.rotate(-math.degrees(a) - 90, resample=Image.BICUBIC)
        rr = r * 0.86
        x, y = c + rr * math.cos(a) - letter_size, c + rr * math.sin(a) - letter_size
        cov.paste(255, (round(x), round(y)), glyph)
    if star:
        _star(d, c, c, r * 0.28, 255)
    else:
        f2 = font(max(6, round(diameter * 0.09)), bold=True)
        d.text((c, c), "SỐ 15", font=f2, fill=255, anchor="mm")
    return _uneven(cov, rng, noise)


def _star(d: ImageDraw.ImageDraw, cx: float, cy: float, r: float, fill: int | tuple[int, ...]) -> None:
    pts = []
    for k in range(10):
        a = -math.pi / 2 + k * math.pi / 5
        rr = r if k % 2 == 0 else r * 0.4
        pts.append((cx + rr * math.cos(a), cy + rr * math.sin(a)))
    d.polygon(pts, fill=fill)


def _uneven(cov: Image.Image, rng: random.Random, noise: float) -> Image.Image:
    """Ink that took unevenly: low-frequency strength variation plus speckles."""
    a = np.asarray(cov).astype(np.float32) / 255
    h, w = a.shape
    gen = np.random.default_rng(rng.randrange(1 << 30))
    low = Image.fromarray((gen.random((6, 6)) * 255).astype(np.uint8)).resize((w, h), Image.BICUBIC)
    strength = 1 - noise * np.asarray(low).astype(np.float32) / 255
    speckle = gen.random((h, w)) > noise * 0.5
    out = a * strength * speckle
    return Image.fromarray((np.clip(out, 0, 1) * 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(0.7))


def stamp(page: Image.Image, coverage: Image.Image, at: tuple[int, int], ink: tuple[int, int, int]
          ) -> Image.Image:
    """Lay ink of colour `ink` with the given coverage on the page (multiply blend)."""
    out = page.copy()
    x, y = at
    region = out.crop((x, y, x + coverage.width, y + coverage.height))
    base = np.asarray(region).astype(np.float32)
    cov = np.asarray(coverage).astype(np.float32)[..., None] / 255
    tint = np.array(ink, dtype=np.float32) / 255
    blended = base * (1 - cov + cov * tint)
    out.paste(Image.fromarray(np.clip(blended, 0, 255).astype(np.uint8)), (x, y))
    return out


def signature(page: Image.Image, box: tuple[int, int, int, int], rng: random.Random,
              colour: tuple[int, int, int] = (20, 30, 90), width: int = 3) -> Image.Image:
    """A scribbled signature across `box` (x, y, w, h)."""
    out = page.copy()
    d = ImageDraw.Draw(out)
    x, y, w, h = box
    pts = []
    for i in range(40):
        t = i / 39
        pts.append((x + t * w, y + h / 2 + math.sin(t * 14 + rng.random()) * h / 2 * rng.uniform(0.5, 1)))
    d.line(pts, fill=colour, width=width, joint="curve")
    return out


def skew(img: Image.Image, sx: float = 0.8, shear: float = 0.1, fill: tuple[int, int, int] | None = None
         ) -> Image.Image:
    """Squash horizontally and shear: a circle becomes a tilted ellipse."""
    w, h = img.size
    fill = fill or img.getpixel((2, 2))
    # inverse map: output (x, y) reads input (x / sx - shear * y, y)
    return img.transform((w, h), Image.AFFINE, (1 / sx, -shear, shear * h / 2 - (1 / sx - 1) * w / 2, 0, 1, 0),
                         resample=Image.BICUBIC, fillcolor=fill)


def jpeg(img: Image.Image, quality: int = 60) -> Image.Image:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality)
    buf.seek(0)
    return Image.open(buf).convert("RGB")


def sealed_page(rng: random.Random, dpi: float = 150, *, diameter_mm: float = 40, ink=RED,
                noise: float = 0.25, signed: bool = True, rotate: float = 0.0, paper=(247, 244, 236)
                ) -> tuple[Image.Image, tuple[int, int, int, int]]:
    """A letter with a seal over the signer's title; returns the page and the seal's box."""
    page = text_page(rng, dpi, paper)
    cov = seal_ink(mm(diameter_mm, dpi), rng, noise=noise)
    if rotate:
        cov = cov.rotate(rotate, resample=Image.BICUBIC)
    x, y = mm(rng.uniform(95, 115), dpi), mm(rng.uniform(200, 215), dpi)
    page = stamp(page, cov, (x, y), ink)
    if signed:
        page = signature(page, (x + cov.width // 3, y + cov.height // 4, cov.width, cov.height // 2), rng,
                         colour=(15, 15, 15) if rng.random() < 0.5 else (20, 30, 110), width=mm(0.6, dpi))
    return page, (x, y, cov.width, cov.height)


# ---- red things that are not seals ----

def red_title(page: Image.Image, dpi: float, colour=RED) -> Image.Image:
    out = page.copy()
    d = ImageDraw.Draw(out)
    d.text((mm(80, dpi), mm(32, dpi)), "HƯỚNG DẪN", font=font(mm(6, dpi), bold=True), fill=colour)
    d.text((mm(40, dpi), mm(40, dpi)), "Một số nội dung nghiệp vụ về xác minh", font=font(mm(4, dpi), bold=True),
           fill=colour)
    return out


def red_underline(page: Image.Image, dpi: float, colour=RED) -> Image.Image:
    out = page.copy()
    ImageDraw.Draw(out).line((mm(25, dpi), mm(70, dpi), mm(180, dpi), mm(70, dpi)), fill=colour, width=mm(0.5, dpi))
    return out


def khan_box(page: Image.Image, dpi: float, colour=RED) -> Image.Image:
    """The urgency mark: "KHẨN" in a rectangular frame."""
    out = page.copy()
    d = ImageDraw.Draw(out)
    x, y = mm(35, dpi), mm(55, dpi)
    d.rectangle((x, y, x + mm(30, dpi), y + mm(12, dpi)), outline=colour, width=mm(0.8, dpi))
    d.text((x + mm(15, dpi), y + mm(6, dpi)), "KHẨN", font=font(mm(7, dpi), bold=True), fill=colour, anchor="mm")
    return out


def red_rectangle(page: Image.Image, dpi: float, colour=RED, filled: bool = False) -> Image.Image:
    """A registration box ("ĐÃ ĐĂNG KÝ") or a filled red block."""
    out = page.copy()
    d = ImageDraw.Draw(out)
    x, y = mm(20, dpi), mm(200, dpi)
    box = (x, y, x + mm(42, dpi), y + mm(36, dpi))
    if filled:
        d.rectangle(box, fill=colour)
    else:
        d.rectangle(box, outline=colour, width=mm(0.8, dpi))
        d.text((x + mm(4, dpi), y + mm(4, dpi)), "ĐÃ ĐĂNG KÝ", font=font(mm(4, dpi), bold=True), fill=colour)
        d.text((x + mm(4, dpi), y + mm(12, dpi)), "Số: ....", font=font(mm(4, dpi)), fill=colour)
    return out


def red_square_logo(page: Image.Image, dpi: float, size_mm: float = 32, colour=RED) -> Image.Image:
    """A square red logo with a white star (as some units print in the header)."""
    out = page.copy()
    d = ImageDraw.Draw(out)
    x, y, s = mm(20, dpi), mm(25, dpi), mm(size_mm, dpi)
    d.rectangle((x, y, x + s, y + s), fill=colour)
    _star(d, x + s / 2, y + s / 2, s * 0.35, (255, 255, 255))
    return out


def event_photo(rng: random.Random, width: int = 1024, height: int = 682) -> Image.Image:
    """A photo of a meeting: a red banner with yellow words, a red flag, red carpet, people."""
    img = Image.new("RGB", (width, height), (190, 180, 170))
    d = ImageDraw.Draw(img)
    d.rectangle((0, int(height * 0.6), width, height), fill=(170, 25, 35))  # carpet
    d.rectangle((int(width * 0.05), int(height * 0.05), int(width * 0.95), int(height * 0.3)), fill=(200, 30, 40))
    d.text((width // 2, int(height * 0.17)), "HỘI NGHỊ TỔNG KẾT CÔNG TÁC NĂM 2025", font=font(height // 22, True),
           fill=(250, 220, 60), anchor="mm")
    fx, fy, fw = int(width * 0.75), int(height * 0.33), int(width * 0.18)  # flag with a star
    d.rectangle((fx, fy, fx + fw, fy + int(fw * 0.66)), fill=(215, 30, 35))
    _star(d, fx + fw / 2, fy + fw * 0.33, fw * 0.2, (250, 220, 0))
    for _ in range(7):  # people
        px, py = rng.randint(0, width - 80), rng.randint(int(height * 0.35), int(height * 0.6))
        body = rng.choice([(40, 40, 60), (230, 230, 230), (150, 170, 200), (180, 30, 40)])
        d.ellipse((px + 20, py, px + 60, py + 40), fill=(220, 180, 150))
        d.rounded_rectangle((px, py + 40, px + 80, py + 200), radius=25, fill=body)
    a = np.asarray(img).astype(np.int16)
    gen = np.random.default_rng(rng.randrange(1 << 30))
    a = a + gen.normal(0, 6, a.shape).astype(np.int16)
    return jpeg(Image.fromarray(np.clip(a, 0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(1.2)), 75)


def red_ring(page: Image.Image, dpi: float, colour=RED) -> Image.Image:
    """A circle drawn in red ink around a word (a reviewer's mark), nothing red inside."""
    out = page.copy()
    d = ImageDraw.Draw(out)
    x, y, s = mm(120, dpi), mm(100, dpi), mm(38, dpi)
    d.ellipse((x, y, x + s, y + s * 0.9), outline=colour, width=mm(0.7, dpi))
    return out


def red_disc(page: Image.Image, dpi: float, colour=RED) -> Image.Image:
    """A filled red disc with a yellow star (an emblem-like badge)."""
    out = page.copy()
    d = ImageDraw.Draw(out)
    x, y, s = mm(25, dpi), mm(210, dpi), mm(36, dpi)
    d.ellipse((x, y, x + s, y + s), fill=colour)
    _star(d, x + s / 2, y + s / 2, s * 0.3, (250, 215, 0))
    return out


def red_digits(page: Image.Image, dpi: float, colour=RED) -> Image.Image:
    """Big red digits "2025" (a poster year), whose zero is a red ring."""
    out = page.copy()
    ImageDraw.Draw(out).text((mm(40, dpi), mm(90, dpi)), "2025", font=font(mm(40, dpi), bold=True), fill=colour)
    return out


def lighting(img: Image.Image, darkest: float = 0.6) -> Image.Image:
    """Uneven light across a photographed page: full at the top left, `darkest` at the bottom right."""
    a = np.asarray(img).astype(np.float32)
    h, w = a.shape[:2]
    ramp = 1 - (1 - darkest) * (np.linspace(0, 1, w)[None, :] + np.linspace(0, 1, h)[:, None]) / 2
    return Image.fromarray(np.clip(a * ramp[..., None], 0, 255).astype(np.uint8))


# ---- boxed stamps: the state-secret mark (and the urgency mark, which is not one) ----

def boxed_mark_ink(word: str, dpi: float, rng: random.Random, *, height_mm: float = 8.0,
                   noise: float = 0.2) -> Image.Image:
    """Coverage of a rectangular stamp with `word` in capitals inside (mode "L"): the state-secret
    mark ("MẬT", "TỐI MẬT", "TUYỆT MẬT") or the urgency mark ("KHẨN", "HỎA TỐC") as offices stamp
    them, a frame about 8 mm high around bold letters."""
    f = font(mm(height_mm * 0.62, dpi), bold=True)
    probe = ImageDraw.Draw(Image.new("L", (1, 1)))
    text_w = probe.textlength(word, font=f)
    w, h = round(text_w + mm(6, dpi)), mm(height_mm, dpi)
    cov = Image.new("L", (w + 4, h + 4), 0)
    d = ImageDraw.Draw(cov)
    d.rectangle((2, 2, w + 1, h + 1), outline=255, width=max(2, mm(0.7, dpi)))
    d.text((2 + w / 2, 2 + h / 2), word, font=f, fill=255, anchor="mm")
    return _uneven(cov, rng, noise)


def secrecy_stamp(page: Image.Image, dpi: float, word: str = "MẬT", colour=RED, *,
                  rng: random.Random | None = None, at_mm: tuple[float, float] = (38, 42),
                  noise: float = 0.2) -> Image.Image:
    """The stamp laid under the document number of the left header column (by default)."""
    cov = boxed_mark_ink(word, dpi, rng or random.Random(1), noise=noise)
    return stamp(page, cov, (mm(at_mm[0], dpi), mm(at_mm[1], dpi)), colour)
