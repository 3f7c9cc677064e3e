"""The board's directory in the database: units (with their focal person, kontum Art. 9.1.a)
and contributors, kept by the admin and the secretaries in the pages.

config.toml's `[[profiles.X.units]]` and `[[profiles.X.contributors]]` are imported once, on
the first start that finds none of the profile's units or contributors in the database; from
then on the pages are where the directory is kept (a unit or person is retired, never
deleted, so that past items keep theirs). The daemon reads the directory before the chain
(`load_directory`) and the checks see it as data (tinbai.extract.directory).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from sqlalchemy import bindparam
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from tinbai.config import Config
from tinbai.extract.directory import DirectoryPerson, DirectoryUnit, SenderDirectory
from tinbai.queue.models import ContributorRow, UnitRow, utcnow

log = logging.getLogger(__name__)
EMAIL = re.compile(r"[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+")
DOMAIN = re.compile(r"(?:[a-z0-9-]+\.)+[a-z]{2,}")
MAX_QUOTA = 10_000  # items a month: more is a typing mistake
MAX_ROW_ID = 2**63 - 1  # what the database's ids can hold


class DirectoryError(ValueError):
    """A value the board typed that cannot be kept; the message is for the user."""


def split_list(text: str | None) -> list[str]:
    return [w.strip().lower() for w in re.split(r"[,;\s]+", text or "") if w.strip()]


def import_from_config(engine: Engine, config: Config) -> int:
    """Import each profile's units and contributors from config.toml when the database holds none
    of its own yet (the first start); returns how many rows were written."""
    written = 0
    for pid, profile in config.profiles.items():
        if not profile.units and not profile.contributors:
            continue
        try:
            with Session(engine) as s:
                has = s.exec(select(func.count()).select_from(UnitRow).where(UnitRow.profile == pid)).one() + \
                    s.exec(select(func.count()).select_from(ContributorRow).where(ContributorRow.profile == pid)).one()
                if has:
                    continue
                now = utcnow()
                ids: dict[str, int] = {}
                for u in profile.units:
                    row = UnitRow(profile=pid, name=u.name.strip(), domains=", ".join(u.domains),
                                  addresses=", ".join(a.lower() for a in u.addresses),
                                  leaders=", ".join(a.lower() for a in u.leaders), focal_name=u.focal_name,
                                  focal_email=(u.focal_email or "").lower() or None, focal_phone=u.focal_phone,
                                  quota_per_month=u.quota_per_month, created_at=now, updated_at=now)
                    s.add(row)
                    s.flush()
                    ids[row.name] = row.id
                for c in profile.contributors:
                    s.add(ContributorRow(profile=pid, name=c.name, email=c.address.strip().lower(), phone=c.phone,
                                         title=c.title, postal_address=c.postal_address,
                                         unit_id=ids.get(c.unit or ""), created_at=now, updated_at=now))
                s.commit()
                written += len(profile.units) + len(profile.contributors)
        except IntegrityError:  # another instance imported it at the same moment
            log.info("%s: danh bạ đơn vị đã được tiến trình khác nhập", pid)
    return written


def units_of(session: Session, profile_id: str) -> list[UnitRow]:
    return list(session.exec(select(UnitRow).where(UnitRow.profile == profile_id)
                             .order_by(col(UnitRow.retired), UnitRow.name)))


def contributors_of(session: Session, profile_id: str) -> list[ContributorRow]:
    return list(session.exec(select(ContributorRow).where(ContributorRow.profile == profile_id)
                             .order_by(col(ContributorRow.retired), ContributorRow.name)))


def load_directory(session: Session, profile_id: str) -> SenderDirectory:
    """The profile's directory as the checks and the duties read it (retired entries included,
    marked: past items keep their unit)."""
    units = units_of(session, profile_id)
    names = {u.id: u.name for u in units}
    return SenderDirectory(
        units=tuple(DirectoryUnit(
            id=u.id, name=u.name, domains=tuple(split_list(u.domains)), addresses=tuple(split_list(u.addresses)),
            leaders=tuple(split_list(u.leaders)), focal_name=u.focal_name, focal_email=u.focal_email,
            focal_phone=u.focal_phone, quota_per_month=u.quota_per_month, retired=u.retired) for u in units),
        people=tuple(DirectoryPerson(
            id=c.id, name=c.name, email=c.email, phone=c.phone, title=c.title, postal_address=c.postal_address,
            unit=names.get(c.unit_id) if c.unit_id else None, retired=c.retired)
            for c in contributors_of(session, profile_id)))


# built once: compiling the statement anew for every message cost more than running it
_VERSION = select(*(sub for table in (UnitRow, ContributorRow) for sub in (
    select(func.count()).where(table.profile == bindparam("profile")).scalar_subquery(),
    select(func.max(table.updated_at)).where(table.profile == bindparam("profile")).scalar_subquery())))


def directory_version(session: Session, profile_id: str) -> tuple:
    """What changes whenever the profile's directory does: rows are retired, never deleted, and
    every save sets updated_at, so the rows' count and latest change tell."""
    return tuple(session.connection().execute(_VERSION, {"profile": profile_id}).one())


class DirectoryCache:
    """The directory as the daemon's checks read it, loaded again only when it changed: building
    it from its rows for every message was ~1 ms of the daemon's time a message, and it changes
    a few times a year. The version is read in the caller's transaction, so a unit the pages
    saved is seen by the next message, in this process or another."""

    def __init__(self) -> None:
        self._held: dict[str, tuple[tuple, SenderDirectory]] = {}

    def get(self, session: Session, profile_id: str) -> SenderDirectory:
        version = directory_version(session, profile_id)
        held = self._held.get(profile_id)
        if held is None or held[0] != version:
            held = (version, load_directory(session, profile_id))
            self._held[profile_id] = held
        return held[1]

    def held(self, profile_id: str) -> SenderDirectory | None:
        """The directory last loaded, without asking the database whether it changed (for work
        done ahead, checked against get() before it is used); None before the first get()."""
        held = self._held.get(profile_id)
        return held[1] if held is not None else None


