"""missing_attribution on texts written here (thainguyen Art. 11.3, kontum Art. 7.2, hungyen Art. 9.3)."""

from __future__ import annotations

import pytest

from tinbai.extract.attribution import missing_attribution

STORY = ("Sáng ngày 15/4/2026, Sở Tư pháp tổ chức Hội nghị triển khai Luật Xử lý vi phạm hành chính "
         "sửa đổi cho cán bộ, công chức các phòng chuyên môn và đơn vị trực thuộc.\n"
         "Tại Hội nghị, báo cáo viên đã giới thiệu những điểm mới của Luật.\n")


@pytest.mark.parametrize(
    ("tail", "missing"),
    [
        ("(Theo báo Nhân Dân)", ["tác giả", "thời gian"]),
        ("Theo Cổng TTĐT Chính phủ", ["tác giả", "thời gian"]),
        ("Nguồn: Báo Pháp luật Việt Nam", ["tác giả", "thời gian"]),
        ("Nguồn: https://baochinhphu.vn/hoi-nghi-trien-khai-luat.htm", ["tác giả", "thời gian"]),
        ("(Sưu tầm)", ["tác giả", "nguồn", "thời gian"]),
        ("Nguồn: Internet", ["tác giả", "nguồn", "thời gian"]),
        ("Tin, ảnh: Sưu tầm", ["nguồn", "thời gian"]),
        ("Nguyễn Văn An (Theo báo Thanh Niên)", ["thời gian"]),
        ("Theo VnExpress, ngày 14/4/2026", ["tác giả"]),
    ],
)
def test_incomplete_attribution_is_reported(tail: str, missing: list[str]) -> None:
    detail = missing_attribution(STORY + tail)
    assert detail is not None
    assert detail.startswith("Thông tin trích dẫn, sưu tầm")
    for word in missing:
        assert word in detail
    for word in {"tác giả", "nguồn", "thời gian"} - set(missing):
        assert f" {word}" not in detail.split("chưa ghi rõ", 1)[1]


@pytest.mark.parametrize(
    "tail",
    [
        "Nguyễn Văn An (Theo báo Pháp luật Việt Nam, ngày 12/3/2026)",
        "Bài: Trần Thị Bình\nNguồn: Báo Pháp luật Việt Nam, đăng ngày 12/3/2026",
        "Tác giả: Lê Minh Đức - Nguồn: Tạp chí Dân chủ và Pháp luật, số ra ngày 5 tháng 3 năm 2026",
        "Minh Anh (Theo baochinhphu.vn, 14/4/2026)",
    ],
)
def test_complete_attribution_is_fine(tail: str) -> None:
    assert missing_attribution(STORY + tail) is None


@pytest.mark.parametrize(
    "text",
    [
        "",
        STORY,
        STORY + "Tin, ảnh: Nguyễn Văn An - Phòng Phổ biến, giáo dục pháp luật",
        STORY + "Trân trọng!\nHoàng Thị Lan\nChuyên viên\nWebsite: https://stp.kontum.gov.vn",
        "Theo báo cáo tại Hội nghị, toàn tỉnh đã thi hành xong 4.350 việc, đạt 77,9%.",
        "Theo đề nghị của Trưởng phòng Kiểm tra, Cục trưởng quyết định thành lập Đoàn kiểm tra.",
        "Theo Bản án số 147/2025/DS-ST của Tòa án nhân dân khu vực, ông A phải trả 900.000.000 đồng.",
        STORY + "Theo kế hoạch, Hội nghị tiếp theo sẽ được tổ chức vào quý III.",
        "Triển lãm trưng bày nhiều hiện vật, tài liệu do các cựu chiến binh sưu tầm và hiến tặng.",
        STORY + "Nguồn: Phòng Hành chính tư pháp",
    ],
)
def test_own_news_and_ordinary_sentences_raise_nothing(text: str) -> None:
    assert missing_attribution(text) is None


def test_copied_press_article_with_dateline() -> None:
    text = ("(TTXVN) - Sáng nay, tại Hà Nội, Bộ Tư pháp tổ chức Hội nghị tổng kết công tác năm 2025 và "
            "triển khai nhiệm vụ năm 2026 với sự tham dự của lãnh đạo các đơn vị.\n"
            "Phát biểu tại Hội nghị, Bộ trưởng đề nghị các đơn vị tập trung hoàn thành nhiệm vụ.\n")
    detail = missing_attribution(text)
    assert detail is not None and "TTXVN" in detail and "thời gian" in detail


def test_copied_web_page_with_related_links() -> None:
    text = STORY + "Xem thêm:\nHội nghị tập huấn công tác hộ tịch năm 2026\n"
    detail = missing_attribution(text)
    assert detail is not None and "nguồn" in detail


def test_decomposed_unicode_is_read_the_same() -> None:
    import unicodedata

    text = unicodedata.normalize("NFD", STORY + "(Theo báo Nhân Dân)")
    assert missing_attribution(text) == missing_attribution(STORY + "(Theo báo Nhân Dân)")
