"""`hotline robustness`: does the finding hold when each assumption moves down and up?"""

from __future__ import annotations

import argparse
import json
import signal
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from ..folder.files import default_folder_name
from ..folder.robustness_folder import is_robustness_folder, resume_robustness, start_robustness
from ..report.figures import pretty_arm
from ..report.robustness_report import build_robustness_report, robustness_sentence
from ..run.defaults import (
    ROBUSTNESS_FACTOR,
    ROBUSTNESS_LIMIT,
    ROBUSTNESS_REPLICATIONS,
    default_workers,
    root_seed,
)
from ..run.executors import check_scheduler_address, make_executor
from ..run.robustness import Move, RobustnessError, choose_assumptions, move
from ..run.robustness_result import public_json
from ..scenario import load_scenario
from ..scenario.load import LoadedScenario
from .common import UsageError, command_line, interrupted, progress_bar, raise_interrupt, select_arms
from .terminal import fitted_console

__all__ = ["cmd_robustness", "plan_moves", "robustness_for_run", "print_robustness"]


def plan_moves(loaded: LoadedScenario, arms: tuple[str, ...], keys_text: str | None, limit: int,
               factor: float) -> list[Move]:
    """The assumptions to move and where, or a usage error that says why not."""
    if len(arms) < 2:
        raise UsageError("--arms: name at least two arms; the first is the baseline the others are compared with")
    keys = [k.strip() for k in keys_text.split(",") if k.strip()] if keys_text else None
    if keys is not None and len(set(keys)) != len(keys):
        raise UsageError("--keys: a key is named twice")
    try:
        moves = [move(loaded, arms, number, factor) for number in choose_assumptions(loaded, arms, keys, limit)]
    except RobustnessError as exc:
        raise UsageError(str(exc)) from None
    if not moves:
        raise UsageError("the compared arms share no [assumption] number to move; name some with --keys")
    return moves


def cmd_robustness(args: argparse.Namespace) -> int:
    if args.executor != "dask" and args.scheduler:
        raise UsageError("--scheduler goes with --executor dask")
    if args.executor == "dask" and args.scheduler:
        check_scheduler_address(args.scheduler)
    if args.resume is None:
        if args.scenario is None:
            raise UsageError("give a SCENARIO file, or --resume DIR to finish an interrupted analysis")
        loaded = load_scenario(args.scenario, args.set)
        arms = select_arms(loaded, args.arms, args.baseline)
        moves = plan_moves(loaded, arms, args.keys,
                           ROBUSTNESS_LIMIT if args.limit is None else args.limit,
                           ROBUSTNESS_FACTOR if args.factor is None else args.factor)
        seed = root_seed(loaded.scenario.seed, args.seed)
        replications = args.replications or ROBUSTNESS_REPLICATIONS
        out = args.out or Path("results") / default_folder_name(f"robustness-{Path(args.scenario).stem}")
    else:
        given = {"SCENARIO": args.scenario is not None, "--set": bool(args.set), "--arms": args.arms is not None,
                 "--baseline": args.baseline is not None,
                 "--keys": args.keys is not None, "--replications": args.replications is not None,
                 "--out": args.out is not None, "--seed": args.seed is not None,
                 "--factor": args.factor is not None, "--limit": args.limit is not None, "--force": args.force}
        named = [option for option, on in given.items() if on]
        if named:
            raise UsageError(f"--resume takes the analysis's own settings; drop {', '.join(named)} and give only "
                             "the folder (workers, executor and --quiet may change)")
    executor = make_executor(args.executor, default_workers(args.workers), args.scheduler)
    signal.signal(signal.SIGTERM, raise_interrupt)
    update, stop = progress_bar(args.quiet or args.json, "points")
    try:
        if args.resume is None:
            result = start_robustness(loaded.select(arms), moves, arms, replications, seed, out, args.force,
                                      executor, command_line(), update)
            path = out
        else:
            path = args.resume
            result = resume_robustness(path, executor, update)
    except KeyboardInterrupt:
        stop()
        return interrupted("robustness", "points", args.resume or out)
    finally:
        stop()
        executor.close()
    figures = build_robustness_report(path)
    if args.json:
        print(json.dumps(public_json(result), indent=2))
        return 0
    print_robustness(result)
    print(f"\nresults: {path / 'robustness.csv'}")
    for figure in figures:
        print(f"figure: {figure}")
    return 0


def robustness_for_run(run: Path, args: argparse.Namespace) -> Path:
    """`hotline run --report --robustness`: the default analysis of the run's arms, on its root seed, into
    RUN/robustness (resumed when an earlier attempt left it unfinished)."""
    out = run / "robustness"
    executor = make_executor(args.executor, default_workers(args.workers), args.scheduler)
    update, stop = progress_bar(args.quiet or args.json, "robustness points")
    try:
        if is_robustness_folder(out):
            resume_robustness(out, executor, update)
        else:  # (an interrupt here: see `run`, which says how to go on)
            loaded = load_scenario(run / "scenario.yaml")
            arms = tuple(loaded.arms)
            moves = plan_moves(loaded, arms, None, ROBUSTNESS_LIMIT, ROBUSTNESS_FACTOR)
            seed = int(json.loads((run / "manifest.json").read_text())["root_seed"])
            # the run's own sample size: a briefing states one replication count throughout
            replications = int(json.loads((run / "summary.json").read_text())["replications"])
            start_robustness(loaded, moves, arms, replications, seed, out, False, executor,
                             command_line(), update)
    finally:
        stop()
        executor.close()
    build_robustness_report(out)
    return out


def _d(d: dict[str, float]) -> str:
    return f"{100 * d['estimate']:+.2f}\n({100 * d['ci_low']:+.2f},{100 * d['ci_high']:+.2f})"


def print_robustness(result: dict[str, Any], console: Console | None = None) -> None:
    """The differences at each assumption's low and high value, one table per compared arm."""
    console = console or fitted_console()
    for arm, base in result["baseline"].items():
        table = Table(title=f"{pretty_arm(arm)} minus {pretty_arm(result['baseline_arm'])}, P({result['main_rung']})"
                      f", points: as written {_d(base).replace(chr(10), ' ')}", title_justify="left")
        table.add_column("assumption", overflow="fold")
        table.add_column("low / high", no_wrap=True)
        table.add_column("at low", justify="right", no_wrap=True)
        table.add_column("at high", justify="right", no_wrap=True)
        table.add_column("flips", no_wrap=True)
        for p in result["parameters"]:
            sides = p["differences"][arm]
            flips = [f"{s}: {f}" for s, f in p["flips"][arm].items() if f]
            table.add_row(p["key"], f"{p['low']:g} / {p['high']:g}\n({p['source']})", _d(sides["low"]),
                          _d(sides["high"]), "\n".join(flips) or "-")
        console.print(table)
    console.print(robustness_sentence(result))
