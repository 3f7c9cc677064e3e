"""The atheris target for pipeline.check (fuzz/check_target.py) runs: a short, fixed libFuzzer run
(seeded, a few hundred inputs) over the seed corpus ends without a crash or a timeout.

A real search is a longer run by hand, see the target's docstring, e.g.
    .venv/bin/python fuzz/check_target.py -timeout=60 -max_total_time=300 fuzz/corpus
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fuzz.seeds import write_seeds

pytest.importorskip("atheris", reason="atheris is not installed (the test extra of pyproject.toml)")

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "fuzz" / "check_target.py"
RUNS = 300

pytestmark = pytest.mark.timeout(240)


def test_the_check_target_runs_inputs_without_a_crash(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    seeds = write_seeds(corpus)
    artifacts = tmp_path / "artifacts"
    artifacts.mkdir()
    started = time.monotonic()
    p = subprocess.run(
        [sys.executable, str(TARGET), f"-runs={RUNS}", "-seed=1", "-timeout=60", "-max_total_time=90",
         f"-artifact_prefix={artifacts}/", str(corpus)],
        cwd=tmp_path, capture_output=True, text=True, errors="replace", timeout=200, check=False)
    took = time.monotonic() - started
    out = p.stdout + p.stderr
    tail = out[-4000:]
    assert p.returncode == 0, f"exit {p.returncode} after {took:.0f} s; found: {sorted(artifacts.iterdir())}\n{tail}"
    assert not list(artifacts.iterdir()), tail
    assert f"files found in {corpus}" in out and f"{len(seeds)} files found" in out, tail
    done = re.search(r"^Done (\d+) runs in", out, re.M)
    assert done, tail
    # -max_total_time may stop the run early on a busy machine; it must still have run inputs
    assert int(done.group(1)) >= min(RUNS, 50), tail
    assert re.search(r"^#\d+\s+(INITED|DONE)\s+cov: [1-9]", out, re.M), tail  # coverage was measured
