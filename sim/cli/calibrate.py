"""`hotline calibrate`: run one arm, measure the observed patterns, write the table and the figure."""

from __future__ import annotations

import argparse
import csv
import io
from pathlib import Path

from ..folder.files import (
    CALIBRATION_CSV,
    CALIBRATION_FIGURE,
    OutputError,
    ResultsFolder,
    default_folder_name,
)
from ..report.calibration_figure import calibration_figure
from ..report.saving import save_figure
from ..run.calibration import CalibrationRow, calibrate_rows, observed_patterns
from ..run.defaults import default_workers, root_seed
from ..run.executors import make_executor
from ..run.experiment import Experiment, Plan, chunk_size_for
from ..run.outcomes import Row
from ..scenario import load_scenario
from ..scenario.load import LoadedScenario
from ..scenario.references import seeds_dir
from .common import arm_named, printable

__all__ = ["cmd_calibrate", "run_calibration", "format_table", "pattern_tags"]


def pattern_tags(loaded: LoadedScenario) -> dict[str, list[str]]:
    tags: dict[str, list[str]] = {}
    for name, kind in loaded.scenario.incident_types.items():
        for tag in kind.counts_as:
            tags.setdefault(tag, []).append(name)
    return tags


def format_table(rows: list[CalibrationRow]) -> str:
    width = max(len(r.label) for r in rows)
    lines = [f"{'pattern':<{width}}  {'use':<10}  {'observed':>12}  {'simulated mean [90%]':>26}  inside"]
    for r in rows:
        sim = f"{r.mean:.3g} [{r.low:.3g}, {r.high:.3g}]"
        use = "fitted" if r.fitted else "validation"
        lines.append(f"{r.label:<{width}}  {use:<10}  {r.observed.text():>12}  {sim:>26}  "
                     f"{'yes' if r.inside else 'NO'}")
    for r in rows:
        if r.key in ("armed_clashes_15_years", "clash_given_limited_force", "settled_crisis_days"):
            lines.append(f"({r.label}: {r.note})")
    return "\n".join(lines)


def run_calibration(loaded: LoadedScenario, arm: str, replications: int, seed: int | None, data: Path | None,
                    out: Path | None, workers: int) -> str:
    if data is None:
        found = seeds_dir(loaded.path) if loaded.path else None
        if found is None:
            raise OutputError("no seeds/ folder found beside the scenario; give the calibration tables with --data")
        data = found
    try:
        observed = observed_patterns(data)
    except (OSError, KeyError, ValueError) as exc:
        raise OutputError(f"cannot read the calibration tables in {data}: {exc}") from None
    stem = loaded.path.stem if loaded.path else "scenario"
    out = out or Path("results") / default_folder_name(f"calibrate-{stem}")
    ResultsFolder.check_new(out, False)  # before the work, not after
    one = loaded.select((arm,))
    rows: list[Row] = []
    plan = Plan((arm,), replications, root_seed(loaded.scenario.seed, seed), chunk_size_for(replications))
    executor = make_executor("local", workers)
    try:
        Experiment(one, plan, executor, sink=rows.extend).run()
    finally:
        executor.close()
    s = loaded.arms[arm]
    table = calibrate_rows(rows, s.horizon_days, pattern_tags(loaded), s.ladder.weapons_rung,
                           len(s.ladder.rungs) - 1, observed, s.crisis.start_rung_id(s.ladder))
    folder = ResultsFolder.create(out)
    try:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(table[0].as_csv()), lineterminator="\n")
        writer.writeheader()
        writer.writerows(r.as_csv() for r in table)
        folder.write_text(CALIBRATION_CSV, buffer.getvalue())
        fig = calibration_figure(table)
        for fmt in ("png", "pdf"):
            save_figure(fig, folder.path / f"{CALIBRATION_FIGURE}.{fmt}")
    finally:
        folder.release()
    header = f"{s.name}: arm {arm}, {replications} replications, data from {data}\n"
    return header + format_table(table) + (f"\n\nwritten: {folder.path / CALIBRATION_CSV}, "
                                           f"{CALIBRATION_FIGURE}.png")


def cmd_calibrate(args: argparse.Namespace) -> int:
    from .calibrate import run_calibration

    loaded = load_scenario(args.scenario, args.set, args.allow_extends)
    arm = arm_named(loaded, args.arm)
    text = run_calibration(loaded, arm, args.replications, args.seed, args.data, args.out,
                           default_workers(args.workers))
    print(printable(text))
    return 0
