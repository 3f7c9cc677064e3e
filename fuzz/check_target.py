"""atheris (coverage-guided, libFuzzer) target for tinbai.pipeline.check, the function behind
`main.py check`: no input may make `check` raise, or take longer than its limits allow.

Each input is the raw bytes of one message (an .eml file, as `main.py check FILE.eml` reads),
checked the way the CLI does: config.toml from the repository, one of its profiles (default
thainguyen-thads, or $TINBAI_FUZZ_PROFILE), that profile's WorkCalendar with the config's
overrides, a fixed received time (RECEIVED, instead of the message's Date: or the clock), and
the report turned into JSON (`report.to_dict()`, as `--json` prints it). Anything raised
propagates: atheris reports it as a crash with its traceback and writes the input to
crash-<sha1>. A crash file is an ordinary message; reproduce it with the CLI:

    .venv/bin/python main.py check --json --profile thainguyen-thads \\
        --received 2026-04-29T09:00:00+07:00 crash-<sha1>

Running:

    .venv/bin/python fuzz/check_target.py -timeout=60 -max_total_time=300 fuzz/corpus
    .venv/bin/python fuzz/check_target.py -runs=2000 -timeout=60 fuzz/corpus
    .venv/bin/python fuzz/check_target.py crash-<sha1>          # re-run one input

Corpus folders given on the command line that are missing or empty get the seed messages
(fuzz/seeds.py: real submissions made with tinbai.demo_samples); libFuzzer adds what it finds to
the first one. With no folder at all, the corpus is $TMPDIR/tinbai-fuzz-corpus (kept between runs).

Parsing attachments: in the sandbox, as the daemon does. Files are read by
tinbai.extract.analyse.Analyser in forkserver worker processes with the profile's memory cap and
per-file time limit; one Analyser (one set of workers) serves every input, as in the daemon, so
after the first input the cost of the sandbox is a pipe round trip per file, not a process start.
That keeps the fuzzer usable (about 100 inputs a second on 2 cores over the seed corpus; a
5-minute run made 32,000), so the sandbox is the default. What the sandbox hides: the
parsers run in other processes, so their coverage does not guide libFuzzer (only the parent's
MIME parsing, report building and rules are measured; what a file's FileFacts make the rules do
still counts), and what a parser raises becomes attachment.unreadable, by design.
TINBAI_FUZZ_IN_PROCESS=1 runs analyse_file in this process instead (instrumented too, and an
exception from it is a crash, since analyse_file promises never to raise for a bad file); it has
no per-file time or memory limit, so there libFuzzer's -timeout / -rss_limit_mb are the limits,
and a timeout found that way is a parser the sandbox would have cut off, not a hang of `check`.
It reaches about twice the coverage (cov 2600 against 1270 after 5 minutes) at ~80 inputs a second.

Limits, and how a hang shows:
- the profile's per-file limit is lowered to SECONDS_PER_FILE (5 s, $TINBAI_FUZZ_SECONDS_PER_FILE;
  config.toml has 30 s), as in tests/test_fuzz_mime.py, so that a file that hits it costs 5 s;
- the target times its own work (everything but reading the files: MIME parsing, the rules, the
  report) and raises if that took OWN_SECONDS (20 s, generous for a busy 2-core machine) or more,
  and raises if one file took longer than its limit plus a worker's start (START_TIMEOUT): a
  check that is slow but returns is a crash with a traceback too;
- a check that never returns: libFuzzer's -timeout=N (seconds per input) aborts the run with
  "ALARM: working on the last Unit for N seconds", the Python stack, and a timeout-<sha1> file.
  Pick N above a message's legitimate worst case (a few files at 5 s each + 20 s); 60 is good.

Only the tinbai modules are instrumented (atheris.instrument_imports(include=["tinbai"]), not
the standard library or the parsing libraries); tinbai imports many of its modules lazily, so
those on the check path are imported here, inside the instrumenting block.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import pkgutil
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

# Nothing but definitions at module level: the sandbox's forkserver imports this main module
# (as __mp_main__) before it starts parser workers.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

VN = ZoneInfo("Asia/Ho_Chi_Minh")
RECEIVED = datetime(2026, 4, 29, 9, 0, tzinfo=VN)  # a Wednesday morning, a working day
PROFILE = os.environ.get("TINBAI_FUZZ_PROFILE", "thainguyen-thads")
IN_PROCESS = os.environ.get("TINBAI_FUZZ_IN_PROCESS", "") not in ("", "0")
SECONDS_PER_FILE = float(os.environ.get("TINBAI_FUZZ_SECONDS_PER_FILE", "5"))
OWN_SECONDS = 20.0

# the modules on check's path; tinbai.parsers, tinbai.extract and tinbai.rules are imported whole
CHECK_MODULES = ("tinbai.pipeline", "tinbai.message", "tinbai.textutil", "tinbai.calendar", "tinbai.report",
                 "tinbai.config")
CHECK_PACKAGES = ("tinbai.parsers", "tinbai.extract", "tinbai.rules")


class LimitExceeded(AssertionError):
    """check returned, but later than its limits allow."""


def _import_check_modules() -> None:
    for name in CHECK_MODULES:
        importlib.import_module(name)
    for package in CHECK_PACKAGES:
        pkg = importlib.import_module(package)
        for info in pkgutil.walk_packages(pkg.__path__, package + "."):
            importlib.import_module(info.name)


def _make_analyser():
    """The daemon's Analyser (sandboxed workers), timing each file; or analyse_file in-process."""
    from tinbai.extract.analyse import Analyser
    from tinbai.extract.reading import analyse_file
    from tinbai.parsers.sandbox import SandboxResult

    class InProcess:
        """Stands in for the Sandbox: runs analyse_file here and lets what it raises propagate."""

        def run(self, task, filename, data, limits, *, timeout):
            return SandboxResult(ok=True, value=analyse_file(filename, data, limits))

        def close(self) -> None:
            pass

    class TimedAnalyser(Analyser):
        def __init__(self) -> None:
            super().__init__()
            self.spent: list[float] = []  # seconds per file of the current input

        def _sandbox(self, memory_mb: int):
            return InProcess() if IN_PROCESS else super()._sandbox(memory_mb)

        def read_message(self, raw, limits):
            # the daemon parses the MIME structure in a worker too; here it stays in this
            # process, where atheris sees its coverage, and each file is timed on its own
            return self.read_message_here(raw, limits)

        def analyse(self, filename, data, limits):
            started = time.monotonic()
            try:
                return super().analyse(filename, data, limits)
            finally:
                self.spent.append(time.monotonic() - started)

    return TimedAnalyser()


