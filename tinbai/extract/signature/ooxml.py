"""Digital signatures on OOXML files (a .docx, .xlsx or .pptx signed in Office).

The XML-DSig signature in _xmlsignatures/ is checked here with lxml and cryptography: the
signature value over SignedInfo, the digests of the signed objects and of every package part
listed in the manifest (with the OPC relationship transform for .rels parts).
"""

from __future__ import annotations

import base64
import hashlib
import io
import logging
import posixpath
import re
import zipfile
from datetime import datetime

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from lxml import etree

from tinbai.extract.signature.certificates import fill_signer, load_certificates
from tinbai.report import SignatureInfo

__all__ = ["ooxml_signatures", "relationship_transform"]

log = logging.getLogger(__name__)

NS_DS = "http://www.w3.org/2000/09/xmldsig#"
NS_PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_XADES = "http://uri.etsi.org/01903/v1.3.2#"
NS_MDSSI = "http://schemas.openxmlformats.org/package/2006/digital-signature"
REL_ORIGIN = "http://schemas.openxmlformats.org/package/2006/relationships/digital-signature/origin"
REL_SIGNATURE = "http://schemas.openxmlformats.org/package/2006/relationships/digital-signature/signature"
RELATIONSHIP_TRANSFORM = "http://schemas.openxmlformats.org/package/2006/RelationshipTransform"
C14N = {
    "http://www.w3.org/TR/2001/REC-xml-c14n-20010315": (False, False),
    "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments": (False, True),
    "http://www.w3.org/2001/10/xml-exc-c14n#": (True, False),
    "http://www.w3.org/2001/10/xml-exc-c14n#WithComments": (True, True),
}
DIGESTS = {
    "http://www.w3.org/2000/09/xmldsig#sha1": hashlib.sha1,
    "http://www.w3.org/2001/04/xmlenc#sha256": hashlib.sha256,
    "http://www.w3.org/2001/04/xmldsig-more#sha384": hashlib.sha384,
    "http://www.w3.org/2001/04/xmlenc#sha512": hashlib.sha512,
}
SIG_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "http://www.w3.org/2000/09/xmldsig#rsa-sha1": hashes.SHA1,
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256": hashes.SHA256,
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384": hashes.SHA384,
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512": hashes.SHA512,
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1": hashes.SHA1,
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256": hashes.SHA256,
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384": hashes.SHA384,
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512": hashes.SHA512,
}
MAX_PART_BYTES = 64 * 1024 * 1024  # a part read for its digest; the archive checks limit the rest
# Untrusted XML: no entities, no network, no huge trees.
_XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_blank_text=False)


class _Unverifiable(Exception):
    """The signature uses something this module cannot check."""


def ooxml_signatures(data: bytes, trust_roots: list[bytes] | None = None) -> list[SignatureInfo]:
    """One SignatureInfo (kind "ooxml") per XML signature of a signed Office package ([] for none).

    intact: the SignatureValue verifies with the certificate in KeyInfo over the
    canonical SignedInfo, every reference of SignedInfo digests right, and every
    part listed in the manifest still has its signed digest. A signature using
    an algorithm or transform not implemented here is reported as not intact.
    covers_whole_file: every part of the package (but the signature parts and
    the parts Office leaves out by design) is listed in the manifest. trusted:
    None without trust_roots, else whether the certificate is one of them or
    issued by one of them (one level: no path building for OOXML).
    """
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        names = set(package.namelist())
        sig_parts = _signature_parts(package, names)
    except Exception as exc:  # not a zip, a damaged zip
        log.debug("OOXML package unreadable: %s", exc)
        return []
    roots = load_certificates(trust_roots or []) if trust_roots else None
    return [_check_ooxml_signature(package, names, part, roots) for part in sig_parts]


def _signature_parts(package: zipfile.ZipFile, names: set[str]) -> list[str]:
    """The signature parts: those the origin part points to, else any _xmlsignatures/sig*.xml."""
    found: list[str] = []
    origin = _rel_targets(package, names, "", REL_ORIGIN)
    for origin_part in origin:
        found += _rel_targets(package, names, origin_part, REL_SIGNATURE)
    if not found:  # a package whose relationships were damaged still shows its signature files
        found = sorted(n for n in names if re.fullmatch(r"_xmlsignatures/sig\d*\.xml", n, re.IGNORECASE))
    return sorted(set(found))


def _rels_name(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels") if part else "_rels/.rels"


def _rel_targets(package: zipfile.ZipFile, names: set[str], source: str, rel_type: str) -> list[str]:
    rels = _rels_name(source)
    if rels not in names:
        return []
    root = etree.fromstring(_read(package, rels), _XML)
    base = posixpath.dirname(source)
    targets = []
    for rel in root.iter(f"{{{NS_PKG_RELS}}}Relationship"):
        if rel.get("Type") == rel_type and rel.get("TargetMode", "Internal") == "Internal":
            target = rel.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(base, target))
            if path in names:
                targets.append(path)
    return targets


