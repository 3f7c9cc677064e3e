"""Feedback: a citizen's or an organisation's question, comment, complaint or request.

The mailbox receives more than the units' items: readers write to the board (binhphuoc Art.
11.2–11.5; hungyen Art. 11.3; thainguyen Art. 7.5.c, haiduong Art. 7.5.d "kiến nghị, phản ánh
của người dân"; kontum Art. 8.9). Such a message is category `feedback` (CHECK-REPORT
"category") where the profile has that category, when

- the portal's contact form sent it on the reader's behalf (tinbai.extract.contact_form), or
- someone outside the agency's units and contributors (tinbai.extract.origin) writes in the
  words of a reader: asking (xin hỏi, cho tôi hỏi, thắc mắc, nhờ tư vấn, a question mark),
  complaining or petitioning (khiếu nại, phản ánh, kiến nghị, tố cáo), commenting (góp ý) or
  requesting (đề nghị giải quyết, mong được trả lời), in the subject or the opening of the text,
  and the subject does not announce news ("[Tin]", "Gửi tin"): an outsider's news is news.

Only what the writer wrote counts: the quoted replies are not in the body text here. Pure.
"""

from __future__ import annotations

import re
import unicodedata

from tinbai.textutil import aligned_fold

# What a reader writes (folded, without diacritics), in the first person or as a request to the
# agency. The same words in the third person are a unit's news ("tiếp công dân, giải đáp kiến
# nghị, khiếu nại"); units ask "đề nghị đăng tải", "xin ý kiến chỉ đạo": neither is here.
_READER_VERBS = (r"(?:(?:xin |muon |can |co y kien |co )?(?:phan anh|khieu nai|kien nghi|to cao|gop y|thac mac|"
                 r"can tu van|nho tu van)|(?:muon|xin|can) hoi)")
# "tôi" folds to "toi" like "tới" ("dẫn tới khiếu nại" is not a first person)
_I = r"(?<!dan )(?<!den )(?<!gui )(?<!dua )(?<!di )(?:toi|chung toi|em|chau|gia dinh toi|cong ty (?:chung )?toi)"
_READER_WORDS = re.compile(
    r"\b(?:"
    r"xin (?:duoc )?(?:hoi|tu van|huong dan|tra loi|giai dap)|cho (?:toi|em|chau|chung toi) (?:duoc )?hoi|"
    r"nho (?:quy co quan |quy so |quy cuc )?tu van|"
    rf"{_I} {_READER_VERBS}|{_I} co (?:cau hoi|thac mac|y kien)|"
    # units write "đề nghị Ban Biên tập xem xét, đăng tải": a reader asks for a settlement or an answer
    r"de nghi (?:quy co quan |co quan |quy so |so |quy cuc |cuc )?(?:xem xet giai quyet|giai quyet|tra loi|"
    r"giai dap|lam ro)|"
    r"mong (?:nhan duoc|duoc) (?:su )?(?:tra loi|giai dap|huong dan|phan hoi)"
    r")\b"
)
# a subject that is the reader's request itself: "Khiếu nại về …", "Hỏi về thủ tục …", "Góp ý …"
_READER_SUBJECT = re.compile(
    r"^(?:(?:re|tl|fw|fwd) ?: ?)*(?:don |thu )?(?:xin hoi|hoi (?:ve|dap|thu tuc)|cau hoi|thac mac|khieu nai|"
    r"phan anh|kien nghi|to cao|gop y|y kien (?:gop y|phan anh|cua cong dan)|de nghi (?:giai quyet|tra loi|giai dap)|"
    r"can tu van|nho tu van|xin tu van)\b"
)
# a question: "… có được không?", "… phải làm thế nào?"
_QUESTION = re.compile(r"\?\s*(?:$|\n)", re.MULTILINE)
_NEWS_SUBJECT = re.compile(r"^\s*\[?\s*tin\s*[\]:]|\b(?:gui tin|tin hoat dong|tin,? bai|dang tin|bai viet)\b")
OPENING_CHARS = 1500  # the reader's request is in the first paragraphs, not in a pasted document


def _folded(text: str) -> str:
    return " ".join(aligned_fold(unicodedata.normalize("NFC", text or "")).split())


def writes_as_reader(subject: str, body: str) -> bool:
    """The subject or the opening of the text asks, complains, petitions, comments or requests."""
    opening = (body or "")[:OPENING_CHARS]
    subject = _folded(subject)
    if _READER_SUBJECT.search(subject) or _READER_WORDS.search(subject) or _READER_WORDS.search(_folded(opening)):
        return True
    return bool(_QUESTION.search(opening)) or subject.endswith("?")


def is_feedback(subject: str, body: str, *, outsider: bool, contact_form: bool) -> bool:
    """Whether a message is a reader's feedback (see the module's docstring); `outsider`: the
    sender is neither a unit nor a registered contributor; `contact_form`: the portal's form sent it."""
    if contact_form:
        return True
    if not outsider or _NEWS_SUBJECT.search(_folded(subject)):
        return False
    return writes_as_reader(subject, body)
