"""A month of a board's work for the duties' tests: units and contributors in the directory,
items from them (some late, refused, returned, published) taken through the real workflow, and
what each item went through, so that the tests count the figures themselves.

binhphuoc-stp, November 2026 (20 working days: 24/11, Ngày Văn hóa Việt Nam, is a day off).
Everything is deterministic.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.web_fixtures import VN, add_user, make_item
from tinbai.board import act
from tinbai.config import Config
from tinbai.queue.directory import ContributorForm, UnitForm, save_contributor, save_unit
from tinbai.queue.models import Item, User
from tinbai.rules import problem

PROFILE = "binhphuoc-stp"
HEAD = "truongban@stp-binhphuoc.example.vn"
SECRETARY = "thuky@stp-binhphuoc.example.vn"
UNITS = {  # name -> (domain, focal email or None, unit address or None)
    "Phòng Hành chính tư pháp": ("hctp.example.vn", "daumoi@hctp.example.vn", None),
    "Phòng Phổ biến pháp luật": ("pbgd.example.vn", None, "pbgd@pbgd.example.vn"),
    "Thanh tra Sở": ("ttra.example.vn", "thanhtra@ttra.example.vn", None),  # sends nothing
    "Phòng Công chứng": ("cc.example.vn", None, None),  # sends nothing, has no address
}
# sender address -> (name, the unit the test expects the item to count under)
SENDERS = {
    "an.lv@hctp.example.vn": ("Lê Văn An", "Phòng Hành chính tư pháp"),  # a registered contributor
    "vanthu@hctp.example.vn": ("Phạm Thu Hà", "Phòng Hành chính tư pháp"),  # the unit's domain
    "binh.tt@pbgd.example.vn": ("Trần Thị Bình", "Phòng Phổ biến pháp luật"),  # a registered contributor
    "khach@gmail.com": ("Đỗ Minh Khách", "Phòng Tư pháp huyện Lộc Ninh"),  # not in the directory: as written
}
OUTCOMES = ("publish", "publish", "publish", "refuse:a", "refuse:d", "return", "open", "approve")


@dataclass
class Spec:
    """One item and what the board did with it, as the test planned it."""

    item_id: int
    sender: str
    unit: str
    category: str
    received_at: datetime
    late: bool
    outcome: str  # publish | refuse:<ground> | return | open | approve
    decided_at: datetime | None  # when the board decided (and published, for "publish")
    deadline: datetime | None = None


def november(day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=VN)


def without_configured_directory(cfg: Config) -> Config:
    """config.toml's units of the profile but its Văn phòng Sở left out (before open_db imports
    them): this month's test adds its own units, some under the same names, and checks that the
    one config unit it keeps is imported on first start."""
    cfg.profiles[PROFILE].units = [u for u in cfg.profiles[PROFILE].units if u.name == "Văn phòng Sở"]
    cfg.profiles[PROFILE].contributors = []
    return cfg


def board_members(engine: Engine, cfg: Config) -> dict[str, User]:
    users = {"head": add_user(engine, HEAD, "head", PROFILE, name="Trưởng Ban"),
             "secretary": add_user(engine, SECRETARY, "secretary", PROFILE, name="Thư ký")}
    with Session(engine) as s:
        units = {}
        for name, (domain, focal, address) in UNITS.items():
            units[name] = save_unit(s, PROFILE, UnitForm(name=name, domains=domain, focal_email=focal or "",
                                                          focal_name="Nguyễn Đầu Mối" if focal else "",
                                                          addresses=address or "")).id
        save_contributor(s, PROFILE, ContributorForm(name="Lê Văn An", email="an.lv@hctp.example.vn",
                                                     unit_id=str(units["Phòng Hành chính tư pháp"])))
        save_contributor(s, PROFILE, ContributorForm(name="Trần Thị Bình", email="binh.tt@pbgd.example.vn",
                                                     unit_id=str(units["Phòng Phổ biến pháp luật"])))
        s.commit()
    return users


def decide(engine: Engine, cfg: Config, head: User, item_id: int, outcome: str, at: datetime) -> None:
    """Take the item through the real workflow, as the head of the board, at `at`."""
    with Session(engine, expire_on_commit=False) as s:
        item = s.get(Item, item_id)
        if outcome in ("publish", "approve"):
            for _ in range(2):  # compile -> verify -> final, which approves (then "Thư ký đăng tải" posts)
                act(s, item, head, "forward", config=cfg, now=at - timedelta(minutes=30))
            act(s, item, head, "approve", config=cfg, now=at)
            if outcome == "publish":
                act(s, item, head, "publish", config=cfg, now=at, url=f"https://stp.example.vn/tin/{item_id}",
                    published_at=at)
        elif outcome.startswith("refuse:"):
            act(s, item, head, "refuse", config=cfg, now=at, ground=outcome.split(":")[1])
        elif outcome == "return":
            act(s, item, head, "return", config=cfg, now=at, comment="Đề nghị bổ sung ảnh.")
        s.commit()


def month_of_items(engine: Engine, cfg: Config, users: dict[str, User], n: int = 24) -> list[Spec]:
    rnd = random.Random(15)
    specs: list[Spec] = []
    plan = []
    # the month's items, on working days 2..27 November
    days = [d for d in range(2, 28) if datetime(2026, 11, d).weekday() < 5]
    for k in range(n):
        sender = list(SENDERS)[k % len(SENDERS)]
        received = november(days[k % len(days)], 8 + k % 8, 5 * (k % 12))
        outcome = OUTCOMES[k % len(OUTCOMES)]
        delay = timedelta(hours=2) if k % 3 else timedelta(days=6)  # every third item decided late
        plan.append((sender, received, outcome, received + delay, k % 5 == 0, ("news", "other", "directive")[k % 3]))
    # received in October, published in November; received in November, published in December
    plan.append(("an.lv@hctp.example.vn", datetime(2026, 10, 29, 10, tzinfo=VN), "publish", november(3, 10),
                 False, "news"))
    plan.append(("binh.tt@pbgd.example.vn", november(27, 16), "publish", datetime(2026, 12, 1, 9, tzinfo=VN),
                 False, "news"))
    for sender, received, outcome, decided, late, category in plan:
        name, unit = SENDERS[sender]
        unit_written = unit if sender == "khach@gmail.com" else "Phòng khác"  # the directory must win
        problems = [problem("deadline.late_submission")] if late else []
        item = make_item(engine, cfg, profile=PROFILE, subject=f"Tin {len(specs) + 1} của {name}",
                         body="Nội dung tin hoạt động. " * (10 + rnd.randint(0, 20)), sender_address=sender,
                         sender_name=name, sender_unit=unit_written, category=category, received_at=received,
                         problems=problems)
        if outcome != "open":
            decide(engine, cfg, users["head"], item.id, outcome, decided)
        specs.append(Spec(item.id, sender, unit, category, received, late, outcome,
                          None if outcome == "open" else decided, item.deadline))
    return specs
