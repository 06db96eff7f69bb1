"""`hotline run`: a new run, `--resume` and `--reproduce`."""

from __future__ import annotations

import argparse
import json
import signal
import sys
from pathlib import Path

from ..folder.files import ResultsFolder, default_folder_name
from ..folder.reproduce import reproduce
from ..folder.run_folder import resume_run, start_run
from ..run.defaults import default_workers, root_seed
from ..run.executors import check_scheduler_address, make_executor
from ..run.experiment import Plan, chunk_size_for
from ..scenario import load_scenario
from .common import UsageError, command_line, progress_bar, raise_interrupt, select_arms
from .terminal import print_summary

__all__ = ["cmd_run"]


def cmd_run(args: argparse.Namespace) -> int:
    from ..run.executors import make_executor

    if args.reproduce is not None:
        return _reproduce(args)
    if args.resume is None and args.scenario is None:
        raise UsageError("give a SCENARIO file to run, or --resume DIR to finish an interrupted run")
    if args.resume is not None and (args.scenario or args.set or args.arms or args.replications or args.out):
        raise UsageError("--resume takes the run's own settings; drop SCENARIO, --set, --arms, --replications "
                         "and --out")
    if args.executor != "dask" and args.scheduler:
        raise UsageError("--scheduler goes with --executor dask")
    if args.executor == "dask" and args.scheduler:
        check_scheduler_address(args.scheduler)
    _check_robustness_option(args)
    if args.resume is None:
        loaded = load_scenario(args.scenario, args.set)
        arms = select_arms(loaded, args.arms)
        loaded = loaded.select(arms)
        reps = args.replications or loaded.scenario.replications
        seed = root_seed(loaded.scenario.seed, args.seed)
        plan = Plan(arms, reps, seed, chunk_size_for(reps), args.precision, args.max_replications)
        out = args.out or Path("results") / default_folder_name(Path(args.scenario).stem)
        folder = ResultsFolder.create(out, force=args.force)
    workers = default_workers(args.workers)
    signal.signal(signal.SIGTERM, raise_interrupt)
    update, stop = progress_bar(args.quiet or args.json)
    executor = make_executor(args.executor, workers, args.scheduler)
    command = command_line()
    try:
        if args.resume is None:
            summary = start_run(loaded, plan, folder, executor, command, update)
            path = folder.path
        else:
            loaded, summary = resume_run(args.resume, executor, command, update)
            path = args.resume
    except KeyboardInterrupt:
        stop()
        where = args.resume or folder.path
        print(f"hotline: interrupted; finished chunks are kept in {where}. Resume with: "
              f"hotline run --resume {where}", file=sys.stderr)
        return 130
    finally:
        stop()
        executor.close()
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print_summary(summary)
        print(f"\nresults: {path}")
    if args.report:
        from ..report.build import build_report

        robustness = args.robustness
        if robustness is True:
            from .robustness import robustness_for_run

            robustness = robustness_for_run(path, args)
        made = build_report(path, robustness=robustness)
        if not args.json:
            print(f"briefing: {made.briefing}")
    return 0


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

    if args.scenario or args.resume or args.set or args.arms or args.replications or args.seed is not None:
        raise UsageError("--reproduce takes the run's own settings; give only the results folder")
    executor = make_executor(args.executor, default_workers(args.workers), args.scheduler)
    update, stop = progress_bar(args.quiet)
    try:
        report = reproduce(args.reproduce, executor, command_line(), update, out=args.out)
    finally:
        stop()
        executor.close()
    print(report.text())
    return 0 if report.matches else 1
