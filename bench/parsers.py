"""Speed of reading attachments: files/s and MB/s per format, and messages/s through pipeline.check.

    .venv/bin/python bench/parsers.py [--quick] [--files N] [--messages N] [--seed S]

Generates files of every common format (docx, doc via LibreOffice when installed, xlsx,
pptx, odt, rtf, txt, text PDF, scanned PDF, camera-size JPEG photos, PNG, GIF, MP3 via
ffmpeg when installed, zip) with the libraries that write them, then measures:

- sandboxed: Analyser.analyse as the daemon runs it (a sandbox worker with the shipped
  profile's time and memory limits; sniffing, danger checks, text, seal search on every
  picture and page, OCR of scans, signatures, document header). One worker, files one
  after another, after a warm-up file of each format (worker start and lazy imports are
  reported separately as the cold start);
- in-process: formats.extract on the same files in this process (no sandbox, no seal
  search, no OCR): the parsers alone, as a baseline. For zip: the members listed and
  each member extracted. "ratio" = sandboxed time / in-process time;
- pipeline.check on a mix of messages (news with photos, a Word file, a text PDF; and
  directives with a scanned page as JPEG or PDF), with and without scans;
- peak RSS, sampled every 50 ms: this process plus all its children (forkserver, sandbox
  workers, tesseract, antiword, soffice).

A default run (20 files per format, 36 messages) takes about 1.5 minutes on 2 cores; --quick
(3 files per format, 6 messages) about 20 s.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

MB = 1024 * 1024
FORMATS = ["docx", "doc", "xlsx", "pptx", "odt", "rtf", "txt", "pdf", "pdf-scan", "jpg", "png", "gif", "mp3", "zip"]
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# ---------------------------------------------------------------- Vietnamese text

UNITS = ["Phòng Thi hành án dân sự khu vực 1", "Văn phòng Cục", "Phòng Tư pháp huyện Bù Đăng",
         "Trung tâm Trợ giúp pháp lý nhà nước tỉnh", "Chi cục Thi hành án dân sự thành phố Chí Linh",
         "Sở Nội vụ", "Ban Thi đua - Khen thưởng"]
EVENTS = ["hội nghị tổng kết công tác năm 2025", "tập huấn nghiệp vụ thi hành án dân sự",
          "tuyên truyền, phổ biến pháp luật cho đồng bào dân tộc thiểu số", "ra quân cưỡng chế thi hành án",
          "trợ giúp pháp lý lưu động", "sơ kết công tác cải cách hành chính quý I"]
CLAUSES = ["các đại biểu đã được quán triệt những điểm mới của Luật Thi hành án dân sự sửa đổi",
           "hội nghị dành thời gian trao đổi, giải đáp vướng mắc phát sinh trong thực tiễn",
           "góp phần nâng cao hiệu quả công tác trên địa bàn tỉnh",
           "đơn vị đề nghị các phòng chuyên môn triển khai thực hiện nghiêm túc",
           "kết quả thi hành xong 1.234 việc, tương ứng hơn 56 tỷ đồng",
           "bảo đảm an toàn, đúng quy định của pháp luật"]


def sentence(rng: random.Random) -> str:
    d = datetime(2026, 1, 1) + timedelta(days=rng.randint(0, 150))
    return (f"Sáng ngày {d.day}/{d.month}/{d.year}, {rng.choice(UNITS)} tổ chức {rng.choice(EVENTS)}; "
            f"{rng.choice(CLAUSES)}, {rng.choice(CLAUSES)}.")


def paragraphs(rng: random.Random, n: int) -> list[str]:
    return [" ".join(sentence(rng) for _ in range(rng.randint(1, 4))) for _ in range(n)]


# ---------------------------------------------------------------- file makers

def noisy_photo(rng: random.Random, size: tuple[int, int]) -> bytes:
    """demo_samples.photo with sensor-like noise, so that JPEG sizes are those of cameras."""
    import numpy as np
    from PIL import Image

    from tinbai.demo_samples import photo

    img = np.asarray(Image.open(io.BytesIO(photo(rng.randint(0, 10**6), size))), dtype=np.int16)
    noise = np.random.default_rng(rng.randint(0, 10**6)).normal(0, 9, img.shape).astype(np.int16)
    out = io.BytesIO()
    Image.fromarray(np.clip(img + noise, 0, 255).astype(np.uint8)).save(out, "JPEG", quality=88)
    return out.getvalue()


def make_docx(rng: random.Random, i: int) -> bytes:
    from docx import Document
    from docx.shared import Cm, Pt

    doc = Document()
    doc.add_heading(f"Tin hoạt động số {i}: {rng.choice(EVENTS)}", level=1)
    for text in paragraphs(rng, rng.randint(6, 30)):
        doc.add_paragraph().add_run(text).font.size = Pt(13)
    if i % 2 == 0:
        doc.add_picture(io.BytesIO(noisy_photo(rng, (1024, 768))), width=Cm(12))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def make_xlsx(rng: random.Random, i: int) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = f"Tháng {i % 12 + 1}"
    ws.append(["STT", "Đơn vị", "Số việc", "Số tiền (đồng)", "Ngày", "Ghi chú"])
    for row in range(rng.randint(50, 400)):
        ws.append([row + 1, rng.choice(UNITS), rng.randint(0, 900), rng.randint(0, 10**10),
                   datetime(2026, 1, 1) + timedelta(days=rng.randint(0, 150)), rng.choice(CLAUSES)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def make_pptx(rng: random.Random, i: int) -> bytes:
    from pptx import Presentation
    from pptx.util import Inches

    prs = Presentation()
    for s in range(rng.randint(3, 8)):
        slide = prs.slides.add_slide(prs.slide_layouts[1])
        slide.shapes.title.text = rng.choice(EVENTS).capitalize()
        slide.placeholders[1].text_frame.text = "\n".join(paragraphs(rng, 3))
        if s == 0:
            slide.shapes.add_picture(io.BytesIO(noisy_photo(rng, (800, 600))), Inches(6), Inches(5), Inches(3))
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def make_odt(rng: random.Random, i: int) -> bytes:
    from odf.opendocument import OpenDocumentText
    from odf.text import H, P

    doc = OpenDocumentText()
    doc.text.addElement(H(outlinelevel=1, text=f"Báo cáo số {i}: {rng.choice(EVENTS)}"))
    for text in paragraphs(rng, rng.randint(6, 30)):
        doc.text.addElement(P(text=text))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def make_rtf(rng: random.Random, i: int) -> bytes:
    def esc(text: str) -> str:
        return "".join(ch if ord(ch) < 128 and ch not in "\\{}" else
                       f"\\u{ord(ch) if ord(ch) < 32768 else ord(ch) - 65536}?" for ch in text)

    body = "".join(f"\\pard\\f0\\fs26 {esc(p)}\\par\n" for p in paragraphs(rng, rng.randint(6, 30)))
    return ("{\\rtf1\\ansi\\ansicpg1258\\deff0\\uc1{\\fonttbl{\\f0\\froman\\fcharset163 Times New Roman;}}\n"
            + body + "}").encode("ascii")


def make_txt(rng: random.Random, i: int) -> bytes:
    return "\n\n".join(paragraphs(rng, rng.randint(5, 60))).encode()


def _pdf_canvas():
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    from tinbai.demo_samples import FONT_DIR

    if "DejaVuSerif" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVuSerif", str(FONT_DIR / "DejaVuSerif.ttf")))
    out = io.BytesIO()
    return out, canvas.Canvas(out, pagesize=A4), A4


def make_pdf(rng: random.Random, i: int) -> bytes:
    import textwrap

    out, c, (w, h) = _pdf_canvas()
    for _page in range(rng.randint(1, 5)):
        c.setFont("DejaVuSerif", 11)
        y = h - 60
        for line in textwrap.wrap(" ".join(paragraphs(rng, 12)), 95)[:44]:
            c.drawString(50, y, line)
            y -= 16
        c.showPage()
    c.save()
    return out.getvalue()


def scan_page(rng: random.Random, i: int) -> bytes:
    from tinbai.demo_samples import document_scan

    d = datetime(2026, 1, 1) + timedelta(days=rng.randint(0, 150))
    return document_scan(["THI HÀNH ÁN DÂN SỰ", "TỈNH THÁI NGUYÊN", f"Số: {100 + i}/QĐ-THADS"], "QUYẾT ĐỊNH",
                         "Về việc kiện toàn Tổ biên tập Trang thông tin điện tử",
                         [f"Thái Nguyên, ngày {d.day} tháng {d.month} năm {d.year}",
                          "Căn cứ Quy chế quản lý và vận hành Trang thông tin điện tử;", "QUYẾT ĐỊNH:",
                          "Điều 1. Kiện toàn Tổ biên tập Trang thông tin điện tử."],
                         "TRƯỞNG THI HÀNH ÁN", "Nguyễn Văn Bình", ["- Như Điều 2;", "- Lưu: VT, VP."],
                         seal=i % 2 == 0, agency_ring="THI HÀNH ÁN DÂN SỰ TỈNH THÁI NGUYÊN * ")


def make_pdf_scan(rng: random.Random, i: int) -> bytes:
    from reportlab.lib.utils import ImageReader

    out, c, (w, h) = _pdf_canvas()
    for page in range(1 + (i % 3 == 2)):
        c.drawImage(ImageReader(io.BytesIO(scan_page(rng, i + page))), 0, 0, w, h)
        c.showPage()
    c.save()
    return out.getvalue()


def make_jpg(rng: random.Random, i: int) -> bytes:
    return noisy_photo(rng, [(1600, 1200), (2592, 1944), (4000, 3000)][i % 3])


def make_png(rng: random.Random, i: int) -> bytes:
    """A screenshot of a chart: flat colours, text, bars."""
    from PIL import Image, ImageDraw

    from tinbai.demo_samples import _font

    w, h = [(1280, 800), (1920, 1080), (800, 600)][i % 3]
    img = Image.new("RGB", (w, h), (250, 250, 252))
    d = ImageDraw.Draw(img)
    d.text((40, 20), f"Kết quả thi hành án dân sự tháng {i % 12 + 1}/2026", fill=(20, 20, 80), font=_font(28, True))
    bars = rng.randint(6, 14)
    for b in range(bars):
        x = 60 + b * (w - 120) // bars
        top = rng.randint(int(h * 0.2), int(h * 0.8))
        d.rectangle([x, top, x + (w - 120) // bars - 12, h - 60], fill=(rng.randint(0, 200), 90, 180))
        d.text((x, h - 50), f"KV{b + 1}", fill=(0, 0, 0), font=_font(16))
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def make_gif(rng: random.Random, i: int) -> bytes:
    """A small animated banner, as portals show them."""
    from PIL import Image, ImageDraw

    from tinbai.demo_samples import _font

    frames = []
    for f in range(rng.randint(3, 8)):
        img = Image.new("RGB", (480, 270), (200, 20, 30))
        ImageDraw.Draw(img).text((20 + f * 10, 110), "CHÀO MỪNG NGÀY PHÁP LUẬT", fill=(255, 230, 0),
                                 font=_font(26, True, False))
        frames.append(img.convert("P", palette=Image.Palette.ADAPTIVE))
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=300, loop=0)
    return out.getvalue()


def make_mp3(rng: random.Random, i: int) -> bytes | None:
    if not shutil.which("ffmpeg"):
        return None
    with tempfile.TemporaryDirectory(prefix="tinbai-bench-") as folder:
        path = Path(folder) / "a.mp3"
        seconds = rng.choice([20, 45, 90])
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
                        f"sine=frequency={rng.randint(200, 900)}:duration={seconds}", "-b:a", "128k",
                        "-metadata", "title=Bản tin pháp luật", str(path)], check=True, timeout=120)
        return path.read_bytes()


def make_zip(rng: random.Random, i: int) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("Tin bài.docx", make_docx(rng, i * 2 + 1))
        for k in range(2):
            zf.writestr(f"ảnh/ảnh {k + 1}.jpg", noisy_photo(rng, (1600, 1200)))
    return buf.getvalue()


def docs_by_libreoffice(docx_files: list[bytes]) -> list[bytes]:
    """.doc files converted from the .docx files by LibreOffice in one run; [] without soffice."""
    if not shutil.which("soffice") or not docx_files:
        return []
    with tempfile.TemporaryDirectory(prefix="tinbai-bench-") as folder:
        folder_path = Path(folder)
        names = []
        for k, data in enumerate(docx_files):
            (folder_path / f"van ban {k}.docx").write_bytes(data)
            names.append(str(folder_path / f"van ban {k}.docx"))
        profile = (folder_path / "lo-profile").as_uri()
        subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "doc",
                        "--outdir", folder, *names], check=True, timeout=300, capture_output=True)
        return [(folder_path / f"van ban {k}.doc").read_bytes() for k in range(len(docx_files))]


MAKERS = {"docx": make_docx, "xlsx": make_xlsx, "pptx": make_pptx, "odt": make_odt, "rtf": make_rtf,
          "txt": make_txt, "pdf": make_pdf, "pdf-scan": make_pdf_scan, "jpg": make_jpg, "png": make_png,
          "gif": make_gif, "mp3": make_mp3, "zip": make_zip}
EXTENSION = {"pdf-scan": "pdf"}


def generate(n: int, seed: int) -> tuple[dict[str, list[tuple[str, bytes]]], list[str]]:
    notes = []
    files: dict[str, list[tuple[str, bytes]]] = {}
    for fmt in FORMATS:
        if fmt == "doc":
            continue
        rng = random.Random(f"{seed}-{fmt}")
        made = [MAKERS[fmt](rng, i) for i in range(n)]
        if any(m is None for m in made):
            notes.append(f"{fmt}: skipped (ffmpeg is not installed)")
            continue
        stem = "ban chup" if fmt == "pdf-scan" else "tep"
        files[fmt] = [(f"{stem} {i}.{EXTENSION.get(fmt, fmt)}", data) for i, data in enumerate(made)]
    docs = docs_by_libreoffice([data for _name, data in files["docx"]])
    if docs:
        files["doc"] = [(f"van ban {i}.doc", data) for i, data in enumerate(docs)]
    else:
        notes.append("doc: skipped (LibreOffice, soffice, is not installed)")
    return {fmt: files[fmt] for fmt in FORMATS if fmt in files}, notes


# ---------------------------------------------------------------- memory

class PeakRss(threading.Thread):
    """Samples the RSS of this process and all its children (recursively) every `interval` s."""

    def __init__(self, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        import psutil

        self.me = psutil.Process()
        self.interval = interval
        self.peak = self.phase_peak = self.main_peak = self.children_peak = self.phase_children = 0
        self._halt = threading.Event()

    def sample(self) -> None:
        import psutil

        main = self.me.memory_info().rss
        children = 0
        for child in self.me.children(recursive=True):
            try:
                children += child.memory_info().rss
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                pass
        self.main_peak = max(self.main_peak, main)
        self.children_peak = max(self.children_peak, children)
        self.phase_children = max(self.phase_children, children)
        self.peak = max(self.peak, main + children)
        self.phase_peak = max(self.phase_peak, main + children)

    def run(self) -> None:
        while not self._halt.wait(self.interval):
            self.sample()

    def new_phase(self) -> tuple[int, int]:
        """(peak of all, peak of the children alone) since the last call; then start anew."""
        self.sample()
        peaks = self.phase_peak, self.phase_children
        self.phase_peak = self.phase_children = 0
        return peaks

    def reset(self) -> None:
        """Forget everything sampled so far (the generation of the files is not measured)."""
        self.peak = self.phase_peak = self.main_peak = self.children_peak = self.phase_children = 0

    def stop(self) -> None:
        self._halt.set()
        self.join()


# ---------------------------------------------------------------- measuring

@dataclass
class Row:
    fmt: str
    files: int
    size: int
    sandboxed: float = 0.0
    slowest: float = 0.0  # one file, sandboxed
    in_process: float = 0.0
    findings: list[str] = field(default_factory=list)


def in_process_extract(name: str, data: bytes, limits) -> None:
    """The parsers alone: formats.extract (and for archives, each member's)."""
    from tinbai.parsers import archive, formats, sniff

    detected = sniff.detect_type(data, name)
    if detected in ("zip", "rar", "7z"):
        for m in archive.read_members(data, detected, limits).members:
            if m.data is not None:
                formats.extract(m.data, sniff.detect_type(m.data, m.name), limits)
        return
    formats.extract(data, detected, limits)


def submissions(n: int, seed: int, files: dict[str, list[tuple[str, bytes]]]) -> list[tuple[bool, bytes]]:
    """(has a scan, raw message) for n messages: two in three without a scan."""
    from tinbai.demo_samples import email, signature

    rng = random.Random(f"{seed}-messages")
    when = datetime.fromisoformat("2026-04-28T09:00:00+07:00")
    photos = [noisy_photo(rng, (1600, 1200)) for _ in range(3)]
    kinds = [("news, 2 photos", False), ("news, Word file and a photo", False), ("directive, scan as JPEG", True),
             ("news, text PDF", False), ("news, no attachment", False), ("directive, scanned PDF", True)]
    out = []
    for k in range(n):
        kind, scanned = kinds[k % len(kinds)]
        atts = []
        if kind == "news, 2 photos":
            atts = [(f"anh {j}.jpg", "image/jpeg", photos[(k + j) % 3]) for j in range(2)]
        elif kind == "news, Word file and a photo":
            atts = [("tin bai.docx", DOCX_MIME, files["docx"][k % len(files["docx"])][1]),
                    ("anh.jpg", "image/jpeg", photos[k % 3])]
        elif kind == "directive, scan as JPEG":
            atts = [(f"QD {100 + k}.jpg", "image/jpeg", scan_page(rng, k))]
        elif kind == "news, text PDF":
            atts = [("tin bai.pdf", "application/pdf", files["pdf"][k % len(files["pdf"])][1])]
        elif kind == "directive, scanned PDF":
            atts = [(f"QD {100 + k}.pdf", "application/pdf", files["pdf-scan"][k % len(files["pdf-scan"])][1])]
        subject = (f"[Đăng Trang TTĐT] Quyết định số {100 + k}/QĐ-THADS" if scanned
                   else f"Gửi tin: {rng.choice(EVENTS)}")
        body = ("Kính gửi Ban Biên tập,\n\n" + " ".join(paragraphs(rng, 2))
                + signature("Nguyễn Thị Hoa", "Chuyên viên", rng.choice(UNITS), "0208.3854.376"))
        out.append((scanned, email(sender="Nguyễn Thị Hoa <hoa.nt@thads-thainguyen.example.vn>",
                                   to="thainguyen@moj.gov.vn", subject=subject, body=body,
                                   date=when + timedelta(minutes=k), attachments=atts)))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer files and messages: under a minute")
    ap.add_argument("--files", type=int, help="files per format (default 20, quick 3)")
    ap.add_argument("--messages", type=int, help="messages through pipeline.check (default 36, quick 6)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("-v", "--verbose", action="store_true", help="what the sandbox found in each file")
    args = ap.parse_args()
    n_files = args.files or (3 if args.quick else 20)
    n_messages = args.messages or (6 if args.quick else 36)

    import psutil

    from tinbai.calendar import WorkCalendar
    from tinbai.config import load_config
    from tinbai.extract.analyse import Analyser
    from tinbai.pipeline import check

    cfg = load_config(ROOT / "config.toml")
    profile = cfg.profile("thainguyen-thads")
    limits = profile.limits.parse_limits()
    calendar = WorkCalendar.for_profile(profile, cfg)

    rss = PeakRss()
    rss.start()
    started = time.monotonic()
    files, notes = generate(n_files, args.seed)
    messages = submissions(n_messages, args.seed, files)
    print(f"generated {sum(len(v) for v in files.values())} files in {len(files)} formats and {len(messages)} "
          f"messages in {time.monotonic() - started:.1f} s", flush=True)
    rss.reset()
    measured = time.monotonic()

    analyser = Analyser()
    try:
        t0 = time.monotonic()
        analyser.analyse(*files["jpg"][0], limits)
        cold = time.monotonic() - t0
        for items in files.values():  # warm-up: each format's libraries imported in the worker
            analyser.analyse(*items[0], limits)
        rows: list[Row] = []
        for fmt, items in files.items():
            row = Row(fmt, len(items), sum(len(d) for _n, d in items))
            t0 = time.monotonic()
            for name, data in items:
                t1 = time.monotonic()
                facts = analyser.analyse(name, data, limits)
                row.slowest = max(row.slowest, time.monotonic() - t1)
                row.findings += [code for code, _ in facts.findings
                                 if code in ("unreadable", "encrypted")]
                if args.verbose:
                    print(f"    {name:14s} {facts.detected_type:5s} pages={facts.pages} text={len(facts.text)} "
                          f"ocr={facts.text_from_ocr} red_stamp={facts.red_stamp} children={len(facts.children)} "
                          f"problems={[c for c, _ in facts.findings]} "
                          f"{ {k: v for k, v in facts.info.items() if k in ('duration', 'width', 'error')} }")
            row.sandboxed = time.monotonic() - t0
            rows.append(row)
            print(f"  measured {fmt:9s} {row.sandboxed:6.2f} s in the sandbox", flush=True)
        sandbox_peak = rss.new_phase()

        for name, data in (items[0] for items in files.values()):  # warm-up: imports in this process
            in_process_extract(name, data, limits)
        for row in rows:
            t0 = time.monotonic()
            for name, data in files[row.fmt]:
                in_process_extract(name, data, limits)
            row.in_process = time.monotonic() - t0
        baseline_peak = rss.new_phase()

        check(messages[0][1], profile, datetime.now().astimezone(), calendar=calendar, analyser=analyser)  # warm
        spent = {True: [], False: []}
        for scanned, raw in messages:
            t0 = time.monotonic()
            report = check(raw, profile, datetime.fromisoformat("2026-04-28T10:00:00+07:00"), calendar=calendar,
                           analyser=analyser)
            spent[scanned].append(time.monotonic() - t0)
            assert report.verdict
        check_peak = rss.new_phase()
    finally:
        analyser.close()
    rss.stop()
    total, measuring = time.monotonic() - started, time.monotonic() - measured

    # ------------------------------------------------------------ the table
    cpu = platform.processor() or platform.machine()
    print()
    print(f"Machine: {os.cpu_count()} cores ({cpu}), {psutil.virtual_memory().total / 2**30:.0f} GB RAM, "
          f"{_os_name()}, Python {platform.python_version()}")
    print(f"Profile thainguyen-thads limits: {limits.seconds_per_file:g} s/file, {limits.memory_mb} MB/worker; "
          f"OCR {'on' if limits.ocr else 'off'}; tesseract {'found' if shutil.which('tesseract') else 'MISSING'}")
    print(f"Cold start (new Analyser: forkserver, worker, imports, first photo): {cold:.2f} s")
    print()
    head = (f"{'format':9s} {'files':>5s} {'avg KB':>7s} | {'sandboxed':>9s} {'files/s':>8s} {'MB/s':>6s} "
            f"{'slowest':>7s} | "
            f"{'in-proc':>8s} {'files/s':>8s} {'MB/s':>6s} | {'ratio':>6s}")
    print(head)
    print("-" * len(head))
    for r in rows:
        mb = r.size / MB
        print(f"{r.fmt:9s} {r.files:5d} {r.size / r.files / 1024:7.0f} | {r.sandboxed:8.2f}s {r.files / r.sandboxed:8.1f} "
              f"{mb / r.sandboxed:6.2f} {r.slowest:6.2f}s | {r.in_process:7.2f}s {r.files / max(r.in_process, 1e-9):8.1f} "
              f"{mb / max(r.in_process, 1e-9):6.2f} | {r.sandboxed / max(r.in_process, 1e-9):5.1f}x"
              + (f"  problems: {', '.join(sorted(set(r.findings)))}" if r.findings else ""))
    all_files = sum(r.files for r in rows)
    all_mb = sum(r.size for r in rows) / MB
    sb, ip = sum(r.sandboxed for r in rows), sum(r.in_process for r in rows)
    print("-" * len(head))
    print(f"{'all':9s} {all_files:5d} {all_mb * 1024 / all_files:7.0f} | {sb:8.2f}s {all_files / sb:8.1f} "
          f"{all_mb / sb:6.2f} {max(r.slowest for r in rows):6.2f}s | {ip:7.2f}s {all_files / ip:8.1f} {all_mb / ip:6.2f} | {sb / ip:5.1f}x")
    print()
    every = spent[True] + spent[False]
    print(f"pipeline.check: {len(every)} messages in {sum(every):.1f} s = {len(every) / sum(every):.2f} messages/s")
    for scanned, label in ((False, "without scans"), (True, "with a scan (seal search + OCR)")):
        if spent[scanned]:
            s = spent[scanned]
            print(f"  {label:32s} {len(s):3d} messages, {len(s) / sum(s):6.2f} messages/s, "
                  f"{sum(s) / len(s):5.2f} s each (max {max(s):.2f} s)")
    print()
    print(f"Peak RSS after generating the files (sampled every 50 ms): this process + children {rss.peak / MB:.0f} MB; "
          f"this process alone {rss.main_peak / MB:.0f} MB (the generated files, the libraries imported for the "
          f"baseline); children alone {rss.children_peak / MB:.0f} MB")
    for label, (both, children) in (("sandboxed files", sandbox_peak), ("in-process extract", baseline_peak),
                                    ("pipeline.check", check_peak)):
        print(f"  {label:20s} all {both / MB:5.0f} MB, children (forkserver, worker, tools) {children / MB:5.0f} MB")
    for note in notes:
        print("note:", note)
    print(f"Run time {total:.0f} s, of which {measuring:.0f} s measuring")
    return 0


def _os_name() -> str:
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    return platform.platform()


if __name__ == "__main__":
    sys.exit(main())
