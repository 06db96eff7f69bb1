"""`hotline sweep`: the arms at many points of parameter space."""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from ..folder.files import default_folder_name
from ..folder.sweep_folder import resume_sweep, start_sweep
from ..report.sweep_report import build_sweep_report
from ..run.defaults import SWEEP_REPLICATIONS, default_workers, root_seed
from ..run.executors import make_executor
from ..run.sweep import SensitivityUnavailable, design_points, overrides, parse_param
from ..scenario import load_scenario
from .common import UsageError, command_line, progress_bar, raise_interrupt, select_arms

__all__ = ["cmd_sweep", "HALVE_EXAMPLE"]

HALVE_EXAMPLE = {
    "scenario": "scenarios/senkaku_baseline.yaml",
    "arms": "no_hotline,hotline_as_is",
    "set": ["hotline.hours.always_open=true", "parties.CHN.hotline.answer_tension_sensitivity=0"],
    "param": ["parties.CHN.hotline.answer_probability=0.25,0.5,0.75,1.0",
              "parties.JPN.hotline.prior_consultation_hours+parties.CHN.hotline.prior_consultation_hours=0,1,4,8"],
    "replications": 300,
}


def cmd_sweep(args: argparse.Namespace) -> int:

    if args.example:
        example = HALVE_EXAMPLE
        args.scenario = args.scenario or example["scenario"]
        args.arms = args.arms or example["arms"]
        args.set = example["set"] + args.set
        args.param = args.param or example["param"]
        args.replications = args.replications or example["replications"]
    args.replications = args.replications or SWEEP_REPLICATIONS
    workers = default_workers(args.workers)
    if args.executor != "dask" and args.scheduler:
        raise UsageError("--scheduler goes with --executor dask")
    if args.resume is None:
        if args.scenario is None or not args.param:
            raise UsageError("give a SCENARIO and at least one --param (or --example halve, or --resume DIR)")
        loaded = load_scenario(args.scenario, args.set)
        arms = select_arms(loaded, args.arms)
        params = [parse_param(text) for text in args.param]
        seed = root_seed(loaded.scenario.seed, args.seed)
        try:
            points = design_points(params, args.design, args.samples, seed)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        except SensitivityUnavailable as exc:
            raise UsageError(str(exc)) from None
        load_scenario(args.scenario, args.set + overrides(params, points[0]))  # every key is real and valid
        out = args.out or Path("results") / default_folder_name(f"sweep-{Path(args.scenario).stem}")
    executor = make_executor(args.executor, workers, args.scheduler)
    signal.signal(signal.SIGTERM, raise_interrupt)
    update, stop = progress_bar(args.quiet, "points")
    try:
        if args.resume is None:
            manifest = start_sweep(loaded.select(arms), params, points, args.design, args.samples, arms,
                                   args.replications, seed, out, args.force, executor,
                                   command_line(), update)
            path = out
        else:
            manifest = resume_sweep(args.resume, executor, update)
            path = args.resume
    except KeyboardInterrupt:
        stop()
        where = args.resume or out
        print(f"hotline: interrupted; finished points are kept in {where}. Resume with: "
              f"hotline sweep --resume {where}", file=sys.stderr)
        return 130
    finally:
        stop()
        executor.close()
    figures = build_sweep_report(path)
    print(f"sweep: {manifest['points_done']} points x {len(manifest['arms'])} arms, "
          f"{manifest['replications']} replications each\nresults: {path / 'sweep.csv'}")
    for figure in figures:
        print(f"figure: {figure}")
    return 0
