"""`hotline sweep`: the arms at many points of parameter space."""

from __future__ import annotations

import argparse
import math
import signal
from pathlib import Path

from ..folder.files import SWEEP_CSV, ResultsFolder, default_folder_name
from ..folder.sweep_folder import resume_sweep, start_sweep
from ..report.sweep_report import build_sweep_report
from ..run.defaults import SWEEP_REPLICATIONS, default_workers, root_seed
from ..run.executors import make_executor
from ..run.experiment import chunk_size_for
from ..run.sweep import SensitivityUnavailable, check_params, check_points, design_points, parse_param
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

__all__ = ["cmd_sweep", "HALVE_EXAMPLE"]

HALVE_EXAMPLE = {
    "scenario": "scenarios/senkaku_baseline.yaml",
    "arms": "no_hotline,hotline_as_is",
    "set": ["hotline.hours.always_open=true", "parties.CHN.hotline.answer_tension_sensitivity=0"],
    "param": ["parties.CHN.hotline.answer_probability=0.25,0.5,0.75,1.0",
              "parties.JPN.hotline.prior_consultation_hours+parties.CHN.hotline.prior_consultation_hours=0,1,4,8"],
    "replications": 300,
}


def _own_settings_only(args: argparse.Namespace) -> None:
    others = {"SCENARIO": args.scenario is not None, "--param": bool(args.param), "--set": bool(args.set),
              "--arms": args.arms is not None, "--baseline": args.baseline is not None,
              "--replications": args.replications is not None, "--seed": args.seed is not None, "--out": args.out is not None, "--force": args.force,
              "--example": args.example is not None, "--design": args.design != "grid",
              "--samples": args.samples != 16}
    given = [name for name, present in others.items() if present]
    if given:
        raise UsageError(f"--resume takes the sweep's own settings from its folder; drop {', '.join(given)}")


def cmd_sweep(args: argparse.Namespace) -> int:
    if args.resume is not None:
        _own_settings_only(args)
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
        loaded = load_scenario(args.scenario, args.set, args.allow_extends)
        arms = select_arms(loaded, args.arms, args.baseline)
        params = [parse_param(text) for text in args.param]
        check_params(params)
        seed = root_seed(loaded.scenario.seed, args.seed)
        try:
            points = design_points(params, args.design, args.samples, seed)
        except (ValueError, SensitivityUnavailable) as exc:
            raise UsageError(str(exc)) from None
        check_points(loaded.select(arms), params, points)  # every point is valid before any runs
        out = args.out or Path("results") / default_folder_name(f"sweep-{Path(args.scenario).stem}")
        ResultsFolder.check_new(out, args.force)
        chunk = chunk_size_for(args.replications)
        workers = min(workers, math.ceil(args.replications / chunk))  # more would only cost memory
    signal.signal(signal.SIGTERM, raise_interrupt)
    executor = make_executor(args.executor, workers, args.scheduler)
    update, stop = progress_bar(args.quiet, "points")
    try:
        if args.resume is None:
            folder = ResultsFolder.create(out, force=args.force)
            manifest = start_sweep(loaded, params, points, args.design, args.samples, arms, args.replications,
                                   seed, out, args.force, executor, command_line(), update, folder=folder)
            path = out
        else:
            manifest = resume_sweep(args.resume, executor, update)
            path = args.resume
    except KeyboardInterrupt:
        stop()
        return interrupted("sweep", "points", args.resume or out)
    finally:
        stop()
        executor.close()
    figures = build_sweep_report(path)
    print(printable(f"sweep: {manifest['points_done']} points x {len(manifest['arms'])} arms, "
                    f"{manifest['replications']} replications each\nresults: {path / SWEEP_CSV}"))
    for figure in figures:
        print(f"figure: {printable(str(figure))}")
    return 0
