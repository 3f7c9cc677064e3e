"""Forwarded mail: the forwarder is the sender; the forwarded message's author is someone else.

The forwarder's signature stands above the forwarded part or below it (tinbai.message.forwards).
Below it, in plain text, the last "-- " block of the forwarded part is either the author's own
signature or the forwarder's: it is the forwarder's when it names them (their address, or
their From display name) or when it names someone other than the author the forwarded header
shows. The author's details (`original_sender` of the report) are read from the forwarded
header's From and the forwarded text's own signature, never mixed into the sender's.
"""

from __future__ import annotations

from tinbai.extract.sender.block import Found, signature_fields
from tinbai.extract.sender.names import looks_like_person_name
from tinbai.message import Forward, forwarded_part, parse_from
from tinbai.textutil import ascii_key

__all__ = ["OwnAndForwarded", "split_forward"]


class OwnAndForwarded:
    """The sender's own signature fields in one body text, and the forwarded message in it."""

    def __init__(self, found: Found, forward: Forward | None, tail_is_senders: bool) -> None:
        self.found = found
        self.forward = forward
        self.tail_is_senders = tail_is_senders

    def original_text(self) -> str:
        """The forwarded message's own text, without a tail that is the sender's signature."""
        if self.forward is None:
            return ""
        lines = self.forward.lines
        if self.tail_is_senders:
            lines = lines[: len(lines) - len(self.forward.tail) - 1]
        return "\n".join(lines)


def split_forward(text: str | None, display: str | None, address: str | None, *,
                  forwarding: bool) -> OwnAndForwarded:
    """The sender's signature in `text` (above a forwarded part, or its tail when that is the
    sender's) and the forwarded message."""
    found = signature_fields(text)
    forward = forwarded_part(text, forwarding=forwarding)
    if forward is None or not forward.tail:
        return OwnAndForwarded(found, forward, False)
    tail = signature_fields("\n".join(("--", *forward.tail)))
    if not _names_the_sender(tail, forward, display, address):
        return OwnAndForwarded(found, forward, False)
    tail.fill(found)
    return OwnAndForwarded(tail, forward, True)


def _names_the_sender(tail: Found, forward: Forward, display: str | None, address: str | None) -> bool:
    if address and address.lower() in "\n".join(forward.tail).lower():
        return True
    name = tail.values.get("name")
    if not name:
        return False
    if display and ascii_key(name) == ascii_key(display):
        return True
    author_name, _ = parse_from(forward.author)
    author = looks_like_person_name(author_name)
    return bool(author) and ascii_key(author) != ascii_key(name)
