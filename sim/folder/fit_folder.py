"""A fit recorded in its folder: manifest, resolved scenario, `members.csv` member by member, and the
ensemble (`ensemble.json`: weights, effective sample size, coverage) once every member has run; resumable.

Each member runs the calibration arm for the fit's years on the fit's seed (the same seeds for every
member), its tallies of each pattern go into one row, and `--resume` skips the members already written.
The calibration tables' SHA-256 is recorded, so a resumed fit weighs every member against the same record."""

from __future__ import annotations

import contextlib
import hashlib
import math
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..run.ensemble import Prior, fit_summary, member_loglik
from ..run.evidence import Evidence, Tally, record_evidence
from ..run.executors import Executor
from ..run.experiment import Experiment, Plan, chunk_size_for, layout_for
from ..run.outcomes import Row
from ..scenario.load import LoadedScenario, apply_overrides
from ..version import __version__
from .files import MANIFEST, SCENARIO, OutputError, ResultsFolder, utc_now
from .run_folder import git_commit, load_recorded_scenario, package_versions

__all__ = ["start_fit", "resume_fit", "read_fit", "MEMBERS_CSV", "ENSEMBLE_JSON", "fit_evidence", "TABLES_HASHED"]

MEMBERS_CSV = "members.csv"
ENSEMBLE_JSON = "ensemble.json"
TABLES_HASHED = ("senkaku_presence.csv", "jasdf_scrambles.csv", "incidents.csv", "limited_force_cases.csv")


def tables_sha256(data: Path) -> str:
    digest = hashlib.sha256()
    for name in TABLES_HASHED:
        path = data / name
        digest.update(name.encode() + b"\0" + (path.read_bytes() if path.is_file() else b"-") + b"\0")
    return digest.hexdigest()


def _tags(loaded: LoadedScenario) -> dict[str, list[str]]:
    tags: dict[str, list[str]] = {}
    for name, kind in loaded.scenario.incident_types.items():
        for tag in kind.counts_as:
            tags.setdefault(tag, []).append(name)
    return tags


def fit_evidence(loaded: LoadedScenario, arm: str, data: Path) -> list[Evidence]:
    """The patterns of the record in `data` that `arm` of the scenario can be measured on."""
    s = loaded.arms[arm]
    columns = layout_for(loaded.select((arm,))).columns
    try:
        return record_evidence(data, _tags(loaded), columns, s.horizon_days, s.ladder.weapons_rung,
                               s.crisis.start_rung_id(s.ladder), len(s.ladder.rungs) - 1)
    except (OSError, KeyError, ValueError) as exc:
        raise OutputError(f"cannot read the calibration tables in {data}: {exc}") from None


def _columns(priors: list[Prior], evidence: list[Evidence]) -> list[str]:
    cols = ["member", *[p.key for p in priors]]
    for e in evidence:
        cols += [f"{e.key}.total", f"{e.key}.squares", f"{e.key}.n", f"{e.key}.loglik"]
    return [*cols, "loglik"]


def _committed(manifest: dict[str, Any]) -> dict[str, Any] | None:
    committed = manifest.get("committed")
    return committed.get(MEMBERS_CSV) if isinstance(committed, dict) else None


def _save(folder: ResultsFolder, manifest: dict[str, Any]) -> None:
    manifest["committed"] = folder.committed()
    folder.write_json(MANIFEST, manifest)


def run_member(loaded: LoadedScenario, arm: str, values: dict[str, float], years: int, seed: int,
               evidence: list[Evidence], executor: Executor) -> tuple[dict[str, Tally], dict[str, float]]:
    """One member: the arm at the member's values for `years` replications, its tallies and log-likelihoods."""
    at = apply_overrides(loaded.select((arm,)), values, "--prior")
    rows: list[Row] = []
    Experiment(at, Plan((arm,), years, seed, chunk_size_for(years)), executor, sink=rows.extend).run()
    tallies = {e.key: e.tally(rows) for e in evidence}
    return tallies, member_loglik(evidence, tallies)


def _row(index: int, priors: list[Prior], values: dict[str, float], evidence: list[Evidence],
         tallies: dict[str, Tally], logliks: dict[str, float]) -> list[str]:
    out = [str(index), *[repr(float(values[p.key])) for p in priors]]
    for e in evidence:
        t = tallies[e.key]
        out += [repr(t.total), repr(t.squares), repr(t.n), repr(logliks[e.key])]
    total = sum(logliks.values())
    return [*out, repr(total)]


