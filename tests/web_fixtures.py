"""Queue items, accounts and configuration for the workflow and web tests.

Items are written the way the daemon writes them (tinbai.queue.store.enqueue from a
CheckReport), with their raw message in the archive and their files in the content
store, so that the pages show what they show in production.
"""

from __future__ import annotations

import functools
import io
import random
import tomllib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from tests.seal_pictures import sealed_page
from tinbai.calendar import WorkCalendar, compute_deadline
from tinbai.config import Config, config_from_dict
from tinbai.ingest.archive import ContentStore
from tinbai.queue.db import make_engine
from tinbai.queue.models import Item, User, utcnow
from tinbai.queue.store import SourceRef, enqueue
from tinbai.report import Anchor, AttachmentReport, CheckReport, Problem, SealMark, Sender, verdict_of
from tinbai.web.passwords import hash_password

ROOT = Path(__file__).resolve().parent.parent
VN = ZoneInfo("Asia/Ho_Chi_Minh")
PASSWORD = "mat-khau-thu-123"


def make_config(tmp: Path, *, smtp_port: int | None = None, secure_cookies: bool = False) -> Config:
    """The project's config.toml with its var/ in `tmp` (and SMTP to a local sink when asked)."""
    raw = tomllib.loads((ROOT / "config.toml").read_text(encoding="utf-8"))
    raw["settings"]["var_dir"] = str(tmp / "var")
    raw["web"]["secure_cookies"] = secure_cookies
    raw["smtp"]["directory"] = str(tmp / "outbox")  # the pages deliver what they queue: never into the repo
    if smtp_port is not None:
        raw["smtp"] = {"kind": "smtp", "host": "127.0.0.1", "port": smtp_port, "security": "plain",
                       "sender": "Ban Biên tập <bbt@tinbai.test>", "timeout": 10}
    return config_from_dict(raw, ROOT / "config.toml")


def make_engine_for(tmp: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp / 'queue.db'}")
    SQLModel.metadata.create_all(engine)
    return engine


@functools.cache
def _hash(password: str) -> str:
    # argon2 takes ~0.5 s here on purpose; one hash serves every account with the same password
    return hash_password(password)


def add_user(engine: Engine, email: str, role: str, profiles: str = "thainguyen-thads", *,
             name: str | None = None, must_change: bool = False, password: str = PASSWORD) -> User:
    with Session(engine, expire_on_commit=False) as s:
        user = User(email=email, name=name, password_hash=_hash(password), role=role, profiles=profiles,
                    must_change_password=must_change, created_at=utcnow())
        s.add(user)
        s.commit()
        return user


@dataclass
class FileSpec:
    filename: str
    data: bytes
    detected_type: str
    seals: list[SealMark] = field(default_factory=list)
    text: str = ""
    problems: list[Problem] = field(default_factory=list)
    pages: int | None = None


def seal_scan(seed: int = 7) -> tuple[bytes, SealMark]:
    """A scanned official letter (JPEG, 150 dpi) with a red seal, and where the seal is."""
    img, box = sealed_page(random.Random(seed), dpi=150)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=85)
    return buf.getvalue(), SealMark(page=1, box=box, image_size=img.size, score=0.93)


def seal_pdf(seed: int = 11) -> tuple[bytes, SealMark]:
    """The same kind of scan as a one-page PDF (Pillow writes it); the box is in the page's pixels."""
    img, box = sealed_page(random.Random(seed), dpi=100)
    buf = io.BytesIO()
    img.save(buf, "PDF", resolution=100)
    return buf.getvalue(), SealMark(page=1, box=box, image_size=img.size, score=0.9)


def make_item(
    engine: Engine,
    config: Config,
    *,
    profile: str = "thainguyen-thads",
    subject: str = "Tin hoạt động",
    body: str = "Nội dung tin.",
    sender_address: str = "vanthu@thads-thainguyen.example.vn",
    sender_name: str = "Nguyễn Thị Hoa",
    sender_title: str = "Chuyên viên",
    sender_unit: str = "Văn phòng",
    phone: str = "0208.3854.376",
    category: str = "other",
    received_at: datetime | None = None,
    problems: list[Problem] | None = None,
    files: list[FileSpec] | None = None,
) -> Item:
    """One submission stored as the daemon stores it; returns the queue item."""
    prof = config.profile(profile)
    received_at = received_at or datetime.now(VN) - timedelta(hours=1)
    files = files or []
    var = config.resolve(config.settings.var_dir)
    store, archive = ContentStore(var / "files"), ContentStore(var / "archive")

    msg = EmailMessage()
    msg["From"] = f"{sender_name} <{sender_address}>"
    msg["To"] = prof.portal_address or "bbt@example.vn"
    msg["Subject"] = subject
    msg["Date"] = format_datetime(received_at)
    msg["Message-ID"] = f"<{random.getrandbits(64):x}@thads-thainguyen.example.vn>"
    msg.set_content(f"{body}\n\n{sender_name}\n{sender_title}, {sender_unit}\nĐT: {phone}\n")
    for f in files:
        maintype = "image" if f.detected_type in ("jpg", "png") else "application"
        subtype = {"jpg": "jpeg", "png": "png", "pdf": "pdf"}.get(f.detected_type, "octet-stream")
        msg.add_attachment(f.data, maintype=maintype, subtype=subtype, filename=f.filename)
    raw = msg.as_bytes()
    raw_sha = archive.put(raw)

    atts = []
    for f in files:
        sha = store.put(f.data)
        atts.append(AttachmentReport(
            filename=f.filename, extension=f.filename.rsplit(".", 1)[-1].lower(), detected_type=f.detected_type,
            size=len(f.data), red_stamp=bool(f.seals) if f.detected_type in ("jpg", "png", "pdf") else None,
            digital_signature=False, pages=f.pages, problems=f.problems, path=f.filename, sha256=sha,
            seals=f.seals))
    all_problems = list(problems or []) + [p for f in files for p in f.problems]
    rule = prof.categories[category]
    cal = WorkCalendar.for_profile(prof, config)
    deadline = compute_deadline(rule, received_at, True, cal)
    report = CheckReport(
        profile=profile, message_id=msg["Message-ID"].strip("<>"), received_at=received_at, subject=subject,
        sender=Sender(address=sender_address, name=sender_name, title=sender_title, unit=sender_unit, phone=phone),
        category=category, anchor=Anchor(kind="received", at=received_at), deadline=deadline,
        attachments=atts, problems=all_problems, verdict=verdict_of(all_problems), body_text=body)
    ref = SourceRef(mailbox=prof.mailbox or profile, source_key=f"file:{raw_sha}", raw_sha256=raw_sha,
                    message_id=report.message_id, received_at=received_at)
    first = prof.review_steps[0].id if prof.review_steps else None
    with Session(engine, expire_on_commit=False) as s:
        item = enqueue(s, report, ref, attachment_texts={f.filename: f.text for f in files}, first_step=first)
        s.commit()
        return item
