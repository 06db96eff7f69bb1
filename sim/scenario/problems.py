"""Located problems in scenario input, and the exception that carries all of them at once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Location", "Problem", "ScenarioError", "dotted", "MISSING"]

MISSING: Any = object()


@dataclass(frozen=True)
class Location:
    """Where a value stands in a file: 1-based line and column."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


def dotted(path: tuple[Any, ...]) -> str:
    """`('parties', 'CHN', 'posture')` -> `parties.CHN.posture`; the empty path is `<top level>`."""
    return ".".join(_part(p) for p in path) if path else "<top level>"


def _part(part: Any) -> str:
    text = str(part)
    return text if text and text.isprintable() and " " not in text else repr(part)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, with where it is and what would fix it."""

    location: Location | None
    path: tuple[Any, ...]
    message: str
    got: Any = MISSING

    def format(self) -> str:
        where = f"{self.location}: " if self.location else ""
        got = "" if self.got is MISSING else f" (got {_short(self.got)})"
        return f"{where}{dotted(self.path)}: {self.message}{got}"


class ScenarioError(Exception):
    """Raised with every problem found in one pass, so the user can fix them all at once."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(
            problems,
            key=lambda p: (p.location.file, p.location.line, p.location.column) if p.location else ("", 0, 0),
        )
        super().__init__("\n".join(p.format() for p in self.problems))
