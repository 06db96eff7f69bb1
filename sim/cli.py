"""The `hotline` command: parsing arguments and printing. The work happens elsewhere."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from . import __version__
from .scenario import ScenarioError, load_scenario

__all__ = ["main"]

EXAMPLES = {
    "validate": """examples:
  hotline validate scenarios/*.yaml
  hotline validate my_scenario.yaml      # every problem at once, as FILE:LINE:COL: path: message""",
    "schema": """examples:
  hotline schema > scenario.schema.json   # then start a scenario file with
  # yaml-language-server: $schema=scenario.schema.json""",
    "run": """examples:
  hotline run scenarios/senkaku_baseline.yaml
  hotline run scenarios/senkaku_baseline.yaml --replications 500 --arms no_hotline,hotline_rapid
  hotline run scenarios/senkaku_baseline.yaml --set hotline.lines=2 --set tension.half_life_days=60
  hotline run scenarios/senkaku_baseline.yaml --precision 0.005     # add replications until +/-0.5 points
  hotline run scenarios/senkaku_baseline.yaml --executor dask --scheduler tcp://127.0.0.1:8786
  hotline run --resume results/senkaku_baseline-20261126T120000Z   # finish an interrupted run
  hotline run --reproduce results/senkaku_baseline-20261126T120000Z   # rerun and check the results match""",
    "report": """examples:
  hotline report results/senkaku_baseline-20261126T120000Z
  hotline report results/senkaku_baseline-20261126T120000Z --format png,svg""",
    "compare": """examples:
  hotline compare results/senkaku_baseline-A results/ccg_law-B --out comparison/""",
    "calibrate": """examples:
  hotline calibrate scenarios/senkaku_baseline.yaml
  hotline calibrate scenarios/senkaku_baseline.yaml --arm hotline_as_is --replications 2000""",
    "sweep": """examples:
  hotline sweep --example halve      # answer probability x prior consultation: when does the hotline halve the risk?
  hotline sweep scenarios/senkaku_baseline.yaml --arms no_hotline,hotline_as_is \\
      --param parties.CHN.hotline.answer_probability=0.2,0.5,0.8 --param hotline.lines=1,2
  hotline sweep scenarios/senkaku_baseline.yaml --design sobol --samples 64 --arms no_hotline,hotline_rapid \\
      --param parties.CHN.hotline.answer_probability=0.1:1 --param parties.JPN.posture.misperception_probability=0:0.8 \\
      --param tension.escalation_feedback=0:1 --param parties.CHN.posture.retaliation_multiplier=1:5 \\
      --param incident_types.air_intercept.rate_per_year=300:900
  hotline sweep --resume results/sweep-senkaku_baseline-20261126T120000Z""",
    "trace": """examples:
  hotline trace scenarios/senkaku_baseline.yaml --arm hotline_rapid --replication 17
  hotline trace scenarios/senkaku_baseline.yaml --arm hotline_rapid --find in-time --figure timeline.png
  hotline trace scenarios/senkaku_baseline.yaml --arm hotline_as_is --find too-late""",
}


class UsageError(Exception):
    """A command-line value is wrong; the message says which and how to fix it."""


def _whole(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None


def _positive_int(text: str) -> int:
    value = _whole(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _seed(text: str) -> int:
    value = _whole(text)
    if not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError(f"must be between 0 and 2**63-1, got {value}")
    return value


def _half_width(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number such as 0.005, got {text!r}") from None
    if not 0 < value <= 0.5:
        raise argparse.ArgumentTypeError(f"a half-width is a probability between 0 and 0.5, got {text}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hotline", description="Crisis-communication hotline simulator: does a military hotline lower "
        "the risk that incidents at sea escalate, and when does it fail?",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="quick start:\n  hotline validate scenarios/senkaku_baseline.yaml\n"
               "  hotline run scenarios/senkaku_baseline.yaml --report")
    parser.add_argument("--version", action="version", version=f"hotline {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help_text, description=help_text, epilog=EXAMPLES.get(name),
                              formatter_class=argparse.RawDescriptionHelpFormatter)

    p = command("validate", "check scenario files and report every problem with its location")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a field")

    command("schema", "print the JSON Schema of scenario files (for editors and documentation)")

    p = command("run", "run a scenario's arms and write a results folder")
    p.add_argument("scenario", nargs="?", metavar="SCENARIO")
    p.add_argument("--replications", type=_positive_int, help="replications per arm (default: the scenario's)")
    p.add_argument("--seed", type=_seed, help="root seed (default: the scenario's)")
    p.add_argument("--workers", type=_positive_int, default=None, help="worker processes (default: all cores)")
    p.add_argument("--executor", choices=("local", "dask"), default="local")
    p.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler, tcp://HOST:PORT (default: a "
                   "LocalCluster on 127.0.0.1)")
    p.add_argument("--arms", metavar="A,B", help="run only these arms; the first is the baseline")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="override a field in every arm, e.g. hotline.lines=2")
    p.add_argument("--precision", type=_half_width, metavar="HALF_WIDTH",
                   help="add replications until every 95%% half-width of the main outcome is at most this")
    p.add_argument("--max-replications", type=_positive_int, default=200_000,
                   help="cap for --precision (default 200000)")
    p.add_argument("--out", type=Path, help="results folder (default results/<scenario>-<UTC time>)")
    p.add_argument("--force", action="store_true", help="replace the results in an existing --out folder")
    p.add_argument("--resume", type=Path, metavar="DIR", help="finish an interrupted run")
    p.add_argument("--reproduce", type=Path, metavar="DIR",
                   help="rerun a finished run from its manifest and scenario.yaml and report whether the "
                   "results match")
    p.add_argument("--report", action="store_true", help="draw figures and the briefing when done")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--json", action="store_true", help="print summary.json to stdout and nothing else there")

    p = command("report", "draw figures and a briefing from a results folder (never reruns the model)")
    p.add_argument("results", type=Path, metavar="RESULTS_DIR")
    p.add_argument("--format", default="pdf,png", help="figure formats, e.g. pdf,png,svg")
    p.add_argument("--out", type=Path, help="where to write (default: RESULTS_DIR)")

    p = command("compare", "put several results folders side by side")
    p.add_argument("results", type=Path, nargs="+", metavar="DIR")
    p.add_argument("--out", type=Path, help="folder for the comparison table and figure")

    p = command("calibrate", "compare a scenario's simulated patterns with the public record")
    p.add_argument("scenario", metavar="SCENARIO")
    p.add_argument("--data", type=Path, help="folder of calibration tables (default: seeds/ beside scenarios/)")
    p.add_argument("--arm", help="arm to calibrate (default: the baseline)")
    p.add_argument("--replications", type=_positive_int, default=500)
    p.add_argument("--seed", type=_seed)
    p.add_argument("--workers", type=_positive_int, default=None)
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    p.add_argument("--out", type=Path, help="folder for calibration.csv and the figure "
                   "(default results/calibrate-<scenario>-<UTC time>)")

    p = command("sweep", "run the arms at many points of parameter space (grids, Latin hypercubes, Sobol, Morris)")
    p.add_argument("scenario", nargs="?", metavar="SCENARIO")
    p.add_argument("--param", action="append", default=[], metavar="KEY=V1,V2|KEY=LOW:HIGH",
                   help="a swept parameter; KEY1+KEY2=... sets several keys to the same value")
    p.add_argument("--design", choices=("grid", "lhs", "sobol", "morris"), default="grid")
    p.add_argument("--samples", type=_positive_int, default=16,
                   help="points for lhs; base samples for sobol (N) and trajectories for morris")
    p.add_argument("--replications", type=_positive_int, default=400, help="replications per arm and point")
    p.add_argument("--seed", type=_seed)
    p.add_argument("--arms", metavar="A,B", help="arms to run at every point; the first is the baseline")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="fixed overrides")
    p.add_argument("--workers", type=_positive_int, default=None)
    p.add_argument("--executor", choices=("local", "dask"), default="local")
    p.add_argument("--scheduler", metavar="ADDRESS")
    p.add_argument("--out", type=Path)
    p.add_argument("--force", action="store_true")
    p.add_argument("--resume", type=Path, metavar="DIR")
    p.add_argument("--example", choices=("halve",), help="the built-in worked example (see README)")
    p.add_argument("--quiet", action="store_true")

    p = command("trace", "replay one replication and tell its story")
    p.add_argument("scenario", metavar="SCENARIO")
    p.add_argument("--arm", help="arm to replay (default: the baseline)")
    p.add_argument("--replication", type=int, default=0, help="replication number (as in replications.csv)")
    p.add_argument("--seed", type=_seed, help="root seed (default: the scenario's)")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    p.add_argument("--all", action="store_true", help="include routine incidents that went nowhere")
    p.add_argument("--find", choices=("in-time", "too-late", "serious", "clash"),
                   help="start at --replication and replay the first replication that shows this")
    p.add_argument("--figure", type=Path, help="also draw a timeline figure here (png, pdf or svg)")
    return parser


def _print_problems(problems: Sequence[Any]) -> None:
    for problem in problems:
        print(problem.format(), file=sys.stderr)


def cmd_validate(args: argparse.Namespace) -> int:
    status = 0
    for name in args.files:
        try:
            loaded = load_scenario(name, args.set)
        except ScenarioError as exc:
            _print_problems(exc.problems)
            status = 2
            continue
        arms = ", ".join(loaded.arms)
        print(f"{name}: valid ({len(loaded.arms)} arms: {arms})")
    return status


def cmd_schema(args: argparse.Namespace) -> int:
    from .scenario.schema_paths import scenario_json_schema

    schema = dict(scenario_json_schema())
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "hotline scenario"
    print(json.dumps(schema, indent=2))
    return 0


def _select_arms(loaded: Any, arms_text: str | None) -> tuple[str, ...]:
    if not arms_text:
        return tuple(loaded.arms)
    from .scenario.references import suggest

    names = tuple(a.strip() for a in arms_text.split(",") if a.strip())
    for name in names:
        if name not in loaded.arms:
            raise UsageError(f"--arms: no arm {name!r} in the scenario{suggest(name, list(loaded.arms))}")
    if len(set(names)) != len(names):
        raise UsageError("--arms: an arm is named twice")
    return names


def _progress_bar(quiet: bool) -> tuple[Callable[[int, int], None] | None, Callable[[], None]]:
    if quiet:
        return None, lambda: None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    progress = Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                        TimeRemainingColumn(), console=Console(stderr=True), transient=True)
    task = progress.add_task("replications", total=None)
    progress.start()

    def update(done: int, target: int) -> None:
        progress.update(task, completed=done, total=target)

    return update, progress.stop


def _raise_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def cmd_run(args: argparse.Namespace) -> int:
    from .executors import make_executor
    from .experiment import Plan, chunk_size_for
    from .recording import resume_run, start_run
    from .results import ResultsFolder, default_folder_name
    from .terminal import print_summary

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
        from .executors import check_scheduler_address

        check_scheduler_address(args.scheduler)
    if args.resume is None:
        loaded = load_scenario(args.scenario, args.set)
        arms = _select_arms(loaded, args.arms)
        loaded = loaded.select(arms)
        reps = args.replications or loaded.scenario.replications
        seed = loaded.scenario.seed if args.seed is None else args.seed
        plan = Plan(arms, reps, seed, chunk_size_for(reps), args.precision, args.max_replications)
        out = args.out or Path("results") / default_folder_name(Path(args.scenario).stem)
        folder = ResultsFolder.create(out, force=args.force)
    workers = args.workers or os.cpu_count() or 1
    signal.signal(signal.SIGTERM, _raise_interrupt)
    update, stop = _progress_bar(args.quiet or args.json)
    executor = make_executor(args.executor, workers, args.scheduler)
    command = ["hotline", *sys.argv[1:]]
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
        from .report.build import build_report

        made = build_report(path)
        if not args.json:
            print(f"briefing: {made.briefing}")
    return 0


def _reproduce(args: argparse.Namespace) -> int:
    from .executors import make_executor
    from .reproduce import reproduce

    if args.scenario or args.resume or args.set or args.arms or args.replications or args.seed is not None:
        raise UsageError("--reproduce takes the run's own settings; give only the results folder")
    executor = make_executor(args.executor, args.workers or os.cpu_count() or 1, args.scheduler)
    update, stop = _progress_bar(args.quiet)
    try:
        report = reproduce(args.reproduce, executor, ["hotline", *sys.argv[1:]], update, out=args.out)
    finally:
        stop()
        executor.close()
    print(report.text())
    return 0 if report.matches else 1


HALVE_EXAMPLE = {
    "scenario": "scenarios/senkaku_baseline.yaml",
    "arms": "no_hotline,hotline_as_is",
    "set": ["hotline.hours.always_open=true", "parties.CHN.hotline.answer_tension_sensitivity=0"],
    "param": ["parties.CHN.hotline.answer_probability=0.25,0.5,0.75,1.0",
              "parties.JPN.hotline.prior_consultation_hours+parties.CHN.hotline.prior_consultation_hours=0,1,4,8"],
    "replications": 300,
}


def cmd_sweep(args: argparse.Namespace) -> int:
    from .executors import make_executor
    from .results import default_folder_name
    from .sweep import SensitivityUnavailable, design_points, parse_param
    from .sweep_recording import resume_sweep, start_sweep

    if args.example:
        example = HALVE_EXAMPLE
        args.scenario = args.scenario or example["scenario"]
        args.arms = args.arms or example["arms"]
        args.set = example["set"] + args.set
        args.param = args.param or example["param"]
        args.replications = example["replications"] if args.replications == 400 else args.replications
    workers = args.workers or os.cpu_count() or 1
    if args.executor != "dask" and args.scheduler:
        raise UsageError("--scheduler goes with --executor dask")
    if args.resume is None:
        if args.scenario is None or not args.param:
            raise UsageError("give a SCENARIO and at least one --param (or --example halve, or --resume DIR)")
        loaded = load_scenario(args.scenario, args.set)
        arms = _select_arms(loaded, args.arms)
        params = [parse_param(text) for text in args.param]
        seed = loaded.scenario.seed if args.seed is None else args.seed
        try:
            points = design_points(params, args.design, args.samples, seed)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        except SensitivityUnavailable as exc:
            raise UsageError(str(exc)) from None
        from .sweep import overrides

        load_scenario(args.scenario, args.set + overrides(params, points[0]))  # every key is real and valid
        out = args.out or Path("results") / default_folder_name(f"sweep-{Path(args.scenario).stem}")
    executor = make_executor(args.executor, workers, args.scheduler)
    signal.signal(signal.SIGTERM, _raise_interrupt)
    update, stop = _progress_bar(args.quiet)
    try:
        if args.resume is None:
            manifest = start_sweep(loaded.select(arms), params, points, args.design, args.samples, arms,
                                   args.replications, seed, out, args.force, executor,
                                   ["hotline", *sys.argv[1:]], update)
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
    from .report.sweep_report import build_sweep_report

    figures = build_sweep_report(path)
    print(f"sweep: {manifest['points_done']} points x {len(manifest['arms'])} arms, "
          f"{manifest['replications']} replications each\nresults: {path / 'sweep.csv'}")
    for figure in figures:
        print(f"figure: {figure}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from .report.build import build_report

    if (args.results / "manifest.json").is_file() and \
            json.loads((args.results / "manifest.json").read_text()).get("kind") == "sweep":
        from .report.sweep_report import build_sweep_report

        formats = tuple(f.strip().lower() for f in args.format.split(",") if f.strip())
        for figure in build_sweep_report(args.results, formats):
            print(f"figure: {figure}")
        return 0
    formats = tuple(f.strip().lower() for f in args.format.split(",") if f.strip())
    made = build_report(args.results, formats=formats, out=args.out)
    print(f"figures: {made.figures_dir}\nbriefing: {made.briefing}")
    return 0


def _arm(loaded: Any, name: str | None) -> str:
    """The named arm (default: the baseline), or a usage error with a suggestion."""
    arm = name or loaded.baseline
    if arm not in loaded.arms:
        from .scenario.references import suggest

        raise UsageError(f"--arm: no arm {arm!r} in the scenario{suggest(arm, list(loaded.arms))}")
    return arm


def cmd_compare(args: argparse.Namespace) -> int:
    from .report.compare import compare_runs

    text = compare_runs(args.results, args.out)
    print(text)
    return 0


def cmd_trace(args: argparse.Namespace) -> int:
    from .report.narrative import trace

    loaded = load_scenario(args.scenario, args.set)
    arm = _arm(loaded, args.arm)
    if args.replication < 0:
        raise UsageError(f"--replication must be 0 or more (got {args.replication})")
    replication = args.replication
    if args.find:
        from .report.narrative import find_replication

        replication = find_replication(loaded, arm, args.find, args.replication, args.seed)
    print(trace(loaded, arm, replication, args.seed, everything=args.all, figure=args.figure))
    return 0


def cmd_calibrate(args: argparse.Namespace) -> int:
    from .calibrate_run import run_calibration

    loaded = load_scenario(args.scenario, args.set)
    arm = _arm(loaded, args.arm)
    text = run_calibration(loaded, arm, args.replications, args.seed, args.data, args.out,
                           args.workers or os.cpu_count() or 1)
    print(text)
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "validate": cmd_validate, "schema": cmd_schema, "run": cmd_run, "report": cmd_report,
    "compare": cmd_compare, "trace": cmd_trace, "calibrate": cmd_calibrate, "sweep": cmd_sweep,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    from .executors import ExecutorError
    from .results import OutputError

    try:
        return COMMANDS[args.command](args)
    except ScenarioError as exc:
        _print_problems(exc.problems)
        return 2
    except (UsageError, OutputError, ExecutorError) as exc:
        print(f"hotline {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("hotline: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug, not bad input: say so plainly, without a wall of traceback
        if os.environ.get("HOTLINE_DEBUG"):
            raise
        print(f"hotline {args.command}: internal error: {type(exc).__name__}: {exc}\n"
              "This is a bug in hotline. Rerun with HOTLINE_DEBUG=1 to see the traceback.", file=sys.stderr)
        return 1
