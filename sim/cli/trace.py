"""`hotline trace`: replay one replication and tell its story."""

from __future__ import annotations

import argparse

from ..report.narrative import trace
from ..run.replay import NotFound, arms_where_possible, find_replication, replay, why_impossible
from ..scenario import load_scenario
from ..scenario.load import LoadedScenario
from .common import UsageError, arm_named, printable, progress_bar

__all__ = ["cmd_trace"]


def _arm_for(loaded: LoadedScenario, asked: str | None, what: str) -> tuple[str, str | None]:
    """The arm to search for `what`, and a note when it was picked for the user."""
    possible = arms_where_possible(loaded, what)
    if asked is not None:
        arm = arm_named(loaded, asked)
        reason = why_impossible(loaded.arms[arm], what)
        if reason is not None:
            where = (f"it can in: {', '.join(possible)}" if possible else "no arm of this scenario can show it")
            raise UsageError(f"--find {what} cannot happen in arm {arm}: {reason}; {where}")
        return arm, None
    if not possible:
        reasons = "; ".join(f"{a}: {why_impossible(s, what)}" for a, s in loaded.arms.items())
        raise UsageError(f"--find {what}: no arm of this scenario can show it ({reasons})")
    arm = possible[0]
    note = None if arm == loaded.baseline else (
        f"(--find {what}: searching arm {arm}, the first in which it can happen; --arm chooses another)")
    return arm, note


def cmd_trace(args: argparse.Namespace) -> int:
    loaded = load_scenario(args.scenario, args.set, args.allow_extends)
    if args.replication < 0:
        raise UsageError(f"--replication must be 0 or more (got {args.replication})")
    replication = args.replication
    if args.find:
        arm, note = _arm_for(loaded, args.arm, args.find)
        if note:
            print(printable(note))
        update, stop = progress_bar(args.quiet, "replications searched")
        try:
            replication = find_replication(loaded, arm, args.find, args.replication, args.seed, args.limit, update)
        except NotFound as exc:
            raise UsageError(str(exc)) from None
        finally:
            stop()
    else:
        arm = arm_named(loaded, args.arm)
    record = replay(loaded, arm, replication, args.seed)
    print(printable(trace(loaded, arm, replication, record, everything=args.all, figure=args.figure)))
    return 0
