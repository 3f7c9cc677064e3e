"""Text and facts of one file, by its detected type: the parsers' entry point.

`extract` runs inside a sandbox worker (tinbai.parsers.sandbox) with time and
memory limits; it never raises for a bad file: what is wrong with the file goes
into FileFacts.findings (unreadable, encrypted) with a
Vietnamese detail. Each family has its reader module (office, pdf, text, image,
media), imported only when a file of that family comes, so a worker that only
ever sees photos never loads python-docx or openpyxl.

Archives, executables and scripts are read by other modules (archive, danger):
here they get a FileFacts with their type and nothing else. Legacy Vietnamese
encodings are not converted here: text is returned as the file stores it
(NFC-normalised); tinbai.parsers.vietnamese refines text_encoding afterwards.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import signal
import subprocess
import tempfile
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from tinbai.filekinds import AUDIO_TYPES, DOCUMENT_TYPES, IMAGE_TYPES, VIDEO_TYPES
from tinbai.parsers import sniff
from tinbai.parsers.facts import UNREADABLE, FileFacts, ParseLimits

if TYPE_CHECKING:
    from tinbai.parsers.sandbox import SandboxResult


# a FileFacts travels between processes and into the database: keep its text bounded
MAX_TEXT_CHARS = 2_000_000

Reader = Callable[[bytes, FileFacts, ParseLimits], None]

_READERS: dict[str, str] = {
    "docx": "office:read_docx", "docm": "office:read_docx",
    "doc": "office:read_doc",
    "xlsx": "office:read_xlsx", "xlsm": "office:read_xlsx",
    "xls": "office:read_xls",
    "pptx": "office:read_pptx", "pptm": "office:read_pptx",
    "ppt": "office:read_ppt",
    "odt": "office:read_odf", "ods": "office:read_odf", "odp": "office:read_odf",
    "rtf": "text:read_rtf",
    "txt": "text:read_plain",
    "html": "text:read_html",
    "xml": "text:read_xml", "svg": "text:read_xml",
    "pdf": "pdf:read_pdf",
    **{t: "image:read_image" for t in IMAGE_TYPES},
    **{t: "media:read_audio" for t in AUDIO_TYPES},
    **{t: "media:read_video" for t in VIDEO_TYPES},
}  # fmt: skip

# types whose files carry text (text_encoding "unicode" when any text was found)
TEXT_TYPES = frozenset(DOCUMENT_TYPES - {"msg"})


def parse_file(data: bytes, filename: str | None, limits: ParseLimits) -> FileFacts:
    """Sniff and extract in one call (what a sandbox worker runs for one attachment)."""
    return extract(data, sniff.detect_type(data, filename), limits)


def extract(data: bytes, detected_type: str, limits: ParseLimits) -> FileFacts:
    """Text and facts of `data`, read as `detected_type` (the vocabulary of sniff.detect_type).

    Never raises for a damaged or hostile file, except MemoryError, which the
    sandbox must see to replace its worker.
    """
    facts = FileFacts(detected_type=detected_type, mime=sniff.mime_of(detected_type))
    if not data or detected_type == "empty":
        facts.add_finding(UNREADABLE, "Tệp rỗng (0 byte), không có nội dung")
        return facts
    if len(data) > limits.max_file_mb * 1024 * 1024:
        # over the profile's size limit (attachment.too_large is the checks' call): not worth reading
        facts.info["not_parsed"] = "too_large"
        return facts
    reader = _reader_for(detected_type)
    if reader is None:
        return facts
    try:
        reader(data, facts, limits)
    except MemoryError:
        raise
    except Exception as exc:  # any failure of a parser on this file means "unreadable"
        facts.info["error"] = f"{type(exc).__name__}: {str(exc)[:300]}"
        facts.add_finding(UNREADABLE, unreadable_detail(detected_type))
    _finish(facts)
    return facts


def _reader_for(detected_type: str) -> Reader | None:
    spec = _READERS.get(detected_type)
    if spec is None:
        return None
    module, func = spec.split(":")
    return getattr(importlib.import_module(f"tinbai.parsers.{module}"), func)


def _finish(facts: FileFacts) -> None:
    facts.text = nfc(facts.text.replace("\r\n", "\n").replace("\r", "\n"))
    if len(facts.text) > MAX_TEXT_CHARS:
        facts.text = facts.text[:MAX_TEXT_CHARS]
        facts.info["text_truncated"] = True
    if facts.detected_type in TEXT_TYPES and facts.text.strip():
        facts.text_encoding = "unicode"


def facts_from_sandbox(result: SandboxResult, detected_type: str) -> FileFacts:
    """The FileFacts of a sandboxed extract(): its value, or an unreadable file when the
    worker timed out, ran out of memory or died."""
    if result.ok and isinstance(result.value, FileFacts):
        return result.value
    facts = FileFacts(detected_type=detected_type, mime=sniff.mime_of(detected_type))
    error = result.error or "unknown error"
    facts.info["error"] = error
    if result.timed_out:
        detail = "Đọc tệp quá thời gian cho phép: tệp quá phức tạp hoặc bị hỏng"
    elif "MemoryError" in error:
        detail = "Đọc tệp vượt quá bộ nhớ cho phép: tệp quá lớn hoặc bị hỏng"
    else:
        detail = unreadable_detail(detected_type)
    facts.add_finding(UNREADABLE, detail)
    return facts


# ---------------------------------------------------------------- helpers for the readers

_LABELS = {
    "doc": "Word", "docx": "Word", "docm": "Word", "xls": "Excel", "xlsx": "Excel", "xlsm": "Excel",
    "ppt": "PowerPoint", "pptx": "PowerPoint", "pptm": "PowerPoint", "odt": "OpenDocument",
    "ods": "OpenDocument", "odp": "OpenDocument", "txt": "văn bản", "html": "HTML",
}  # fmt: skip


def label_of(detected_type: str) -> str:
    """How a sender would name the kind of file ("Word", "PDF", "ảnh JPG", …)."""
    if detected_type in _LABELS:
        return _LABELS[detected_type]
    if detected_type in IMAGE_TYPES:
        return f"ảnh {detected_type.upper()}"
    if detected_type in AUDIO_TYPES:
        return f"âm thanh {detected_type.upper()}"
    if detected_type in VIDEO_TYPES:
        return f"video {detected_type.upper()}"
    return detected_type.upper()


def unreadable_detail(detected_type: str) -> str:
    return f"Tệp {label_of(detected_type)} bị hỏng hoặc bị cắt cụt, không đọc được nội dung"


def encrypted_detail(detected_type: str) -> str:
    return f"Tệp {label_of(detected_type)} được đặt mật khẩu, không mở được để kiểm tra nội dung"


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text) if text else text


class TextBuffer:
    """Lines of extracted text up to MAX_TEXT_CHARS; add() says when to stop reading."""

    def __init__(self, limit: int = MAX_TEXT_CHARS) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.limit = limit
        self.truncated = False

    def add(self, text: str) -> bool:
        if self.size >= self.limit:
            self.truncated = True
            return False
        self.parts.append(text)
        self.size += len(text) + 1
        return True

    def text(self) -> str:
        return "\n".join(self.parts)


# XML from attachments: no entity expansion, no network, no DTD tricks
_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def parse_xml(data: bytes) -> etree._Element:
    """Parse XML of an attachment safely (no entities, no network)."""
    return etree.fromstring(data, parser=_XML_PARSER)


def unique(items: Iterable[str]) -> list[str]:
    """Non-empty strings in order of first appearance, stripped, without repeats."""
    seen: dict[str, None] = {}
    for item in items:
        item = (item or "").strip()
        if item and item not in seen:
            seen[item] = None
    return list(seen)


# ---------------------------------------------------------------- external tools

class ToolResult:
    def __init__(self, returncode: int, stdout: bytes, stderr: bytes) -> None:
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr


def run_tool(args: list[str], timeout: float, cwd: str | None = None) -> ToolResult | None:
    """Run a command-line tool on a file; None when the tool is not installed.

    The tool gets its own process group, killed whole on timeout: LibreOffice's
    launcher forks the real office process, which would outlive a plain kill.
    """
    try:
        proc = subprocess.Popen(  # fixed tool names, on paths we created
            args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            cwd=cwd, start_new_session=True,
        )  # fmt: skip
    except FileNotFoundError:
        return None
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc.pid)
        proc.communicate()
        raise TimeoutError(f"{Path(args[0]).name} took longer than {timeout:.0f} s") from None
    return ToolResult(proc.returncode, out, err)


def tool_text(args: list[str], timeout: float) -> str:
    """What a tool printed, as UTF-8 text; empty when the tool is not installed or failed."""
    result = run_tool(args, timeout)
    if result is None or result.returncode != 0:
        return ""
    return result.stdout.decode("utf-8", "replace")


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


@contextlib.contextmanager
def temp_file(data: bytes, suffix: str) -> Iterator[str]:
    """The bytes in a private temporary file (tools read paths); removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="tinbai-") as folder:
        path = os.path.join(folder, f"file.{suffix}")
        with open(path, "wb") as f:
            f.write(data)
        yield path


