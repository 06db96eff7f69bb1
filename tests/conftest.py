"""Shared fixtures: a minimal scenario, a way to write scenario files, and the CLI as a function."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from sim.cli import main

REPO = Path(__file__).resolve().parents[1]

MINIMAL = """\
name: minimal
parties:
  A: {label: Alpha}
  B: {label: Beta}
incident_types:
  patrol:
    label: a patrol
    rate_per_year: 10
    initiator: A
    layer: navy
    start_rung: forces_engaged
"""


@pytest.fixture
def minimal_text() -> str:
    return MINIMAL


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    """write(text, name='s.yaml') -> path of a scenario file in a temporary folder."""

    def _write(text: str, name: str = "s.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return _write


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """cli('validate', 'x.yaml') -> (exit status, stdout, stderr)."""

    def _run(*args: str) -> tuple[int, str, str]:
        status = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return status, out, err

    return _run
