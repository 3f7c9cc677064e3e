"""A message the portal's contact or question form sent on a reader's behalf.

Such an email comes from the website's own address, and the person who wrote is named in its
fields ("Họ và tên: …", "Email: …", "Điện thoại: …", "Nội dung: …"). The reader is the sender
the board answers (category `feedback`: binhphuoc Art. 11.2–11.5, thainguyen Art. 7.5.c), so the
fields stand in for From and the signature. Pure: text in, the form's fields out.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from tinbai.message import EMAIL_RE
from tinbai.report import Sender
from tinbai.textutil import aligned_fold

# label (folded, without diacritics) -> field; the longest labels are tried first
_LABELS: dict[str, str] = {
    "ho va ten": "name", "ho ten": "name", "ten nguoi gui": "name", "nguoi gui": "name", "ten": "name",
    "ho va ten nguoi hoi": "name", "fullname": "name", "full name": "name", "name": "name",
    "email": "email", "e-mail": "email", "thu dien tu": "email", "dia chi email": "email",
    "dia chi thu dien tu": "email",
    "so dien thoai": "phone", "dien thoai": "phone", "sdt": "phone", "dt": "phone", "di dong": "phone",
    "phone": "phone",
    "dia chi": "address", "dia chi lien he": "address", "noi o": "address", "address": "address",
    "co quan": "unit", "co quan, don vi": "unit", "don vi": "unit", "to chuc": "unit",
    "tieu de": "subject", "chu de": "subject", "subject": "subject",
    "noi dung": "message", "cau hoi": "message", "y kien": "message", "noi dung cau hoi": "message",
    "noi dung gop y": "message", "noi dung phan anh": "message", "message": "message",
}
_LABEL_LINE = re.compile(
    r"^\s*[-*•]?\s*(" + "|".join(re.escape(k) for k in sorted(_LABELS, key=len, reverse=True)) + r")\s*[:：]\s*(.*)$")


@dataclass(frozen=True)
class ContactForm:
    name: str | None
    email: str | None
    phone: str | None
    postal_address: str | None
    unit: str | None
    subject: str | None
    message: str

    def sender(self) -> Sender:
        return Sender(address=self.email, name=self.name, unit=self.unit, phone=self.phone,
                      postal_address=self.postal_address)


def read_contact_form(body: str) -> ContactForm | None:
    """The fields of a contact-form email; None when the text is not one.

    A form names the writer, gives a valid email address and has its message under a label
    ("Nội dung:", "Câu hỏi:"); a person's signature ("Điện thoại: …" under a letter) lacks one
    of the three. The message runs from its label to the next label or the end."""
    lines = unicodedata.normalize("NFC", body or "").splitlines()
    fields: dict[str, str] = {}
    current: str | None = None
    for line in lines:
        m = _LABEL_LINE.match(aligned_fold(line))
        if m:
            field = _LABELS[m.group(1)]
            current = field if field not in fields else None  # the first of each label counts
            if current:
                fields[current] = line[m.start(2):].strip()
            continue
        if current == "message":
            fields["message"] += "\n" + line
    email = EMAIL_RE.search(fields.get("email", ""))
    message = fields.get("message", "").strip()
    if not (fields.get("name") and email and message):
        return None
    return ContactForm(name=fields["name"], email=email.group(0), phone=fields.get("phone") or None,
                       postal_address=fields.get("address") or None, unit=fields.get("unit") or None,
                       subject=fields.get("subject") or None, message=message)
