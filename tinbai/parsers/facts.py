"""What reading one file tells us: the contract between the parsers and the checks.

A parser fills a FileFacts from the bytes of one file. It runs inside a worker
process with time and memory limits (tinbai.parsers.sandbox), so everything here
must be picklable and small: text, numbers, short lists; never page images.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tinbai.report import DocumentHeader, SealMark, SecrecyMark, SignatureInfo

# What reading a file can show about it (FileFacts.findings): facts, not yet problems.
UNREADABLE = "unreadable"  # damaged, truncated, empty, or over a limit while reading
ENCRYPTED = "encrypted"  # password-protected document or archive
EXECUTABLE = "executable"  # a program or script, whatever its name says
MACRO = "macro"  # an Office file with VBA macros
LEGACY_ENCODING = "legacy_encoding"  # Vietnamese text in TCVN3 (ABC) or VNI, not Unicode
PATH_TRAVERSAL = "path_traversal"  # an archive member named to escape its folder
ARCHIVE_BOMB = "archive_bomb"  # an archive whose unpacked size or ratio passes the limits
SIGNATURE_BROKEN = "signature_broken"  # a digital signature whose signed bytes were changed


@dataclass
class ParseLimits:
    """Per-profile limits for reading attachments (config: [profiles.X.limits])."""

    seconds_per_file: float = 30.0
    memory_mb: int = 1024
    max_file_mb: float = 25.0
    archive_max_total_mb: float = 200.0
    archive_max_ratio: float = 100.0
    archive_max_members: int = 1000
    archive_max_depth: int = 3
    ocr: bool = True
    ocr_max_pages: int = 2  # first page's header and last page's signature block
    seal_dpi: int = 100  # render PDF pages at this resolution for the seal search
    max_pages_rendered: int = 10
    trust_roots: tuple[bytes, ...] = ()  # certificates anchoring trust in digital signatures
    # Decode every frame of a picture to find damage. analyse_file turns it off for a JPEG,
    # whose one decoding for the seal search finds the same damage (and reports it).
    verify_pixels: bool = True


@dataclass
class FileFacts:
    detected_type: str  # vocabulary of the contract: pdf, docx, doc, jpg, zip, exe, unknown…
    mime: str | None = None
    text: str = ""  # NFC Unicode; legacy TCVN3/VNI already converted
    text_encoding: str | None = None  # "unicode" | "tcvn3" | "vni" | None (no text)
    text_from_ocr: bool = False
    pages: int | None = None
    scanned_pages: list[int] = field(default_factory=list)  # 1-based pages with no text layer
    fonts: list[str] = field(default_factory=list)
    has_pictures: bool = False  # pictures or pages that a seal could be on
    red_stamp: bool | None = None
    seals: list[SealMark] = field(default_factory=list)
    secrecy_stamps: list[SecrecyMark] = field(default_factory=list)  # boxed state-secret stamps on its pages
    digital_signature: bool | None = None
    signatures: list[SignatureInfo] = field(default_factory=list)
    document: DocumentHeader | None = None
    # what reading the file showed, whatever the profile: (finding, Vietnamese detail), the
    # findings being the constants below; the rules (tinbai.rules) turn each into its problem
    # attachment.unreadable / encrypted / executable / macro / legacy_encoding,
    # archive.bomb / path_traversal, signature.invalid
    findings: list[tuple[str, str]] = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)  # width, height, dpi, mode, frames, duration, codec…
    children: list[Child] = field(default_factory=list)  # archive members

    def add_finding(self, finding: str, detail: str) -> None:
        if all(f != finding for f, _ in self.findings):
            self.findings.append((finding, detail))


@dataclass
class Child:
    """One member of an archive, read like any attachment."""

    name: str  # the member's path inside the archive, as stored (never used as a path on disk)
    size: int
    sha256: str | None
    facts: FileFacts
