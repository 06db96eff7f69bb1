"""`hotline trace`: replay one replication and tell its story."""

from __future__ import annotations

import argparse

from ..report.narrative import trace
from ..run.replay import NotFound, find_replication, replay
from ..scenario import load_scenario
from .common import UsageError, arm_named

__all__ = ["cmd_trace"]


def cmd_trace(args: argparse.Namespace) -> int:
    loaded = load_scenario(args.scenario, args.set)
    arm = arm_named(loaded, args.arm)
    if args.replication < 0:
        raise UsageError(f"--replication must be 0 or more (got {args.replication})")
    replication = args.replication
    if args.find:
        try:
            replication = find_replication(loaded, arm, args.find, args.replication, args.seed)
        except NotFound as exc:
            raise UsageError(str(exc)) from None
    record = replay(loaded, arm, replication, args.seed)
    print(trace(loaded, arm, replication, record, everything=args.all, figure=args.figure))
    return 0
