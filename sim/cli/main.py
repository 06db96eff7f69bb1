"""The `hotline` command's entry point: parse, dispatch to one command module, turn errors into exit 2."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence

from ..folder.files import OutputError
from ..run.executors import ExecutorError
from ..scenario import ScenarioError
from .common import UsageError, print_problems
from .parser import build_parser

__all__ = ["main"]

# Command -> module of this package that holds it. Imported only when run, so that `hotline validate` does
# not pay for matplotlib and the executors.
COMMANDS: dict[str, str] = {
    "validate": "validate", "schema": "validate", "run": "run", "report": "report", "compare": "report",
    "trace": "trace", "calibrate": "calibrate", "sweep": "sweep", "explain": "explain",
    "robustness": "robustness",
}


def _command(name: str) -> Callable[[argparse.Namespace], int]:
    module = importlib.import_module(f".{COMMANDS[name]}", __package__)
    return getattr(module, f"cmd_{name}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2

    try:
        return _command(args.command)(args)
    except ScenarioError as exc:
        print_problems(exc.problems)
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
