"""A sweep recorded in its folder: manifest, resolved scenario, `sweep.csv` point by point; resumable.

A point's values travel as parsed values (manifest JSON) and are applied to the loaded scenario as
overrides; the scenario file is read once, after its hash is checked."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..run.defaults import MAX_REPLICATIONS
from ..run.executors import Executor
from ..run.experiment import layout_for
from ..run.outcomes import THIRD_PARTY_COUNTS
from ..run.sweep import CRISIS_SWEEP_COLUMNS, SWEEP_COLUMNS, Parameter, SweepPoint, run_point
from ..scenario.load import LoadedScenario
from ..version import __version__
from .files import MANIFEST, SCENARIO, SWEEP_CSV, OutputError, ResultsFolder, utc_now
from .run_folder import git_commit, load_recorded_scenario, package_versions

__all__ = ["start_sweep", "resume_sweep", "SWEEP_CSV", "read_sweep_rows"]


def _columns(params: list[Parameter], loaded: LoadedScenario) -> list[str]:
    """The table's columns; a scenario with allies or mediators also gets their counts, one with a crisis
    phase the top rung's chance and how its crises ended."""
    layout = layout_for(loaded)
    extra = (list(THIRD_PARTY_COUNTS) if layout.third_parties else []) + (
        list(CRISIS_SWEEP_COLUMNS) if layout.crisis else [])
    return ["point", *[p.name for p in params], *SWEEP_COLUMNS[1:], *extra]


def _committed(manifest: dict[str, Any]) -> dict[str, Any] | None:
    committed = manifest.get("committed")
    return committed.get(SWEEP_CSV) if isinstance(committed, dict) else None


def read_sweep_rows(folder: Path) -> list[dict[str, str]]:
    """Rows of a sweep folder's sweep.csv that the manifest vouches for."""
    results = ResultsFolder.open_existing(folder)
    return results.trusted_rows(SWEEP_CSV, _committed(results.read_json(MANIFEST)))


def _format(columns: list[str], rows: list[dict[str, Any]]) -> list[list[str]]:
    return [[repr(r[c]) if isinstance(r[c], float) else str(r[c]) for c in columns] for r in rows]


def _save(folder: ResultsFolder, manifest: dict[str, Any]) -> None:
    manifest["committed"] = folder.committed()
    folder.write_json(MANIFEST, manifest)


def _run(folder: ResultsFolder, loaded: LoadedScenario, manifest: dict[str, Any], done: set[int],
         executor: Executor, on_point: Callable[[int, int], None] | None) -> dict[str, Any]:
    params = [Parameter.from_json(p) for p in manifest["params"]]
    columns = _columns(params, loaded)
    points = [SweepPoint(i, v) for i, v in enumerate(manifest["points"])]
    started = time.monotonic()
    wall_before = float(manifest.get("wall_seconds") or 0.0)
    try:
        for point in points:
            if point.index in done:
                continue
            seeds = manifest.get("point_seeds")  # runs on an ensemble: each member on its own seeds
            seed = seeds[point.index] if isinstance(seeds, list) else manifest["seed"]
            rows = run_point(loaded, params, point, manifest["replications"], seed, executor)
            folder.append_rows(_format(columns, rows), SWEEP_CSV)
            done.add(point.index)
            manifest["points_done"] = len(done)
            manifest["wall_seconds"] = round(wall_before + time.monotonic() - started, 3)
            _save(folder, manifest)
            if on_point:
                on_point(len(done), len(points))
    except KeyboardInterrupt:
        manifest["status"] = "interrupted"
        _save(folder, manifest)
        raise
    except OutputError:
        manifest["status"] = "failed"
        with contextlib.suppress(OutputError):
            _save(folder, manifest)
        raise
    manifest["status"] = "complete"
    manifest["end_time"] = utc_now().isoformat()
    manifest["wall_seconds"] = round(wall_before + time.monotonic() - started, 3)
    _save(folder, manifest)
    return manifest


