"""Reading an archive: the format's scanner, the nesting limit and the checks of every member's name."""

from __future__ import annotations

from collections.abc import Callable

from tinbai.filekinds import READABLE_ARCHIVE_TYPES
from tinbai.parsers.archive.listing import ArchiveListing, Budget, Scan, merge_findings
from tinbai.parsers.archive.names import path_escape_reason, traversal_detail
from tinbai.parsers.archive.rar import scan_rar
from tinbai.parsers.archive.sevenzip import scan_7z
from tinbai.parsers.archive.zip import scan_zip
from tinbai.parsers.facts import ARCHIVE_BOMB, ENCRYPTED, PATH_TRAVERSAL, ParseLimits


def is_archive(detected_type: str) -> bool:
    return detected_type in READABLE_ARCHIVE_TYPES


def nested_too_deep(depth: int, limits: ParseLimits) -> bool:
    """True when an archive enclosed in `depth` other archives must not be opened.

    depth 0 is an attachment itself; with archive_max_depth = 3 the attachment
    and two levels of archives inside it are opened, a third level is not.
    """
    return depth >= limits.archive_max_depth


def read_members(data: bytes, detected_type: str, limits: ParseLimits, depth: int = 0) -> ArchiveListing:
    """List an archive's members and read those that are safe to read.

    `detected_type` is "zip", "rar" or "7z" (from content sniffing); `depth` is
    how many archives enclose this one (0 for an attachment).
    """
    readers: dict[str, Callable[[bytes, Budget], Scan]] = {
        "zip": scan_zip,
        "rar": scan_rar,
        "7z": scan_7z,
    }
    if detected_type not in readers:
        raise ValueError(f"not an archive type: {detected_type!r}")
    too_deep = nested_too_deep(depth, limits)
    budget = Budget(limits, packed_size=len(data), open_members=not too_deep)
    scan = readers[detected_type](data, budget)
    if too_deep:
        scan.findings.insert(0, (ARCHIVE_BOMB, f"Tệp nén lồng trong tệp nén quá {limits.archive_max_depth} cấp"))
    for m in scan.members:
        reason = path_escape_reason(m.name)
        if reason:
            m.findings.insert(0, (PATH_TRAVERSAL, traversal_detail(m.name, reason)))
        if m.encrypted:
            m.findings.insert(0, (ENCRYPTED, f"Thành phần “{m.name}” trong tệp nén được đặt mật khẩu"))
    return ArchiveListing(members=scan.members, findings=merge_findings(scan.findings, scan.members))
