"""RAR archives (RAR4 and RAR5): stored members by rarfile, compressed ones through an external tool."""

from __future__ import annotations

import functools
import io
import unicodedata
import zlib

import rarfile

from tinbai.parsers.archive.listing import Budget, Member, Scan, declared_checks, may_read, read_into, skip
from tinbai.parsers.archive.names import check_link_target, decode_member_name
from tinbai.parsers.facts import ENCRYPTED, UNREADABLE


@functools.cache
def _rar_tool_ready() -> bool:
    """Pick the external RAR decompressor for compressed members.

    Stored members are read by rarfile itself. unrar-free is excluded: it stops
    at non-ASCII member names. unar handles RAR4/RAR5 incl. solid and
    passwords; bsdtar is the fallback.
    """
    try:
        rarfile.tool_setup(unrar=False, unar=True, bsdtar=True, sevenzip=False, sevenzip2=False, force=True)
    except rarfile.RarCannotExec:
        return False
    return True


def _rar_name(info: rarfile.RarInfo) -> str:
    """RAR5 and Unicode-flagged RAR4 names are UTF-8; older RAR4 names are in the OEM code page.

    rarfile guesses UTF-8 then UTF-16 for the latter, and UTF-16 "succeeds" on
    any even number of bytes, so those names are decoded here instead.
    """
    raw = getattr(info, "orig_filename", None)
    if (
        isinstance(info, rarfile.Rar3Info)
        and isinstance(raw, bytes)
        and not info.flags & rarfile.RAR_FILE_UNICODE
    ):
        name = decode_member_name(raw).replace("\\", "/").rstrip("/")
        return name + "/" if info.is_dir() else name
    return unicodedata.normalize("NFC", info.filename)


_RAR_ERRORS = (rarfile.Error, OSError, EOFError, ValueError, zlib.error)


def scan_rar(data: bytes, budget: Budget) -> Scan:
    scan = Scan()
    try:
        rf = rarfile.RarFile(io.BytesIO(data))
        infos = rf.infolist()
    except rarfile.NeedFirstVolume:
        scan.findings.append((UNREADABLE, "Đây là một phần của tệp nén RAR nhiều phần, không có phần đầu"))
        return scan
    except rarfile.PasswordRequired:
        scan.findings.append((ENCRYPTED, "Tệp nén RAR được đặt mật khẩu, kể cả danh sách tệp"))
        return scan
    except _RAR_ERRORS:
        scan.findings.append((UNREADABLE, "Tệp nén RAR bị hỏng hoặc không đúng định dạng, không đọc được"))
        return scan
    with rf:
        if not infos and rf.needs_password():
            # RAR5 "encrypt file names": even the list of members needs the password
            scan.findings.append((ENCRYPTED, "Tệp nén RAR được đặt mật khẩu, kể cả danh sách tệp"))
            return scan
        if not infos:
            # rarfile stops quietly at some damaged headers: an empty list is taken as damage
            scan.findings.append((UNREADABLE, "Tệp nén RAR bị hỏng hoặc không có tệp nào, không đọc được"))
            return scan
        if rf.strerror():
            scan.findings.append((UNREADABLE, "Tệp nén RAR bị hỏng một phần, có thể thiếu thành phần"))
        pairs = []
        for info in infos:
            redir = getattr(info, "file_redir", None)
            m = Member(
                name=_rar_name(info),
                size=info.file_size,
                compressed_size=info.compress_size,
                is_dir=info.is_dir(),
                encrypted=info.needs_password(),
                is_link=redir is not None or info.is_symlink(),
            )
            if redir is not None:
                check_link_target(m, redir[2])
            scan.members.append(m)
            pairs.append((info, m))
        scan.findings += declared_checks(scan.members, budget)
        if rf.is_solid() and any(m.skipped == "limit" for m in scan.members):
            # solid: reaching any member means decompressing those before it
            budget.open_members = False
        for info, m in pairs:
            if not may_read(m, budget):
                continue
            if info.compress_type != rarfile.RAR_M0 and not _rar_tool_ready():
                m.findings.append(
                    (UNREADABLE, f"Thành phần “{m.name}” nén theo RAR, máy chủ không có công cụ giải nén")
                )
                skip(m, "unreadable")
                continue
            read_into(m, budget, functools.partial(rf.open, info), _RAR_ERRORS)
    return scan

