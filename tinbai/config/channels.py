"""What a regulation asks of the board beyond the units' emails, as profile data: citizens'
feedback (category `feedback`), submissions brought on paper, USB or CD, and providers who ask
to stay unnamed. Code reads these flags; it never tests a profile's id.
"""

from __future__ import annotations

from typing import Literal

from tinbai.config.base import Strict

# How a submission reached the board: the mailbox, or brought to the secretary by hand
# (thainguyen/haiduong Art. 8.1 "văn bản giấy"; binhphuoc Art. 9.1.a, kontum Art. 9.1.b "USB, đĩa CD").
HandedChannel = Literal["paper", "usb", "cd"]
EMAIL = "email"
CHANNEL_LABELS: dict[str, str] = {EMAIL: "Thư điện tử", "paper": "Văn bản giấy", "usb": "USB", "cd": "Đĩa CD"}

# The category of citizens' and organisations' comments, questions and complaints (CHECK-REPORT "category").
FEEDBACK = "feedback"


class FeedbackDuties(Strict):
    """The board's duties about feedback from citizens and organisations (category `feedback`)."""

    # binhphuoc Art. 11.2: the board forwards feedback to the unit in charge, whose head answers
    # the board within the category's deadline (15 working days from receipt)
    forward_to_unit: bool = False
    # the category's deadline is the date by which the citizen is answered (binhphuoc Art. 9.3.e,
    # 11.2), so the acknowledgement may promise it; elsewhere it is the board's own time
    deadline_is_answer: bool = False
    # binhphuoc Art. 11.5 "Chuyên mục Hỏi đáp": where the board may post its answer instead of emailing it
    qa_section: str | None = None
    # hungyen Art. 11.3: the comment is reported to the head of `receiving_unit` the same day (a
    # notice on the day of receipt, or on the next working day), with a reminder this many office
    # hours before that day's closing time if nobody in the board has opened the item by then
    notify_unit_head: bool = False
    receiving_unit: str | None = None
    head_reminder_office_hours: float = 1.0
