"""Hypothesis mutations of a valid scenario either validate or fail with exit 2 and located messages."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.cli import main

from .conftest import MINIMAL

BASE = yaml.safe_load(MINIMAL + "hotline: {lines: 2, ring_hours: {dist: lognormal, median: 0.1, p90: 0.3}}\n"
                      "arms: {a: {}, b: {hotline.enabled: false}}\n")

LEAVES = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-10**13, max_value=10**13),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, prefix + (i,))
    return out


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(data) if p]
        path = draw(st.sampled_from(paths))
        parent = data
        for key in path[:-1]:
            parent = parent[key]
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "replace":
            parent[path[-1]] = draw(LEAVES)
        elif action == "delete" and isinstance(parent, dict):
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=8))] = draw(LEAVES)
    return data


LOCATED = re.compile(r"^.+:\d+:\d+: \S.*$")


@settings(max_examples=120, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=mutated())
def test_mutation_validates_or_fails_with_located_messages(tmp_path: Path, capsys, data: dict[str, Any]) -> None:
    path = tmp_path / "mutant.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    status = main(["validate", str(path)])
    _, err = capsys.readouterr()
    assert status in (0, 2), err
    assert "Traceback" not in err
    if status == 2:
        lines = err.strip().splitlines()
        assert lines and all(LOCATED.match(line) and line.startswith(str(path)) for line in lines), err


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=mutated())
def test_mutation_runs_through_the_whole_cli_without_a_traceback(tmp_path: Path, capsys,
                                                                  data: dict[str, Any]) -> None:
    import tempfile

    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    path = folder / "mutant.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    status = main(["run", str(path), "--replications", "1", "--set", "horizon_days=2", "--workers", "1",
                   "--quiet", "--out", str(folder / "out")])
    _, err = capsys.readouterr()
    assert status in (0, 2), err
    assert "Traceback" not in err and "internal error" not in err
    if status == 0:
        assert json.loads((folder / "out" / "manifest.json").read_text())["status"] == "complete"