_SOFFICE_LOCK = threading.Lock()


def convert_with_soffice(data: bytes, source_ext: str, target_ext: str, timeout: float) -> bytes | None:
    """Convert with LibreOffice headless (e.g. ppt -> pptx); None when LibreOffice is not
    installed. A conversion that fails (the file is broken, or LibreOffice ran out of
    time or memory) raises RuntimeError or TimeoutError.

    One LibreOffice profile per process (two instances must not share one), kept
    between calls: creating a profile costs seconds.
    """
    profile = Path(tempfile.gettempdir()) / f"tinbai-lo-{os.getuid()}-{os.getpid()}"
    with _SOFFICE_LOCK, tempfile.TemporaryDirectory(prefix="tinbai-conv-") as folder:
        source = os.path.join(folder, f"in.{source_ext}")
        with open(source, "wb") as f:
            f.write(data)
        out_dir = os.path.join(folder, "out")
        result = run_tool(
            ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
             "--nolockcheck", "--nodefault", "--convert-to", target_ext, "--outdir", out_dir, source],
            timeout=timeout,
        )  # fmt: skip
        target = os.path.join(out_dir, f"in.{target_ext}")
        if result is None:
            return None
        if not os.path.exists(target):
            reason = result.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
            raise RuntimeError(f"LibreOffice could not convert the file (exit {result.returncode}) {reason[0]}")
        with open(target, "rb") as f:
            return f.read()
