"""`hotline run`: a new run, `--resume` and `--reproduce`."""

from __future__ import annotations

import argparse
import json
import math
import signal
import sys
from pathlib import Path

from ..folder.files import ResultsFolder, default_folder_name
from ..folder.reproduce import reproduce
from ..folder.run_folder import resume_run, start_run
from ..run.defaults import MAX_PRECISION_REPLICATIONS, default_workers, root_seed
from ..run.executors import check_scheduler_address, make_executor
from ..run.experiment import Plan, chunk_size_for
from ..scenario import load_scenario
from .common import (
    UsageError,
    command_line,
    interrupted,
    printable,
    progress_bar,
    raise_interrupt,
    select_arms,
)
from .terminal import print_summary

__all__ = ["cmd_run"]


def _own_settings_only(args: argparse.Namespace, option: str) -> None:
    """--resume and --reproduce take the run's own settings: refuse others rather than ignore them."""
    others = {"SCENARIO": args.scenario is not None, "--set": bool(args.set), "--arms": args.arms is not None,
              "--baseline": args.baseline is not None, "--differences": args.differences is not None,
              "--replications": args.replications is not None, "--seed": args.seed is not None,
              "--precision": args.precision is not None, "--force": args.force,
              "--max-replications": args.max_replications != MAX_PRECISION_REPLICATIONS,
              "--precision-of": args.precision_of != "differences", "--exact": args.exact}
    if option == "--reproduce":
        others["--rare"] = args.rare
        others["--ensemble"] = args.ensemble is not None
    if option == "--resume":
        others["--out"] = args.out is not None
    else:
        others["--resume"] = args.resume is not None
    given = [name for name, present in others.items() if present]
    if given:
        raise UsageError(f"{option} takes the run's own settings from its folder; drop {', '.join(given)}")


