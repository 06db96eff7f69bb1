"""Every figure and page of a briefing, every slide and the memo can be read, whatever the scenario: no text outside the canvas, no
text clipped by its table cell, no block drawn over another, no tick labels over each other
(`sim.report.layout.layout_problems`, which reads where matplotlib drew each artist).

Checked on the flagship, on a file with twelve arms and on one whose arm names have the 40 characters the
schema allows; and the check itself is shown to fail on a planted overlap, a label off the canvas and a
clipped table cell. The runs are short (few replications, a shorter horizon): the layout depends on the
number of arms, rungs and the lengths of their names, not on the sample size.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from matplotlib.figure import Figure

from sim.folder.explanation import read_explanation
from sim.report.briefing import assumption_lines, briefing_pages
from sim.report.build import _read_scenario, figures_for
from sim.report.exports import memo_page, slides
from sim.report.layout import layout_problems

from .conftest import REPO

FLAGSHIP = REPO / "scenarios" / "senkaku_baseline.yaml"


def _twelve_arms(text: str) -> str:
    extra = "".join(f"  answers_{i:02d}_of_ten_with_a_longer_name:\n"
                    f"    parties.CHN.hotline.answer_probability: {0.3 + 0.05 * i:.2f}\n" for i in range(8))
    return text.replace("\n# Plausible ranges", "\n" + extra + "\n# Plausible ranges", 1)


def _long_names(text: str) -> str:
    for arm in ("no_hotline", "hotline_as_is", "hotline_with_coast_guard", "hotline_rapid"):
        long = (arm + "_" + "x" * 40)[:40]
        text = re.sub(rf"^  {arm}:", f"  {long}:", text, flags=re.M)
    return text.replace("main_rung: limited_force", "main_rung: limited_force", 1)


VARIANTS = {"flagship": lambda t: t, "twelve_arms": _twelve_arms, "forty_character_names": _long_names}


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_every_figure_and_page_of_a_briefing_can_be_read(variant: str, tmp_path: Path, cli) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(VARIANTS[variant](FLAGSHIP.read_text(encoding="utf-8")), encoding="utf-8")
    run = tmp_path / "run"
    status, _, err = cli("run", path, "--replications", "12", "--set", "horizon_days=90", "--workers", "1",
                         "--quiet", "--out", run)
    assert status == 0, err
    if variant != "twelve_arms":  # the mechanisms figure and page as well (an explanation beside the run)
        status, _, err = cli("explain", path, "--replications", "4", "--set", "horizon_days=90", "--workers", "1",
                             "--quiet", "--out", run)
        assert status == 0, err
    summary = json.loads((run / "summary.json").read_text())
    manifest = json.loads((run / "manifest.json").read_text())
    assert len(summary["arms"]) == (12 if variant == "twelve_arms" else 4)
    problems = []
    for name, fig in figures_for(summary, read_explanation(run)).items():
        problems += layout_problems(fig, name)
    pages = briefing_pages(summary, _read_scenario(run), manifest, read_explanation(run))
    for i, page in enumerate(pages):
        problems += layout_problems(page, f"page {i + 1}")
    for name, fig in slides(summary).items():
        problems += layout_problems(fig, f"slide {name}")
    problems += layout_problems(memo_page(summary, manifest, assumption_lines(_read_scenario(run))), "memo")
    assert not problems, "\n".join(problems[:15])


def test_the_check_sees_an_overlap_a_label_off_the_canvas_and_a_clipped_cell() -> None:
    fig = Figure(figsize=(4, 3))
    fig.add_axes((0.1, 0.1, 0.5, 0.5)).set_title("first")
    fig.add_axes((0.3, 0.3, 0.5, 0.5)).set_title("second")  # planted over the first
    assert any("drawn over each other" in p for p in layout_problems(fig))
    fig = Figure(figsize=(4, 3))
    ax = fig.add_axes((0.1, 0.1, 0.8, 0.8))
    ax.text(0.9, 0.5, "a label that runs far off the right edge of the canvas")
    assert any("runs outside the canvas" in p for p in layout_problems(fig))
    fig = Figure(figsize=(4, 3))
    ax = fig.add_axes((0.1, 0.1, 0.8, 0.8))
    ax.axis("off")
    table = ax.table(cellText=[["a cell with far more text than its narrow column can hold"]], colWidths=[0.1])
    table.auto_set_font_size(False)
    table.set_fontsize(9)
    assert any("does not fit its cell" in p for p in layout_problems(fig))
    fig = Figure(figsize=(4, 3))
    ax = fig.add_axes((0.1, 0.2, 0.8, 0.7))
    ax.set_xticks(range(5), [f"a long tick label number {i}" for i in range(5)])
    assert any("tick labels" in p and "overlap" in p for p in layout_problems(fig))
    fig = Figure(figsize=(4, 3))
    fig.add_axes((0.15, 0.15, 0.3, 0.3)).set_title("one")
    fig.add_axes((0.6, 0.6, 0.3, 0.3)).set_title("two")
    assert layout_problems(fig) == []


@pytest.mark.parametrize("arms", [1, 2, 3])
def test_the_robustness_pages_can_be_read_with_one_to_three_arms_and_long_keys(arms: int) -> None:
    from sim.report.robustness_report import robustness_pages

    def d(e: float) -> dict[str, float]:
        return {"estimate": e, "ci_low": e - 0.004, "ci_high": e + 0.003}

    names = ["hotline_as_is", "hotline_with_coast_guard", "hotline_rapid"][:arms]
    keys = ["tension.escalation_feedback", "parties.CHN.posture.retaliation_multiplier",
            "parties.CHN.hotline.answer_probability", "parties.JPN.hotline.answer_probability",
            "incident_types.air_intercept.fatal_accident_share.by_rung.physical_coercion"]
    params = [{"key": k, "low": 0.1, "high": 0.9, "value": 0.5, "source": "range",
               "differences": {a: {"low": d(-0.002 * i), "high": d(-0.003)} for a in names},
               "flips": {a: {"low": "loses" if i == 0 else None, "high": None} for a in names},
               "underpowered": {a: {"low": i == 0 and a == names[0], "high": False} for a in names}}
              for i, k in enumerate(keys)]
    result = {"baseline_arm": "no_hotline", "replications": 2000, "main_rung": "limited_force",
              "baseline": {a: d(-0.004) for a in names}, "parameters": params}
    problems = [p for i, page in enumerate(robustness_pages(result))
                for p in layout_problems(page, f"robustness page {i + 1}")]
    assert not problems, "\n".join(problems[:10])
