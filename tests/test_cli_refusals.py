"""Bad input on the command line is refused with exit 2 and one located line, never ignored and never
an internal error; nothing is left half-written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import MINIMAL, REPO

CRISIS = REPO / "scenarios" / "radar_lock_crisis.yaml"


@pytest.fixture(scope="module")
def finished(tmp_path_factory) -> Path:
    from sim.cli import main

    out = tmp_path_factory.mktemp("f") / "r"
    assert main(["run", str(CRISIS), "--replications", "3", "--workers", "1", "--quiet", "--set",
                 "horizon_days=5", "--out", str(out)]) == 0
    return out


@pytest.mark.parametrize("extra,dropped", [(["--seed", "0"], "--seed"), (["--precision", "0.01"], "--precision"),
                                           (["--force"], "--force"), (["--replications", "9"], "--replications")])
def test_resume_refuses_settings_it_would_ignore(finished: Path, cli, extra: list[str], dropped: str) -> None:
    status, _, err = cli("run", "--resume", finished, *extra)
    assert status == 2 and f"drop {dropped}" in err


def test_reproduce_refuses_settings_it_would_ignore(finished: Path, cli) -> None:
    status, _, err = cli("run", "--reproduce", finished, "--precision", "0.1")
    assert status == 2 and "--reproduce takes the run's own settings" in err and "--precision" in err


def test_two_params_on_one_key_are_refused(tmp_path: Path, cli) -> None:
    status, _, err = cli("sweep", CRISIS, "--param", "hotline.lines=1,2", "--param", "hotline.lines=3",
                         "--out", tmp_path / "s")
    assert status == 2 and "hotline.lines is swept by two --param options" in err
    assert not (tmp_path / "s").exists()


def test_a_bad_later_sweep_point_is_found_before_anything_runs(tmp_path: Path, cli) -> None:
    status, _, err = cli("sweep", CRISIS, "--param", "hotline.lines=1,2,-3", "--out", tmp_path / "s", "--quiet")
    assert status == 2 and not (tmp_path / "s").exists()
    (line,) = err.strip().splitlines()
    assert line.startswith("--param:3:1: --param.hotline.lines: point 2") and "--set" not in line


@pytest.mark.parametrize("args", [["--set", "parties.A.label\u00b2=x"], ["--set", "incident_types.\u0663=1"]])
def test_non_ascii_digits_in_keys_are_bad_keys_not_bugs(write, cli, args: list[str]) -> None:
    status, _, err = cli("validate", write(MINIMAL), *args)
    assert status == 2 and "internal error" not in err and err.startswith("--set:1:1:")


def test_non_ascii_digits_in_arm_and_param_keys(write, cli, tmp_path: Path) -> None:
    path = write(MINIMAL + "arms:\n  a: {}\n  b: {parties.A.label\u00b3: x}\n")
    status, _, err = cli("validate", path)
    assert status == 2 and "internal error" not in err and "no field" in err
    status, _, err = cli("sweep", write(MINIMAL, "m.yaml"), "--param", "incident_types.\u0661.rate_per_year=1,2",
                         "--out", tmp_path / "s")
    assert status == 2 and "internal error" not in err


def test_yaml_boolean_where_a_name_is_expected_gets_a_hint(write, cli) -> None:
    path = write(MINIMAL.replace("A: {label: Alpha}", "'NO': {label: Norway}").replace("initiator: A",
                                                                                       "initiator: NO"))
    status, _, err = cli("validate", path)
    assert status == 2 and "quote it (for example 'NO')" in err


def test_a_model_failure_marks_the_run_failed_and_exits_2(tmp_path: Path, cli, monkeypatch) -> None:
    import sim.run.experiment as experiment

    def overflow(params, seed, exact=False):
        raise OverflowError("math range error")

    monkeypatch.setattr(experiment, "simulate_touched", overflow)
    out = tmp_path / "r"
    status, _, err = cli("run", CRISIS, "--replications", "3", "--workers", "1", "--quiet", "--out", out)
    assert status == 2 and "the run stopped in the model: OverflowError" in err and "internal error" not in err
    assert json.loads((out / "manifest.json").read_text())["status"] == "failed"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("args", [["schema"], ["validate", str(CRISIS)], ["run", str(CRISIS), "--json"]],
                         ids=["schema", "validate", "run-json"])
def test_stdout_that_cannot_be_written_exits_2(tmp_path: Path, args: list[str]) -> None:
    if args[0] == "run":
        args = [*args, "--replications", "3", "--workers", "1", "--set", "horizon_days=5", "--out",
                str(tmp_path / "r")]
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "sim", *args], stdout=full, stderr=subprocess.PIPE, text=True,
                              cwd=REPO, timeout=120, check=False)
    assert done.returncode == 2, done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert "cannot write the output: No space left on device" in line
    if args[0] == "run":
        assert json.loads((tmp_path / "r" / "manifest.json").read_text())["status"] == "complete"
