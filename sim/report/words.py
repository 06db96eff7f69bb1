"""Numbers in words: percentages and intervals as the briefing, comparisons and the terminal print them."""

from __future__ import annotations

from typing import Any

__all__ = ["percent", "interval_text"]


def percent(x: float | None, digits: int = 1) -> str:
    return "n/a" if x is None else f"{100 * x:.{digits}f}%"


def interval_text(entry: dict[str, Any], signed: bool = False, digits: int = 1) -> str:
    if entry.get("estimate") is None:
        return "n/a"
    fmt = (lambda v: f"{100 * v:+.{digits}f}") if signed else (lambda v: f"{100 * v:.{digits}f}")
    return f"{fmt(entry['estimate'])} ({fmt(entry['ci_low'])} to {fmt(entry['ci_high'])})"
