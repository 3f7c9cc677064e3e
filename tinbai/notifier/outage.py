"""An outage of the SMTP server, as every process sees it: one row (service_state "smtp").

The row is written only when the server goes down or comes back, so a healthy outbox costs a
read a pass; the process that writes the change logs it, once: one line when an outage starts,
one when it ends, not one per email per round.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlmodel import Session

from tinbai.queue.db import read_session
from tinbai.queue.models import ServiceState, utcnow

log = logging.getLogger(__name__)
SMTP = "smtp"


def service_state(engine, name: str = SMTP) -> ServiceState | None:
    with read_session(engine) as s:
        return s.get(ServiceState, name)


def record_down(engine, error: str, name: str = SMTP, now: datetime | None = None) -> None:
    """The server could not take any email: noted (and logged) when it was up until now."""
    now = now or utcnow()
    error = " ".join(error.split())[:2000]
    known = service_state(engine, name)
    if known is not None and known.down_since is not None and known.last_error == error:
        return  # the same outage, the same reason: nothing to write
    with Session(engine, expire_on_commit=False) as s:
        row = s.get(ServiceState, name) or ServiceState(name=name)
        started = row.down_since is None
        if started:
            row.down_since = now
        row.last_error = error
        s.add(row)
        s.commit()
    if started:
        log.error("máy chủ thư đi (%s) không nhận thư: %s; thư chờ gửi lại ngay khi máy chủ trả lời", name, error)


def record_up(engine, name: str = SMTP, now: datetime | None = None) -> None:
    """The server took an email: an outage, if one was noted, is over."""
    known = service_state(engine, name)
    if known is None or known.down_since is None:
        return
    now = now or utcnow()
    with Session(engine, expire_on_commit=False) as s:
        row = s.get(ServiceState, name)
        if row is None or row.down_since is None:
            return  # another process noted it first
        lasted = (now - row.down_since).total_seconds()
        row.down_since, row.last_ok_at = None, now
        s.add(row)
        s.commit()
    log.info("máy chủ thư đi (%s) đã nhận thư trở lại, sau %.0f giây gián đoạn", name, lasted)
