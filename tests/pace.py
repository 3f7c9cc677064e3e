"""Time limits for tests, scaled to what the machine can do at the moment they are checked.

A limit is written as measured on a quiet 2-core machine. With other CPU-bound processes
beside the suite (other suites, stress-ng), each runnable process gets a share of a core, so
the same work takes longer by about the number of runnable processes per core: the limit grows
by that factor (never shrinks), read from the kernel's 1-minute load average and from the
processes runnable right now, whichever is higher.
"""

from __future__ import annotations

import os

MOST = 8.0  # a limit that needs more than 8 times its quiet value says something is wrong


def busy_factor() -> float:
    cores = os.cpu_count() or 1
    one_minute = os.getloadavg()[0]
    try:
        with open("/proc/loadavg", encoding="ascii") as f:
            running = int(f.read().split()[3].split("/")[0]) - 1  # not counting this process
    except (OSError, ValueError, IndexError):
        running = 0
    return min(MOST, max(1.0, max(one_minute, running) / cores))


def scaled(seconds: float) -> float:
    """`seconds`, a limit on a quiet machine, for this machine now."""
    return seconds * busy_factor()
