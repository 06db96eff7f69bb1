"""`hotline run --ensemble FITDIR`: the run's arms on members of a fitted ensemble, and the answers over it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..folder.ensemble_run import ENSEMBLE_DIR, run_on_ensemble
from ..folder.fit_folder import read_fit
from ..run.defaults import default_workers
from ..run.executors import make_executor
from ..scenario.load import LoadedScenario
from .common import command_line, printable, progress_bar
from .explain import run_settings

__all__ = ["ensemble_for_run", "check_ensemble", "format_answer"]


def check_ensemble(fit: Path, loaded: LoadedScenario) -> None:
    """Refuse, before the run starts, an ensemble that is unfinished or fitted to another scenario."""
    from ..folder.files import OutputError
    from ..run.robustness import arm_setting

    manifest, _ = read_fit(fit)
    if manifest["scenario_name"] != loaded.scenario.name:
        raise OutputError(f"--ensemble {fit}: fitted to scenario {manifest['scenario_name']!r}, not "
                          f"{loaded.scenario.name!r}; fit this scenario first (hotline fit SCENARIO)")
    for prior in manifest["priors"]:
        arm = arm_setting(prior["key"], loaded, tuple(loaded.arms))
        if arm is not None:
            raise OutputError(f"--ensemble {fit}: arm {arm} sets {prior['key']} itself, which the ensemble varies; "
                              "each member would overwrite what the arm means. Leave the arm out (--arms) or fit "
                              "without that prior")


def _pp(x: float) -> str:
    return f"{100 * x:+.2f}"


def format_answer(result: dict[str, Any]) -> str:
    """Each difference over the ensemble in a few lines, and the box where the first arm stops helping."""
    lines = [f"over the ensemble ({result['members']} distinct members of {result['draws']} draws by weight, "
             f"{result['replications']} replications each; percentage points of P(main outcome)):"]
    for a in result["answers"]:
        lines.append(f"  {a['arm']} - {a['baseline']}: mean {_pp(a['mean'])} (Monte Carlo 95% {_pp(a['mc_low'])} "
                     f"to {_pp(a['mc_high'])}); across plausible models 90% {_pp(a['band90_low'])} to "
                     f"{_pp(a['band90_high'])} (between-model sd {100 * a['between_sd']:.2f}, noise taken out); "
                     f"lowers the risk in {100 * a['share_lower']:.0f}% of members "
                     f"({100 * a['share_clearly_lower']:.0f}% clearly)")
    box = result.get("discovery")
    if box:
        lines.append(f"  where {box['arm']} fails: {box['sentence']}")
    return "\n".join(lines)


def ensemble_for_run(path: Path, loaded: LoadedScenario, args: argparse.Namespace) -> int:
    """After a finished run: the arms on the ensemble's members (same seed as the run), then the answers."""
    settings = run_settings(path)
    if settings is None:
        print(f"hotline: no finished run in {printable(str(path))}; the ensemble was not run", file=sys.stderr)
        return 1
    _, seed = settings
    check_ensemble(args.ensemble, loaded)
    workers = default_workers(args.workers)
    executor = make_executor(args.executor, workers, args.scheduler)
    update, stop = progress_bar(args.quiet or args.json, "members")
    try:
        result = run_on_ensemble(path, args.ensemble, loaded, args.ensemble_replications, seed,
                                 args.ensemble_members, executor, command_line(), update)
    except KeyboardInterrupt:
        stop()
        place = printable(str(path))
        print(f"hotline: interrupted during the ensemble; the run in {place} is complete and the finished members "
              f"are kept in {place}/{ENSEMBLE_DIR}. Finish with: hotline run --resume {place} --ensemble "
              f"{printable(str(args.ensemble))}", file=sys.stderr)
        return 130
    finally:
        stop()
        executor.close()
    if not args.json:
        print()
        print(printable(format_answer(result)))
    return 0
