"""What reading a file showed: damage, passwords, old Vietnamese encodings, broken signatures.

The file readers (tinbai.parsers, in the sandbox workers) record these as findings on the
file; each rule here turns one finding into its problem.
"""

from __future__ import annotations

from tinbai.report import ERROR
from tinbai.rules.base import Code, FileFindingRule


class Unreadable(FileFindingRule):
    description = "Tệp đính kèm đọc được (không hỏng, không rỗng)"
    finding = "unreadable"
    codes = (Code("attachment.unreadable", ERROR, "Tệp bị hỏng hoặc không đọc được",
                  "Tệp bị hỏng hoặc không đầy đủ: lưu lại tệp và gửi lại."),)


class Encrypted(FileFindingRule):
    description = "Tệp đính kèm không đặt mật khẩu"
    finding = "encrypted"
    codes = (Code("attachment.encrypted", ERROR, "Tệp được đặt mật khẩu, không mở được",
                  "Bỏ mật khẩu của tệp (hoặc tệp nén) rồi gửi lại."),)


class LegacyEncoding(FileFindingRule):
    """thainguyen Art. 8.1, binhphuoc Art. 4.1.a, kontum Art. 3, hungyen Art. 10.2: Vietnamese
    Unicode (TCVN 6909:2001), not the TCVN3 (ABC) or VNI font encodings."""

    description = "Văn bản dùng bảng mã Unicode (TCVN 6909:2001)"
    finding = "legacy_encoding"
    codes = (Code("attachment.legacy_encoding", ERROR,
                  "Văn bản dùng bảng mã cũ (TCVN3/VNI), chưa dùng Unicode TCVN 6909:2001",
                  "Chuyển văn bản sang bảng mã Unicode (ví dụ dùng Unikey: Công cụ chuyển mã, "
                  "từ TCVN3 hoặc VNI sang Unicode; phông Times New Roman) rồi gửi lại."),)


class SignatureInvalid(FileFindingRule):
    """A digital signature whose signed bytes were changed proves tampering, not approval."""

    description = "Chữ ký số còn khớp với nội dung đã ký"
    finding = "signature_broken"
    codes = (Code("signature.invalid", ERROR, "Chữ ký số không hợp lệ: nội dung đã bị thay đổi sau khi ký",
                  "Văn bản đã bị thay đổi sau khi ký số: gửi lại bản gốc đã ký số."),)
