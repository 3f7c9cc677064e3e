"""The issuance date of a document: its "<Place>, ngày … tháng … năm …" line (NĐ 30/2020 Phụ lục I, ô 4)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from tinbai.extract.docheader import parse_issued_line

__all__ = ["find_issued_date"]


def find_issued_date(text: str) -> date | None:
    """The issuance date of the "<Place>, ngày … tháng … năm …" line (NĐ 30/2020 Phụ lục I, ô 4)."""
    if not text:
        return None
    text = unicodedata.normalize("NFC", text)
    for raw in text.replace("\r", "\n").split("\n"):
        for cell in re.split(r"\t+| {3,}| \| ", raw):
            pd = parse_issued_line(cell.strip())
            if pd is not None:
                return pd.issued
    return None
