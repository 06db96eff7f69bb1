"""The `hotline` command's basics: version, help with examples, schema, exit statuses."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from sim import __version__

from .conftest import REPO


def test_version(cli, capsys) -> None:
    with pytest.raises(SystemExit) as info:
        cli("--version")
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"hotline {__version__}"


@pytest.mark.parametrize("command", ["validate", "schema", "run", "report", "compare", "trace", "calibrate",
                                     "sweep", "robustness", "explain", "rare"])
def test_every_subcommand_help_has_a_worked_example(command: str, capsys) -> None:
    from sim.cli import main

    with pytest.raises(SystemExit):
        main([command, "--help"])
    out = capsys.readouterr().out
    assert "examples:" in out and f"hotline {command}" in out


def test_schema_is_json_schema_with_basis_on_parameters(cli) -> None:
    status, out, _ = cli("schema")
    assert status == 0
    schema = json.loads(out)
    assert schema["title"] == "hotline scenario"
    rate = schema["$defs"]["IncidentType"]["properties"]["rate_per_year"]
    assert rate["basis"] == "fact" and rate["unit"] == "1/year"


def test_checked_in_schema_matches_the_code(cli) -> None:
    _, out, _ = cli("schema")
    assert json.loads((REPO / "docs" / "scenario.schema.json").read_text()) == json.loads(out), \
        "regenerate with: hotline schema > docs/scenario.schema.json"


def test_every_schema_parameter_states_its_basis() -> None:
    from sim.scenario.schema_paths import scenario_json_schema

    missing = []
    for name, model in scenario_json_schema()["$defs"].items():
        if name.startswith("_") or name in {"Constant", "Exponential", "LogNormal", "Uniform", "Triangular",
                                            "Gamma", "Rung"}:
            continue
        for field, spec in model.get("properties", {}).items():
            text = spec.get("description", "")
            if "basis" not in spec and not text:
                missing.append(f"{name}.{field}")
    assert missing == []


def test_validate_library_exits_zero(cli) -> None:
    files = sorted(str(p) for p in (REPO / "scenarios").glob("*.yaml"))
    status, out, err = cli("validate", *files)
    assert status == 0, err
    assert out.count(": valid") == len(files)


def test_python_dash_m_sim_is_the_same_command() -> None:
    done = subprocess.run([sys.executable, "-m", "sim", "--version"], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and done.stdout.strip() == f"hotline {__version__}"


@pytest.mark.parametrize("args,needle", [
    (["run", "X.yaml", "--workers", "0"], "--workers: must be between 1 and 256"),
    (["run", "X.yaml", "--workers", "64000"], "--workers: must be between 1 and 256"),
    (["run", "X.yaml", "--replications", "1000000000000"], "--replications: must be between 1 and 10,000,000"),
    (["run", "X.yaml", "--max-replications", "99999999999"], "--max-replications: must be between 1 and"),
    (["sweep", "X.yaml", "--samples", "1000000000"], "--samples: must be between 1 and 10,000"),
    (["calibrate", "X.yaml", "--replications", "5000000"], "--replications: must be between 1 and 100,000"),
    (["trace", "X.yaml", "--replication", "-1"], "--replication: must be between 0 and"),
    (["run", "X.yaml", "--replications", "ten"], "expected a whole number"),
    (["run", "X.yaml", "--precision", "2"], "a half-width is a probability between 0 and 0.5"),
])
def test_bad_command_line_values_exit_2(cli, capsys, args: list[str], needle: str) -> None:
    with pytest.raises(SystemExit) as info:
        cli(*args)
    assert info.value.code == 2
    assert needle in capsys.readouterr().err


def test_set_on_missing_key_exits_2(cli) -> None:
    status, _, err = cli("run", REPO / "scenarios" / "senkaku_baseline.yaml", "--set", "hotline.linez=2",
                         "--quiet")
    assert status == 2 and "did you mean 'hotline.lines'?" in err


def test_malformed_scheduler_address_exits_2(cli) -> None:
    status, _, err = cli("run", REPO / "scenarios" / "senkaku_baseline.yaml", "--executor", "dask",
                         "--scheduler", "not an address", "--quiet")
    assert status == 2 and "is not a scheduler address; write it as tcp://HOST:PORT" in err


def test_unknown_arm_exits_2_with_suggestion(cli, tmp_path) -> None:
    status, _, err = cli("run", REPO / "scenarios" / "senkaku_baseline.yaml", "--arms", "no_hotlin",
                         "--out", tmp_path / "r", "--quiet")
    assert status == 2 and "did you mean 'no_hotline'?" in err


def test_run_json_prints_only_the_summary(cli, tmp_path) -> None:
    status, out, err = cli("run", REPO / "scenarios" / "radar_lock_crisis.yaml", "--replications", "4",
                           "--workers", "1", "--json", "--out", tmp_path / "r")
    assert status == 0, err
    summary = json.loads(out)
    assert summary == json.loads((tmp_path / "r" / "summary.json").read_text())


def test_run_with_precision_reports_what_was_reached(cli, tmp_path) -> None:
    status, out, err = cli("run", REPO / "scenarios" / "radar_lock_crisis.yaml", "--replications", "20",
                           "--precision", "0.2", "--max-replications", "200", "--workers", "1", "--quiet",
                           "--arms", "no_hotline,answered_at_once", "--set", "horizon_days=5", "--out", tmp_path / "r")
    assert status == 0, err
    assert "precision: target half-width 20.00%" in out and ": met" in out
