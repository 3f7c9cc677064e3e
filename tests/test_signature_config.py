"""Trust anchors from the config reach the signature check through the real pipeline."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.factories import ROOT, VN, make_config
from tinbai.config import ConfigError, load_config
from tinbai.demo_samples import email, pdf_document
from tinbai.pipeline import check


def self_signed(tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Sở Tư pháp tỉnh Bình Phước"),
                      x509.NameAttribute(NameOID.EMAIL_ADDRESS, "stp@binhphuoc.example.vn")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    key_pem = tmp_path / "key.pem"
    cert_pem = tmp_path / "cert.pem"
    key_pem.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    cert_pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_pem, cert_pem


def signed_pdf(key_pem, cert_pem) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    signer = signers.SimpleSigner.load(str(key_pem), str(cert_pem))
    out = io.BytesIO()
    signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf_document(["SỞ TƯ PHÁP", "Số: 35/KH-STP"]))),
                     signers.PdfSignatureMetadata(field_name="Sig1"), signer=signer, output=out)
    return out.getvalue()


def test_trust_anchor_in_config_makes_the_signature_trusted(tmp_path):
    key_pem, cert_pem = self_signed(tmp_path)
    raw = email(sender="Trịnh Hải Thảo <thao@stp-binhphuoc.example.vn>", to="bbt@binhphuoc.gov.vn",
                subject="Kế hoạch số 35/KH-STP", body="Gửi kế hoạch đã ký số.",
                date=datetime(2026, 3, 3, 9, 0, tzinfo=VN),
                attachments=[("KH 35.pdf", "application/pdf", signed_pdf(key_pem, cert_pem))])
    received = datetime(2026, 3, 3, 9, 5, tzinfo=VN)
    plain = make_config(tmp_path / "a").profile("binhphuoc-stp")
    sig = check(raw, plain, received).attachments[0].signatures[0]
    assert sig.intact and sig.trusted is None and sig.signer == "Sở Tư pháp tỉnh Bình Phước"

    rep = check(raw, config_with_anchor(tmp_path, str(cert_pem)).profile("binhphuoc-stp"), received)
    assert rep.attachments[0].digital_signature is True
    assert rep.attachments[0].signatures[0].trusted is True


def config_with_anchor(tmp_path, anchor: str):
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    path = tmp_path / "config.toml"
    path.write_text(text.replace('[profiles.binhphuoc-stp.articles]',
                                 f'[profiles.binhphuoc-stp.limits]\ntrust_anchors = ["{anchor}"]\n\n'
                                 '[profiles.binhphuoc-stp.articles]'), encoding="utf-8")
    return load_config(path)


def test_unreadable_trust_anchor_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="trust_anchors: cannot read no/such/vgca.pem"):
        config_with_anchor(tmp_path, "no/such/vgca.pem")
