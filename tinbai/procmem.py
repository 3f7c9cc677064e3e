"""glibc malloc settings and /proc readings for processes that handle megabyte buffers (emails, photos, pages).

glibc serves a large allocation from its own mmap only above a threshold, and raises that
threshold (up to 32 MB) each time such a block is freed. After the first few photos, the
base64 text, decoded bytes and decoded pixels of every message come from the heap and the
thread arenas, which keep the memory once it is freed: the daemon's RSS stayed at its
high-water mark (260-300 MB on bench/ingest.py, with ~30 MB of live Python objects).

- The daemon (give_big_buffers_back): a fixed 1 MB threshold, so that an email's big buffers
  go back when freed (~205 MB). Set in this process only, not in the environment: OCR and the
  page arrays of a scan allocate many such buffers, and fresh pages for each made scanned PDFs
  25 % slower.
- The daemon trims too, before each message it reads (tinbai.extract.analyse, DAEMON_KEEPS_FREED):
  the smaller buffers of the messages before it (under the threshold) were freed into the heap
  and the reading threads' arenas; given back, ~7 MB less (bench/memory.py).
- The fork server, once its imports are done (release_import_pages): the pages of the libraries'
  files that only the imports read (their initialisation code and tables) are handed back to the
  kernel: 67 -> 48 MB PSS (bench/memory.py). Not the daemon: it reads most of them again as it
  works (~1 MB less at its peak, within the noise).
- The parser workers (FreedMemoryTrimmer): malloc_trim between files instead, so that a file
  is read at full speed and what it freed is given back before the next one, once a worker is
  WORKER_KEEPS_FREED over its starting size (trimming after every file made each file fault in
  fresh pages).
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import os

M_MMAP_THRESHOLD, M_ARENA_MAX = -3, -8  # mallopt parameters (malloc.h)
MADV_PAGEOUT = 21  # madvise advice (linux/mman.h), Linux 5.4 and later
MMAP_THRESHOLD = 1024 * 1024
WORKER_KEEPS_FREED = 24 * 1024 * 1024
# the daemon's anonymous memory grows with its caches too, so this is crossed early and the
# trim made before each message: ~1 ms, against the tens of ms a message takes the daemon
DAEMON_KEEPS_FREED = 8 * 1024 * 1024


@functools.cache
def _libc():
    with contextlib.suppress(OSError):
        return ctypes.CDLL("libc.so.6")
    return None  # not glibc: nothing to tune


def _call(name: str, *args: int) -> None:
    libc = _libc()
    with contextlib.suppress(AttributeError):  # a libc without it: nothing to tune
        if libc is not None:
            getattr(libc, name)(*args)


def give_big_buffers_back() -> None:
    _call("mallopt", M_MMAP_THRESHOLD, MMAP_THRESHOLD)


def address_space() -> int:
    """This process's virtual size: what RLIMIT_AS counts."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def anonymous_bytes() -> int:
    """This process's resident anonymous memory (its heap, not the libraries' pages); 0 where
    /proc does not tell (then FreedMemoryTrimmer never trims)."""
    try:
        with open("/proc/self/status", "rb") as f:
            for line in f:
                if line.startswith(b"RssAnon:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class FreedMemoryTrimmer:
    """malloc_trim between files, once the process's anonymous memory is more than `keep` bytes
    over what it was at start (`start`, after the imports).

    Giving freed memory back costs the next file fresh pages, which the kernel zeroes: trimming
    after every file took ~7 ms of kernel time a message on the ingest bench (photos), a sixth
    of the parser workers' time. Letting a worker keep a few tens of MB spares most of that."""

    def __init__(self, keep: int) -> None:
        self.keep = keep
        self.start = anonymous_bytes()

    def between_files(self) -> None:
        if anonymous_bytes() - self.start > self.keep:
            _call("malloc_trim", 0)


def few_malloc_arenas() -> None:
    """glibc reserves 64 MB of address space per thread arena: under RLIMIT_AS (the parser
    workers' cap) a few threads in a C library would exhaust the cap without using any memory."""
    _call("mallopt", M_ARENA_MAX, 2)


@functools.cache
def _madvise():
    libc = _libc()
    madvise = getattr(libc, "madvise", None) if libc is not None else None
    if madvise is not None:
        madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    return madvise


def release_import_pages() -> int:
    """Give back the pages of the files this process maps (shared libraries, extension modules)
    that no other process has in memory; returns how many mappings were advised.

    Importing cv2, cryptography, numpy and the rest reads a good part of each library (its
    initialisation, its relocation and symbol tables) that is never touched again: in the fork
    server, which only imports and forks, those pages were a quarter of its memory for the
    daemon's whole life. madvise(MADV_PAGEOUT) reclaims a file page only where this process
    alone maps it, and keeps the content (a page needed again is read back from its file); the
    anonymous pages (the heap, the relocated data) are not given up, there being no swap. A
    kernel without MADV_PAGEOUT (before 5.4) refuses the advice and nothing changes."""
    madvise = _madvise()
    if madvise is None:
        return 0
    advised = 0
    try:
        with open("/proc/self/maps") as f:
            mappings = [line.split() for line in f]
    except OSError:
        return 0
    for fields in mappings:
        if len(fields) < 6 or not fields[5].startswith("/"):  # anonymous, [heap], [stack]…
            continue
        start, end = (int(x, 16) for x in fields[0].split("-"))
        if madvise(start, end - start, MADV_PAGEOUT) == 0:
            advised += 1
    return advised
