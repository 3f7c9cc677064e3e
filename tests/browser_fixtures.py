"""The review pages in a real browser: the app served by uvicorn in a thread on a free port
(Served), and the helpers the browser tests share (sign in, unfold an action's form, wait for the
outbox, time limits that grow with the machine's load). The fixtures that start them (`board`,
`browser`: headless Chromium driven by Playwright) are in conftest.py."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Self

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session, select

from tests.servers import free_port
from tests.web_fixtures import PASSWORD
from tinbai.queue.models import Outbox

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

# for the browser tests' modules: `pytestmark = needs_chromium`
needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed")


def patience(seconds: float) -> float:
    """A time limit for this machine: `seconds` on an idle one, more while others load its cores."""
    load = os.getloadavg()[0] / (os.cpu_count() or 1)
    return seconds * max(1.0, load)


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
        deadline = time.monotonic() + patience(10)
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def log_in(browser: Browser, base: str, email_: str, *, phone: bool = False, password: str = PASSWORD) -> Page:
    viewport = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
    page = browser.new_context(viewport=viewport, locale="vi-VN", accept_downloads=True).new_page()
    page.goto(f"{base}/")
    expect(page).to_have_url(f"{base}/login?next=/")
    page.get_by_label("Email").fill(email_)
    page.get_by_label("Mật khẩu").fill(password)
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


def all_sent(engine) -> bool:
    """Whether every email of the outbox is marked sent (the SMTP server may have one before the
    row says so: the mark is the delivery's last step)."""
    with Session(engine) as s:
        return {m.status for m in s.exec(select(Outbox))} == {"sent"}
