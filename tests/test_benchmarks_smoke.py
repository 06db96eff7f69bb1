"""The benchmarks run (a smoke version with a few replications), so they cannot rot. Not a speed test."""

from __future__ import annotations

import json
import subprocess
import sys

from .conftest import REPO


def test_benchmark_smoke_run_writes_every_figure(tmp_path) -> None:
    out = tmp_path / "results.json"
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "run.py"), "--smoke", "--out", str(out)],
                          capture_output=True, text=True, check=False, cwd=REPO)
    assert done.returncode == 0, done.stderr
    results = json.loads(out.read_text())
    for key in ("model_overhead", "flagship_reps_per_s", "stress_reps_per_s", "speedup_two_workers",
                "peak_memory", "crn", "scaling"):
        assert key in results
    assert results["model_overhead"]["ratio"] > 0
