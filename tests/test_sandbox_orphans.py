"""A parser worker whose parent dies as the worker starts exits without a word: no
BrokenPipeError or EOFError traceback on the daemon's stderr. The parent is killed at the exact
moment by a hook: right after the fork server forked the worker but before it was sent its
start-up data (the worker's EOFError), or right after the worker started (its BrokenPipeError
when it reports ready)."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import os, signal, sys, threading
sys.path.insert(0, sys.argv[1])
import multiprocessing.forkserver as fs
import multiprocessing.process as mp
from tinbai.parsers.sandbox import Sandbox

def die():
    os.kill(os.getpid(), signal.SIGKILL)

if sys.argv[2] == "before-data":  # the worker is forked; its start-up data never comes
    real = fs.connect_to_new_process  # what multiprocessing.popen_forkserver calls
    def connect(fds):
        got = real(fds)
        die()
        return got
    fs.connect_to_new_process = connect
else:  # the worker runs; the parent dies before it reads "ready"
    real_start = mp.BaseProcess.start
    def start(self):
        real_start(self)
        die()
    mp.BaseProcess.start = start

if __name__ == "__main__":
    sb = Sandbox("os.path:basename", memory_mb=0, workers=2, preload=("json",))
    threads = [threading.Thread(target=sb.run, args=("/a/b",), kwargs={"timeout": 30}) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("not killed")
"""


@pytest.mark.parametrize("moment", ["before-data", "after-start"])
def test_a_worker_whose_parent_died_exits_without_a_traceback(tmp_path: Path, moment: str) -> None:
    script = tmp_path / "parent.py"
    script.write_text(CHILD)
    # stderr is shared by the parent, the fork server and the workers: its end comes when the
    # last of them has exited, so everything they had to say is in it
    p = subprocess.run([sys.executable, str(script), str(ROOT), moment], capture_output=True, text=True,
                       timeout=120)
    assert p.returncode == -signal.SIGKILL and "not killed" not in p.stdout
    assert "Traceback" not in p.stderr and "Error" not in p.stderr, p.stderr
