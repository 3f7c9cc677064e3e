"""Addresses in headers: the sender's display name and address from From, the To/Cc lists.

The From header is read here once for everyone (the report's sender, the domain checks): its
first mailbox with an address, decoded; an address is looked for in the text when the
header cannot be parsed as a list of mailboxes.
"""

from __future__ import annotations

import email.utils
import re

from tinbai.message.headers import decode_header_value
from tinbai.textutil import nfc

__all__ = ["EMAIL_RE", "address_list", "parse_from"]

EMAIL_RE = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+", re.UNICODE)


def parse_from(value: str | None) -> tuple[str | None, str | None]:
    """(display name, address) of the first mailbox of a From header, raw or already decoded.

    The display name is NFC with its spaces collapsed and its quotes dropped; the address is
    lower case. Either is None when the header does not give it.
    """
    if not value or not value.strip():
        return None, None
    value = decode_header_value(value)
    pairs = email.utils.getaddresses([value])
    display, address = next(((n, a) for n, a in pairs if "@" in a), ("", ""))
    if not address:
        m = EMAIL_RE.search(value)
        address = m.group(0) if m else ""
        display = value[: m.start()].strip(" <\"'") if m else value
    display = " ".join(nfc(display).split()).strip(" \"'")
    return (display or None), (address.strip().lower() or None)


def address_list(values: list[str]) -> list[str]:
    """The addresses (lower case) of To or Cc header values."""
    return [addr.lower() for _name, addr in email.utils.getaddresses(values) if addr]
