"""What several commands share: usage errors, arm selection, the progress bar, signals."""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from ..scenario.references import suggest

__all__ = ["interrupted", "UsageError", "print_problems", "select_arms", "arm_named", "progress_bar", "progress_lines",
           "raise_interrupt", "command_line", "printable"]

# C0 controls but newline and tab, DEL, C1 controls, and bidirectional overrides: shown escaped on a terminal.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(value: Any) -> Any:
    """Text (or the text inside a JSON-like structure) with control characters shown as escapes, so that
    a name in a scenario cannot move the cursor or recolour the terminal. Files keep the text as written."""
    if isinstance(value, str):
        return _CONTROL.sub(lambda m: repr(m.group())[1:-1] if ord(m.group()) < 0x100
                            else f"\\u{ord(m.group()):04x}", value)
    if isinstance(value, dict):
        return {printable(k): printable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(printable(v) for v in value)
    return value


class UsageError(Exception):
    """A command-line value is wrong; the message says which and how to fix it."""


def command_line() -> list[str]:
    """The command as typed, for manifests."""
    return ["hotline", *sys.argv[1:]]


def print_problems(problems: Sequence[Any]) -> None:
    for problem in problems:
        print(printable(problem.format()), file=sys.stderr)


def select_arms(loaded: Any, arms_text: str | None, baseline: str | None = None) -> tuple[str, ...]:
    """The arms `--arms` names (None: every arm), with `--baseline` first (added when --arms leaves it
    out): every difference is taken against it. A list that names none (`--arms ,`) is a usage error."""
    names = _named_arms(loaded, arms_text)
    if baseline is None:
        return names
    if baseline not in loaded.arms:
        raise UsageError(f"--baseline: no arm {baseline!r} in the scenario{suggest(baseline, list(loaded.arms))}")
    return (baseline, *(a for a in names if a != baseline))


def _named_arms(loaded: Any, arms_text: str | None) -> tuple[str, ...]:
    if arms_text is None:
        return tuple(loaded.arms)
    names = tuple(a.strip() for a in arms_text.split(",") if a.strip())
    if not names:
        raise UsageError(f"--arms: name at least one arm, e.g. --arms {','.join(list(loaded.arms)[:2])} "
                         f"(got {arms_text!r})")
    for name in names:
        if name not in loaded.arms:
            raise UsageError(f"--arms: no arm {name!r} in the scenario{suggest(name, list(loaded.arms))}")
    if len(set(names)) != len(names):
        raise UsageError("--arms: an arm is named twice")
    return names


def arm_named(loaded: Any, name: str | None) -> str:
    """The named arm (default: the baseline), or a usage error with a suggestion."""
    arm = name or loaded.baseline
    if arm not in loaded.arms:
        raise UsageError(f"--arm: no arm {arm!r} in the scenario{suggest(arm, list(loaded.arms))}")
    return arm


PROGRESS_EVERY_S = 5.0  # a plain progress line at most this often when stderr is not a terminal


def progress_lines(what: str, stream: TextIO, every_s: float = PROGRESS_EVERY_S,
                   clock: Callable[[], float] = time.monotonic) -> tuple[Callable[[int, int], None], Callable[[], None]]:
    """Progress for logs, CI and notebooks: `replications 120/300 (40%), 25.1/s, about 7 s left`, at most
    every `every_s` seconds, and a last line when the work is done."""
    start = clock()
    state = {"last": start, "final": False}

    def update(done: int, total: int) -> None:
        now = clock()
        final = done >= total
        if now - state["last"] >= every_s or (final and not state["final"]):
            rate = done / max(now - start, 1e-9)
            left = f"about {_duration((total - done) / rate)} left" if rate > 0 and not final else "done"
            share = f" ({100 * done / total:.0f}%)" if total else ""
            print(f"{what} {done}/{total}{share}, {rate:.3g}/s, {left}", file=stream, flush=True)
            state["last"] = now
        state["final"] = final

    return update, lambda: None


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def progress_bar(quiet: bool, what: str = "replications"
                 ) -> tuple[Callable[[int, int], None] | None, Callable[[], None]]:
    """A rich progress bar on a terminal; plain lines every few seconds otherwise; nothing when quiet."""
    if quiet:
        return None, lambda: None
    if not sys.stderr.isatty():
        return progress_lines(what, sys.stderr)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    progress = Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                        TimeRemainingColumn(), console=Console(stderr=True), transient=True)
    task = progress.add_task(what, total=None)
    progress.start()

    def update(done: int, target: int) -> None:
        progress.update(task, completed=done, total=target)

    return update, progress.stop


def raise_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def interrupted(command: str, kept: str, where: object) -> int:
    """Say that a run was interrupted, what was kept where, and how to resume it; the exit status 130."""
    place = printable(str(where))
    print(f"hotline: interrupted; finished {kept} are kept in {place}. Resume with: "
          f"hotline {command} --resume {place}", file=sys.stderr)
    return 130
