"""The chain of rules: each looks at a Submission and returns problems.

Like GNU Mailman's chain of rules, no rule decides the verdict; the pipeline
derives it from the severities of all the problems found. Rules read the
profile's data and never test a profile's id.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from tinbai.extract.attribution import missing_attribution
from tinbai.extract.auth import auth_problems
from tinbai.extract.docheader import mentions_portal
from tinbai.extract.sender import sender_problems
from tinbai.message import is_malformed
from tinbai.parsers.sniff import same_format
from tinbai.report import Problem
from tinbai.textutil import strip_diacritics

if TYPE_CHECKING:
    from tinbai.pipeline import Submission

PICTURE_TYPES = {"jpg", "png", "gif", "bmp", "tiff", "webp"}
TRACKING_RE = re.compile(r"\b([A-Z]{1,5}-\d{4}-\d{6})\b")


def tracking_code_in(text: str) -> str | None:
    m = TRACKING_RE.search(text or "")
    return m.group(1) if m else None


def message_rules(sub: Submission) -> list[Problem]:
    out = []
    damage = is_malformed(sub.parsed)
    if damage:
        out.append(Problem.of("message.malformed", "Cấu trúc thư bị lỗi và đã được sửa hoặc bỏ qua ("
                              + ", ".join(damage) + ")"))
    if not sub.body_text.strip() and not sub.parsed.attachments:
        out.append(Problem.of("message.empty"))
    elif not sub.body_text.strip() and all(len(a.data) == 0 for a in sub.parsed.attachments):
        out.append(Problem.of("message.empty", "Thư không có nội dung và tệp đính kèm rỗng (0 byte)"))
    return out


def attachment_rules(sub: Submission) -> list[Problem]:
    """Problems of each file: what reading it showed, and the profile's formats and size limit
    (thainguyen/haiduong Art. 8.1, binhphuoc Art. 9.1.a, kontum Art. 9.1.b)."""
    out: list[Problem] = []
    permitted = set(sub.profile.permitted_formats)
    max_bytes = sub.profile.limits.max_file_mb * 1024 * 1024
    for a in sub.flat():
        where = a.path or a.filename
        for code, detail in a.facts.get("file_problems", []):
            out.append(Problem.of(code, detail, attachment=where))
        if a.size > max_bytes:
            out.append(Problem.of("attachment.too_large",
                                  f"Tệp {a.filename} ({a.size / 1048576:.1f} MB) vượt quá "
                                  f"{sub.profile.limits.max_file_mb:g} MB cho phép", attachment=where))
        dtype = a.detected_type
        # an empty or unknown file is reported as unreadable; a program as a security problem
        judged = dtype not in ("empty", "unknown") and not a.facts.get("executable")
        if judged and not _permitted(dtype, a.extension, permitted):
            out.append(Problem.of("attachment.format_not_permitted",
                                  f"Tệp {a.filename}: định dạng {dtype.upper()} không thuộc danh mục được phép "
                                  f"({', '.join(sorted(permitted))})", attachment=where))
        if a.extension and a.facts.get("named", True) and not same_format(a.extension, dtype) and dtype not in ("unknown", "empty"):
            out.append(Problem.of("attachment.type_mismatch",
                                  f"Tệp {a.filename} có đuôi .{a.extension} nhưng nội dung là {dtype.upper()}",
                                  attachment=where))
    return out


def _permitted(dtype: str, ext: str | None, permitted: set[str]) -> bool:
    aliases = {"docm": "docx", "xlsm": "xlsx", "pptm": "pptx", "jpeg": "jpg"}
    if dtype in permitted or aliases.get(dtype) in permitted:
        return True
    # a plain-text file named .csv or .html is still text the profile can take as txt
    return dtype == "html" and "txt" in permitted and ext in ("htm", "html")


def sender_rules(sub: Submission) -> list[Problem]:
    out = sender_problems(sub.sender, sub.profile)
    out += auth_problems(sub.parsed.headers, sub.parsed.from_domain, sub.profile)
    return out


def seal_rules(sub: Submission) -> list[Problem]:
    """thainguyen/haiduong Art. 8.2, binhphuoc Art. 9.1.c: such items come as a scan with the red
    seal; where the profile accepts it, an intact digital signature stands in for the seal."""
    if sub.category not in sub.profile.seal_required_for:
        return []
    out: list[Problem] = []
    flat = sub.flat()
    has_seal = any(a.red_stamp for a in flat)
    has_signature = any(a.digital_signature for a in flat)
    if not has_seal and not (sub.profile.digital_signature_replaces_seal and has_signature):
        looked = [a.filename for a in flat if a.red_stamp is not None]
        if sub.profile.digital_signature_replaces_seal:
            detail = "Văn bản cần bản chụp có dấu đỏ hoặc bản có chữ ký số hợp lệ, nhưng không tìm thấy"
        else:
            detail = "Văn bản cần gửi kèm bản chụp (scan) có dấu đỏ, nhưng không tìm thấy dấu đỏ"
        if looked:
            detail += " trên: " + ", ".join(looked)
        out.append(Problem.of("stamp.missing", detail))
    if not _leader_approved(sub):
        out.append(Problem.of("approval.missing",
                              "Không thấy ý kiến của lãnh đạo đơn vị gửi tin (người gửi là lãnh đạo, "
                              "thư nêu lãnh đạo đã duyệt, hoặc lãnh đạo được đồng gửi)"))
    return out


LEADER_TITLE = re.compile(
    r"\b(truong|pho truong|giam doc|pho giam doc|chanh van phong|pho chanh van phong|cuc truong|"
    r"pho cuc truong|chi cuc truong|pho chi cuc truong|chanh thanh tra|to truong|thu truong)\b")
APPROVAL_TEXT = re.compile(
    r"(lanh dao|truong phong|giam doc|cuc truong|chi cuc truong|thu truong)[^.\n]{0,60}"
    r"(da (xem|duyet|phe duyet|dong y|cho y kien|ky)|dong y|phe duyet|cho phep)"
    r"|(da duoc|duoc) [^.\n]{0,40}(lanh dao|truong phong|giam doc|cuc truong)[^.\n]{0,30}(duyet|dong y|phe duyet)"
    r"|y kien (chi dao )?cua lanh dao")


def _leader_approved(sub: Submission) -> bool:
    """thainguyen/haiduong Art. 8.2 and 9.1: the sending unit's leader approves before sending."""
    title = strip_diacritics(sub.sender.title or "").lower()
    if LEADER_TITLE.search(title):
        return True
    if APPROVAL_TEXT.search(strip_diacritics(sub.body_text).lower()):
        return True
    leaders = {addr.lower() for unit in sub.profile.units for addr in unit.leaders}
    return bool(leaders & set(sub.parsed.cc + sub.parsed.to))


