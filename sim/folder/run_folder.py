"""A run recorded in a results folder: manifest, resolved scenario, streamed rows, summary; resumable.

This is the only place that ties the experiment to files. Status moves from `running` to `complete`,
or to `interrupted` (Ctrl-C, SIGTERM) or `failed`; a summary written before completion says
`"status": "partial"`. `resume` finishes an interrupted run with exactly the rows an uninterrupted run
would have written.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import platform
import subprocess
import time
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from ..engine import replication_seed
from ..run.defaults import MAX_REPLICATIONS
from ..run.executors import Executor
from ..run.experiment import Experiment, Plan, layout_for
from ..run.outcomes import CALL_FATE_COLUMNS, Layout, Row
from ..scenario.load import LoadedScenario, load_scenario
from ..version import __version__
from .files import MANIFEST, REPLICATIONS, SCENARIO, SUMMARY, OutputError, ResultsFolder, utc_now

__all__ = ["start_run", "resume_run", "package_versions", "git_commit", "read_manifest", "load_recorded_scenario"]

_PACKAGES = ("simpy", "numpy", "scipy", "pydantic", "pyyaml", "matplotlib", "rich")


def package_versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for name in _PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = None
    return out


def git_commit() -> str | None:
    try:
        done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=Path(__file__).parent, capture_output=True,
                              text=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


class _Recorder:
    def __init__(self, folder: ResultsFolder, manifest: dict[str, Any], layout: Layout):
        self.folder = folder
        self.manifest = manifest
        self.columns = layout.columns
        self._clock = time.monotonic()
        self._wall_before = float(manifest.get("wall_seconds") or 0.0)

    def rows(self, rows: list[Row]) -> None:
        self.folder.append_rows([Layout.format(r, self.columns) for r in rows])

    def save(self) -> None:
        self.manifest["wall_seconds"] = round(self._wall_before + time.monotonic() - self._clock, 3)
        self.manifest["committed"] = self.folder.committed()
        self.folder.write_json(MANIFEST, self.manifest)

    def finish(self, experiment: Experiment, status: str) -> dict[str, Any]:
        summary = experiment.summary("complete" if status == "complete" else "partial")
        self.folder.write_json(SUMMARY, summary)
        self.manifest["status"] = status
        self.manifest["end_time"] = utc_now().isoformat()
        self.manifest["replications_done"] = experiment.done
        self.manifest["replications_target"] = experiment.target
        self.save()
        return summary


def _drive(experiment: Experiment, recorder: _Recorder) -> dict[str, Any]:
    try:
        experiment.run()
    except KeyboardInterrupt:
        recorder.finish(experiment, "interrupted")
        raise
    except (OutputError, ArithmeticError, ValueError) as exc:
        try:
            recorder.manifest["status"] = "failed"
            recorder.save()
        except OutputError:
            pass
        if isinstance(exc, OutputError):
            raise
        raise OutputError(f"the run stopped in the model: {type(exc).__name__}: {exc}; check the "
                          f"scenario's parameters for extreme values (finished rows are kept in "
                          f"{recorder.folder.path})") from None
    return recorder.finish(experiment, "complete")


def start_run(loaded: LoadedScenario, plan: Plan, folder: ResultsFolder, executor: Executor,
              command: list[str], on_chunk: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Run a plan into a new results folder (from `ResultsFolder.create`), then release its lock."""
    try:
        folder.remove_derived()
        folder.write_text(SCENARIO, loaded.resolved_yaml())
        manifest: dict[str, Any] = {
            "tool": "hotline", "tool_version": __version__, "git_commit": git_commit(),
            "python": platform.python_version(), "platform": platform.platform(),
            "packages": package_versions(), "command": command,
            "scenario_file": str(loaded.path) if loaded.path else None,
            "scenario_name": loaded.scenario.name, "scenario_sha256": loaded.sha256(),
            "overrides": list(loaded.sets),
            "root_seed": plan.seed, "plan": plan.to_json(), "executor": type(executor).__name__,
            "workers": executor.workers, "start_time": utc_now().isoformat(), "end_time": None,
            "wall_seconds": 0.0, "status": "running", "replications_done": 0,
            "replications_target": plan.replications,
        }
        layout = layout_for(loaded)
        recorder = _Recorder(folder, manifest, layout)
        folder.start_table(layout.columns)
        recorder.save()
        experiment = Experiment(loaded, plan, executor, sink=recorder.rows,
                                on_chunk=_progress(recorder, on_chunk))
        return _drive(experiment, recorder)
    finally:
        folder.release()


def _progress(recorder: _Recorder, on_chunk: Callable[[int, int], None] | None) -> Callable[[int, int], None]:
    def callback(done: int, target: int) -> None:
        recorder.manifest["replications_done"] = done
        recorder.manifest["replications_target"] = target
        recorder.save()
        if on_chunk is not None:
            on_chunk(done, target)
    return callback


def read_manifest(folder: ResultsFolder) -> dict[str, Any]:
    """A run's manifest with the fields resuming and reproducing need, or a clear OutputError."""
    manifest = folder.read_json(MANIFEST)
    if manifest.get("kind") == "sweep":
        raise OutputError(f"{folder.path} is a sweep folder; use hotline sweep --resume {folder.path}")
    try:
        plan = Plan.from_json(manifest["plan"])
        if not isinstance(manifest["scenario_sha256"], str) or not _plan_sound(plan):
            raise ValueError("plan")
    except (KeyError, TypeError, ValueError, AttributeError):
        raise OutputError(f"{folder.path / MANIFEST} is damaged or incomplete (no usable plan and scenario "
                          "hash); this folder cannot be resumed, start a new run") from None
    return manifest


