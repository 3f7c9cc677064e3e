"""Member names: readable text for legacy names, and names or link targets that point outside the folder."""

from __future__ import annotations

import re
import unicodedata

from tinbai.parsers.archive.listing import Member
from tinbai.parsers.facts import PATH_TRAVERSAL


def path_escape_reason(name: str) -> str | None:
    """Why extracting a member of this name could write outside its folder, or None.

    Windows separators count as separators: an archive made on Windows or read
    there treats '..\\x' like '../x'.
    """
    n = name.replace("\\", "/")
    if n.startswith("/"):  # /etc/x, \\server\share, //server
        return "absolute"
    if re.match(r"[A-Za-z]:", n):  # C:\x and the drive-relative C:x
        return "absolute"
    for part in n.split("/"):
        # Windows drops trailing dots and spaces, so '... ' and '.. ' act as '..'
        if part.count(".") >= 2 and not part.strip(". "):
            return "parent"
    return None


def traversal_detail(name: str, reason: str) -> str:
    if reason == "absolute":
        return f"Thành phần “{name}” là đường dẫn tuyệt đối, trỏ ra ngoài thư mục giải nén"
    return f"Thành phần “{name}” có “..” trong đường dẫn, trỏ ra ngoài thư mục giải nén"


_VIETNAMESE = set(
    "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
    "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
)


def _name_score(text: str) -> tuple[int, int]:
    """(characters that are neither ASCII nor Vietnamese letters, Vietnamese letters); fewer odd ones first."""
    odd = sum(1 for c in text if not (" " <= c <= "~" or c in _VIETNAMESE))
    viet = sum(1 for c in text if c in _VIETNAMESE)
    return odd, -viet


def decode_member_name(raw: bytes, utf8_flag: bool = False) -> str:
    """Readable NFC text for a legacy (non-UTF-8-flagged) archive member name.

    Zip names without the UTF-8 flag are officially cp437, but Vietnamese
    Windows writes its OEM code page (cp1258) and many tools write UTF-8
    without setting the flag. Valid UTF-8 is taken as such (cp437/cp1258 text
    is almost never valid UTF-8); otherwise the decoding that yields
    Vietnamese letters rather than box-drawing and symbol characters wins.
    """
    if utf8_flag:
        return unicodedata.normalize("NFC", raw.decode("utf-8", errors="replace"))
    try:
        return unicodedata.normalize("NFC", raw.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    candidates = [
        unicodedata.normalize("NFC", raw.decode(enc, errors="replace")) for enc in ("cp437", "cp1258")
    ]
    # cp437 stays the default when both look equally plausible (the standard's choice)
    return min(candidates, key=_name_score)


def check_link_target(m: Member, target: str) -> None:
    if path_escape_reason(target):
        m.findings.append(
            (PATH_TRAVERSAL, f"Thành phần “{m.name}” là liên kết trỏ ra ngoài thư mục giải nén ({target})")
        )

