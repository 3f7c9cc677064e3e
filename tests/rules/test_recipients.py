"""rules.recipients: the agency's own document lists the portal in "Nơi nhận"."""

from __future__ import annotations

import pytest

from tests.submissions import submission
from tinbai.report import DocumentHeader
from tinbai.rules.recipients import PortalMissing


@pytest.mark.parametrize(("category", "recipients", "fires"), [
    ("directive", ["Như trên", "Lưu: VT"], True),
    ("directive", ["Như trên", "Trang thông tin điện tử Cục (để đăng tải)", "Lưu: VT"], False),
    ("directive", ["Trang TTĐT", "Lưu: VT"], False),
    ("directive", [], False),  # no "Nơi nhận" read: nothing to judge
    ("news", ["Như trên"], False),  # only the agency's own documents
])
def test_portal_in_recipients(category: str, recipients: list[str], fires: bool) -> None:
    doc = DocumentHeader(kind="QUYẾT ĐỊNH", recipients=recipients)
    problems = PortalMissing().check(submission(category=category, document=doc))
    assert [p.code for p in problems] == (["recipients.portal_missing"] if fires else [])


def test_no_document_no_problem() -> None:
    assert PortalMissing().check(submission(category="directive", document=None)) == []
