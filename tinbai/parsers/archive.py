"""List and read the members of zip, rar and 7z archives, safely.

Everything happens in memory: no member is ever written to a path taken from
the archive (RAR members that need an external decompressor go through a
private temporary file that rarfile creates with mkstemp and deletes).

Safety rules, in the order they are applied:
- The nesting depth is checked first (the caller passes how many archives
  enclose this one); an archive nested too deep is listed but not unpacked.
- Declared sizes are checked before anything is decompressed: member count,
  total unpacked size, unpacked/packed ratio of the whole archive and of each
  member. An offending member is never decompressed.
- While reading, every member is streamed with a hard cap at its declared size
  (and the remaining budget), so a header that lies cannot blow memory.
- Member names are checked for '..' components and absolute paths; they are
  reported, never used as paths.

Problems are (code, Vietnamese detail) pairs with the codes of the check-report
contract: archive.bomb, archive.path_traversal, attachment.encrypted,
attachment.unreadable.
"""

from __future__ import annotations

import functools
import io
import itertools
import lzma
import re
import stat
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Protocol

import py7zr
import py7zr.exceptions
import py7zr.io
import rarfile

from tinbai.filekinds import READABLE_ARCHIVE_TYPES
from tinbai.parsers.facts import ParseLimits

MiB = 1024 * 1024

# Below this unpacked size a high ratio is harmless (a page of repeated
# characters compresses 500:1): the ratio limits only apply from here on.
RATIO_MIN_UNPACKED = 1 * MiB
_CHUNK = 64 * 1024
_LINK_TARGET_MAX = 4096  # a symbolic link's target is a short path
_SEVENZIP_AES = b"\x06\xf1\x07\x01"  # coder id of 7zAES

BOMB = "archive.bomb"
TRAVERSAL = "archive.path_traversal"
ENCRYPTED = "attachment.encrypted"
UNREADABLE = "attachment.unreadable"

Problem = tuple[str, str]


@dataclass
class Member:
    """One entry of an archive. `name` is for display only, never a path on disk."""

    name: str  # as stored, decoded to readable NFC text
    size: int  # declared unpacked size
    compressed_size: int | None  # None where the format does not tell (solid 7z)
    is_dir: bool = False
    encrypted: bool = False
    is_link: bool = False  # symbolic link / junction / hard link: data is not read
    data: bytes | None = None  # the member's bytes, when they were safe to read
    # why data is None: "directory", "link", "encrypted", "limit", "unreadable"
    skipped: str | None = None
    problems: list[Problem] = field(default_factory=list)  # those that concern this member


@dataclass
class ArchiveListing:
    members: list[Member] = field(default_factory=list)
    # problems of the archive as a whole, at most one per code, with details
    # naming the members concerned (the same ones are in Member.problems)
    problems: list[Problem] = field(default_factory=list)


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
    readers: dict[str, Callable[[bytes, _Budget], _Scan]] = {
        "zip": _scan_zip,
        "rar": _scan_rar,
        "7z": _scan_7z,
    }
    if detected_type not in readers:
        raise ValueError(f"not an archive type: {detected_type!r}")
    too_deep = nested_too_deep(depth, limits)
    budget = _Budget(limits, packed_size=len(data), open_members=not too_deep)
    scan = readers[detected_type](data, budget)
    if too_deep:
        scan.problems.insert(0, (BOMB, f"Tệp nén lồng trong tệp nén quá {limits.archive_max_depth} cấp"))
    for m in scan.members:
        reason = path_escape_reason(m.name)
        if reason:
            m.problems.insert(0, (TRAVERSAL, _traversal_detail(m.name, reason)))
        if m.encrypted:
            m.problems.insert(0, (ENCRYPTED, f"Thành phần “{m.name}” trong tệp nén được đặt mật khẩu"))
    return ArchiveListing(members=scan.members, problems=_merge(scan.problems, scan.members))


# ---------------------------------------------------------------- member names


def path_escape_reason(name: str) -> str | None:
    """Why extracting a member of this name could write outside its folder, or None.

    Windows separators count as separators: an archive made on Windows or read
    there treats '..\\x' like '../x'.
    """
    n = name.replace("\\", "/")
    if n.startswith("/"):  # /etc/x, \\server\share, //server
        return "absolute"
    if re.match(r"[A-Za-z]:", n):  # C:\x and the drive-relative C:x
        return "absolute"
    for part in n.split("/"):
        # Windows drops trailing dots and spaces, so '... ' and '.. ' act as '..'
        if part.count(".") >= 2 and not part.strip(". "):
            return "parent"
    return None


