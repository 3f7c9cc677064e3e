"""What an item's provider wrote, read back from the archive: the email as it came (headers and
its own text), or, for a submission brought by hand, the secretary's record of it (a JSON
manifest, tinbai.ingest.handed). The pages show it; the emails about feedback quote it."""

from __future__ import annotations

import functools
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
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


def original_of(config: Config, item: Item) -> Original | None:
    """The item's original, or None when it is not in the archive (or cannot be read)."""
    if item.raw_sha256 is None:
        return None
    try:
        return _read_original(str(config.resolve(config.settings.var_dir)), item.raw_sha256, item.channel == EMAIL)
    except OSError:  # not in the archive (now: it is not kept as such, the file may come back)
        return None


# The archive is addressed by content, so what was read from a file is what that file will
# always say: kept for the next look. Reading an email with three phone photos (3 MB) decodes
# them all, 25-100 ms a view of the item's page on a busy machine (bench/pages.py); what is
# kept is its headers and text only. Callers read an Original, never change it.
@functools.lru_cache(maxsize=256)
def _read_original(var_dir: str, sha256: str, is_email: bool) -> Original | None:
    raw = ContentStore(Path(var_dir) / "archive").get(sha256)  # OSError: not cached, raised
    try:
        if not is_email:
            manifest = json.loads(raw.decode("utf-8"))
            return Original(text=manifest.get("note") or "", manifest=manifest)
        parsed = parse_message(raw)
    except Exception:  # a damaged archive file must not break a page or an email
        log.exception("cannot read the archived original %s", sha256)
        return None
    return Original(text=body_text_of(parsed), headers=list(parsed.headers))


def original_text(config: Config, item: Item) -> str:
    found = original_of(config, item)
    return found.text if found is not None else ""