def _plan_sound(plan: Plan) -> bool:
    return (bool(plan.arms) and all(isinstance(a, str) for a in plan.arms) and len(set(plan.arms)) == len(plan.arms)
            and 1 <= plan.replications <= MAX_REPLICATIONS and 1 <= plan.chunk_size <= MAX_REPLICATIONS
            and 0 <= plan.seed < 2**63 and 1 <= plan.max_replications <= MAX_REPLICATIONS
            and (plan.precision is None or isinstance(plan.precision, float) and 0 < plan.precision <= 0.5))


def load_recorded_scenario(path: Path, manifest: dict[str, Any]) -> LoadedScenario:
    """The folder's scenario.yaml, checked against the manifest's hash before it is parsed."""
    target = path / SCENARIO
    try:
        data = target.read_bytes()
    except OSError as exc:
        raise OutputError(f"cannot read {target}: {exc.strerror or exc}") from None
    if hashlib.sha256(data).hexdigest() != manifest.get("scenario_sha256"):
        raise OutputError(f"{target} differs from the scenario this run started with; "
                          "it cannot be resumed (start a new run instead)")
    return load_scenario(target)


def _trusted(folder: ResultsFolder, manifest: dict[str, Any], layout: Layout, plan: Plan) -> list[Row]:
    """Rows on disk that can be trusted, in order. Rows the manifest vouches for must all fit the plan
    (else the folder was edited and is refused); in older folders, rows are taken up to the first that
    does not parse or fit."""
    committed = manifest.get("committed")
    committed = committed.get(REPLICATIONS) if isinstance(committed, dict) else None
    rows: list[Row] = []
    for values in folder.trusted_rows(REPLICATIONS, committed):
        try:
            if list(values) != layout.columns:
                raise ValueError("columns")
            row = layout.parse(values)
            rep = row["replication"]
            if row["arm"] not in plan.arms or rep < 0 or row["seed"] != replication_seed(plan.seed, rep) or \
                    any(isinstance(v, float) and math.isinf(v) for v in row.values()):
                raise ValueError("plan")
        except (ValueError, KeyError, OverflowError):
            if committed is not None:
                raise OutputError(f"{folder.path / REPLICATIONS} does not fit the run its {MANIFEST} describes "
                                  "(another scenario, seed or arms); the folder was edited, start a new run") from None
            break
        rows.append(row)
    return rows


def _header(folder: ResultsFolder) -> str:
    """The first line of the folder's replications.csv (empty when it cannot be read)."""
    try:
        with open(folder.path / REPLICATIONS, encoding="utf-8") as f:
            return f.readline().rstrip("\r\n")
    except (OSError, ValueError):
        return ""


def _summary_usable(summary: dict[str, Any], plan: Plan) -> bool:
    """Whether a summary has what the terminal table and the report read (else it is rebuilt)."""
    try:
        arms = summary["arms"]
        str(summary["main_rung"]["index"]), summary["serious_rung"], summary["baseline"], summary["scenario"]
        return isinstance(summary["differences"], dict) and list(arms) == list(plan.arms) and all(
            isinstance(arms[a]["p_reach"], dict) and isinstance(arms[a]["hotline"], dict) for a in arms)
    except (KeyError, TypeError, AttributeError):
        return False


def resume_run(path: Path, executor: Executor, command: list[str],
               on_chunk: Callable[[int, int], None] | None = None) -> tuple[LoadedScenario, dict[str, Any]]:
    """Finish an interrupted run in place. A complete run is left as it is, but a missing or damaged
    summary.json is rebuilt from its rows."""
    folder = ResultsFolder.open_for_writing(path)
    try:
        manifest = read_manifest(folder)
        loaded = load_recorded_scenario(path, manifest)
        plan = Plan.from_json(manifest["plan"])
        if manifest.get("status") == "complete":
            committed = manifest.get("committed")
            if isinstance(committed, dict) and isinstance(committed.get(REPLICATIONS), dict):
                folder.trusted_rows(REPLICATIONS, committed[REPLICATIONS])  # changed rows are refused
                folder.drop_uncommitted(REPLICATIONS, committed[REPLICATIONS])
            try:
                summary = folder.read_json(SUMMARY)
                if _summary_usable(summary, plan):
                    return loaded, summary
            except OutputError:
                pass  # rebuilt below from the rows, which the manifest vouches for
        # A folder written before the call-fate and by-type columns existed is finished in its own layout.
        fates = CALL_FATE_COLUMNS[0] in _header(folder).split(",") or not (path / REPLICATIONS).exists()
        layout = dataclasses.replace(layout_for(loaded), newer_columns=fates)
        experiment = Experiment(loaded, plan, executor, newer_columns=fates)
        target = manifest.get("replications_target")
        kept = experiment.resume(iter(_trusted(folder, manifest, layout, plan)),
                                 target if isinstance(target, int) and target > 0 else plan.replications)
        recorder = _Recorder(folder, manifest, layout)
        manifest["status"] = "running"
        manifest["replications_done"] = experiment.done
        manifest.setdefault("resumed", []).append({"time": utc_now().isoformat(), "command": command,
                                                   "from_replication": experiment.done})
        folder.remove_derived()
        folder.keep_rows(REPLICATIONS, layout.columns, [Layout.format(r, layout.columns) for r in kept],
                         recorder.save)
        experiment.sink = recorder.rows
        experiment.on_chunk = _progress(recorder, on_chunk)
        return loaded, _drive(experiment, recorder)
    finally:
        folder.release()
