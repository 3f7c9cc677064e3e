"""Reading one attachment completely, in a sandbox worker: the composition of the parsers and the file checks.

`analyse_file` runs inside a sandbox worker (time and memory limits; tinbai.parsers.sandbox
runs `sandbox_task` by name); it sniffs the type from the content, refuses to open programs,
lists archives and reads their members as attachments of their own, extracts the text (and
converts legacy TCVN3/VNI text to Unicode), looks for the red seal and the boxed state-secret
stamp on every picture and page, reads scans with OCR, verifies digital signatures and parses
the header of an official document. `message_parts` also parses the MIME message there. The parent's side (the
sandboxes, the report's entry for a file) is tinbai.extract.analyse, which never imports
this module: numpy, OpenCV, pdfium and pyHanko stay out of the daemon.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from tinbai.extract.analyse import empty_file_facts
from tinbai.extract.docheader import parse_header
from tinbai.extract.seal import WORK_DPI, dark_ink, red_ink, seals_in
from tinbai.extract.signature import ooxml_signatures, verify_pdf_signatures
from tinbai.extract.stamp_words import secrecy_stamps
from tinbai.filekinds import (
    EXECUTABLE_TYPES,
    OFFICE_TYPES,
    OOXML_TYPES,
    PICTURE_TYPES,
    READABLE_ARCHIVE_TYPES,
)
from tinbai.message import parse_message
from tinbai.parsers import archive, danger, formats, ocr, sniff
from tinbai.parsers.facts import (
    ENCRYPTED,
    EXECUTABLE,
    LEGACY_ENCODING,
    MACRO,
    SIGNATURE_BROKEN,
    UNREADABLE,
    Child,
    FileFacts,
    ParseLimits,
)
from tinbai.parsers.formats import unreadable_detail
from tinbai.parsers.pages import PictureDamaged, page_images, render_pdf_page
from tinbai.parsers.preview import preview_task
from tinbai.parsers.vietnamese import convert_runs, decode_legacy, normalize

__all__ = ["analyse_file", "message_parts", "sandbox_task"]

log = logging.getLogger(__name__)

# Pictures are searched for a seal at this resolution or a little above; the search itself
# works at 72 dpi (tinbai.extract.seal.WORK_DPI), and a JPEG decoded at a reduced scale may come
# out slightly under the target.
PICTURE_SEAL_DPI = 66
# A boxed stamp's word is read at this resolution (its letters are ~5 mm high: ~40 px).
STAMP_OCR_DPI = 200


def analyse_file(filename: str, data: bytes, limits: ParseLimits, depth: int = 0) -> FileFacts:
    """Everything one file shows. Never raises for a bad file (MemoryError excepted: the
    sandbox must see it to replace its worker)."""
    detected = sniff.detect_type(data, filename)
    kind = danger.executable_kind(data, filename)
    if kind or detected in EXECUTABLE_TYPES:
        facts = FileFacts(detected_type=detected, mime=sniff.mime_of(detected))
        facts.info["executable"] = kind or detected
        facts.add_finding(EXECUTABLE,
                          f"Tệp {filename} là chương trình hoặc mã lệnh ({kind or detected}), có thể gây hại")
        return facts
    if detected in READABLE_ARCHIVE_TYPES:
        return _analyse_archive(filename, data, detected, limits, depth)

    # A JPEG's pixels are decoded once, for the seal search, which also reports a damaged one
    # (decoding a phone photo twice was a third of its cost).
    facts = formats.extract(data, detected, replace(limits, verify_pixels=False) if detected == "jpg" else limits)
    if detected in OFFICE_TYPES:
        macros = danger.macro_info(data)
        if macros is not None:
            facts.info["macros"] = macros[:20]
            facts.add_finding(MACRO,
                              "Tệp Office có chứa macro (VBA)" + (f": {', '.join(macros[:5])}" if macros else ""))
        if danger.is_encrypted_office(data):
            facts.add_finding(ENCRYPTED, "Tệp Office được đặt mật khẩu, không mở được")
    if detected == "pdf" and danger.is_encrypted_pdf(data):
        facts.add_finding(ENCRYPTED, "Tệp PDF được đặt mật khẩu, không mở được")

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
    if not facts.text.strip():
        return
    runs = facts.info.pop("runs", None)
    if runs:
        text, encoding = convert_runs([tuple(r) for r in runs])
    else:
        text, encoding = decode_legacy(facts.text, facts.fonts)
    facts.text = text
    if encoding in ("tcvn3", "vni"):
        facts.text_encoding = encoding
        facts.add_finding(LEGACY_ENCODING,
                          "Văn bản dùng bảng mã " + ("TCVN3 (ABC)" if encoding == "tcvn3" else "VNI")
                          + ", chưa dùng Unicode theo TCVN 6909:2001")
    elif encoding == "unicode" and facts.text_encoding is None and not facts.text_from_ocr:
        facts.text_encoding = "unicode"


def _look_at_pages(data: bytes, detected: str, facts: FileFacts, limits: ParseLimits) -> None:
    """Seal search on every picture and page; OCR of scanned documents (first page's header,
    last page's signature block), so that a scan's number, date and "Nơi nhận" are known."""
    if any(finding in (UNREADABLE, ENCRYPTED) for finding, _ in facts.findings):
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
        # A PDF page is drawn at the seal search's own resolution (WORK_DPI) when seal_dpi is
        # higher: it would only be reduced to it (at 100 dpi, twice the pixels drawn, then a
        # resize); OCR draws its pages again at 200 dpi.
        dpi_wanted = min(limits.seal_dpi, round(WORK_DPI)) if detected == "pdf" else PICTURE_SEAL_DPI
        # A PDF without pictures (no scans either) has nothing for OCR or the grey-stamp search:
        # its pages without any colour need not be drawn at the seal search's resolution.
        probe = detected == "pdf" and not facts.has_pictures
        for page_no, img, dpi in page_images(data, detected, dpi=dpi_wanted, max_pages=limits.max_pages_rendered,
                                             strict=detected == "jpg", colour_probe=probe):
            pages_seen += 1
            facts.has_pictures = True
            is_scan_page = detected in PICTURE_TYPES or page_no in scanned
            ink = red_ink(img, dpi)
            if ink is not None:
                for mark in seals_in(ink):
                    mark.page = page_no
                    facts.seals.append(mark)
            elif is_scan_page:  # a grey scan shows the secrecy stamp in grey
                ink = dark_ink(img, dpi)
            if ink is not None:
                def sharper(n: int = page_no) -> Any:
                    return _page_at(data, detected, n, STAMP_OCR_DPI, limits)
                stamps, unread = secrecy_stamps(ink, page_no, sharper if limits.ocr else None)
                facts.secrecy_stamps.extend(stamps)
                if unread:
                    facts.info["boxed_stamps_unread"] = facts.info.get("boxed_stamps_unread", 0) + unread
            if ocr_wanted and is_scan_page and page_no in (1, last_page) and len(ocr_texts) < limits.ocr_max_pages:
                text = _ocr_page(data, detected, page_no, img, limits)
                if text:
                    ocr_texts.append(text)
    except MemoryError:
        raise
    except PictureDamaged as e:  # what tinbai.parsers.image reports for the other pictures
        facts.info["error"] = str(e)
        facts.add_finding(UNREADABLE, unreadable_detail(detected))
    except Exception as e:  # a page that cannot be drawn is no seal, not a crash
        facts.info["render_error"] = f"{type(e).__name__}: {str(e)[:200]}"
    if pages_seen:
        facts.red_stamp = bool(facts.seals)
    if ocr_texts:
        facts.text = normalize("\n".join(filter(None, [facts.text, *ocr_texts])))
        facts.text_from_ocr = True


def _ocr_page(data: bytes, detected: str, page_no: int, img: Any, limits: ParseLimits) -> str:
    try:
        if detected in PICTURE_TYPES:
            if not ocr.looks_like_document(img):
                return ""  # a photo of an event, not a scanned page: no OCR
            img = _page_at(data, detected, page_no, limits.seal_dpi, limits) or img
        if detected == "pdf":
            # the seal search drew the page at a low resolution; OCR wants ~200 dpi
            img = render_pdf_page(data, page_no, dpi=200)
        return ocr.ocr_document_regions(img)
    except ocr.OcrError as e:
        log.warning("OCR failed on page %s: %s", page_no, e)
        return ""


def _page_at(data: bytes, detected: str, page_no: int, dpi: int, limits: ParseLimits) -> Any:
    """One page decoded again at `dpi` for OCR (the seal search saw it at ~72 dpi; a JPEG far
    sharper than that is decoded at 1/2-1/8 scale); None when it cannot be drawn."""
    try:
        if detected == "pdf":
            return render_pdf_page(data, page_no, dpi=dpi)
        for number, img, _dpi in page_images(data, detected, dpi=dpi, max_pages=limits.max_pages_rendered):
            if number == page_no:
                return img
    except MemoryError:
        raise
    except Exception as e:  # a page that cannot be drawn again is read no further
        log.warning("page %s could not be drawn at %s dpi: %s", page_no, dpi, e)
    return None


def _pdf_signatures(data: bytes, facts: FileFacts, limits: ParseLimits) -> None:
    _record_signatures(verify_pdf_signatures(data, list(limits.trust_roots) or None), facts)


def _ooxml_signatures(data: bytes, facts: FileFacts, limits: ParseLimits) -> None:
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
        facts.add_finding(SIGNATURE_BROKEN,
                          f"Chữ ký số ({who}) không còn khớp với nội dung: văn bản đã bị sửa sau khi ký")


def _document_header(facts: FileFacts) -> None:
    if facts.text.strip() and facts.text_encoding != "tcvn3" or facts.text_from_ocr:
        try:
            facts.document = parse_header(facts.text)
        except Exception as e:  # a header we cannot read is no header
            facts.info["header_error"] = f"{type(e).__name__}: {e}"


def _analyse_archive(filename: str, data: bytes, detected: str, limits: ParseLimits, depth: int) -> FileFacts:
    """Members read in memory (never extracted to a path from the archive), each like an attachment."""
    facts = FileFacts(detected_type=detected, mime=sniff.mime_of(detected))
    listing = archive.read_members(data, detected, limits, depth)
    for finding, detail in listing.findings:
        facts.add_finding(finding, detail)
    archive_findings = {finding for finding, _ in listing.findings}
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
        # a finding the archive reports (naming its members) is not repeated on each member
        for finding, detail in m.findings:
            if finding not in archive_findings:
                child.add_finding(finding, detail)
        facts.children.append(Child(name=m.name, size=m.size, sha256=sha, facts=child))
    return facts


def _type_by_name(name: str) -> str:
    return sniff.canonical_type(sniff.extension_of(name)) or "unknown"


def message_parts(raw: bytes, limits: ParseLimits) -> Iterator[Any]:
    """In a worker: the parsed message (tinbai.message.ParsedMessage), then each attachment's
    FileFacts in order. Parsing the MIME structure of a message with 0.5 MB of photos costs
    ~4 ms of pure Python; done here it runs beside the daemon instead of holding the daemon's
    one interpreter lock (its storing was the ingest's bottleneck)."""
    parsed = parse_message(raw)
    yield parsed
    for att in parsed.attachments:
        yield analyse_file(att.filename, att.data, limits) if att.data else empty_file_facts()


def sandbox_task(task: str, *args: Any) -> Any:
    """What a sandbox worker runs: "file" (analyse_file), "message" (message_parts), or "preview"
    (a review page's picture or PDF page: tinbai.parsers.preview)."""
    if task == "file":
        return analyse_file(*args)
    if task == "message":
        return message_parts(*args)
    if task == "preview":
        return preview_task(*args)
    raise ValueError(f"unknown task {task!r}")
