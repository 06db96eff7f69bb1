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


def _only_problem(path) -> str:
    try:
        load_scenario(path)
    except ScenarioError as exc:
        (problem,) = exc.problems
        return problem.format()
    raise AssertionError("expected a ScenarioError")


def test_absolute_path_is_refused_and_the_file_is_not_read(write) -> None:
    child = write("name: c\nextends: /etc/passwd\n", "c.yaml")
    text = _only_problem(child)
    assert text.startswith(f"{child}:2:1: extends: must be a relative path") and "absolute" in text
    assert "root:" not in text


def test_extends_outside_the_scenario_folder_is_refused_without_echoing_it(tmp_path, write) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("password_hash: s3cr3t-v4lue\n")
    (tmp_path / "sub").mkdir()
    child = write("name: c\nextends: ../secret.yaml\n", "sub/c.yaml")
    text = _only_problem(child)
    assert "may only name scenario files inside" in text and "--allow-extends" in text
    assert "s3cr3t" not in text and "password_hash" not in text


def test_allow_extends_admits_another_folder(tmp_path, write, cli) -> None:
    (tmp_path / "library").mkdir()
    write(MINIMAL, "library/parent.yaml")
    (tmp_path / "mine").mkdir()
    child = write("extends: ../library/parent.yaml\nname: child\n", "mine/child.yaml")
    assert cli("validate", child)[0] == 2
    status, out, err = cli("validate", child, "--allow-extends", tmp_path / "library")
    assert status == 0 and "valid" in out, err


def test_extends_of_a_file_that_is_not_a_scenario_file_is_refused(write) -> None:
    write("name: n\n", "notes.txt")
    child = write("name: c\nextends: notes.txt\n", "c.yaml")
    assert "must name a scenario file ending in .yaml or .yml" in _only_problem(child)


def test_symlink_loop_through_extends_is_a_located_problem(tmp_path, write) -> None:
    (tmp_path / "loop.yaml").symlink_to(tmp_path / "loop.yaml")
    child = write("name: c\nextends: loop.yaml\n", "c.yaml")
    assert _only_problem(child).startswith(f"{child}:2:1: extends: ")
