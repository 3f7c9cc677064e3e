"""The sender of a message: From's display name and address, and the signature block.

The public reading of the sender (`extract_sender`) and of a forwarded message's author
(`extract_original_sender`); the board's directory fills what a message does not say
(tinbai.extract.directory).
"""

from __future__ import annotations

import re

from tinbai.extract.sender.block import Found
from tinbai.extract.sender.forwarded import OwnAndForwarded, split_forward
from tinbai.extract.sender.names import looks_like_person_name
from tinbai.extract.sender.pieces import classify_unlabelled
from tinbai.extract.sender.words import clean_value
from tinbai.message import forwarded_part, parse_from
from tinbai.report import Sender
from tinbai.textutil import casefold_key, html_to_text

__all__ = ["FIELDS", "extract_original_sender", "extract_sender"]

FIELDS = ("name", "title", "unit", "phone", "postal_address")


def _display_fields(display: str | None, address: str | None) -> Found:
    """A person's name (and unit or title, if written) from the display name; nothing for a unit
    mailbox ("Văn phòng Cục THADS") or an address-like string."""
    found = Found()
    if not display or "@" in display or (address and casefold_key(display) == casefold_key(address.split("@")[0])):
        return found
    text = re.sub(r"\s*\(([^()]*)\)\s*", r" | \1 | ", display).strip(" |")
    items = classify_unlabelled(text)
    for it in items:
        fld = "name" if it.field in ("name", "name?", "name~") else it.field
        if fld in ("name", "title", "unit") and fld not in found.values:
            value = clean_value(it.value)
            if value:
                found.values[fld] = value
    if "name" not in found.values and not items:
        name = looks_like_person_name(display)
        if name:
            found.values["name"] = name
    return found


def _html_text(html: str | None) -> str | None:
    return html_to_text(html, mark_quotes=True) if html and html.strip() else None


def _bodies(display_name: str | None, address: str | None, plain: str | None, html_text: str | None,
            forwarding: bool) -> tuple[OwnAndForwarded, OwnAndForwarded]:
    return (split_forward(plain, display_name, address, forwarding=forwarding),
            split_forward(html_text, display_name, address, forwarding=forwarding))


def extract_sender(display_name: str | None, address: str | None, plain: str | None, html: str | None,
                   *, forwarding: bool = False) -> Sender:
    """The sender of a message: the address and display name of From (as tinbai.message.parse_from
    read them: ParsedMessage.from_address, .from_name), the rest from the signature block of the
    plain body (else of the HTML body). What the message does not say, the board's directory
    fills (tinbai.extract.directory.SenderDirectory.fill).

    - The name comes from the signature, else from the display name, but never from a display
      name that is a unit or role mailbox ("Văn phòng Cục THADS") or an address.
    - Title and unit on one line are split ("Chuyên viên Phòng Nghiệp vụ"); "Chánh Văn phòng"
      is a title.
    - The phone is returned as written in the message.
    - Quoted replies and forwarded parts are ignored: their signatures are other people's. The
      forwarder's own signature counts above or below the forwarded part (`forwarding`: the
      subject says the message forwards, see tinbai.extract.sender.forwarded).
    """
    plain_body, html_body = _bodies(display_name, address, plain, _html_text(html), forwarding)
    plain_found, html_found = plain_body.found, html_body.found
    if html_found.count() > plain_found.count():
        found, other = html_found, plain_found
    else:
        found, other = plain_found, html_found
    found.fill(other)

    from_display = _display_fields(display_name, address)
    if "name" not in found.values and "name" in from_display.values:
        found.values["name"] = from_display.values["name"]
    for fld in ("unit", "title"):
        if fld not in found.values and fld in from_display.values:
            found.values[fld] = from_display.values[fld]

    return Sender(address=address, **{k: found.values.get(k) for k in FIELDS})


def extract_original_sender(plain: str | None, html: str | None, sender: Sender, *,
                            forwarding: bool = False) -> Sender | None:
    """The author of the message a submission forwards, from the forwarded header's From and
    the forwarded text's own signature; None when the message forwards nothing."""
    html_text = _html_text(html)
    if all(forwarded_part(text, forwarding=forwarding) is None for text in (plain, html_text)):
        return None  # most messages: their signature blocks need not be read a second time
    for body in _bodies(sender.name, sender.address, plain, html_text, forwarding):
        if body.forward is not None:
            name, address = parse_from(body.forward.author)
            return extract_sender(name, address, body.original_text(), None)
    return None
