"""Digital signatures (chữ ký số) on PDF files, checked by pyHanko.

pyHanko checks the digest over the signed byte ranges and the CMS signature, and analyses
what later incremental updates changed.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from tinbai.extract.signature.certificates import fill_signer, load_certificates
from tinbai.report import SignatureInfo

__all__ = ["pdf_modification_level", "verify_pdf_signatures"]

log = logging.getLogger(__name__)

# pyHanko logs a traceback for every untrusted (for instance self-signed)
# certificate; that is an expected outcome here, not an error of ours.
_QUIET_LOGGERS = ("pyhanko.sign.validation.generic_cms", "pyhanko_certvalidator")


def verify_pdf_signatures(data: bytes, trust_roots: list[bytes] | None = None) -> list[SignatureInfo]:
    """One SignatureInfo per signature field of the PDF that holds a signature ([] for none).

    intact: the digest over the signed byte ranges matches and the CMS signature
    is cryptographically valid. covers_whole_file: False when bytes were added
    after the signature (an incremental update); the signed revision may still
    be intact. trusted: None without trust_roots (PEM or DER certificates), else
    whether the signer's chain ends at one of them.
    """
    if not _declares_signature(data):
        # A signature's /ByteRange and /Contents must sit in plain bytes (they are located by
        # offset, so never inside a compressed object stream): without them there is nothing
        # to verify, and pyHanko's full parse (~20 ms a PDF) is saved.
        return []
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        if reader.encrypted:
            reader.decrypt(b"")  # signed and encrypted with an empty user password; else raises
        sigs = list(reader.embedded_regular_signatures)
    except Exception as exc:  # any parse failure of a hostile file
        log.debug("PDF signatures unreadable: %s", exc)
        # A file that cannot be parsed but declares a signed byte range did
        # carry a signature: report it, broken, rather than nothing.
        return [SignatureInfo(intact=False)] if _declares_signature(data) else []
    roots = load_certificates(trust_roots or [])
    return [_check_pdf_signature(sig, roots if trust_roots else None) for sig in sigs]


def _declares_signature(data: bytes) -> bool:
    return re.search(rb"/ByteRange\s*\[", data) is not None and b"/Contents" in data


def _check_pdf_signature(sig: Any, roots: list[asn1_x509.Certificate] | None) -> SignatureInfo:
    info = SignatureInfo(intact=False, kind="pdf")
    try:
        fill_signer(info, x509.load_der_x509_certificate(sig.signer_cert.dump()))
    except Exception as exc:  # a broken CMS blob has no readable certificate
        log.debug("signer certificate unreadable: %s", exc)
    try:
        # Empty roots: the chain is never trusted, and the operating system's
        # store is not consulted; nothing is fetched from the network.
        context = ValidationContext(trust_roots=roots or [], allow_fetching=False)
        # Accept signing certificates with either usage: Vietnamese CA
        # certificates carry digitalSignature, nonRepudiation or both.
        usage = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"},
                                    match_all_key_usages=False)
        with _quiet(_QUIET_LOGGERS):
            status = validate_pdf_signature(sig, signer_validation_context=context, key_usage_settings=usage)
    except Exception as exc:  # pyHanko raises on malformed signatures
        log.debug("PDF signature %s not verifiable: %s", getattr(sig, "field_name", "?"), exc)
        info.signed_at = info.signed_at or _self_reported(sig)
        info.checked = False
        return info
    info.intact = bool(status.intact and status.valid)
    info.trusted = bool(status.trusted) if roots is not None else None
    info.covers_whole_file = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    info.signed_at = _signing_time(status) or _self_reported(sig)
    return info


def pdf_modification_level(data: bytes) -> list[str]:
    """What pyHanko's difference analysis says was changed after each signature.

    "NONE", "LTA_UPDATES", "FORM_FILLING", "ANNOTATIONS" or "OTHER" (pages or
    content changed); "UNKNOWN" when it cannot tell. For the reviewer's detail:
    SignatureInfo has no field for it (see the report to the lead).
    """
    try:
        sigs = list(PdfFileReader(io.BytesIO(data), strict=False).embedded_regular_signatures)
    except Exception:
        return []
    levels = []
    for sig in sigs:
        try:
            sig.compute_integrity_info()
            levels.append(_level_name(sig.summarise_integrity_info()))
        except Exception:  # a damaged signature or revision
            levels.append("UNKNOWN")
    return levels


def _level_name(summary: dict[str, Any]) -> str:
    diff = summary.get("diff_result")
    if diff is None:  # nothing after the signature to compare
        return "NONE"
    level = getattr(diff, "modification_level", None)
    # pyHanko puts the SuspiciousModification exception there for changes it rejects
    return level.name if level is not None else "OTHER"


def _signing_time(status: Any) -> datetime | None:
    """A trusted timestamp's time if there is one, else the time the signer's machine claimed."""
    ts = getattr(status, "timestamp_validity", None)
    if ts is not None and getattr(ts, "timestamp", None):
        return ts.timestamp
    return getattr(status, "signer_reported_dt", None)


def _self_reported(sig: Any) -> datetime | None:
    try:
        return sig.self_reported_timestamp
    except Exception:  # a malformed /M date
        return None


class _quiet:
    """Raise the level of some loggers for the duration of a block."""

    def __init__(self, names: Iterable[str]) -> None:
        self.loggers = [logging.getLogger(n) for n in names]
        self.levels: list[int] = []

    def __enter__(self) -> None:
        self.levels = [lg.level for lg in self.loggers]
        for lg in self.loggers:
            lg.setLevel(logging.CRITICAL)

    def __exit__(self, *exc: object) -> None:
        for lg, level in zip(self.loggers, self.levels, strict=True):
            lg.setLevel(level)
