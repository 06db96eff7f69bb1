"""`hotline rare`: the chance of reaching each rung at the top of the ladder, by importance sampling."""

from __future__ import annotations

import argparse
import json
import signal
import sys
from pathlib import Path
from typing import Any

from ..folder.files import SUMMARY, default_folder_name
from ..folder.rare_folder import check_rare_target, save_rare
from ..run.defaults import RARE_REPLICATIONS, default_workers, root_seed
from ..run.executors import make_executor
from ..run.rare import against_plain_run, rare_analysis
from ..scenario import load_scenario
from ..scenario.load import LoadedScenario
from .common import UsageError, printable, progress_bar, raise_interrupt, select_arms
from .explain import run_settings

__all__ = ["cmd_rare", "rare_for_run", "share_text", "print_rare"]


def cmd_rare(args: argparse.Namespace) -> int:
    loaded = load_scenario(args.scenario, args.set, args.allow_extends)
    arms = select_arms(loaded, args.arms, args.baseline)
    loaded = loaded.select(arms)
    ids = list(loaded.scenario.ladder.ids)
    from_rung = None
    if args.from_rung is not None:
        if args.from_rung not in ids:
            raise UsageError(f"--from {args.from_rung!r} is not a rung of this ladder; give one of {', '.join(ids)}")
        from_rung = ids.index(args.from_rung)
    out = args.out or Path("results") / default_folder_name(f"rare-{Path(args.scenario).stem}")
    run = run_settings(out)  # beside a run: its sample size and seed, one per briefing
    replications = args.replications or (run[0] if run else RARE_REPLICATIONS)
    seed = root_seed(loaded.scenario.seed, args.seed if args.seed is not None or not run else run[1])
    check_rare_target(out, args.force)
    signal.signal(signal.SIGTERM, raise_interrupt)
    try:
        result = _analyse(loaded, arms, replications, seed, args, factor=args.factor, from_rung=from_rung)
    except ValueError as exc:
        raise UsageError(f"--from {args.from_rung}: {exc}" if args.from_rung else str(exc)) from None
    except KeyboardInterrupt:
        print(f"hotline: rare interrupted; the analysis is computed whole and cannot be resumed, so nothing was "
              f"written to {printable(str(out))}. Run it again (fewer --replications finish sooner)", file=sys.stderr)
        return 130
    path = save_rare(out, result, force=args.force)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print_rare(result)
    print(f"\nanalysis: {printable(str(path))}")
    return 0


def rare_for_run(path: Path, loaded: LoadedScenario, args: argparse.Namespace) -> int:
    """`hotline run --rare`: the analysis beside a finished run, on its arms, replications and seed."""
    settings = run_settings(path)
    if settings is None:
        print(f"hotline: no finished run in {printable(str(path))}; rare outcomes were not estimated", file=sys.stderr)
        return 1
    replications, seed = settings
    arms = tuple(loaded.arms)
    check_rare_target(path, False)
    try:
        result = _analyse(loaded, arms, replications, seed, args)
    except ValueError as exc:
        raise UsageError(f"--rare: {exc}; the run in {printable(str(path))} is complete") from None
    except KeyboardInterrupt:
        place = printable(str(path))
        print(f"hotline: interrupted during the rare-outcome analysis; the run in {place} is complete. Estimate them "
              f"with: hotline rare SCENARIO --out {place}", file=sys.stderr)
        return 130
    against_plain_run(result, json.loads((path / SUMMARY).read_text(encoding="utf-8")))
    saved = save_rare(path, result)
    if not args.json:
        print()
        print_rare(result)
        print(f"\nanalysis: {printable(str(saved))}")
    return 0


def _analyse(loaded: LoadedScenario, arms: tuple[str, ...], replications: int, seed: int, args: argparse.Namespace,
             **tilt: Any) -> dict[str, Any]:
    """The analysis with a progress bar, on the executor the options ask for, named for its scenario."""
    update, stop = progress_bar(args.quiet or args.json)
    executor = make_executor(args.executor, default_workers(args.workers), args.scheduler)
    try:
        result = rare_analysis(loaded, arms, replications, seed, executor=executor, on_chunk=update, **tilt)
    finally:
        stop()
        executor.close()
    result["scenario"] = loaded.scenario.name
    result["fingerprints"] = loaded.fingerprints()
    return result


def share_text(value: float | None) -> str:
    """A probability as a percentage with the digits a rare one needs (0.014%, 1.37%, -0.070%)."""
    if value is None:
        return "n/a"
    pct = 100 * value
    if pct == 0 or abs(pct) >= 1:
        return f"{pct:.2f}%"
    return f"{pct:.2g}%"


def _interval(s: dict[str, Any]) -> str:
    return f"{share_text(s['estimate'])} ({share_text(s['low'])} to {share_text(s['high'])})"


def _gain(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}x"


def print_rare(result: dict[str, Any]) -> None:
    """The analysis as the terminal shows it."""
    f = result
    pct = round(100 * f["confidence"])
    _print(f"{f.get('scenario', '')}: rare outcomes by importance sampling ({f['replications']} replications of "
           f"each arm on the same seeds, seed {f['seed']}; {pct}% intervals)")
    _print(f"Choices to escalate from {f['from_rung']['id']} up are drawn {f['factor']:g} times as often (at most "
           f"a {f['cap']:g} chance) and each replication is weighted by its likelihood ratio: the estimates are "
           "unbiased for the model's own chances.")
    secs = f["seconds_per_replication"]
    _print(f"A tilted replication cost {1000 * secs['tilted']:.1f} ms of CPU, a plain one {1000 * secs['plain']:.1f} ms "
           f"({secs['pilot_replications']} plain ones timed).")
    main = f["main_rung"]["index"]
    width = max(len(name) for rung in f["rungs"] for name in (*rung["arms"], *rung["differences"]))
    for rung in f["rungs"]:
        mark = "  (main outcome)" if rung["index"] == main else ""
        _print(f"\nP(reach {rung['id']}){mark}")
        for arm, s in rung["arms"].items():
            flag = "" if s["reliable"] else "  [few weighted hits: do not rely on it]"
            _print(f"  {arm:<{width}} {_interval(s):<36} {s['hits']:>6} hits  gain {_gain(s['gain'])} in replications, "
                   f"{_gain(s['time_gain'])} in time{flag}")
        for name, d in rung["differences"].items():
            flag = "" if d["reliable"] else "  [few discordant pairs: do not rely on it]"
            plain = ""
            if "plain" in d:
                plain = f"  the run, plain: {_interval(d['plain'])}, gain {_gain(d.get('gain'))} in replications"
            _print(f"  {name:<{width}} {_interval(d):<36} {d['discordant']:>6} pairs differ{plain}{flag}")
    _print("\nGain: how many times more replications (or CPU time) plain Monte Carlo would need for the same "
           "interval; below 1, the tilt costs precision on that rung (lower rungs gain least).")


def _print(text: str) -> None:
    print(printable(text))
