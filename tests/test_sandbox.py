"""The sandbox: time and memory limits per call, crashes contained, workers reused."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from PIL import Image

from tests.pace import scaled
from tinbai.parsers.facts import FileFacts, ParseLimits
from tinbai.parsers.sandbox import Sandbox, SandboxError

ROOT = Path(__file__).resolve().parent.parent
HERE = __name__  # the worker imports this module by the name pytest gave it


# ---------------------------------------------------------------- tasks the worker runs

def double(x: int) -> tuple[int, int]:
    return x * 2, os.getpid()


def spin() -> None:
    while True:
        pass


def allocate(gigabytes: int) -> int:
    return len(bytearray(gigabytes * 1024**3))


def segfault() -> None:
    os.kill(os.getpid(), signal.SIGSEGV)


def fail() -> None:
    raise ValueError("tệp hỏng")


def sleep(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def spawn_sleeper(seconds: str = "60") -> None:
    """A task that starts a tool (like soffice) and then hangs."""
    import subprocess

    subprocess.Popen(["sleep", seconds])  # a tool that outlives its parent unless the group is killed
    time.sleep(60)


def unpicklable() -> object:
    return threading.Lock()


def count_slowly(pauses: list[float]):
    """A task in parts: one part per pause, each after sleeping that long."""
    for i, pause in enumerate(pauses):
        if pause < 0:
            raise ValueError(f"part {i} broke")
        time.sleep(pause)
        yield i, os.getpid()


# ---------------------------------------------------------------- tests

@pytest.fixture
def sandbox():
    with Sandbox(f"{HERE}:double", memory_mb=256) as sb:
        yield sb


def test_success_reuses_one_worker(sandbox):
    first = sandbox.run(21, timeout=30)
    second = sandbox.run(5, timeout=30)
    assert first.ok and first.value[0] == 42
    assert second.ok and second.value[0] == 10
    assert first.value[1] == second.value[1] != os.getpid()  # same worker, not this process


def test_endless_loop_is_stopped_on_time_and_the_sandbox_goes_on():
    with Sandbox(f"{HERE}:spin", memory_mb=256) as sb:
        start = time.monotonic()
        result = sb.run(timeout=1)
        elapsed = time.monotonic() - start
        assert not result.ok and result.timed_out
        assert elapsed < scaled(3)
        again = sb.run(timeout=0.5)
        assert again.timed_out


def test_memory_cap_turns_a_4gb_allocation_into_an_error():
    with Sandbox(f"{HERE}:allocate", memory_mb=256) as sb:
        result = sb.run(4, timeout=30)
        assert not result.ok and not result.timed_out
        assert "MemoryError" in result.error
        assert sb.run(0, timeout=30).ok  # a fresh worker afterwards


def test_segfault_costs_that_call_only():
    with Sandbox(f"{HERE}:segfault", memory_mb=256) as sb:
        result = sb.run(timeout=30)
        assert not result.ok and not result.timed_out
        assert "SIGSEGV" in result.error
        assert "SIGSEGV" in sb.run(timeout=30).error  # and the next call gets a new worker


def test_exception_is_a_result_and_keeps_the_worker():
    with Sandbox(f"{HERE}:fail", memory_mb=256) as sb:
        result = sb.run(timeout=30)
        assert not result.ok and result.error.startswith("ValueError: tệp hỏng")
        pids = sb.worker_pids()
        assert sb.run(timeout=30).error.startswith("ValueError")
        assert sb.worker_pids() == pids


def test_unpicklable_result_is_an_error():
    with Sandbox(f"{HERE}:unpicklable", memory_mb=256) as sb:
        result = sb.run(timeout=30)
        assert not result.ok and "could not be sent" in result.error


def test_timeout_kills_the_tools_a_task_started():
    # a duration no other suite's sleeper has (several suites run beside each other on this machine)
    mine = f"60.{os.getpid()}"
    with Sandbox(f"{HERE}:spawn_sleeper", memory_mb=256) as sb:
        sb.run(mine, timeout=1)
        assert sb.worker_pids() == []

    def survivors() -> list[str]:  # our sleeper, alive: the kill of its group has not reached it
        found = []
        for pid in os.listdir("/proc"):
            if pid.isdigit():
                try:
                    with open(f"/proc/{pid}/cmdline", "rb") as f:
                        cmd = f.read()
                    with open(f"/proc/{pid}/stat") as f:
                        state = f.read().rsplit(")", 1)[1].split()[0]
                except OSError:
                    continue
                if cmd == b"sleep\x00" + mine.encode() + b"\x00" and state != "Z":
                    found.append(pid)
        return found

    # the group is SIGKILLed when the task times out; the kernel ends its members a moment later
    deadline = time.monotonic() + scaled(5)
    while survivors() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert survivors() == []


def test_worker_is_recycled_after_max_tasks():
    with Sandbox(f"{HERE}:double", memory_mb=256, max_tasks=2) as sb:
        pids = [sb.run(1, timeout=30).value[1] for _ in range(4)]
    assert pids[0] == pids[1] != pids[2] == pids[3]


def test_two_workers_run_in_parallel():
    with Sandbox(f"{HERE}:sleep", memory_mb=256, workers=2) as sb:
        sb.run(0, timeout=30)  # start-up is not what is measured
        results = []
        start = time.monotonic()
        threads = [threading.Thread(target=lambda: results.append(sb.run(2.0, timeout=30))) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - start
    assert all(r.ok for r in results) and len({r.value for r in results}) == 2
    assert elapsed < 3.5  # one after the other: 4 s at least, however busy the machine


def test_bad_function_path_and_closed_sandbox():
    with pytest.raises(SandboxError):
        Sandbox("tinbai.parsers.no_such_module:f", memory_mb=256).run(timeout=30)
    sb = Sandbox(f"{HERE}:double", memory_mb=256)
    sb.close()
    with pytest.raises(SandboxError):
        sb.run(1, timeout=30)


def test_parsing_an_attachment_in_the_sandbox():
    out = io.BytesIO()
    Image.new("RGB", (80, 60), "red").save(out, "JPEG")
    photo = out.getvalue()
    with Sandbox("tinbai.parsers.formats:parse_file", memory_mb=512) as sb:
        good = sb.run(photo, "anh.jpg", ParseLimits(), timeout=60)
        cut = sb.run(photo[: len(photo) // 2], "anh.jpg", ParseLimits(), timeout=60)
    assert good.ok and isinstance(good.value, FileFacts)
    assert good.value.detected_type == "jpg" and good.value.info["width"] == 80
    assert cut.ok and [c for c, _ in cut.value.findings] == ["unreadable"]


def test_parts_arrive_one_by_one_and_each_has_the_time_limit():
    with Sandbox(f"{HERE}:count_slowly", memory_mb=256) as sb:
        parts: list = []
        # four parts of 0.4 s: 1.6 s in all, more than the limit, but each part is within it
        result = sb.run_parts([0.4, 0.4, 0.4, 0.4], timeout=1.0, on_part=parts.append)
        assert result.ok and result.value is None
        assert [i for i, _pid in parts] == [0, 1, 2, 3]
        assert parts[0][1] != os.getpid()
        # the same worker then takes a plain task
        assert sb.run([0.0], timeout=5).ok


def test_a_part_over_the_limit_keeps_the_parts_before_it():
    with Sandbox(f"{HERE}:count_slowly", memory_mb=256) as sb:
        parts: list = []
        started = time.monotonic()
        result = sb.run_parts([0.0, 0.0, 30.0, 0.0], timeout=1.0, on_part=parts.append)
        assert time.monotonic() - started < scaled(10)
        assert result.timed_out and [i for i, _ in parts] == [0, 1]
        first_worker = parts[0][1]
        again: list = []
        assert sb.run_parts([0.0], timeout=5, on_part=again.append).ok
        assert again[0][1] != first_worker  # the stopped worker was replaced


def test_a_part_that_raises_ends_the_task_with_its_error():
    with Sandbox(f"{HERE}:count_slowly", memory_mb=256) as sb:
        parts: list = []
        result = sb.run_parts([0.0, -1.0, 0.0], timeout=5, on_part=parts.append)
        assert not result.ok and not result.timed_out
        assert result.error.startswith("ValueError: part 1 broke")
        assert [i for i, _ in parts] == [0]


def test_the_caller_breaking_on_a_part_does_not_leave_the_worker_busy():
    with Sandbox(f"{HERE}:count_slowly", memory_mb=256, workers=1) as sb:
        def refuse(part):
            raise RuntimeError("a bug in the caller")

        with pytest.raises(RuntimeError):
            sb.run_parts([0.0, 0.0, 0.0], timeout=5, on_part=refuse)
        parts: list = []
        assert sb.run_parts([0.0, 0.0], timeout=5, on_part=parts.append).ok
        assert [i for i, _ in parts] == [0, 1]  # none of the first task's parts


def test_no_resource_tracker_beside_the_fork_server():
    # a process of its own for the daemon's whole life, with nothing to track: the sandbox uses
    # neither named semaphores nor shared memory (issue 18: the tree's memory)
    code = ("import psutil\n"
            "from tinbai.parsers.sandbox import Sandbox\n"
            "if __name__ == '__main__':\n"
            "    with Sandbox('os:getpid') as sb:\n"
            "        assert sb.run(timeout=60).ok\n"
            "        print('\\n'.join(' '.join(p.cmdline()) for p in psutil.Process().children(recursive=True)))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                         timeout=scaled(120)).stdout
    assert "multiprocessing.forkserver" in out
    assert "resource_tracker" not in out
