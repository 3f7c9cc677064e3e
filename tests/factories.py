"""Test fixtures of our own: a configuration in a temp folder, and sample emails.

The emails carry real files made by the libraries that make such files
(tinbai.demo_samples: python-docx, Pillow, reportlab)."""

from __future__ import annotations

import tomllib
import unicodedata
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from tinbai.config import Config, config_from_dict
from tinbai.demo_samples import email, photo, signature

ROOT = Path(__file__).resolve().parent.parent
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def make_config(tmp_path: Path, *, mailboxes: dict | None = None, smtp: dict | None = None,
                database_url: str | None = None, **settings: object) -> Config:
    """The shipped config.toml with its state moved into tmp_path (database, mail, outbox)."""
    raw = tomllib.loads((ROOT / "config.toml").read_text(encoding="utf-8"))
    raw["settings"]["var_dir"] = str(tmp_path / "var")
    raw["settings"].update(settings)
    raw["database"]["url"] = database_url or f"sqlite:///{tmp_path / 'var' / 'tinbai.db'}"
    raw["smtp"] = smtp or {"kind": "directory", "directory": str(tmp_path / "var" / "outbox"),
                           "sender": "Ban Biên tập <bbt@example.gov.vn>"}
    if mailboxes is None:
        for box in raw["mailboxes"].values():
            box["path"] = str(tmp_path / "var" / "mail" / Path(box["path"]).name)
    else:
        raw["mailboxes"] = mailboxes
        used = set(mailboxes)
        for prof in raw["profiles"].values():
            if prof.get("mailbox") not in used:
                prof["mailbox"] = None
    return config_from_dict(raw, ROOT / "config.toml")


def news_email(i: int, *, when: datetime | None = None, sender: str = "hoa.nt@thads-thainguyen.example.vn",
               with_photo: bool = True, subject: str | None = None, body_extra: str = "") -> bytes:
    """A thainguyen activity news item with a complete signature and (by default) a photo."""
    when = when or datetime(2026, 4, 28, 9, 0, tzinfo=VN)
    day = when - timedelta(hours=3)
    body = (f"Kính gửi Ban Biên tập,\n\nSáng ngày {day.day}/{day.month}/{day.year}, Phòng Thi hành án dân sự "
            f"khu vực {i % 7 + 1} tổ chức hội nghị số {i} về công tác thi hành án dân sự. {body_extra}\n"
            + signature("Nguyễn Thị Hoa", "Chuyên viên", "Phòng Thi hành án dân sự khu vực 1",
                        "0208.3854.376"))
    atts = [(f"anh {i}.jpg", "image/jpeg", photo(i, (320, 240)))] if with_photo else []
    return email(sender=f"Nguyễn Thị Hoa <{sender}>", to="thainguyen@moj.gov.vn",
                 subject=subject or f"Gửi tin: Hội nghị số {i}", body=body, date=when, attachments=atts)


TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def cp1258(text: str) -> bytes:
    """Vietnamese the way windows-1258 stores it: base letter, then a combining tone mark."""
    out = b""
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            tones = "".join(c for c in parts if c in TONE_MARKS)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
            out += base.encode("cp1258") + tones.encode("cp1258")
    return out
