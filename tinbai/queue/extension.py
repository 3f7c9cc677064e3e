"""A deadline a reviewer may extend, saying why, and the words for what deadlines count from.

binhphuoc Art. 9.3.e: an answer to a citizen or a business is due 15 working days after their
petition was received, 30 when the Ministry of Justice and other ministries must be asked. Whether
they must is the board's judgement, so the longer limit is not applied by the check: a reviewer
extends the item's deadline once, with the reason, and the history records it. Which categories
allow it is the profile's (`extended_limit` of the category's deadline rule).
"""

from __future__ import annotations

from datetime import datetime

from tinbai.calendar import WorkCalendar, compute_deadline, vn_time
from tinbai.config import Config, Profile
from tinbai.queue.models import Item

__all__ = ["ANCHOR_LABELS", "UNIT_WORDS", "can_extend", "extend_deadline"]

ANCHOR_LABELS: dict[str, str] = {
    "event": "ngày diễn ra sự kiện",
    "event_end": "thời điểm kết thúc hoạt động",
    "issued": "ngày ban hành văn bản",
    "received": "thời điểm nhận thư",
    "approved": "ngày được phê duyệt",
    "conference": "ngày hội nghị sơ kết, tổng kết",
    "period": "cuối kỳ báo cáo (hoặc ngày kết thúc chương trình, dự án)",
    "petition": "ngày tiếp nhận ý kiến, kiến nghị",
}
UNIT_WORDS: dict[str, str] = {"working_days": "ngày làm việc", "days": "ngày", "hours": "giờ",
                              "office_hours": "giờ hành chính"}


def can_extend(item: Item, profile: Profile) -> bool:
    """Whether the item's category has a longer limit a reviewer may grant, not granted yet."""
    rule = profile.categories.get(item.category or "")
    return (rule is not None and rule.extended_limit is not None and not item.deadline_extended
            and item.anchor_at is not None)


def extend_deadline(item: Item, profile: Profile, config: Config, reason: str | None) -> str:
    """Give the item its category's longer limit, counted from the same anchor; the history's note.
    Raises ValueError, in words for the reviewer, when it cannot be done."""
    rule = profile.categories.get(item.category or "")
    if rule is None or rule.extended_limit is None:
        raise ValueError("Loại tin này không có thời hạn gia hạn theo Quy chế.")
    if item.deadline_extended:
        raise ValueError("Thời hạn của mục này đã được gia hạn một lần.")
    if item.anchor_at is None:
        raise ValueError("Mục này chưa có mốc tính hạn: hãy đổi loại tin và mốc trước.")
    if not reason:
        why = f" ({rule.extension_label})" if rule.extension_label else ""
        raise ValueError(f"Hãy ghi rõ lý do gia hạn{why}.")
    cal = WorkCalendar.for_profile(profile, config)
    before: datetime | None = item.deadline
    longer = rule.model_copy(update={"limit": rule.extended_limit})
    item.deadline = compute_deadline(longer, item.anchor_at, item.anchor_has_time, cal)
    item.deadline_extended = True
    unit = UNIT_WORDS.get(rule.unit, rule.unit)
    basis = "; ".join(filter(None, [rule.extension_label, rule.article]))
    return (f"Gia hạn: {rule.limit} → {rule.extended_limit} {unit} kể từ "
            f"{ANCHOR_LABELS.get(item.anchor_kind or '', item.anchor_kind)}" + (f" ({basis})" if basis else "")
            + f"; hạn: {vn_time(before, cal.tz)} → {vn_time(item.deadline, cal.tz)}")
