"""Run a parser on untrusted bytes in a worker process, with a wall-time limit and a memory cap.

One bad attachment (a decompression bomb, a PDF that loops the parser, a crash
in a C library) must cost that attachment only, never the daemon. So parsing
runs in worker processes:

- started with the "forkserver" method (never a plain fork of the threaded
  daemon, whose locks a forked child could inherit held);
- reused: a worker takes task after task over a pipe, so a message with three
  small files pays for one process start, not three; it is replaced after
  `max_tasks` tasks so that leaks in the parsing libraries stay bounded;
- capped: RLIMIT_AS = the worker's size after importing the function, plus
  `memory_mb` (so the cap is what one file may use, whatever the imports cost).
  Tools the parser starts (antiword, soffice, ffprobe) inherit the cap;
- killed on timeout together with its process group (the worker leads its own
  group, so a LibreOffice it started dies with it), and replaced. A worker that
  dies (a signal, an abort) or hits MemoryError is replaced too. The call returns
  an error result for that task only.

`Sandbox` is thread-safe: it keeps `workers` worker processes and each call
takes an idle one (calls beyond that wait for one to be free).
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import inspect
import multiprocessing
import multiprocessing.resource_tracker
import os
import queue
import resource
import signal
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Self

from tinbai.funcpath import resolve
from tinbai.procmem import WORKER_KEEPS_FREED, FreedMemoryTrimmer, address_space, few_malloc_arenas

_ONE_THREAD = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
# imported by name in the fork server only (its import sets that process's excepthook): see there
ORPHAN_MODULE = "tinbai.parsers.orphan"
IMPORTED_MODULE = "tinbai.parsers.imported"
PARENT_GONE = (BrokenPipeError, ConnectionResetError, EOFError)  # the worker's parent died
WORKER_NICENESS = 10  # added to the parent's: see _serve
START_TIMEOUT = 120.0  # importing the parsing libraries on a busy machine; not part of a task's time
_READY, _OK, _ERROR, _FATAL, _PART = "ready", "ok", "error", "fatal", "part"


@dataclass
class SandboxResult:
    ok: bool
    value: Any = None
    error: str | None = None
    timed_out: bool = False


class SandboxError(RuntimeError):
    """The sandbox itself cannot work (the function cannot be imported, the sandbox is closed)."""


# ---------------------------------------------------------------- worker side

def _worker_main(conn: Any, func_path: str, memory_mb: int, preload: tuple[str, ...] = ()) -> None:
    """The worker: its loop, ended quietly when the parent is gone (it died, or is stopping)."""
    try:
        _serve(conn, func_path, memory_mb, preload)
    except PARENT_GONE:
        return  # nobody is left to read a traceback


def _serve(conn: Any, func_path: str, memory_mb: int, preload: tuple[str, ...]) -> None:
    """The worker's loop: import the function, cap memory, run tasks until told to stop."""
    os.setsid()  # our own process group: the parent kills tools we start along with us
    # below the daemon's own priority: on a machine of two cores the review pages (served by the
    # daemon's process) get a core before the parsing does, which can wait (bench/pages.py)
    os.nice(WORKER_NICENESS)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the daemon, which stops us itself
    for var in _ONE_THREAD:
        os.environ.setdefault(var, "1")  # thread pools reserve address space per thread
    few_malloc_arenas()
    try:
        for module in preload:
            importlib.import_module(module)
        func = resolve(func_path)
        # The libraries' objects came from the fork server: shared pages until written. A garbage
        # collection writes to every object it visits, and each such write copied a page of the
        # fork server's into this worker (tens of MB a worker). Frozen, they are never visited.
        gc.freeze()
        _cap_memory(memory_mb)
    except BaseException as exc:  # reported to the parent, which raises SandboxError
        conn.send((_FATAL, f"{type(exc).__name__}: {exc}"))
        return
    trimmer = FreedMemoryTrimmer(WORKER_KEEPS_FREED)
    conn.send((_READY, os.getpid()))
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return  # the parent is gone
        if task is None:
            return
        args, kwargs = task
        try:
            result = func(*args, **kwargs)
            if inspect.isgenerator(result):
                # a task in parts (Sandbox.run_parts): each part goes back as soon as it is made,
                # so that the parent's time limit applies to each part and it keeps what came
                for part in result:
                    conn.send((_PART, part))
                result = part = None  # held no longer than it takes to send
            reply = (_OK, result)
        except MemoryError:
            reply = (_ERROR, "MemoryError: the task used more memory than allowed")
        except BaseException as exc:  # whatever the task raised is its result
            reply = (_ERROR, _describe(exc))
        try:
            conn.send(reply)
        except MemoryError:
            reply = (_ERROR, "MemoryError: the result was too large to send")
            conn.send(reply)
        except (BrokenPipeError, EOFError, OSError):
            return
        except Exception as exc:  # an unpicklable result
            conn.send((_ERROR, f"result could not be sent: {_describe(exc)}"))
        if reply[0] == _ERROR and reply[1].startswith("MemoryError"):
            return  # the heap may be fragmented or half-freed: a fresh worker is cheaper than doubt
        del task, args, kwargs, reply
        trimmer.between_files()  # between files, not during one (see tinbai.procmem)


