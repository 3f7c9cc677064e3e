"""A month of the board's work for the demo, so that the statistics page, the quotas and the
daily posting calendar show something on a fresh machine: a directory of units (with focal
persons) and contributors, then plain submissions of the last 30 days through the same
Ingestor as the daemon, decided by a demo head of the board through the same workflow."""

from __future__ import annotations

import random
import secrets
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tinbai.board import act
from tinbai.config import Config
from tinbai.ingest.runner import Ingestor
from tinbai.queue.directory import ContributorForm, UnitForm, save_contributor, save_unit, units_of
from tinbai.queue.models import Item, UnitRow, User, utcnow
from tinbai.queue.permissions import is_approval_step
from tinbai.web.passwords import hash_password

HEAD = "truongban.demo@tinbai.local"
# profile -> units (name, domain, focal person, focal email) and their writers (name, address)
DIRECTORY = {
    "binhphuoc-stp": [
        ("Phòng Hành chính tư pháp", "hctp.stp-binhphuoc.example.vn", "Lê Văn An",
         [("Lê Văn An", "an.lv"), ("Phạm Thu Hà", "ha.pt")]),
        ("Phòng Phổ biến, giáo dục pháp luật", "pbgdpl.stp-binhphuoc.example.vn", "Trần Thị Bình",
         [("Trần Thị Bình", "binh.tt")]),
        ("Thanh tra Sở", "thanhtra.stp-binhphuoc.example.vn", "Đỗ Quang Huy", []),
    ],
    "kontum-stp": [
        ("Phòng Bổ trợ tư pháp", "btp.stp-kontum.example.vn", "Y Nhung",
         [("Y Nhung", "ynhung"), ("A Tuấn", "atuan"), ("Nguyễn Văn Sơn", "son.nv")]),
    ],
}
TOPICS = ["Hội nghị tập huấn công tác hộ tịch", "Tuyên truyền pháp luật tại xã biên giới",
          "Kết quả trợ giúp pháp lý lưu động", "Sơ kết công tác hòa giải ở cơ sở",
          "Kiểm tra công tác chứng thực tại huyện", "Tọa đàm về Luật Phổ biến, giáo dục pháp luật"]


def add_history(cfg: Config, engine: Engine, now: datetime) -> int:
    """Write the month once (it does nothing when the demo's head of the board is there: an
    earlier run wrote it); returns how many items it added."""
    with Session(engine) as s:
        if s.exec(select(User).where(User.email == HEAD)).first() is not None:
            return 0
        s.add(User(email=HEAD, name="Trưởng Ban (dữ liệu mẫu)", role="head", profiles=",".join(DIRECTORY),
                   password_hash=hash_password(secrets.token_urlsafe(16)), must_change_password=True,
                   created_at=utcnow()))
        for pid, units in DIRECTORY.items():
            known = {u.name: u for u in units_of(s, pid)}  # config.toml's units, imported on first start
            for name, domain, focal, people in units:
                unit = _demo_unit(s, pid, known.get(name), name, domain, focal)
                for person, local in people:
                    save_contributor(s, pid, ContributorForm(name=person, email=f"{local}@{domain}",
                                                             unit_id=str(unit.id)))
        s.commit()
    rnd = random.Random(2026)
    ingestor = Ingestor(cfg, engine)
    made = 0
    try:
        for pid, units in DIRECTORY.items():
            profile = cfg.profile(pid)
            writers = [(p, f"{local}@{domain}", unit) for unit, domain, _f, people in units for p, local in people]
            for n in range(18):
                person, address, unit = writers[n % len(writers)]
                received = now - timedelta(days=30 - n * 1.6, hours=rnd.randint(0, 5))
                long = n % 3 == 0
                body = (f"Kính gửi Ban Biên tập,\n\n{TOPICS[n % len(TOPICS)]}: "
                        + "Ngày qua, đơn vị đã tổ chức hoạt động với sự tham gia của cán bộ, nhân dân địa phương. "
                        * (60 if long else 8) + f"\n\n{person}\nChuyên viên, {unit}\nĐT: 0260.3862.{100 + n}\n")
                msg = EmailMessage()
                msg["From"], msg["To"] = f"{person} <{address}>", profile.portal_address or "bbt@example.vn"
                msg["Subject"] = f"{'Bài' if long else 'Tin'}: {TOPICS[n % len(TOPICS)]} ({n + 1})"
                msg["Date"], msg["Message-ID"] = format_datetime(received), make_msgid(domain="demo.example.vn")
                msg.set_content(body)
                out = ingestor.process(profile.mailbox or pid, profile, f"demo:history:{pid}:{n}", msg.as_bytes(),
                                       received)
                if out.created and not out.failed:
                    made += 1
                    _decide(cfg, engine, out.item_id, n, received, now)
    finally:
        ingestor.close()
    return made


def _demo_unit(s: Session, pid: str, row: UnitRow | None, name: str, domain: str, focal: str) -> UnitRow:
    """The demo's unit: a new one, or config.toml's unit of that name with the demo's domain and
    focal person added (its addresses and leaders kept)."""
    if row is None:
        return save_unit(s, pid, UnitForm(name=name, domains=domain, focal_name=focal, focal_email=f"daumoi@{domain}"))
    form = UnitForm(name=name, domains=", ".join(d for d in (row.domains, domain) if d), addresses=row.addresses,
                    leaders=row.leaders, focal_name=row.focal_name or focal,
                    focal_email=row.focal_email or f"daumoi@{domain}", focal_phone=row.focal_phone or "",
                    quota_per_month=str(row.quota_per_month or ""))
    return save_unit(s, pid, form, row.id)


def _decide(cfg: Config, engine: Engine, item_id: int, n: int, received: datetime, now: datetime) -> None:
    """Most are published within a day; some refused, some returned, a few still open."""
    at = min(received + timedelta(hours=3 + n % 5 * 6), now - timedelta(minutes=5))
    outcome = ("publish", "publish", "publish", "refuse", "publish", "return", "publish", "open")[n % 8]
    if outcome == "open":
        return
    with Session(engine, expire_on_commit=False) as s:
        item = s.get(Item, item_id)
        head = s.exec(select(User).where(User.email == HEAD)).one()
        profile = cfg.profile(item.profile)
        if outcome == "publish":
            while not is_approval_step(item, profile):  # then the approval (and a posting step, if any)
                act(s, item, head, "forward", config=cfg, now=at - timedelta(minutes=20))
            act(s, item, head, "approve", config=cfg, now=at - timedelta(minutes=10))
            act(s, item, head, "publish", config=cfg, now=at, url=f"https://example.vn/tin-bai/{item_id}",
                published_at=at)
        elif outcome == "refuse" and profile.refusal_grounds:
            act(s, item, head, "refuse", config=cfg, now=at, ground=next(iter(profile.refusal_grounds)))
        elif outcome == "return":
            act(s, item, head, "return", config=cfg, now=at, comment="Đề nghị bổ sung ảnh minh họa.")
        s.commit()
