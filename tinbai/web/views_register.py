"""The page where a secretary registers what was brought by hand: paper, a USB stick, a CD
(tinbai.ingest.handed). The files are read in a sandboxed worker of this process, as the daemon
reads an email's attachments; the item then appears in the queue like any other, its channel shown.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData, UploadFile

from tinbai.config import CHANNEL_LABELS, Config, Profile
from tinbai.ingest.handed import HandedError, HandedIn, register
from tinbai.queue.models import User, utcnow
from tinbai.report import Sender
from tinbai.web.common import CheckedForm, CurrentUser, analyser_of, config_of, page, visible_profiles
from tinbai.web.views_item import YEARS

router = APIRouter()
REGISTRAR_ROLES = frozenset({"secretary", "head", "admin"})  # binhphuoc Art. 9.1.a: "cho Thư ký Ban Biên tập"
SENDER_FIELDS = ("name", "title", "unit", "address", "phone", "postal_address")


def handed_profiles(config: Config, user: User) -> dict[str, Profile]:
    """The profiles whose regulation takes submissions by hand, that `user` may register for."""
    if user.role not in REGISTRAR_ROLES:
        return {}
    return {pid: p for pid, p in visible_profiles(config, user).items() if p.handed_channels}


def _form_page(request: Request, user: User, profiles: dict[str, Profile], *, values: dict[str, Any],
               error: str | None = None, status_code: int = 200):
    channels = {c: CHANNEL_LABELS[c] for p in profiles.values() for c in p.handed_channels}
    return page(request, "register.html", status_code=status_code, user=user, profiles=profiles,
                channels=channels, values=values, error=error)


@router.get("/register")
def register_form(request: Request, user: CurrentUser):
    config = config_of(request)
    profiles = handed_profiles(config, user)
    if not profiles:
        raise HTTPException(403, "Chỉ Thư ký, Trưởng ban (Tổ trưởng) ghi nhận tin, bài nhận trực tiếp.")
    now = utcnow().astimezone(config.settings.zone)
    values = {"token": uuid.uuid4().hex, "day": now.strftime("%Y-%m-%d"), "clock": now.strftime("%H:%M"),
              "profile": next(iter(profiles)), "channel": ""}
    return _form_page(request, user, profiles, values=values)


def _files(form: FormData) -> list[tuple[str, bytes]]:
    out = []
    for f in form.getlist("files"):
        if isinstance(f, UploadFile) and f.filename:
            out.append((f.filename.replace("\\", "/").rsplit("/", 1)[-1], f.file.read()))
    return out


def _received(day: str, clock: str, config: Config) -> datetime:
    try:
        local = datetime.fromisoformat(f"{day.strip()}T{clock.strip() or '00:00'}")
    except ValueError:
        raise HandedError("Hãy ghi ngày, giờ nhận hợp lệ.") from None
    if not YEARS[0] <= local.year <= YEARS[1]:  # deadlines counted from year 9999 overflow the calendar
        raise HandedError(f"Năm nhận {local.year} nằm ngoài khoảng {YEARS[0]}–{YEARS[1]}.")
    return local.replace(tzinfo=config.settings.zone)


@router.post("/register")
def register_submission(request: Request, form: CheckedForm, user: CurrentUser):
    config = config_of(request)
    profiles = handed_profiles(config, user)
    if not profiles:
        raise HTTPException(403, "Chỉ Thư ký, Trưởng ban (Tổ trưởng) ghi nhận tin, bài nhận trực tiếp.")
    get = lambda k: str(form.get(k) or "").strip()
    values = {k: get(k) for k in ("token", "day", "clock", "profile", "channel", "subject", "note", *SENDER_FIELDS)}
    try:
        if values["profile"] not in profiles:
            raise HandedError("Hãy chọn cơ quan có Quy chế cho phép nhận trực tiếp.")
        sender = Sender(**{k: values[k] or None for k in SENDER_FIELDS})
        handed = HandedIn(profile=values["profile"], channel=values["channel"],
                          received_at=_received(values["day"], values["clock"], config), sender=sender,
                          subject=values["subject"], note=str(form.get("note") or "").strip(), files=_files(form),
                          registered_by=user.email, token=values["token"])
        item = register(request.app.state.engine, config, analyser_of(request), handed)
    except HandedError as e:
        return _form_page(request, user, profiles, values=values, status_code=400,
                          error=f"{e} (Các tệp cần chọn lại.)")
    request.app.state.courier.wake()  # the sender's acknowledgement leaves now (tinbai.web.courier)
    return RedirectResponse(f"/items/{item.id}?done=registered", status_code=303)
