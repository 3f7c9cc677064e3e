"""Forwarded mail: the forwarder is the sender; the forwarded message's author is `original_sender`.

The messages are written byte by byte in the shapes Gmail, Outlook and Thunderbird give a
forward (plain text and HTML alternatives), with the forwarder's signature above the forwarded
part or below it, and read the way the pipeline reads them (parse_message, then the sender
extractors and the body as a reviewer reads it).
"""

from __future__ import annotations

import pytest

from tinbai.extract.sender import extract_original_sender, extract_sender
from tinbai.extract.submission import body_text_of
from tinbai.message import is_forward_subject, parse_message
from tinbai.report import Sender

FORWARDER = "Lưu Mạnh Hải <hai.lm@thads-hd.example.vn>"
FORWARDER_SIG = ["Lưu Mạnh Hải", "Chánh Văn phòng", "Văn phòng Cục", "Điện thoại: 0220.3176.034"]
AUTHOR_TEXT = ["Bộ Tư pháp gửi Chỉ thị số 03/CT-BTP ngày 20/01/2025 (bản scan kèm theo).", "",
               "Trân trọng,", "Nguyễn Văn Toàn", "Chuyên viên Văn phòng Bộ", "ĐT: 024.6273.9999"]
OWN_TEXT = ["Kính gửi Ban Biên tập,", "Văn phòng chuyển tiếp Chỉ thị của Bộ trưởng để đăng tải."]


def mail(subject: str, plain: list[str], html: str, *, sender: str = FORWARDER) -> bytes:
    """A multipart/alternative message as a client writes it, 8-bit UTF-8 bodies."""
    head = [f"From: {sender}", "To: Ban Biên tập <haiduong@moj.gov.vn>", f"Subject: {subject}",
            "Date: Fri, 24 Jan 2025 09:53:10 +0700", "Message-ID: <fwd.1@thads-hd.example.vn>",
            "MIME-Version: 1.0", 'Content-Type: multipart/alternative; boundary="000alt"']
    body = ["--000alt", 'Content-Type: text/plain; charset="UTF-8"', "Content-Transfer-Encoding: 8bit", "",
            *plain, "", "--000alt", 'Content-Type: text/html; charset="UTF-8"', "Content-Transfer-Encoding: 8bit",
            "", html, "", "--000alt--", ""]
    return "\r\n".join([*head, "", *body]).encode()


def br(lines: list[str]) -> str:
    return "<br>".join(lines)


def gmail() -> bytes:
    """The forwarder's signature above the forwarded part, as Gmail places it."""
    sig = ["-- ", *FORWARDER_SIG]
    header = ["---------- Forwarded message ---------", "From: Nguyễn Văn Toàn <toan.nv@btp.example.vn>",
              "Date: Th 2, 20 thg 1, 2025 vào lúc 09:00", "Subject: Chỉ thị số 03/CT-BTP",
              "To: <vanphong@thads-hd.example.vn>"]
    plain = [*OWN_TEXT, "", *sig, "", *header, "", "", *AUTHOR_TEXT]
    html = (f'<div dir="ltr">{br(OWN_TEXT)}<br><br><span class="gmail_signature_prefix">-- </span><br>'
            f'<div dir="ltr" class="gmail_signature">{br(FORWARDER_SIG)}</div><br>'
            '<div class="gmail_quote"><div dir="ltr" class="gmail_attr">---------- Forwarded message ---------<br>'
            'From: <strong class="gmail_sendername" dir="auto">Nguyễn Văn Toàn</strong> '
            '<span dir="auto">&lt;<a href="mailto:toan.nv@btp.example.vn">toan.nv@btp.example.vn</a>&gt;</span><br>'
            'Date: Th 2, 20 thg 1, 2025 vào lúc 09:00<br>Subject: Chỉ thị số 03/CT-BTP<br>'
            f'To: &lt;vanphong@thads-hd.example.vn&gt;<br></div><br><br><div dir="ltr">{br(AUTHOR_TEXT)}</div></div></div>')
    return mail("Fwd: Chỉ thị số 03/CT-BTP", plain, html)


