"""Documentation examples run: Python blocks in the README and docs, and doctests in the package."""

from __future__ import annotations

import doctest
import os
import re

import pytest

import sim.run.experiment

from .conftest import REPO

DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
BLOCK = re.compile(r"```python\n(.*?)```", re.S)


def _blocks() -> list[tuple[str, str]]:
    return [(f"{p.name}#{i}", code) for p in DOCS for i, code in enumerate(BLOCK.findall(p.read_text()))]


@pytest.mark.parametrize("name,code", _blocks(), ids=[b[0] for b in _blocks()])
def test_documentation_python_block_runs(name: str, code: str, monkeypatch) -> None:
    monkeypatch.chdir(REPO)
    exec(compile(code, name, "exec"), {})


def test_package_doctests(monkeypatch) -> None:
    monkeypatch.chdir(REPO)
    failures, tried = doctest.testmod(sim.run.experiment, optionflags=doctest.ELLIPSIS)
    assert tried > 0 and failures == 0


def test_readme_quick_start_is_exactly_two_commands() -> None:
    text = (REPO / "README.md").read_text()
    quick = text.split("## Quick start", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in quick.strip().splitlines()]
    assert commands == ["make run", "make test"]
    assert os.path.exists(REPO / "Makefile")


def test_key_reference_in_docs_matches_the_schema() -> None:
    from sim.scenario.reference_doc import key_reference

    text = (REPO / "docs" / "scenarios.md").read_text()
    block = text.split("<!-- keys:start -->\n", 1)[1].split("<!-- keys:end -->", 1)[0]
    assert block == key_reference(), "regenerate the key reference in docs/scenarios.md"


def test_the_key_reference_has_a_section_for_every_model_of_the_schema() -> None:
    # Sections are found by walking the schema: a model added to it (a new mechanism, say) gets one without
    # a list to update. Every model but tables by rung or layer and random durations must have one.
    from sim.scenario.reference_doc import sections
    from sim.scenario.schema_paths import scenario_json_schema

    defs = scenario_json_schema()["$defs"]
    models = {name for name, d in defs.items() if not name.startswith("_") and "dist" not in d.get("properties", {})}
    assert {name for _, name in sections()} == models | {"Scenario"}


def _complete_example(name: str) -> str:
    """The whole scenario in docs/scenarios.md whose first line is `name: NAME` (and that has arms)."""
    text = (REPO / "docs" / "scenarios.md").read_text()
    blocks = re.findall(r"```yaml\n(.*?)```", text, re.S)
    found = [b for b in blocks if b.startswith(f"name: {name}\n") and "arms:" in b]
    assert len(found) == 1, f"docs/scenarios.md holds one whole scenario named {name!r}"
    return found[0]


def test_worked_example_validates_and_runs(tmp_path) -> None:
    from sim import load_scenario, run_experiment

    path = tmp_path / "my.yaml"
    path.write_text(_complete_example("my first scenario"))
    loaded = load_scenario(path)
    assert list(loaded.arms) == ["no_hotline", "as_is", "rapid"]
    assert run_experiment(loaded, replications=2)["replications"] == 2


def test_channels_example_validates_and_runs(tmp_path) -> None:
    """The example with three parties, channels (one mediated) and an ally runs, and its results carry the
    mediator and ally counts."""
    from sim import load_scenario, run_experiment

    path = tmp_path / "three.yaml"
    path.write_text(_complete_example("three parties at a shoal"))
    loaded = load_scenario(path)
    scenario = loaded.scenario
    assert len(scenario.parties) == 3 and scenario.parties["USA"].allied_with
    assert any(c.mediator is not None for c in scenario.channels.values())
    assert all(kind.responder for kind in scenario.incident_types.values())
    summary = run_experiment(loaded, replications=2)
    assert summary["replications"] == 2 and list(summary["arms"]) == list(loaded.arms)
    for arm in summary["arms"].values():
        assert {"calls_mediated", "allies_joined"} <= set(arm["outcomes"])


def test_every_test_named_in_the_safety_table_exists() -> None:
    text = (REPO / "README.md").read_text().split("## Reproducibility and safety", 1)[1].split("\n## ", 1)[0]
    named = re.findall(r"`(tests/[\w/]+\.py)(?:::(\w+))?`", text)
    assert len(named) > 20
    missing = [f"{file}::{name}" for file, name in named
               if not (REPO / file).is_file() or (name and f"def {name}(" not in (REPO / file).read_text())]
    assert missing == []


def test_top_of_the_ladder_example_extends_the_flagship_and_runs(tmp_path) -> None:
    """The fragment of 'The top of the ladder' section, laid over the flagship, validates, says what it sets,
    and runs with crises counted."""
    from sim import load_scenario, run_experiment

    text = (REPO / "docs" / "scenarios.md").read_text()
    (block,) = [b for b in re.findall(r"```yaml\n(.*?)```", text, re.S) if b.startswith("combine_chances: odds\n")]
    import shutil

    shutil.copytree(REPO / "seeds", tmp_path / "seeds")
    (tmp_path / "scenarios").mkdir()
    shutil.copy(REPO / "scenarios" / "senkaku_baseline.yaml", tmp_path / "scenarios")
    path = tmp_path / "scenarios" / "top.yaml"
    path.write_text("extends: senkaku_baseline.yaml\n" + block)
    loaded = load_scenario(path, ["horizon_days=20"])
    s = loaded.scenario
    assert s.combine_chances == "odds" and s.crisis.enabled and s.crisis.max_days == 120
    assert s.parties["CHN"].leaders.answer_probability == 0.4
    summary = run_experiment(loaded, replications=2, arms=("no_hotline", "hotline_as_is"))
    assert all("crisis" in arm for arm in summary["arms"].values())
