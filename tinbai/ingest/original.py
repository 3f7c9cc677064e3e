"""What an item's provider wrote, read back from the archive: the email as it came (headers and
its own text), or, for a submission brought by hand, the secretary's record of it (a JSON
manifest, tinbai.ingest.handed). The pages show it; the emails about feedback quote it."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

from tinbai.config import EMAIL, Config
from tinbai.extract.submission import body_text_of
from tinbai.ingest.archive import ContentStore
from tinbai.message import parse_message
from tinbai.queue.models import Item

log = logging.getLogger(__name__)


@dataclass
class Original:
    text: str
    headers: list[tuple[str, str]] = field(default_factory=list)  # an email's
    manifest: dict[str, Any] = field(default_factory=dict)  # a registration by hand


def archive_of(config: Config) -> ContentStore:
    return ContentStore(config.resolve(config.settings.var_dir) / "archive")


def original_of(config: Config, item: Item) -> Original | None:
    """The item's original, or None when it is not in the archive (or cannot be read)."""
    try:
        raw = archive_of(config).get(item.raw_sha256)
    except OSError:
        return None
    try:
        if item.channel != EMAIL:
            manifest = json.loads(raw.decode("utf-8"))
            return Original(text=manifest.get("note") or "", manifest=manifest)
        parsed = parse_message(raw)
    except Exception:  # a damaged archive file must not break a page or an email
        log.exception("cannot read the archived original of item %s", item.id)
        return None
    return Original(text=body_text_of(parsed), headers=list(parsed.headers))


def original_text(config: Config, item: Item) -> str:
    found = original_of(config, item)
    return found.text if found is not None else ""
