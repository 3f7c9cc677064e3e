"""The one email a sender gets when their submission is held (its verdict is `quarantine`: a
problem of severity `security`), instead of an acknowledgement and a correction request in the
same minute.

What it says depends on the reasons (the problem codes): each reason has its words and what
the sender should do, and whether the email may name the files concerned. A held email never
quotes the submission itself (not its subject, not a problem's detail): some reasons concern
what must not travel by email again. A new reason only adds its entry to HELD_REASONS.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from tinbai.config import FEEDBACK, Config, Profile
from tinbai.notifier.compose import regulation_short, render
from tinbai.notifier.outbox import queue_email, sender_domain
from tinbai.queue.models import Item
from tinbai.report import SECURITY, CheckReport, Problem


@dataclass(frozen=True)
class HeldReason:
    what: str  # what was found, in the sender's words, without quoting the content
    todo: str  # what the sender should do about it
    names_files: bool = True  # whether the email may name the files concerned
    cites_article: bool = False  # whether the email cites the regulation's article (the problem's)


HELD_REASONS: dict[str, HeldReason] = {
    "attachment.executable": HeldReason(
        "Tệp đính kèm là chương trình hoặc tập lệnh (có thể chứa mã độc)",
        "gửi lại nội dung ở dạng văn bản (.docx, .pdf) hoặc ảnh, không kèm chương trình, tập lệnh"),
    "attachment.macro": HeldReason(
        "Tệp văn phòng có chứa macro (đoạn mã tự chạy)",
        "lưu lại tệp ở định dạng không có macro (.docx, .xlsx, .pptx hoặc .pdf) rồi gửi lại"),
    "archive.path_traversal": HeldReason(
        "Tệp nén chứa tệp mang đường dẫn bất thường (có thể ghi đè tệp khác khi giải nén)",
        "giải nén, kiểm tra rồi gửi trực tiếp các tệp cần thiết"),
    "archive.bomb": HeldReason(
        "Tệp nén khi giải nén lớn bất thường, vượt giới hạn cho phép",
        "gửi trực tiếp các tệp cần thiết, hoặc chia thành nhiều thư nhỏ"),
    # a state-secret mark (content.classified): the documents may not travel by email at all, so the
    # email names no file and asks for nothing to be sent again; only the board's head and the
    # agency head may open the item (tinbai.queue.permissions)
    "content.classified": HeldReason(
        "Thư có tài liệu mang dấu chỉ độ mật. Tài liệu thuộc bí mật nhà nước không được gửi đến hộp thư"
        " của Trang thông tin điện tử và không được đăng tải",
        "không gửi lại tài liệu này qua thư điện tử; việc chuyển giao tài liệu mật thực hiện theo quy định"
        " về bảo vệ bí mật nhà nước",
        names_files=False, cites_article=True),
}
# a security problem with no wording of its own yet
OTHER_REASON = HeldReason("Tệp đính kèm có dấu hiệu có thể gây hại",
                          "kiểm tra lại các tệp, chỉ gửi những tệp cần thiết ở định dạng Quy chế cho phép")


def held_reasons(problems: list[Problem], profile: Profile) -> list[dict[str, object]]:
    """The reasons an item is held, one per problem code (in the report's order), with the files
    concerned where the reason allows naming them, and the article where it cites one (the
    problem's own, else the profile's for its code: a problem a reviewer or a stored report
    recorded without one still cites its regulation)."""
    out: dict[str, dict[str, object]] = {}
    for p in problems:
        if p.severity != SECURITY:
            continue
        reason = HELD_REASONS.get(p.code, OTHER_REASON)
        entry = out.setdefault(p.code, {"what": reason.what, "todo": reason.todo, "files": [],
                                        "article": (p.article or profile.article_for(p.code))
                                        if reason.cites_article else None})
        if reason.names_files and p.attachment and p.attachment not in entry["files"]:  # type: ignore[operator]
            entry["files"].append(p.attachment)  # type: ignore[union-attr]
    return list(out.values())


def queue_held_notice(session: Session, item: Item, report: CheckReport, profile: Profile, config: Config, *,
                      key: str, comment: str | None = None) -> None:
    """The held-item email to the sender, into the outbox in the caller's transaction; `comment`:
    the board's words when a board member returns the held item. A citizen's feedback is written
    to in the citizen's tone, as its acknowledgement and correction requests are. An item held for a
    state-secret mark (item.classified) is not to be sent again: the email says who may open it."""
    if not report.sender.address:
        return
    mail = render("held", zone=config.settings.zone, agency=profile.agency, code=item.tracking_code or f"#{item.id}",
                  sender_name=report.sender.name, received_at=item.received_at,
                  reasons=held_reasons(report.problems, profile), comment=comment, title="Tin, bài tạm giữ",
                  citizen=item.category == FEEDBACK, classified=item.classified,
                  regulation_short=regulation_short(profile))
    queue_email(session, kind="held", to=[report.sender.address], subject=mail.subject, body_text=mail.text,
                body_html=mail.html, item_id=item.id, dedupe_key=key, in_reply_to=report.message_id,
                domain=sender_domain(config))
