"""The statistics page and the directory pages in a real browser (headless Chromium): the charts
are drawn, every download works and holds the page's figures; a secretary adds a unit and a
contributor and retires one. Screenshots go to test-artifacts/."""

from __future__ import annotations

import json
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, expect
from sqlmodel import Session

from tests.browser_fixtures import ARTIFACTS, Served, needs_chromium
from tests.duties_fixtures import (
    PROFILE,
    SECRETARY,
    board_members,
    month_of_items,
    without_configured_directory,
)
from tests.web_fixtures import PASSWORD, make_config
from tinbai.queue.directory import load_directory
from tinbai.queue.schema import open_db
from tinbai.web.app import create_app

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, object, object, list]]:
    tmp = tmp_path_factory.mktemp("duties-web")
    cfg = without_configured_directory(make_config(tmp))
    cfg.database.url = f"sqlite:///{tmp / 'queue.db'}"
    engine = open_db(cfg)
    specs = month_of_items(engine, cfg, board_members(engine, cfg))
    with Served(create_app(cfg, engine)) as served:
        yield served.url, cfg, engine, specs
    engine.dispose()


def logged_in(browser: Browser, base: str, target: str):
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN",
                               accept_downloads=True).new_page()
    page.goto(f"{base}{target}")
    page.get_by_label("Email").fill(SECRETARY)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    return page


def test_statistics_page_draws_its_charts_and_downloads_work(site, browser: Browser) -> None:
    base, cfg, engine, specs = site
    page = logged_in(browser, base, f"/stats?profile={PROFILE}&period=2026-11")
    expect(page.get_by_role("heading", name="Thống kê tiếp nhận, xử lý tin, bài")).to_be_visible()
    received = sum(1 for sp in specs if sp.received_at.month == 11)
    expect(page.locator("#total-received")).to_have_text(str(received))
    charts = page.locator("svg.chart")
    expect(charts).to_have_count(2)
    # drawn: bars with a size on the screen, as many per chart as groups x series
    bars = page.locator("svg.chart >> nth=0").locator("rect.bar")
    assert bars.count() >= 3 * 3
    widths = [bars.nth(i).bounding_box()["width"] for i in range(bars.count())]
    assert max(widths) > 100 and all(w >= 0 for w in widths)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "thong-ke.png"), full_page=True)
    for fmt in ("xlsx", "docx", "csv", "json"):
        with page.expect_download() as dl:
            page.locator(f"#download-{fmt}").click()
        data = Path(dl.value.path()).read_bytes()
        assert dl.value.suggested_filename == f"thong-ke-{PROFILE}-2026-11.{fmt}"
        if fmt == "json":
            assert json.loads(data)["total"]["received"] == received
        elif fmt == "csv":
            assert f"unit:total,Tổng cộng,{received}," in data.decode("utf-8-sig")
        elif fmt == "xlsx":
            rows = list(load_workbook(BytesIO(data))["Theo đơn vị"].iter_rows(values_only=True))
            assert rows[-1][0] == "Tổng cộng" and rows[-1][1] == received
        else:
            assert data[:2] == b"PK" and len(data) > 10_000
    with page.expect_download() as dl:
        page.locator("#download-royalties").click()
    sheet = load_workbook(BytesIO(Path(dl.value.path()).read_bytes()))["Nhuận bút"]
    published = sum(1 for sp in specs if sp.outcome == "publish" and sp.decided_at.month == 11)
    lines = [r for r in sheet.iter_rows(min_row=6, values_only=True) if isinstance(r[0], int)]
    assert len(lines) == published and all(isinstance(r[10], int | float) for r in lines)  # points, as numbers
    # a bad period is a clear page, not an error
    page.goto(f"{base}/stats?profile={PROFILE}&period=tháng-mười")
    expect(page.get_by_text("không hợp lệ").first).to_be_visible()


def test_secretary_keeps_units_and_contributors(site, browser: Browser) -> None:
    base, cfg, engine, specs = site
    page = logged_in(browser, base, f"/directory?profile={PROFILE}")
    expect(page.get_by_role("heading", name="Đơn vị, người đầu mối và cộng tác viên")).to_be_visible()
    form = page.locator("form.unit-form").last
    form.get_by_label("Tên đơn vị").fill("Phòng Bổ trợ tư pháp")
    form.get_by_label("Tên miền thư (cách nhau dấu phẩy)").fill("btp.example.vn")
    form.get_by_label("Người đầu mối", exact=True).fill("Vũ Thị Mai")
    form.get_by_label("Thư của người đầu mối").fill("mai.vt@btp.example.vn")
    form.get_by_role("button", name="Thêm đơn vị").click()
    expect(page.locator("#units")).to_contain_text("Phòng Bổ trợ tư pháp")
    # a bad address is explained and nothing is lost
    form = page.locator("form.person-form").last
    form.get_by_label("Họ tên", exact=True).fill("Hoàng Văn Nam")
    form.get_by_label("Thư điện tử", exact=True).fill("nam-khong-co-a-con")
    form.get_by_role("button", name="Thêm cộng tác viên").click()
    expect(page.locator("#directory-error")).to_contain_text("không phải địa chỉ thư điện tử")
    form = page.locator("form.person-form").last
    form.get_by_label("Họ tên", exact=True).fill("Hoàng Văn Nam")
    form.get_by_label("Thư điện tử", exact=True).fill("nam.hv@btp.example.vn")
    form.locator("select[name=unit_id]").select_option(label="Phòng Bổ trợ tư pháp")
    form.get_by_role("button", name="Thêm cộng tác viên").click()
    expect(page.locator("#contributors")).to_contain_text("nam.hv@btp.example.vn")
    row = page.locator("#units tr", has_text="Phòng Công chứng")
    row.get_by_role("button", name="Ngừng").click()
    expect(page.locator("#units tr", has_text="Phòng Công chứng")).to_contain_text("ngừng")
    page.screenshot(path=str(ARTIFACTS / "don-vi-cong-tac-vien.png"), full_page=True)
    # the sender check reads the same data
    with Session(engine) as s:
        directory = load_directory(s, PROFILE)
    assert directory.registered("nam.hv@btp.example.vn") and directory.registered("ai.do@btp.example.vn")
    assert directory.unit_of("nam.hv@btp.example.vn").name == "Phòng Bổ trợ tư pháp"
    assert not directory.registered("x@cc.example.vn")  # the retired unit's domain no longer counts
