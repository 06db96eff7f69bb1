"""A briefing a student can defend: one sample size, verdicts with their power, what-if runs that say so,
calibration claimed only where a scenario declares it, and any arm as the baseline."""

from __future__ import annotations

import json
from pathlib import Path

from sim import load_scenario
from sim.report.briefing import assumption_lines, command_overrides
from sim.run.robustness_result import fragile

from .conftest import REPO

FLAGSHIP = REPO / "scenarios" / "senkaku_baseline.yaml"
SHOAL = REPO / "scenarios" / "second_thomas_shoal.yaml"
SMALL = ["--set", "horizon_days=20", "--workers", "1", "--quiet"]


def test_explain_beside_a_run_uses_the_runs_replications_and_seed(tmp_path: Path, cli) -> None:
    run = tmp_path / "run"
    arms = ["--arms", "no_hotline,hotline_as_is"]
    assert cli("run", FLAGSHIP, "--replications", "7", "--seed", "11", *arms, *SMALL, "--out", run)[0] == 0
    assert cli("explain", FLAGSHIP, *arms, *SMALL, "--out", run)[0] == 0
    explanation = json.loads((run / "explanation.json").read_text())
    assert explanation["replications"] == 7 and explanation["seed"] == 11
    # on its own, the default sample size of explain; an explicit count always wins
    assert cli("explain", FLAGSHIP, *arms, *SMALL, "--replications", "5", "--out", tmp_path / "alone")[0] == 0
    assert json.loads((tmp_path / "alone" / "explanation.json").read_text())["replications"] == 5


def test_a_verdict_one_or_two_replications_could_change_is_underpowered() -> None:
    n = 300  # one replication moves a paired difference by 1/300
    assert fragile({"estimate": -0.01, "ci_low": -0.02, "ci_high": -0.004}, n)  # 1.2 events from zero
    assert not fragile({"estimate": -0.05, "ci_low": -0.08, "ci_high": -0.02}, n)  # 6 events from zero
    assert fragile({"estimate": 0.0, "ci_low": -0.003, "ci_high": 0.005}, n)  # one event from "lower"
    assert not fragile({"estimate": 0.0, "ci_low": -0.03, "ci_high": 0.03}, 2000)  # far from either side
    assert fragile({"estimate": -0.05, "ci_low": -0.08, "ci_high": -0.02}, 0)


def test_a_robustness_verdict_of_few_events_is_not_called_an_overturn() -> None:
    from sim.report.robustness_report import robustness_sentence

    base = {"estimate": -0.01, "ci_low": -0.02, "ci_high": -0.005}
    moved = {"estimate": -0.008, "ci_low": -0.018, "ci_high": 0.001}
    result = {"baseline_arm": "no_hotline", "replications": 300, "baseline": {"as_is": base},
              "parameters": [{"key": "tension.escalation_feedback", "low": 0.0, "high": 0.6, "value": 0.3,
                              "differences": {"as_is": {"low": moved, "high": base}},
                              "flips": {"as_is": {"low": "loses", "high": None}},
                              "underpowered": {"as_is": {"low": True, "high": False}}}]}
    text = robustness_sentence(result)
    assert "None of the 1 assumption tested" in text and "Underpowered" in text
    assert "tension.escalation_feedback" in text and "more --replications" in text
    result["parameters"][0]["underpowered"]["as_is"]["low"] = False
    assert "could overturn" in robustness_sentence(result)


def test_a_what_if_run_says_so_on_page_one(tmp_path: Path, cli) -> None:
    run = tmp_path / "run"
    status, _, err = cli("run", FLAGSHIP, "--replications", "4", *SMALL, "--set",
                         "parties.CHN.hotline.answer_tension_sensitivity=0", "--out", run)
    assert status == 0, err
    manifest = json.loads((run / "manifest.json").read_text())
    assert command_overrides(manifest) == ["horizon_days=20", "parties.CHN.hotline.answer_tension_sensitivity=0"]
    from sim.report.briefing import briefing_pages
    from sim.report.build import _read_scenario

    summary = json.loads((run / "summary.json").read_text())
    pages = briefing_pages(summary, _read_scenario(run), manifest)
    text = " ".join(t.get_text().replace("\n", " ") for t in pages[0].texts)
    assert "What-if run, not the scenario as written" in text
    assert "answer_tension_sensitivity=0" in text
    china = next(line for line in assumption_lines(_read_scenario(run)) if line.startswith("China:"))
    assert "falling with tension" not in china
    assert command_overrides({"command": ["hotline", "run", "s.yaml"]}) == []


def test_calibration_is_claimed_only_where_the_scenario_declares_it() -> None:
    flagship = " ".join(assumption_lines(load_scenario(FLAGSHIP).scenario))
    shoal = " ".join(assumption_lines(load_scenario(SHOAL).scenario))
    assert "Calibration (as the scenario states it)" in flagship
    assert "declares no calibration" in shoal and "calibrated to the public record" not in shoal


