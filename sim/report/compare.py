"""`hotline compare`: several runs side by side, refusing runs whose ladders differ."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from ..folder.files import (
    COMPARISON_CSV,
    COMPARISON_FIGURE,
    SUMMARY,
    OutputError,
    ResultsFolder,
    write_text_atomically,
)
from .figures import pretty_arm
from .saving import save_figure
from .style import arm_style, new_axes, title
from .words import interval_text

__all__ = ["compare_runs", "comparison_rows", "comparison_figure"]


def _load(path: Path) -> dict[str, Any]:
    folder = ResultsFolder.open_existing(path)
    if not (path / SUMMARY).is_file():
        raise OutputError(f"{path} has no {SUMMARY}; rebuild it with hotline run --resume {path}")
    summary = folder.read_json(SUMMARY)
    try:
        comparison_rows([(path.name, summary)])
    except (KeyError, TypeError, ValueError, IndexError, AttributeError):
        raise OutputError(f"{path / SUMMARY} is damaged or incomplete; rebuild it with "
                          f"hotline run --resume {path}") from None
    return summary


def comparison_rows(runs: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    """One row per run and arm: the main and serious probabilities with intervals. Ladders must match."""
    first_name, first = runs[0]
    ladder = [r["id"] for r in first["rungs"]]
    for name, summary in runs[1:]:
        other = [r["id"] for r in summary["rungs"]]
        if other != ladder:
            raise OutputError(f"incompatible ladders: {first_name} has rungs {ladder} but {name} has {other}; "
                              "compare runs whose scenarios share a ladder")
        if summary["main_rung"]["index"] != first["main_rung"]["index"]:
            raise OutputError(f"{first_name} and {name} study different main rungs "
                              f"({first['main_rung']['id']} vs {summary['main_rung']['id']})")
    rows = []
    for name, summary in runs:
        main, serious = str(summary["main_rung"]["index"]), str(summary["serious_rung"])
        for arm, data in summary["arms"].items():
            rows.append({"run": name, "scenario": summary["scenario"], "arm": arm, "n": data["n"],
                         "status": summary["status"], "main": data["p_reach"][main],
                         "serious": data["p_reach"][serious]})
    return rows


def comparison_figure(rows: list[dict[str, Any]], main_label: str, ax: Any = None) -> Figure:
    fig, ax = new_axes(ax, size=(7.0, 0.8 + 0.32 * len(rows)))
    runs = list(dict.fromkeys(r["run"] for r in rows))
    for i, row in enumerate(rows):
        y = len(rows) - 1 - i
        style = arm_style(runs.index(row["run"]))
        m = row["main"]
        ax.plot([100 * m["ci_low"], 100 * m["ci_high"]], [y, y], color=style["color"], linewidth=2)
        ax.plot([100 * m["estimate"]], [y], marker=style["marker"], color=style["color"], markersize=6)
    ax.set_yticks(range(len(rows)), [f"{r['run']}: {pretty_arm(r['arm'])}" for r in reversed(rows)], fontsize=7)
    ax.set_xlabel(f"P({main_label}) %, 95% CI")
    ax.set_xlim(left=0)
    title(ax, "Runs compared")
    ax.grid(axis="y", visible=False)
    return fig


def run_labels(paths: list[Path]) -> list[str]:
    """A label for each folder that tells it apart from the others: its name, or as many of its last path
    parts as it takes (`a/run` and `b/run`). The same folder given twice is refused."""
    resolved = [p.resolve() for p in paths]
    for i, r in enumerate(resolved):
        if r in resolved[:i]:
            raise OutputError(f"{paths[i]} is given twice (as {paths[resolved.index(r)]}); give each folder once")
    depth = 1
    while True:
        labels = ["/".join(r.parts[-depth:]) for r in resolved]
        if len(set(labels)) == len(labels) or depth >= max(len(r.parts) for r in resolved):
            return labels
        depth += 1


def compare_runs(paths: list[Path], out: Path | None = None) -> str:
    """A text table of every run's arms; with `out`, also comparison.csv and comparison.png/pdf there."""
    if len(paths) < 2:
        raise OutputError("give at least two results folders to compare")
    runs = [(label, _load(p)) for label, p in zip(run_labels(paths), paths, strict=True)]
    rows = comparison_rows(runs)
    main_label = runs[0][1]["main_rung"]["id"]
    width = max(len(f"{r['run']}  {r['arm']}") for r in rows)
    lines = [f"{'run  arm':<{width}}  {'n':>7}  {'P(' + main_label + ') %, 95% CI':>26}  {'P(serious) %':>22}"]
    for r in rows:
        lines.append(f"{r['run'] + '  ' + r['arm']:<{width}}  {r['n']:>7}  {interval_text(r['main'], digits=2):>26}"
                     f"  {interval_text(r['serious']):>22}" + ("" if r["status"] == "complete" else "  (partial)"))
    if out is not None:
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot create {out}: {exc.strerror or exc}") from None
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["run", "scenario", "arm", "n", "status", "p_main", "p_main_low", "p_main_high",
                         "p_serious", "p_serious_low", "p_serious_high"])
        for r in rows:
            writer.writerow([r["run"], r["scenario"], r["arm"], r["n"], r["status"],
                             r["main"]["estimate"], r["main"]["ci_low"], r["main"]["ci_high"],
                             r["serious"]["estimate"], r["serious"]["ci_low"], r["serious"]["ci_high"]])
        write_text_atomically(out / COMPARISON_CSV, buffer.getvalue())
        fig = comparison_figure(rows, main_label)
        for fmt in ("png", "pdf"):
            save_figure(fig, out / f"{COMPARISON_FIGURE}.{fmt}")
        lines.append(f"\ncomparison: {out / COMPARISON_CSV}, {out / COMPARISON_FIGURE}.png")
    return "\n".join(lines)
