"""Sweeps: designs, common seeds across points, resume, Dask equivalence, sensitivity indices."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest

from sim import load_scenario
from sim.folder.sweep_folder import read_sweep_rows, resume_sweep, start_sweep
from sim.report.sweep_report import build_sweep_report
from sim.run.executors import DaskExecutor, SerialExecutor
from sim.run.sweep import SensitivityUnavailable, design_points, parse_param
from sim.scenario import ScenarioError

from .conftest import REPO

CRISIS = REPO / "scenarios" / "radar_lock_crisis.yaml"
ARMS = ("no_hotline", "hotline_as_is")
PARAMS = ["parties.CHN.hotline.answer_probability=0.2,0.9",
          "parties.JPN.hotline.prior_consultation_hours+parties.CHN.hotline.prior_consultation_hours=0,4"]


def test_param_forms() -> None:
    listed = parse_param("hotline.lines=1,2,3")
    assert listed.keys == ("hotline.lines",) and listed.values == (1, 2, 3)
    ranged = parse_param("a.b+c.d=0.1:0.9")
    assert ranged.keys == ("a.b", "c.d") and (ranged.low, ranged.high) == (0.1, 0.9)
    with pytest.raises(ScenarioError, match="LOW must be below HIGH"):
        parse_param("a=2:1")
    with pytest.raises(ScenarioError, match="expected KEY=V1,V2"):
        parse_param("nothing")


def test_grid_is_the_product_and_lhs_stays_in_bounds() -> None:
    grid = design_points([parse_param("a=1,2"), parse_param("b=x,y,z")], "grid", 0, 1)
    assert len(grid) == 6 and {"a": 2, "b": "z"} in grid
    lhs = design_points([parse_param("a=0:1"), parse_param("b=10:20")], "lhs", 12, 3)
    assert len(lhs) == 12 and all(0 <= p["a"] <= 1 and 10 <= p["b"] <= 20 for p in lhs)
    assert lhs == design_points([parse_param("a=0:1"), parse_param("b=10:20")], "lhs", 12, 3)
    # Latin: each of the 12 strata of each parameter holds exactly one point
    assert sorted(int(p["a"] * 12) for p in lhs) == list(range(12))


def test_sobol_design_size_and_clear_message_without_salib(monkeypatch) -> None:
    pytest.importorskip("SALib", reason="the sensitivity extra (SALib) is not installed")
    params = [parse_param(f"p{i}=0:1") for i in range(5)]
    assert len(design_points(params, "sobol", 8, 1)) == 8 * (5 + 2)
    monkeypatch.setitem(sys.modules, "SALib", None)
    monkeypatch.setitem(sys.modules, "SALib.sample", None)
    with pytest.raises(SensitivityUnavailable, match="pip install 'hotline\\[sensitivity\\]'"):
        design_points(params, "sobol", 8, 1)


def _sweep(path: Path, executor, params=PARAMS, design="grid", samples=0, reps=6) -> dict:
    loaded = load_scenario(CRISIS, ["horizon_days=5"]).select(ARMS)
    parsed = [parse_param(p) for p in params]
    points = design_points(parsed, design, samples, 5)
    return start_sweep(loaded, parsed, points, design, samples, ARMS, reps, 5, path, False, executor, ["t"])


def test_every_point_reuses_the_same_seeds(tmp_path: Path) -> None:
    _sweep(tmp_path / "s", SerialExecutor(), reps=20)
    rows = read_sweep_rows(tmp_path / "s")
    baseline = {(r["p_main"], r["p_serious"]) for r in rows if r["arm"] == "no_hotline"}
    assert len(rows) == 8 and len(baseline) == 1  # the hotline parameters cannot move the no-hotline arm


def test_interrupted_sweep_resumes_at_the_next_point(tmp_path: Path) -> None:
    whole = tmp_path / "whole"
    _sweep(whole, SerialExecutor())

    class StopAfterTwoPoints(SerialExecutor):
        calls = 0

        def map(self, fn, tasks):
            for task in tasks:
                if task.first == 0:
                    StopAfterTwoPoints.calls += 1
                    if StopAfterTwoPoints.calls == 3:
                        raise KeyboardInterrupt
                yield fn(task)

    cut = tmp_path / "cut"
    with pytest.raises(KeyboardInterrupt):
        _sweep(cut, StopAfterTwoPoints())
    manifest = json.loads((cut / "manifest.json").read_text())
    assert manifest["status"] == "interrupted" and manifest["points_done"] == 2
    resume_sweep(cut, SerialExecutor())
    assert (cut / "sweep.csv").read_bytes() == (whole / "sweep.csv").read_bytes()


def test_local_and_dask_sweeps_agree_exactly(tmp_path: Path) -> None:
    pytest.importorskip("distributed", reason="the distributed extra (dask.distributed) is not installed")
    _sweep(tmp_path / "local", SerialExecutor())
    dask = DaskExecutor(2)
    try:
        _sweep(tmp_path / "dask", dask)
    finally:
        dask.close()
    assert (tmp_path / "local" / "sweep.csv").read_bytes() == (tmp_path / "dask" / "sweep.csv").read_bytes()


def test_sobol_analysis_of_five_parameters_gives_indices_with_intervals(tmp_path: Path) -> None:
    pytest.importorskip("SALib", reason="the sensitivity extra (SALib) is not installed")
    params = ["parties.CHN.hotline.answer_probability=0.1:1", "parties.JPN.posture.misperception_probability=0:0.8",
              "tension.escalation_feedback=0:1", "parties.CHN.posture.retaliation_multiplier=1:5",
              "incident_types.air_intercept.rate_per_year=500:3000"]
    manifest = _sweep(tmp_path / "sobol", SerialExecutor(), params, "sobol", 4, reps=8)
    assert manifest["points_done"] == 4 * 7
    figures = build_sweep_report(tmp_path / "sobol")
    indices = json.loads((tmp_path / "sobol" / "sensitivity.json").read_text())
    assert indices["method"] == "sobol" and len(indices["ST"]) == 5 and len(indices["ST_conf"]) == 5
    assert all(math.isfinite(v) for v in indices["ST"] + indices["ST_conf"])
    assert any(f.name == "sweep_indices.png" for f in figures)


def test_grid_of_two_parameters_draws_the_heatmap(tmp_path: Path) -> None:
    _sweep(tmp_path / "g", SerialExecutor())
    names = {f.name for f in build_sweep_report(tmp_path / "g")}
    assert {"sweep_effects.png", "sweep_tornado.png", "sweep_heatmap.png"} <= names
