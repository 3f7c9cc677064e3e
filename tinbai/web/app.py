"""The board's review pages: create_app(config, engine) -> FastAPI.

Server-rendered (Jinja2), no JavaScript needed, no external resources (the
network is closed): one stylesheet under /static.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.engine import Engine
from starlette.exceptions import HTTPException

from tinbai.config import Config
from tinbai.extract.analyse import Analyser
from tinbai.web import (
    views_account,
    views_admin,
    views_bulk,
    views_directory,
    views_duties,
    views_export,
    views_files,
    views_item,
    views_queue,
    views_register,
    views_reset,
)
from tinbai.web.auth import (
    FORM_COOKIE,
    SESSION_COOKIE,
    CsrfError,
    LoginRequired,
    PasswordChangeRequired,
    site_secret,
)
from tinbai.web.common import HERE, optional_user, page
from tinbai.web.courier import Courier

# No inline scripts or styles anywhere: the seal marks are SVG attributes, not style="".
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
       "frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
HSTS = "max-age=31536000"
TITLES = {400: "Yêu cầu không hợp lệ", 403: "Không có quyền", 404: "Không tìm thấy", 405: "Thao tác không hợp lệ",
          409: "Mục đã thay đổi"}


def create_app(config: Config, engine: Engine, analyser: Analyser | None = None) -> FastAPI:
    """analyser: the daemon's reader of attachments, for the registration page (kept open at the
    app's end: the daemon closes it); without one, the page starts its own at first use."""
    courier = Courier(engine, config)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        courier.start()  # emails queued before a restart go out without waiting for a click
        yield
        courier.stop()
        if app.state.analyser is not None and analyser is None:  # the one the registration page started
            app.state.analyser.close()

    app = FastAPI(title="tinbai", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.config = config
    app.state.engine = engine
    app.state.courier = courier
    app.state.analyser = analyser
    app.state.site_secret = site_secret(config)
    https = config.web.https

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if https:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        if not request.url.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")  # pages show live, private data
        # the cookies the request's sign-in, sign-out or first form asked for (tinbai.web.auth)
        token = getattr(request.state, "session_cookie", None)
        if token:
            response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax", secure=https, path="/")
        elif token == "":
            response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=https)
        form = getattr(request.state, "form_cookie", None)
        if form:
            response.set_cookie(FORM_COOKIE, form, httponly=True, samesite="lax", secure=https, path="/")
        return response

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)

    @app.exception_handler(PasswordChangeRequired)
    async def _password(request: Request, exc: PasswordChangeRequired):
        return RedirectResponse("/password", status_code=303)

    @app.exception_handler(CsrfError)
    async def _csrf(request: Request, exc: CsrfError):
        return page(request, "error.html", status_code=403, user=optional_user(request),
                    title="Phiên làm việc không hợp lệ",
                    message="Biểu mẫu đã hết hạn, phiên đăng nhập đã kết thúc, hoặc biểu mẫu không đến từ "
                            "trang này. Hãy tải lại trang (đăng nhập lại nếu được hỏi) rồi thử lại.")

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException):
        message = exc.detail if isinstance(exc.detail, str) and exc.status_code in (400, 403, 404, 409) else (
            "Yêu cầu không hợp lệ.")
        if exc.status_code == 404 and exc.detail == "Not Found":
            message = "Không có trang này."
        return page(request, "error.html", status_code=exc.status_code, user=optional_user(request),
                    title=TITLES.get(exc.status_code, "Có lỗi"), message=message)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        # a number in the address that no row can have (past 64 bits, zero, a word) names nothing
        if any(err.get("loc", ("",))[0] == "path" for err in exc.errors()):
            return page(request, "error.html", status_code=404, user=optional_user(request),
                        title="Không tìm thấy", message="Không có trang này: địa chỉ có số thứ tự không hợp lệ.")
        return page(request, "error.html", status_code=400, user=optional_user(request),
                    title="Địa chỉ không hợp lệ", message="Địa chỉ hoặc dữ liệu gửi lên không hợp lệ.")

    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    for module in (views_account, views_reset, views_queue, views_export, views_bulk, views_item, views_files,
                   views_admin, views_duties, views_directory, views_register):
        app.include_router(module.router)
    return app
