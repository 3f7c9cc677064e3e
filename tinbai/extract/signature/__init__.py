"""Digital signatures (chữ ký số) on PDF and OOXML files.

What the contract needs is whether a file carries a signature whose signed bytes
are intact (`digital_signature`, `signature.invalid`), who signed it and, when
the administrator configures trust anchors (the government CA's roots), whether
the signer's certificate chains to one of them. Nothing here raises on hostile
input: a file that cannot be read or a signature that cannot be checked is
reported as not intact.

The family: pdf (pyHanko), ooxml (XML-DSig checked with lxml and cryptography) and
certificates (trust anchors, the signer's names). Read in the sandbox workers only
(tinbai.extract.reading): pyHanko is not for the daemon.
"""

from tinbai.extract.signature.certificates import load_certificates
from tinbai.extract.signature.ooxml import ooxml_signatures, relationship_transform
from tinbai.extract.signature.pdf import pdf_modification_level, verify_pdf_signatures

__all__ = [
    "load_certificates",
    "ooxml_signatures",
    "pdf_modification_level",
    "relationship_transform",
    "verify_pdf_signatures",
]
