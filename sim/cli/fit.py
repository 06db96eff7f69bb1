"""`hotline fit`: an ensemble of model variants drawn from the priors and weighted by the record."""

from __future__ import annotations

import argparse
import json
import signal
from pathlib import Path
from typing import Any

from ..folder.files import ResultsFolder, default_folder_name
from ..folder.fit_folder import ENSEMBLE_JSON, read_fit, resume_fit, start_fit
from ..run.defaults import FIT_MEMBERS, FIT_YEARS, default_workers, root_seed
from ..run.ensemble import Prior, draw_members
from ..run.executors import make_executor
from ..run.sweep import Parameter, check_points, parse_param, run_setting_message
from ..scenario import load_scenario
from ..scenario.assumptions import assumption_numbers, describe_number
from ..scenario.load import LoadedScenario
from ..scenario.problems import ScenarioError
from ..scenario.references import seeds_dir, suggest
from .common import UsageError, arm_named, command_line, interrupted, printable, progress_bar, raise_interrupt

__all__ = ["cmd_fit", "priors_of", "format_fit"]


def priors_of(loaded: LoadedScenario, texts: list[str]) -> list[Prior]:
    """The scenario's `ranges:` as uniform priors, then each `--prior KEY=LOW:HIGH` (which replaces a range
    of the same key)."""
    priors: dict[str, Prior] = {}
    for key, (low, high) in loaded.scenario.ranges.items():
        number = describe_number(loaded.resolved, key)
        priors[key] = Prior(key, float(low), float(high), bool(number and number.integer), "ranges")
    for text in texts:
        try:
            param = parse_param(text)
        except ScenarioError as exc:
            raise UsageError(f"--prior {text}: {exc.problems[0].message}; write KEY=LOW:HIGH") from None
        if param.low is None or param.high is None or len(param.keys) != 1:
            raise UsageError(f"--prior {text}: write one KEY=LOW:HIGH (a range, not a list of values)")
        key = param.keys[0]
        if key.split(".")[0] in ("replications", "seed", "name", "description", "sources", "calibration", "arms",
                                 "ranges", "main_rung", "extends"):
            raise UsageError(f"--prior {key}: {run_setting_message(key)}")
        number = describe_number(loaded.resolved, key)
        if number is None:
            keys = [a.key for a in assumption_numbers(loaded.resolved)]
            raise UsageError(f"--prior {key}: names no number in the scenario{suggest(key, keys)}")
        outside = [v for v in (param.low, param.high) if number.clip(v) != v and not number.integer]
        if outside:
            limits = f"{number.minimum if number.minimum is not None else '-inf'} to " \
                     f"{number.maximum if number.maximum is not None else 'inf'}"
            raise UsageError(f"--prior {text}: {key} takes values from {limits}"
                             f"{' (limits excluded)' if number.exclusive_minimum or number.exclusive_maximum else ''}"
                             "; give a range inside it")
        priors[key] = Prior(key, param.low, param.high, number.integer, "--prior")
    if not priors:
        raise UsageError("nothing to fit: the scenario states no ranges: and no --prior KEY=LOW:HIGH was given; "
                         "name the uncertain assumptions, e.g. --prior tension.escalation_feedback=0:0.6")
    return list(priors.values())


def _fmt(x: Any, digits: int = 3) -> str:
    return "-" if x is None else f"{x:.{digits}g}"


