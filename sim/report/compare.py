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
    MANIFEST,
    REPLICATIONS,
    SUMMARY,
    OutputError,
    ResultsFolder,
    write_text_atomically,
)
from ..run.stats import PairedCounts, paired_difference
from .figures import pretty_arm
from .saving import save_figure
from .style import arm_style, new_axes, title
from .words import interval_text

__all__ = ["compare_runs", "comparison_rows", "comparison_figure", "paired_differences"]


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


def _highest_by_replication(path: Path) -> dict[str, dict[int, tuple[int, int]]]:
    """arm -> replication -> (seed, highest rung), from a run's replications.csv."""
    out: dict[str, dict[int, tuple[int, int]]] = {}
    folder = ResultsFolder.open_existing(path)
    committed = folder.read_json(MANIFEST).get("committed")
    committed = committed.get(REPLICATIONS) if isinstance(committed, dict) else None
    try:
        for row in folder.trusted_rows(REPLICATIONS, committed):  # the rows the manifest vouches for
            out.setdefault(row["arm"], {})[int(row["replication"])] = (int(row["seed"]), int(row["highest_rung"]))
    except (KeyError, ValueError, TypeError) as exc:
        raise OutputError(f"cannot read {path / REPLICATIONS} ({type(exc).__name__}); rebuild it with hotline run "
                          f"--resume {path}") from None
    return out


def paired_differences(paths: list[Path], labels: list[str],
                       runs: list[tuple[str, dict[str, Any]]]) -> tuple[list[dict[str, Any]], list[str]]:
    """Paired differences in P(main rung) between each later run and the first, arm by arm for the arms of
    the same name: the replications of both runs with the same number and seed saw the same random numbers
    (common random numbers hold across runs of one scenario and seed, whatever `--set` changed). Returns the
    rows and, for each pair that cannot be paired, why."""
    first_manifest = ResultsFolder.open_existing(paths[0]).read_json(MANIFEST)
    first_rows = _highest_by_replication(paths[0])
    main = runs[0][1]["main_rung"]["index"]
    rows: list[dict[str, Any]] = []
    why: list[str] = []
    for path, label in zip(paths[1:], labels[1:], strict=True):
        manifest = ResultsFolder.open_existing(path).read_json(MANIFEST)
        if manifest.get("root_seed") != first_manifest.get("root_seed"):
            why.append(f"{label} vs {labels[0]}: not paired, their seeds differ ({manifest.get('root_seed')} and "
                       f"{first_manifest.get('root_seed')}); rerun one with --seed to pair them")
            continue
        other = _highest_by_replication(path)
        common = [arm for arm in other if arm in first_rows]
        if not common:
            why.append(f"{label} vs {labels[0]}: not paired, they share no arm name")
            continue
        for arm in common:
            cells = [0, 0, 0, 0]
            for rep, (seed, high) in other[arm].items():
                base = first_rows[arm].get(rep)
                if base is None or base[0] != seed:
                    continue
                a, b = high >= main, base[1] >= main
                cells[0 if a and b else 1 if a else 2 if b else 3] += 1
            counts = PairedCounts(*cells)
            if counts.n == 0:
                why.append(f"{label} vs {labels[0]}, arm {arm}: no replication of the same number and seed")
                continue
            d = paired_difference(counts)
            rows.append({"run": label, "against": labels[0], "arm": arm, "n": counts.n,
                         "estimate": d.estimate, "ci_low": d.low, "ci_high": d.high})
    return rows, why


def _overrides(path: Path) -> str:
    try:
        manifest = ResultsFolder.open_existing(path).read_json(MANIFEST)
    except OutputError:
        return ""
    sets = manifest.get("overrides")
    return "; ".join(map(str, sets)) if isinstance(sets, list) and sets else "the scenario as written"


def compare_runs(paths: list[Path], out: Path | None = None) -> str:
    """A text table of every run's arms; with `out`, also comparison.csv and comparison.png/pdf there."""
    if len(paths) < 2:
        raise OutputError("give at least two results folders to compare")
    runs = [(label, _load(p)) for label, p in zip(run_labels(paths), paths, strict=True)]
    rows = comparison_rows(runs)
    main_label = runs[0][1]["main_rung"]["id"]
    width = max(len(f"{r['run']}  {r['arm']}") for r in rows)
    labels = [label for label, _ in runs]
    lines = [f"{label}: {summary['scenario']}, seed "
             f"{ResultsFolder.open_existing(p).read_json(MANIFEST).get('root_seed')}, {_overrides(p)}"
             for (label, summary), p in zip(runs, paths, strict=True)]
    lines += ["", f"{'run  arm':<{width}}  {'n':>7}  {'P(' + main_label + ') %, 95% CI':>26}  {'P(serious) %':>22}"]
    for r in rows:
        lines.append(f"{r['run'] + '  ' + r['arm']:<{width}}  {r['n']:>7}  {interval_text(r['main'], digits=2):>26}"
                     f"  {interval_text(r['serious']):>22}" + ("" if r["status"] == "complete" else "  (partial)"))
    paired, why = paired_differences(paths, labels, runs)
    if paired:
        lines += ["", f"paired differences in P({main_label}), percentage points (same replications, same random "
                  "numbers):"]
        for r in paired:
            lines.append(f"  {r['run']} minus {r['against']}, arm {r['arm']}: {100 * r['estimate']:+.2f} "
                         f"({100 * r['ci_low']:+.2f} to {100 * r['ci_high']:+.2f}), {r['n']} pairs")
    lines += [""] * bool(why) + why
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
        if paired:
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            writer.writerow(["run", "minus", "arm", "pairs", "diff_main", "diff_main_low", "diff_main_high"])
            for r in paired:
                writer.writerow([r["run"], r["against"], r["arm"], r["n"], r["estimate"], r["ci_low"], r["ci_high"]])
            write_text_atomically(out / "paired_differences.csv", buffer.getvalue())
        fig = comparison_figure(rows, main_label)
        for fmt in ("png", "pdf"):
            save_figure(fig, out / f"{COMPARISON_FIGURE}.{fmt}")
        lines.append(f"\ncomparison: {out / COMPARISON_CSV}, {out / COMPARISON_FIGURE}.png")
    return "\n".join(lines)
