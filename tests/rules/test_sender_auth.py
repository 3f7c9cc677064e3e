"""rules.sender_auth: sender.auth_failed from the trusted server's Authentication-Results only."""

from __future__ import annotations

import pytest

from tests.submissions import complete_sender, submission
from tinbai.report import WARNING
from tinbai.rules.sender_auth import AuthFailed

DOMAIN = "thads-thainguyen.example.vn"
SPOOF = (f"mx.example.vn; spf=fail smtp.mailfrom={DOMAIN}; dkim=none header.d={DOMAIN}; "
         f"dmarc=fail (p=quarantine) header.from={DOMAIN}")
PASS = f"mx.example.vn; spf=pass smtp.mailfrom={DOMAIN}; dkim=pass header.d={DOMAIN}; dmarc=pass header.from={DOMAIN}"


def check(*headers: tuple[str, str]):
    sender = complete_sender(address=f"hoa@{DOMAIN}")
    return AuthFailed().check(submission(sender=sender, headers=list(headers)))


def test_fires_on_a_trusted_dmarc_failure() -> None:
    problems = check(("Authentication-Results", SPOOF))
    assert [(p.code, p.severity) for p in problems] == [("sender.auth_failed", WARNING)]
    assert "dmarc=fail" in problems[0].detail and "mx.example.vn" in problems[0].detail


@pytest.mark.parametrize("headers", [
    [("Authentication-Results", PASS)],
    [("Authentication-Results", SPOOF.replace("mx.example.vn", "mx.attacker.example"))],  # not trusted
    [],
])
def test_does_not_fire(headers: list) -> None:
    assert check(*headers) == []
