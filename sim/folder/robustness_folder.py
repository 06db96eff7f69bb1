"""A robustness analysis recorded in its folder: a one-at-a-time sweep folder (manifest, scenario.yaml,
`sweep.csv` point by point, resumable) plus `robustness.json` and `robustness.csv`, the differences at
each assumption's low and high value and whether the finding flips there."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..run.executors import Executor
from ..run.robustness import ONE_AT_A_TIME, Move, plan_points
from ..run.robustness_result import robustness_result
from ..scenario.load import LoadedScenario, load_scenario
from .files import MANIFEST, SCENARIO, OutputError, ResultsFolder
from .sweep_folder import read_sweep_rows, resume_sweep, start_sweep

__all__ = ["start_robustness", "resume_robustness", "read_robustness", "is_robustness_folder",
           "ROBUSTNESS_JSON", "ROBUSTNESS_CSV"]

ROBUSTNESS_JSON = "robustness.json"
ROBUSTNESS_CSV = "robustness.csv"
_COLUMNS = ["key", "value", "source", "arm", "side", "moved_to", "estimate", "ci_low", "ci_high", "flip"]


def is_robustness_folder(path: Path) -> bool:
    try:
        manifest = ResultsFolder.open_existing(path).read_json(MANIFEST)
    except OutputError:
        return False
    return manifest.get("kind") == "sweep" and manifest.get("design") == ONE_AT_A_TIME


def start_robustness(loaded: LoadedScenario, moves: list[Move], arms: tuple[str, ...], replications: int,
                     seed: int, path: Path, force: bool, executor: Executor, command: list[str],
                     on_point: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Run the scenario as written and each assumption at its low and high value; return the result."""
    params, points = plan_points(moves)
    start_sweep(loaded, params, points, ONE_AT_A_TIME, 0, arms, replications, seed, path, force, executor,
                command, on_point)
    return read_robustness(path)


def resume_robustness(path: Path, executor: Executor, on_point: Callable[[int, int], None] | None = None
                      ) -> dict[str, Any]:
    """Finish an interrupted robustness analysis at the next unfinished point."""
    if not is_robustness_folder(path):
        raise OutputError(f"{path} is not a robustness folder (made by hotline robustness)")
    resume_sweep(path, executor, on_point)
    return read_robustness(path)


def read_robustness(path: Path, write: bool = True) -> dict[str, Any]:
    """The result of a robustness folder (finished points only); writes robustness.json and .csv unless
    `write` is false."""
    if not is_robustness_folder(path):
        raise OutputError(f"{path} is not a robustness folder; make one with hotline robustness SCENARIO")
    folder = ResultsFolder(path)
    manifest = folder.read_json(MANIFEST)
    loaded = load_scenario(path / SCENARIO)
    scenario = loaded.scenario
    result = robustness_result(manifest, read_sweep_rows(path), scenario.main_rung_id, dict(scenario.ranges))
    result["scenario_name"] = manifest.get("scenario_name")
    result["fingerprints"] = loaded.fingerprints()
    if not write:
        return result
    folder.write_json(ROBUSTNESS_JSON, result)
    folder.start_table(_COLUMNS, ROBUSTNESS_CSV)
    rows = [["(as written)", "", "", arm, "", "", *_numbers(d), ""] for arm, d in result["baseline"].items()]
    for p in result["parameters"]:
        for arm, sides in p["differences"].items():
            for side, d in sides.items():
                rows.append([p["key"], repr(p["value"]), p["source"], arm, side, repr(p[side]), *_numbers(d),
                             p["flips"][arm][side] or ""])
    folder.append_rows(rows, ROBUSTNESS_CSV)
    return result


def _numbers(d: dict[str, float]) -> list[str]:
    return [repr(d["estimate"]), repr(d["ci_low"]), repr(d["ci_high"])]