def _read(package: zipfile.ZipFile, name: str) -> bytes:
    info = package.getinfo(name)
    if info.file_size > MAX_PART_BYTES:
        raise _Unverifiable(f"part {name} too large to check")
    with package.open(info) as fh:
        return fh.read(MAX_PART_BYTES + 1)


def _check_ooxml_signature(package: zipfile.ZipFile, names: set[str], part: str,
                           roots: list[asn1_x509.Certificate] | None) -> SignatureInfo:
    info = SignatureInfo(intact=False, kind="ooxml")
    try:
        doc = etree.fromstring(_read(package, part), _XML)
        sig = doc if doc.tag == f"{{{NS_DS}}}Signature" else doc.find(f".//{{{NS_DS}}}Signature")
        if sig is None:
            raise _Unverifiable("no ds:Signature element")
        cert = _key_info_certificate(sig)
        fill_signer(info, cert)
        info.signed_at = _xades_signing_time(sig)
        if roots is not None:
            info.trusted = _issued_by_root(cert, roots)
        listed = _verify_signed_info(sig, cert, package, names)
        info.intact = True
        info.covers_whole_file = _covers_package(names, listed, part)
    except (_Unverifiable, etree.XMLSyntaxError, InvalidSignature, ValueError, KeyError) as exc:
        log.debug("OOXML signature %s not intact or not verifiable: %s", part, exc)
    except Exception as exc:  # hostile input must not escape
        log.debug("OOXML signature %s failed: %s", part, exc)
    return info


def _key_info_certificate(sig: etree._Element) -> x509.Certificate:
    node = sig.find(f"{{{NS_DS}}}KeyInfo/{{{NS_DS}}}X509Data/{{{NS_DS}}}X509Certificate")
    if node is None or not (node.text or "").strip():
        raise _Unverifiable("no X509Certificate in KeyInfo")
    return x509.load_der_x509_certificate(base64.b64decode("".join(node.text.split())))


def _verify_signed_info(sig: etree._Element, cert: x509.Certificate, package: zipfile.ZipFile,
                        names: set[str]) -> set[str]:
    """Check the signature value and all references; return the package parts the manifest lists."""
    signed_info = sig.find(f"{{{NS_DS}}}SignedInfo")
    value = sig.find(f"{{{NS_DS}}}SignatureValue")
    if signed_info is None or value is None:
        raise _Unverifiable("SignedInfo or SignatureValue missing")
    c14n = signed_info.find(f"{{{NS_DS}}}CanonicalizationMethod")
    method = signed_info.find(f"{{{NS_DS}}}SignatureMethod")
    canonical = _canonicalize(signed_info, c14n.get("Algorithm") if c14n is not None else "")
    _verify_value(cert, method.get("Algorithm") if method is not None else "",
                  base64.b64decode("".join((value.text or "").split())), canonical)
    listed: set[str] = set()
    for ref in signed_info.findall(f"{{{NS_DS}}}Reference"):
        uri = ref.get("URI", "")
        if not uri.startswith("#"):
            raise _Unverifiable(f"reference to {uri!r} outside the signature")
        target = _by_id(sig, uri[1:])
        _check_digest(ref, _apply_transforms(ref, target))
        for manifest in target.iter(f"{{{NS_DS}}}Manifest"):
            listed |= _verify_manifest(manifest, package, names)
    return listed


def _by_id(sig: etree._Element, ident: str) -> etree._Element:
    for el in sig.iter():
        if el.get("Id") == ident:
            return el
    raise _Unverifiable(f"no element with Id {ident!r}")


def _canonicalize(el: etree._Element, algorithm: str) -> bytes:
    if algorithm not in C14N:
        raise _Unverifiable(f"canonicalization {algorithm!r}")
    exclusive, comments = C14N[algorithm]
    return etree.tostring(el, method="c14n", exclusive=exclusive, with_comments=comments)


def _apply_transforms(ref: etree._Element, target: etree._Element) -> bytes:
    """The bytes a same-document reference digests: its element, canonicalized (inclusive C14N by default)."""
    algorithm = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
    for transform in ref.findall(f"{{{NS_DS}}}Transforms/{{{NS_DS}}}Transform"):
        name = transform.get("Algorithm", "")
        if name not in C14N:
            raise _Unverifiable(f"transform {name!r} on a signature object")
        algorithm = name
    return _canonicalize(target, algorithm)


def _check_digest(ref: etree._Element, content: bytes) -> None:
    method = ref.find(f"{{{NS_DS}}}DigestMethod")
    value = ref.find(f"{{{NS_DS}}}DigestValue")
    algorithm = method.get("Algorithm", "") if method is not None else ""
    if algorithm not in DIGESTS or value is None:
        raise _Unverifiable(f"digest {algorithm!r}")
    if DIGESTS[algorithm](content).digest() != base64.b64decode("".join((value.text or "").split())):
        raise InvalidSignature(f"digest mismatch for {ref.get('URI')}")


