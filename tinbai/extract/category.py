"""What a submission is: activity news, the agency's own document, or other information.

The category decides the deadline (REGULATIONS.md §4; CHECK-REPORT "category"):
- `directive`: the agency's own direction and management documents, issued under its own
  number (thainguyen/haiduong Art. 7.4 "văn bản chỉ đạo, điều hành"; binhphuoc Art. 9.3
  "văn bản quản lý nhà nước do Sở ban hành"; kontum Art. 9.2; hungyen Art. 12);
- `news`: activity news (tin tức, sự kiện: hội nghị, tập huấn, ra quân, tuyên truyền…);
- `other`: everything else, notably documents of OTHER bodies that the agency forwards
  for posting (a Ministry's directive, the Provincial People's Committee's plan, a court's
  letter, or the Department of Justice of another province).
A profile may define more categories (binhphuoc Art. 9.3: plan, statistics, reports,
answers; kontum Art. 9.2.c: information that must be made public; hungyen Art. 12.1: updates
of what Art. 7 lists); they are used only when the profile has them and the document or the
subject says so plainly (tinbai.extract.kinds); otherwise the fallback is directive/news/other,
and a reviewer can change it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict
from datetime import date
from difflib import SequenceMatcher

from tinbai.config import Profile
from tinbai.extract.dates import mentions_event
from tinbai.extract.docheader import KIND_CODES, parse_header
from tinbai.extract.kinds import message_kind, own_category
from tinbai.lexicon import SENDING_WORDS, UNIT_ABBREVIATIONS, alternation_folded
from tinbai.report import DocumentHeader
from tinbai.textutil import aligned_fold

__all__ = ["classify", "document_reference", "is_own_document"]


# --------------------------------------------------------------------------- names of bodies

_ABBREVIATIONS = {aligned_fold(short): aligned_fold(full) for short, full in UNIT_ABBREVIATIONS.items()}
_ABBREVIATIONS["tp"] = "thanh pho"
# "… tỉnh Thái Nguyên", "… thành phố Hà Nội", "… huyện Gia Lộc" (not "quản lý", not "tỉnh ủy")
_LOCALITY_SPLIT = re.compile(
    r"^(?P<core>.*?)\s*\b(?:tinh(?! uy\b)|thanh pho(?! uy\b)|huyen(?! uy\b)|quan(?! ly\b| uy\b)|thi xa)\s+(?P<loc>.+)$"
)


def _words(text: str | None) -> str:
    """Folded words with the usual abbreviations written out ("UBND TỈNH" -> "uy ban nhan dan tinh")."""
    key = re.sub(r"[^a-z0-9]+", " ", aligned_fold(unicodedata.normalize("NFC", text or "")))
    return " ".join(_ABBREVIATIONS.get(w, w) for w in key.split())


def _split_locality(name: str | None) -> tuple[str, str | None]:
    """"thi hanh an dan su tinh thai nguyen" -> ("thihanhandansu", "thainguyen")."""
    words = _words(name)
    m = _LOCALITY_SPLIT.match(words)
    if m:
        return m["core"].replace(" ", ""), m["loc"].replace(" ", "")
    return words.replace(" ", ""), None


def _same_place(a: str, b: str) -> bool:
    """Localities: similar, or one ending the other ("tinthainguyen" read with a speck)."""
    return _similar(a, b) or (min(len(a), len(b)) >= 4 and (a.endswith(b) or b.endswith(a)))


def _similar(a: str, b: str) -> bool:
    """Equal, or equal but for an OCR slip or two (never a whole word: "tong cuc" != "cuc")."""
    if a == b:
        return True
    if not a or not b or abs(len(a) - len(b)) > 2:
        return False
    return SequenceMatcher(None, a, b).ratio() >= 0.93


def _locality_of(doc: DocumentHeader) -> str | None:
    for body in (doc.issuing_body, doc.parent_body):
        _core, loc = _split_locality(body)
        if loc:
            return loc
    return None


def _same_number(a: str | None, b: str | None) -> bool:
    """"03" and "3" are the same document number."""
    return bool(a and b) and a.lstrip("0") == b.lstrip("0")


def _place_key(place: str) -> str:
    """"TP. Hồ Chí Minh" -> "hochiminh", "Thái Nguyên" -> "thainguyen"."""
    words = _words(place).split()
    while words and words[0] in ("tinh", "thanh", "pho", "tp", "thi", "xa", "huyen"):
        words = words[1:]
    return "".join(words)


def is_own_document(doc: DocumentHeader, profile: Profile) -> bool | None:
    """Whether `doc` was issued by the profile's agency itself; None when the header cannot tell.

    The issuing body must be one of the agency's names (UBND, a Ministry, a court are other
    bodies even when the agency forwards their documents), or, when the header names no
    body, the issuer code of the symbol one of the agency's codes ("THADS", "STP"). Such
    codes are shared by every province's agency of the kind, so a province named in the
    header, or failing that the place of issue, must be the agency's: "Sở Tư pháp" of
    another province is another body.
    """
    cores, locs = set(), set()
    for name in [*profile.agency_names, profile.agency]:
        core, loc = _split_locality(name)
        if core:
            cores.add(core)
        if loc:
            locs.add(loc)
    codes = {re.sub(r"[^a-z0-9]", "", aligned_fold(c)) for c in profile.issuer_codes}
    full_names = {_words(n).replace(" ", "") for n in [*profile.agency_names, profile.agency]
                  if _split_locality(n)[1]}
    if doc.issuing_body and any(_words(doc.issuing_body).replace(" ", "").endswith(n) for n in full_names):
        return True  # the full name with its province, even if OCR ran the parent body into it
    doc_core = _split_locality(doc.issuing_body)[0] if doc.issuing_body else ""
    core_match = bool(doc_core) and any(_similar(doc_core, c) for c in cores)
    code = re.sub(r"[^a-z0-9]", "", aligned_fold(doc.issuer_code or ""))
    code_match = bool(code) and code in codes
    doc_loc = _locality_of(doc)
    if doc_loc is None and doc.place and (core_match or (not doc_core and code_match)):
        doc_loc = _place_key(doc.place)
    if doc_loc and locs and not any(_same_place(doc_loc, loc) for loc in locs):
        return False
    if core_match:
        return True
    if len(doc_core) >= 6:  # the header names another body
        return False
    if code_match:
        return True
    if code:
        return False
    return None


# --------------------------------------------------------------------------- references in the email

_KIND_WORDS = (
    "quyết định|kế hoạch|công văn|thông báo|kết luận(?: kiểm tra| thanh tra)?|hướng dẫn|báo cáo|chỉ thị|"
    "tờ trình|giấy mời|nghị quyết|quy chế|quy định|chương trình|đề án|dự án|phương án|văn bản|thông tư|"
    "nghị định|công điện|thông cáo|biên bản"
)
_REFERENCE = re.compile(
    rf"(?P<kind>{_KIND_WORDS})\s+(?:số\s*:?\s*)?(?P<num>\d{{1,5}})\s*/\s*(?:(?P<year>(?:19|20)\d{{2}})\s*/\s*)?"
    r"(?P<sym>[A-ZĐ][A-Za-zĐđ0-9&]*(?:\s*-\s*[A-ZĐ0-9][A-Za-zĐđ0-9&]*)*)"
    r"(?:\s*,?\s*ngày\s*(?P<d>\d{1,2})\s*(?:/|-|tháng)\s*(?P<m>\d{1,2})\s*(?:/|-|năm)\s*(?P<y>\d{4}))?"
    r"(?:\s+của\s+(?P<body>[^,.;:()\n\[\]]+?))?(?=\s+(?:về|v/v|để|đề nghị|do|theo|bản|kèm|đăng)\b|[,.;:()\n\[\]]|$)",
    re.IGNORECASE,
)
_SENDING = re.compile(r"\b(?:" + alternation_folded(SENDING_WORDS) + r")\b")


def document_reference(subject: str, body: str) -> DocumentHeader | None:
    """The document an email says it carries: "Gửi Quyết định số 117/QĐ-THADS ngày 25/4/2025 của …".

    Read from the subject, or from a sentence of the body that sends something (gửi,
    chuyển, đăng tải); a document merely mentioned in a news story does not count.
    """
    texts = [unicodedata.normalize("NFC", subject or "")]
    for sentence in re.split(r"(?<=[.!?])\s+|\n", unicodedata.normalize("NFC", body or "")):
        if _SENDING.search(aligned_fold(sentence)) and not sentence.lstrip().startswith(">"):
            texts.append(sentence)
    for text in texts:
        m = _REFERENCE.search(text)
        if not m:
            continue
        parts = [p for p in re.split(r"\s*-\s*", m["sym"]) if p]
        codes_by_key = {aligned_fold(c).upper(): c for c in KIND_CODES}
        kind_code = codes_by_key.get(aligned_fold(parts[0]).upper()) if parts else None
        issuer = (parts[1] if len(parts) > 1 else None) if kind_code else parts[0]
        doc = DocumentHeader(number=m["num"], symbol="-".join(parts), kind_code=kind_code,
                             issuer_code=issuer, kind=m["kind"].upper())
        if m["y"]:
            try:
                doc.issued_on = date(int(m["y"]), int(m["m"]), int(m["d"])).isoformat()
            except ValueError:
                pass
        if m["body"]:
            doc.issuing_body = m["body"].strip()
        if not doc.issuing_body:
            # "… của UBND tỉnh …" later in the same sentence
            tail = re.search(r"\bcủa\s+([^,.;:()\n]+?)(?=\s+(?:về|để|v/v)\b|[,.;:()\n]|$)", text[m.end():],
                             re.IGNORECASE)
            if tail:
                doc.issuing_body = tail.group(1).strip()
        return doc
    return None


# --------------------------------------------------------------------------- news

_NEWS_MARKERS = re.compile(
    r"(?<!thong )\b(?:\[tin\]|gui tin|tin hoat dong|tin,? bai|tin tuc|dang tin|tin va anh|tin,? anh|"
    r"bai viet|bai tuyen truyen|tin su kien)\b|^\s*\[?tin\]?\s*:|\[tin\]"
)
_EVENT_NOUNS = re.compile(
    r"\b(?:hoi nghi|hoi thao|hoi thi|toa dam|tap huan|ra quan|tuyen truyen|hoi thao|le ky niem|"
    r"tiep cong dan|cuong che|giao ban|so ket|tong ket|trao quyet dinh|cong bo quyet dinh|"
    r"doan cong tac|lam viec voi|khai mac|be mac|dien dan|tham hoi|phat dong|ky ket)\b"
)


def _news_evidence(subject: str, body: str) -> tuple[bool, bool]:
    """(marked as news in the subject, news by the body's words or its dated event)."""
    subj = " ".join(aligned_fold(unicodedata.normalize("NFC", subject or "")).split())
    text = " ".join(aligned_fold(unicodedata.normalize("NFC", body or "")).split())
    in_subject = bool(_NEWS_MARKERS.search(subj))
    in_body = bool(_NEWS_MARKERS.search(text)) or (
        bool(_EVENT_NOUNS.search(subj + " " + text)) and mentions_event(f"{subject}\n{body}"))
    return in_subject, in_body


# --------------------------------------------------------------------------- classify


def classify(subject: str, body: str, documents: list[DocumentHeader], profile: Profile
             ) -> tuple[str, DocumentHeader | None]:
    """The submission's category and the document that decided it (None when none did).

    Order: the agency's own document (attached, or pasted into the body) makes it
    `directive` unless the subject announces news ("[Tin]", "gửi tin", "tin hoạt động");
    then the document the subject or a sending sentence names ("Gửi Kế hoạch số 157/KH-UBND
    của UBND tỉnh"); then other bodies' documents make it `other` unless it is marked as
    news; then news by its words or its dated event; else `other`.
    """
    categories = profile.categories
    docs = [d for d in documents if d is not None]
    pasted = parse_header(body or "")
    if pasted is not None and not any(
            _same_number(d.number, pasted.number) and d.symbol == pasted.symbol for d in docs):
        docs.append(pasted)
    news_subject, news_body = _news_evidence(subject, body)
    verdicts = [(d, is_own_document(d, profile)) for d in docs]
    own = [d for d, v in verdicts if v]
    if own:
        if news_subject:
            return "news", None
        return own_category(own[0], categories), own[0]
    reference = document_reference(subject, body) if not news_subject else None
    if reference is not None:
        # the scan the reference names may be unreadable: the reference's header decides
        for d, v in verdicts:
            if v is None and _same_number(d.number, reference.number):
                merged = DocumentHeader(**{**asdict(reference), **{k: x for k, x in asdict(d).items() if x}})
                if is_own_document(merged, profile):
                    return own_category(merged, categories), merged
        verdict = is_own_document(reference, profile)
        if verdict:
            match = next((d for d in docs if _same_number(d.number, reference.number)), None)
            return own_category(match or reference, categories), match or reference
        if verdict is False and not (news_body and not docs):
            match = next((d for d in docs if _same_number(d.number, reference.number)), None)
            match = match or next((d for d, v in verdicts if v is False), None)
            return "other", match or reference
    foreign = [d for d, v in verdicts if v is False]
    if foreign and not (news_subject or news_body):
        return "other", foreign[0]
    kind = None if news_subject else message_kind(subject, categories)
    if kind is not None:
        return kind, None
    if news_subject or news_body:
        return "news", None
    if docs:
        return "other", docs[0]
    return "other", None
