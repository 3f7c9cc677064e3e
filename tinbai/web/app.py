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
from starlette.middleware.sessions import SessionMiddleware

from tinbai.config import Config
from tinbai.web import (
    views_account,
    views_directory,
    views_duties,
    views_export,
    views_files,
    views_item,
    views_queue,
    views_register,
)
from tinbai.web.auth import SESSION_HOURS, CsrfError, LoginRequired, PasswordChangeRequired, session_secret
from tinbai.web.common import HERE, optional_user, page

# No inline scripts or styles anywhere: the seal marks are SVG attributes, not style="".
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
       "frame-ancestors 'none'; base-uri 'none'; form-action 'self'")


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    if app.state.analyser is not None:  # the registration page's sandboxed file reader
        app.state.analyser.close()


def create_app(config: Config, engine: Engine) -> FastAPI:
    app = FastAPI(title="tinbai", docs_url=None, redoc_url=None, openapi_url=None, lifespan=_lifespan)
    app.state.config = config
    app.state.engine = engine
    app.state.analyser = None
    app.add_middleware(SessionMiddleware, secret_key=session_secret(config), session_cookie="tinbai_session",
                       max_age=SESSION_HOURS * 3600, same_site="lax", https_only=config.web.secure_cookies)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if not request.url.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")  # pages show live, private data
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
                    message="Biểu mẫu đã hết hạn hoặc không đến từ trang này. Hãy tải lại trang rồi thử lại.")

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException):
        titles = {403: "Không có quyền", 404: "Không tìm thấy", 405: "Thao tác không hợp lệ"}
        message = exc.detail if isinstance(exc.detail, str) and exc.status_code in (403, 404, 409) else (
            "Yêu cầu không hợp lệ.")
        return page(request, "error.html", status_code=exc.status_code, user=optional_user(request),
                    title=titles.get(exc.status_code, "Có lỗi"), message=message)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        return page(request, "error.html", status_code=400, user=optional_user(request),
                    title="Địa chỉ không hợp lệ", message="Địa chỉ hoặc dữ liệu gửi lên không hợp lệ.")

    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    for module in (views_account, views_queue, views_item, views_files, views_duties, views_directory,
                   views_register, views_export):
        app.include_router(module.router)
    return app
