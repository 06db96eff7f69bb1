"""A sweep recorded in its folder: manifest, resolved scenario, `sweep.csv` point by point; resumable."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..run.executors import Executor
from ..run.sweep import SWEEP_COLUMNS, Parameter, SweepPoint, run_point
from ..scenario.load import LoadedScenario
from ..version import __version__
from .files import MANIFEST, SCENARIO, OutputError, ResultsFolder, utc_now
from .run_folder import git_commit, package_versions

__all__ = ["start_sweep", "resume_sweep", "SWEEP_CSV", "read_sweep_rows"]

SWEEP_CSV = "sweep.csv"


def _columns(params: list[Parameter]) -> list[str]:
    return ["point", *[p.name for p in params], *SWEEP_COLUMNS[1:]]


def read_sweep_rows(folder: Path) -> list[dict[str, str]]:
    """Complete rows of a sweep folder's sweep.csv."""
    return list(ResultsFolder(folder).read_rows(SWEEP_CSV))


def _append(folder: ResultsFolder, columns: list[str], rows: list[dict[str, Any]]) -> None:
    folder.append_rows([[repr(r[c]) if isinstance(r[c], float) else str(r[c]) for c in columns] for r in rows],
                       SWEEP_CSV)


def _run(folder: ResultsFolder, manifest: dict[str, Any], done: set[int], executor: Executor,
         on_point: Callable[[int, int], None] | None) -> dict[str, Any]:
    params = [Parameter.from_json(p) for p in manifest["params"]]
    columns = _columns(params)
    points = [SweepPoint(i, v) for i, v in enumerate(manifest["points"])]
    arms = tuple(manifest["arms"])
    started = time.monotonic()
    wall_before = float(manifest.get("wall_seconds") or 0.0)
    scenario_path = str(folder.path / SCENARIO)
    try:
        for point in points:
            if point.index in done:
                continue
            rows = run_point(scenario_path, [], params, point, arms, manifest["replications"], manifest["seed"],
                             executor)
            _append(folder, columns, rows)
            done.add(point.index)
            manifest["points_done"] = len(done)
            manifest["wall_seconds"] = round(wall_before + time.monotonic() - started, 3)
            folder.write_json(MANIFEST, manifest)
            if on_point:
                on_point(len(done), len(points))
    except KeyboardInterrupt:
        manifest["status"] = "interrupted"
        folder.write_json(MANIFEST, manifest)
        raise
    manifest["status"] = "complete"
    manifest["end_time"] = utc_now().isoformat()
    manifest["wall_seconds"] = round(wall_before + time.monotonic() - started, 3)
    folder.write_json(MANIFEST, manifest)
    return manifest


def start_sweep(loaded: LoadedScenario, params: list[Parameter], points: list[dict[str, Any]], design: str,
                samples: int, arms: tuple[str, ...], replications: int, seed: int, path: Path, force: bool,
                executor: Executor, command: list[str],
                on_point: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    folder = ResultsFolder.create(path, force=force)
    folder.write_text(SCENARIO, loaded.resolved_yaml())
    manifest = {
        "kind": "sweep", "tool_version": __version__, "git_commit": git_commit(), "packages": package_versions(),
        "command": command, "scenario_file": str(loaded.path) if loaded.path else None,
        "scenario_name": loaded.scenario.name, "scenario_sha256": loaded.sha256(), "design": design,
        "samples": samples, "params": [p.to_json() for p in params], "points": points, "arms": list(arms),
        "replications": replications, "seed": seed, "executor": type(executor).__name__,
        "workers": executor.workers, "start_time": utc_now().isoformat(), "end_time": None, "wall_seconds": 0.0,
        "status": "running", "points_done": 0,
    }
    folder.start_table(_columns(params), SWEEP_CSV)
    folder.write_json(MANIFEST, manifest)
    return _run(folder, manifest, set(), executor, on_point)


def resume_sweep(path: Path, executor: Executor, on_point: Callable[[int, int], None] | None = None
                 ) -> dict[str, Any]:
    folder = ResultsFolder.open_existing(path)
    manifest = folder.read_json(MANIFEST)
    if manifest.get("kind") != "sweep":
        raise OutputError(f"{path} is not a sweep folder; resume runs with hotline run --resume")
    if manifest.get("status") == "complete":
        return manifest
    params = [Parameter.from_json(p) for p in manifest["params"]]
    columns = _columns(params)
    rows = read_sweep_rows(path)
    arms = manifest["arms"]
    by_point: dict[int, list[dict[str, str]]] = {}
    for row in rows:
        by_point.setdefault(int(row["point"]), []).append(row)
    done = {p for p, rs in by_point.items() if len(rs) == len(arms)}
    folder.start_table(columns, SWEEP_CSV)
    folder.append_rows([[r[c] for c in columns] for p in sorted(done) for r in by_point[p]], SWEEP_CSV)
    manifest["status"] = "running"
    return _run(folder, manifest, done, executor, on_point)
