"""A tracking code quoted in a message (a sender's reply or corrected resend names the item).

The codes are made by tinbai.queue.store.tracking_code: PREFIX-YEAR-NUMBER, e.g. TB-2026-000123.
"""

from __future__ import annotations

import re

TRACKING_RE = re.compile(r"\b([A-Z]{1,5}-\d{4}-\d{6})\b")


def tracking_code_in(text: str) -> str | None:
    m = TRACKING_RE.search(text or "")
    return m.group(1) if m else None