def format_fit(manifest: dict[str, Any], ensemble: dict[str, Any]) -> str:
    """The fit as a few lines: the effective sample size, each prior against the ensemble, each pattern."""
    n, ess = ensemble["members"], ensemble["effective_size"]
    lines = [f"{manifest['scenario_name']}: {n} members x {manifest['years']} years of arm {manifest['arm']}, "
             f"weighted by the record",
             f"effective sample size {ess:.1f} of {n} ({100 * ess / n:.0f}%); patterns inside the ensemble's "
             f"predictive 90%: {sum(p['inside'] for p in ensemble['patterns'])} of {len(ensemble['patterns'])}",
             "", "assumption (prior: uniform)                 prior range        ensemble median [90%]"]
    for key, p in ensemble["parameters"].items():
        post = p["posterior"]
        lines.append(f"  {key[:42]:<42}  [{_fmt(p['prior']['low'])}, {_fmt(p['prior']['high'])}]".ljust(64)
                     + f"{_fmt(post['median'])} [{_fmt(post['p05'])}, {_fmt(post['p95'])}]")
    lines += ["", "pattern                                      observed                  prior mean  ensemble mean  inside"]
    for p in ensemble["patterns"]:
        lines.append(f"  {p['label'][:42]:<42}  {p['observed'][:24]:<24}  {_fmt(p['prior_mean']):>10}  "
                     f"{_fmt(p['ensemble_mean']):>13}  {'yes' if p['inside'] else 'NO'}")
    if ess >= 0.9 * n:
        lines.append(f"\nthe record barely tells these variants apart (effective size {100 * ess / n:.0f}% of the "
                     "members): the ensemble is close to the prior, and answers over it show what the record leaves "
                     "open, not what it supports")
    if ess < 10:
        lines.append(f"\nthe ensemble rests on few members (effective size {ess:.1f}): draw more with --members, "
                     "or widen what the record can tell apart with more --years")
    return "\n".join(lines)


def cmd_fit(args: argparse.Namespace) -> int:
    workers = default_workers(args.workers)
    if args.executor != "dask" and args.scheduler:
        raise UsageError("--scheduler goes with --executor dask")
    if args.resume is not None:
        given = [name for name, on in {"SCENARIO": args.scenario is not None, "--prior": bool(args.prior),
                                       "--members": args.members is not None, "--years": args.years is not None,
                                       "--arm": args.arm is not None, "--data": args.data is not None,
                                       "--seed": args.seed is not None, "--set": bool(args.set),
                                       "--out": args.out is not None, "--force": args.force}.items() if on]
        if given:
            raise UsageError(f"--resume takes the fit's own settings from its folder; drop {', '.join(given)}")
        path = args.resume
        ResultsFolder.open_existing(path)
    else:
        if args.scenario is None:
            raise UsageError("give a SCENARIO (or --resume DIR)")
        loaded = load_scenario(args.scenario, args.set, args.allow_extends)
        arm = arm_named(loaded, args.arm)
        priors = priors_of(loaded, args.prior)
        data = args.data
        if data is None:
            data = seeds_dir(loaded.path) if loaded.path else None
            if data is None:
                raise UsageError("no seeds/ folder found beside the scenario; give the calibration tables with --data")
        if not Path(data).is_dir():
            raise UsageError(f"--data {data}: no such folder")
        seed = root_seed(loaded.scenario.seed, args.seed)
        members = draw_members(priors, args.members or FIT_MEMBERS, seed)
        params = [Parameter((p.key,), None, p.low, p.high) for p in priors]
        check_points(loaded.select((arm,)), params, [{p.key: m[p.key] for p in priors} for m in members])
        path = args.out or Path("results") / default_folder_name(f"fit-{Path(args.scenario).stem}")
        ResultsFolder.check_new(path, args.force)
    signal.signal(signal.SIGTERM, raise_interrupt)
    executor = make_executor(args.executor, workers, args.scheduler)
    update, stop = progress_bar(args.quiet or args.json, "members")
    try:
        if args.resume is None:
            folder = ResultsFolder.create(path, force=args.force)
            start_fit(loaded, arm, priors, members, args.years or FIT_YEARS, seed, Path(data), folder, executor,
                      command_line(), update)
        else:
            resume_fit(path, executor, update)
    except KeyboardInterrupt:
        stop()
        return interrupted("fit", "members", path)
    finally:
        stop()
        executor.close()
    manifest, ensemble = read_fit(path)
    if args.json:
        print(json.dumps(ensemble, indent=2))
        return 0
    print(printable(format_fit(manifest, ensemble)))
    print(f"\nensemble: {printable(str(path / ENSEMBLE_JSON))}\nanswers over it: hotline run "
          f"{printable(manifest['scenario_file'] or 'SCENARIO')} --ensemble {printable(str(path))} --report")
    return 0
