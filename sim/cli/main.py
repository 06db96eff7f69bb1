"""The `hotline` command's entry point: parse, dispatch to one command module, turn errors into exit 2."""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys
import threading
import warnings
from collections.abc import Callable, Sequence

from ..folder.files import OutputError
from ..run.executors import ExecutorError
from ..scenario import ScenarioError
from ..scenario.notices import ScenarioNotice
from .common import UsageError, print_problems, printable, raise_interrupt
from .parser import build_parser

__all__ = ["main"]

# Command -> module of this package that holds it. Imported only when run, so that `hotline validate` does
# not pay for matplotlib and the executors.
COMMANDS: dict[str, str] = {
    "validate": "validate", "schema": "validate", "run": "run", "report": "report", "compare": "report",
    "trace": "trace", "calibrate": "calibrate", "sweep": "sweep", "explain": "explain",
    "robustness": "robustness", "rare": "rare", "fit": "fit",
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

    warnings.showwarning = _notice
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, raise_interrupt)  # SIGTERM is Ctrl-C: work is kept, temporaries go
    try:
        status = _command(args.command)(args)
        sys.stdout.flush()
        return status
    except ScenarioError as exc:
        print_problems(exc.problems)
        return 2
    except (UsageError, OutputError, ExecutorError) as exc:
        print(f"hotline {args.command}: error: {printable(str(exc))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("hotline: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        _silence_stdout()
        return 0
    except OSError as exc:  # a file or stream the command needed could not be used: not a bug
        if exc.filename is None:
            _silence_stdout()
        where = f"{exc.filename}: " if exc.filename is not None else "cannot write the output: "
        print(f"hotline {args.command}: error: {printable(where + (exc.strerror or str(exc)))}", file=sys.stderr)
        return 2
    except RecursionError:
        print(f"hotline {args.command}: error: the input is nested too deeply to read", file=sys.stderr)
        return 2
    except Exception as exc:  # a bug, not bad input: say so plainly, without a wall of traceback
        if os.environ.get("HOTLINE_DEBUG"):
            raise
        print(f"hotline {args.command}: internal error: {type(exc).__name__}: {printable(str(exc))}\n"
              "This is a bug in hotline. Rerun with HOTLINE_DEBUG=1 to see the traceback.", file=sys.stderr)
        return 1


def _notice(message: Warning | str, category: type[Warning], filename: str, lineno: int, file: object = None,
            line: str | None = None) -> None:
    """Scenario notices (keys on their way out) as one `notice:` line on standard error; other warnings
    as Python shows them."""
    if issubclass(category, ScenarioNotice):
        print(f"notice: {printable(str(message))}", file=sys.stderr)
    else:
        sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))


def _silence_stdout() -> None:
    """Standard output failed (a closed pipe, a full disk): send what is still buffered nowhere, so that
    the interpreter does not fail again flushing it on exit."""
    if sys.stdout is sys.__stdout__ and sys.__stdout__ is not None:
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.__stdout__.fileno())
            os.close(devnull)
        except (OSError, ValueError):
            pass
