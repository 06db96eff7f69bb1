"""A run recorded in a results folder: manifest, resolved scenario, streamed rows, summary; resumable.

This is the only place that ties the experiment to files. Status moves from `running` to `complete`,
or to `interrupted` (Ctrl-C, SIGTERM) or `failed`; a summary written before completion says
`"status": "partial"`. `resume` finishes an interrupted run with exactly the rows an uninterrupted run
would have written.
"""

from __future__ import annotations

import platform
import subprocess
import time
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from ..run.executors import Executor
from ..run.experiment import Experiment, Plan, layout_for
from ..run.outcomes import Layout, Row
from ..scenario.load import LoadedScenario, load_scenario
from ..version import __version__
from .files import MANIFEST, SCENARIO, SUMMARY, OutputError, ResultsFolder, utc_now

__all__ = ["start_run", "resume_run", "package_versions", "git_commit"]

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
    except OutputError:
        try:
            recorder.manifest["status"] = "failed"
            recorder.save()
        except OutputError:
            pass
        raise
    return recorder.finish(experiment, "complete")


def start_run(loaded: LoadedScenario, plan: Plan, folder: ResultsFolder, executor: Executor,
              command: list[str], on_chunk: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Run a plan into a new results folder."""
    folder.write_text(SCENARIO, loaded.resolved_yaml())
    manifest: dict[str, Any] = {
        "tool": "hotline", "tool_version": __version__, "git_commit": git_commit(),
        "python": platform.python_version(), "platform": platform.platform(), "packages": package_versions(),
        "command": command, "scenario_file": str(loaded.path) if loaded.path else None,
        "scenario_name": loaded.scenario.name, "scenario_sha256": loaded.sha256(),
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


def _progress(recorder: _Recorder, on_chunk: Callable[[int, int], None] | None) -> Callable[[int, int], None]:
    def callback(done: int, target: int) -> None:
        recorder.manifest["replications_done"] = done
        recorder.manifest["replications_target"] = target
        recorder.save()
        if on_chunk is not None:
            on_chunk(done, target)
    return callback


def resume_run(path: Path, executor: Executor, command: list[str],
               on_chunk: Callable[[int, int], None] | None = None) -> tuple[LoadedScenario, dict[str, Any]]:
    """Finish an interrupted run in place. A complete run is left as it is."""
    folder = ResultsFolder.open_existing(path)
    manifest = folder.read_json(MANIFEST)
    loaded = load_scenario(path / SCENARIO)
    if loaded.sha256() != manifest.get("scenario_sha256"):
        raise OutputError(f"{path / SCENARIO} differs from the scenario this run started with; "
                          "it cannot be resumed (start a new run instead)")
    plan = Plan.from_json(manifest["plan"])
    if manifest.get("status") == "complete":
        return loaded, folder.read_json(SUMMARY)
    layout = layout_for(loaded)
    experiment = Experiment(loaded, plan, executor)
    kept = experiment.resume((layout.parse(r) for r in folder.read_rows()),
                             int(manifest.get("replications_target") or plan.replications))
    folder.start_table(layout.columns)
    recorder = _Recorder(folder, manifest, layout)
    recorder.rows(kept)
    experiment.sink = recorder.rows
    experiment.on_chunk = _progress(recorder, on_chunk)
    manifest["status"] = "running"
    manifest.setdefault("resumed", []).append({"time": utc_now().isoformat(), "command": command,
                                               "from_replication": experiment.done})
    recorder.save()
    return loaded, _drive(experiment, recorder)


