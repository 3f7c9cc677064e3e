"""tinbai.message.parse_from: the From header read once, for the sender and the domain checks."""

from __future__ import annotations

import base64
import unicodedata

import pytest

from tinbai.message import parse_from, parse_message

ENCODED = "=?utf-8?B?" + base64.b64encode("Dương Thùy Lan".encode()).decode() + "?="


@pytest.mark.parametrize(("header", "expected"), [
    (f"{ENCODED} <lan.dt@thads-tn.example.vn>", ("Dương Thùy Lan", "lan.dt@thads-tn.example.vn")),
    ('"Dương  Thùy Lan" <Lan.DT@Thads-TN.example.vn>', ("Dương Thùy Lan", "lan.dt@thads-tn.example.vn")),
    ("vanthu.kv5@thads-tn.example.vn", (None, "vanthu.kv5@thads-tn.example.vn")),
    ("Văn thư <vanthu@x.vn", ("Văn thư", "vanthu@x.vn")),  # the bracket left open
    ("Ban Biên tập", ("Ban Biên tập", None)),
    ("", (None, None)),
    (None, (None, None)),
])
def test_display_name_and_address(header: str | None, expected: tuple[str | None, str | None]) -> None:
    assert parse_from(header) == expected


def test_decomposed_display_name_is_nfc() -> None:
    name, _ = parse_from(unicodedata.normalize("NFD", "Trịnh Minh Sơn <son@x.vn>"))
    assert name == unicodedata.normalize("NFC", "Trịnh Minh Sơn")


def test_parse_message_reads_from_with_parse_from() -> None:
    raw = (f"From: {ENCODED} <Lan.DT@thads-tn.example.vn>\r\nTo: bbt@x.vn\r\nSubject: tin\r\n\r\nx\r\n").encode()
    parsed = parse_message(raw)
    assert (parsed.from_name, parsed.from_address, parsed.from_domain) == (
        "Dương Thùy Lan", "lan.dt@thads-tn.example.vn", "thads-tn.example.vn")
    assert parse_from(parsed.from_header) == (parsed.from_name, parsed.from_address)
