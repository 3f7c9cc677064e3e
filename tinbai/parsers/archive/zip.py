"""Zip archives: names (legacy code pages, the Unicode Path field), links, overlapping members."""

from __future__ import annotations

import functools
import io
import itertools
import stat
import struct
import unicodedata
import zipfile
import zlib

from tinbai.parsers.archive.listing import Budget, Member, Scan, declared_checks, may_read, read_into
from tinbai.parsers.archive.names import check_link_target, decode_member_name
from tinbai.parsers.facts import ARCHIVE_BOMB, UNREADABLE

_LINK_TARGET_MAX = 4096  # a symbolic link's target is a short path


def _zip_unicode_path(info: zipfile.ZipInfo, raw: bytes) -> str | None:
    """The Info-ZIP Unicode Path extra field (0x7075), which 7-Zip and WinZip write."""
    extra, pos = info.extra, 0
    while pos + 4 <= len(extra):
        tag, size = struct.unpack_from("<HH", extra, pos)
        body = extra[pos + 4 : pos + 4 + size]
        pos += 4 + size
        # version 1, then the CRC-32 of the header name it stands for (stale if renamed since)
        if (
            tag == 0x7075
            and len(body) > 5
            and body[0] == 1
            and struct.unpack_from("<I", body, 1)[0] == zlib.crc32(raw)
        ):
            try:
                return unicodedata.normalize("NFC", body[5:].decode("utf-8"))
            except UnicodeDecodeError:
                return None
    return None


def _zip_name(info: zipfile.ZipInfo) -> str:
    utf8_flag = bool(info.flag_bits & 0x800)
    if utf8_flag:
        return unicodedata.normalize("NFC", info.orig_filename)
    raw = info.orig_filename.encode("cp437")  # zipfile decoded the bytes as cp437: undo it exactly
    return _zip_unicode_path(info, raw) or decode_member_name(raw)


def _zip_declared_count(data: bytes) -> int | None:
    """Number of entries from the end-of-central-directory record, before zipfile builds them all."""
    pos = data.rfind(b"PK\x05\x06", max(0, len(data) - 22 - 0xFFFF))
    if pos < 0 or pos + 22 > len(data):
        return None
    (count, _, _, comment_len) = struct.unpack_from("<HIIH", data, pos + 10)
    if pos + 22 + comment_len != len(data):
        return None  # the signature was inside a comment, or junk follows: let zipfile judge
    if count != 0xFFFF or pos < 20 or data[pos - 20 : pos - 16] != b"PK\x06\x07":
        return count
    (eocd64,) = struct.unpack_from("<Q", data, pos - 12)  # the Zip64 locator names the Zip64 record
    if eocd64 + 40 <= len(data) and data[eocd64 : eocd64 + 4] == b"PK\x06\x06":
        return struct.unpack_from("<Q", data, eocd64 + 32)[0]
    return count


def _zip_overlapping(infos: list[zipfile.ZipInfo]) -> bool:
    """Members whose compressed data overlap: the 'overlapping files' zip bomb."""
    spans = sorted((i.header_offset, i.header_offset + 30 + i.compress_size) for i in infos if not i.is_dir())
    return any(nxt_start < end for (_, end), (nxt_start, _) in itertools.pairwise(spans))


def _zip_link(info: zipfile.ZipInfo) -> bool:
    return info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16)


_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    NotImplementedError,
    ValueError,
    RuntimeError,
)


def scan_zip(data: bytes, budget: Budget) -> Scan:
    scan = Scan()
    declared = _zip_declared_count(data)
    if declared is not None and declared > budget.limits.archive_max_members:
        # do not let zipfile build hundreds of thousands of entries
        scan.findings += declared_checks([], budget, declared_count=declared)
        return scan
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except _ZIP_ERRORS:
        scan.findings.append((UNREADABLE, "Tệp nén ZIP bị hỏng hoặc không đúng định dạng, không đọc được"))
        return scan
    with zf:
        pairs = []
        for info in infos:
            m = Member(
                name=_zip_name(info),
                size=info.file_size,
                compressed_size=info.compress_size,
                is_dir=info.is_dir(),
                encrypted=bool(info.flag_bits & 0x1),  # ZipCrypto and AES both set bit 0
                is_link=_zip_link(info),
            )
            scan.members.append(m)
            pairs.append((info, m))
        scan.findings += declared_checks(scan.members, budget)
        if _zip_overlapping(infos):
            scan.findings.append(
                (ARCHIVE_BOMB, "Các thành phần của tệp nén dùng chung dữ liệu nén (bom nén chồng lấn)")
            )
            budget.open_members = False
        for info, m in pairs:
            if m.is_link:
                _check_zip_link(zf, info, m)
            if may_read(m, budget):
                read_into(m, budget, functools.partial(zf.open, info), _ZIP_ERRORS)
    return scan


def _check_zip_link(zf: zipfile.ZipFile, info: zipfile.ZipInfo, m: Member) -> None:
    """A symbolic link is harmless in memory but escapes on extraction when its target does."""
    if info.flag_bits & 0x1 or info.file_size > _LINK_TARGET_MAX:
        return
    try:
        with zf.open(info) as f:
            target = f.read(_LINK_TARGET_MAX).decode("utf-8", errors="replace")
    except _ZIP_ERRORS:
        return
    check_link_target(m, target)
