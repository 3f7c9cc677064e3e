"""Sound and video: duration, bitrate and codecs (mutagen for audio, ffprobe for video).

ffprobe reads a file path, so the bytes go to a private temporary file first.
A file that neither can read (no audio frames, no moov atom…) is unreadable.
"""

from __future__ import annotations

import io
import json

import mutagen

from tinbai.parsers.facts import UNREADABLE, FileFacts, ParseLimits
from tinbai.parsers.formats import run_tool, temp_file, unreadable_detail


def read_audio(data: bytes, facts: FileFacts, limits: ParseLimits) -> None:
    try:
        audio = mutagen.File(io.BytesIO(data))
    except mutagen.MutagenError as exc:
        facts.info["error"] = f"{type(exc).__name__}: {str(exc)[:300]}"
        if not _probe(data, facts, limits):
            facts.add_finding(UNREADABLE, unreadable_detail(facts.detected_type))
        return
    if audio is None or audio.info is None:
        # a format mutagen does not know (AMR, MIDI, raw AAC): ask ffprobe
        if not _probe(data, facts, limits):
            facts.add_finding(UNREADABLE, unreadable_detail(facts.detected_type))
        return
    info = audio.info
    facts.info["duration"] = round(float(getattr(info, "length", 0.0) or 0.0), 3)
    for key in ("bitrate", "sample_rate", "channels"):
        value = getattr(info, key, None)
        if value:
            facts.info[key] = int(value)
    facts.info["codec"] = getattr(info, "codec", None) or type(audio).__name__.lower()
    if not facts.info["duration"]:
        facts.add_finding(UNREADABLE, unreadable_detail(facts.detected_type))


def read_video(data: bytes, facts: FileFacts, limits: ParseLimits) -> None:
    if not _probe(data, facts, limits):
        facts.add_finding(UNREADABLE, unreadable_detail(facts.detected_type))


def _probe(data: bytes, facts: FileFacts, limits: ParseLimits) -> bool:
    """ffprobe's facts into facts.info; False when it cannot read the file.
    Without ffprobe installed nothing is known, which is not the file's fault."""
    with temp_file(data, facts.detected_type) as path:
        result = run_tool(
            ["ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams", path],
            timeout=limits.seconds_per_file,
        )
    if result is None:
        facts.info["not_parsed"] = "ffprobe is not installed"
        return True
    probe = json.loads(result.stdout or b"{}") if result.returncode == 0 else {}
    streams = probe.get("streams") or []
    if not streams:
        facts.info["error"] = result.stderr.decode("utf-8", "replace").strip()[:300]
        return False
    fmt = probe.get("format") or {}
    facts.info.update(_probe_info(fmt, streams))
    return True


def _probe_info(fmt: dict, streams: list[dict]) -> dict:
    info: dict = {"container": fmt.get("format_name")}
    if fmt.get("duration"):
        info["duration"] = round(float(fmt["duration"]), 3)
    if fmt.get("bit_rate"):
        info["bitrate"] = int(fmt["bit_rate"])
    video = next((s for s in streams if s.get("codec_type") == "video"
                  and not (s.get("disposition") or {}).get("attached_pic")), None)  # fmt: skip
    audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
    if video:
        info["codec"] = video.get("codec_name")
        info["width"], info["height"] = video.get("width"), video.get("height")
    if audio:
        info["audio_codec"] = audio.get("codec_name")
        info.setdefault("codec", audio.get("codec_name"))
    return info
