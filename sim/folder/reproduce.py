"""`hotline run --reproduce DIR`: rerun a finished run from what its folder records, and compare."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..run.executors import Executor
from ..run.experiment import Plan
from ..scenario.load import load_scenario
from .files import (
    REPLICATIONS,
    SCENARIO,
    SUMMARY,
    OutputError,
    ResultsFolder,
    default_folder_name,
)
from .run_folder import package_versions, read_manifest, start_run

__all__ = ["reproduce", "Reproduction"]


def _digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise OutputError(f"cannot read {path}: {exc.strerror or exc}") from None


@dataclass(frozen=True)
class Reproduction:
    original: Path
    rerun: Path
    matches: bool
    details: tuple[str, ...]

    def text(self) -> str:
        verdict = "results match" if self.matches else "results DIFFER"
        return "\n".join([f"reproduce {self.original} -> {self.rerun}: {verdict}", *self.details])


def reproduce(original: Path, executor: Executor, command: list[str],
              on_chunk: Callable[[int, int], None] | None = None, out: Path | None = None) -> Reproduction:
    folder = ResultsFolder.open_existing(original)
    manifest = read_manifest(folder)
    if manifest.get("status") != "complete":
        raise OutputError(f"{original} is not a complete run (status {manifest.get('status')}); "
                          f"finish it with hotline run --resume {original} first")
    loaded = load_scenario(original / SCENARIO)
    details = []
    if loaded.sha256() != manifest.get("scenario_sha256"):
        details.append("note: scenario.yaml no longer has the hash the manifest records")
    plan = Plan.from_json(manifest["plan"])
    target = manifest.get("replications_target")
    target = target if isinstance(target, int) else plan.replications
    if target != plan.replications and plan.precision is None:
        raise OutputError("the manifest's replication counts disagree; the folder was edited by hand")
    rerun_path = out or original.parent / default_folder_name(f"{original.name}-reproduce")
    start_run(loaded, plan, ResultsFolder.create(rerun_path), executor, command, on_chunk)
    matches = True
    for name in (REPLICATIONS, SUMMARY):
        same = _digest(original / name) == _digest(rerun_path / name)
        matches &= same
        details.append(f"{name}: {'identical' if same else 'different'}")
    now = package_versions()
    then = manifest.get("packages") if isinstance(manifest.get("packages"), dict) else {}
    changed = [f"{k} {then.get(k)} -> {v}" for k, v in now.items() if then.get(k) != v]
    if changed:
        details.append("package versions changed since the run: " + ", ".join(changed))
    if not matches:
        try:
            a = folder.read_json(SUMMARY)
            b = ResultsFolder(rerun_path).read_json(SUMMARY)
            key = str(a["main_rung"]["index"])
            for arm in a["arms"]:
                ea = a["arms"][arm]["p_reach"][key]["estimate"]
                eb = b["arms"].get(arm, {}).get("p_reach", {}).get(key, {}).get("estimate")
                details.append(f"  {arm}: P(main) {ea} then, {eb} now")
        except (OutputError, KeyError, TypeError, AttributeError):
            details.append(f"  (the original {SUMMARY} cannot be read to compare estimates)")
    return Reproduction(original, rerun_path, matches, tuple(details))
