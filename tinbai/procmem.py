"""glibc malloc settings for processes that handle megabyte buffers (emails, photos, pages).

glibc serves a large allocation from its own mmap only above a threshold, and raises that
threshold (up to 32 MB) each time such a block is freed. After the first few photos, the
base64 text, decoded bytes and decoded pixels of every message come from the heap and the
thread arenas, which keep the memory once it is freed: the daemon's RSS stayed at its
high-water mark, 260-300 MB with 150 MB of it in freed buffers (bench/ingest.py). A fixed
threshold of 1 MB gives the big buffers back when they are freed (daemon ~205 MB, parser
workers ~80 MB less) for a few per cent of speed (fresh pages for each of them).
"""

from __future__ import annotations

import contextlib
import ctypes
import os

M_MMAP_THRESHOLD = -3  # mallopt parameter (malloc.h)
MMAP_THRESHOLD = 1024 * 1024


def give_big_buffers_back() -> None:
    """For this process (mallopt) and for the processes it starts from now on (environment)."""
    os.environ.setdefault("MALLOC_MMAP_THRESHOLD_", str(MMAP_THRESHOLD))  # glibc reads it at start
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to tune
        ctypes.CDLL("libc.so.6").mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)
