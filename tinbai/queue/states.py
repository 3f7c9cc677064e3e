"""The states of a queue item, defined once for the queue, the notifier, the pages and the CLI.

An item moves  new → in_review → approved → published; or refused; or returned (to the
sender, for correction); a citizen's feedback ends answered; a sensitive item is escalated to the agency head and comes back
to its step. A message whose processing broke is kept as `failed` until an administrator
retries it: it is not in the board's queue yet.

Open means the board holds the item: its deadline's clock runs and its reminders go out.
Closed means the board has decided (published, refused, returned to the sender, answered). A failed
item is neither: no clock, no reminders, only a retry.
"""

from __future__ import annotations

NEW, IN_REVIEW, APPROVED, PUBLISHED = "new", "in_review", "approved", "published"
REFUSED, RETURNED, ESCALATED, FAILED = "refused", "returned", "escalated", "failed"
ANSWERED = "answered"  # a citizen's feedback answered by email or in the Q&A section (binhphuoc Art. 11.5)

STATE_LABELS: dict[str, str] = {
    NEW: "Mới nhận",
    IN_REVIEW: "Đang xét duyệt",
    APPROVED: "Đã duyệt, chờ đăng",
    PUBLISHED: "Đã đăng",
    REFUSED: "Từ chối đăng",
    RETURNED: "Trả lại để sửa",
    ESCALATED: "Xin ý kiến Thủ trưởng",
    FAILED: "Lỗi xử lý",
    ANSWERED: "Đã trả lời",
}
# The deadline's clock runs only while the board holds the item.
OPEN_STATES: tuple[str, ...] = (NEW, IN_REVIEW, APPROVED, ESCALATED)
CLOSED_STATES: tuple[str, ...] = (PUBLISHED, REFUSED, RETURNED, ANSWERED)


def is_open(state: str) -> bool:
    """Whether the board holds an item in `state` (its clock runs, its holder is reminded)."""
    return state in OPEN_STATES
