"""Reporting: dataset functions numerically, figures render with their labels, the briefing, compare."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest

from sim import load_scenario
from sim.folder.files import OutputError, ResultsFolder
from sim.folder.run_folder import start_run
from sim.report import datasets as ds
from sim.report.build import build_report
from sim.report.compare import compare_runs
from sim.report.figures import differences_figure, escalation_profile_figure, highest_rung_figure
from sim.report.finding import key_finding
from sim.run.executors import SerialExecutor
from sim.run.experiment import Plan

from .conftest import REPO

ARMS = ("no_hotline", "hotline_as_is", "hotline_rapid")


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    loaded = load_scenario(REPO / "scenarios" / "senkaku_baseline.yaml", ["horizon_days=90"]).select(ARMS)
    path = tmp_path_factory.mktemp("run") / "flagship"
    start_run(loaded, Plan(ARMS, 30, 7, 10), ResultsFolder.create(path), SerialExecutor(), ["test"])
    return path


@pytest.fixture
def summary(run_dir: Path) -> dict:
    return json.loads((run_dir / "summary.json").read_text())


def test_escalation_profile_dataset_matches_the_summary(summary) -> None:
    series = ds.escalation_profile(summary, from_rung=1)
    assert [s.arm for s in series] == list(ARMS)
    arm = summary["arms"]["no_hotline"]
    assert series[0].estimate == [arm["p_reach"][str(k)]["estimate"] for k in range(1, 9)]
    assert all(lo <= est <= hi for s in series for lo, est, hi in zip(s.low, s.estimate, s.high, strict=True))
    assert all(a >= b for s in series for a, b in zip(s.estimate, s.estimate[1:], strict=False))  # non-increasing


def test_highest_rung_shares_sum_to_one_and_match_p_reach(summary) -> None:
    shares = ds.highest_rung_distribution(summary)
    for arm, share in shares.items():
        assert sum(share) == pytest.approx(1.0)
        p_reach_5 = summary["arms"][arm]["p_reach"]["5"]["estimate"]
        assert sum(share[5:]) == pytest.approx(p_reach_5)


def test_cumulative_curve_starts_at_zero_and_ends_at_p_main(summary) -> None:
    main = str(summary["main_rung"]["index"])
    for s in ds.cumulative_main(summary):
        assert s.x[0] == 0 and s.estimate[0] == 0
        assert s.estimate == sorted(s.estimate)
        assert s.estimate[-1] == pytest.approx(summary["arms"][s.arm]["p_reach"][main]["estimate"])


def test_hotline_dataset_is_calls_per_replication(summary) -> None:
    calls = {c.arm: c for c in ds.hotline_performance(summary)}
    assert calls["no_hotline"].placed_per_replication == 0
    h = summary["arms"]["hotline_rapid"]["hotline"]
    assert calls["hotline_rapid"].placed_per_replication == pytest.approx(h["calls_placed"] / 30)


def _texts(fig) -> str:
    out = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        out += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        out += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
        legend = ax.get_legend()
        if legend:
            out += [t.get_text() for t in legend.get_texts()]
    return "\n".join(out)


def test_figures_carry_arm_names_rung_labels_and_intervals(summary) -> None:
    names = [f"{r['index']} {r['id']}" for r in summary["rungs"]]
    fig = escalation_profile_figure(ds.escalation_profile(summary), names)
    text = _texts(fig)
    assert all(a.replace("_", " ") in text for a in ARMS)
    assert "8 armed_clash" in text and "95% CI" in text
    assert len(fig.axes[0].containers) == len(ARMS)  # one errorbar series per arm
    forest = differences_figure(ds.differences(summary), "no_hotline", "armed_clash")
    assert "hotline rapid" in _texts(forest) and "percentage points" in _texts(forest)
    bars = highest_rung_figure(ds.highest_rung_distribution(summary), names)
    assert len(bars.axes[0].patches) == len(ARMS) * len(names)


def _fake(estimate: float, low: float, high: float) -> dict:
    base = {"scenario": "x", "baseline": "off", "horizon_days": 365, "replications": 1000, "status": "complete",
            "main_rung": {"index": 1, "id": "clash", "label": "an armed clash"},
            "arms": {"off": {"p_reach": {"1": {"estimate": 0.04, "ci_low": 0.03, "ci_high": 0.05}}},
                     "on": {"p_reach": {"1": {"estimate": 0.04 + estimate, "ci_low": 0.02, "ci_high": 0.04}}}},
            "differences": {"on - off": {"arm": "on", "p_reach": {"1": {
                "estimate": estimate, "ci_low": low, "ci_high": high, "variance_reduction": 5.0}}}}}
    return copy.deepcopy(base)


def test_key_finding_reports_a_clear_difference_with_numbers() -> None:
    text = key_finding(_fake(-0.01, -0.015, -0.005))
    assert text.startswith("With on, the chance of an armed clash within a year is 3.00% (95% CI 2.00% to 4.00%), "
                           "1.00 points lower than with off (-1.50 to -0.50 points).")


def test_key_finding_says_so_when_the_difference_cannot_be_told_from_zero() -> None:
    text = key_finding(_fake(-0.002, -0.006, 0.001))
    assert "cannot be told apart from zero with 1000 paired replications" in text


def test_report_writes_figures_and_a_briefing_of_the_answer_and_its_detail(run_dir: Path, summary) -> None:
    made = build_report(run_dir, formats=("png", "svg"))
    for name in ("escalation_profile", "cumulative_main", "differences", "hotline_calls", "highest_rung"):
        assert (run_dir / "figures" / f"{name}.png").stat().st_size > 5000
        assert (run_dir / "figures" / f"{name}.svg").is_file()
    pdf = made.briefing.read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    # page 1, a continuation when the assumptions do not all fit below the table, one or two detail pages
    assert 2 <= pages <= 4
    from sim.report.briefing import briefing_pages
    from sim.report.build import _read_scenario

    first = briefing_pages(summary, _read_scenario(run_dir), {})[0]
    assert key_finding(summary) in " ".join(t.get_text().replace("\n", " ") for t in first.texts)


def test_report_refuses_unknown_formats(run_dir: Path) -> None:
    with pytest.raises(OutputError, match="--format takes pdf, png, svg"):
        build_report(run_dir, formats=("bmp",))


def test_compare_puts_runs_side_by_side_and_refuses_other_ladders(run_dir: Path, tmp_path: Path, write) -> None:
    import shutil

    copy = tmp_path / "b" / run_dir.name  # the same name in another folder: labelled apart
    shutil.copytree(run_dir, copy)
    text = compare_runs([run_dir, copy], tmp_path / "cmp")
    table = text.split("paired differences")[0]
    assert table.count("hotline_rapid") == 2 and (tmp_path / "cmp" / "comparison.csv").is_file()
    assert "minus run0/" in text or "minus " in text  # the copy is the same run: paired, every difference 0
    assert "+0.00" in text.split("paired differences")[1]
    assert f"b/{run_dir.name}  hotline_rapid" in text
    with pytest.raises(OutputError, match="is given twice"):
        compare_runs([run_dir, run_dir])
    other = tmp_path / "other"
    other.mkdir()
    summary = json.loads((run_dir / "summary.json").read_text())
    summary["rungs"] = summary["rungs"][:-1]
    (other / "summary.json").write_text(json.dumps(summary))
    (other / "manifest.json").write_text("{}")
    with pytest.raises(OutputError, match="incompatible ladders"):
        compare_runs([run_dir, other])


@pytest.mark.parametrize("path", sorted((REPO / "scenarios").glob("*.yaml")), ids=lambda p: p.stem)
def test_the_briefings_assumptions_are_read_from_the_typed_scenario_with_every_default_resolved(path: Path) -> None:
    # The lines are built from the validated scenario (defaults resolved by its own methods), never from
    # raw keys: a key left out or renamed cannot print "None" or a placeholder.
    from sim import load_scenario
    from sim.report.briefing import assumption_lines

    lines = assumption_lines(load_scenario(path).scenario)
    text = " ".join(lines)
    assert len(lines) >= 5
    for placeholder in ("None", " ?", "'weapons'"):
        assert placeholder not in text, (placeholder, text)
