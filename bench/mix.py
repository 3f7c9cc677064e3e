"""The message mix of issue 18: what units of an agency really send, as a seeded generator.

20 % of the submissions carry no attachment (the article in the body), 22 % a Word file (seven
in ten with a photo in it), 18 % an official document as a text PDF of 1-4 pages, 40 % one or two
photos from a phone as mail clients send them (shrunk to 0.3-1.2 Mpx): 1,000 of them have a
median of 64 KB (the issue's set: 62 KB, 196 without attachments). The texts are drawn
from a small pool of sentences, so that they share sentences as real mail does (the same units
send the same greetings, boilerplate and signature blocks for years); each message carries its
own number and a few sentences of its own, so no two are the same submission.
"""

from __future__ import annotations

import io
import random
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path[:0] = [str(Path(__file__).resolve().parent.parent)]

import numpy as np  # noqa: E402
from docx import Document  # noqa: E402
from docx.shared import Cm, Pt  # noqa: E402
from PIL import Image  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfbase.ttfonts import TTFont  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402

from tinbai.demo_samples import FONT_DIR, photo, signature  # noqa: E402
from tinbai.demo_samples import email as make_email  # noqa: E402

VN = ZoneInfo("Asia/Ho_Chi_Minh")
UNITS = ["Phòng Thi hành án dân sự khu vực 1", "Phòng Tổ chức cán bộ", "Văn phòng Cục", "Phòng Kiểm tra",
         "Chi cục Thi hành án dân sự huyện Đại Từ", "Chi cục Thi hành án dân sự thành phố Sông Công"]
PEOPLE = ["Nguyễn Thị Hoa", "Trần Văn Minh", "Lê Thị Thu Hằng", "Phạm Quốc Huy", "Đỗ Thị Lan", "Hoàng Văn Nam",
          "Vũ Thị Mai", "Bùi Đức Thắng"]
GREETINGS = ["Kính gửi Ban Biên tập Trang thông tin điện tử,", "Kính gửi Ban Biên tập,",
             "Kính gửi: Ban Biên tập Cổng thông tin điện tử Cục Thi hành án dân sự tỉnh,"]
CLOSINGS = ["Kính đề nghị Ban Biên tập xem xét, đăng tải.", "Trân trọng đề nghị Ban Biên tập đăng tin.",
            "Đơn vị xin gửi Ban Biên tập để đăng tải trên Trang thông tin điện tử."]
# the small pool every article draws from (the boilerplate of such news)
POOL = [
    "Thực hiện Kế hoạch công tác năm 2026 của Cục Thi hành án dân sự tỉnh Thái Nguyên.",
    "Hội nghị đã quán triệt các nội dung cơ bản của Luật Thi hành án dân sự sửa đổi.",
    "Tham dự hội nghị có đồng chí Phó Cục trưởng và lãnh đạo các phòng chuyên môn.",
    "Các đại biểu đã trao đổi, thảo luận về những khó khăn, vướng mắc trong thực tiễn.",
    "Kết quả thi hành án về việc và về tiền đều vượt chỉ tiêu được giao.",
    "Đơn vị đã tổ chức xác minh điều kiện thi hành án đối với các vụ việc tồn đọng.",
    "Công tác tiếp công dân, giải quyết khiếu nại, tố cáo được thực hiện đúng quy định.",
    "Lãnh đạo Cục đề nghị các đơn vị tiếp tục nâng cao chất lượng, hiệu quả công tác.",
    "Buổi tập huấn nhằm nâng cao kỹ năng nghiệp vụ cho chấp hành viên, thẩm tra viên.",
    "Đoàn công tác đã kiểm tra hồ sơ, tài liệu và làm việc với lãnh đạo đơn vị.",
    "Công tác phối hợp với các cơ quan hữu quan trên địa bàn được tăng cường.",
    "Đơn vị đã tổ chức cưỡng chế thành công, bảo đảm an toàn tuyệt đối về người và tài sản.",
    "Hội nghị cũng đã đánh giá những kết quả đạt được và chỉ ra những tồn tại, hạn chế.",
    "Phong trào thi đua yêu nước được triển khai rộng khắp trong toàn hệ thống.",
    "Chuyển đổi số trong công tác thi hành án dân sự tiếp tục được đẩy mạnh.",
    "Đồng chí Cục trưởng đã phát biểu chỉ đạo và giao nhiệm vụ cho các đơn vị.",
    "Công chức, người lao động của đơn vị đã tham gia đầy đủ, nghiêm túc.",
    "Việc thực hiện dân chủ ở cơ sở được duy trì thường xuyên.",
    "Tổng số việc phải thi hành trong kỳ tăng so với cùng kỳ năm trước.",
    "Đơn vị đề ra phương hướng, nhiệm vụ trọng tâm trong thời gian tới.",
    "Buổi lễ diễn ra trang trọng, ý nghĩa, tạo không khí phấn khởi trong cơ quan.",
    "Công tác cải cách hành chính, phòng chống tham nhũng được chú trọng.",
    "Các chi cục đã báo cáo tiến độ giải quyết các vụ việc có giá trị lớn.",
    "Hội nghị kết thúc với sự thống nhất cao của các đại biểu tham dự.",
]
OWN = ("sáng chiều ngày tháng năm tại trụ sở xã phường huyện thôn tổ dân phố hộ gia đình tài sản quyền sử dụng đất "
       "khoản tiền bản án quyết định tòa án nhân dân đương sự người được thi hành án người phải thi hành án").split()
CAMERA_SIZES = [(640, 480), (800, 600), (1024, 768), (1280, 960)]


