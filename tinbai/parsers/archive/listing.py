"""An archive's listing, and the limits checked before and while its members are read.

Declared sizes are checked before anything is decompressed (member count, total
unpacked size, unpacked/packed ratio of the whole archive and of each member); while
reading, every member is streamed with a hard cap at its declared size and the
remaining budget. Problems are (code, Vietnamese detail) pairs, merged to one per code.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Protocol

from tinbai.parsers.facts import ARCHIVE_BOMB, UNREADABLE, ParseLimits

MiB = 1024 * 1024

# Below this unpacked size a high ratio is harmless (a page of repeated
# characters compresses 500:1): the ratio limits only apply from here on.
RATIO_MIN_UNPACKED = 1 * MiB
_CHUNK = 64 * 1024


Finding = tuple[str, str]


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
    findings: list[Finding] = field(default_factory=list)  # those that concern this member


@dataclass
class ArchiveListing:
    members: list[Member] = field(default_factory=list)
    # findings of the archive as a whole, at most one per finding, with details
    # naming the members concerned (the same ones are in Member.findings)
    findings: list[Finding] = field(default_factory=list)


class OverCap(Exception):
    """A member produced more bytes than it declared or than the budget allows."""


@dataclass
class Budget:
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
class Scan:
    members: list[Member] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def fmt_mb(n: int) -> str:
    text = f"{n / MiB:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return text.removesuffix(",0")


def fmt_ratio(x: float) -> str:
    return f"{x:,.0f}".replace(",", ".")


def declared_checks(
    members: list[Member], budget: Budget, declared_count: int | None = None
) -> list[Finding]:
    """Bomb checks on the declared sizes, before anything is decompressed.

    Marks each offending member skipped="limit"; when the archive as a whole
    is a bomb, no member will be read (budget.open_members = False).
    """
    lim = budget.limits
    findings: list[Finding] = []
    count = max(declared_count or 0, len(members))
    if count > lim.archive_max_members:
        findings.append(
            (ARCHIVE_BOMB, f"Tệp nén có {count} thành phần, vượt giới hạn {lim.archive_max_members} thành phần")
        )
        budget.open_members = False
    total = sum(m.size for m in members)
    if total > budget.total_max:
        findings.append(
            (
                ARCHIVE_BOMB,
                f"Tổng dung lượng giải nén {fmt_mb(total)} MB vượt giới hạn {fmt_mb(budget.total_max)} MB",
            )
        )
    if budget.ratio_too_high(total, budget.packed_size):
        ratio = total / max(budget.packed_size, 1)
        findings.append(
            (
                ARCHIVE_BOMB,
                f"Tỷ lệ giải nén của cả tệp là {fmt_ratio(ratio)}:1, vượt giới hạn {fmt_ratio(lim.archive_max_ratio)}:1",
            )
        )
        budget.open_members = False
    for m in members:
        if budget.ratio_too_high(m.size, m.compressed_size):
            ratio = m.size / m.compressed_size if m.compressed_size else float("inf")
            shown = "vô hạn" if ratio == float("inf") else f"{fmt_ratio(ratio)}:1"
            detail = (
                f"Thành phần “{m.name}” nén {fmt_mb(m.size)} MB với tỷ lệ {shown}, "
                f"vượt giới hạn {fmt_ratio(lim.archive_max_ratio)}:1"
            )
            m.findings.append((ARCHIVE_BOMB, detail))
            skip(m, "limit")
    return findings


def skip(m: Member, why: str) -> None:
    if m.skipped is None:
        m.skipped = why


def may_read(m: Member, budget: Budget) -> bool:
    """Decide whether to decompress this member; marks why not."""
    if m.is_dir:
        skip(m, "directory")
    elif m.is_link:
        skip(m, "link")
    elif m.encrypted:
        skip(m, "encrypted")
    elif not budget.open_members or m.size > budget.remaining():
        skip(m, "limit")
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
            raise OverCap
        chunks.append(chunk)


def read_into(
    m: Member,
    budget: Budget,
    opener: Callable[[], AbstractContextManager[_Readable]],
    errors: tuple[type[BaseException], ...],
) -> None:
    """Read one member with the cap; record what went wrong on the member."""
    try:
        with opener() as stream:
            m.data = _read_capped(stream, min(m.size, budget.remaining()))
        budget.used += len(m.data)
    except OverCap:
        m.findings.append((ARCHIVE_BOMB, f"Thành phần “{m.name}” giải nén ra nhiều hơn dung lượng khai báo"))
        skip(m, "limit")
    except errors:
        m.findings.append((UNREADABLE, f"Thành phần “{m.name}” bị hỏng, không giải nén được"))
        skip(m, "unreadable")


def merge_findings(archive_level: list[Finding], members: list[Member]) -> list[Finding]:
    """One problem per code: details of the same code joined, members named at most a few times."""
    by_code: dict[str, list[str]] = {}
    for code, detail in archive_level + [p for m in members for p in m.findings]:
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
