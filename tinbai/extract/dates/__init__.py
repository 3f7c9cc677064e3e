"""When the reported activity took place, read from the text of a news item.

The deadlines of news hang on the event (CHECK-REPORT "anchor"): thainguyen and
haiduong Art. 7.4 (1 day from the event), binhphuoc Art. 9.3 (12 office hours
from the event), kontum Art. 9.2 (24 hours from the END of the activity),
hungyen Art. 12 (daily). Vietnamese news leads state the event as
"Sáng ngày 15/7/2025, …", "Chiều 28-4, …", "Ngày 12 tháng 3 năm 2025, …",
"Vào lúc 14 giờ 00 phút ngày 23/1/2025, …", "Sáng nay, …", and the end as
"… kết thúc lúc 16 giờ 30 phút" or "từ 8h đến 11h30".

A text holds other dates too: the issuance date of a document it cites
("Quyết định số 117/QĐ-THADS ngày 25/4/2025"), laws ("Luật … ngày 14 tháng 11
năm 2008"), a header's "Thái Nguyên, ngày 28 tháng 4 năm 2026", holidays named
by their date ("Quốc khánh 2/9"), deadlines ("trước ngày 15/11"). Each date is
scored by what surrounds it — a time-of-day word or a clock time right before it,
an event verb in its sentence, its place at the head of a paragraph — and
citations and deadlines are left out. A time of day without a clock time
("sáng") gives no time: the deadline rules treat a date without a time on their
own (CHECK-REPORT "Counting deadlines"), so none is invented.

Datetimes are in the working time zone (the config's settings.timezone), given by the caller.
The family: events (find_event, mentions_event), candidates (the dates a text states, scored),
written (how dates and times are written), issued (find_issued_date) and periods (what
binhphuoc's report windows and answers count from: find_period, find_conference,
find_petition_received).
"""

from tinbai.extract.dates.events import EventTime, find_event, mentions_event
from tinbai.extract.dates.issued import find_issued_date
from tinbai.extract.dates.periods import Period, find_conference, find_period, find_petition_received

__all__ = ["EventTime", "Period", "find_conference", "find_event", "find_issued_date", "find_period",
           "find_petition_received", "mentions_event"]
