"""The `hotline` command line: every command, its options, and examples in its help."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from ..run.defaults import (
    CALIBRATION_REPLICATIONS,
    ENSEMBLE_MEMBERS,
    ENSEMBLE_REPLICATIONS,
    EXPLAIN_REPLICATIONS,
    FIND_LIMIT,
    FIT_MEMBERS,
    FIT_YEARS,
    MAX_CALIBRATION_REPLICATIONS,
    MAX_FIND_LIMIT,
    MAX_FIT_MEMBERS,
    MAX_PRECISION_REPLICATIONS,
    MAX_REPLICATIONS,
    MAX_SAMPLES,
    MAX_TRACE_REPLICATION,
    MAX_WORKERS,
    RARE_FACTOR,
    RARE_MOST_FACTOR,
    RARE_REPLICATIONS,
    ROBUSTNESS_FACTOR,
    ROBUSTNESS_LIMIT,
    ROBUSTNESS_REPLICATIONS,
    SWEEP_REPLICATIONS,
)
from ..version import __version__

__all__ = ["build_parser", "EXAMPLES"]

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
  hotline run scenarios/senkaku_baseline.yaml --rare                # and the top rungs by importance sampling
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
    "fit": """examples:
  hotline fit scenarios/senkaku_baseline.yaml                        # the ranges: as priors, 200 members
  hotline fit scenarios/senkaku_baseline.yaml --prior parties.CHN.hotline.answer_probability=0.2:0.9 --members 400
  hotline fit --resume results/fit-senkaku_baseline-20261203T120000Z
  then: hotline run scenarios/senkaku_baseline.yaml --ensemble results/fit-... --report""",
    "sweep": """examples:
  hotline sweep --example halve      # answer probability x prior consultation: when does the hotline halve the risk?
  hotline sweep scenarios/senkaku_baseline.yaml --arms no_hotline,hotline_as_is \\
      --param parties.CHN.hotline.answer_probability=0.2,0.5,0.8 --param hotline.lines=1,2
  hotline sweep scenarios/senkaku_baseline.yaml --design sobol --samples 64 --arms no_hotline,hotline_rapid \\
      --param parties.CHN.hotline.answer_probability=0.1:1 --param parties.JPN.posture.misperception_probability=0:0.8 \\
      --param tension.escalation_feedback=0:1 --param parties.CHN.posture.retaliation_multiplier=1:5 \\
      --param incident_types.air_intercept.rate_per_year=300:900
  hotline sweep --resume results/sweep-senkaku_baseline-20261126T120000Z""",
    "explain": """examples:
  hotline explain scenarios/senkaku_baseline.yaml --arms no_hotline,hotline_as_is,hotline_rapid
  hotline explain scenarios/senkaku_baseline.yaml --arms no_hotline,hotline_as_is --out results/run-A  # then: hotline report results/run-A
  hotline explain scenarios/senkaku_baseline.yaml --arms no_hotline,hotline_rapid --json""",
    "rare": """examples:
  hotline rare scenarios/senkaku_baseline.yaml --arms no_hotline,hotline_as_is
  hotline rare scenarios/senkaku_baseline.yaml --factor 5 --from weapon_signalling
  hotline rare scenarios/senkaku_baseline.yaml --out results/run-A  # beside a run: its replications and seed""",
    "trace": """examples:
  hotline trace scenarios/senkaku_baseline.yaml --arm hotline_rapid --replication 17
  hotline trace scenarios/senkaku_baseline.yaml --arm hotline_rapid --find in-time --figure timeline.png
  hotline trace scenarios/senkaku_baseline.yaml --arm hotline_as_is --find too-late
  hotline trace scenarios/senkaku_baseline.yaml --find in-time    # picks an arm where a call can happen""",
    "robustness": """examples:
  hotline robustness scenarios/senkaku_baseline.yaml --arms no_hotline,hotline_as_is --replications 300
  hotline robustness scenarios/senkaku_baseline.yaml --arms no_hotline,hotline_rapid --factor 0.3 \\
      --keys tension.escalation_feedback,parties.CHN.hotline.answer_probability
  hotline robustness --resume results/robustness-senkaku_baseline-20261126T120000Z""",
}


def _file_name(text: str) -> str:
    if "\x00" in text:
        raise argparse.ArgumentTypeError("a file name cannot hold a NUL character")
    return text


