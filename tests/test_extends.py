"""`extends:` builds a variant on another file; cycles and missing parents are refused with a location."""

from __future__ import annotations

from sim.scenario import ScenarioError, load_scenario

from .conftest import MINIMAL


def test_child_overrides_parent_and_keeps_the_rest(write) -> None:
    write(MINIMAL + "hotline: {lines: 2, max_retries: 5}\n", "parent.yaml")
    child = write("extends: parent.yaml\nname: child\nhotline: {lines: 3}\n", "child.yaml")
    s = load_scenario(child).scenario
    assert s.name == "child"
    assert s.hotline.lines == 3 and s.hotline.max_retries == 5
    assert list(s.parties) == ["A", "B"]


def test_errors_in_parent_point_into_the_parent_file(write) -> None:
    parent = write(MINIMAL.replace("rate_per_year: 10", "rate_per_year: -1"), "parent.yaml")
    child = write("extends: parent.yaml\nname: child\n", "child.yaml")
    try:
        load_scenario(child)
    except ScenarioError as exc:
        assert [p.format() for p in exc.problems] == [
            f"{parent}:8:5: incident_types.patrol.rate_per_year: input should be greater than or equal to 0 "
            "(got -1)"]
    else:
        raise AssertionError("expected a ScenarioError")


def test_cycle_is_refused(write) -> None:
    write("extends: b.yaml\nname: a\n", "a.yaml")
    b = write("extends: a.yaml\nname: b\n", "b.yaml")
    try:
        load_scenario(b)
    except ScenarioError as exc:
        (problem,) = exc.problems
        assert "extends forms a cycle: b.yaml -> a.yaml -> b.yaml" in problem.message
        assert problem.location is not None and problem.location.line == 1
    else:
        raise AssertionError("expected a ScenarioError")


def test_missing_parent_is_refused(write) -> None:
    child = write("name: c\nextends: nowhere.yaml\n", "c.yaml")
    try:
        load_scenario(child)
    except ScenarioError as exc:
        (problem,) = exc.problems
        assert problem.format().startswith(f"{child}:2:1: extends: no such file:")
    else:
        raise AssertionError("expected a ScenarioError")
