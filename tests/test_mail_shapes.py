"""`main.py check` on the shapes other mail projects keep in their test suites, written here.

None of the installed packages ships its mail samples (mail-parser's, Mailman's and
Thunderbird's test messages stay in their repositories), so each shape is written byte by
byte after them: a delivery status report, a forwarded message/rfc822 with raw 8-bit
headers, an mbox envelope line, uuencode, a header line past 998 bytes, thousands of headers,
NUL bytes, a boundary with 8-bit bytes, a header name with spaces before its colon, an
Apple Mail forward, parameters in RFC 2231 with an unknown charset. Each must give a report,
in time, with no U+FFFD where the report does not say the bytes could not be read.
"""

from __future__ import annotations

import json

import pytest

from tinbai import cli

HEAD = b"From: Nguyen Van A <a@thads-tn.example.vn>\r\nTo: bbt@moj.gov.vn\r\nDate: Mon, 28 Apr 2025 09:00:00 +0700\r\n"

SHAPES: dict[str, bytes] = {
    # Mailman / mail-parser: a bounce (RFC 3464) with the returned message's headers inside
    "delivery status report": HEAD + (
        b"Subject: Undelivered Mail Returned to Sender\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="R"\r\n\r\n'
        b"--R\r\nContent-Type: text/plain\r\n\r\nThe mail system could not deliver it.\r\n"
        b"--R\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.vn\r\n\r\n"
        b"Final-Recipient: rfc822; x@y.vn\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        b"--R\r\nContent-Type: text/rfc822-headers\r\n\r\nSubject: Tin b\xc3\xa0i\r\nFrom: a@x.vn\r\n--R--\r\n"),
    # a forwarded message attached whole, its own headers raw 8-bit (Thunderbird "as attachment")
    "message/rfc822 with 8-bit headers": HEAD + (
        b"Subject: Fwd: Tin b\xc3\xa0i\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=M\r\n\r\n"
        b"--M\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nChuy\xe1\xbb\x83n ti\xe1\xba\xbfp.\r\n"
        b'--M\r\nContent-Type: message/rfc822; name="Tin b\xc3\xa0i.eml"\r\n'
        b'Content-Disposition: attachment; filename="Tin b\xc3\xa0i.eml"\r\n\r\n'
        b"From: \xc4\x90\xc3\xa0m V\xc4\x83n B\xe1\xba\xa3o <bao@x.vn>\r\nSubject: Tin b\xc3\xa0i\r\n\r\nN\xe1\xbb\x99i dung\r\n"
        b"--M--\r\n"),
    "mbox envelope line": b"From a@thads-tn.example.vn Mon Apr 28 09:00:00 2025\r\n" + HEAD
    + b"Subject: Tin\r\n\r\n>From the start\r\n",
    "uuencoded body": HEAD + b"Subject: uu\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\n"
    b"begin 644 tin.txt\r\n#0V%T\r\n`\r\nend\r\n",
    "header line past 998 bytes": HEAD + b"Subject: " + b"Tin b\xc3\xa0i " * 400 + b"\r\n\r\nx\r\n",
    "thousands of headers": HEAD + b"".join(b"X-Trace-%d: v\xc3\xa0\r\n" % i for i in range(3000))
    + b"Subject: nhieu\r\n\r\nx\r\n",
    "NUL bytes in headers": HEAD + b"Subject: Tin\x00b\xc3\xa0i\r\nX-Bad: \x00\x01\x02\r\n\r\nx\x00y\r\n",
    "8-bit boundary": HEAD + b'Subject: b\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="\xc4\x91"\r\n\r\n'
    b"--\xc4\x91\r\nContent-Type: text/plain\r\n\r\nx\r\n--\xc4\x91--\r\n",
    "spaces before the colon": b"From : a@x.vn\r\nSubject\t: Tin b\xc3\xa0i\r\nTo: b@x.vn\r\n\r\nx\r\n",
    "Apple Mail forward": HEAD + (
        b"Subject: Fwd: Ch\xe1\xbb\x89 th\xe1\xbb\x8b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        b"G\xe1\xbb\xadi Ban Bi\xc3\xaan t\xe1\xba\xadp.\r\n\r\nBegin forwarded message:\r\n\r\n"
        b"From: Le Van B <b@y.vn>\r\nSubject: Ch\xe1\xbb\x89 th\xe1\xbb\x8b\r\nDate: 20 January 2025\r\n\r\nN\xe1\xbb\x99i dung\r\n"),
    "RFC 2231 in an unknown charset": HEAD + (
        b"Subject: t\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=P\r\n\r\n"
        b"--P\r\nContent-Type: application/pdf\r\n"
        b"Content-Disposition: attachment; filename*=x-nobody-knows''Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh.pdf\r\n\r\n"
        b"%PDF-1.4\r\n--P--\r\n"),
    "a Content-Type of garbage": HEAD + b"Subject: g\r\nContent-Type: ;;;=\"\xff\r\n\r\nx\r\n",
}


def strings(rep: dict) -> list[str]:
    def flat(atts: list[dict]) -> list[dict]:
        return [x for a in atts for x in (a, *flat(a["children"]))]
    return [rep["subject"] or "", rep["sender"]["name"] or "", *(a["filename"] for a in flat(rep["attachments"]))]


@pytest.mark.timeout(120)
@pytest.mark.parametrize("shape", SHAPES)
def test_check_reads_other_projects_mail_shapes(shape: str, tmp_path, capsys) -> None:
    eml = tmp_path / "m.eml"
    eml.write_bytes(SHAPES[shape])
    code = cli.main(["check", str(eml), "--profile", "thainguyen-thads", "--received", "2025-04-28T09:00:00+07:00",
                     "--json"])
    rep = json.loads(capsys.readouterr().out)
    assert code == 0 and rep["verdict"] in ("accept", "needs_correction", "quarantine")
    if any("\ufffd" in v for v in strings(rep)):
        assert any("UndecodableHeaderDefect" in p["detail"] for p in rep["problems"]), strings(rep)


def test_the_shapes_are_read_as_written(tmp_path, capsys) -> None:
    def check(shape: str) -> dict:
        eml = tmp_path / "m.eml"
        eml.write_bytes(SHAPES[shape])
        cli.main(["check", str(eml), "--profile", "thainguyen-thads", "--received", "2025-04-28T09:00:00+07:00",
                  "--json"])
        return json.loads(capsys.readouterr().out)

    attached = check("message/rfc822 with 8-bit headers")  # its text is read as the message's
    assert attached["subject"] == "Fwd: Tin bài" and "Nội dung" in attached["body_text"]
    assert check("spaces before the colon")["subject"] == "Tin bài"
    apple = check("Apple Mail forward")
    assert apple["original_sender"]["address"] == "b@y.vn" and apple["sender"]["address"] == "a@thads-tn.example.vn"
    assert check("RFC 2231 in an unknown charset")["attachments"][0]["filename"] == "Quyết định.pdf"
