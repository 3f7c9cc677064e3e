"""Fuzzing pipeline.check with hypothesis: whatever the bytes of a message, it returns a report
(never raises) whose JSON the queue can store, and within its limits (time per file).

The strategies (tests/mime_fixtures.py) build MIME by hand, so that they can be wrong the
ways real mail is: nested multiparts (missing closing boundaries, boundaries inside bodies),
odd or unknown charsets and transfer encodings (broken base64, uuencode), headers folded
anywhere, RFC 2047 words broken in the middle, huge and numerous headers; attachments that
begin with a real magic number (PDF, ZIP/OOXML, JPEG, PNG, GIF, OLE, RAR, 7z, gzip, RTF, MZ…)
followed by random bytes, and real files (docx, PDF, JPEG, ZIP) with bytes flipped, cut or
spliced.

In the suite the examples are few and fixed (derandomized): the suite stays quick and never
fails on a new random draw. TINBAI_FUZZ_EXAMPLES=2000 explores at random, e.g.
    TINBAI_FUZZ_EXAMPLES=2000 .venv/bin/python -m pytest tests/test_fuzz_mime.py -p no:timeout
Coverage-guided fuzzing with atheris is fuzz/check_target.py (run briefly by
tests/test_fuzz_atheris.py); what it found is kept below as fixed cases.
"""

from __future__ import annotations

import json
import os
import time
from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import make_config, news_email
from tests.mime_fixtures import ATTACHMENT_BYTES, NAMES, message_bytes
from tinbai.calendar import WorkCalendar
from tinbai.extract.analyse import Analyser
from tinbai.pipeline import check
from tinbai.report import CheckReport

VN = ZoneInfo("Asia/Ho_Chi_Minh")
EXPLORE = int(os.environ.get("TINBAI_FUZZ_EXAMPLES", "0"))
SECONDS_PER_FILE = 5.0  # the profile's per-file limit for these runs (the shipped one is 30)
# a report for a message with n files must come within n per-file limits plus this much of
# our own work (MIME parsing, rules) even on a busy 2-core machine
OWN_SECONDS = 20.0

pytestmark = pytest.mark.timeout(0 if EXPLORE else 600)


def fuzz_settings(examples: int) -> settings:
    return settings(max_examples=EXPLORE or examples, derandomize=not EXPLORE, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])


# ----- the properties --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    cfg = make_config(tmp_path_factory.mktemp("fuzz"))
    profile = cfg.profile("thainguyen-thads")
    profile = profile.model_copy(update={"limits": profile.limits.model_copy(update={"seconds_per_file":
                                                                                    SECONDS_PER_FILE})})
    analyser = Analyser()  # one set of parser workers for every example, as in the daemon
    yield profile, WorkCalendar.for_profile(profile, cfg), analyser
    analyser.close()


def files_in(raw: bytes) -> int:
    return raw.count(b"Content-Disposition") + raw.count(b"name=") + raw.count(b"message/rfc822") + 1


def checked(setup, raw: bytes) -> CheckReport:
    profile, calendar, analyser = setup
    started = time.monotonic()
    report = check(raw, profile, datetime(2026, 4, 28, 10, 0, tzinfo=VN), calendar=calendar, analyser=analyser)
    took = time.monotonic() - started
    assert isinstance(report, CheckReport)
    json.dumps(report.to_dict(), ensure_ascii=False)  # what the queue stores
    assert report.verdict
    # within its limits: every file is cut off at its per-file limit; the rest is our own work
    assert took < files_in(raw) * SECONDS_PER_FILE + OWN_SECONDS, f"{took:.1f} s for {len(raw)} bytes"
    return report


@fuzz_settings(40)
@given(raw=message_bytes())
def test_any_mime_structure_gives_a_report(setup, raw: bytes) -> None:
    checked(setup, raw)


@fuzz_settings(40)
@given(data=ATTACHMENT_BYTES, name=st.sampled_from(NAMES))
def test_any_attachment_bytes_give_a_report(setup, data: bytes, name: str) -> None:
    from tinbai.demo_samples import email

    raw = email(sender="Nguyễn Thị Hoa <hoa.nt@thads-thainguyen.example.vn>", to="thainguyen@moj.gov.vn",
                subject="Gửi tin", body="Kính gửi Ban Biên tập", date=datetime(2026, 4, 28, 9, 0, tzinfo=VN),
                attachments=[(name or "noname", "application/octet-stream", data)])
    report = checked(setup, raw)
    assert report.attachments  # the file is in the report, read or not


@fuzz_settings(25)
@given(data=st.data())
def test_a_real_message_with_bytes_flipped_or_cut_gives_a_report(setup, data) -> None:
    raw = bytearray(base_message())
    for _ in range(data.draw(st.integers(1, 30))):
        i = data.draw(st.integers(0, len(raw) - 1))
        raw[i] = data.draw(st.integers(0, 255))
    if data.draw(st.booleans()):
        raw = raw[: data.draw(st.integers(0, len(raw)))]
    checked(setup, bytes(raw))


@cache
def base_message() -> bytes:
    return news_email(7)


def test_pathological_headers_are_bounded(setup) -> None:
    """The worst of the strategies' shapes, always run: a 1 MB Subject, 20,000 headers, 200 nested
    multiparts (parsed in the daemon's own process, not in a worker)."""
    head = b"From: a@b.vn\r\nSubject: " + "Hội nghị ".encode() * 100_000 + b"\r\n"
    checked(setup, head + b"\r\nx\r\n")
    many = b"".join(b"X-H%d: v\r\n" % i for i in range(20_000))
    checked(setup, b"From: a@b.vn\r\n" + many + b"\r\nbody\r\n")
    nested = b"".join(b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i) for i in range(200))
    checked(setup, b"From: a@b.vn\r\nMIME-Version: 1.0\r\n" + nested + b"Content-Type: text/plain\r\n\r\nend\r\n")


def test_what_atheris_found_gives_a_report(setup) -> None:
    """Inputs that made check raise before they were fixed (fuzz/check_target.py found them)."""
    # a year of 58 digits: email.utils.parsedate_to_datetime raised OverflowError
    date = b"Date: Tue, 28 Apr 2023333333333333333333333333333333333333333333333333333336 08:30:00 +0700\r\n"
    report = checked(setup, b"From: a@b.vn\r\nSubject: tin\r\n" + date + b"\r\nx\r\n")
    assert report.received_at == datetime(2026, 4, 28, 10, 0, tzinfo=VN)  # the Date said nothing usable
