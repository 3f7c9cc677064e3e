"""The parent's side of reading attachments: the sandboxes, and the report's entry for a file.

`Analyser` runs tinbai.extract.reading (by name, in sandboxed worker processes: one sandbox
per memory limit, up to `workers` files at once) and turns a worker that stopped into an
unreadable file; `attachment_report` turns the FileFacts into the report's attachment entry.
Imported by the daemon, so it stays light: it never imports tinbai.extract.reading, whose
libraries (numpy, OpenCV, pdfium, pyHanko) load in the workers only.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from dataclasses import replace
from typing import Any

from tinbai.filekinds import PICTURE_TYPES
from tinbai.message import ParsedMessage, parse_message
from tinbai.parsers import sniff
from tinbai.parsers.facts import UNREADABLE, FileFacts, ParseLimits
from tinbai.parsers.sandbox import Sandbox, SandboxResult
from tinbai.procmem import DAEMON_KEEPS_FREED, FreedMemoryTrimmer
from tinbai.report import AttachmentReport, SealMark

__all__ = ["PRELOAD", "Analyser", "attachment_report", "empty_file_facts"]

log = logging.getLogger(__name__)

# what the workers run, by name: this process never imports it
WORKER_TASK = "tinbai.extract.reading:sandbox_task"
# Imported by each worker before its memory cap is measured, so that the profile's memory_mb
# is left for the files rather than spent on the libraries (numpy and OpenCV alone are ~400 MB
# of address space).
PRELOAD = (
    "numpy", "cv2", "PIL.Image", "pypdfium2",
    "tinbai.extract.reading", "tinbai.extract.seal", "tinbai.extract.signature", "tinbai.extract.docheader",
    "tinbai.parsers.formats", "tinbai.parsers.office", "tinbai.parsers.pdf", "tinbai.parsers.image",
    "tinbai.parsers.text", "tinbai.parsers.archive", "tinbai.parsers.danger", "tinbai.parsers.vietnamese",
    "tinbai.parsers.pages", "tinbai.parsers.ocr", "tinbai.message",
    # imported by the libraries on first use (Pillow's image formats, numpy.ma, pypdf's
    # filters, codecs): here, so that the two workers share them instead of each holding its own
    "PIL.JpegImagePlugin", "PIL.PngImagePlugin", "PIL.GifImagePlugin", "PIL.BmpImagePlugin", "PIL.PpmImagePlugin",
    "PIL.ImageChops", "PIL.ImageSequence", "numpy.ma", "pypdf.filters",
    "encodings.cp437", "encodings.utf_16_be", "encodings.raw_unicode_escape",
)


def empty_file_facts() -> FileFacts:
    """The facts of a file of 0 bytes: nothing to read, so no worker is asked."""
    facts = FileFacts(detected_type="empty")
    facts.add_finding(UNREADABLE, "Tệp rỗng (0 byte), không có nội dung")
    return facts


class Analyser:
    """Runs analyse_file in sandboxed worker processes, with the limits.

    Thread-safe: up to `workers` files are read at once (one per worker process; the Sandbox
    hands each call an idle worker), so threads reading different messages do not queue
    behind each other. Each worker costs its own memory (~100-200 MB with the libraries)."""

    def __init__(self, workers: int = 1) -> None:
        self.workers = workers
        self._sandboxes: dict[int, Any] = {}
        # two threads meeting a new memory_mb at once must not start two sandboxes for it
        self._lock = threading.Lock()
        # what the messages read before freed goes back to the system (tinbai.procmem)
        self._trimmer = FreedMemoryTrimmer(DAEMON_KEEPS_FREED)

    def _sandbox(self, memory_mb: int):
        with self._lock:
            if memory_mb not in self._sandboxes:
                self._sandboxes[memory_mb] = Sandbox(WORKER_TASK, memory_mb=memory_mb,
                                                     workers=self.workers, preload=PRELOAD)
            return self._sandboxes[memory_mb]

    def analyse(self, filename: str, data: bytes, limits: ParseLimits) -> FileFacts:
        if not data:
            return empty_file_facts()
        result = self._sandbox(limits.memory_mb).run("file", filename, data, limits,
                                                     timeout=limits.seconds_per_file)
        if result.ok:
            return result.value
        return _unreadable(filename, data, limits, result)

    def read_message(self, raw: bytes, limits: ParseLimits) -> tuple[ParsedMessage, list[FileFacts]]:
        """The parsed message and its attachments' FileFacts, all worked out in one worker task
        (message_parts), each part within the per-file time limit.

        A file that stops its worker (time, memory, a crash) is unreadable, as in analyse(),
        and the files after it are read one by one; a message whose parsing itself broke the
        worker (none is known: the parser never raises on bad input) is parsed here, as before."""
        self._trimmer.between_files()
        parts: list[Any] = []
        result = self._sandbox(limits.memory_mb).run_parts("message", raw, limits, timeout=limits.seconds_per_file,
                                                           on_part=parts.append)
        if not parts:
            log.warning("parsing a message in the sandbox failed (%s); parsing it here", result.error)
            return self.read_message_here(raw, limits)
        parsed, facts = parts[0], parts[1:]
        if not result.ok and len(facts) < len(parsed.attachments):  # the file being read when it stopped
            att = parsed.attachments[len(facts)]
            facts.append(_unreadable(att.filename, att.data, limits, result))
        facts.extend(self.analyse(a.filename, a.data, limits) for a in parsed.attachments[len(facts):])
        return parsed, facts

    def read_message_here(self, raw: bytes, limits: ParseLimits) -> tuple[ParsedMessage, list[FileFacts]]:
        """read_message with the MIME parsing in this process and each file a task of its own."""
        parsed = parse_message(raw)
        return parsed, [self.analyse(a.filename, a.data, limits) for a in parsed.attachments]

    def preview(self, task: str, *args: Any) -> SandboxResult:
        """A review page's preview drawn in a worker (tinbai.parsers.preview's task: "picture",
        "pdf_page" or "pdf_pages"), within a file's default time limit. In the sandbox already
        started (whatever its profile's memory limit): a preview must not start workers of its own."""
        with self._lock:
            started = next(iter(self._sandboxes.values()), None)
        sandbox = started or self._sandbox(ParseLimits.memory_mb)
        return sandbox.run("preview", task, *args, timeout=ParseLimits.seconds_per_file)

    def worker_pids(self) -> list[int]:
        """Process ids of the live parser workers (for monitoring and tests)."""
        with self._lock:
            sandboxes = list(self._sandboxes.values())
        return sorted(pid for sb in sandboxes for pid in sb.worker_pids())

    def close(self) -> None:
        with self._lock:
            sandboxes = list(self._sandboxes.values())
            self._sandboxes.clear()
        for sb in sandboxes:
            sb.close()


def _unreadable(filename: str, data: bytes, limits: ParseLimits, result: Any) -> FileFacts:
    """The FileFacts of a file whose reading stopped its worker (SandboxResult `result`)."""
    if not data:
        return empty_file_facts()
    detected = sniff.detect_type(data, filename)
    facts = FileFacts(detected_type=detected, mime=sniff.mime_of(detected))
    if result.timed_out:
        detail = f"Không đọc được tệp trong {limits.seconds_per_file:g} giây (tệp hỏng hoặc quá phức tạp)"
    else:
        detail = "Không đọc được tệp: tệp hỏng hoặc vượt giới hạn bộ nhớ khi đọc"
    facts.info["error"] = result.error
    facts.add_finding(UNREADABLE, detail)
    return facts


def attachment_report(filename: str, data: bytes | None, facts: FileFacts, content_type: str | None = None,
                      *, prefix: str = "", size: int | None = None, sha256: str | None = None,
                      named: bool = True) -> tuple[AttachmentReport, dict[str, str]]:
    """The report's entry for one file (children for archive members) and the texts by path."""
    path = prefix + filename
    size = len(data) if data is not None else (size or 0)
    if data is not None and sha256 is None:
        sha256 = hashlib.sha256(data).hexdigest()
    red_stamp = facts.red_stamp
    if red_stamp is None and (facts.detected_type in PICTURE_TYPES or facts.detected_type == "pdf") \
            and not facts.findings:
        red_stamp = False
    report = AttachmentReport(
        filename=filename,  # an archive member's path inside its archive
        extension=sniff.extension_of(filename),
        detected_type=facts.detected_type,
        size=size,
        text_encoding=facts.text_encoding,
        red_stamp=red_stamp,
        # a file with no signature (a picture, an unsigned document) does not carry one: false
        digital_signature=bool(facts.digital_signature),
        pages=facts.pages,
        path=path,
        sha256=sha256,
        content_type=content_type or facts.mime,
        text_from_ocr=facts.text_from_ocr,
        seals=[s if isinstance(s, SealMark) else SealMark(**s) for s in facts.seals],
        secrecy_stamps=[replace(m, attachment=path) for m in facts.secrecy_stamps],
        signatures=facts.signatures,
        document=facts.document,
        facts={**facts.info, "fonts": facts.fonts[:20], "scanned_pages": facts.scanned_pages,
               "findings": list(facts.findings), "named": named},
    )
    texts = {path: facts.text} if facts.text else {}
    for child in facts.children:
        child_report, child_texts = attachment_report(child.name, None, child.facts, prefix=path + "/",
                                                      size=child.size, sha256=child.sha256)
        report.children.append(child_report)
        texts.update(child_texts)
    return report, texts
