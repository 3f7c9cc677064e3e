"""The signature block: the signer's authority and title, their name, and the recipients beside them.

The signer's column (thẩm quyền ký, NĐ 30/2020 Art. 13) stands right of "Nơi nhận"; OCR
may read both on one line, so each recipients' line is split where the signer's column starts.
"""

from __future__ import annotations

import re
import unicodedata

from tinbai.extract.docheader.lines import Line
from tinbai.extract.docheader.recipients import BULLET_RE, LUU_RE, NOI_NHAN_RE, clean_item, strip_bullet
from tinbai.extract.docheader.text import is_upper_line, letters_of, squeezed_key, upper_ratio
from tinbai.lexicon import FAMILY_NAMES, SIGNER_TITLES, alternation_folded
from tinbai.parsers.vietnamese import is_vietnamese_syllable
from tinbai.textutil import aligned_fold

__all__ = ["is_person_name", "read_signature"]

# Thẩm quyền ký (NĐ 30/2020 Art. 13): KT. (ký thay), TM. (thay mặt), TL. (thừa lệnh),
# TUQ. (thừa ủy quyền), Q. (quyền).
_AUTHORITY = re.compile(r"^(?:kt|tm|tl|tuq|q)\s*[.,:]\s*\S")
# the words of a signer's title (tinbai.lexicon.SIGNER_TITLES)
_TITLE_WORDS = re.compile(r"\b(?:" + alternation_folded(SIGNER_TITLES) + r")\b")

_SURNAMES = frozenset(squeezed_key(s) for s in FAMILY_NAMES)


def _split_recipient(item: str) -> tuple[str, str]:
    """A recipient item, and what the right column (the signer block) left on its line."""
    if LUU_RE.match(aligned_fold(item)):
        # "Lưu: VT, VP." ends at its first "." or ";" ("Lưu: VT. TẠO Á Ệ" is noise after it)
        m = re.search(r"[.;](?=\s|$)", item)
        if m:
            return item[:m.end()].strip(), item[m.end():].strip()
        return item, ""
    semi = item.find(";")
    if semi >= 0:
        return item[:semi + 1].strip(), item[semi + 1:].strip()
    # no ";" (OCR may read it as ","): a trailing run of upper-case words is the signer's title
    tokens = item.split()
    k = len(tokens)
    while k > 1 and letters_of(tokens[k - 1]) and upper_ratio(tokens[k - 1]) >= 0.99 \
            and (is_vietnamese_syllable(letters_of(tokens[k - 1])) or _AUTHORITY.match(aligned_fold(tokens[k - 1]) + "x")):
        k -= 1
    if len(tokens) - k >= 2 and _title_fragment(" ".join(tokens[k:])):
        return " ".join(tokens[:k]), " ".join(tokens[k:])
    return item, ""


def _title_fragment(s: str) -> str | None:
    """The signer's title in a piece of the right column ("Si s0 he, PHÓ CỤC TRƯỞNG")."""
    tokens = s.split()
    k = len(tokens)
    while k > 0:
        tok = tokens[k - 1]
        letters = letters_of(tok)
        is_upper = bool(letters) and upper_ratio(tok) >= 0.99
        is_auth = bool(_AUTHORITY.match(aligned_fold(tok) + " x"))
        if is_upper or is_auth:
            k -= 1
            continue
        break
    frag = " ".join(tokens[k:]).strip(" ,;:")
    if not frag:
        return None
    key = " ".join(re.sub(r"[^a-z ]", " ", aligned_fold(frag)).split())
    if (_AUTHORITY.match(aligned_fold(frag)) or _TITLE_WORDS.search(key)) and len(letters_of(frag)) >= 4:
        return frag
    return None


def _name_fragment(s: str) -> str | None:
    """"Nông Mai Hiền": two to five capitalised Vietnamese syllables."""
    s = s.strip(" .,;:'\"“”‘’()")
    tokens = s.split()
    if not 2 <= len(tokens) <= 5:
        return None
    for tok in tokens:
        if not (tok.isalpha() and tok[0].isupper() and (len(tok) == 1 or tok[1:].islower())):
            return None
        if not is_vietnamese_syllable(tok) and len(tok) > 1:
            return None
    return s


def is_person_name(text: str) -> bool:
    """"Nguyễn Văn An", "Tạ Kim Lan": two to five capitalised syllables opening with a family name."""
    name = _name_fragment(unicodedata.normalize("NFC", text))
    return name is not None and squeezed_key(name.split()[0]) in _SURNAMES


def read_signature(lines: list[Line], body_end: int) -> tuple[str | None, str | None, list[str]]:
    """(signer title, signer name, Nơi nhận items) from the lines after the body."""
    marker_at = None
    for i in range(len(lines) - 1, body_end - 1, -1):
        if NOI_NHAN_RE.match(aligned_fold(lines[i].text).lstrip(" -~\"'“")):
            marker_at = i
            break
    # the recipients block: bullet lines around the marker, or the bullet block with "Lưu"
    bullets = [i for i in range(body_end, len(lines)) if BULLET_RE.match(lines[i].text)]
    start = marker_at
    if start is None:
        luu = [i for i in bullets if LUU_RE.match(aligned_fold(strip_bullet(lines[i].text)))]
        if luu:
            start = luu[0]
            while start - 1 >= body_end and start - 1 in bullets:
                start -= 1
        if start is not None:
            start = max(body_end, start - 3)  # the signer's title may stand above the list
    elif start + 1 not in bullets and not BULLET_RE.match(NOI_NHAN_RE.sub("", aligned_fold(lines[start].text), count=1)):
        while start - 1 >= body_end and start - 1 in bullets:
            start -= 1  # OCR may read the marker after its list
    if start is None:
        start = max(body_end, len(lines) - 12)
    recipients: list[str] = []
    closed = True  # whether the last item ended with ";" or "."
    right: list[str] = []
    for i in range(start, min(len(lines), start + 30)):
        text = lines[i].text
        folded = aligned_fold(text)
        m = NOI_NHAN_RE.search(folded)
        if m and m.start() <= 3:
            text = text[m.end():].strip()
            if not text:
                continue
            if not BULLET_RE.match(text):
                right.append(text)
                continue
        if BULLET_RE.match(text):
            item, rest = _split_recipient(strip_bullet(text))
            closed = item.rstrip().endswith((";", ".")) or bool(rest)
            item = clean_item(item)
            if len(letters_of(item)) >= 3:
                recipients.append(item)
            if rest:
                right.append(rest)
        elif recipients and not closed and (text[:1].islower() or text[:1] == "(") \
                and not is_upper_line(text) and len(letters_of(clean_item(_split_recipient(text)[0]))) >= 3:
            wrapped, rest = _split_recipient(text)
            closed = wrapped.rstrip().endswith((";", "."))
            recipients[-1] += " " + clean_item(wrapped)  # an item wrapped onto the next line
            if rest:
                right.append(rest)
        else:
            right.append(text)
    titles: list[str] = []
    name = None
    last_title = -1
    for k, piece in enumerate(right):
        title = _title_fragment(piece)
        if title and name is None:
            titles.append(title)
            last_title = k
            continue
        if titles and k > last_title:
            cand = _name_fragment(piece)
            if cand:
                name = cand
                if squeezed_key(cand.split()[0]) in _SURNAMES:
                    break
    return (" / ".join(titles) or None), name, recipients
