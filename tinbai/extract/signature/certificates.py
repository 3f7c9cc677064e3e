"""Certificates: the administrator's trust anchors, and who a signing certificate names."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.x509.oid import ExtensionOID, NameOID

from tinbai.report import SignatureInfo

__all__ = ["fill_signer", "load_certificates"]

log = logging.getLogger(__name__)


def load_certificates(blobs: Iterable[bytes]) -> list[asn1_x509.Certificate]:
    """Certificates from PEM (one or many per blob) or DER blobs; unreadable blobs are skipped."""
    certs: list[asn1_x509.Certificate] = []
    for blob in blobs:
        try:
            if pem.detect(blob):
                ders = [der for kind, _, der in pem.unarmor(blob, multiple=True) if kind == "CERTIFICATE"]
            else:
                ders = [blob]
            for der in ders:
                cert = asn1_x509.Certificate.load(der)
                _ = cert.subject  # parse now: asn1crypto is lazy
                certs.append(cert)
        except Exception as exc:  # a bad entry in the administrator's list
            log.warning("trust root skipped, not a certificate: %s", exc)
    return certs


def fill_signer(info: SignatureInfo, cert: x509.Certificate) -> None:
    info.signer = _name_attr(cert.subject, NameOID.COMMON_NAME) or _name_attr(cert.subject, NameOID.ORGANIZATION_NAME)
    info.email = _name_attr(cert.subject, NameOID.EMAIL_ADDRESS) or _san_email(cert)
    info.issuer = _name_attr(cert.issuer, NameOID.COMMON_NAME) or _name_attr(cert.issuer, NameOID.ORGANIZATION_NAME)


def _name_attr(name: x509.Name, oid: x509.ObjectIdentifier) -> str | None:
    try:
        values = name.get_attributes_for_oid(oid)
    except Exception:  # a malformed name
        return None
    return str(values[0].value) if values else None


def _san_email(cert: x509.Certificate) -> str | None:
    try:
        san = cert.extensions.get_extension_for_oid(ExtensionOID.SUBJECT_ALTERNATIVE_NAME).value
        emails = san.get_values_for_type(x509.RFC822Name)
    except Exception:  # no or malformed extension
        return None
    return emails[0] if emails else None
