"""`hotline explain`: the difference each arm makes, attributed to the hotline's mechanisms."""

from __future__ import annotations

import argparse
import json
import signal
import sys
from pathlib import Path

from ..folder.explanation import check_explanation_target, save_explanation
from ..folder.files import EXPLANATION, MECHANISMS_FIGURE, default_folder_name
from ..report.mechanisms import explanation_sentence, mechanism_parts, mechanisms_figure
from ..report.saving import save_figure
from ..report.words import interval_text
from ..run.defaults import EXPLAIN_REPLICATIONS, default_workers, root_seed
from ..run.executors import make_executor
from ..run.explain import explain
from ..scenario import load_scenario
from .common import UsageError, printable, progress_bar, raise_interrupt, select_arms

__all__ = ["cmd_explain", "run_settings"]


def run_settings(folder: Path) -> tuple[int, int] | None:
    """(replications, root seed) of the run in `folder`, or None when it holds no finished run."""
    try:
        summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        replications, seed = int(summary["replications"]), int(manifest["root_seed"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return (replications, seed) if replications > 0 else None


def cmd_explain(args: argparse.Namespace) -> int:
    loaded = load_scenario(args.scenario, args.set, args.allow_extends)
    arms = select_arms(loaded, args.arms, args.baseline)
    if len(arms) < 2:
        raise UsageError("--arms: name a baseline and at least one arm to explain, e.g. no_hotline,hotline_as_is")
    loaded = loaded.select(arms)
    out = args.out or Path("results") / default_folder_name(f"explain-{Path(args.scenario).stem}")
    # Beside a run (the briefing will show both), the run's own sample size and seed: one per briefing.
    run = run_settings(out)
    replications = args.replications or (run[0] if run else EXPLAIN_REPLICATIONS)
    seed = root_seed(loaded.scenario.seed, args.seed if args.seed is not None or not run else run[1])
    check_explanation_target(out, args.force)  # before the work, not after
    signal.signal(signal.SIGTERM, raise_interrupt)
    update, stop = progress_bar(args.quiet or args.json)
    executor = make_executor(args.executor, default_workers(args.workers), args.scheduler)
    try:
        result = explain(loaded, arms, replications, seed, executor, on_chunk=update)
    except KeyboardInterrupt:
        stop()
        print(f"hotline: explain interrupted; an explanation is computed whole and cannot be resumed, so nothing "
              f"was written to {printable(str(out))}. Run it again (fewer --replications finish sooner)",
              file=sys.stderr)
        return 130
    finally:
        stop()
        executor.close()
    result["scenario"] = loaded.scenario.name
    result["fingerprints"] = loaded.fingerprints()
    folder = save_explanation(out, result, force=args.force)
    try:
        fig = mechanisms_figure(mechanism_parts(result), result["main_rung"]["id"])
        for fmt in ("png", "pdf"):
            save_figure(fig, folder.path / f"{MECHANISMS_FIGURE}.{fmt}")
    finally:
        folder.release()
    if args.json:
        payload = {"main_rung": result["main_rung"],
                   "arms": {arm: {"total": _plain(d["total"]),
                                  "mechanisms": {m: _plain(v) for m, v in d["mechanisms"].items()},
                                  "other": _plain(d["other"])}
                            for arm, d in result["arms"].items()}}
        print(json.dumps(payload, indent=2))
        return 0
    main = result["main_rung"]["id"]
    _print(f"{loaded.scenario.name}: where each arm's difference in P({main}) comes from, against {arms[0]}")
    _print(f"({replications} paired replications, seed {seed}; points with 95% intervals; Shapley parts sum to "
           "the total)")
    for arm, data in result["arms"].items():
        _print(f"\n{arm}: total {interval_text(data['total'], signed=True, digits=2)}")
        for name, v in data["mechanisms"].items():
            _print(f"  {name:<14} {interval_text(v, signed=True, digits=2)}")
        _print(f"  {'other':<14} {interval_text(data['other'], signed=True, digits=2)}")
    _print("\n" + explanation_sentence(result))
    _print(f"\nexplanation: {folder.path / EXPLANATION}, {MECHANISMS_FIGURE}.png")
    return 0


def _print(text: str) -> None:
    """Print text from the scenario with control characters escaped."""
    print(printable(text))


def _plain(interval: dict[str, float | None]) -> dict[str, float | None]:
    return {"estimate": interval["estimate"], "ci_low": interval["ci_low"], "ci_high": interval["ci_high"]}
