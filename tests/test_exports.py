"""Exports for slides and papers: the arm table in percentage points (CSV), Markdown and LaTeX, the memo
and `report --slides`, written beside every report and removed with it when the results change."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from sim.report.exports import table_csv, table_latex, table_markdown

from .conftest import REPO

FLAGSHIP = REPO / "scenarios" / "senkaku_baseline.yaml"


def test_the_tables_carry_the_summary_in_percentage_points(tmp_path: Path, cli) -> None:
    run = tmp_path / "run"
    status, _, err = cli("run", FLAGSHIP, "--replications", "12", "--set", "horizon_days=60", "--workers", "1",
                         "--quiet", "--out", run)
    assert status == 0, err
    status, _, err = cli("report", run, "--slides", "--format", "png")
    assert status == 0, err
    summary = json.loads((run / "summary.json").read_text())
    rows = list(csv.DictReader((run / "tables" / "arms.csv").open()))
    assert [r["arm"] for r in rows] == list(summary["arms"])
    main = str(summary["main_rung"]["index"])
    for r in rows:
        p = summary["arms"][r["arm"]]["p_reach"][main]
        assert float(r[f"p_{summary['main_rung']['id']}_pct"]) == round(100 * p["estimate"], 2)
        diff = summary["differences"].get(f"{r['arm']} - {summary['baseline']}")
        assert (r["difference_points"] == "") == (diff is None)
        if diff:
            assert float(r["difference_points"]) == round(100 * diff["main"]["estimate"], 2)
    assert (run / "tables" / "arms.csv").read_text() == table_csv(summary)
    markdown = (run / "tables" / "arms.md").read_text()
    assert markdown == table_markdown(summary) and markdown.count("\n| ") == len(rows)
    latex = (run / "tables" / "arms.tex").read_text()
    assert latex == table_latex(summary)
    assert r"\begin{tabular}" in latex and r"no hotline" in latex and r"P(limited\_force) \%" in latex
    assert (run / "memo.pdf").stat().st_size > 5000
    assert sorted(p.name for p in (run / "slides").iterdir())[:2] == ["01_finding.png", "02_escalation_profile.png"]
    # the results change (a resumed, grown run would too): the exports go with the rest of the old report
    assert cli("run", FLAGSHIP, "--replications", "2", "--set", "horizon_days=5", "--workers", "1", "--quiet",
               "--force", "--out", run)[0] == 0
    assert not (run / "tables").exists() and not (run / "memo.pdf").exists() and not (run / "slides").exists()
