"""A thin adapter over imapclient: the few things the daemon does with an IMAP mailbox.

New mail is found by UID (UID SEARCH UID n:*), never by the \\Seen flag: a colleague who reads
a submission in webmail must not hide it from us. Bodies are fetched with BODY.PEEK[], which
leaves \\Seen alone; the message is marked (flag or move) only by mark_done(), which the caller
runs after its database commit. Every network or protocol failure surfaces as MailboxError
with a one-line message; the caller logs it, closes, and reconnects after backoff_delays().
"""

from tinbai.ingest.imap.connection import MailboxError, backoff_delays
from tinbai.ingest.imap.fetch import FolderState
from tinbai.ingest.imap.mailbox import ImapMailbox
from tinbai.ingest.imap.marking import Action

__all__ = ["Action", "FolderState", "ImapMailbox", "MailboxError", "backoff_delays"]
