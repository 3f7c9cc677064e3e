"""Serving the review pages with uvicorn: for the daemon (`run`), and for the demo with its
throw-away administrator account."""

from __future__ import annotations

import uvicorn
from sqlalchemy.engine import Engine

from tinbai.config import Config
from tinbai.extract.analyse import Analyser
from tinbai.web.app import create_app
from tinbai.web.users import ensure_demo_account


def serve(config: Config, engine: Engine, port: int | None = None, analyser: Analyser | None = None) -> None:
    """The pages on config.web.host, at `port` (default: config.web.port), until stopped.
    analyser: the daemon's, whose parser workers then read the files registered by hand too."""
    uvicorn.run(create_app(config, engine, analyser), host=config.web.host, port=port or config.web.port,
                log_level="warning")


def serve_demo(config: Config, engine: Engine, port: int | None = None) -> None:
    """The pages for `main.py demo`, with the demo account's address and fresh password printed."""
    email, password = ensure_demo_account(config, engine)
    port = port or config.web.port
    print()
    print(f"Trang xét duyệt: http://{config.web.host}:{port}/")
    print(f"  Tài khoản thử: {email}  mật khẩu: {password}")
    print("  (Ctrl+C để dừng)", flush=True)
    serve(config, engine, port)