def document_rules(sub: Submission) -> list[Problem]:
    """thainguyen/haiduong Art. 9.2: the agency's own document lists the portal in "Nơi nhận"."""
    doc = sub.document
    if sub.category != "directive" or doc is None or not doc.recipients:
        return []
    if mentions_portal(doc, sub.profile.portal_names):
        return []
    return [Problem.of("recipients.portal_missing",
                       "Phần \"Nơi nhận\" của văn bản không ghi \"Trang thông tin điện tử\"")]


def photo_rules(sub: Submission) -> list[Problem]:
    """kontum Art. 9.1.b: activity news comes with illustrating photos."""
    if sub.category not in sub.profile.photo_required_for:
        return []
    if any(a.detected_type in PICTURE_TYPES for a in sub.flat()):
        return []
    return [Problem.of("news.missing_photo", "Tin hoạt động chưa kèm ảnh minh họa: đề nghị gửi bổ sung ảnh")]


def attribution_rules(sub: Submission) -> list[Problem]:
    """thainguyen Art. 11.3, kontum Art. 7.2, hungyen Art. 9.3: quoted material names its source."""
    if not sub.profile.attribution_required:
        return []
    for text in [sub.body_text, *sub.texts.values()]:
        detail = missing_attribution(text)
        if detail:
            return [Problem.of("source.missing_attribution", detail)]
    return []


def duplicate_rules(sub: Submission) -> list[Problem]:
    """thainguyen/haiduong Art. 10.2.d: content already submitted or posted."""
    if sub.history is None or not sub.fingerprint:
        return []
    out = []
    for item_id, what, similarity in sub.history.find_duplicates(sub.profile.id, sub.fingerprint):
        out.append(Problem.of("content.duplicate",
                              f"Trùng nội dung với mục #{item_id} đã nhận trước đó ({what}, "
                              f"mức giống {similarity:.0%})", related_item=item_id))
        break
    return out


def deadline_rules(sub: Submission) -> list[Problem]:
    if sub.deadline is None or sub.deadline >= sub.received_at:
        return []
    return [Problem.of("deadline.late_submission",
                       f"Tin, bài gửi đến sau thời hạn cung cấp thông tin "
                       f"({sub.deadline.strftime('%H:%M %d/%m/%Y')})")]


CHAIN: list[Callable[[Submission], list[Problem]]] = [
    message_rules,
    attachment_rules,
    sender_rules,
    seal_rules,
    document_rules,
    photo_rules,
    attribution_rules,
    duplicate_rules,
    deadline_rules,
]
