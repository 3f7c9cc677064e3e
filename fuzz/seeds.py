"""A small seed corpus for fuzz/check_target.py: a few real submissions as raw .eml files.

Made with tinbai.demo_samples (python-docx, Pillow, reportlab), kept small so that libFuzzer's
default -max_len stays small and mutations stay fast: a plain news item, one with a small
photo, a .docx, a PDF, a TCVN3 (legacy font) .docx, a ZIP holding a text file, an HTML-only
body, a program named .pdf, an empty message. Nothing is copied from elsewhere; the bytes are
the same on every run (fixed dates and Message-IDs).

    .venv/bin/python fuzz/seeds.py fuzz/corpus      # write the seeds into a folder
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DATE = datetime(2026, 4, 28, 8, 30, tzinfo=VN)  # the day before fuzz/check_target.py's RECEIVED
SENDER = "Nguyễn Thị Hoa <hoa.nt@thads-thainguyen.example.vn>"
TO = "thainguyen@moj.gov.vn"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def seed_messages() -> dict[str, bytes]:
    """File name -> raw message bytes."""
    from reportlab import rl_config

    from tinbai import demo_samples as ds

    rl_config.invariant = 1  # no creation time or random document id in the PDF
    sig = "\n\n" + ds.signature("Nguyễn Thị Hoa", "Chuyên viên", "Phòng Thi hành án dân sự khu vực 1", "0208.3854.376",
                       "Số 18 đường Lương Ngọc Quyến, phường Đức Xuân, tỉnh Thái Nguyên")
    article = ("Sáng ngày 28/4/2026, Phòng Thi hành án dân sự khu vực 1 tổ chức Hội nghị tập huấn nghiệp vụ "
               "thi hành án dân sự năm 2026; hội nghị kết thúc lúc 11 giờ 30 phút cùng ngày.")
    decision = ["THI HÀNH ÁN DÂN SỰ TỈNH THÁI NGUYÊN", "Số: 117/QĐ-THADS",
                "Thái Nguyên, ngày 27 tháng 4 năm 2026", "QUYẾT ĐỊNH",
                "Về việc kiện toàn Tổ biên tập Trang thông tin điện tử", "Nơi nhận:", "- Trang thông tin điện tử;"]
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("tin bài.txt", article.encode("utf-8"))
    program = bytearray(256)
    program[0:2] = b"MZ"
    program[0x3C:0x40] = (0x80).to_bytes(4, "little")
    program[0x80:0x84] = b"PE\0\0"

    def mail(subject: str, body: str, attachments=(), html: str | None = None) -> bytes:
        return ds.email(sender=SENDER, to=TO, subject=subject, body=body, date=DATE,
                        attachments=list(attachments), html=html)

    messages = {
        "news.eml": mail("V/v gửi tin: Hội nghị tập huấn nghiệp vụ", "Kính gửi Ban Biên tập,\n\n" + article + sig),
        "photo.eml": mail("Tin hoạt động kèm ảnh", article + sig,
                          [("anh 1.jpg", "image/jpeg", ds.photo(1, size=(64, 48)))]),
        "docx.eml": mail("[Tin] Tập huấn nghiệp vụ", "Em gửi tin bài đính kèm." + sig,
                         [("TIN BAI.docx", DOCX, ds.docx([article]))]),
        "pdf.eml": mail("Quyết định số 117/QĐ-THADS ngày 27/4/2026", "Văn thư gửi Quyết định để đăng tải." + sig,
                        [("QD 117.pdf", "application/pdf", ds.pdf_document(decision))]),
        "tcvn3.eml": mail("Tin hoạt động: Tập huấn", "Em gửi tin." + sig,
                          [("tin.docx", DOCX, ds.docx([ds.to_tcvn3(article)], font=".VnTime"))]),
        "zip.eml": mail("Gửi tin bài (nén)", "Tệp nén đính kèm." + sig,
                        [("tin bai.zip", "application/zip", zipped.getvalue())]),
        "html.eml": mail("Tin hoạt động", "", html=f"<html><body><p>{article}</p><p>{sig.strip().replace(chr(10), '<br>')}</p></body></html>"),
        "program.eml": mail("Gửi báo cáo", "Gửi Ban biên tập báo cáo." + sig,
                            [("bao-cao.pdf", "application/pdf", bytes(program))]),
        "empty.eml": mail("(không tiêu đề)", ""),
    }
    # make_msgid() is random and the MIME boundaries too: fixed, so the corpus is the same each run
    out = {}
    for i, (name, raw) in enumerate(messages.items()):
        raw = re.sub(rb"(?m)^Message-ID: .*$", f"Message-ID: <seed-{i}@fuzz.tinbai.local>".encode(), raw, count=1)
        for j, boundary in enumerate(dict.fromkeys(re.findall(rb'boundary="([^"]+)"', raw))):
            raw = raw.replace(boundary, f"===============seed{i}x{j}==".encode())
        out[name] = raw
    return out


def write_seeds(directory: str | Path) -> list[Path]:
    """Write the seed messages into `directory` (made if missing); return their paths."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, raw in seed_messages().items():
        path = directory / name
        path.write_bytes(raw)
        paths.append(path)
    return paths


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: fuzz/seeds.py DIRECTORY")
    for p in write_seeds(sys.argv[1]):
        print(f"{p} ({p.stat().st_size} bytes)")