def _parse(row: dict[str, str], evidence: list[Evidence]) -> tuple[dict[str, Tally], float]:
    tallies = {e.key: Tally(float(row[f"{e.key}.total"]), float(row[f"{e.key}.squares"]), float(row[f"{e.key}.n"]))
               for e in evidence}
    return tallies, float(row["loglik"])


def _finish(folder: ResultsFolder, manifest: dict[str, Any], evidence: list[Evidence],
            rows: list[dict[str, str]]) -> dict[str, Any]:
    priors = [Prior.from_json(p) for p in manifest["priors"]]
    parsed = [_parse(r, evidence) for r in rows]
    members = [manifest["members"][int(r["member"])] for r in rows]
    summary = fit_summary(priors, members, evidence, [t for t, _ in parsed], [ll for _, ll in parsed])
    summary["member_index"] = [int(r["member"]) for r in rows]
    folder.write_json(ENSEMBLE_JSON, _finite(summary))
    return summary


def _finite(x: Any) -> Any:
    """JSON has no NaN: not-a-number figures are written as null."""
    if isinstance(x, float):
        return x if math.isfinite(x) else None
    if isinstance(x, dict):
        return {k: _finite(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_finite(v) for v in x]
    return x


def _run(folder: ResultsFolder, loaded: LoadedScenario, manifest: dict[str, Any], done: dict[int, dict[str, str]],
         evidence: list[Evidence], executor: Executor, on_member: Callable[[int, int], None] | None
         ) -> dict[str, Any]:
    priors = [Prior.from_json(p) for p in manifest["priors"]]
    started = time.monotonic()
    wall_before = float(manifest.get("wall_seconds") or 0.0)
    members = manifest["members"]
    try:
        for index, values in enumerate(members):
            if index in done:
                continue
            tallies, logliks = run_member(loaded, manifest["arm"], values, manifest["years"], manifest["seed"],
                                          evidence, executor)
            row = _row(index, priors, values, evidence, tallies, logliks)
            folder.append_rows([row], MEMBERS_CSV)
            done[index] = dict(zip(_columns(priors, evidence), row, strict=True))
            manifest["members_done"] = len(done)
            manifest["wall_seconds"] = round(wall_before + time.monotonic() - started, 3)
            _save(folder, manifest)
            if on_member:
                on_member(len(done), len(members))
    except KeyboardInterrupt:
        manifest["status"] = "interrupted"
        _save(folder, manifest)
        raise
    except OutputError:
        manifest["status"] = "failed"
        with contextlib.suppress(OutputError):
            _save(folder, manifest)
        raise
    summary = _finish(folder, manifest, evidence, [done[i] for i in sorted(done)])
    manifest.update(status="complete", end_time=utc_now().isoformat(), effective_size=round(summary["effective_size"], 3),
                    wall_seconds=round(wall_before + time.monotonic() - started, 3))
    _save(folder, manifest)
    return manifest


def start_fit(loaded: LoadedScenario, arm: str, priors: list[Prior], members: list[dict[str, float]], years: int,
              seed: int, data: Path, folder: ResultsFolder, executor: Executor, command: list[str],
              on_member: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Run a fit into a new folder (made and locked by `ResultsFolder.create`)."""
    try:
        evidence = fit_evidence(loaded, arm, data)
        one = loaded.select((arm,))
        folder.write_text(SCENARIO, loaded.resolved_yaml())
        manifest = {
            "kind": "fit", "tool_version": __version__, "git_commit": git_commit(), "packages": package_versions(),
            "command": command, "scenario_file": str(loaded.path) if loaded.path else None,
            "scenario_name": one.scenario.name, "scenario_sha256": loaded.sha256(), "arm": arm,
            "method": "likelihood weighting over a Latin hypercube of the priors",
            "priors": [p.to_json() for p in priors], "members": members, "years": years, "seed": seed,
            "data": str(data.resolve()), "data_sha256": tables_sha256(data),
            "evidence": [{"key": e.key, "label": e.label, "kind": e.kind, "observed": e.observed_text,
                          "source": e.source} for e in evidence],
            "executor": type(executor).__name__, "workers": executor.workers, "start_time": utc_now().isoformat(),
            "end_time": None, "wall_seconds": 0.0, "status": "running", "members_done": 0}
        folder.start_table(_columns(priors, evidence), MEMBERS_CSV)
        _save(folder, manifest)
        return _run(folder, loaded, manifest, {}, evidence, executor, on_member)
    finally:
        folder.release()


def _fit_manifest(folder: ResultsFolder) -> dict[str, Any]:
    manifest = folder.read_json(MANIFEST)
    if manifest.get("kind") != "fit":
        raise OutputError(f"{folder.path} is not a fit folder (made by hotline fit)")
    try:
        for p in manifest["priors"]:
            Prior.from_json(p)
        if not (isinstance(manifest["members"], list) and all(isinstance(m, dict) for m in manifest["members"])
                and isinstance(manifest["years"], int) and manifest["years"] >= 1
                and isinstance(manifest["seed"], int) and isinstance(manifest["arm"], str)
                and isinstance(manifest["data"], str)):
            raise ValueError("plan")
    except (KeyError, TypeError, ValueError):
        raise OutputError(f"{folder.path / MANIFEST} is damaged or incomplete; start a new fit") from None
    return manifest


def _recorded(folder: ResultsFolder, manifest: dict[str, Any]) -> tuple[LoadedScenario, list[Evidence]]:
    loaded = load_recorded_scenario(folder.path, manifest)
    data = Path(manifest["data"])
    if not data.is_dir() or tables_sha256(data) != manifest.get("data_sha256"):
        raise OutputError(f"the calibration tables in {data} are missing or changed since this fit started; "
                          "its members cannot be weighed against the same record (start a new fit)")
    evidence = fit_evidence(loaded, manifest["arm"], data)
    if [e.key for e in evidence] != [e["key"] for e in manifest["evidence"]]:
        raise OutputError(f"{folder.path}: the patterns measured differ from those the fit started with; "
                          "start a new fit")
    return loaded, evidence


def _trusted(folder: ResultsFolder, manifest: dict[str, Any], evidence: list[Evidence]) -> dict[int, dict[str, str]]:
    priors = [Prior.from_json(p) for p in manifest["priors"]]
    columns = _columns(priors, evidence)
    done: dict[int, dict[str, str]] = {}
    for row in folder.trusted_rows(MEMBERS_CSV, _committed(manifest)):
        try:
            if list(row) != columns:
                raise ValueError
            index = int(row["member"])
            _parse(row, evidence)
        except (ValueError, KeyError):
            raise OutputError(f"{folder.path / MEMBERS_CSV} holds a row this fit did not write; start a new "
                              "fit") from None
        if 0 <= index < len(manifest["members"]):
            done[index] = row
    return done


def resume_fit(path: Path, executor: Executor, on_member: Callable[[int, int], None] | None = None
               ) -> dict[str, Any]:
    """Finish an interrupted fit from the next member not yet written."""
    folder = ResultsFolder.open_for_writing(path)
    try:
        manifest = _fit_manifest(folder)
        loaded, evidence = _recorded(folder, manifest)
        done = _trusted(folder, manifest, evidence)  # (a finished fit: its ensemble is written again)
        priors = [Prior.from_json(p) for p in manifest["priors"]]
        columns = _columns(priors, evidence)
        manifest["status"] = "running"
        manifest["members_done"] = len(done)
        folder.keep_rows(MEMBERS_CSV, columns, [[done[i][c] for c in columns] for i in sorted(done)],
                         lambda: _save(folder, manifest))
        return _run(folder, loaded, manifest, done, evidence, executor, on_member)
    finally:
        folder.release()


def read_fit(path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """A finished fit's manifest and ensemble; a clear error for an unfinished or damaged one."""
    folder = ResultsFolder.open_existing(path)
    manifest = _fit_manifest(folder)
    if manifest.get("status") != "complete":
        raise OutputError(f"the fit in {path} is not finished ({manifest.get('members_done', 0)} of "
                          f"{len(manifest['members'])} members); finish it with hotline fit --resume {path}")
    ensemble = folder.read_json(ENSEMBLE_JSON)
    weights = ensemble.get("weights")
    index = ensemble.get("member_index")
    if not (isinstance(weights, list) and isinstance(index, list) and len(weights) == len(index)
            and all(isinstance(w, int | float) and w >= 0 for w in weights)
            and all(isinstance(i, int) and 0 <= i < len(manifest["members"]) for i in index)):
        raise OutputError(f"{path / ENSEMBLE_JSON} is damaged; rebuild it with hotline fit --resume {path}")
    return manifest, ensemble