def _path(text: str) -> Path:
    return Path(_file_name(text))


def _whole(text: str) -> int:
    if len(text) > 30:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text[:30]!r}...")
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None


def _positive_int(text: str) -> int:
    value = _whole(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _at_most(cap: int, low: int = 1) -> Callable[[str], int]:
    """A whole number between `low` and `cap` (every size a user can type has a documented cap)."""
    def parse(text: str) -> int:
        value = _whole(text)
        if not low <= value <= cap:
            raise argparse.ArgumentTypeError(f"must be between {low} and {cap:,}, got {text.strip()[:30]}")
        return value
    parse.__name__ = "whole number"
    return parse


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


def _factor(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number such as 0.5, got {text!r}") from None
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"a factor moves x to x(1-F) and x(1+F): give 0 < F <= 1, got {text}")
    return value


def _tilt_factor(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number such as 3, got {text!r}") from None
    if not 1 <= value <= RARE_MOST_FACTOR:
        raise argparse.ArgumentTypeError(f"the tilt draws choices to escalate F times as often: give 1 <= F <= "
                                         f"{RARE_MOST_FACTOR:g}, got {text}")
    return value


def _count(text: str) -> int:
    value = _whole(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def _baseline(p: argparse.ArgumentParser) -> None:
    p.add_argument("--baseline", metavar="ARM", help="the arm every difference is taken against (default: the "
                   "first of --arms, else the scenario's first arm)")


def _allow_extends(p: argparse.ArgumentParser) -> None:
    p.add_argument("--allow-extends", type=_path, metavar="DIR",
                   help="let `extends:` name scenario files inside DIR (default: the scenario's own folder tree)")


def build_parser() -> argparse.ArgumentParser:
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
    p.add_argument("files", nargs="+", metavar="FILE", type=_file_name)
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a field")
    _allow_extends(p)

    command("schema", "print the JSON Schema of scenario files (for editors and documentation)")

    p = command("run", "run a scenario's arms and write a results folder")
    p.add_argument("scenario", nargs="?", metavar="SCENARIO", type=_file_name)
    p.add_argument("--replications", type=_at_most(MAX_REPLICATIONS), help="replications per arm (default: the scenario's)")
    p.add_argument("--seed", type=_seed, help="root seed (default: the scenario's)")
    p.add_argument("--workers", type=_at_most(MAX_WORKERS), default=None, help="worker processes (default: all cores)")
    p.add_argument("--executor", choices=("local", "dask"), default="local")
    p.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler, tcp://HOST:PORT (default: a "
                   "LocalCluster on 127.0.0.1)")
    p.add_argument("--arms", metavar="A,B", help="run only these arms; the first is the baseline")
    p.add_argument("--differences", metavar="A-B,...|all", help="paired differences between other arms too: "
                   "A-B is A minus B; all: every pair (the differences from the baseline are always there)")
    _baseline(p)
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="override a field in every arm, e.g. hotline.lines=2")
    _allow_extends(p)
    p.add_argument("--precision", type=_half_width, metavar="HALF_WIDTH",
                   help="add replications until the 95%% half-width of every paired difference of the main "
                   "outcome (each arm minus the first) is at most this")
    p.add_argument("--precision-of", choices=("differences", "arms"), default="differences",
                   help="what --precision targets: the paired differences (default) or each arm's own "
                   "probability (the old behaviour; needs several times more replications)")
    p.add_argument("--exact", action="store_true",
                   help="simulate every incident event by event (the engine's reference path; same results, "
                   "slower)")
    p.add_argument("--max-replications", type=_at_most(MAX_REPLICATIONS), default=MAX_PRECISION_REPLICATIONS,
                   help=f"cap for --precision (default {MAX_PRECISION_REPLICATIONS})")
    p.add_argument("--out", type=_path, help="results folder (default results/<scenario>-<UTC time>)")
    p.add_argument("--force", action="store_true", help="replace the results in an existing --out folder")
    p.add_argument("--resume", type=_path, metavar="DIR", help="finish an interrupted run")
    p.add_argument("--reproduce", type=_path, metavar="DIR",
                   help="rerun a finished run from its manifest and scenario.yaml and report whether the "
                   "results match")
    p.add_argument("--report", action="store_true", help="draw figures and the briefing when done")
    p.add_argument("--rare", action="store_true",
                   help="then estimate the top rungs by importance sampling (hotline rare) on the run's arms, "
                   "replications and seed, into DIR/rare.json")
    p.add_argument("--ensemble", type=_path, metavar="FITDIR",
                   help="then run the arms on members of a fitted ensemble (hotline fit), resampled by weight, "
                   "into DIR/ensemble, and give each difference as a distribution over it (DIR/ensemble_answer.json)")
    p.add_argument("--ensemble-members", type=_at_most(MAX_FIT_MEMBERS), default=ENSEMBLE_MEMBERS, metavar="K",
                   help=f"draws from the ensemble by weight; each distinct member runs once (default {ENSEMBLE_MEMBERS})")
    p.add_argument("--ensemble-replications", type=_at_most(MAX_REPLICATIONS), default=ENSEMBLE_REPLICATIONS,
                   metavar="R", help=f"replications per arm and member (default {ENSEMBLE_REPLICATIONS})")
    p.add_argument("--robustness", nargs="?", const=True, type=_path, metavar="RDIR",
                   help="with --report: add 'Does the finding hold?' from a robustness folder, or (no RDIR) run "
                   "hotline robustness on the run's arms into DIR/robustness first")
    p.add_argument("--quiet", action="store_true", help="no progress bar or progress lines")
    p.add_argument("--json", action="store_true", help="print summary.json to stdout and nothing else there")

    p = command("report", "draw figures and a briefing from a results folder (never reruns the model)")
    p.add_argument("results", type=_path, metavar="RESULTS_DIR")
    p.add_argument("--format", default="pdf,png", help="figure formats, e.g. pdf,png,svg")
    p.add_argument("--out", type=_path, help="where to write (default: RESULTS_DIR)")
    p.add_argument("--slides", action="store_true", help="also 16:9 slides, one message each, in slides/ (the "
                   "tables in percentage points as CSV, Markdown and LaTeX, and memo.pdf, come with every report)")
    p.add_argument("--explanation", type=_path, metavar="DIR",
                   help="an explanation folder (hotline explain --out DIR) to include; default: explanation.json "
                   "in RESULTS_DIR when there is one")
    p.add_argument("--robustness", type=_path, metavar="RDIR",
                   help="a hotline robustness folder: adds the section 'Does the finding hold?' to the briefing")

    p = command("compare", "put several results folders side by side")
    p.add_argument("results", type=_path, nargs="+", metavar="DIR")
    p.add_argument("--out", type=_path, help="folder for the comparison table and figure")

    p = command("calibrate", "compare a scenario's simulated patterns with the public record")
    p.add_argument("scenario", metavar="SCENARIO", type=_file_name)
    p.add_argument("--data", type=_path, help="folder of calibration tables (default: seeds/ beside scenarios/)")
    p.add_argument("--arm", help="arm to calibrate (default: the baseline)")
    p.add_argument("--replications", type=_at_most(MAX_CALIBRATION_REPLICATIONS), default=CALIBRATION_REPLICATIONS)
    p.add_argument("--seed", type=_seed)
    p.add_argument("--workers", type=_at_most(MAX_WORKERS), default=None)
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    _allow_extends(p)
    p.add_argument("--out", type=_path, help="folder for calibration.csv and the figure "
                   "(default results/calibrate-<scenario>-<UTC time>)")

    p = command("fit", "an ensemble of model variants consistent with the record: members drawn from the priors "
                "(ranges: and --prior), each weighted by how well it reproduces the calibration tables")
    p.add_argument("scenario", nargs="?", metavar="SCENARIO", type=_file_name)
    p.add_argument("--prior", action="append", default=[], metavar="KEY=LOW:HIGH",
                   help="a uniform prior for an assumption (adds to, or replaces, the scenario's ranges:)")
    p.add_argument("--members", type=_at_most(MAX_FIT_MEMBERS), default=None,
                   help=f"members drawn from the priors, a Latin hypercube (default {FIT_MEMBERS})")
    p.add_argument("--years", type=_at_most(MAX_CALIBRATION_REPLICATIONS), default=None,
                   help=f"replications each member runs, on the same seeds for every member (default {FIT_YEARS})")
    p.add_argument("--arm", help="arm whose years are weighed against the record (default: the baseline)")
    p.add_argument("--data", type=_path, help="folder of calibration tables (default: seeds/ beside scenarios/)")
    p.add_argument("--seed", type=_seed, help="root seed of the draw and of the years (default: the scenario's)")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="fixed overrides")
    _allow_extends(p)
    p.add_argument("--workers", type=_at_most(MAX_WORKERS), default=None)
    p.add_argument("--executor", choices=("local", "dask"), default="local")
    p.add_argument("--scheduler", metavar="ADDRESS")
    p.add_argument("--out", type=_path, help="folder (default results/fit-<scenario>-<UTC time>)")
    p.add_argument("--force", action="store_true", help="replace a fit already in --out")
    p.add_argument("--resume", type=_path, metavar="DIR", help="finish an interrupted fit")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--json", action="store_true", help="print the ensemble as JSON and nothing else")

    p = command("sweep", "run the arms at many points of parameter space (grids, Latin hypercubes, Sobol, Morris)")
    p.add_argument("scenario", nargs="?", metavar="SCENARIO", type=_file_name)
    p.add_argument("--param", action="append", default=[], metavar="KEY=V1,V2|KEY=LOW:HIGH",
                   help="a swept parameter; KEY1+KEY2=... sets several keys to the same value")
    p.add_argument("--design", choices=("grid", "lhs", "sobol", "morris"), default="grid")
    p.add_argument("--samples", type=_at_most(MAX_SAMPLES), default=16,
                   help="points for lhs; base samples for sobol (N) and trajectories for morris")
    p.add_argument("--replications", type=_at_most(MAX_REPLICATIONS), default=None,
                   help=f"replications per arm and point (default {SWEEP_REPLICATIONS})")
    p.add_argument("--seed", type=_seed)
    p.add_argument("--arms", metavar="A,B", help="arms to run at every point; the first is the baseline")
    _baseline(p)
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="fixed overrides")
    _allow_extends(p)
    p.add_argument("--workers", type=_at_most(MAX_WORKERS), default=None)
    p.add_argument("--executor", choices=("local", "dask"), default="local")
    p.add_argument("--scheduler", metavar="ADDRESS")
    p.add_argument("--out", type=_path)
    p.add_argument("--force", action="store_true")
    p.add_argument("--resume", type=_path, metavar="DIR")
    p.add_argument("--example", choices=("halve",), help="the built-in worked example (see README)")
    p.add_argument("--quiet", action="store_true")

    p = command("explain", "attribute each arm's difference to the hotline's mechanisms (Shapley values on common "
                "random numbers)")
    p.add_argument("scenario", metavar="SCENARIO", type=_file_name)
    p.add_argument("--arms", metavar="A,B,...", help="the baseline, then the arms to explain (default: all)")
    _baseline(p)
    p.add_argument("--replications", type=_at_most(MAX_REPLICATIONS), default=None,
                   help=f"paired replications (default {EXPLAIN_REPLICATIONS}); each runs every subset of "
                   "the arm's mechanisms where a call mattered")
    p.add_argument("--seed", type=_seed, help="root seed (default: the scenario's)")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a field in every arm")
    _allow_extends(p)
    p.add_argument("--workers", type=_at_most(MAX_WORKERS), default=None)
    p.add_argument("--executor", choices=("local", "dask"), default="local")
    p.add_argument("--scheduler", metavar="ADDRESS")
    p.add_argument("--out", type=_path, help="folder for explanation.json and the figure; a run's results folder "
                   "makes `hotline report` include them (default results/explain-<scenario>-<UTC time>)")
    p.add_argument("--force", action="store_true", help="replace an explanation already in --out")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--json", action="store_true", help="print the attribution as JSON and nothing else")

    p = command("rare", "the chance of reaching each rung at the top of the ladder, and its differences between "
                "arms, by importance sampling: rare outcomes seen often, each replication weighted")
    p.add_argument("scenario", metavar="SCENARIO", type=_file_name)
    p.add_argument("--arms", metavar="A,B,...", help="arms to run; the first is the baseline (default: all)")
    _baseline(p)
    p.add_argument("--replications", type=_at_most(MAX_REPLICATIONS), default=None,
                   help=f"replications per arm, on the same seeds (default {RARE_REPLICATIONS}, or a run's in --out)")
    p.add_argument("--seed", type=_seed, help="root seed (default: the scenario's, or a run's in --out)")
    p.add_argument("--factor", type=_tilt_factor, default=RARE_FACTOR,
                   help=f"draw choices to escalate this many times as often, at most an even chance (default "
                   f"{RARE_FACTOR:g}; 1: plain Monte Carlo)")
    p.add_argument("--from", dest="from_rung", metavar="RUNG",
                   help="the lowest rung whose choices are tilted (default: the rung above every incident type's "
                   "start rung, the lowest allowed)")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a field in every arm")
    _allow_extends(p)
    p.add_argument("--workers", type=_at_most(MAX_WORKERS), default=None)
    p.add_argument("--executor", choices=("local", "dask"), default="local")
    p.add_argument("--scheduler", metavar="ADDRESS")
    p.add_argument("--out", type=_path, help="folder for rare.json; a run's results folder puts it beside the run "
                   "(default results/rare-<scenario>-<UTC time>)")
    p.add_argument("--force", action="store_true", help="replace an analysis already in --out")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--json", action="store_true", help="print the analysis as JSON and nothing else")

    p = command("trace", "replay one replication and tell its story")
    p.add_argument("scenario", metavar="SCENARIO", type=_file_name)
    p.add_argument("--arm", help="arm to replay (default: the baseline)")
    p.add_argument("--replication", type=_at_most(MAX_TRACE_REPLICATION, 0), default=0,
                   help="replication number (as in replications.csv)")
    p.add_argument("--seed", type=_seed, help="root seed (default: the scenario's)")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    _allow_extends(p)
    p.add_argument("--all", action="store_true", help="include routine incidents that went nowhere")
    p.add_argument("--find", choices=("in-time", "too-late", "line-closed", "not-answered", "consultation",
                                      "serious", "clash", "crisis"),
                   help="start at --replication and replay the first replication that shows this (a call in "
                        "time; a call too late; one that waited for the line to open, was not answered or "
                        "waited for prior consultation; a serious incident; a clash; a crisis)")
    p.add_argument("--limit", type=_at_most(MAX_FIND_LIMIT), default=FIND_LIMIT,
                   help=f"--find replays at most this many replications (default {FIND_LIMIT})")
    p.add_argument("--figure", type=_path, help="also draw a timeline figure here (png, pdf or svg)")
    p.add_argument("--quiet", action="store_true", help="no progress while --find searches")

    p = command("robustness", "does the finding hold? move each [assumption] down and up, on the same random "
                "numbers, and see whether the paired differences change their verdict")
    p.add_argument("scenario", nargs="?", metavar="SCENARIO", type=_file_name)
    p.add_argument("--arms", metavar="A,B", help="arms to compare; the first is the baseline (default: all)")
    _baseline(p)
    p.add_argument("--replications", type=_at_most(MAX_REPLICATIONS), default=None,
                   help=f"replications per arm and point (default {ROBUSTNESS_REPLICATIONS})")
    p.add_argument("--seed", type=_seed, help="root seed, the same at every point (default: the scenario's)")
    p.add_argument("--factor", type=_factor, default=None,
                   help=f"move each assumption x to x(1-F) and x(1+F), clipped to its valid range, unless the "
                   f"scenario states its range under ranges: (default {ROBUSTNESS_FACTOR})")
    p.add_argument("--keys", metavar="K1,K2", help="dotted keys to move (default: the shared [assumption] "
                   "numbers, those with a stated range first, then single numbers, then table entries)")
    p.add_argument("--limit", type=_count, default=None,
                   help=f"without --keys, test at most this many assumptions; 0: all (default {ROBUSTNESS_LIMIT})")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="fixed overrides")
    p.add_argument("--workers", type=_at_most(MAX_WORKERS), default=None)
    p.add_argument("--executor", choices=("local", "dask"), default="local")
    p.add_argument("--scheduler", metavar="ADDRESS")
    p.add_argument("--out", type=_path, help="folder (default results/robustness-<scenario>-<UTC time>)")
    p.add_argument("--force", action="store_true")
    p.add_argument("--resume", type=_path, metavar="DIR", help="finish an interrupted analysis")
    p.add_argument("--json", action="store_true", help="print the result as JSON to stdout and nothing else there")
    p.add_argument("--quiet", action="store_true")
    return parser
