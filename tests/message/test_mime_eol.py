"""tinbai.message narrows one regex search of the email package (NLCRE_eol): the messages it
parses must come out exactly as with the standard library as shipped."""

from __future__ import annotations

import email
import email.feedparser
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.mime_fixtures import message_bytes
from tinbai import message  # noqa: F401  (installs the narrowed search)

STOCK = re.compile(r"(\r\n|\r|\n)\Z")


def shape(raw: bytes) -> list[tuple]:
    """Everything the parser made of each part (payloads, preambles, epilogues, defects)."""
    msg = email.message_from_bytes(raw)
    return [(part.get_content_type(), part.preamble, part.epilogue, part.get_unixfrom(),
             None if part.is_multipart() else part.get_payload(),
             [type(d).__name__ for d in part.defects]) for part in msg.walk()]


def stock_shape(raw: bytes) -> list[tuple]:
    narrowed = email.feedparser.NLCRE_eol
    email.feedparser.NLCRE_eol = STOCK
    try:
        return shape(raw)
    finally:
        email.feedparser.NLCRE_eol = narrowed


def test_the_search_is_narrowed_in_the_email_package():
    assert not isinstance(email.feedparser.NLCRE_eol, re.Pattern)


def test_the_same_match_as_the_regex_on_every_ending():
    narrowed = email.feedparser.NLCRE_eol
    for text in ["", "a", "\n", "\r", "\r\n", "\n\r", "a\r\n", "a\n", "a\r", "a\n\n", "a\r\r\n", "\r\n\r\n",
                 "x" * 5000 + "\r\n", "dòng tiếng Việt\n", "a\n b", "ends\r\n "]:
        got, want = narrowed.search(text), STOCK.search(text)
        assert (got and got.group(0)) == (want and want.group(0)), repr(text)
    assert narrowed.search("ab\n", 1).span() == STOCK.search("ab\n", 1).span() == (2, 3)


@settings(max_examples=300, deadline=None, database=None, derandomize=True)
@given(raw=message_bytes(), newline=st.sampled_from([b"\r\n", b"\n", b"\r"]),
       tail=st.sampled_from([b"", b"\r\n", b"\n", b"\r", b"\n\n", b"x"]))
def test_any_message_parses_as_with_the_stdlib_as_shipped(raw: bytes, newline: bytes, tail: bytes) -> None:
    raw = raw.replace(b"\r\n", newline) + tail
    assert shape(raw) == stock_shape(raw)
