"""Outputs derived from results never outlive them: --force and --resume remove the old report, and a
report killed mid-way leaves no temporary files behind."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from .conftest import MINIMAL, REPO

CRISIS = REPO / "scenarios" / "radar_lock_crisis.yaml"
DERIVED = ("briefing.pdf", "briefing.png", "figures")


def _run(cli, scenario: Path, out: Path, *extra: str) -> None:
    status, _, err = cli("run", scenario, "--replications", "4", "--workers", "1", "--quiet", "--out", out, *extra)
    assert status == 0, err


def test_force_over_a_reported_folder_removes_the_old_briefing_and_figures(tmp_path: Path, cli, write) -> None:
    out = tmp_path / "r"
    _run(cli, CRISIS, out, "--set", "horizon_days=5", "--report")
    assert all((out / name).exists() for name in DERIVED)
    _run(cli, write(MINIMAL), out, "--force")
    assert not any((out / name).exists() for name in DERIVED)
    assert (out / "summary.json").is_file()


def test_resume_removes_the_report_of_the_partial_results(tmp_path: Path, cli) -> None:
    import json

    out = tmp_path / "r"
    _run(cli, CRISIS, out, "--set", "horizon_days=5")
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["status"] = "interrupted"  # as if stopped: the report below is of partial results
    (out / "manifest.json").write_text(json.dumps(manifest))
    assert cli("report", out, "--format", "png")[0] == 0 and (out / "briefing.pdf").exists()
    assert cli("run", "--resume", out, "--quiet")[0] == 0
    assert not any((out / name).exists() for name in DERIVED)


def test_report_removes_temporaries_a_killed_report_left(tmp_path: Path, cli) -> None:
    out = tmp_path / "r"
    _run(cli, CRISIS, out, "--set", "horizon_days=5")
    (out / "figures").mkdir()
    left = [out / ".briefing.pdf.k3j2.tmp", out / "figures" / ".cumulative_main.png.x9.tmp"]
    for path in left:
        path.write_bytes(b"partial")
    assert cli("report", out, "--format", "png")[0] == 0
    assert not any(path.exists() for path in left)


def test_sigterm_during_report_says_interrupted_and_leaves_no_temporaries(tmp_path: Path, cli) -> None:
    out = tmp_path / "r"
    _run(cli, CRISIS, out, "--set", "horizon_days=5")
    proc = subprocess.Popen([sys.executable, "-m", "sim", "report", str(out), "--format", "pdf,png,svg"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
    deadline = time.monotonic() + 60
    while not (out / "figures").exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "interrupted" in err and "Traceback" not in err
    assert not list(out.rglob("*.tmp"))
