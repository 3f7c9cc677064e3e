"""What a review action raises: its message is for the user (the pages show it as it is)."""

from __future__ import annotations


class WorkflowError(Exception):
    """An action that cannot be done as asked (a missing or wrong parameter); the message is for the user."""


class NotAllowed(WorkflowError):
    """The user's role may not take this action on this item at its step and state."""


class StaleItem(WorkflowError):
    """The item changed since the user's page was shown."""