def outlook() -> bytes:
    plain = [*OWN_TEXT, "", "Trân trọng,", *FORWARDER_SIG, "", "________________________________",
             "From: Nguyễn Văn Toàn <toan.nv@btp.example.vn>", "Sent: Monday, January 20, 2025 9:00 AM",
             "To: vanphong@thads-hd.example.vn", "Subject: Chỉ thị số 03/CT-BTP", "", *AUTHOR_TEXT]
    html = ('<html><body><div class="WordSection1"><p class="MsoNormal">' + br(OWN_TEXT) + "</p>"
            '<p class="MsoNormal">Trân trọng,<br>' + br(FORWARDER_SIG) + "</p>"
            '<div id="appendonsend"></div><hr style="display:inline-block;width:98%" tabindex="-1">'
            '<div id="divRplyFwdMsg" dir="ltr"><font face="Calibri, sans-serif" style="font-size:11pt">'
            "<b>From:</b> Nguyễn Văn Toàn &lt;toan.nv@btp.example.vn&gt;<br><b>Sent:</b> Monday, January 20, 2025 "
            "9:00 AM<br><b>To:</b> vanphong@thads-hd.example.vn<br><b>Subject:</b> Chỉ thị số 03/CT-BTP</font>"
            "<div>&nbsp;</div></div><div>" + br(AUTHOR_TEXT) + "</div></div></body></html>")
    return mail("FW: Chỉ thị số 03/CT-BTP", plain, html)


def thunderbird(sig_place: str) -> bytes:
    header = ["-------- Forwarded Message --------", "Subject: \tChỉ thị số 03/CT-BTP",
              "Date: \tMon, 20 Jan 2025 09:00:00 +0700", "From: \tNguyễn Văn Toàn <toan.nv@btp.example.vn>",
              "To: \tvanphong@thads-hd.example.vn"]
    sig = ["-- ", *FORWARDER_SIG]
    above, below = (sig, []) if sig_place == "above" else ([], ["", *sig])
    plain = [*OWN_TEXT, "", *above, "", *header, "", "", "", *AUTHOR_TEXT, *below]
    table = "".join(f'<tr><th valign="BASELINE" nowrap="nowrap" align="RIGHT">{k}: </th><td>{v}</td></tr>' for k, v in (
        ("Subject", "Chỉ thị số 03/CT-BTP"), ("Date", "Mon, 20 Jan 2025 09:00:00 +0700"),
        ("From", "Nguyễn Văn Toàn &lt;toan.nv@btp.example.vn&gt;"), ("To", "vanphong@thads-hd.example.vn")))
    sig_html = f'<pre class="moz-signature" cols="72">-- \n{chr(10).join(FORWARDER_SIG)}</pre>'
    html = ("<html><body><p>" + br(OWN_TEXT) + "</p>" + (sig_html if sig_place == "above" else "")
            + '<div class="moz-forward-container"><br><br>-------- Forwarded Message --------'
            + f'<table class="moz-email-headers-table"><tbody>{table}</tbody></table><br><br>'
            + "<p>" + br(AUTHOR_TEXT) + "</p></div>" + (sig_html if sig_place == "below" else "") + "</body></html>")
    return mail("Fwd: Chỉ thị số 03/CT-BTP", plain, html)


def read(raw: bytes, *, plain_only: bool = False, html_only: bool = False) -> tuple[Sender, Sender | None, str]:
    parsed = parse_message(raw)
    plain = None if html_only else parsed.plain
    html = None if plain_only else parsed.html
    forwarding = is_forward_subject(parsed.subject)
    sender = extract_sender(parsed.from_name, parsed.from_address, plain, html, forwarding=forwarding)
    original = extract_original_sender(plain, html, sender, forwarding=forwarding)
    return sender, original, body_text_of(parsed)