class Target:
    def __init__(self) -> None:
        from tinbai.calendar import WorkCalendar
        from tinbai.config import load_config
        from tinbai.parsers.sandbox import START_TIMEOUT
        from tinbai.pipeline import check

        cfg = load_config(ROOT / "config.toml")
        profile = cfg.profile(PROFILE)
        self.profile = profile.model_copy(update={"limits": profile.limits.model_copy(
            update={"seconds_per_file": SECONDS_PER_FILE})})
        self.calendar = WorkCalendar.for_profile(self.profile, cfg)
        self.analyser = _make_analyser()
        self.check = check
        self.file_limit = SECONDS_PER_FILE + START_TIMEOUT  # a worker killed at its limit is replaced

    def __call__(self, data: bytes) -> None:
        self.analyser.spent.clear()
        started = time.monotonic()
        report = self.check(data, self.profile, RECEIVED, calendar=self.calendar, analyser=self.analyser)
        json.dumps(report.to_dict(), ensure_ascii=False, indent=2)  # what `main.py check --json` prints
        took = time.monotonic() - started
        own = took - sum(self.analyser.spent)
        if own >= OWN_SECONDS:
            raise LimitExceeded(f"check's own work took {own:.1f} s (limit {OWN_SECONDS:g} s) "
                                f"for {len(data)} bytes, {len(self.analyser.spent)} files")
        if not IN_PROCESS:
            for i, spent in enumerate(self.analyser.spent):
                if spent >= self.file_limit:
                    raise LimitExceeded(f"file {i + 1} took {spent:.1f} s (limit {SECONDS_PER_FILE:g} s "
                                        f"+ a worker start)")


def _seed_corpus(argv: list[str]) -> list[str]:
    """Seed the corpus folders named on the command line (those missing or empty); without any
    file or folder named, $TMPDIR/tinbai-fuzz-corpus (seeded when empty) is the corpus."""
    from fuzz.seeds import write_seeds

    paths = [a for a in argv[1:] if not a.startswith("-")]
    for p in paths:
        path = Path(p)
        if not path.exists() or (path.is_dir() and not any(path.iterdir())):
            write_seeds(path)
    if paths:
        return argv
    # libFuzzer ends the process with exit(): no atexit handler would remove a temporary folder
    default = Path(tempfile.gettempdir()) / "tinbai-fuzz-corpus"
    if not default.is_dir() or not any(default.iterdir()):
        write_seeds(default)
    return [*argv, str(default)]


def main() -> None:
    import atheris

    logging.basicConfig(level=logging.ERROR)  # the parsers' warnings about bad files are expected
    with atheris.instrument_imports(include=["tinbai"]):
        _import_check_modules()
    target = Target()
    argv = _seed_corpus(sys.argv)  # after the instrumented imports: the seeds import tinbai too
    atheris.Setup(argv, target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