def _pairs(text: str | None, arms: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """`--differences A-B,C-D` (A minus B, ...) or `all` (every pair of arms, later minus earlier), without
    the pairs against the baseline, which every run has."""
    if text is None:
        return ()
    if text.strip() == "all":
        return tuple((b, a) for i, a in enumerate(arms[1:], 1) for b in arms[i + 1:])
    pairs = []
    for item in (t.strip() for t in text.split(",") if t.strip()):
        parts = item.split("-")
        if len(parts) != 2 or not all(parts):
            raise UsageError(f"--differences: {item!r} is not ARM-ARM (e.g. hotline_rapid-hotline_as_is), or "
                             "give all")
        for name in parts:
            if name not in arms:
                raise UsageError(f"--differences: {name!r} is not an arm of this run ({', '.join(arms)})")
        if parts[0] == parts[1]:
            raise UsageError(f"--differences: {item!r} differences an arm with itself")
        if parts[1] != arms[0] and (parts[0], parts[1]) not in pairs:
            pairs.append((parts[0], parts[1]))
    if not pairs and text.strip():
        raise UsageError("--differences: name at least one pair ARM-ARM, or all")
    return tuple(pairs)


def cmd_run(args: argparse.Namespace) -> int:
    if args.reproduce is not None:
        return _reproduce(args)
    if args.resume is None and args.scenario is None:
        raise UsageError("give a SCENARIO file to run, or --resume DIR to finish an interrupted run")
    if args.resume is not None:
        _own_settings_only(args, "--resume")
    if args.executor != "dask" and args.scheduler:
        raise UsageError("--scheduler goes with --executor dask")
    if args.executor == "dask" and args.scheduler:
        check_scheduler_address(args.scheduler)
    _check_robustness_option(args)
    if args.resume is None:
        loaded = load_scenario(args.scenario, args.set, args.allow_extends)
        arms = select_arms(loaded, args.arms, args.baseline)
        loaded = loaded.select(arms)
        reps = args.replications or loaded.scenario.replications
        if args.precision is not None and args.max_replications < reps:
            raise UsageError(f"--max-replications ({args.max_replications}) is below the replications to run "
                             f"({reps}); raise it or lower --replications")
        seed = root_seed(loaded.scenario.seed, args.seed)
        plan = Plan(arms, reps, seed, chunk_size_for(reps), args.precision, args.max_replications,
                    args.precision_of, args.exact, _pairs(args.differences, arms))
        out = args.out or Path("results") / default_folder_name(Path(args.scenario).stem)
        ResultsFolder.check_new(out, args.force)  # refuse before any executor starts
        if args.ensemble is not None:
            from .ensemble import check_ensemble

            check_ensemble(args.ensemble, loaded)
    workers = default_workers(args.workers)
    if args.resume is None:  # more workers than chunks would only cost memory
        most = plan.max_replications if plan.precision is not None else plan.replications
        workers = min(workers, math.ceil(most / plan.chunk_size))
    signal.signal(signal.SIGTERM, raise_interrupt)
    executor = make_executor(args.executor, workers, args.scheduler)
    command = command_line()
    folder = None
    update, stop = progress_bar(args.quiet or args.json)
    try:
        if args.resume is None:
            folder = ResultsFolder.create(out, force=args.force)
            summary = start_run(loaded, plan, folder, executor, command, update)
            path = folder.path
        else:
            loaded, summary = resume_run(args.resume, executor, command, update)
            path = args.resume
    except KeyboardInterrupt:
        stop()
        return interrupted("run", "chunks", args.resume or out)
    finally:
        stop()
        executor.close()
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print_summary(printable(summary))
        print(f"\nresults: {printable(str(path))}")
        if not args.rare:
            _rare_hint(summary, path, args.scenario or "SCENARIO")
    if args.rare:
        from .rare import rare_for_run

        status = rare_for_run(path, loaded, args)
        if status:
            return status
    if args.ensemble is not None:
        from .ensemble import ensemble_for_run

        status = ensemble_for_run(path, loaded, args)
        if status:
            return status
    if args.report:
        from ..report.build import build_report

        robustness = args.robustness
        if robustness is True:
            from .robustness import robustness_for_run

            try:
                robustness = robustness_for_run(path, args)
            except KeyboardInterrupt:
                place = printable(str(path))
                print(f"hotline: interrupted during the robustness analysis; the run in {place} is complete and "
                      f"the analysis's finished points are kept in {place}/robustness. Finish with: hotline "
                      f"robustness --resume {place}/robustness, then hotline report {place} --robustness "
                      f"{place}/robustness", file=sys.stderr)
                return 130
        made = build_report(path, robustness=robustness)
        if not args.json:
            print(f"briefing: {printable(str(made.briefing))}")
    return 0


RARE_HITS = 10  # fewer replications than this reaching the main rung in an arm: suggest `hotline rare`


def _rare_hint(summary: dict, path: Path, scenario: str) -> None:
    """One line when the main outcome rests on a handful of replications in some arm."""
    main = summary.get("main_rung", {})
    few = []
    for arm, data in summary.get("arms", {}).items():
        entry = data.get("p_reach", {}).get(str(main.get("index")), {})
        hits = round(entry.get("estimate", 1.0) * entry.get("n", 0)) if entry else RARE_HITS
        if hits < RARE_HITS:
            few.append(f"{arm} {hits}")
    if few:
        place = printable(str(path))
        print(f"P({printable(str(main.get('id')))}) rests on few replications ({', '.join(few)}): for rare outcomes, "
              f"hotline rare {printable(scenario)} --out {place} (or run --rare) sees them often, weighted")


def _check_robustness_option(args: argparse.Namespace) -> None:
    if args.robustness is None:
        return
    if not args.report:
        raise UsageError("--robustness adds a section to the briefing: use it with --report")
    if args.robustness is not True:
        from ..folder.robustness_folder import is_robustness_folder

        if not is_robustness_folder(args.robustness):
            raise UsageError(f"--robustness {args.robustness}: not a folder made by hotline robustness")


def _reproduce(args: argparse.Namespace) -> int:
    _own_settings_only(args, "--reproduce")
    if args.out is not None:
        ResultsFolder.check_new(args.out, False)
    signal.signal(signal.SIGTERM, raise_interrupt)
    executor = make_executor(args.executor, default_workers(args.workers), args.scheduler)
    update, stop = progress_bar(args.quiet)
    try:
        report = reproduce(args.reproduce, executor, command_line(), update, out=args.out)
    finally:
        stop()
        executor.close()
    print(printable(report.text()))
    return 0 if report.matches else 1
