"""Pictures (Pillow): size, resolution, colour mode, frames; damage shows as unreadable.

A truncated JPEG or PNG opens (the header is intact) but fails when decoded, so
every picture is verified and then fully loaded: a photo cut short in transit
is reported, not silently half-read.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, UnidentifiedImageError

from tinbai.parsers.facts import UNREADABLE, FileFacts, ParseLimits
from tinbai.parsers.formats import unreadable_detail

_MAX_FRAMES_CHECKED = 500


def read_image(data: bytes, facts: FileFacts, limits: ParseLimits) -> None:
    facts.has_pictures = True
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
        except UnidentifiedImageError:
            if facts.detected_type in ("heic", "avif"):
                facts.info["not_parsed"] = "no reader for this picture format"  # no Pillow plugin installed
                return
            raise
        except Image.DecompressionBombError as exc:
            facts.info["error"] = str(exc)[:300]
            facts.add_finding(UNREADABLE, "Ảnh có kích thước quá lớn (số điểm ảnh vượt giới hạn), không đọc được")
            return
        with image:
            facts.info.update(_describe(image))
            single_jpeg = image.format == "JPEG"  # an MPO ("JPEG" with more pictures) is checked here
            image.verify()  # checksums and structure, without decoding
        if limits.verify_pixels or not single_jpeg:
            _decode_all(data, facts)


def _describe(image) -> dict:
    info = {
        "format": image.format,
        "width": image.width,
        "height": image.height,
        "mode": image.mode,
        "frames": getattr(image, "n_frames", 1),
    }
    dpi = image.info.get("dpi")
    if dpi and len(dpi) == 2:
        info["dpi"] = (round(float(dpi[0])), round(float(dpi[1])))
    return info


def _decode_all(data: bytes, facts: FileFacts) -> None:
    with Image.open(io.BytesIO(data)) as image:
        frames = min(getattr(image, "n_frames", 1), _MAX_FRAMES_CHECKED)
        if image.format == "JPEG":
            # Decoded at 1/8 scale: the whole entropy-coded stream is still read (a cut or
            # corrupt one fails all the same), for an eighth of the pixels' cost.
            image.draft(image.mode, (max(1, image.width // 8), max(1, image.height // 8)))
        try:
            for frame in range(frames):
                image.seek(frame)
                image.load()  # raises on a truncated or corrupt stream
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            facts.info["error"] = f"{type(exc).__name__}: {str(exc)[:300]}"
            facts.add_finding(UNREADABLE, unreadable_detail(facts.detected_type))
