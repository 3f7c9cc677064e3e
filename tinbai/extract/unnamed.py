"""A provider's request to stay unnamed (thainguyen/haiduong Art. 4.2: "Các thông tin liên quan
đến tổ chức, cá nhân cung cấp thông tin … phải được bảo mật nếu có yêu cầu").

Read from what the sender wrote (subject and own text): "đề nghị giữ bí mật danh tính", "không
nêu tên người cung cấp", "xin được giấu tên", "không công khai họ tên tôi"… A request that is
denied in the same breath ("không cần giữ bí mật danh tính") is not one. Pure.
"""

from __future__ import annotations

import re
import unicodedata

from tinbai.textutil import aligned_fold

_WITHHOLD = r"khong (?:neu|ghi|nhac|dang|cong khai|tiet lo|cong bo) (?:ro )?(?:ho |ho va )?(?:ten|danh tinh|thong tin ca nhan)"
_REQUEST = re.compile(
    r"\b(?:"
    r"(?:giu|bao|dam bao) (?:bi mat|kin|mat) (?:ve )?(?:danh tinh|ho ten|ten tuoi|thong tin ca nhan|nhan than)|"
    r"giu (?:bi mat|kin) (?:thong tin )?(?:ve )?(?:nguoi cung cap|nguoi gui|nguoi phan anh|ca nhan toi|ten toi)|"
    # "không nêu tên người cung cấp": whose name it is, or a request verb before it
    rf"{_WITHHOLD} (?:cua )?(?:toi|nguoi cung cap|nguoi gui|nguoi phan anh|nguoi to cao|nguoi viet)|"
    rf"(?:xin|de nghi|yeu cau|mong|vui long|kinh de nghi) (?:ban bien tap |quy co quan |quy ban )?{_WITHHOLD}|"
    r"(?:xin|de nghi|yeu cau|muon) (?:duoc )?(?:giau ten|an danh|giu kin ten)"
    r")\b"
)
_DENIED = re.compile(r"\b(?:khong can|khong yeu cau|khong phai|khong bat buoc)\s+$")


def asks_to_stay_unnamed(text: str) -> bool:
    """Whether the text asks the board to keep the provider's identity secret."""
    folded = aligned_fold(unicodedata.normalize("NFC", text or "")).replace("\n", " ")
    folded = re.sub(r"\s+", " ", folded)
    for m in _REQUEST.finditer(folded):
        if not _DENIED.search(folded[max(0, m.start() - 25):m.start()]):
            return True
    return False
