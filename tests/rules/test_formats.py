"""rules.formats: permitted formats (by content), names that match the content, size limits."""

from __future__ import annotations

import pytest

from tests.submissions import codes, file, submission
from tinbai.rules.formats import FormatNotPermitted, TooLarge, TypeMismatch


@pytest.mark.parametrize(("pid", "name", "detected", "fires"), [
    ("thainguyen-thads", "tin.docx", "docx", False),
    ("thainguyen-thads", "anh.bmp", "bmp", True),  # Art. 8.1 has no bmp
    ("binhphuoc-stp", "anh.bmp", "bmp", False),  # Art. 9.1.a: "jpg, gif, bmp,…"
    ("binhphuoc-stp", "anh.png", "png", False),  # an open list: png is a picture of the same kind
    ("binhphuoc-stp", "bang.xlsx", "xlsx", True),  # Word/Writer files and pictures only
    ("thainguyen-thads", "tin.docm", "docm", False),  # the macro variant is the same format (macro: its own rule)
    ("thainguyen-thads", "trang.html", "html", True),  # a web page is no text file, whatever the profile takes
    ("thainguyen-thads", "trang.htm", "html", True),
    ("thainguyen-thads", "trang.txt", "html", True),
    ("kontum-stp", "dia.iso", "iso", True),  # disk images are in no profile's list
    ("hungyen-snv", "o-dia.img", "img", True),
    ("thainguyen-thads", "x.bin", "unknown", False),  # unreadable, reported by its own rule
    ("thainguyen-thads", "rong.docx", "empty", False),
])
def test_format_not_permitted(pid: str, name: str, detected: str, fires: bool) -> None:
    problems = FormatNotPermitted().check(submission(pid, attachments=[file(name, detected)]))
    assert codes(problems) == (["attachment.format_not_permitted"] if fires else [])
    if fires:
        assert problems[0].attachment == name and detected.upper() in problems[0].detail


def test_format_of_archive_members_is_judged_too() -> None:
    member = file("anh.bmp", "bmp", path="tin.zip/anh.bmp")
    problems = FormatNotPermitted().check(submission(attachments=[file("tin.zip", "zip", children=[member])]))
    assert [p.attachment for p in problems] == ["tin.zip/anh.bmp"]


@pytest.mark.parametrize(("pid", "member", "detected", "fires"), [
    ("thainguyen-thads", "tin/trang.htm", "html", True),
    ("thainguyen-thads", "tin/dia.iso", "iso", True),
    ("binhphuoc-stp", "tin/anh.png", "png", False),
    ("binhphuoc-stp", "tin/anh.bmp", "bmp", False),
])
def test_archive_members_are_judged_as_files(pid: str, member: str, detected: str, fires: bool) -> None:
    child = file(member.rsplit("/", 1)[1], detected, path=f"tin.zip/{member}")
    problems = FormatNotPermitted().check(submission(pid, attachments=[file("tin.zip", "zip", children=[child])]))
    assert [p.attachment for p in problems if p.attachment != "tin.zip"] == ([f"tin.zip/{member}"] if fires else [])


def test_a_program_is_not_a_format_problem() -> None:
    sub = submission(attachments=[file("setup.exe", "exe", facts={"executable": "pe"})])
    assert FormatNotPermitted().check(sub) == []


@pytest.mark.parametrize(("name", "detected", "named", "fires"), [
    ("bao_cao.pdf", "pdf", True, False),
    ("bao_cao.pdf", "docx", True, True),
    ("anh.jpeg", "jpg", True, False),
    ("attachment.bin", "pdf", False, False),  # the client gave no name: nothing claimed
    ("ghi_chu", "txt", True, False),  # no extension, no claim
])
def test_type_mismatch(name: str, detected: str, named: bool, fires: bool) -> None:
    sub = submission(attachments=[file(name, detected, facts={"named": named})])
    assert codes(TypeMismatch().check(sub)) == (["attachment.type_mismatch"] if fires else [])


@pytest.mark.parametrize(("size_mb", "fires"), [(24.9, False), (25.1, True)])
def test_too_large(size_mb: float, fires: bool) -> None:
    limit = submission().profile.limits.max_file_mb
    assert limit == 25
    sub = submission(attachments=[file("phim.mp4", "mp4", size=int(size_mb * 1024 * 1024))])
    problems = TooLarge().check(sub)
    assert codes(problems) == (["attachment.too_large"] if fires else [])
