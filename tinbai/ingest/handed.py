"""Submissions brought to the board by hand: on paper (scanned by the secretary), on a USB stick or
a CD (thainguyen/haiduong Art. 8.1 "văn bản giấy"; binhphuoc Art. 9.1.a, kontum Art. 9.1.b
"dùng USB, đĩa CD để chuyển thông tin cho Thư ký").

A secretary registers what was brought: the files, who brought them, when, and how. The files
go through the same analysis and the same rules as an email's attachments (tinbai.pipeline:
analyse_files, then submission_of and judge), with the sender the secretary wrote down in place
of the one a message states; the item gets a tracking code, a deadline and reminders, and its
channel is kept on the item (Item.channel). The secretary's record (a JSON manifest) is archived
as an email's raw bytes are, before anything is stored. A form sent twice (its one-time token)
is registered once.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from tinbai.calendar import WorkCalendar
from tinbai.config import CHANNEL_LABELS, Config
from tinbai.extract.analyse import Analyser
from tinbai.ingest.archive import ContentStore
from tinbai.notifier.notices import notices_for_new_item
from tinbai.pipeline import analyse_files, judge, submission_of
from tinbai.queue.history import DbHistory
from tinbai.queue.models import Item, ReviewEvent, utcnow
from tinbai.queue.store import SourceRef, already_stored, enqueue
from tinbai.report import Sender

MAX_FILES = 50


class HandedError(Exception):
    """What is wrong with a registration, for the secretary (Vietnamese)."""


@dataclass(frozen=True)
class HandedIn:
    profile: str
    channel: str  # "paper" | "usb" | "cd" (the profile's handed_channels)
    received_at: datetime
    sender: Sender
    subject: str
    note: str
    files: list[tuple[str, bytes]]
    registered_by: str
    token: str  # the registration form's one-time key


def check(config: Config, h: HandedIn, now: datetime) -> None:
    """Raise HandedError when the registration cannot be taken as it is."""
    profile = config.profiles.get(h.profile)
    if profile is None:
        raise HandedError("Không có hồ sơ (cơ quan) này trong cấu hình.")
    if h.channel not in profile.handed_channels:
        raise HandedError(f"Quy chế của {profile.agency} không quy định nhận thông tin theo hình thức này.")
    if h.received_at.tzinfo is None:
        raise HandedError("Thời điểm nhận cần có múi giờ.")
    if h.received_at > now:
        raise HandedError("Thời điểm nhận không thể ở tương lai.")
    if not h.files and not h.note.strip():
        raise HandedError("Hãy chọn tệp đã nhận (từ USB, đĩa CD, bản quét văn bản giấy) hoặc ghi nội dung.")
    if len(h.files) > MAX_FILES:
        raise HandedError(f"Nhiều nhất {MAX_FILES} tệp cho một lần tiếp nhận.")
    if not h.subject.strip():
        raise HandedError("Hãy ghi tiêu đề (trích yếu) của tin, bài, văn bản.")
    if not (h.sender.name or h.sender.unit):
        raise HandedError("Hãy ghi họ tên hoặc đơn vị của người gửi.")
    if not h.token or len(h.token) > 100:
        raise HandedError("Biểu mẫu không hợp lệ: hãy tải lại trang rồi nhập lại.")


def register(engine, config: Config, analyser: Analyser, h: HandedIn, *, now: datetime | None = None) -> Item:
    """Check, analyse and store one registration; return its queue item (the one stored before,
    when the same form was sent again). Raises HandedError for what the secretary must correct."""
    now = now or utcnow()
    check(config, h, now)
    profile = config.profile(h.profile)
    var = config.resolve(config.settings.var_dir)
    manifest = {"channel": h.channel, "received_at": h.received_at.isoformat(), "registered_by": h.registered_by,
                "registered_at": now.isoformat(), "sender": asdict(h.sender), "subject": h.subject, "note": h.note,
                "files": [{"name": name, "size": len(data)} for name, data in h.files]}
    raw = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
    ref = SourceRef(mailbox=profile.mailbox or profile.id, source_key=f"{h.channel}:{h.token}",
                    raw_sha256=ContentStore(var / "archive").put(raw), message_id=None, received_at=h.received_at,
                    channel=h.channel)
    with Session(engine, expire_on_commit=False) as s:
        stored = already_stored(s, ref)
        if stored is not None:
            return stored
    analysed = analyse_files(h.files, profile, analyser, subject=h.subject, text=h.note, sender_name=h.sender.name,
                             sender_address=h.sender.address, received_at=h.received_at)
    calendar = WorkCalendar.for_profile(profile, config)
    sub = replace(submission_of(analysed, profile, h.received_at, calendar), sender=h.sender)
    files = ContentStore(var / "files")
    with Session(engine, expire_on_commit=False) as s:
        history = DbHistory(s, profile.duplicate_threshold)
        outcome = judge(sub.with_duplicates(history.find_duplicates(profile.id, sub.fingerprint)))
        for sha, data in outcome.files.items():
            files.put(data, sha)

        def after(session: Session, item: Item, report) -> None:
            history.remember(item.id, profile.id, report.content_fingerprint)
            session.add(ReviewEvent(item_id=item.id, at=now, actor=h.registered_by, action="registered",
                                    comment=f"{CHANNEL_LABELS[h.channel]}: {len(h.files)} tệp"))
            notices_for_new_item(session, item, report, profile, config)

        try:
            item = enqueue(s, outcome.report, ref, attachment_texts=outcome.texts,
                           tracking_prefix=config.settings.tracking_prefix,
                           first_step=profile.review_steps[0].id if profile.review_steps else None,
                           after_insert=after)
            s.commit()
            return item
        except IntegrityError:  # the same form, sent twice at once: the first one stored it
            s.rollback()
            stored = already_stored(s, ref)
            if stored is None:
                raise
            return stored