def _traversal_detail(name: str, reason: str) -> str:
    if reason == "absolute":
        return f"Thành phần “{name}” là đường dẫn tuyệt đối, trỏ ra ngoài thư mục giải nén"
    return f"Thành phần “{name}” có “..” trong đường dẫn, trỏ ra ngoài thư mục giải nén"


_VIETNAMESE = set(
    "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
    "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
)


def _name_score(text: str) -> tuple[int, int]:
    """(characters that are neither ASCII nor Vietnamese letters, Vietnamese letters); fewer odd ones first."""
    odd = sum(1 for c in text if not (" " <= c <= "~" or c in _VIETNAMESE))
    viet = sum(1 for c in text if c in _VIETNAMESE)
    return odd, -viet


def decode_member_name(raw: bytes, utf8_flag: bool = False) -> str:
    """Readable NFC text for a legacy (non-UTF-8-flagged) archive member name.

    Zip names without the UTF-8 flag are officially cp437, but Vietnamese
    Windows writes its OEM code page (cp1258) and many tools write UTF-8
    without setting the flag. Valid UTF-8 is taken as such (cp437/cp1258 text
    is almost never valid UTF-8); otherwise the decoding that yields
    Vietnamese letters rather than box-drawing and symbol characters wins.
    """
    if utf8_flag:
        return unicodedata.normalize("NFC", raw.decode("utf-8", errors="replace"))
    try:
        return unicodedata.normalize("NFC", raw.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    candidates = [
        unicodedata.normalize("NFC", raw.decode(enc, errors="replace")) for enc in ("cp437", "cp1258")
    ]
    # cp437 stays the default when both look equally plausible (the standard's choice)
    return min(candidates, key=_name_score)


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


# ---------------------------------------------------------------- limits


class _OverCap(Exception):
    """A member produced more bytes than it declared or than the budget allows."""


@dataclass
class _Budget:
    limits: ParseLimits
    packed_size: int
    open_members: bool = True  # False: list only (nested too deep or a bomb)
    used: int = 0

    @property
    def total_max(self) -> int:
        return int(self.limits.archive_max_total_mb * MiB)

    def ratio_too_high(self, unpacked: int, packed: int | None) -> bool:
        if unpacked < RATIO_MIN_UNPACKED or packed is None:
            return False
        return packed <= 0 or unpacked / packed > self.limits.archive_max_ratio

    def remaining(self) -> int:
        return max(0, self.total_max - self.used)


@dataclass
class _Scan:
    members: list[Member] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _fmt_mb(n: int) -> str:
    text = f"{n / MiB:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return text.removesuffix(",0")


def _fmt_ratio(x: float) -> str:
    return f"{x:,.0f}".replace(",", ".")


def _declared_checks(
    members: list[Member], budget: _Budget, declared_count: int | None = None
) -> list[Problem]:
    """Bomb checks on the declared sizes, before anything is decompressed.

    Marks each offending member skipped="limit"; when the archive as a whole
    is a bomb, no member will be read (budget.open_members = False).
    """
    lim = budget.limits
    problems: list[Problem] = []
    count = max(declared_count or 0, len(members))
    if count > lim.archive_max_members:
        problems.append(
            (BOMB, f"Tệp nén có {count} thành phần, vượt giới hạn {lim.archive_max_members} thành phần")
        )
        budget.open_members = False
    total = sum(m.size for m in members)
    if total > budget.total_max:
        problems.append(
            (
                BOMB,
                f"Tổng dung lượng giải nén {_fmt_mb(total)} MB vượt giới hạn {_fmt_mb(budget.total_max)} MB",
            )
        )
    if budget.ratio_too_high(total, budget.packed_size):
        ratio = total / max(budget.packed_size, 1)
        problems.append(
            (
                BOMB,
                f"Tỷ lệ giải nén của cả tệp là {_fmt_ratio(ratio)}:1, vượt giới hạn {_fmt_ratio(lim.archive_max_ratio)}:1",
            )
        )
        budget.open_members = False
    for m in members:
        if budget.ratio_too_high(m.size, m.compressed_size):
            ratio = m.size / m.compressed_size if m.compressed_size else float("inf")
            shown = "vô hạn" if ratio == float("inf") else f"{_fmt_ratio(ratio)}:1"
            detail = (
                f"Thành phần “{m.name}” nén {_fmt_mb(m.size)} MB với tỷ lệ {shown}, "
                f"vượt giới hạn {_fmt_ratio(lim.archive_max_ratio)}:1"
            )
            m.problems.append((BOMB, detail))
            _skip(m, "limit")
    return problems


def _skip(m: Member, why: str) -> None:
    if m.skipped is None:
        m.skipped = why


def _may_read(m: Member, budget: _Budget) -> bool:
    """Decide whether to decompress this member; marks why not."""
    if m.is_dir:
        _skip(m, "directory")
    elif m.is_link:
        _skip(m, "link")
    elif m.encrypted:
        _skip(m, "encrypted")
    elif not budget.open_members or m.size > budget.remaining():
        _skip(m, "limit")
    return m.skipped is None


class _Readable(Protocol):
    def read(self, n: int = -1, /) -> bytes: ...


def _read_capped(stream: _Readable, cap: int) -> bytes:
    """Read a member stream in chunks, refusing to go past `cap` bytes."""
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = stream.read(min(_CHUNK, cap + 1 - total))
        if not chunk:
            return b"".join(chunks)
        total += len(chunk)
        if total > cap:
            raise _OverCap
        chunks.append(chunk)


def _read_into(
    m: Member,
    budget: _Budget,
    opener: Callable[[], AbstractContextManager[_Readable]],
    errors: tuple[type[BaseException], ...],
) -> None:
    """Read one member with the cap; record what went wrong on the member."""
    try:
        with opener() as stream:
            m.data = _read_capped(stream, min(m.size, budget.remaining()))
        budget.used += len(m.data)
    except _OverCap:
        m.problems.append((BOMB, f"Thành phần “{m.name}” giải nén ra nhiều hơn dung lượng khai báo"))
        _skip(m, "limit")
    except errors:
        m.problems.append((UNREADABLE, f"Thành phần “{m.name}” bị hỏng, không giải nén được"))
        _skip(m, "unreadable")


# ---------------------------------------------------------------- zip


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


def _scan_zip(data: bytes, budget: _Budget) -> _Scan:
    scan = _Scan()
    declared = _zip_declared_count(data)
    if declared is not None and declared > budget.limits.archive_max_members:
        # do not let zipfile build hundreds of thousands of entries
        scan.problems += _declared_checks([], budget, declared_count=declared)
        return scan
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except _ZIP_ERRORS:
        scan.problems.append((UNREADABLE, "Tệp nén ZIP bị hỏng hoặc không đúng định dạng, không đọc được"))
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
        scan.problems += _declared_checks(scan.members, budget)
        if _zip_overlapping(infos):
            scan.problems.append(
                (BOMB, "Các thành phần của tệp nén dùng chung dữ liệu nén (bom nén chồng lấn)")
            )
            budget.open_members = False
        for info, m in pairs:
            if m.is_link:
                _check_zip_link(zf, info, m)
            if _may_read(m, budget):
                _read_into(m, budget, functools.partial(zf.open, info), _ZIP_ERRORS)
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
    _check_link_target(m, target)


def _check_link_target(m: Member, target: str) -> None:
    if path_escape_reason(target):
        m.problems.append(
            (TRAVERSAL, f"Thành phần “{m.name}” là liên kết trỏ ra ngoài thư mục giải nén ({target})")
        )


# ---------------------------------------------------------------- rar


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


def _scan_rar(data: bytes, budget: _Budget) -> _Scan:
    scan = _Scan()
    try:
        rf = rarfile.RarFile(io.BytesIO(data))
        infos = rf.infolist()
    except rarfile.NeedFirstVolume:
        scan.problems.append((UNREADABLE, "Đây là một phần của tệp nén RAR nhiều phần, không có phần đầu"))
        return scan
    except rarfile.PasswordRequired:
        scan.problems.append((ENCRYPTED, "Tệp nén RAR được đặt mật khẩu, kể cả danh sách tệp"))
        return scan
    except _RAR_ERRORS:
        scan.problems.append((UNREADABLE, "Tệp nén RAR bị hỏng hoặc không đúng định dạng, không đọc được"))
        return scan
    with rf:
        if not infos and rf.needs_password():
            # RAR5 "encrypt file names": even the list of members needs the password
            scan.problems.append((ENCRYPTED, "Tệp nén RAR được đặt mật khẩu, kể cả danh sách tệp"))
            return scan
        if not infos:
            # rarfile stops quietly at some damaged headers: an empty list is taken as damage
            scan.problems.append((UNREADABLE, "Tệp nén RAR bị hỏng hoặc không có tệp nào, không đọc được"))
            return scan
        if rf.strerror():
            scan.problems.append((UNREADABLE, "Tệp nén RAR bị hỏng một phần, có thể thiếu thành phần"))
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
                _check_link_target(m, redir[2])
            scan.members.append(m)
            pairs.append((info, m))
        scan.problems += _declared_checks(scan.members, budget)
        if rf.is_solid() and any(m.skipped == "limit" for m in scan.members):
            # solid: reaching any member means decompressing those before it
            budget.open_members = False
        for info, m in pairs:
            if not _may_read(m, budget):
                continue
            if info.compress_type != rarfile.RAR_M0 and not _rar_tool_ready():
                m.problems.append(
                    (UNREADABLE, f"Thành phần “{m.name}” nén theo RAR, máy chủ không có công cụ giải nén")
                )
                _skip(m, "unreadable")
                continue
            _read_into(m, budget, functools.partial(rf.open, info), _RAR_ERRORS)
    return scan


# ---------------------------------------------------------------- 7z


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
            raise _OverCap
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


def _scan_7z(data: bytes, budget: _Budget) -> _Scan:
    scan = _Scan()
    try:
        sz = py7zr.SevenZipFile(io.BytesIO(data), mode="r", max_extract_size=budget.total_max)
        files = list(sz.files)
    except py7zr.exceptions.PasswordRequired:
        scan.problems.append((ENCRYPTED, "Tệp nén 7z được đặt mật khẩu, kể cả danh sách tệp"))
        return scan
    except _7Z_ERRORS:
        scan.problems.append((UNREADABLE, "Tệp nén 7z bị hỏng hoặc không đúng định dạng, không đọc được"))
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
        scan.problems += _declared_checks(scan.members, budget)
        caps = {key: m.size for key, m in readable.items() if _may_read(m, budget)}
        kept = {id(m) for m in readable.values()}
        for m in scan.members:
            if not m.is_dir and id(m) not in kept:
                _skip(m, "unreadable")  # py7zr refuses unsafe names outright; reported as traversal
        if caps:
            _extract_7z(sz, caps, readable, budget, scan)
    return scan


def _flag_folder(group: list[Member], packed: int, budget: _Budget) -> None:
    total = sum(m.size for m in group)
    ratio = total / packed if packed else float("inf")
    shown = "vô hạn" if ratio == float("inf") else f"{_fmt_ratio(ratio)}:1"
    names = ", ".join(f"“{m.name}”" for m in group[:3]) + (" …" if len(group) > 3 else "")
    detail = (
        f"Khối nén chứa {names} giải nén {_fmt_mb(total)} MB với tỷ lệ {shown}, "
        f"vượt giới hạn {_fmt_ratio(budget.limits.archive_max_ratio)}:1"
    )
    for m in group:
        m.problems.append((BOMB, detail))
        _skip(m, "limit")


def _extract_7z(
    sz: py7zr.SevenZipFile, caps: dict[str, int], readable: dict[str, Member], budget: _Budget, scan: _Scan
) -> None:
    factory = _CappedFactory(caps)
    targets = [name for name in sz.getnames() if _7z_key(name) in caps]
    try:
        sz.extract(targets=targets, factory=factory)
    except _OverCap:
        scan.problems.append(
            (BOMB, "Một thành phần của tệp nén 7z giải nén ra nhiều hơn dung lượng khai báo")
        )
        return
    except py7zr.exceptions.DecompressionBombError:
        scan.problems.append((BOMB, f"Tổng dung lượng giải nén vượt giới hạn {_fmt_mb(budget.total_max)} MB"))
        return
    except (*_7Z_ERRORS, py7zr.exceptions.PasswordRequired):
        scan.problems.append((UNREADABLE, "Tệp nén 7z bị hỏng, không giải nén được"))
        for key in caps:
            _skip(readable[key], "unreadable")
        return
    for key in caps:
        m = readable[key]
        writer = factory.products.get(key)
        # empty members have no stream: py7zr may not ask for a writer
        m.data = writer.buf.getvalue() if writer is not None else b""
        budget.used += len(m.data)


# ---------------------------------------------------------------- problems


def _merge(archive_level: list[Problem], members: list[Member]) -> list[Problem]:
    """One problem per code: details of the same code joined, members named at most a few times."""
    by_code: dict[str, list[str]] = {}
    for code, detail in archive_level + [p for m in members for p in m.problems]:
        details = by_code.setdefault(code, [])
        if detail not in details:
            details.append(detail)
    merged = []
    for code, details in by_code.items():
        shown = details[:5]
        more = len(details) - len(shown)
        text = "; ".join(shown) + (f"; và {more} trường hợp khác" if more else "")
        merged.append((code, text))
    return merged