def test_any_arm_can_be_the_baseline(tmp_path: Path, cli) -> None:
    run = tmp_path / "run"
    status, out, err = cli("run", FLAGSHIP, "--replications", "4", *SMALL, "--arms", "hotline_as_is,hotline_rapid",
                           "--baseline", "hotline_with_coast_guard", "--out", run)
    assert status == 0, err
    summary = json.loads((run / "summary.json").read_text())
    assert summary["baseline"] == "hotline_with_coast_guard"
    assert list(summary["arms"]) == ["hotline_with_coast_guard", "hotline_as_is", "hotline_rapid"]
    assert set(summary["differences"]) == {"hotline_as_is - hotline_with_coast_guard",
                                           "hotline_rapid - hotline_with_coast_guard"}
    status, _, err = cli("run", FLAGSHIP, "--baseline", "no_such_arm", *SMALL, "--out", tmp_path / "x")
    assert status == 2 and "--baseline: no arm 'no_such_arm'" in err and not (tmp_path / "x").exists()


def test_compare_pairs_two_runs_of_one_scenario_and_seed_and_says_why_not_otherwise(tmp_path: Path, cli) -> None:
    # A what-if run (--set) against the run as written: same seed, so replication k of each arm saw the
    # same incidents; the paired difference is exact arithmetic on the two tables, checked here by hand.
    import csv

    common = ["--replications", "30", "--arms", "no_hotline,hotline_as_is", "--set", "horizon_days=90",
              "--workers", "1", "--quiet"]
    assert cli("run", FLAGSHIP, *common, "--out", tmp_path / "base")[0] == 0
    assert cli("run", FLAGSHIP, *common, "--set", "parties.CHN.posture.retaliation_multiplier=4.5",
               "--out", tmp_path / "what_if")[0] == 0
    assert cli("run", FLAGSHIP, *common, "--seed", "3", "--out", tmp_path / "other_seed")[0] == 0
    status, out, err = cli("compare", tmp_path / "base", tmp_path / "what_if", tmp_path / "other_seed",
                           "--out", tmp_path / "cmp")
    assert status == 0, err
    assert "parties.CHN.posture.retaliation_multiplier=4.5" in out
    assert "what_if minus base, arm hotline_as_is" in out
    assert "other_seed vs base: not paired, their seeds differ" in out
    rows = {r["arm"]: r for r in csv.DictReader((tmp_path / "cmp" / "paired_differences.csv").open())}
    main = json.loads((tmp_path / "base" / "summary.json").read_text())["main_rung"]["index"]

    def reached(folder: str) -> dict[tuple[str, str], bool]:
        return {(r["arm"], r["replication"]): int(r["highest_rung"]) >= main
                for r in csv.DictReader((tmp_path / folder / "replications.csv").open())}

    a, b = reached("what_if"), reached("base")
    for arm in ("no_hotline", "hotline_as_is"):
        by_hand = sum(a[k] - b[k] for k in a if k[0] == arm) / 30
        assert float(rows[arm]["diff_main"]) == by_hand and int(rows[arm]["pairs"]) == 30


def test_differences_between_any_two_arms_are_paired_and_reported(tmp_path: Path, cli) -> None:
    # rapid minus as_is, from the same rows: checked against the two arms' reached-or-not by replication.
    import csv

    run = tmp_path / "run"
    status, out, err = cli("run", FLAGSHIP, "--replications", "30", "--set", "horizon_days=90", "--workers", "1",
                           "--differences", "hotline_rapid-hotline_as_is", "--out", run)
    assert status == 0, err
    summary = json.loads((run / "summary.json").read_text())
    d = summary["pair_differences"]["hotline_rapid - hotline_as_is"]
    main = summary["main_rung"]["index"]
    rows = list(csv.DictReader((run / "replications.csv").open()))
    reach = {(r["arm"], r["replication"]): int(r["highest_rung"]) >= main for r in rows}
    by_hand = sum(reach[("hotline_rapid", str(k))] - reach[("hotline_as_is", str(k))] for k in range(30)) / 30
    assert d["main"]["estimate"] == by_hand and d["main"]["n"] == 30
    assert "hotline_rapid minus hotline_as_is" in out
    from sim.report.exports import pairs_csv

    table = list(csv.DictReader(pairs_csv(summary).splitlines()))
    assert [(r["arm"], r["minus"]) for r in table][-1] == ("hotline_rapid", "hotline_as_is")
    every = json.loads((run / "manifest.json").read_text())["plan"]["pairs"]
    assert every == [["hotline_rapid", "hotline_as_is"]]
    status, _, err = cli("run", FLAGSHIP, "--differences", "hotline_rapid-nope", "--out", tmp_path / "x")
    assert status == 2 and "'nope' is not an arm" in err
    status, _, err = cli("run", FLAGSHIP, "--replications", "2", "--set", "horizon_days=5", "--workers", "1",
                         "--quiet", "--differences", "all", "--out", tmp_path / "all")
    assert status == 0, err
    assert len(json.loads((tmp_path / "all" / "summary.json").read_text())["pair_differences"]) == 3
