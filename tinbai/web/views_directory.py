"""The board's directory pages: units (name, email domains or addresses, focal person: kontum
Art. 9.1.a) and contributors (name, unit, email, phone), kept by the admin and the secretaries
(and the heads of the board). The sender check reads the same rows (tinbai.queue.directory)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from tinbai.queue.directory import (
    ContributorForm,
    DirectoryError,
    UnitForm,
    contributors_of,
    save_contributor,
    save_unit,
    set_retired,
    units_of,
)
from tinbai.queue.models import ContributorRow, UnitRow
from tinbai.web.common import MAX_ID, CheckedForm, CurrentUser, RowId, config_of, db, page, visible_profiles

router = APIRouter()
KEEPERS = ("admin", "secretary", "head")


def _profile(request: Request, user, profile: str) -> str:
    profiles = visible_profiles(config_of(request), user)
    if user.role not in KEEPERS:
        raise HTTPException(403, "Danh bạ đơn vị, cộng tác viên do Quản trị và Thư ký Ban Biên tập quản lý.")
    if not profiles:
        raise HTTPException(403, "Tài khoản của đồng chí không được xem hồ sơ nào.")
    return profile if profile in profiles else next(iter(profiles))


def _show(request: Request, user, pid: str, error: str | None = None, status: int = 200, edit_unit: int = 0,
          edit_person: int = 0):
    with db(request) as s:
        units, people = units_of(s, pid), contributors_of(s, pid)
    return page(request, "directory.html", status_code=status, user=user, pid=pid, units=units, people=people,
                unit_names={u.id: u.name for u in units}, profiles=visible_profiles(config_of(request), user),
                error=error, edit_unit=edit_unit, edit_person=edit_person)


@router.get("/directory")
def directory(request: Request, user: CurrentUser, profile: str = "", unit: int = 0, person: int = 0):
    return _show(request, user, _profile(request, user, profile), edit_unit=unit, edit_person=person)


def _field(form, name: str) -> str:
    return str(form.get(name, "") or "")


def _row_id(form) -> int | None:
    """The row a form changes (none: a new one); a number no row can have names nothing."""
    raw = _field(form, "id")
    if not raw.isdigit():
        return None
    if not 1 <= int(raw) <= MAX_ID:
        raise HTTPException(404, "Không có mục này trong danh bạ.")
    return int(raw)


def _save(request: Request, form, user, values_of, save) -> Response:
    """A unit's or a contributor's row from the form (a new one, or the one the form names)."""
    pid = _profile(request, user, _field(form, "profile"))
    values = values_of(**{k: _field(form, k) for k in values_of.__dataclass_fields__})
    row_id = _row_id(form)
    with db(request) as s:
        try:
            save(s, pid, values, row_id)
        except DirectoryError as e:
            return _show(request, user, pid, str(e), 400)
        s.commit()
    return RedirectResponse(f"/directory?profile={pid}", status_code=303)


@router.post("/directory/units")
def unit_save(request: Request, form: CheckedForm, user: CurrentUser):
    return _save(request, form, user, UnitForm, save_unit)


@router.post("/directory/contributors")
def contributor_save(request: Request, form: CheckedForm, user: CurrentUser):
    return _save(request, form, user, ContributorForm, save_contributor)


@router.post("/directory/{kind}/{row_id}/retire")
def retire(request: Request, kind: str, row_id: RowId, form: CheckedForm, user: CurrentUser):
    model = {"units": UnitRow, "contributors": ContributorRow}.get(kind)
    if model is None:
        raise HTTPException(404, "Không có danh mục này.")
    pid = _profile(request, user, _field(form, "profile"))
    with db(request) as s:
        try:
            set_retired(s, model, pid, row_id, _field(form, "retired") == "1")
        except DirectoryError as e:
            return _show(request, user, pid, str(e), 400)
        s.commit()
    return RedirectResponse(f"/directory?profile={pid}", status_code=303)
