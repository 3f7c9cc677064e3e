"""Evidence that the sending unit's leader approved an item before it was sent.

thainguyen/haiduong Art. 8.2 and 9.1 (the unit leader's opinion), binhphuoc Art. 9.1.a, hungyen
Art. 9.4 and 11.3-11.4, kontum Art. 18.2. What shows it: the sender is a leader (a leader's
title), the message says a leader approved it, or a leader of the unit is among the recipients.
The rule that asks for it is tinbai.rules.approval.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tinbai.lexicon import LEADER_TITLES, alternation_folded
from tinbai.textutil import aligned_fold, nfc

LEADER_TITLE = re.compile(r"\b(?:" + alternation_folded(LEADER_TITLES) + r")\b")
APPROVAL_TEXT = re.compile(
    r"(lanh dao|truong phong|giam doc|cuc truong|chi cuc truong|thu truong)[^.\n]{0,60}"
    r"(da (xem|duyet|phe duyet|dong y|cho y kien|ky)|dong y|phe duyet|cho phep)"
    r"|(da duoc|duoc) [^.\n]{0,40}(lanh dao|truong phong|giam doc|cuc truong)[^.\n]{0,30}(duyet|dong y|phe duyet)"
    r"|y kien (chi dao )?cua lanh dao")


def leader_approved(sender_title: str | None, body: str, recipients: Iterable[str],
                    leader_addresses: Iterable[str]) -> bool:
    """Whether the message shows the unit leader's approval."""
    if LEADER_TITLE.search(aligned_fold(nfc(sender_title))):
        return True
    if APPROVAL_TEXT.search(aligned_fold(nfc(body))):
        return True
    leaders = {a.lower() for a in leader_addresses}
    return bool(leaders & {r.lower() for r in recipients})
