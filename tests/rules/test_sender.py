"""rules.sender: the details each regulation asks of the sender, and unregistered senders."""

from __future__ import annotations

import pytest

from tests.submissions import PROFILES, complete_sender, profile, submission
from tinbai.config import Contributor
from tinbai.rules import rules_for, run_chain
from tinbai.rules.sender import (
    MissingContact,
    MissingName,
    MissingTitle,
    MissingUnit,
    SenderUnknown,
)

# thainguyen/haiduong Art. 8.2 and hungyen (by default) ask for the title; binhphuoc Art. 9.1.b and
# kontum Art. 9.1.c ask for the unit and the title only "if any"
REQUIRED = {
    "thainguyen-thads": {"title"}, "haiduong-thads": {"title"}, "hungyen-snv": {"title"},
    "binhphuoc-stp": {"unit"}, "kontum-stp": {"unit"},
}


@pytest.mark.parametrize("pid", PROFILES)
def test_which_details_each_profile_asks(pid: str) -> None:
    rules = {type(r) for r in rules_for(profile(pid))}
    assert MissingName in rules and MissingContact in rules
    assert (MissingTitle in rules) == ("title" in REQUIRED[pid])
    assert (MissingUnit in rules) == ("unit" in REQUIRED[pid])


@pytest.mark.parametrize(("rule", "missing", "code"), [
    (MissingName, {"name": None}, "sender.missing_name"),
    (MissingTitle, {"title": None}, "sender.missing_title"),
    (MissingUnit, {"unit": None}, "sender.missing_unit"),
    (MissingContact, {"phone": None, "postal_address": None}, "sender.missing_contact"),
])
def test_fires_when_the_detail_is_missing(rule, missing: dict, code: str) -> None:
    assert [p.code for p in rule().check(submission(sender=complete_sender(**missing)))] == [code]
    assert rule().check(submission(sender=complete_sender())) == []


@pytest.mark.parametrize("contact", [{"phone": None, "postal_address": "Số 5 đường Hoàng Văn Thụ, TP Thái Nguyên"},
                                     {"phone": "0912 345 678", "postal_address": None}])
def test_a_phone_or_an_address_is_enough(contact: dict) -> None:
    assert MissingContact().check(submission(sender=complete_sender(**contact))) == []


@pytest.mark.parametrize(("pid", "article"), [
    ("thainguyen-thads", "Điều 8.2"), ("haiduong-thads", "Điều 8.2"), ("binhphuoc-stp", "Điều 9.1.b"),
    ("kontum-stp", "Điều 9.1.c"), ("hungyen-snv", "Điều 14.2"),
])
def test_cites_the_article_in_the_problem_and_its_text(pid: str, article: str) -> None:
    problems = [p for p in run_chain(submission(pid, sender=complete_sender(name=None)))
                if p.code == "sender.missing_name"]
    assert [p.article for p in problems] == [article]
    assert f"(theo {article})" in problems[0].detail


@pytest.mark.parametrize(("address", "fires"), [
    ("hoa.nt@thads-thainguyen.example.vn", False),  # a unit's domain
    ("a@phong.moj.gov.vn", False),  # a subdomain of an allowed domain
    ("a@MOJ.GOV.VN", False),
    ("a@evilmoj.gov.vn", True),  # not a subdomain
    ("someone@gmail.com", True),
    (None, True),
])
def test_unknown_sender(address: str | None, fires: bool) -> None:
    problems = SenderUnknown().check(submission(sender=complete_sender(address=address)))
    assert [p.code for p in problems] == (["sender.unknown"] if fires else [])


def test_a_registered_contributor_is_known_whatever_the_domain() -> None:
    prof = profile("thainguyen-thads").model_copy(update={"contributors": [
        Contributor(address="ctv.hoa@gmail.com", name="Nguyễn Thị Hoa")]})
    assert SenderUnknown().check(submission(prof, sender=complete_sender(address="CTV.Hoa@gmail.com"))) == []
    assert SenderUnknown().check(submission(prof, sender=complete_sender(address="other@gmail.com")))


# ----- citizens' feedback (CHECK-REPORT: no title or unit of a citizen; a name and a way to answer)

CITIZEN = dict(address="nguyenvanan1970@mail.example.com", name="Nguyễn Văn An", title=None, unit=None,
               phone=None, postal_address=None)


@pytest.mark.parametrize("pid", PROFILES)
def test_a_citizen_is_asked_no_title_unit_or_phone_and_is_not_unknown(pid: str) -> None:
    feedback = submission(pid, category="feedback", sender=complete_sender(**CITIZEN))
    assert [p.code for p in run_chain(feedback) if p.code.startswith("sender.")] == []
    # the same sender with a unit's item is held to the units' rules
    news = {p.code for p in run_chain(submission(pid, category="news", sender=complete_sender(**CITIZEN)))}
    assert {"sender.missing_contact", "sender.unknown"} <= news
    assert ("sender.missing_title" in news) == ("title" in REQUIRED[pid])
    assert ("sender.missing_unit" in news) == ("unit" in REQUIRED[pid])


def test_a_citizen_still_gives_a_name_and_a_way_to_answer() -> None:
    nameless = complete_sender(**{**CITIZEN, "name": None})
    assert [p.code for p in MissingName().check(submission("binhphuoc-stp", category="feedback",
                                                           sender=nameless))] == ["sender.missing_name"]
    # no email address (a letter registered by hand) and no phone or address: no way to answer
    unreachable = complete_sender(**{**CITIZEN, "address": None})
    assert [p.code for p in MissingContact().check(submission("binhphuoc-stp", category="feedback",
                                                              sender=unreachable))] == ["sender.missing_contact"]
    by_phone = complete_sender(**{**CITIZEN, "address": None, "phone": "0912 345 678"})
    assert MissingContact().check(submission("binhphuoc-stp", category="feedback", sender=by_phone)) == []
