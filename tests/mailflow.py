"""The mail flow's fixtures shared by the fault and multi-instance tests: submissions as IMAP
stores them, and the checks that every message became one item and every email went out once."""

from __future__ import annotations

import email
import email.policy
from collections import Counter

from sqlmodel import Session, select

from tests.factories import news_email
from tests.servers import DovecotServer, SmtpSink
from tinbai.demo_samples import email as make_email
from tinbai.demo_samples import photo
from tinbai.queue.models import Item, Outbox

GOOD = "hoa.nt@thads-thainguyen.example.vn"
BAD = "khongton.tai@thads-thainguyen.example.vn"


def submission(i: int, *, sender: str = GOOD, photo_size: tuple[int, int] | None = None) -> bytes:
    raw = news_email(i, sender=sender, subject=f"Gửi tin: Hội nghị số {i}")
    if photo_size is not None:  # a bigger photo: FETCH responses long enough to be cut in the middle
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        body = msg.get_body(("plain",)).get_content()
        raw = make_email(sender=msg["From"], to=msg["To"], subject=msg["Subject"], body=body,
                         date=msg["Date"].datetime, attachments=[(f"anh {i}.jpg", "image/jpeg", photo(i, photo_size))])
    return raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")  # as IMAP stores it: same bytes, same hash


def items(engine) -> list[Item]:
    with Session(engine) as s:
        return list(s.exec(select(Item).order_by(Item.id)))


def unseen(server: DovecotServer, user: str, folder: str = "INBOX") -> list[int]:
    with server.session(user) as c:
        c.select_folder(folder, readonly=True)
        return sorted(c.search("UNSEEN"))


def assert_each_message_once(engine, n: int) -> list[Item]:
    got = items(engine)
    assert len(got) == n, f"{len(got)} items for {n} messages"
    assert len({it.message_id for it in got}) == n, "a message stored twice"
    assert len({(it.mailbox, it.source_key) for it in got}) == n
    assert [it.id for it in got if it.state == "failed"] == [], [it.error for it in got if it.state == "failed"][:2]
    return got


def assert_each_email_once(engine, sink: SmtpSink) -> int:
    """Every outbox row reached the server under its own Message-ID, and no item got two different
    emails of one kind. Returns how many copies were re-sent under the same Message-ID (allowed:
    a crash between the server's 250 and marking the row sent)."""
    with Session(engine) as s:
        rows = list(s.exec(select(Outbox)))
    assert rows
    assert [r.id for r in rows if r.status != "sent"] == []
    kinds = Counter((r.item_id, r.kind) for r in rows)
    assert max(kinds.values()) == 1, "two outbox rows for one item and kind"
    msgs = [email.message_from_bytes(m.content, policy=email.policy.default) for m in sink.messages]
    ids = [m["Message-ID"] for m in msgs]
    assert set(ids) == {r.message_id for r in rows}
    # the same check on the wire, without the database: one Message-ID per (submission, subject)
    by_thread: dict[tuple[str, str], set[str]] = {}
    for m in msgs:
        by_thread.setdefault((m["In-Reply-To"], m["Subject"]), set()).add(m["Message-ID"])
    assert all(len(v) == 1 for v in by_thread.values()), [v for v in by_thread.values() if len(v) > 1][:3]
    return len(ids) - len(set(ids))
