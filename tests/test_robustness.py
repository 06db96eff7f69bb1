"""`hotline robustness`: one-at-a-time moves on common random numbers, flips of the finding, a resumable
folder with a tornado, the same result on Dask, and the briefing's section "Does the finding hold?"."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from sim import load_scenario
from sim.folder.files import ResultsFolder
from sim.folder.robustness_folder import read_robustness, resume_robustness, start_robustness
from sim.folder.run_folder import start_run
from sim.folder.sweep_folder import read_sweep_rows
from sim.report.build import build_report
from sim.report.robustness_report import robustness_page, robustness_sentence
from sim.run.executors import DaskExecutor, SerialExecutor
from sim.run.experiment import Plan
from sim.run.robustness import choose_assumptions, move
from sim.run.robustness_result import flip

from .conftest import REPO

CRISIS = REPO / "scenarios" / "radar_lock_crisis.yaml"
ARMS = ("no_hotline", "hotline_as_is")
KEYS = ["parties.CHN.hotline.answer_probability", "tension.escalation_feedback"]


def _interval(estimate: float, low: float, high: float) -> dict[str, float]:
    return {"estimate": estimate, "ci_low": low, "ci_high": high}


@pytest.mark.parametrize("base,moved,expected", [
    ((-0.02, -0.04, -0.01), (-0.01, -0.03, 0.01), "loses"),
    ((-0.01, -0.03, 0.01), (-0.02, -0.04, -0.01), "gains"),
    ((-0.02, -0.04, -0.01), (0.02, 0.01, 0.04), "reverses"),
    ((-0.01, -0.03, 0.01), (0.01, -0.01, 0.03), "sign"),
    ((-0.02, -0.04, -0.01), (-0.03, -0.05, -0.01), None),
])
def test_flip_names_how_the_verdict_changes(base, moved, expected) -> None:
    assert flip(_interval(*base), _interval(*moved)) == expected


def _start(path: Path, executor, reps: int = 6) -> dict:
    loaded = load_scenario(CRISIS, ["horizon_days=4"]).select(ARMS)
    moves = [move(loaded, ARMS, n) for n in choose_assumptions(loaded, ARMS, KEYS)]
    return start_robustness(loaded, moves, ARMS, reps, 7, path, False, executor, ["t"])


def test_every_point_runs_on_the_baselines_random_numbers(tmp_path: Path) -> None:
    result = _start(tmp_path / "r", SerialExecutor(), reps=20)
    rows = read_sweep_rows(tmp_path / "r")
    assert len(rows) == 2 * (1 + 2 * len(KEYS))
    # the answer probability cannot move the arm without a hotline: same incidents, same outcome at every point
    no_hotline = {(r["p_main"], r["p_serious"]) for r in rows if r["arm"] == "no_hotline" and int(r["point"]) < 3}
    assert len(no_hotline) == 1
    assert [p["key"] for p in result["parameters"]] == KEYS
    answer = result["parameters"][0]
    assert (answer["low"], answer["high"], answer["source"]) == (0.3, 0.9, "range")  # the flagship's stated range


def test_interrupted_analysis_resumes_to_the_same_table(tmp_path: Path) -> None:
    _start(tmp_path / "whole", SerialExecutor())

    class StopAtThirdPoint(SerialExecutor):
        calls = 0

        def map(self, fn, tasks):
            for task in tasks:
                if task.first == 0:
                    StopAtThirdPoint.calls += 1
                    if StopAtThirdPoint.calls == 3:
                        raise KeyboardInterrupt
                yield fn(task)

    with pytest.raises(KeyboardInterrupt):
        _start(tmp_path / "cut", StopAtThirdPoint())
    assert json.loads((tmp_path / "cut" / "manifest.json").read_text())["status"] == "interrupted"
    assert read_robustness(tmp_path / "cut")["parameters"] == []  # no assumption has both points yet
    resume_robustness(tmp_path / "cut", SerialExecutor())
    for name in ("sweep.csv", "robustness.csv"):
        assert (tmp_path / "cut" / name).read_bytes() == (tmp_path / "whole" / name).read_bytes()


def test_local_and_dask_give_the_same_analysis(tmp_path: Path) -> None:
    pytest.importorskip("distributed", reason="the distributed extra (dask.distributed) is not installed")
    _start(tmp_path / "local", SerialExecutor())
    dask = DaskExecutor(2)
    try:
        _start(tmp_path / "dask", dask)
    finally:
        dask.close()
    assert (tmp_path / "local" / "robustness.csv").read_bytes() == (tmp_path / "dask" / "robustness.csv").read_bytes()


def test_cli_json_has_exactly_the_documented_shape(cli, tmp_path: Path) -> None:
    status, out, err = cli("robustness", CRISIS, "--arms", ",".join(ARMS), "--replications", "4", "--set",
                           "horizon_days=3", "--keys", ",".join(KEYS), "--workers", "1", "--json",
                           "--out", tmp_path / "r")
    assert status == 0, err
    data = json.loads(out)
    assert set(data) == {"main_rung", "baseline", "parameters"} and data["main_rung"] == "limited_force"
    assert set(data["baseline"]) == {"hotline_as_is"}
    assert set(data["baseline"]["hotline_as_is"]) == {"estimate", "ci_low", "ci_high"}
    assert [p["key"] for p in data["parameters"]] == KEYS
    for p in data["parameters"]:
        assert set(p) == {"key", "low", "high", "differences"} and p["low"] < p["high"]
        sides = p["differences"]["hotline_as_is"]
        assert set(sides) == {"low", "high"} and set(sides["low"]) == {"estimate", "ci_low", "ci_high"}
    assert (tmp_path / "r" / "figures" / "robustness_tornado.png").stat().st_size > 5000
    assert (tmp_path / "r" / "robustness.csv").read_text().startswith("key,value,source,arm,side")


@pytest.mark.parametrize("args,needle", [
    (["--arms", "no_hotline"], "name at least two arms"),
    (["--keys", "tension.escalation_feedbak"], "did you mean 'tension.escalation_feedback'?"),
    (["--keys", "parties.CHN.hotline.answer_probability", "--arms", "no_hotline,answered_at_once"],
     "arm answered_at_once sets parties.CHN.hotline.answer_probability itself"),
    (["--keys", "tension.initial", "--set", "tension.initial=0"], "is 0, which a factor cannot move"),
])
def test_bad_requests_exit_2_with_the_reason(cli, tmp_path: Path, args: list[str], needle: str) -> None:
    status, out, err = cli("robustness", CRISIS, *args, "--out", tmp_path / "r", "--quiet")
    assert status == 2 and needle in err and out == ""
    assert not (tmp_path / "r").exists()


def test_factor_outside_zero_to_one_is_refused(cli, capsys) -> None:
    with pytest.raises(SystemExit) as info:
        cli("robustness", CRISIS, "--factor", "2")
    assert info.value.code == 2 and "give 0 < F <= 1" in capsys.readouterr().err


def _pages(pdf: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))


def test_briefing_gains_does_the_finding_hold(cli, tmp_path: Path) -> None:
    loaded = load_scenario(CRISIS, ["horizon_days=4"]).select(ARMS)
    run = tmp_path / "run"
    start_run(loaded, Plan(ARMS, 6, 7, 3), ResultsFolder.create(run), SerialExecutor(), ["t"])
    build_report(run, formats=("png",))
    assert _pages(run / "briefing.pdf") == 2
    result = _start(tmp_path / "rob", SerialExecutor())
    texts = [t.get_text() for t in robustness_page(result).texts]
    assert texts[0] == "Does the finding hold?" and robustness_sentence(result).split()[0] in texts[1]
    status, out, err = cli("report", run, "--robustness", tmp_path / "rob", "--format", "png")
    assert status == 0, err
    assert _pages(run / "briefing.pdf") == 3
    status, _, err = cli("report", run, "--robustness", run)
    assert status == 2 and "not a robustness folder" in err


def test_sentence_names_what_overturns_or_says_none_did() -> None:
    base = _interval(-0.01, -0.03, 0.01)
    result = {"baseline": {"rapid": base}, "baseline_arm": "no_hotline", "replications": 300, "parameters": [
        {"key": "tension.escalation_feedback", "low": 0.0, "high": 0.6, "differences": {},
         "flips": {"rapid": {"low": None, "high": "gains"}}},
        {"key": "parties.CHN.posture.retaliation_multiplier", "low": 1.5, "high": 4.5, "differences": {},
         "flips": {"rapid": {"low": "sign", "high": None}}}]}
    sentence = robustness_sentence(result)
    assert "1 could overturn the finding as written (rapid: no difference from no hotline that can be told apart " \
        "from zero)" in sentence and "tension.escalation_feedback at 0.6 (it becomes distinguishable" in sentence
    assert "retaliation" not in sentence  # a sign change that stays indistinguishable does not overturn it
    result["parameters"][0]["flips"]["rapid"]["high"] = None
    assert robustness_sentence(result).startswith("None of the 2 assumptions tested")


def test_run_report_robustness_needs_report(cli, tmp_path: Path) -> None:
    status, _, err = cli("run", CRISIS, "--robustness", "--out", tmp_path / "r", "--quiet")
    assert status == 2 and "use it with --report" in err


def test_run_report_robustness_runs_the_analysis_into_the_run_folder(cli, tmp_path: Path, monkeypatch) -> None:
    import sim.cli.robustness

    monkeypatch.setattr(sim.cli.robustness, "ROBUSTNESS_REPLICATIONS", 4)  # the default is 300 per point
    status, out, err = cli("run", CRISIS, "--arms", ",".join(ARMS), "--replications", "4", "--set",
                           "horizon_days=2", "--workers", "1", "--report", "--robustness", "--quiet",
                           "--out", tmp_path / "r")
    assert status == 0, err
    result = json.loads((tmp_path / "r" / "robustness" / "robustness.json").read_text())
    assert len(result["parameters"]) == 5 and result["seed"] == load_scenario(CRISIS).scenario.seed
    assert _pages(tmp_path / "r" / "briefing.pdf") == 3 and "briefing:" in out