def own_sentence(rng: random.Random, i: int) -> str:
    """A sentence only this message has (its facts: a date, a place, a number)."""
    words = " ".join(rng.choice(OWN) for _ in range(rng.randint(8, 14)))
    return f"Ngày {1 + i % 28}/4/2026, {words} (số liệu {i}, {rng.randint(2, 900)} việc)."


def article(rng: random.Random, i: int, paragraphs: int) -> list[str]:
    out = []
    for _ in range(paragraphs):
        sents = rng.sample(POOL, rng.randint(3, 5)) + [own_sentence(rng, i)]
        rng.shuffle(sents)
        out.append(" ".join(sents))
    return out


def pdf_pages(lines: list[str], pages: int) -> bytes:
    """A text PDF of `pages` A4 pages (an official report), the lines spread over them."""
    pdfmetrics.registerFont(TTFont("DejaVuSerif", str(FONT_DIR / "DejaVuSerif.ttf")))
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    per_page = -(-len(lines) // pages)
    for p in range(pages):
        c.setFont("DejaVuSerif", 11)
        y = A4[1] - 60
        for line in lines[p * per_page:(p + 1) * per_page]:
            c.drawString(50, y, line[:95])
            y -= 18
        c.showPage()
    c.save()
    return out.getvalue()


def word_file(paragraphs: list[str], picture: bytes | None) -> bytes:
    """A Word article as units write them: 13 pt paragraphs, sometimes a photo after the title."""
    doc = Document()
    for k, text in enumerate(paragraphs):
        doc.add_paragraph().add_run(text).font.size = Pt(13)
        if k == 0 and picture is not None:
            doc.add_picture(io.BytesIO(picture), width=Cm(14))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def phone_photo(rng: random.Random, size: tuple[int, int]) -> bytes:
    """demo_samples.photo with a little sensor noise, saved as a mail client shrinks a phone's photo."""
    img = np.asarray(Image.open(io.BytesIO(photo(rng.randint(0, 10**6), size))), dtype=np.int16)
    noise = np.random.default_rng(rng.randint(0, 10**6)).normal(0, 3, img.shape).astype(np.int16)
    out = io.BytesIO()
    Image.fromarray(np.clip(img + noise, 0, 255).astype(np.uint8)).save(out, "JPEG", quality=82)
    return out.getvalue()


def issue_message(i: int, rng: random.Random) -> tuple[str, bytes]:
    """(kind, raw bytes) of one submission of the mix."""
    when = datetime(2026, 4, 28, 8, 0, tzinfo=VN) + timedelta(minutes=i)
    unit = rng.choice(UNITS)
    who = rng.choice(PEOPLE)
    sign = signature(who, "Chuyên viên", unit, f"0208.38{i % 10000:04d}")
    greet, close = rng.choice(GREETINGS), rng.choice(CLOSINGS)
    r = rng.random()
    if r < 0.20:
        kind, atts = "text", []
        body = "\n\n".join([greet, *article(rng, i, rng.randint(2, 4)), close]) + "\n" + sign
    elif r < 0.42:
        kind = "docx"
        picture = phone_photo(rng, rng.choice(CAMERA_SIZES[:2])) if rng.random() < 0.7 else None
        atts = [(f"Tin bai {i}.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                 word_file([f"Bài viết số {i}", *article(rng, i, rng.randint(3, 8))], picture))]
        body = f"{greet}\n\nĐơn vị gửi bài viết số {i} trong tệp đính kèm. {close}\n{sign}"
    elif r < 0.60:
        kind = "pdf"
        pages = rng.randint(1, 4)
        lines = [f"Số: {i}/BC-THADS", "BÁO CÁO", f"Kết quả công tác tháng 4 năm 2026 (số {i})"]
        for par in article(rng, i, 3 * pages):
            lines += [par[k:k + 90] for k in range(0, len(par), 90)]
        atts = [(f"Bao cao {i}.pdf", "application/pdf", pdf_pages(lines, pages))]
        body = f"{greet}\n\nĐơn vị gửi báo cáo số {i}. {close}\n{sign}"
    else:
        kind = "photos"
        atts = [(f"anh {i}-{k}.jpg", "image/jpeg", phone_photo(rng, rng.choice(CAMERA_SIZES)))
                for k in range(rng.randint(1, 2))]
        body = "\n\n".join([greet, *article(rng, i, rng.randint(1, 3)), close]) + "\n" + sign
    slug = who.lower().split()[-1]
    raw = make_email(sender=f"{who} <{slug}{i % 50}@thads-thainguyen.example.vn>", to="thainguyen@moj.gov.vn",
                     subject=f"Gửi tin: {rng.choice(POOL)[:60]} ({i})", body=body, date=when, attachments=atts)
    return kind, raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def issue_messages(n: int, seed: int, first: int = 0) -> list[tuple[str, bytes]]:
    rng = random.Random(seed * 1_000_003 + first)
    return [issue_message(i, rng) for i in range(first, first + n)]


if __name__ == "__main__":  # the mix's shape
    import statistics

    msgs = issue_messages(int(sys.argv[1]) if len(sys.argv) > 1 else 200, 1)
    sizes = sorted(len(r) for _, r in msgs)
    kinds = {k: sum(1 for kk, _ in msgs if kk == k) for k in ("text", "docx", "pdf", "photos")}
    print(kinds, f"median {statistics.median(sizes) / 1000:.0f} KB, mean {statistics.mean(sizes) / 1000:.0f} KB",
          f"max {sizes[-1] / 1000:.0f} KB", Path(__file__).name)
