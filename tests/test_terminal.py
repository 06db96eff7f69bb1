"""The run's table fits an 80-column terminal without breaking a number or an interval; wider terminals
and files get the one-line-per-arm table; --json stays complete (tests/test_cli.py)."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from sim import load_scenario, run_experiment
from sim.cli.terminal import print_summary

from .conftest import REPO


@pytest.fixture(scope="module")
def summary() -> dict:
    loaded = load_scenario(REPO / "scenarios" / "senkaku_baseline.yaml", ["horizon_days=3"])
    out = run_experiment(loaded, replications=4, seed=3)  # all four arms, the longest names
    # three days rarely reach the top rung: give one difference the width of a real one
    out["differences"]["hotline_rapid - no_hotline"]["main"].update(
        {"estimate": -0.0065, "ci_low": -0.01142, "ci_high": -0.0028, "identical": False, "variance_reduction": 12.8})
    out["arms"]["hotline_rapid"]["hotline"].update(calls_placed=194, calls_answered=123, calls_answered_in_time=120,
                                                   calls_in_time_for_other_side=123)
    return out


def _printed(summary: dict, width: int) -> str:
    console = Console(width=width, file=io.StringIO(), color_system=None)
    print_summary(summary, console)
    return console.file.getvalue()


def test_table_fits_80_columns_and_keeps_every_interval_whole(summary: dict) -> None:
    text = _printed(summary, 80)
    assert max(len(line) for line in text.splitlines()) <= 80
    for arm, data in summary["arms"].items():
        assert arm in text
        p = data["p_reach"][str(summary["main_rung"]["index"])]
        assert f"({100 * p['ci_low']:.2f},{100 * p['ci_high']:.2f})" in text
    assert "(-1.14,-0.28)" in text and "CRN 12.8x" in text and "194/123/123" in text


def test_wide_terminals_get_one_line_per_arm(summary: dict) -> None:
    text = _printed(summary, 140)
    rows = [line for line in text.splitlines() if "hotline_rapid" in line and "\u2502" in line]  # (table rows)
    assert len(rows) == 1 and " to " in rows[0]
    # Below the table, the armed clash beside the main rung, and the crises, every arm on one line each.
    assert "armed_clash % (95% CI): no_hotline" in text and "crises (settled/frozen/clash" in text


def test_a_file_gets_every_cell_on_one_line(summary: dict, capsys) -> None:
    # stdout captured (not a terminal): the table is laid out for a file, so no arm name or interval is
    # broken across lines, a 40-character arm name included.
    import copy

    data = copy.deepcopy(summary)
    long = "hotline_with_coast_guard_and_a_longer_nm"  # 40 characters
    data["arms"] = {(long if a == "hotline_with_coast_guard" else a): v for a, v in data["arms"].items()}
    data["differences"] = {k.replace("hotline_with_coast_guard", long): v for k, v in data["differences"].items()}
    print_summary(data)
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if "\u2502" in line and long in line]
    assert len(rows) == 1 and " to " in rows[0]
