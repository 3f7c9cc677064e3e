"""The review pages in a real browser: the app served by uvicorn in a thread on a free port, and
the helpers the browser tests share (log in, unfold an action's form). The fixtures that start
them (`board`, `browser`) are in conftest.py."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Self

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, expect

from tests.servers import free_port
from tests.web_fixtures import PASSWORD

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

# for the browser tests' modules: `pytestmark = needs_chromium`
needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed")


class Served:
    """The app under uvicorn in a thread, on 127.0.0.1 and a free port."""

    def __init__(self, app) -> None:
        self.port = free_port()
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, name="uvicorn", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Self:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def log_in(browser: Browser, base: str, email_: str, *, phone: bool = False) -> Page:
    viewport = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
    page = browser.new_context(viewport=viewport, locale="vi-VN").new_page()
    page.goto(f"{base}/")
    expect(page).to_have_url(f"{base}/login?next=/")
    page.get_by_label("Email").fill(email_)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(f"{base}/")
    expect(page.get_by_role("heading", name="Hàng đợi tin, bài")).to_be_visible()
    return page


def action_form(page: Page, action: str):
    return page.locator(f"form:has(input[name=action][value={action}])")


def open_action(page: Page, action: str):
    """The action's form, unfolded when it sits in a closed <details>."""
    form = action_form(page, action)
    details = page.locator(f"details:has(input[name=action][value={action}])")
    if details.count() and not details.evaluate("d => d.open"):
        details.locator("summary").click()
    expect(form).to_be_visible()
    return form
