"""7z archives: folders (solid blocks) judged as one stream, members extracted into capped buffers."""

from __future__ import annotations

import io
import lzma
import unicodedata
import zlib

import py7zr
import py7zr.exceptions
import py7zr.io

from tinbai.parsers.archive.listing import (
    Budget,
    Member,
    OverCap,
    Scan,
    declared_checks,
    fmt_mb,
    fmt_ratio,
    may_read,
    skip,
)
from tinbai.parsers.archive.names import path_escape_reason
from tinbai.parsers.facts import ARCHIVE_BOMB, ENCRYPTED, UNREADABLE

_SEVENZIP_AES = b"\x06\xf1\x07\x01"  # coder id of 7zAES


class _CappedWriter(py7zr.io.Py7zIO):
    """py7zr's output for one member: keeps at most `cap` bytes, then stops the extraction."""

    def __init__(self, cap: int, keep: bool = True) -> None:
        self.cap = cap
        self.keep = keep  # False: count and drop (a duplicate name we do not report twice)
        self.buf = io.BytesIO()
        self.written = 0

    def write(self, s: bytes | bytearray) -> int:
        self.written += len(s)
        if self.written > self.cap:
            raise OverCap
        return self.buf.write(s) if self.keep else len(s)

    def read(self, size: int | None = None) -> bytes:
        return self.buf.getvalue()

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.buf.tell()

    def flush(self) -> None:
        pass

    def size(self) -> int:
        return self.written


def _7z_key(name: str) -> str:
    """The name py7zr hands to the writer factory: without empty and '.' parts."""
    return "/".join(p for p in name.split("/") if p not in ("", "."))


class _CappedFactory(py7zr.io.WriterFactory):
    def __init__(self, caps: dict[str, int]) -> None:
        self.caps = caps  # by _7z_key
        self.products: dict[str, _CappedWriter] = {}

    def create(self, filename: str) -> py7zr.io.Py7zIO:
        key = _7z_key(filename)
        if key in self.caps and key not in self.products:
            writer = _CappedWriter(self.caps[key])
            self.products[key] = writer
            return writer
        # py7zr renames a repeated name ("x_0"); it is not listed twice, only bounded
        return _CappedWriter(max(self.caps.values(), default=0), keep=False)


_7Z_ERRORS = (
    py7zr.exceptions.ArchiveError,
    lzma.LZMAError,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
    KeyError,
    IndexError,
    TypeError,
    AssertionError,  # py7zr asserts on some malformed headers
)


def scan_7z(data: bytes, budget: Budget) -> Scan:
    scan = Scan()
    try:
        sz = py7zr.SevenZipFile(io.BytesIO(data), mode="r", max_extract_size=budget.total_max)
        files = list(sz.files)
    except py7zr.exceptions.PasswordRequired:
        scan.findings.append((ENCRYPTED, "Tệp nén 7z được đặt mật khẩu, kể cả danh sách tệp"))
        return scan
    except _7Z_ERRORS:
        scan.findings.append((UNREADABLE, "Tệp nén 7z bị hỏng hoặc không đúng định dạng, không đọc được"))
        return scan
    with sz:
        folders: dict[int, list[Member]] = {}
        packed: dict[int, int] = {}
        readable: dict[str, Member] = {}
        for f in files:
            folder = f.folder
            m = Member(
                name=unicodedata.normalize("NFC", f.filename),
                size=f.uncompressed or 0,
                compressed_size=None,
                is_dir=f.is_directory,
                encrypted=folder is not None and any(c.get("method") == _SEVENZIP_AES for c in folder.coders),
                is_link=f.is_symlink or f.is_junction,
            )
            scan.members.append(m)
            if folder is not None:
                folders.setdefault(id(folder), []).append(m)
                # py7zr gives the packed size of a folder on its first file
                packed.setdefault(id(folder), f.compressed or 0)
            if not m.is_dir and path_escape_reason(f.filename) is None:
                readable.setdefault(_7z_key(f.filename), m)
        # 7z compresses a folder (solid block) as one stream: a member's ratio is its folder's
        for fid, group in folders.items():
            if len(group) == 1:
                group[0].compressed_size = packed[fid]
            elif budget.ratio_too_high(sum(m.size for m in group), packed[fid]):
                _flag_folder(group, packed[fid], budget)
        scan.findings += declared_checks(scan.members, budget)
        caps = {key: m.size for key, m in readable.items() if may_read(m, budget)}
        kept = {id(m) for m in readable.values()}
        for m in scan.members:
            if not m.is_dir and id(m) not in kept:
                skip(m, "unreadable")  # py7zr refuses unsafe names outright; reported as traversal
        if caps:
            _extract_7z(sz, caps, readable, budget, scan)
    return scan


def _flag_folder(group: list[Member], packed: int, budget: Budget) -> None:
    total = sum(m.size for m in group)
    ratio = total / packed if packed else float("inf")
    shown = "vô hạn" if ratio == float("inf") else f"{fmt_ratio(ratio)}:1"
    names = ", ".join(f"“{m.name}”" for m in group[:3]) + (" …" if len(group) > 3 else "")
    detail = (
        f"Khối nén chứa {names} giải nén {fmt_mb(total)} MB với tỷ lệ {shown}, "
        f"vượt giới hạn {fmt_ratio(budget.limits.archive_max_ratio)}:1"
    )
    for m in group:
        m.findings.append((ARCHIVE_BOMB, detail))
        skip(m, "limit")


def _extract_7z(
    sz: py7zr.SevenZipFile, caps: dict[str, int], readable: dict[str, Member], budget: Budget, scan: Scan
) -> None:
    factory = _CappedFactory(caps)
    targets = [name for name in sz.getnames() if _7z_key(name) in caps]
    try:
        sz.extract(targets=targets, factory=factory)
    except OverCap:
        scan.findings.append(
            (ARCHIVE_BOMB, "Một thành phần của tệp nén 7z giải nén ra nhiều hơn dung lượng khai báo")
        )
        return
    except py7zr.exceptions.DecompressionBombError:
        scan.findings.append((ARCHIVE_BOMB, f"Tổng dung lượng giải nén vượt giới hạn {fmt_mb(budget.total_max)} MB"))
        return
    except (*_7Z_ERRORS, py7zr.exceptions.PasswordRequired):
        scan.findings.append((UNREADABLE, "Tệp nén 7z bị hỏng, không giải nén được"))
        for key in caps:
            skip(readable[key], "unreadable")
        return
    for key in caps:
        m = readable[key]
        writer = factory.products.get(key)
        # empty members have no stream: py7zr may not ask for a writer
        m.data = writer.buf.getvalue() if writer is not None else b""
        budget.used += len(m.data)

