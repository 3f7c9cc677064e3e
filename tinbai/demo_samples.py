"""Sample submissions that tinbai makes itself, for the demo: real files made with the
libraries that make such files (python-docx, Pillow, reportlab), in real emails."""

from __future__ import annotations

import email.policy as email_policy
import io
import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from docx import Document
from docx.shared import Pt
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from tinbai.parsers.vietnamese import from_unicode

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


def _font(size: int, bold: bool = False, serif: bool = True) -> ImageFont.ImageFont:
    name = ("DejaVuSerif" if serif else "DejaVuSans") + ("-Bold" if bold else "") + ".ttf"
    try:
        return ImageFont.truetype(str(FONT_DIR / name), size)
    except OSError:
        return ImageFont.load_default()


@dataclass
class Sample:
    profile: str
    received_at: datetime
    raw: bytes
    what: str  # what the sample shows, for the demo's summary


def photo(seed: int, size: tuple[int, int] = (800, 600)) -> bytes:
    """A photo-like picture of an event: sky, a stage with a red banner, people as shapes."""
    rnd = random.Random(seed)
    w, h = size
    img = Image.new("RGB", size)
    d = ImageDraw.Draw(img)
    for y in range(h):
        c = int(120 + 100 * y / h)
        d.line([(0, y), (w, y)], fill=(c - 60, c - 30, c))
    d.rectangle([w * 0.1, h * 0.15, w * 0.9, h * 0.32], fill=(200, 20, 30))  # the meeting's banner
    d.text((w * 0.14, h * 0.2), "HỘI NGHỊ TẬP HUẤN NGHIỆP VỤ", fill=(255, 230, 0), font=_font(28, True, False))
    for _ in range(40):
        x, y = rnd.randint(0, w), rnd.randint(int(h * 0.5), h)
        r = rnd.randint(12, 30)
        d.ellipse([x - r, y - r, x + r, y + r], fill=tuple(rnd.randint(20, 230) for _ in range(3)))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)
    return out.getvalue()


