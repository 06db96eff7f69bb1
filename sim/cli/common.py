"""What several commands share: usage errors, arm selection, the progress bar, signals."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Any

from ..scenario.references import suggest

__all__ = ["UsageError", "print_problems", "select_arms", "arm_named", "progress_bar", "raise_interrupt",
           "command_line"]


class UsageError(Exception):
    """A command-line value is wrong; the message says which and how to fix it."""


def command_line() -> list[str]:
    """The command as typed, for manifests."""
    return ["hotline", *sys.argv[1:]]


def print_problems(problems: Sequence[Any]) -> None:
    for problem in problems:
        print(problem.format(), file=sys.stderr)


def select_arms(loaded: Any, arms_text: str | None) -> tuple[str, ...]:
    if not arms_text:
        return tuple(loaded.arms)
    names = tuple(a.strip() for a in arms_text.split(",") if a.strip())
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


def progress_bar(quiet: bool) -> tuple[Callable[[int, int], None] | None, Callable[[], None]]:
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


def raise_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt
