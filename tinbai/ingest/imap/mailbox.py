"""ImapMailbox: the session with its reading, marking and waiting parts put together."""

from __future__ import annotations

from tinbai.ingest.imap.fetch import ImapFetching
from tinbai.ingest.imap.idle import ImapIdling
from tinbai.ingest.imap.marking import ImapMarking


class ImapMailbox(ImapFetching, ImapMarking, ImapIdling):
    """One IMAP connection to one folder of one mailbox. Not thread-safe: one per worker.

    >>> box = ImapMailbox(config.mailboxes["thainguyen"])
    >>> box.connect(); state = box.select()
    >>> for uid, raw in box.fetch(box.uids_after(last_uid)): ...
    """
