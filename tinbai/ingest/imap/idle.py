"""Waiting for new mail: IMAP IDLE (RFC 2177), renewed in time, or a sleep followed by NOOP."""

from __future__ import annotations

import time

from imapclient.exceptions import IMAPClientError

from tinbai.ingest.imap.connection import ImapConnection, has_exists

# RFC 2177: a client should re-issue IDLE at least every 29 minutes, or the server may log it out.
IDLE_RENEW_SECONDS = 25 * 60
# The first IDLE after a pass is ended this soon and followed by NOOP. Mail that reaches the
# folder between the NOOP before IDLE and the moment the server starts watching is announced by
# neither (seen on the latency bench: 1 message in ~300 waited the whole 60 s wait); NOOP
# a second later finds it. The rounds after the first are as long as the caller asked.
IDLE_FIRST_ROUND_SECONDS = 1.0


class ImapIdling(ImapConnection):
    """Waiting for new mail (idle_wait)."""

    def idle_wait(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds for new mail; True when the server announced some.

        False means only "nothing announced": the caller polls with uids_after() and calls again.
        Without IDLE (server or config), this sleeps `timeout` and then asks with NOOP.
        IDLE is re-issued every IDLE_RENEW_SECONDS, well inside the 29-minute limit.
        """
        client = self._conn()
        if self.config.idle and self.has_capability("IDLE") and (self.noop() or self._exists_since_search):
            # Mail that arrived while we worked, since the last UID SEARCH: Dovecot does not
            # announce it when IDLE starts, only mail arriving after, so IDLE would sit on it
            # until its timeout (measured: 1 in 3 such messages waited the whole timeout).
            # NOOP asks first; EXISTS in its answer (or in an earlier one) means: look now.
            self._exists_since_search = False
            return True
        if not (self.config.idle and self.has_capability("IDLE")):
            time.sleep(max(0.0, timeout))
            return self.noop()
        deadline = time.monotonic() + max(0.0, timeout)
        first_round = True
        try:
            while True:
                new_mail = False
                client.idle()
                renew_at = min(deadline, time.monotonic() + (IDLE_FIRST_ROUND_SECONDS if first_round
                                                             else IDLE_RENEW_SECONDS))
                while True:
                    left = renew_at - time.monotonic()
                    if left <= 0:
                        break
                    started = time.monotonic()
                    responses = client.idle_check(timeout=left)
                    if has_exists(responses):
                        new_mail = True
                        break
                    if not responses and time.monotonic() - started < left - 0.05:
                        # idle_check returns [] early only on EOF: idle_done() below will raise
                        break
                _, responses = client.idle_done()
                if new_mail or has_exists(responses):
                    return True
                if time.monotonic() >= deadline:
                    return False
                if first_round:
                    first_round = False
                    if self.noop():  # what arrived as the first IDLE began
                        return True
        except (OSError, IMAPClientError) as e:
            raise self._failed("IDLE failed", e) from e
