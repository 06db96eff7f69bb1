"""A run's answers over a fitted ensemble: the arms on members resampled by weight, in `RUN/ensemble/` (a
sweep folder, resumable with `hotline sweep --resume RUN/ensemble`), and what they say in
`RUN/ensemble_answer.json`: each difference as a distribution over the ensemble, and the box where the
first arm stops helping (`sim.run.discovery`)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..run.discovery import DiscoveryUnavailable, box_sentence, prim_box
from ..run.ensemble import Prior, ensemble_answer, resample
from ..run.executors import Executor
from ..run.sweep import Parameter
from ..scenario.load import LoadedScenario
from .files import ENSEMBLE_ANSWER, ENSEMBLE_RUNS, MANIFEST, OutputError, ResultsFolder, write_text_atomically
from .fit_folder import ENSEMBLE_JSON, _finite, read_fit
from .sweep_folder import read_sweep_rows, resume_sweep, start_sweep

__all__ = ["run_on_ensemble", "read_answer", "member_seeds", "ENSEMBLE_DIR", "ANSWER_JSON"]

ENSEMBLE_DIR = ENSEMBLE_RUNS
ANSWER_JSON = ENSEMBLE_ANSWER


def _fit_id(fit: Path) -> str:
    return hashlib.sha256((fit / ENSEMBLE_JSON).read_bytes()).hexdigest()


def run_on_ensemble(run: Path, fit: Path, loaded: LoadedScenario, replications: int, seed: int, members: int,
                    executor: Executor, command: list[str],
                    on_point: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """The arms of `loaded` on `members` draws from the ensemble in `fit` (each distinct member once, with
    the common root seed), then the answers; a half-done `RUN/ensemble` from the same fit is resumed."""
    manifest, ensemble = read_fit(fit)
    if manifest["scenario_name"] != loaded.scenario.name:
        raise OutputError(f"the ensemble in {fit} was fitted to scenario {manifest['scenario_name']!r}, not "
                          f"{loaded.scenario.name!r}; fit this scenario first (hotline fit SCENARIO)")
    priors = [Prior.from_json(p) for p in manifest["priors"]]
    drawn = resample(_weights(ensemble), members, seed)
    picks = sorted(drawn)
    positions = [ensemble["member_index"][i] for i in picks]
    points = [{p.key: manifest["members"][m][p.key] for p in priors} for m in positions]
    params = [Parameter((p.key,), None, p.low, p.high) for p in priors]
    arms = tuple(loaded.arms)
    target = run / ENSEMBLE_DIR
    fit_id = _fit_id(fit)
    if (target / MANIFEST).is_file():
        previous = _answer_plan(run)
        if previous is None or previous.get("fit_sha256") != fit_id:
            raise OutputError(f"{target} holds a run on another ensemble; remove it or run elsewhere")
        resume_sweep(target, executor, on_point)
    else:
        _write_plan(run, {"fit": str(fit.resolve()), "fit_sha256": fit_id, "members_drawn": members,
                          "points_member": positions, "points_draws": [drawn[i] for i in picks]})
        folder = ResultsFolder.create(target)
        start_sweep(loaded, params, points, "ensemble", members, arms, replications, seed, target, False, executor,
                    command, on_point, folder=folder, point_seeds=member_seeds(seed, positions))
    return _answer(run, manifest, priors, arms)


def member_seeds(seed: int, members: list[int]) -> list[int]:
    """Each member's own root seed, from the run's seed and the member's number. Arms share a member's seeds
    (common random numbers within a member); members do not, so their Monte Carlo errors are independent
    and the spread between members, less their noise, is the spread the assumptions make."""
    import numpy as np

    return [int(np.random.SeedSequence([seed, m]).generate_state(1, np.uint64)[0]) >> 1 for m in members]


def _weights(ensemble: dict[str, Any]) -> Any:
    import numpy as np

    w = np.asarray(ensemble["weights"], dtype=float)
    return w / w.sum()


def _answer_plan(run: Path) -> dict[str, Any] | None:
    import json

    try:
        data = json.loads((run / ANSWER_JSON).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data.get("plan") if isinstance(data, dict) else None


def _write_plan(run: Path, plan: dict[str, Any]) -> None:
    import json

    write_text_atomically(run / ANSWER_JSON, json.dumps({"status": "running", "plan": plan}, indent=2) + "\n")


def _answer(run: Path, fit_manifest: dict[str, Any], priors: list[Prior], arms: tuple[str, ...]) -> dict[str, Any]:
    import json

    plan = _answer_plan(run)
    if plan is None:
        raise OutputError(f"{run / ANSWER_JSON} is missing or damaged; remove {run / ENSEMBLE_DIR} and run again")
    rows = read_sweep_rows(run / ENSEMBLE_DIR)
    draws = plan["points_draws"]
    total = sum(draws)
    shares = {i: d / total for i, d in enumerate(draws)}
    baseline = arms[0]
    answers = [ensemble_answer(rows, shares, arm, baseline) for arm in arms[1:]]
    result: dict[str, Any] = {"status": "complete", "plan": plan, "fit": plan["fit"],
                              "fit_effective_size": _fit_ess(Path(plan["fit"])),
                              "fit_members": len(fit_manifest["members"]),
                              "members": len(draws), "draws": total, "baseline": baseline,
                              "replications": int(rows[0]["replications"]) if rows else 0,
                              "priors": [p.to_json() for p in priors], "answers": answers}
    if answers:
        first = answers[0]
        by_point = {int(r["point"]): r for r in rows if r["arm"] == first["arm"]}
        x = {p.key: [float(by_point[i][p.key]) for i in range(len(draws))] for p in priors}
        fails = [float(by_point[i]["diff_main"]) >= 0.0 for i in range(len(draws))]
        result["member_values"] = x
        try:
            box = prim_box(x, fails, draws)
        except DiscoveryUnavailable as exc:
            box = {"found": False, "reason": str(exc)}
        box["arm"] = first["arm"]
        box["noise_rate"] = first["noise_fail_rate"]
        box["sentence"] = box_sentence(box)
        result["discovery"] = box
    write_text_atomically(run / ANSWER_JSON, json.dumps(_finite(result), indent=2) + "\n")
    return result


def _fit_ess(fit: Path) -> float | None:
    try:
        return float(read_fit(fit)[1]["effective_size"])
    except (OutputError, KeyError, TypeError, ValueError):
        return None


def read_answer(run: Path) -> dict[str, Any] | None:
    """A run's finished answers over an ensemble, or None when it has none."""
    import json

    try:
        data = json.loads((run / ANSWER_JSON).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("status") != "complete" or not isinstance(data.get("answers"), list):
        return None
    return data