def _describe(exc: BaseException) -> str:
    last = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
    where = f" ({last[0].filename.rsplit('/', 1)[-1]}:{last[0].lineno})" if last else ""
    return f"{type(exc).__name__}: {str(exc)[:500]}{where}"


def _cap_memory(memory_mb: int) -> None:
    if memory_mb <= 0:
        return
    limit = address_space() + memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


# ---------------------------------------------------------------- parent side

def _without_resource_tracker() -> None:
    """Keep multiprocessing from starting its resource tracker along with the fork server.

    The tracker is a Python process of its own (~6 MB PSS for the daemon's whole life; issue 18:
    the tree under 300 MB) that unlinks the named semaphores and shared memory a dying process
    leaves behind. The sandbox's processes talk over pipes and create neither, so it would only
    ever idle. multiprocessing takes the tracker as running when its pipe can be written to (the
    liveness probe is a write), and hands that pipe to each child: pointed at /dev/null, nothing
    is started and nothing is lost. Should a future multiprocessing lack this attribute, the
    tracker simply runs as before."""
    tracker = getattr(multiprocessing.resource_tracker, "_resource_tracker", None)
    if tracker is not None and getattr(tracker, "_fd", 0) is None:  # none started yet
        tracker._fd = os.open(os.devnull, os.O_WRONLY)


class _NotTaken(Exception):
    """The task could not be sent: the worker was gone before it took it."""


class _Worker:
    def __init__(self, ctx: Any, func_path: str, memory_mb: int, preload: tuple[str, ...]) -> None:
        parent_conn, child_conn = ctx.Pipe(duplex=True)
        self.process = ctx.Process(
            target=_worker_main, args=(child_conn, func_path, memory_mb, preload), daemon=True,
            name="tinbai-sandbox",
        )
        self.process.start()
        child_conn.close()
        self.conn = parent_conn
        self.tasks = 0
        self.dead = False
        if not self.conn.poll(START_TIMEOUT):
            self.kill()
            raise SandboxError(f"the sandbox worker for {func_path} did not start in {START_TIMEOUT:.0f} s")
        try:
            kind, payload = self.conn.recv()
        except (EOFError, OSError):
            self.kill()
            raise SandboxError(f"the sandbox worker for {func_path} died while starting") from None
        if kind != _READY:
            self.kill()
            raise SandboxError(f"the sandbox worker cannot run {func_path}: {payload}")
        self.pid: int = payload

    def call(self, args: tuple, kwargs: dict, timeout: float,
             on_part: Callable[[Any], None] | None = None) -> SandboxResult:
        self.tasks += 1
        try:
            self.conn.send((args, kwargs))
        except (BrokenPipeError, EOFError, OSError) as e:
            raise _NotTaken from e
        while True:
            if not self.conn.poll(timeout):
                self.kill()
                return SandboxResult(False, error=f"timeout: no result within {timeout:g} s", timed_out=True)
            try:
                kind, payload = self.conn.recv()
            except (EOFError, OSError):
                return SandboxResult(False, error=self._death())
            if kind == _PART:
                if on_part is not None:
                    try:
                        on_part(payload)  # and the next part has `timeout` of its own
                    except BaseException:
                        self.kill()  # still working: its next parts must not reach another task
                        raise
                continue
            if kind == _OK:
                return SandboxResult(True, value=payload)
            return SandboxResult(False, error=payload)

    def _death(self) -> str:
        self.process.join(5)
        code = self.process.exitcode
        self.kill()
        if code is not None and code < 0:
            with contextlib.suppress(ValueError):
                return f"worker killed by signal {signal.Signals(-code).name}"
        return f"worker died (exit code {code})"

    def alive(self) -> bool:
        return not self.dead and self.process.is_alive()

    def stop(self) -> None:
        """Ask the worker to finish; kill it if it does not."""
        if self.dead:
            return
        with contextlib.suppress(OSError, ValueError):
            self.conn.send(None)
        self.process.join(2)
        self.kill()

    def kill(self) -> None:
        """Kill the worker and every process of its group (idempotent)."""
        if self.dead:
            return
        self.dead = True
        if self.process.exitcode is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)
            with contextlib.suppress(ProcessLookupError, PermissionError):
                self.process.kill()
        self.process.join(5)
        self.conn.close()
        with contextlib.suppress(ValueError):  # still running after SIGKILL: leave it to the OS
            self.process.close()


