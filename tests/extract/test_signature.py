"""Digital signatures: PDFs signed with pyHanko and an Office package signed here, with a
throw-away self-signed certificate made by each test run."""

from __future__ import annotations

import base64
import hashlib
import io
import re
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID
from lxml import etree
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pypdf import PdfWriter
from reportlab.pdfgen import canvas

from tinbai.extract.signature import (
    load_certificates,
    ooxml_signatures,
    pdf_modification_level,
    verify_pdf_signatures,
)

SIGNER = "Sở Tư pháp tỉnh Thử nghiệm"
EMAIL = "vanthu@stp-thunghiem.example.vn"


@pytest.fixture(scope="module")
def identity() -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, SIGNER),
        x509.NameAttribute(NameOID.COMMON_NAME, SIGNER),
        x509.NameAttribute(NameOID.EMAIL_ADDRESS, EMAIL),
    ])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    return key, cert


def cert_pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def text_pdf() -> bytes:
    """A one-page letter with an uncompressed content stream, so one digit can be changed in place."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pageCompression=0)
    c.setFont("Helvetica", 12)
    c.drawString(72, 720, "KE HOACH so 35/KH-STP")
    c.drawString(72, 700, "Trien khai cong tac nam 2025")
    c.showPage()
    c.save()
    return buf.getvalue()


def sign_pdf(pdf: bytes, identity: tuple[rsa.RSAPrivateKey, x509.Certificate]) -> bytes:
    key, cert = identity
    signing_cert = asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    signing_key = asn1_keys.PrivateKeyInfo.load(key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    signer = signers.SimpleSigner(signing_cert=signing_cert, signing_key=signing_key,
                                  cert_registry=SimpleCertificateStore.from_certs([signing_cert]))
    out = signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)),
                           signers.PdfSignatureMetadata(field_name="Signature1"), signer=signer)
    return out.getvalue()


@pytest.fixture(scope="module")
def signed_pdf(identity) -> bytes:
    return sign_pdf(text_pdf(), identity)


def test_signed_pdf_is_intact_with_the_signer(signed_pdf):
    [info] = verify_pdf_signatures(signed_pdf)
    assert info.intact is True
    assert info.kind == "pdf"
    assert info.signer == SIGNER
    assert info.email == EMAIL
    assert info.issuer == SIGNER  # self-signed
    assert info.covers_whole_file is True
    assert info.trusted is None  # no trust anchors configured
    assert info.signed_at is not None and abs(info.signed_at - datetime.now(UTC)) < timedelta(hours=1)
    assert pdf_modification_level(signed_pdf) == ["NONE"]


def test_one_changed_digit_in_the_signed_range_breaks_it(signed_pdf):
    match = re.search(rb"1 0 0 1 72 720 Tm", signed_pdf)
    assert match, "the uncompressed content stream holds the text position"
    at = match.start() + len(b"1 0 0 1 ")
    tampered = signed_pdf[:at] + b"73" + signed_pdf[at + 2:]
    assert len(tampered) == len(signed_pdf)
    [info] = verify_pdf_signatures(tampered)
    assert info.intact is False
    assert info.signer == SIGNER  # still says who claimed to sign


def test_page_added_after_signing_keeps_the_signed_revision_intact(signed_pdf):
    writer = PdfWriter(io.BytesIO(signed_pdf), incremental=True)
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    updated = out.getvalue()
    assert updated.startswith(signed_pdf)  # an incremental update: bytes appended only
    [info] = verify_pdf_signatures(updated)
    assert info.intact is True
    assert info.covers_whole_file is False
    # pyHanko's difference analysis: a new page is beyond form filling and annotations
    assert pdf_modification_level(updated) == ["OTHER"]


def test_trust_roots(signed_pdf, identity):
    _, cert = identity
    [trusted] = verify_pdf_signatures(signed_pdf, trust_roots=[cert_pem(cert)])
    assert trusted.trusted is True and trusted.intact is True
    der = cert.public_bytes(serialization.Encoding.DER)
    assert verify_pdf_signatures(signed_pdf, trust_roots=[der])[0].trusted is True
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    other = (x509.CertificateBuilder().subject_name(cert.subject).issuer_name(cert.subject)
             .public_key(other_key.public_key()).serial_number(x509.random_serial_number())
             .not_valid_before(cert.not_valid_before_utc).not_valid_after(cert.not_valid_after_utc)
             .sign(other_key, hashes.SHA256()))
    [untrusted] = verify_pdf_signatures(signed_pdf, trust_roots=[cert_pem(other)])
    assert untrusted.trusted is False and untrusted.intact is True


def test_unsigned_and_broken_pdfs_never_raise(signed_pdf):
    assert verify_pdf_signatures(text_pdf()) == []
    assert verify_pdf_signatures(b"") == []
    assert verify_pdf_signatures(b"MZ\x90\x00 not a pdf") == []
    # cut in the middle of the signature: unparseable, but it declared a signed byte range
    cut = signed_pdf[: signed_pdf.index(b"/ByteRange") + 400]
    infos = verify_pdf_signatures(cut)
    assert infos and all(i.intact is False for i in infos)


def test_load_certificates_skips_garbage(identity):
    _, cert = identity
    two = cert_pem(cert) + cert_pem(cert)
    assert len(load_certificates([two, b"not a certificate"])) == 2


# ---- OOXML ----

DS = "http://www.w3.org/2000/09/xmldsig#"
MDSSI = "http://schemas.openxmlformats.org/package/2006/digital-signature"
PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
C14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
OFFICE_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
ORIGIN = "http://schemas.openxmlformats.org/package/2006/relationships/digital-signature/origin"
SIG_REL = "http://schemas.openxmlformats.org/package/2006/relationships/digital-signature/signature"

DOCX_PARTS = {
    "[Content_Types].xml": b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
                           b'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
                           b'</Types>',
    "word/document.xml": '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats'
                         '.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Quyết định số 28/QĐ-STP</w:t>'
                         '</w:r></w:p></w:body></w:document>'.encode(),
    "word/styles.xml": b'<?xml version="1.0"?><w:styles xmlns:w="http://schemas.openxmlformats.org/'
                       b'wordprocessingml/2006/main"/>',
    "word/_rels/document.xml.rels": (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Relationships xmlns="{PKG_RELS}">\n'
        '  <Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
        'Target="styles.xml" Id="rId1"/>\n</Relationships>').encode(),
    "docProps/core.xml": b'<?xml version="1.0"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/'
                         b'package/2006/metadata/core-properties"/>',
}


def _ref(uri: str, data: bytes, transforms: list[etree._Element] | None = None) -> etree._Element:
    ref = etree.Element(f"{{{DS}}}Reference", URI=uri)
    if transforms:
        ts = etree.SubElement(ref, f"{{{DS}}}Transforms")
        ts.extend(transforms)
    etree.SubElement(ref, f"{{{DS}}}DigestMethod", Algorithm=SHA256)
    etree.SubElement(ref, f"{{{DS}}}DigestValue").text = base64.b64encode(hashlib.sha256(data).digest()).decode()
    return ref


def _rels_canonical(ids: list[str], rels_xml: bytes) -> bytes:
    """What the relationship transform and C14N make of a .rels part, written out by hand."""
    root = etree.fromstring(rels_xml)
    kept = sorted((r for r in root if r.get("Id") in ids), key=lambda r: r.get("Id"))
    body = "".join(f'<Relationship Id="{r.get("Id")}" Target="{r.get("Target")}" '
                   f'TargetMode="{r.get("TargetMode", "Internal")}" Type="{r.get("Type")}"></Relationship>'
                   for r in kept)
    return f'<Relationships xmlns="{PKG_RELS}">{body}</Relationships>'.encode()


def signed_docx(identity, *, parts: dict[str, bytes] | None = None) -> bytes:
    """A minimal .docx signed the way Office does: a package object with a manifest of part digests."""
    key, cert = identity
    parts = dict(parts or DOCX_PARTS)
    parts["_rels/.rels"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_RELS}">'
        f'<Relationship Id="rId1" Type="{OFFICE_DOC}" Target="word/document.xml"/>'
        f'<Relationship Id="rId9" Type="{ORIGIN}" Target="_xmlsignatures/origin.sigs"/></Relationships>').encode()
    parts["_xmlsignatures/origin.sigs"] = b""
    parts["_xmlsignatures/_rels/origin.sigs.rels"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_RELS}">'
        f'<Relationship Id="rId1" Type="{SIG_REL}" Target="sig1.xml"/></Relationships>').encode()

    def rel_transform(ids: list[str]) -> list[etree._Element]:
        t = etree.Element(f"{{{DS}}}Transform", Algorithm="http://schemas.openxmlformats.org/package/2006/"
                                                           "RelationshipTransform")
        for i in ids:
            etree.SubElement(t, f"{{{MDSSI}}}RelationshipReference", SourceId=i, nsmap={"mdssi": MDSSI})
        return [t, etree.Element(f"{{{DS}}}Transform", Algorithm=C14N)]

    sig = etree.Element(f"{{{DS}}}Signature", Id="idPackageSignature", nsmap={None: DS})
    signed_info = etree.SubElement(sig, f"{{{DS}}}SignedInfo")
    etree.SubElement(signed_info, f"{{{DS}}}CanonicalizationMethod", Algorithm=C14N)
    etree.SubElement(signed_info, f"{{{DS}}}SignatureMethod",
                     Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256")
    value = etree.SubElement(sig, f"{{{DS}}}SignatureValue")
    key_info = etree.SubElement(sig, f"{{{DS}}}KeyInfo")
    etree.SubElement(etree.SubElement(key_info, f"{{{DS}}}X509Data"), f"{{{DS}}}X509Certificate").text = \
        base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()
    obj = etree.SubElement(sig, f"{{{DS}}}Object", Id="idPackageObject")
    manifest = etree.SubElement(obj, f"{{{DS}}}Manifest")
    for name in ("word/document.xml", "word/styles.xml"):
        manifest.append(_ref(f"/{name}?ContentType=application/xml", parts[name]))
    manifest.append(_ref("/word/_rels/document.xml.rels?ContentType=application/vnd.openxmlformats-package."
                         "relationships+xml", _rels_canonical(["rId1"], parts["word/_rels/document.xml.rels"]),
                         rel_transform(["rId1"])))
    manifest.append(_ref("/_rels/.rels?ContentType=application/vnd.openxmlformats-package.relationships+xml",
                         _rels_canonical(["rId1"], parts["_rels/.rels"]), rel_transform(["rId1"])))
    props = etree.SubElement(obj, f"{{{DS}}}SignatureProperties")
    prop = etree.SubElement(props, f"{{{DS}}}SignatureProperty", Id="idSignatureTime", Target="#idPackageSignature")
    when = etree.SubElement(etree.SubElement(prop, f"{{{MDSSI}}}SignatureTime", nsmap={"mdssi": MDSSI}),
                            f"{{{MDSSI}}}Value")
    when.text = "2025-01-24T02:30:00Z"
    canonical_obj = etree.tostring(obj, method="c14n")
    assert canonical_obj.startswith(f'<Object xmlns="{DS}"'.encode())  # the inherited namespace is in it
    signed_info.append(_ref("#idPackageObject", canonical_obj))
    value.text = base64.b64encode(key.sign(etree.tostring(signed_info, method="c14n"), padding.PKCS1v15(),
                                           hashes.SHA256())).decode()
    parts["_xmlsignatures/sig1.xml"] = b'<?xml version="1.0" encoding="UTF-8"?>' + etree.tostring(sig)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return buf.getvalue()


def rezip(data: bytes, change: dict[str, bytes]) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name in src.namelist():
            z.writestr(name, change.pop(name, src.read(name)))
        for name, content in change.items():
            z.writestr(name, content)
    return buf.getvalue()


def test_signed_docx_is_intact_with_the_signer(identity):
    [info] = ooxml_signatures(signed_docx(identity))
    assert info.kind == "ooxml"
    assert info.intact is True
    assert info.signer == SIGNER and info.email == EMAIL and info.issuer == SIGNER
    assert info.signed_at == datetime(2025, 1, 24, 2, 30, tzinfo=UTC)
    assert info.covers_whole_file is True
    assert info.trusted is None


def test_docx_changed_after_signing_is_not_intact(identity):
    doc = signed_docx(identity)
    changed = DOCX_PARTS["word/document.xml"].replace("28/QĐ".encode(), "29/QĐ".encode())
    [info] = ooxml_signatures(rezip(doc, {"word/document.xml": changed}))
    assert info.intact is False
    assert info.signer == SIGNER
    # a relationship of the document redirected elsewhere: the transformed .rels digest changes
    rels = DOCX_PARTS["word/_rels/document.xml.rels"].replace(b"styles.xml", b"other.xml")
    assert ooxml_signatures(rezip(doc, {"word/_rels/document.xml.rels": rels}))[0].intact is False


def test_docx_signature_value_forged_is_not_intact(identity):
    doc = signed_docx(identity)
    sig = zipfile.ZipFile(io.BytesIO(doc)).read("_xmlsignatures/sig1.xml")
    forged = re.sub(rb"<SignatureValue>(.)", lambda m: b"<SignatureValue>" + (b"B" if m[1] == b"A" else b"A"), sig)
    assert forged != sig
    assert ooxml_signatures(rezip(doc, {"_xmlsignatures/sig1.xml": forged}))[0].intact is False


def test_docx_relationships_outside_the_selection_may_change(identity):
    """The origin relationship in _rels/.rels is not signed (it is added by signing itself)."""
    doc = signed_docx(identity)
    rels = zipfile.ZipFile(io.BytesIO(doc)).read("_rels/.rels")
    more = rels.replace(b"</Relationships>", b'<Relationship Id="rId5" Type="urn:x" Target="x.xml"/></Relationships>')
    [info] = ooxml_signatures(rezip(doc, {"_rels/.rels": more}))
    assert info.intact is True


def test_docx_with_an_added_part_is_intact_but_not_whole(identity):
    doc = rezip(signed_docx(identity), {"word/media/image1.png": b"\x89PNG fake"})
    [info] = ooxml_signatures(doc)
    assert info.intact is True
    assert info.covers_whole_file is False


def test_docx_trust(identity):
    _, cert = identity
    doc = signed_docx(identity)
    assert ooxml_signatures(doc, trust_roots=[cert_pem(cert)])[0].trusted is True
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    other = (x509.CertificateBuilder().subject_name(cert.subject).issuer_name(cert.subject)
             .public_key(other_key.public_key()).serial_number(x509.random_serial_number())
             .not_valid_before(cert.not_valid_before_utc).not_valid_after(cert.not_valid_after_utc)
             .sign(other_key, hashes.SHA256()))
    assert ooxml_signatures(doc, trust_roots=[cert_pem(other)])[0].trusted is False


def test_unsigned_or_broken_packages():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in DOCX_PARTS.items():
            z.writestr(name, data)
    assert ooxml_signatures(buf.getvalue()) == []
    assert ooxml_signatures(b"PK\x03\x04 truncated") == []
    broken = rezip(buf.getvalue(), {"_xmlsignatures/sig1.xml": b"<not xml"})
    [info] = ooxml_signatures(broken)
    assert info.intact is False and info.signer is None
