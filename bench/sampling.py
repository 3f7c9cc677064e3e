"""Memory and CPU of a process and of its whole tree, sampled while a benchmark runs."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import psutil


@dataclass
class RssSampler:
    """Peak memory of a process and of its whole tree, sampled every `every` seconds in a thread.

    RSS counts a page once per process that maps it, so the tree's RSS counts the parser
    workers' shared pages (the libraries the forkserver loaded before forking them) several
    times. PSS (proportional set size, /proc/PID/smaps_rollup) splits each shared page between
    the processes sharing it: the sum over the tree is the memory the tree really takes.
    PSS is read every `pss_every`-th sample (it costs a walk of the page tables)."""

    pid: int
    # Reading PSS walks every page table of the tree (smaps_rollup): every 0.2 s it took ~4 % of
    # this 2-core machine away from what it measured. RSS every 0.1 s, PSS every second.
    every: float = 0.1
    pss_every: int = 10
    peak_main: int = 0
    peak_tree: int = 0
    peak_tree_pss: int = 0
    # the peak's PSS by role: the daemon, its direct children (the fork server; the resource tracker before 2026-12-05), and
    # theirs (the parser workers)
    peak_pss_parts: dict[str, int] = field(default_factory=dict)
    # CPU seconds (user + system) last seen for each process: the daemon, and its children
    # (parser workers, their fork server; a worker replaced mid-run keeps its last reading)
    cpu: dict[int, float] = field(default_factory=dict)
    cpu_system: dict[int, float] = field(default_factory=dict)  # of which in the kernel
    cpu_at_start: dict[int, float] = field(default_factory=dict)  # the first sample's readings
    cpu_system_at_start: dict[int, float] = field(default_factory=dict)
    samples: list[tuple[float, int, int]] = field(default_factory=list)  # (time, main, tree)
    _stop: threading.Event = field(default_factory=threading.Event)

    def __enter__(self) -> RssSampler:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def cpu_seconds(self, system: bool = False) -> tuple[float, float]:
        """CPU seconds used by the daemon itself and by its children while sampled
        (system: only those spent in the kernel)."""
        start = self.cpu_system_at_start if system else self.cpu_at_start
        used = {pid: t - start.get(pid, 0.0) for pid, t in (self.cpu_system if system else self.cpu).items()}
        return used.get(self.pid, 0.0), sum(t for pid, t in used.items() if pid != self.pid)

    def _run(self) -> None:
        try:
            proc = psutil.Process(self.pid)
        except psutil.NoSuchProcess:
            return
        tick = 0
        while not self._stop.is_set():
            try:
                procs = [proc, *proc.children(recursive=True)]
                main = proc.memory_info().rss
                tree = pss = 0
                parts: dict[str, int] = {}
                for p in procs:
                    try:
                        times = p.cpu_times()
                        self.cpu[p.pid] = times.user + times.system
                        self.cpu_system[p.pid] = times.system
                        if tick % self.pss_every == 0:
                            full = p.memory_full_info()
                            tree += full.rss
                            pss += full.pss
                            role = ("daemon" if p.pid == self.pid else
                                    "fork server" if p.ppid() == self.pid else "parser workers")
                            parts[role] = parts.get(role, 0) + full.pss
                        else:
                            tree += p.memory_info().rss
                    except (psutil.NoSuchProcess, psutil.AccessDenied):
                        pass
            except psutil.NoSuchProcess:
                return
            self.peak_main = max(self.peak_main, main)
            if tick == 0:
                self.cpu_at_start = dict(self.cpu)
                self.cpu_system_at_start = dict(self.cpu_system)
            self.peak_tree = max(self.peak_tree, tree)
            if pss > self.peak_tree_pss:
                self.peak_tree_pss, self.peak_pss_parts = pss, parts
            self.samples.append((time.monotonic(), main, tree))
            tick += 1
            self._stop.wait(self.every)