class Sandbox:
    """Runs `func_path` ('module:function') in worker processes with limits.

    run(*args, timeout=…) -> SandboxResult. Arguments and results travel by pickle.
    Thread-safe; `workers` calls run at once. Use as a context manager or call close().
    `preload`: modules each worker imports before its memory is measured (heavy
    libraries such as pypdfium2 or cv2), so that memory_mb is left for the files.
    The program's main module must be importable without side effects
    (`if __name__ == "__main__":`): multiprocessing imports it in each worker.
    """

    def __init__(self, func_path: str, memory_mb: int = 1024, *, workers: int = 1, max_tasks: int = 200,
                 preload: tuple[str, ...] = (), start_method: str = "forkserver") -> None:
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.func_path = func_path
        # orphan first: the fork server and its workers drop the tracebacks of a parent gone;
        # imported last: what the imports alone read is given back
        self.preload = (ORPHAN_MODULE, *preload, IMPORTED_MODULE)
        self.memory_mb = memory_mb
        self.max_tasks = max_tasks
        self._ctx = multiprocessing.get_context(start_method)
        if start_method == "forkserver" and self.preload:
            # The fork server imports the libraries once: a replacement worker (after a timeout,
            # a crash or max_tasks files) is ready in ~25 ms instead of ~400 ms, and shares those
            # pages until it writes to them. The fork server must be single-threaded when it
            # forks, so the numerical libraries' thread pools are kept from starting there.
            # Takes effect if the fork server is not running yet (it starts with the first worker).
            for var in _ONE_THREAD:
                os.environ.setdefault(var, "1")
            self._ctx.set_forkserver_preload(list(self.preload))
        if start_method == "forkserver":
            _without_resource_tracker()
        self._idle: queue.LifoQueue[_Worker | None] = queue.LifoQueue()
        for _ in range(workers):
            self._idle.put(None)  # started on first use
        self._closed = False
        self._lock = threading.Lock()
        self._all: set[_Worker] = set()

    def run(self, *args: Any, timeout: float, **kwargs: Any) -> SandboxResult:
        """Run the function on the arguments in a worker; never raises for what the task does.

        timeout: seconds of wall time the task may take (worker start-up not counted).
        """
        return self._run(args, kwargs, timeout, None)

    def run_parts(self, *args: Any, timeout: float, on_part: Callable[[Any], None], **kwargs: Any
                  ) -> SandboxResult:
        """Run a generator function in a worker: on_part(part) for each part it yields, here,
        as each arrives; then the result (value None), or the error that stopped it.

        timeout: seconds of wall time each part may take. A task stopped by its limit or a crash
        has delivered the parts before the one it was making."""
        return self._run(args, kwargs, timeout, on_part)

    def _run(self, args: tuple, kwargs: dict, timeout: float, on_part: Callable[[Any], None] | None
             ) -> SandboxResult:
        if self._closed:
            raise SandboxError("the sandbox is closed")
        worker = self._idle.get()
        try:
            worker = self._ready(worker)
            try:
                result = worker.call(args, kwargs, timeout, on_part)
            except _NotTaken:
                # the idle worker had died (killed from outside) before taking the task: once
                # more with a new one
                self._discard(worker)
                worker = self._ready(None)
                result = worker.call(args, kwargs, timeout, on_part)
            spent = worker.tasks >= self.max_tasks or "MemoryError" in (result.error or "")
            if spent or not worker.alive():
                self._discard(worker)
                worker = None
            return result
        finally:
            self._release(worker)

    def _ready(self, worker: _Worker | None) -> _Worker:
        if worker is not None and worker.alive():
            return worker
        if worker is not None:
            self._discard(worker)
        worker = _Worker(self._ctx, self.func_path, self.memory_mb, self.preload)
        with self._lock:
            self._all.add(worker)
        return worker

    def _discard(self, worker: _Worker) -> None:
        if worker.alive():
            worker.stop()
        else:
            worker.kill()
        with self._lock:
            self._all.discard(worker)

    def _release(self, worker: _Worker | None) -> None:
        if self._closed and worker is not None:
            self._discard(worker)
            worker = None
        self._idle.put(worker)

    def worker_pids(self) -> list[int]:
        """Process ids of the live workers (for monitoring and tests)."""
        with self._lock:
            return sorted(w.pid for w in self._all if w.alive())

    def close(self) -> None:
        """Stop every worker. Calls still running finish; their worker is stopped afterwards."""
        self._closed = True
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                break
            if worker is not None:
                self._discard(worker)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