def answering_units(session: Session, profile_id: str) -> list[DirectoryUnit]:
    """The units that can be given a citizen's feedback to answer: active, with leaders' addresses
    (binhphuoc Art. 11.2; hungyen Art. 11.3's unit head)."""
    return [u for u in load_directory(session, profile_id).active_units() if u.leaders]


def answering_unit(session: Session, profile_id: str, name: str | None) -> DirectoryUnit | None:
    return next((u for u in answering_units(session, profile_id) if u.name == (name or "")), None)


# ----- what the pages write ------------------------------------------------------------------


@dataclass
class UnitForm:
    name: str
    domains: str = ""
    addresses: str = ""
    leaders: str = ""
    focal_name: str = ""
    focal_email: str = ""
    focal_phone: str = ""
    quota_per_month: str = ""


@dataclass
class ContributorForm:
    name: str
    email: str
    phone: str = ""
    title: str = ""
    unit_id: str = ""


def _emails(text: str, what: str) -> str:
    values = split_list(text)
    for v in values:
        if not EMAIL.fullmatch(v):
            raise DirectoryError(f"{what}: “{v}” không phải địa chỉ thư điện tử.")
    return ", ".join(values)


def save_unit(session: Session, profile_id: str, form: UnitForm, unit_id: int | None = None) -> UnitRow:
    """Add a unit or change one, in the caller's session; DirectoryError for a bad value."""
    name = " ".join(form.name.split())
    if not name:
        raise DirectoryError("Hãy nhập tên đơn vị.")
    domains = split_list(form.domains)
    for d in domains:
        if not DOMAIN.fullmatch(d.lstrip("@")):
            raise DirectoryError(f"Tên miền “{d}” không hợp lệ (ví dụ: stp.binhphuoc.gov.vn).")
    focal_email = _emails(form.focal_email, "Thư điện tử của người đầu mối")
    if "," in focal_email:
        raise DirectoryError("Mỗi đơn vị có một người đầu mối: chỉ nhập một địa chỉ thư.")
    quota = form.quota_per_month.strip()
    if quota and (not quota.isdigit() or not 1 <= int(quota) <= MAX_QUOTA):
        raise DirectoryError(f"Định mức riêng của đơn vị là một số nguyên dương (đến {MAX_QUOTA}), hoặc để trống.")
    same = session.exec(select(UnitRow).where(UnitRow.profile == profile_id, UnitRow.name == name)).first()
    if same is not None and same.id != unit_id:
        raise DirectoryError(f"Đã có đơn vị “{name}”.")
    row = session.get(UnitRow, unit_id) if unit_id else None
    if unit_id and (row is None or row.profile != profile_id):
        raise DirectoryError("Không có đơn vị này.")
    now = utcnow()
    row = row or UnitRow(profile=profile_id, name=name, created_at=now, updated_at=now)
    row.name, row.domains = name, ", ".join(d.lstrip("@") for d in domains)
    row.addresses = _emails(form.addresses, "Địa chỉ thư của đơn vị")
    row.leaders = _emails(form.leaders, "Địa chỉ thư của lãnh đạo đơn vị")
    row.focal_name = " ".join(form.focal_name.split()) or None
    row.focal_email = focal_email or None
    row.focal_phone = form.focal_phone.strip() or None
    row.quota_per_month = int(quota) if quota else None
    row.updated_at = now
    session.add(row)
    session.flush()
    return row


def save_contributor(session: Session, profile_id: str, form: ContributorForm,
                     contributor_id: int | None = None) -> ContributorRow:
    name = " ".join(form.name.split())
    if not name:
        raise DirectoryError("Hãy nhập họ tên cộng tác viên.")
    email = _emails(form.email, "Thư điện tử")
    if not email or "," in email:
        raise DirectoryError("Hãy nhập một địa chỉ thư điện tử của cộng tác viên.")
    unit_id = int(form.unit_id) if form.unit_id.strip().isdigit() else None
    if unit_id is not None:
        unit = session.get(UnitRow, unit_id) if unit_id <= MAX_ROW_ID else None  # past 64 bits: no row
        if unit is None or unit.profile != profile_id:
            raise DirectoryError("Hãy chọn một đơn vị trong danh sách.")
    same = session.exec(select(ContributorRow).where(ContributorRow.profile == profile_id,
                                                     ContributorRow.email == email)).first()
    if same is not None and same.id != contributor_id:
        raise DirectoryError(f"Địa chỉ {email} đã là của {same.name}.")
    row = session.get(ContributorRow, contributor_id) if contributor_id else None
    if contributor_id and (row is None or row.profile != profile_id):
        raise DirectoryError("Không có cộng tác viên này.")
    now = utcnow()
    row = row or ContributorRow(profile=profile_id, name=name, email=email, created_at=now, updated_at=now)
    row.name, row.email, row.unit_id = name, email, unit_id
    row.phone = form.phone.strip() or None
    row.title = " ".join(form.title.split()) or None
    row.updated_at = now
    session.add(row)
    session.flush()
    return row


def set_retired(session: Session, model: type[UnitRow] | type[ContributorRow], profile_id: str, row_id: int,
                retired: bool) -> None:
    row = session.get(model, row_id)
    if row is None or row.profile != profile_id:
        raise DirectoryError("Không có mục này trong danh bạ.")
    row.retired = retired
    row.updated_at = utcnow()
    session.add(row)
