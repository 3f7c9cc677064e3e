"""extract.auth: RFC 8601 Authentication-Results from the trusted receiving server only."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tinbai.config import Profile
from tinbai.extract.auth import authentication_failure, parse_authentication_results

DOMAIN = "thads-tn.example.vn"


def make_profile(trusted: list[str]) -> Profile:
    return Profile(
        agency="Thi hành án dân sự tỉnh Thử Nghiệm",
        regulation="Quy chế thử nghiệm",
        permitted_formats=["pdf"],
        required_sender=["name", "title", "contact"],
        trusted_authserv_ids=trusted,
        categories={"news": {"label": "Tin", "limit": 1, "unit": "days", "anchor": "event"},
                    "other": {"label": "Khác", "limit": 3}},
        articles={"sender": "Điều 8.2"},
    )


PROFILE = make_profile(["mx.example.vn"])


def ar(value: str) -> tuple[str, str]:
    return ("Authentication-Results", value)


PASS = (f"mx.example.vn; spf=pass smtp.mailfrom={DOMAIN}; dkim=pass header.d={DOMAIN} header.s=mail; "
        f"dmarc=pass (p=quarantine dis=none) header.from={DOMAIN}")
SPOOF = (f"mx.example.vn;\r\n\tspf=fail smtp.mailfrom={DOMAIN};\r\n\tdkim=none header.d={DOMAIN};\r\n\t"
         f"dmarc=fail (p=quarantine dis=quarantine) header.from={DOMAIN}")


def codes(headers: list[tuple[str, str]], domain: str | None = DOMAIN, profile: Profile = PROFILE) -> list[str]:
    """["sender.auth_failed"] when the headers show the From domain was not authenticated."""
    failed = authentication_failure(headers, domain, profile.trusted_authserv_ids)
    return ["sender.auth_failed"] if failed else []


def test_all_pass() -> None:
    assert codes([("From", f"A <a@{DOMAIN}>"), ar(PASS)]) == []


def test_dmarc_fail_spoof() -> None:
    failed = authentication_failure([("Received", "from x"), ar(SPOOF)], DOMAIN, PROFILE.trusted_authserv_ids)
    assert failed == ("mx.example.vn", "dmarc=fail", DOMAIN)


def test_spf_and_dkim_both_fail_without_dmarc() -> None:
    assert codes([ar(f"mx.example.vn; spf=softfail smtp.mailfrom={DOMAIN}; dkim=fail header.d={DOMAIN}")]) == [
        "sender.auth_failed"]
    assert codes([ar(f"mx.example.vn; spf=none smtp.mailfrom={DOMAIN}; dkim=none")]) == ["sender.auth_failed"]


@pytest.mark.parametrize("value", [
    f"mx.example.vn; spf=fail smtp.mailfrom={DOMAIN}; dkim=pass header.d={DOMAIN}",
    f"mx.example.vn; spf=pass smtp.mailfrom={DOMAIN}; dkim=fail header.d={DOMAIN}",
    f"mx.example.vn; spf=softfail smtp.mailfrom={DOMAIN}; dkim=pass header.d=mail.{DOMAIN}",  # relaxed alignment
    f"mx.example.vn; spf=fail smtp.mailfrom={DOMAIN}",  # DKIM not evaluated: nothing to conclude
    f"mx.example.vn; spf=fail smtp.mailfrom={DOMAIN}; dkim=temperror header.d={DOMAIN}",
    f"mx.example.vn; spf=fail smtp.mailfrom={DOMAIN}; dkim=fail header.d={DOMAIN}; dmarc=pass header.from={DOMAIN}",
    "mx.example.vn; none",
    "mx.example.vn 1; dmarc=pass header.from=" + DOMAIN,
])
def test_no_failure(value: str) -> None:
    assert codes([ar(value)]) == []


def test_pass_for_another_domain_does_not_vouch_for_from_domain() -> None:
    value = ("mx.example.vn; spf=pass smtp.mailfrom=bounce@mailer.example.com; "
             "dkim=pass header.d=mailer.example.com; dkim=fail header.d=" + DOMAIN)
    assert codes([ar(value)]) == ["sender.auth_failed"]


def test_dmarc_for_another_domain_is_not_about_this_message() -> None:
    assert codes([ar("mx.example.vn; dmarc=fail header.from=other.example.com")]) == []


def test_untrusted_headers_are_ignored() -> None:
    forged_fail = ar(SPOOF.replace("mx.example.vn", "mx.attacker.example"))
    assert codes([forged_fail]) == []
    # a forged "pass" from an untrusted server does not hide the trusted failure
    forged_pass = ar(PASS.replace("mx.example.vn", "mx.attacker.example"))
    assert codes([forged_pass, ar(SPOOF)]) == ["sender.auth_failed"]
    assert codes([ar(SPOOF)], profile=make_profile([])) == []


def test_multiple_trusted_headers_any_failure_counts() -> None:
    assert codes([ar(PASS), ar(SPOOF)]) == ["sender.auth_failed"]
    assert codes([ar(PASS), ar(PASS)]) == []


def test_header_name_and_authserv_id_are_case_insensitive() -> None:
    assert codes([("authentication-results", SPOOF.replace("mx.example.vn", "MX.Example.VN"))]) == [
        "sender.auth_failed"]


def test_arc_authentication_results_are_not_read() -> None:
    assert codes([("ARC-Authentication-Results", "i=1; " + SPOOF)]) == []


def test_comments_with_semicolons_and_equals_signs() -> None:
    value = (f"mx.example.vn (postfix; a=b); spf=pass (sender SPF authorized; x=y) smtp.mailfrom={DOMAIN}; "
             f"dkim=fail (bad signature; body hash=mismatch) header.d={DOMAIN}; "
             f"dmarc=fail (p=reject) header.from={DOMAIN}")
    parsed = parse_authentication_results(value)
    assert parsed is not None
    assert parsed.authserv_id == "mx.example.vn"
    assert [(r.method, r.result) for r in parsed.results] == [("spf", "pass"), ("dkim", "fail"), ("dmarc", "fail")]
    assert parsed.results[0].properties == {"smtp.mailfrom": DOMAIN}
    assert parsed.results[2].domain() == DOMAIN
    assert codes([ar(value)]) == ["sender.auth_failed"]


def test_parse_reason_version_and_quoted_values() -> None:
    parsed = parse_authentication_results(
        'mx.example.vn 1; dkim=fail reason="signature; verification failed" header.d=a.vn header.i=@a.vn; '
        "spf=pass smtp.mailfrom=user@b.vn")
    assert parsed is not None
    assert parsed.version == "1"
    dkim, spf = parsed.results
    assert dkim.reason == "signature; verification failed"
    assert dkim.domain() == "a.vn"
    assert spf.domain() == "b.vn"


def test_from_domain_unknown_compares_all_results() -> None:
    assert codes([ar(SPOOF)], domain=None) == ["sender.auth_failed"]
    assert codes([ar(SPOOF)], domain=f"someone@{DOMAIN.upper()}") == ["sender.auth_failed"]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_parser_never_raises(value: str) -> None:
    parse_authentication_results(value)
    failed = authentication_failure([ar("mx.example.vn; " + value)], DOMAIN, PROFILE.trusted_authserv_ids)
    assert failed is None or failed[0] == "mx.example.vn"
