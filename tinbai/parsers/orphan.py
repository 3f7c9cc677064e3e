"""Quiet orphans: a sandbox worker whose parent died exits without a traceback.

Imported in the fork server (first of the sandbox's preloaded modules) and so in every worker it
forks. When the daemon dies while a worker is being started, the fork server's child fails to
read its start-up data from the parent (EOFError) or the worker fails to say it is ready
(BrokenPipeError); multiprocessing prints those through sys.excepthook. Nobody is left to read
them: they are dropped, and every other error is printed as before.
"""

from __future__ import annotations

import sys

PARENT_GONE = (BrokenPipeError, ConnectionResetError, EOFError)  # as tinbai.parsers.sandbox's
_previous = sys.excepthook


def _excepthook(kind, value, tb) -> None:
    if issubclass(kind, PARENT_GONE):
        return
    _previous(kind, value, tb)


sys.excepthook = _excepthook
