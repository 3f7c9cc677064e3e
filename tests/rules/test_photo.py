"""rules.photo: kontum Art. 9.1.b, activity news comes with photos."""

from __future__ import annotations

import pytest

from tests.submissions import PROFILES, file, profile, submission
from tinbai.rules.photo import MissingPhoto


@pytest.mark.parametrize(("category", "files", "fires"), [
    ("news", [file("tin.docx", "docx")], True),
    ("news", [file("tin.docx", "docx"), file("anh.jpg", "jpg")], False),
    ("news", [file("anh.zip", "zip", children=[file("a.png", "png", path="anh.zip/a.png")])], False),
    ("news", [file("anh.heic", "heic")], True),  # not a picture the board can open
    ("directive", [file("qd.docx", "docx")], False),
])
def test_kontum_news_needs_a_photo(category: str, files: list, fires: bool) -> None:
    problems = MissingPhoto().check(submission("kontum-stp", category=category, attachments=files))
    assert [p.code for p in problems] == (["news.missing_photo"] if fires else [])


@pytest.mark.parametrize("pid", PROFILES)
def test_only_kontum_asks(pid: str) -> None:
    assert MissingPhoto().applies(profile(pid)) == (pid == "kontum-stp")
