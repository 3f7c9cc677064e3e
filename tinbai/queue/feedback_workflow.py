"""The board's actions on a citizen's feedback and on an unnamed provider (used by
tinbai.queue.workflow, which checks who may act and records the history).

- `forward_unit`: the feedback goes to the unit in charge, whose head answers the board by the
  category's deadline (binhphuoc Art. 11.2: 15 working days from receipt) or by a date the board
  sets for the question (Art. 11.3); a UnitForward row records it and the unit gets an email.
- `answer`: the board answers the reader by email (binhphuoc Art. 11.5); the text is the action's
  comment and goes out threaded to the reader's message.
- `answer_online`: the answer is posted in the profile's Q&A section ("Hỏi đáp"), with its link.
- `mark_unnamed` / `unmark_unnamed`: a secretary keeps (or stops keeping) the provider's identity
  secret (thainguyen/haiduong Art. 4.2), when the provider asked by other means than the message.

Each handler changes the item in the context's session and returns (what to add to the history,
the new state, the action's name), like the workflow's own handlers.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from tinbai.calendar import WorkCalendar, vn_time
from tinbai.queue.directory import answering_unit
from tinbai.queue.errors import WorkflowError
from tinbai.queue.models import UnitForward
from tinbai.queue.states import ANSWERED, IN_REVIEW, NEW
from tinbai.queue.store import keep_provider_unnamed

FEEDBACK_ACTION_LABELS: dict[str, str] = {
    "forward_unit": "Chuyển đơn vị phụ trách trả lời",
    "answer": "Trả lời người gửi qua thư điện tử",
    "answer_online": "Đã trả lời trên chuyên mục Hỏi đáp",
    "mark_unnamed": "Giữ bí mật danh tính người cung cấp",
    "unmark_unnamed": "Thôi giữ bí mật danh tính người cung cấp",
}
# what the daemon, the pages and the registration by hand record about the other channels
EXTRA_EVENT_LABELS: dict[str, str] = {
    "registered": "Thư ký tiếp nhận trực tiếp",
    "unit_answer": "Đơn vị phụ trách trả lời",
    "opened": "Mở xem lần đầu",
    "identity_view": "Xem danh tính người cung cấp",
    "identity_export": "Xuất danh sách có danh tính người cung cấp",
}
# the action -> what the sender is told (tinbai.queue.workflow.SenderNotice.kind)
FEEDBACK_NOTICES: dict[str, str] = {"answer": "answer", "answer_online": "answer_online"}


def checked_url(url: str | None) -> str:
    """The address of what was posted on the portal (an item, an answer in the Q&A section)."""
    url = (url or "").strip()
    if not url.startswith(("http://", "https://")) or " " in url or len(url) > 2000:
        raise WorkflowError("Cần địa chỉ (URL) bài đã đăng, bắt đầu bằng http:// hoặc https://.")
    return url


def _forward_unit(c: Any, comment: str | None, *, unit: str | None = None,
                  due: datetime | None = None) -> tuple[str | None, str, str]:
    target = answering_unit(c.session, c.profile.id, unit)  # the board's directory
    if target is None or not target.leaders:
        raise WorkflowError("Hãy chọn đơn vị phụ trách (đơn vị có địa chỉ thư của lãnh đạo trong danh sách đơn vị).")
    cal = WorkCalendar.for_profile(c.profile, c.config)
    if due is not None and due.tzinfo is None:
        raise WorkflowError("Hạn trả lời cần có múi giờ.")
    due_at = cal.closing_time(cal.localize(due).date()) if due is not None else c.item.deadline
    if due_at is None:
        raise WorkflowError("Mục này không có hạn xử lý: hãy ghi hạn trả lời cho đơn vị.")
    if due_at <= c.now:
        raise WorkflowError("Hạn trả lời phải ở sau thời điểm hiện tại.")
    forward = UnitForward(item_id=c.item.id, unit=target.name, addresses=", ".join(target.leaders),
                          forwarded_by=c.user.email, forwarded_at=c.now, due_at=due_at)
    c.session.add(forward)
    c.forwards.append(forward)
    note = f"Chuyển {target.name} ({forward.addresses}) trả lời, hạn {vn_time(due_at, cal.tz)}"
    if due is not None and due_at != c.item.deadline:
        # binhphuoc Art. 11.3: the board sets the reply deadline of each (legal) question
        note += f"; hạn trả lời của mục: {vn_time(c.item.deadline, cal.tz)} → {vn_time(due_at, cal.tz)}"
        c.item.deadline = due_at
    if c.item.state == NEW:
        c.item.state = IN_REVIEW
    return note, c.item.state, "forward_unit"


def _answer(c: Any, comment: str | None) -> tuple[str | None, str, str]:
    if not comment:
        raise WorkflowError("Hãy viết nội dung trả lời (nội dung này được gửi cho người gửi).")
    if not c.item.sender_address:
        raise WorkflowError("Người gửi không có địa chỉ thư điện tử: hãy trả lời trên chuyên mục Hỏi đáp "
                            "hoặc bằng văn bản.")
    c.item.state = ANSWERED
    c.item.holder = None
    return "Trả lời qua thư điện tử:", ANSWERED, "answer"


def _answer_online(c: Any, comment: str | None, *, url: str | None = None) -> tuple[str | None, str, str]:
    section = c.profile.feedback.qa_section or "Hỏi đáp"
    c.item.published_url = checked_url(url)
    c.item.published_at = c.now
    c.item.state = ANSWERED
    c.item.holder = None
    return f"Trả lời trên chuyên mục “{section}”: {c.item.published_url}", ANSWERED, "answer_online"


def _sender_of(item: Any) -> dict[str, Any]:
    return json.loads(item.report_json or "{}").get("sender") or {}


def _mark_unnamed(c: Any, comment: str | None) -> tuple[str | None, str, str]:
    keep_provider_unnamed(c.item, _sender_of(c.item))
    return "Danh tính người cung cấp chỉ Thư ký và Trưởng ban được xem", c.item.state, "mark_unnamed"


def _unmark_unnamed(c: Any, comment: str | None) -> tuple[str | None, str, str]:
    keep_provider_unnamed(c.item, _sender_of(c.item), unnamed=False)
    return None, c.item.state, "unmark_unnamed"


FEEDBACK_HANDLERS = {
    "forward_unit": _forward_unit, "answer": _answer, "answer_online": _answer_online,
    "mark_unnamed": _mark_unnamed, "unmark_unnamed": _unmark_unnamed,
}