def _verify_value(cert: x509.Certificate, algorithm: str, signature: bytes, signed: bytes) -> None:
    if algorithm not in SIG_HASHES:
        raise _Unverifiable(f"signature method {algorithm!r}")
    digest = SIG_HASHES[algorithm]()
    key = cert.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        key.verify(signature, signed, padding.PKCS1v15(), digest)
    elif isinstance(key, ec.EllipticCurvePublicKey):
        key.verify(_ecdsa_der(signature), signed, ec.ECDSA(digest))
    else:
        raise _Unverifiable(f"key type {type(key).__name__}")


def _ecdsa_der(raw: bytes) -> bytes:
    """XML-DSig writes ECDSA signatures as r||s; cryptography wants DER."""
    half = len(raw) // 2
    return encode_dss_signature(int.from_bytes(raw[:half], "big"), int.from_bytes(raw[half:], "big"))


def _verify_manifest(manifest: etree._Element, package: zipfile.ZipFile, names: set[str]) -> set[str]:
    """Check the digest of every part the manifest lists; return their names."""
    listed = set()
    for ref in manifest.findall(f"{{{NS_DS}}}Reference"):
        uri = ref.get("URI", "")
        part = uri.split("?", 1)[0].lstrip("/")
        if part not in names:
            raise InvalidSignature(f"signed part {part!r} is missing")
        data = _read(package, part)
        transforms = [t.get("Algorithm", "") for t in ref.findall(f"{{{NS_DS}}}Transforms/{{{NS_DS}}}Transform")]
        if transforms:
            data = _transform_part(data, ref, transforms)
        _check_digest(ref, data)
        listed.add(part)
    return listed


def _transform_part(data: bytes, ref: etree._Element, transforms: list[str]) -> bytes:
    """Apply a manifest reference's transforms: the OPC RelationshipTransform, then C14N."""
    root = etree.fromstring(data, _XML)
    out = None
    for name in transforms:
        if name == RELATIONSHIP_TRANSFORM:
            node = next(t for t in ref.iter(f"{{{NS_DS}}}Transform") if t.get("Algorithm") == name)
            root = relationship_transform(root, node)
        elif name in C14N:
            out = _canonicalize(root, name)
        else:
            raise _Unverifiable(f"transform {name!r} on a package part")
    return out if out is not None else _canonicalize(root, "http://www.w3.org/TR/2001/REC-xml-c14n-20010315")


def relationship_transform(rels: etree._Element, transform: etree._Element) -> etree._Element:
    """ECMA-376 Part 2 §13.2.4.24: keep the relationships the signer selected, in Id order.

    The selection is by Id (mdssi:RelationshipReference SourceId) or by type
    (mdssi:RelationshipsGroupReference SourceType). Each kept relationship gets
    an explicit TargetMode (default "Internal"); everything else is dropped.
    """
    ids = {el.get("SourceId") for el in transform.iter(f"{{{NS_MDSSI}}}RelationshipReference")}
    types = {el.get("SourceType") for el in transform.iter(f"{{{NS_MDSSI}}}RelationshipsGroupReference")}
    kept = [rel for rel in rels.iter(f"{{{NS_PKG_RELS}}}Relationship")
            if rel.get("Id") in ids or rel.get("Type") in types]
    out = etree.Element(f"{{{NS_PKG_RELS}}}Relationships", nsmap={None: NS_PKG_RELS})
    for rel in sorted(kept, key=lambda r: r.get("Id", "")):
        new = etree.SubElement(out, f"{{{NS_PKG_RELS}}}Relationship")
        for attr in ("Id", "Target", "TargetMode", "Type"):
            value = rel.get(attr, "Internal" if attr == "TargetMode" else None)
            if value is not None:
                new.set(attr, value)
    return out


# Parts Office does not sign by design: the signatures themselves, and the
# document properties that change when a file is merely opened or printed.
_UNSIGNED = re.compile(r"(_xmlsignatures/.*|\[Content_Types\]\.xml|docProps/core\.xml|docProps/app\.xml"
                       r"|docProps/custom\.xml|customXml/.*|.*/_rels/.*\.rels|_rels/\.rels|.*/)", re.IGNORECASE)


def _covers_package(names: set[str], listed: set[str], sig_part: str) -> bool:
    expected = {n for n in names if not _UNSIGNED.fullmatch(n) and n != sig_part}
    return expected <= listed


def _xades_signing_time(sig: etree._Element) -> datetime | None:
    """SigningTime from XAdES, else the mdssi:SignatureTime value (both written by Office)."""
    node = sig.find(f".//{{{NS_XADES}}}SigningTime")
    if node is None:
        node = sig.find(f".//{{{NS_MDSSI}}}SignatureTime/{{{NS_MDSSI}}}Value")
    if node is None or not node.text:
        return None
    try:
        return datetime.fromisoformat(node.text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None


def _issued_by_root(cert: x509.Certificate, roots: list[asn1_x509.Certificate]) -> bool:
    """The certificate is a root, or one of the roots signed it (a one-level chain)."""
    for root_asn1 in roots:
        root = x509.load_der_x509_certificate(root_asn1.dump())
        if root.fingerprint(hashes.SHA256()) == cert.fingerprint(hashes.SHA256()):
            return True
        try:
            cert.verify_directly_issued_by(root)
            return True
        except (ValueError, TypeError, InvalidSignature):
            continue
    return False
