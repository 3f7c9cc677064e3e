"""rules.classified: a state-secret mark holds the item (security: quarantine), citing the profile's
article; the marks are handed in with the submission (tinbai.extract.secrecy finds them)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.submissions import file, profile, submission
from tinbai.extract.submission import secrecy_marks
from tinbai.report import SecrecyMark, verdict_of
from tinbai.rules import rules_for, run_chain
from tinbai.rules.classified import Classified

STAMP = SecrecyMark(level="MẬT", where="stamp", attachment="qd.jpg", page=1, box=(10, 10, 60, 20),
                    image_size=(600, 800), source="MẬT")


def with_marks(sub, *marks: SecrecyMark):
    return replace(sub, secrecy=tuple(marks))


def test_a_stamp_on_a_file_holds_the_item() -> None:
    sub = with_marks(submission(attachments=[file("qd.jpg", "jpg")]), STAMP)
    [p] = Classified().check(sub)
    assert (p.code, p.severity, p.attachment) == ("content.classified", "security", "qd.jpg")
    assert "“MẬT”" in p.detail and "trang 1" in p.detail
    assert verdict_of(run_chain(sub)) == "quarantine"


def test_one_problem_a_file_with_its_highest_level() -> None:
    header = SecrecyMark(level="TỐI MẬT", where="document", attachment="qd.jpg", source="TỐI MẬT")
    subject = SecrecyMark(level="MẬT", where="subject", source="MẬT")
    problems = Classified().check(with_marks(submission(), STAMP, header, subject))
    assert [(p.attachment, "“TỐI MẬT”" in p.detail) for p in problems] == [("qd.jpg", True), (None, False)]


def test_no_mark_no_problem() -> None:
    sub = submission(body="Các đơn vị giữ bí mật thông tin, không chia sẻ mật khẩu.")
    assert sub.secrecy == () and Classified().check(sub) == []


def test_the_submission_gathers_marks_from_subject_body_headers_and_stamps() -> None:
    stamped = file("qd.jpg", "jpg", secrecy_stamps=[STAMP])
    marks = secrecy_marks("[MẬT] Báo cáo", "Kính gửi,\nTUYỆT MẬT\n", {"bc.docx": "SỞ TƯ PHÁP\nTỐI MẬT\nBÁO CÁO"},
                          [stamped])
    assert [(m.where, m.level) for m in marks] == [("subject", "MẬT"), ("body", "TUYỆT MẬT"),
                                                   ("document", "TỐI MẬT"), ("stamp", "MẬT")]
    prose = secrecy_marks("Tập huấn bảo vệ bí mật nhà nước", "Giữ bí mật thông tin, đổi mật khẩu.",
                          {"tin.docx": "Hội nghị bảo vệ bí mật nhà nước"}, [file("anh.jpg", "jpg")])
    assert prose == ()


@pytest.mark.parametrize(("pid", "article"), [
    ("thainguyen-thads", "Điều 4.1, Điều 10.2.c"), ("haiduong-thads", "Điều 4.1, Điều 10.2.c"),
    ("binhphuoc-stp", "Điều 12.3.b"), ("kontum-stp", "Điều 4.1, Điều 7.1.c"), ("hungyen-snv", "Điều 4.1, Điều 9.2"),
])
def test_in_force_everywhere_citing_the_profiles_article(pid: str, article: str) -> None:
    assert Classified in {type(r) for r in rules_for(profile(pid))}
    problems = run_chain(with_marks(submission(pid, attachments=[file("qd.jpg", "jpg")]), STAMP))
    assert [p.article for p in problems if p.code == "content.classified"] == [article]
