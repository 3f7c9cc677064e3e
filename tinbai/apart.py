"""Run a function in a Python process of its own, named 'package.module:function' as the parser
sandbox names its task: for the daemon's rare work whose libraries are heavy.

The daemon serves the review pages and drains the mailboxes for months; whatever it imports it
holds for that long. The report files the pages offer (.xlsx and .docx: openpyxl, python-docx,
lxml) and the strength check of a new password (zxcvbn, whose word lists are ~12 MB of Python
objects) are asked for a few times a day, so each runs in a short-lived child that imports
them, does that one call and exits: ~25 MB less in the daemon at all times, for ~0.5 s a call.
This module imports nothing of the project, so that the function's module is imported by the
child only (bench/memory.py; tests/test_apart.py checks the daemon stays without them).

Arguments and the result travel by pickle over the child's stdin and stdout: both ends are this
program, never a sender's bytes.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import traceback
from pathlib import Path
from typing import Any

from tinbai.funcpath import resolve

# the folder holding the tinbai package: the child imports it wherever the daemon was started from
_ROOT = str(Path(__file__).resolve().parent.parent)
DEFAULT_TIMEOUT = 300.0  # seconds: a spreadsheet of the whole queue (20,000 rows) takes ~30 s


class ApartError(RuntimeError):
    """The child could not do the call: the function raised, the child died, or it took too long."""


def run_apart(func_path: str, *args: Any, timeout: float = DEFAULT_TIMEOUT, **kwargs: Any) -> Any:
    """func(*args, **kwargs) in a fresh child process; its result, or ApartError."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (_ROOT, env.get("PYTHONPATH")) if p)
    try:
        done = subprocess.run([sys.executable, "-m", "tinbai.apart"], input=pickle.dumps((func_path, args, kwargs)),
                              capture_output=True, timeout=timeout, env=env, check=False)
    except subprocess.TimeoutExpired:
        raise ApartError(f"{func_path}: no result within {timeout:g} s") from None
    if done.returncode != 0 or not done.stdout:
        tail = done.stderr.decode("utf-8", "replace")[-2000:]
        raise ApartError(f"{func_path}: the child process failed (exit code {done.returncode}): {tail}")
    if done.stderr:  # what it logged or warned: the daemon's log has it too
        sys.stderr.write(done.stderr.decode("utf-8", "replace"))
    ok, value = pickle.loads(done.stdout)
    if not ok:
        raise ApartError(f"{func_path}: {value}")
    return value


def _child() -> None:
    """The child's side: one call read from stdin, its outcome written to stdout."""
    func_path, args, kwargs = pickle.loads(sys.stdin.buffer.read())
    try:
        outcome = (True, resolve(func_path)(*args, **kwargs))
    except Exception as exc:  # told to the parent, which raises ApartError with it
        last = traceback.extract_tb(exc.__traceback__)[-1:]
        where = f" ({last[0].filename.rsplit('/', 1)[-1]}:{last[0].lineno})" if last else ""
        outcome = (False, f"{type(exc).__name__}: {str(exc)[:1000]}{where}")
    sys.stdout.buffer.write(pickle.dumps(outcome))
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    _child()
