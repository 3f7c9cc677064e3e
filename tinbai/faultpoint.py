"""Named moments where the fault tests stop the daemon, so that their SIGKILL lands there.

A crash must lose and double nothing at any moment; the tests prove it at the moments that
matter (an item's transaction open, an item committed but not yet marked on the server) by
making the daemon wait there, rather than by killing at random and hoping the kill fell in the
window. TINBAI_PAUSE_AT="storing:3" (set by a test on the process it starts) makes the third
arrival at `reached("storing")` print "tinbai paused at storing 3" to stderr and sleep until the
process is killed. Unset, as always outside the tests, `reached` costs one comparison.
"""

from __future__ import annotations

import os
import sys
import threading

ENV = "TINBAI_PAUSE_AT"
MARK = "tinbai paused at"


def _parse(value: str | None) -> tuple[str, int] | None:
    if not value or ":" not in value:
        return None
    name, _, count = value.partition(":")
    return (name, int(count)) if count.isdigit() and int(count) > 0 else None


_WANTED = _parse(os.environ.get(ENV))
_seen: dict[str, int] = {}
_forever = threading.Event()  # never set: the process waits for its SIGKILL


def reached(name: str) -> None:
    """The work arrived at the moment `name`; pauses here for good when the test asked for it."""
    if _WANTED is None or _WANTED[0] != name:
        return
    _seen[name] = _seen.get(name, 0) + 1
    if _seen[name] == _WANTED[1]:
        print(f"{MARK} {name} {_seen[name]}", file=sys.stderr, flush=True)
        _forever.wait()