def start_sweep(loaded: LoadedScenario, params: list[Parameter], points: list[dict[str, Any]], design: str,
                samples: int, arms: tuple[str, ...], replications: int, seed: int, path: Path, force: bool,
                executor: Executor, command: list[str],
                on_point: Callable[[int, int], None] | None = None,
                folder: ResultsFolder | None = None, point_seeds: list[int] | None = None) -> dict[str, Any]:
    """Run a sweep into a new folder (made here unless given, already locked, by `ResultsFolder.create`).
    Every point runs on the root seed `seed`, unless `point_seeds` gives each its own."""
    folder = folder or ResultsFolder.create(path, force=force)
    try:
        loaded = loaded.select(arms)
        folder.write_text(SCENARIO, loaded.resolved_yaml())
        manifest = {
            "kind": "sweep", "tool_version": __version__, "git_commit": git_commit(),
            "packages": package_versions(), "command": command,
            "scenario_file": str(loaded.path) if loaded.path else None, "scenario_name": loaded.scenario.name,
            "scenario_sha256": loaded.sha256(), "design": design, "samples": samples,
            "params": [p.to_json() for p in params], "points": points, "arms": list(arms),
            "replications": replications, "seed": seed, "executor": type(executor).__name__,
            "workers": executor.workers, "start_time": utc_now().isoformat(), "end_time": None,
            "wall_seconds": 0.0, "status": "running", "points_done": 0,
        }
        if point_seeds is not None:
            manifest["point_seeds"] = list(point_seeds)
        folder.start_table(_columns(params, loaded), SWEEP_CSV)
        _save(folder, manifest)
        return _run(folder, loaded, manifest, set(), executor, on_point)
    finally:
        folder.release()


def _sweep_manifest(folder: ResultsFolder) -> dict[str, Any]:
    manifest = folder.read_json(MANIFEST)
    if manifest.get("kind") != "sweep":
        raise OutputError(f"{folder.path} is not a sweep folder; resume runs with hotline run --resume")
    try:
        for p in manifest["params"]:
            Parameter.from_json(p)
        if not all(isinstance(v, dict) for v in manifest["points"]):
            raise TypeError
        if not (manifest["arms"] and all(isinstance(a, str) for a in manifest["arms"])
                and isinstance(manifest["replications"], int) and 1 <= manifest["replications"] <= MAX_REPLICATIONS
                and isinstance(manifest["seed"], int) and 0 <= manifest["seed"] < 2**63
                and _seeds_ok(manifest.get("point_seeds"), len(manifest["points"]))):
            raise ValueError("plan")
    except (KeyError, TypeError, ValueError):
        raise OutputError(f"{folder.path / MANIFEST} is damaged or incomplete; this sweep cannot be resumed, "
                          "start a new one") from None
    return manifest


def _seeds_ok(seeds: Any, points: int) -> bool:
    return seeds is None or (isinstance(seeds, list) and len(seeds) == points
                             and all(isinstance(x, int) and 0 <= x < 2**63 for x in seeds))


def resume_sweep(path: Path, executor: Executor, on_point: Callable[[int, int], None] | None = None
                 ) -> dict[str, Any]:
    """Finish an interrupted sweep at the next unfinished point."""
    folder = ResultsFolder.open_for_writing(path)
    try:
        manifest = _sweep_manifest(folder)
        if manifest.get("status") == "complete":
            return manifest
        loaded = load_recorded_scenario(path, manifest)
        params = [Parameter.from_json(p) for p in manifest["params"]]
        columns = _columns(params, loaded)
        arms = manifest["arms"]
        by_point: dict[int, list[dict[str, str]]] = {}
        for row in folder.trusted_rows(SWEEP_CSV, _committed(manifest)):
            try:
                by_point.setdefault(int(row["point"]), []).append(row)
            except ValueError:
                break
        done = {p for p, rs in by_point.items() if len(rs) == len(arms) and 0 <= p < len(manifest["points"])}
        manifest["status"] = "running"
        manifest["points_done"] = len(done)
        folder.remove_derived()
        folder.keep_rows(SWEEP_CSV, columns, [[r[c] for c in columns] for p in sorted(done) for r in by_point[p]],
                         lambda: _save(folder, manifest))
        return _run(folder, loaded, manifest, done, executor, on_point)
    finally:
        folder.release()
