"""The editorial board's actions on an item, with everything they cause, in one transaction.

The pages (and anything else that acts for a board member) call `act`: the workflow
(tinbai.queue.workflow) changes the item and writes its history entry, then the notifier
writes the emails the action causes (to the sender; to the board member the item was given
to) into the outbox and replans the item's deadline reminders, all in the caller's session, so that the caller's one commit holds
the change, its audit entry and its email together (and a rollback drops them together).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from tinbai.config import Config
from tinbai.ingest.original import original_text
from tinbai.notifier.board_mail import queue_board_notices
from tinbai.notifier.feedback import queue_unit_forwards
from tinbai.notifier.notices import queue_sender_notices
from tinbai.notifier.planning import plan_item_reminders
from tinbai.queue.models import Item, ReviewEvent, User, utcnow
from tinbai.queue.workflow import apply


def act(
    session: Session,
    item: Item,
    user: User,
    action: str,
    *,
    config: Config,
    now: datetime | None = None,
    expected_state: str | None = None,
    expected_step: str | None = None,
    **params: Any,
) -> ReviewEvent:
    """Do `action` on `item` as `user`: change it, record a ReviewEvent and queue the emails it
    causes, all in `session` (the caller commits). Raises WorkflowError when the action is not
    allowed, when the item changed since the user saw it (expected_state/expected_step, from the
    page's form), or when a required parameter is missing or wrong."""
    now = now or utcnow()
    done = apply(session, item, user, action, config=config, now=now, expected_state=expected_state,
                 expected_step=expected_step, **params)
    profile = config.profile(item.profile)
    queue_sender_notices(session, item, done.event, done.notices, profile, config)
    if done.forwards:  # the units are sent what the reader wrote
        queue_unit_forwards(session, item, done.forwards, params.get("comment"), original_text(config, item),
                            profile, config)
    queue_board_notices(session, item, done.event, done.board, profile, config)
    # a new holder, deadline or state changes who is reminded and when (a closed item: nobody)
    plan_item_reminders(session, item, profile, config, now=now)
    return done.event
