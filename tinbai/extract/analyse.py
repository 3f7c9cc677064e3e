"""Reading one attachment completely: the composition of the parsers and the file checks.

`analyse_file` runs inside a sandbox worker (time and memory limits); it sniffs
the type from the content, refuses to open programs, lists archives and reads
their members as attachments of their own, extracts the text (and converts
legacy TCVN3/VNI text to Unicode), looks for the red seal on every picture and
page, reads scans with OCR, verifies digital signatures and parses the header of
an official document. `Analyser` is the parent's side: one sandbox per process,
and `attachment_report` turns the FileFacts into the report's attachment entry.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from tinbai.parsers import sniff
from tinbai.parsers.facts import Child, FileFacts, ParseLimits
from tinbai.report import AttachmentReport, SealMark

if TYPE_CHECKING:
    from tinbai.message import ParsedMessage

log = logging.getLogger(__name__)

PICTURE_TYPES = {"jpg", "png", "gif", "bmp", "tiff", "webp"}
OFFICE_TYPES = {"doc", "docx", "docm", "xls", "xlsx", "xlsm", "ppt", "pptx", "pptm", "odt", "ods", "odp", "rtf"}
# Pictures are searched for a seal at this resolution or a little above; the search itself
# works at 72 dpi (tinbai.extract.seal.WORK_DPI), and a JPEG decoded at a reduced scale may come
# out slightly under the target.
PICTURE_SEAL_DPI = 66
OOXML_TYPES = {"docx", "docm", "xlsx", "xlsm", "pptx", "pptm"}
ARCHIVE_TYPES = {"zip", "rar", "7z"}
EXECUTABLE_TYPES = {"exe", "elf", "macho", "script", "lnk", "jar", "msi"}


def analyse_file(filename: str, data: bytes, limits: ParseLimits, depth: int = 0) -> FileFacts:
    """Everything one file shows. Never raises for a bad file (MemoryError excepted: the
    sandbox must see it to replace its worker)."""
    from tinbai.parsers import danger, formats

    detected = sniff.detect_type(data, filename)
    kind = danger.executable_kind(data, filename)
    if kind or detected in EXECUTABLE_TYPES:
        facts = FileFacts(detected_type=detected, mime=sniff.mime_of(detected))
        facts.info["executable"] = kind or detected
        facts.add_problem("attachment.executable",
                          f"Tệp {filename} là chương trình hoặc mã lệnh ({kind or detected}), có thể gây hại")
        return facts
    if detected in ARCHIVE_TYPES:
        return _analyse_archive(filename, data, detected, limits, depth)

    # A JPEG's pixels are decoded once, for the seal search, which also reports a damaged one
    # (decoding a phone photo twice was a third of its cost).
    facts = formats.extract(data, detected, replace(limits, verify_pixels=False) if detected == "jpg" else limits)
    if detected in OFFICE_TYPES:
        macros = danger.macro_info(data)
        if macros is not None:
            facts.info["macros"] = macros[:20]
            facts.add_problem("attachment.macro",
                              "Tệp Office có chứa macro (VBA)" + (f": {', '.join(macros[:5])}" if macros else ""))
        if danger.is_encrypted_office(data):
            facts.add_problem("attachment.encrypted", "Tệp Office được đặt mật khẩu, không mở được")
    if detected == "pdf" and danger.is_encrypted_pdf(data):
        facts.add_problem("attachment.encrypted", "Tệp PDF được đặt mật khẩu, không mở được")

    _vietnamese(facts)
    if detected in PICTURE_TYPES or detected == "pdf":
        _look_at_pages(data, detected, facts, limits)
    if detected == "pdf":
        _pdf_signatures(data, facts, limits)
    elif detected in OOXML_TYPES:
        _ooxml_signatures(data, facts, limits)
    _document_header(facts)
    return facts


def _vietnamese(facts: FileFacts) -> None:
    """Legacy TCVN3/VNI text converted to Unicode for every later check (TCVN 6909:2001)."""
    from tinbai.parsers.vietnamese import decode_legacy

    if not facts.text.strip():
        return
    runs = facts.info.pop("runs", None)
    if runs:
        from tinbai.parsers.vietnamese import convert_runs

        text, encoding = convert_runs([tuple(r) for r in runs])
    else:
        text, encoding = decode_legacy(facts.text, facts.fonts)
    facts.text = text
    if encoding in ("tcvn3", "vni"):
        facts.text_encoding = encoding
        facts.add_problem("attachment.legacy_encoding",
                          "Văn bản dùng bảng mã " + ("TCVN3 (ABC)" if encoding == "tcvn3" else "VNI")
                          + ", chưa dùng Unicode theo TCVN 6909:2001")
    elif encoding == "unicode" and facts.text_encoding is None and not facts.text_from_ocr:
        facts.text_encoding = "unicode"


def _look_at_pages(data: bytes, detected: str, facts: FileFacts, limits: ParseLimits) -> None:
    """Seal search on every picture and page; OCR of scanned documents (first page's header,
    last page's signature block), so that a scan's number, date and "Nơi nhận" are known."""
    from tinbai.extract.seal import find_seals
    from tinbai.parsers.formats import UNREADABLE, unreadable_detail
    from tinbai.parsers.pages import PictureDamaged, page_images

    if any(code in ("attachment.unreadable", "attachment.encrypted") for code, _ in facts.problems):
        return
    scanned = set(facts.scanned_pages)
    ocr_wanted = limits.ocr and (detected in PICTURE_TYPES or bool(scanned))
    ocr_texts: list[str] = []
    pages_seen = 0
    last_page = facts.pages or 1
    try:
        # Pictures are decoded at about the seal search's own resolution (a JPEG at 1/2 to 1/8
        # scale straight from its DCT data): a phone photo then costs a quarter of the pixels, and
        # nothing has to be resized. OCR, for the rare picture of a page, decodes it again at
        # seal_dpi, the resolution it was given before.
        dpi_wanted = limits.seal_dpi if detected == "pdf" else PICTURE_SEAL_DPI
        for page_no, img, dpi in page_images(data, detected, dpi=dpi_wanted, max_pages=limits.max_pages_rendered,
                                             strict=detected == "jpg"):
            pages_seen += 1
            facts.has_pictures = True
            for mark in find_seals(img, dpi):
                mark.page = page_no
                facts.seals.append(mark)
            is_scan_page = detected in PICTURE_TYPES or page_no in scanned
            if ocr_wanted and is_scan_page and page_no in (1, last_page) and len(ocr_texts) < limits.ocr_max_pages:
                text = _ocr_page(data, detected, page_no, img, limits)
                if text:
                    ocr_texts.append(text)
    except MemoryError:
        raise
    except PictureDamaged as e:  # what tinbai.parsers.image reports for the other pictures
        facts.info["error"] = str(e)
        facts.add_problem(UNREADABLE, unreadable_detail(detected))
    except Exception as e:  # a page that cannot be drawn is no seal, not a crash
        facts.info["render_error"] = f"{type(e).__name__}: {str(e)[:200]}"
    if pages_seen:
        facts.red_stamp = bool(facts.seals)
    if ocr_texts:
        from tinbai.parsers.vietnamese import normalize

        facts.text = normalize("\n".join(filter(None, [facts.text, *ocr_texts])))
        facts.text_from_ocr = True


def _ocr_page(data: bytes, detected: str, page_no: int, img: Any, limits: ParseLimits) -> str:
    from tinbai.parsers import ocr

    try:
        if detected in PICTURE_TYPES:
            if not ocr.looks_like_document(img):
                return ""  # a photo of an event, not a scanned page: no OCR
            img = _picture_for_ocr(data, detected, page_no, limits) or img
        if detected == "pdf":
            # the seal search drew the page at a low resolution; OCR wants ~200 dpi
            from tinbai.parsers.pages import render_pdf_page

            img = render_pdf_page(data, page_no, dpi=200)
        return ocr.ocr_document_regions(img)
    except ocr.OcrError as e:
        log.warning("OCR failed on page %s: %s", page_no, e)
        return ""


def _picture_for_ocr(data: bytes, detected: str, page_no: int, limits: ParseLimits) -> Any:
    """The picture's page decoded for OCR at seal_dpi (a JPEG far sharper than that at 1/2-1/8 scale)."""
    from tinbai.parsers.pages import page_images

    for number, img, _dpi in page_images(data, detected, dpi=limits.seal_dpi, max_pages=limits.max_pages_rendered):
        if number == page_no:
            return img
    return None


def _pdf_signatures(data: bytes, facts: FileFacts, limits: ParseLimits) -> None:
    from tinbai.extract.signature import verify_pdf_signatures

    _record_signatures(verify_pdf_signatures(data, list(limits.trust_roots) or None), facts)


def _ooxml_signatures(data: bytes, facts: FileFacts, limits: ParseLimits) -> None:
    from tinbai.extract.signature import ooxml_signatures

    _record_signatures(ooxml_signatures(data, list(limits.trust_roots) or None), facts)


def _record_signatures(sigs: list, facts: FileFacts) -> None:
    if not sigs:
        facts.digital_signature = False if facts.detected_type == "pdf" else None
        return
    facts.signatures = sigs
    facts.digital_signature = any(s.intact for s in sigs)
    broken = [s for s in sigs if s.checked and not s.intact]
    unchecked = [s for s in sigs if not s.checked]
    if unchecked:
        facts.info["signatures_unchecked"] = len(unchecked)
    if broken:
        who = ", ".join(filter(None, (s.signer for s in broken))) or "không rõ người ký"
        facts.add_problem("signature.invalid",
                          f"Chữ ký số ({who}) không còn khớp với nội dung: văn bản đã bị sửa sau khi ký")


def _document_header(facts: FileFacts) -> None:
    from tinbai.extract.docheader import parse_header

    if facts.text.strip() and facts.text_encoding != "tcvn3" or facts.text_from_ocr:
        try:
            facts.document = parse_header(facts.text)
        except Exception as e:  # a header we cannot read is no header
            facts.info["header_error"] = f"{type(e).__name__}: {e}"


def _analyse_archive(filename: str, data: bytes, detected: str, limits: ParseLimits, depth: int) -> FileFacts:
    """Members read in memory (never extracted to a path from the archive), each like an attachment."""
    from tinbai.parsers import archive

    facts = FileFacts(detected_type=detected, mime=sniff.mime_of(detected))
    listing = archive.read_members(data, detected, limits, depth)
    for code, detail in listing.problems:
        facts.add_problem(code, detail)
    archive_codes = {code for code, _ in listing.problems}
    facts.info["members"] = len(listing.members)
    for m in listing.members:
        if m.is_dir:
            continue
        if m.data is not None:
            child = analyse_file(m.name, m.data, limits, depth + 1)
            sha = hashlib.sha256(m.data).hexdigest()
        else:  # not read (encrypted, over a limit, a link): typed by its name only
            child = FileFacts(detected_type=_type_by_name(m.name))
            child.info["skipped"] = m.skipped
            sha = None
        # a problem the archive reports (naming its members) is not repeated on each member
        for code, detail in m.problems:
            if code not in archive_codes:
                child.add_problem(code, detail)
        facts.children.append(Child(name=m.name, size=m.size, sha256=sha, facts=child))
    return facts


def _type_by_name(name: str) -> str:
    return sniff.canonical_type(sniff.extension_of(name)) or "unknown"


def empty_file_facts() -> FileFacts:
    facts = FileFacts(detected_type="empty")
    facts.add_problem("attachment.unreadable", "Tệp rỗng (0 byte), không có nội dung")
    return facts


def message_parts(raw: bytes, limits: ParseLimits) -> Iterator[Any]:
    """In a worker: the parsed message (tinbai.message.ParsedMessage), then each attachment's
    FileFacts in order. Parsing the MIME structure of a message with 0.5 MB of photos costs
    ~4 ms of pure Python; done here it runs beside the daemon instead of holding the daemon's
    one interpreter lock (its storing was the ingest's bottleneck)."""
    from tinbai.message import parse_message

    parsed = parse_message(raw)
    yield parsed
    for att in parsed.attachments:
        yield analyse_file(att.filename, att.data, limits) if att.data else empty_file_facts()


def sandbox_task(task: str, *args: Any) -> Any:
    """What a sandbox worker runs: "file" (analyse_file) or "message" (message_parts)."""
    if task == "file":
        return analyse_file(*args)
    if task == "message":
        return message_parts(*args)
    raise ValueError(f"unknown task {task!r}")


# ------------------------------------------------------------------ parent side
# Imported by each worker before its memory cap is measured, so that the profile's memory_mb
# is left for the files rather than spent on the libraries (numpy and OpenCV alone are ~400 MB
# of address space).
PRELOAD = (
    "numpy", "cv2", "PIL.Image", "pypdfium2", "pdfminer.high_level",
    "tinbai.extract.seal", "tinbai.extract.signature", "tinbai.extract.docheader",
    "tinbai.parsers.formats", "tinbai.parsers.office", "tinbai.parsers.pdf", "tinbai.parsers.image",
    "tinbai.parsers.text", "tinbai.parsers.archive", "tinbai.parsers.danger", "tinbai.parsers.vietnamese",
    "tinbai.parsers.pages", "tinbai.parsers.ocr", "tinbai.message",
)

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

    def _sandbox(self, memory_mb: int):
        from tinbai.parsers.sandbox import Sandbox

        with self._lock:
            if memory_mb not in self._sandboxes:
                self._sandboxes[memory_mb] = Sandbox("tinbai.extract.analyse:sandbox_task", memory_mb=memory_mb,
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
        from tinbai.message import parse_message

        parsed = parse_message(raw)
        return parsed, [self.analyse(a.filename, a.data, limits) for a in parsed.attachments]

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
    facts.add_problem("attachment.unreadable", detail)
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
            and not facts.problems:
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
        signatures=facts.signatures,
        document=facts.document,
        facts={**facts.info, "fonts": facts.fonts[:20], "scanned_pages": facts.scanned_pages,
               "file_problems": list(facts.problems), "named": named},
    )
    texts = {path: facts.text} if facts.text else {}
    for child in facts.children:
        child_report, child_texts = attachment_report(child.name, None, child.facts, prefix=path + "/",
                                                      size=child.size, sha256=child.sha256)
        report.children.append(child_report)
        texts.update(child_texts)
    return report, texts