def document_scan(lines_top: list[str], title: str, summary: str, body: list[str], signer_title: str,
                  signer: str, recipients: list[str], *, seal: bool, agency_ring: str, dpi: int = 150,
                  mark: str | None = None) -> bytes:
    """A scanned official document page (Decree 30/2020 layout), with or without the red seal; `mark`
    ("MẬT", "KHẨN"…) is stamped in a red frame under the number, as a state-secret or urgency mark is."""
    w, h = int(8.27 * dpi), int(11.69 * dpi)
    img = Image.new("RGB", (w, h), (250, 248, 240))
    d = ImageDraw.Draw(img)
    f, fb, fs = _font(int(dpi * 0.115)), _font(int(dpi * 0.115), True), _font(int(dpi * 0.1))
    y = int(dpi * 0.6)
    left, right = int(dpi * 0.7), int(w * 0.5)
    for i, line in enumerate(lines_top):
        d.text((left, y + i * dpi * 0.2), line, fill=(20, 20, 20), font=fb if i < 2 else f)
    d.text((right, y), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", fill=(20, 20, 20), font=fb)
    d.text((right + dpi * 0.4, y + dpi * 0.2), "Độc lập - Tự do - Hạnh phúc", fill=(20, 20, 20), font=fb)
    if mark:
        _boxed_mark(img, (left + int(dpi * 0.3), y + int(dpi * 0.62)), mark, dpi)
    y += int(dpi * 1.1)
    d.text((w // 2 - len(title) * dpi * 0.045, y), title, fill=(20, 20, 20), font=_font(int(dpi * 0.16), True))
    y += int(dpi * 0.3)
    d.text((left + dpi * 1.2, y), summary, fill=(20, 20, 20), font=fb)
    y += int(dpi * 0.5)
    for line in body:
        d.text((left, y), line, fill=(30, 30, 30), font=f)
        y += int(dpi * 0.22)
    y += int(dpi * 0.4)
    d.text((left, y), "Nơi nhận:", fill=(20, 20, 20), font=fb)
    for i, r in enumerate(recipients):
        d.text((left, y + (i + 1) * dpi * 0.18), r, fill=(20, 20, 20), font=fs)
    sx = int(w * 0.62)
    d.text((sx, y), signer_title, fill=(20, 20, 20), font=fb)
    d.text((sx, y + dpi * 1.3), signer, fill=(20, 20, 20), font=fb)
    if seal:
        _red_seal(img, (sx + int(dpi * 0.6), y + int(dpi * 0.75)), int(dpi * 38 / 25.4), agency_ring)
    # the signature: a black stroke over the seal, as a leader signs
    pts = [(sx + dpi * 0.2 + i * 6, y + dpi * 0.8 + 25 * math.sin(i / 5)) for i in range(60)]
    d.line(pts, fill=(10, 10, 60), width=4)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=80, dpi=(dpi, dpi))
    return out.getvalue()


def _boxed_mark(img: Image.Image, at: tuple[int, int], word: str, dpi: int) -> None:
    """A red rectangular stamp with `word` in bold capitals, about 8 mm high."""
    layer = Image.new("RGBA", img.size, (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    font = _font(int(dpi * 0.2), True, False)
    ink = (210, 30, 40, 225)
    x, y = at
    width = int(d.textlength(word, font=font) + dpi * 0.25)
    height = int(dpi * 0.32)
    d.rectangle([x, y, x + width, y + height], outline=ink, width=max(2, dpi // 50))
    d.text((x + width / 2, y + height / 2), word, fill=ink, font=font, anchor="mm")
    img.paste(layer, (0, 0), layer)


def _red_seal(img: Image.Image, center: tuple[int, int], diameter: int, ring_text: str) -> None:
    layer = Image.new("RGBA", img.size, (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    cx, cy = center
    r = diameter // 2
    ink = (205, 30, 40, 210)
    d.ellipse([cx - r, cy - r, cx + r, cy + r], outline=ink, width=max(3, r // 12))
    d.ellipse([cx - r * 0.72, cy - r * 0.72, cx + r * 0.72, cy + r * 0.72], outline=ink, width=max(2, r // 25))
    font = _font(max(8, r // 6), True, False)
    for i, ch in enumerate(ring_text):
        a = -math.pi / 2 + 2 * math.pi * i / len(ring_text)
        d.text((cx + r * 0.84 * math.cos(a) - 4, cy + r * 0.84 * math.sin(a) - 6), ch, fill=ink, font=font)
    star = [(cx + r * 0.3 * math.cos(-math.pi / 2 + k * math.pi / 5) * (1 if k % 2 == 0 else 0.45),
             cy + r * 0.3 * math.sin(-math.pi / 2 + k * math.pi / 5) * (1 if k % 2 == 0 else 0.45)) for k in range(10)]
    d.polygon(star, fill=ink)
    img.paste(layer, (0, 0), layer)


def docx(paragraphs: list[str], font: str | None = None) -> bytes:
    doc = Document()
    for text in paragraphs:
        run = doc.add_paragraph().add_run(text)
        run.font.size = Pt(13)
        if font:
            run.font.name = font
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def pdf_document(lines: list[str]) -> bytes:
    pdfmetrics.registerFont(TTFont("DejaVuSerif", str(FONT_DIR / "DejaVuSerif.ttf")))
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    c.setFont("DejaVuSerif", 11)
    y = A4[1] - 60
    for line in lines:
        c.drawString(50, y, line)
        y -= 18
    c.showPage()
    c.save()
    return out.getvalue()


def to_tcvn3(text: str) -> str:
    """Vietnamese Unicode typed as an old office machine would: TCVN3 bytes seen as Latin-1."""
    return from_unicode(text, "tcvn3")


def email(*, sender: str, to: str, subject: str, body: str, date: datetime,
          attachments: list[tuple[str, str, bytes]] = (), html: str | None = None) -> bytes:
    msg = EmailMessage(policy=email_policy.default.clone(max_line_length=998))  # see notifier.delivery.POLICY
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(date)
    msg["Message-ID"] = make_msgid(domain="demo.tinbai.local")
    msg.set_content(body)
    if html:
        msg.add_alternative(html, subtype="html")
    for name, ctype, data in attachments:
        maintype, subtype = ctype.split("/", 1)
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg.as_bytes()


def signature(name: str | None, title: str | None, unit: str | None, phone: str | None,
              address: str | None = None) -> str:
    return "\n".join(x for x in ["", "Trân trọng!", "", name, title, unit,
                                 f"ĐT: {phone}" if phone else None, f"Địa chỉ: {address}" if address else None] if x)


def samples(now: datetime) -> list[Sample]:
    """A dozen submissions across the five profiles, received in the last hours before `now`."""
    tn_to = "thainguyen@moj.gov.vn"
    hd_to = "haiduong@moj.gov.vn"
    bp_to = "banbientapstp.bp@binhphuoc.gov.vn"
    kt_to = "bbt.trangttdt@stp-kontum.example.vn"
    hy_to = "banbientap@snv-hungyen.example.vn"
    today = now.date()
    yest = today - timedelta(days=1)
    d = f"{today.day}/{today.month}/{today.year}"
    dy = f"{yest.day}/{yest.month}/{yest.year}"
    out: list[Sample] = []

    def add(profile: str, hours_ago: float, what: str, **kw) -> None:
        at = now - timedelta(hours=hours_ago)
        out.append(Sample(profile, at, email(date=at - timedelta(minutes=3), **kw), what))

    article = (f"Sáng ngày {d}, Phòng Thi hành án dân sự khu vực 1 tổ chức Hội nghị tập huấn nghiệp vụ "
               "thi hành án dân sự năm 2026 cho toàn thể công chức, người lao động. Tại hội nghị, các đại biểu "
               "đã được quán triệt những điểm mới của Luật Thi hành án dân sự sửa đổi, kỹ năng xác minh điều kiện "
               "thi hành án và tổ chức cưỡng chế. Hội nghị cũng dành thời gian trao đổi, giải đáp vướng mắc phát "
               "sinh trong thực tiễn, góp phần nâng cao hiệu quả công tác thi hành án dân sự trên địa bàn tỉnh.")
    add("thainguyen-thads", 2, "Tin hoạt động kèm 2 ảnh, đủ thông tin người gửi",
        sender="Nguyễn Thị Hoa <hoa.nt@thads-thainguyen.example.vn>", to=tn_to,
        subject="V/v gửi tin: Hội nghị tập huấn nghiệp vụ thi hành án dân sự năm 2026",
        body="Kính gửi Ban Biên tập,\n\n" + article + signature(
            "Nguyễn Thị Hoa", "Chuyên viên", "Phòng Thi hành án dân sự khu vực 1", "0208.3854.376",
            "Số 18 đường Lương Ngọc Quyến, phường Đức Xuân, tỉnh Thái Nguyên"),
        attachments=[("anh 1.jpg", "image/jpeg", photo(1)), ("anh 2.jpg", "image/jpeg", photo(2))])
    add("thainguyen-thads", 1.5, "Cùng bài gửi lại (Fwd:) — trùng nội dung",
        sender="Nguyễn Thị Hoa <hoa.nt@thads-thainguyen.example.vn>", to=tn_to,
        subject="Fwd: V/v gửi tin: Hội nghị tập huấn nghiệp vụ thi hành án dân sự năm 2026",
        body="Kính gửi Ban Biên tập, em gửi lại tin.\n\n" + article + signature(
            "Nguyễn Thị Hoa", "Chuyên viên", "Phòng Thi hành án dân sự khu vực 1", "0208.3854.376"),
        attachments=[("anh tap huan.jpg", "image/jpeg", photo(1))])
    scan = document_scan(["THI HÀNH ÁN DÂN SỰ", "TỈNH THÁI NGUYÊN", "Số: 117/QĐ-THADS"], "QUYẾT ĐỊNH",
                         "Về việc kiện toàn Tổ biên tập Trang thông tin điện tử",
                         [f"Thái Nguyên, ngày {yest.day} tháng {yest.month} năm {yest.year}",
                          "Căn cứ Quy chế quản lý và vận hành Trang thông tin điện tử;",
                          "Xét đề nghị của Chánh Văn phòng,", "QUYẾT ĐỊNH:",
                          "Điều 1. Kiện toàn Tổ biên tập Trang thông tin điện tử gồm các ông, bà có tên sau."],
                         "TRƯỞNG THI HÀNH ÁN", "Nguyễn Văn Bình",
                         ["- Như Điều 2;", "- Trang thông tin điện tử;", "- Lưu: VT, VP."],
                         seal=True, agency_ring="THI HÀNH ÁN DÂN SỰ TỈNH THÁI NGUYÊN * ")
    add("thainguyen-thads", 3, "Quyết định của Cục, bản chụp có dấu đỏ",
        sender="Triệu Văn Hùng <vanthu@thads-thainguyen.example.vn>", to=tn_to,
        subject=f"[Đăng Trang TTĐT] Quyết định số 117/QĐ-THADS ngày {dy}",
        body="Kính gửi Tổ biên tập,\nVăn thư gửi Quyết định số 117/QĐ-THADS để đăng tải (đã được lãnh đạo Cục duyệt)."
             + signature("Triệu Văn Hùng", "Văn thư", "Văn phòng", "0208.3028.399"),
        attachments=[("QD 117-THADS.jpg", "image/jpeg", scan)])
    scan2 = document_scan(["CỤC THI HÀNH ÁN DÂN SỰ", "TỈNH HẢI DƯƠNG", "Số: 512/CTHADS-VP"], "CÔNG VĂN",
                          "V/v triển khai công tác thi hành án dân sự",
                          [f"Hải Dương, ngày {yest.day} tháng {yest.month} năm {yest.year}",
                           "Kính gửi: Các Chi cục Thi hành án dân sự huyện, thành phố.",
                           "Cục Thi hành án dân sự tỉnh đề nghị các đơn vị triển khai thực hiện."],
                          "KT. CỤC TRƯỞNG", "Trần Văn Minh", ["- Như trên;", "- Lưu: VT."],
                          seal=False, agency_ring="")
    add("haiduong-thads", 4, "Công văn của Cục chụp khi chưa đóng dấu — thiếu dấu đỏ",
        sender="Lê Thị Mai <vanthu@thads-haiduong.example.vn>", to=hd_to,
        subject="Văn bản chỉ đạo: Công văn số 512/CTHADS-VP",
        body="Kính gửi Ban Biên tập,\nVăn thư gửi công văn để đăng Trang thông tin điện tử."
             + signature("Lê Thị Mai", "Văn thư", "Văn phòng Cục", "0220.3334.535"),
        attachments=[("CV 512.jpg", "image/jpeg", scan2)])
    add("thainguyen-thads", 5, "Thiếu chức danh và số điện thoại — đề nghị bổ sung",
        sender="Lý Đức Hùng <hung.ld@thads-thainguyen.example.vn>", to=tn_to,
        subject="Gửi tin: Ra quân cưỡng chế thi hành án",
        body=f"Chiều ngày {d}, Phòng Thi hành án dân sự khu vực 2 tổ chức ra quân cưỡng chế thi hành án "
             "đối với một vụ việc kéo dài, bảo đảm an toàn, đúng quy định." + signature(
                 "Lý Đức Hùng", None, "Phòng Thi hành án dân sự khu vực 2", None),
        attachments=[("cuong che.jpg", "image/jpeg", photo(5))])
    pe = bytearray(1024)
    pe[0:2] = b"MZ"
    pe[0x3C:0x40] = (0x80).to_bytes(4, "little")
    pe[0x80:0x84] = b"PE\0\0"
    add("thainguyen-thads", 6, "Tệp chương trình mang tên .pdf — cách ly",
        sender="Phòng KV3 <pthads-kv3@thads-thainguyen.example.vn>", to=tn_to,
        subject="Gửi báo cáo kết quả công tác tháng",
        body="Gửi Ban biên tập báo cáo." + signature("Lương Kim Lan", "Chuyên viên", "Phòng KV3", "0912 345 678"),
        attachments=[("bao-cao.pdf", "application/pdf", bytes(pe))])
    legacy = docx([to_tcvn3("Tin hoạt động: Tập huấn nghiệp vụ cho công chức"),
                   to_tcvn3(f"Ngày {d}, Chi cục tổ chức tập huấn nghiệp vụ thi hành án dân sự.")], font=".VnTime")
    add("haiduong-thads", 2.5, "Bài viết gõ bằng phông TCVN3 (.VnTime) — chưa dùng Unicode",
        sender="Đàm Hải Thảo <thao.dh@thads-haiduong.example.vn>", to=hd_to,
        subject="Tin hoạt động: Tập huấn nghiệp vụ",
        body="Kính gửi Ban Biên tập, em gửi tin bài đính kèm." + signature(
            "Đàm Hải Thảo", "Chấp hành viên", "Chi cục Thi hành án dân sự thành phố Chí Linh", "0220 3994 108"),
        attachments=[("tin tap huan.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                      legacy), ("1.jpg", "image/jpeg", photo(7))])
    add("kontum-stp", 3.5, "Tin hoạt động không kèm ảnh (Kon Tum bắt buộc có ảnh)",
        sender="Đinh Quang Thắng <thang.dq@stp-kontum.example.vn>", to=kt_to,
        subject="Tin hoạt động: Trợ giúp pháp lý lưu động",
        body=f"Sáng {d}, Trung tâm Trợ giúp pháp lý nhà nước tỉnh tổ chức trợ giúp pháp lý lưu động tại xã "
             "Đắk Rơ Wa; hoạt động kết thúc lúc 11 giờ 30 phút cùng ngày." + signature(
                 "Đinh Quang Thắng", "Trợ giúp viên pháp lý", "Trung tâm Trợ giúp pháp lý nhà nước tỉnh", "0919 284 978"))
    add("binhphuoc-stp", 1, "Tin hoạt động, bài viết trong tệp .docx kèm ảnh",
        sender="Hồ Thùy Lan <lan.ht@stp-binhphuoc.example.vn>", to=bp_to,
        subject="[Tin] Tuyên truyền, phổ biến pháp luật cho đồng bào dân tộc thiểu số",
        body="Kính gửi Ban Biên tập, Phòng gửi tin bài đính kèm." + signature(
            "Hồ Thùy Lan", "Chuyên viên", "Phòng Tư pháp huyện Bù Đăng", "(0271) 3203131"),
        attachments=[("TIN BAI GUI BBT.docx",
                      "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                      docx([f"Vào lúc 8 giờ 00 phút ngày {d}, Phòng Tư pháp huyện Bù Đăng phối hợp tổ chức "
                            "buổi tuyên truyền, phổ biến pháp luật cho đồng bào dân tộc thiểu số tại xã Đăk Nhau."])),
                     ("DSC07904.JPG", "image/jpeg", photo(9))])
    add("hungyen-snv", 2, "Tin hoạt động gửi từ Outlook, kèm ảnh",
        sender="Nông Diệu Nga <nga.nd@snv-hungyen.example.vn>", to=hy_to,
        subject="V/v gửi tin: Hội nghị tập huấn công tác thi đua, khen thưởng năm 2026",
        body=f"Chiều ngày {d}, Sở Nội vụ tổ chức Hội nghị tập huấn công tác thi đua, khen thưởng." + signature(
            "Nông Diệu Nga", "Chuyên viên chính", "Ban Thi đua - Khen thưởng", "0221 3395 990"),
        attachments=[("Ảnh hội nghị.jpg", "image/jpeg", photo(11))])
    add("thainguyen-thads", 26, "Văn bản của Bộ Tư pháp chuyển đến để đăng (thông tin khác)",
        sender="Ngô Phương Thảo <thao.np@thads-thainguyen.example.vn>", to=tn_to,
        subject="Chuyển Chỉ thị số 03/CT-BTP của Bộ Tư pháp",
        body="Kính gửi Ban Biên tập, Văn phòng chuyển văn bản của Bộ để đăng tải." + signature(
            "Ngô Phương Thảo", "Phó Chánh Văn phòng", "Văn phòng", "0208.3545.573"),
        attachments=[("03-CT-BTP.pdf", "application/pdf", pdf_document([
            "BỘ TƯ PHÁP", "Số: 03/CT-BTP", f"Hà Nội, ngày {yest.day} tháng {yest.month} năm {yest.year}",
            "CHỈ THỊ", "Về tăng cường công tác phổ biến, giáo dục pháp luật",
            "Bộ trưởng Bộ Tư pháp yêu cầu các cơ quan, đơn vị thực hiện nghiêm các nội dung sau."]))])
    add("binhphuoc-stp", 0.8, "Câu hỏi của công dân (phản hồi: chuyển đơn vị trả lời trong 15 ngày làm việc)",
        sender="Trần Văn Bình <tranvanbinh.dp@mail.example.com>", to=bp_to,
        subject="Hỏi về thủ tục chứng thực hợp đồng chuyển nhượng đất",
        body="Kính gửi Sở Tư pháp,\n\nTôi muốn hỏi: hợp đồng chuyển nhượng quyền sử dụng đất giữa hai hộ gia đình "
             "thì chứng thực ở Ủy ban nhân dân xã hay phải công chứng? Xin cảm ơn.\n\nTrần Văn Bình")
    add("haiduong-thads", 0.5, "Thư trống, không nội dung, không tệp",
        sender="Chi cục THADS huyện Thanh Miện <cc-thanhmien@thads-haiduong.example.vn>", to=hd_to,
        subject="(không tiêu đề)", body="")
    return out