SHAPES = {
    "gmail": gmail,
    "outlook": outlook,
    "thunderbird, signature above": lambda: thunderbird("above"),
    "thunderbird, signature below": lambda: thunderbird("below"),
}


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("part", ["plain", "html", "both"])
def test_the_forwarder_is_the_sender_and_the_author_is_kept_apart(shape: str, part: str) -> None:
    sender, original, _ = read(SHAPES[shape](), plain_only=part == "plain", html_only=part == "html")
    assert (sender.address, sender.name, sender.title, sender.phone) == (
        "hai.lm@thads-hd.example.vn", "Lưu Mạnh Hải", "Chánh Văn phòng", "0220.3176.034")
    assert original is not None
    assert (original.address, original.name, original.title, original.unit, original.phone) == (
        "toan.nv@btp.example.vn", "Nguyễn Văn Toàn", "Chuyên viên", "Văn phòng Bộ", "024.6273.9999")


def test_a_unit_mailbox_forwarding_without_a_signature_takes_nothing_from_the_author() -> None:
    plain = ["Chuyển Ban Biên tập đăng tải.", "", "---------- Forwarded message ---------",
             "From: Nguyễn Văn Toàn <toan.nv@btp.example.vn>", "Subject: Chỉ thị", "", *AUTHOR_TEXT]
    raw = mail("Fwd: Chỉ thị", plain, "", sender="=?utf-8?Q?V=C4=83n_ph=C3=B2ng_C=E1=BB=A5c?= <vp@x.vn>")
    sender, original, _ = read(raw, plain_only=True)
    assert (sender.name, sender.title, sender.phone) == (None, None, None)
    assert original is not None and original.name == "Nguyễn Văn Toàn"


def test_the_body_keeps_what_is_forwarded_and_drops_a_quoted_reply() -> None:
    _, _, body = read(gmail())
    assert "Bộ Tư pháp gửi Chỉ thị số 03/CT-BTP" in body and body.startswith("Kính gửi Ban Biên tập")
    reply = mail("Re: Yêu cầu bổ sung", ["Em gửi lại bản có dấu đỏ ạ.", "", "Trân trọng!", "Lưu Mạnh Hải", "",
                                          "Vào Th 2, 20 thg 1, 2025 vào lúc 10:00 Ban Biên tập <bbt@x.vn> đã viết:",
                                          "> Đề nghị gửi lại bản có dấu đỏ.", "> Ban Biên tập"], "")
    sender, original, body = read(reply)
    assert body == "Em gửi lại bản có dấu đỏ ạ.\n\nTrân trọng!\nLưu Mạnh Hải"
    assert original is None and sender.name == "Lưu Mạnh Hải"


def test_an_outlook_reply_block_is_a_reply_unless_the_subject_forwards() -> None:
    plain = ["Em gửi lại ạ.", "", "From: Ban Biên tập <bbt@x.vn>", "Sent: Monday, January 20, 2025 9:00 AM",
             "To: hai.lm@thads-hd.example.vn", "Subject: Yêu cầu bổ sung", "", "Đề nghị gửi lại bản có dấu đỏ."]
    _, original, body = read(mail("RE: Yêu cầu bổ sung", plain, ""))
    assert body == "Em gửi lại ạ." and original is None
    _, original, body = read(mail("FW: Yêu cầu bổ sung", plain, ""))
    assert "Đề nghị gửi lại bản có dấu đỏ." in body and original is not None and original.address == "bbt@x.vn"


@pytest.mark.parametrize(("subject", "forwarding"), [
    ("Fwd: Chỉ thị", True), ("FW: tin", True), ("TR: Compte rendu", True), ("WG: Bericht", True),
    ("Re: Fwd: tin", True), ("Chuyển tiếp: tin bài", True), ("Re: tin bài", False), ("Tin Fwd: giữa", False),
])
def test_forwarding_subjects(subject: str, forwarding: bool) -> None:
    assert is_forward_subject(subject) is forwarding
