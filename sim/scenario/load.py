"""From a scenario file to validated scenarios, one per arm.

The pipeline: read YAML with locations -> follow `extends` -> validate with the schema -> check
references -> apply `--set` overrides -> resolve each arm's overrides and validate it again. Every problem
found on the way is collected with its file, line and column, and raised together as a ScenarioError.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import os
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .extends import read_tree
from .notices import notice_deprecated_keys, notice_unset_combine_chances
from .problems import MISSING, Location, Problem, ScenarioError
from .references import reference_problems
from .schema import Scenario
from .schema_paths import keys_at, path_exists
from .yaml_source import SourceMap, parse_yaml_text

__all__ = ["LoadedScenario", "load_scenario", "load_scenario_text", "parse_set_option", "dump_yaml",
           "apply_overrides", "model_fingerprint"]

_DIST_TAGS = {"constant", "exponential", "lognormal", "uniform", "triangular", "gamma"}


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario and its arms, each a complete Scenario with the arm's overrides applied."""

    path: Path | None
    scenario: Scenario
    arms: dict[str, Scenario]
    resolved: dict[str, Any] = field(repr=False)
    sets: tuple[str, ...] = ()  # the `--set KEY=VALUE` texts applied on top of the file, in order

    @property
    def baseline(self) -> str:
        return next(iter(self.arms))

    def select(self, arms: tuple[str, ...]) -> LoadedScenario:
        """The same scenario with only these arms, in this order (the first is the baseline)."""
        if tuple(self.arms) == tuple(arms):
            return self
        resolved = dict(self.resolved)
        resolved["arms"] = {a: self.resolved["arms"][a] for a in arms}
        scenario = self.scenario.model_copy(update={"arms": resolved["arms"]})
        return LoadedScenario(self.path, scenario, {a: self.arms[a] for a in arms}, resolved, self.sets)

    def resolved_yaml(self) -> str:
        return dump_yaml(self.resolved)

    def sha256(self) -> str:
        return hashlib.sha256(self.resolved_yaml().encode()).hexdigest()

    def fingerprints(self) -> dict[str, str]:
        """Each arm's model as a hash: what the arm simulates, without the run's settings (replications,
        seed), its words (name, description, sources) or its analysis settings (ranges, main rung). Two
        analyses whose arms have the same fingerprints ask the same question of the same model."""
        return {name: model_fingerprint(scenario) for name, scenario in self.arms.items()}


_NOT_THE_MODEL = {"name", "description", "sources", "calibration", "replications", "seed", "arms", "ranges", "main_rung"}


def model_fingerprint(scenario: Scenario) -> str:
    """A hash of what `scenario` simulates (see `LoadedScenario.fingerprints`)."""
    text = scenario.model_dump_json(by_alias=True, exclude=_NOT_THE_MODEL)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def dump_yaml(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110)


# --- locating pydantic errors ----------------------------------------------------------------------

def _clean_loc(loc: tuple[Any, ...], raw: Any) -> tuple[Any, ...]:
    """Drop the parts pydantic adds that are not in the data (union tags, validator names)."""
    path: list[Any] = []
    node = raw
    for part in loc:
        if isinstance(node, dict) and part in node or isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        elif part == "default" and not isinstance(node, dict | list):
            continue  # a bare value standing for {default: value}
        elif isinstance(part, str) and (part in _DIST_TAGS or part.startswith("function-")
                                        or part.startswith("_") or part in ("float", "int", "str", "bool")):
            continue
        else:
            node = None
        path.append(part)
    return tuple(path)


def locate(source: SourceMap, path: tuple[Any, ...], fallback: Location | None = None) -> Location | None:
    for cut in range(len(path), -1, -1):
        hit = source.get(path[:cut])
        if hit is not None:
            return hit
    return fallback


def _message(err: dict[str, Any], path: tuple[Any, ...]) -> tuple[str, Any]:
    kind = err["type"]
    value = err.get("input", MISSING)
    if kind == "extra_forbidden":
        allowed = keys_at(path[:-1])
        close = get_close_matches(str(path[-1]), allowed, n=1, cutoff=0.5)
        hint = f"; did you mean {close[0]!r}?" if close else (
            f"; allowed here: {', '.join(allowed)}" if allowed else "")
        return f"unknown key{hint}", MISSING
    if kind == "missing":
        return "required key is missing; add it", MISSING
    msg = err["msg"]
    msg = msg.removeprefix("Value error, ")
    if kind in ("finite_number",):
        msg = "must be a finite number (not NaN or infinity)"
    if kind == "union_tag_invalid":
        msg = f"unknown distribution; use one of: {', '.join(sorted(_DIST_TAGS))}"
        value = err.get("ctx", {}).get("tag", value)
    if kind == "union_tag_not_found":
        msg = "a random duration needs `dist:` (constant, exponential, lognormal, uniform, triangular, gamma)"
    if kind in ("float_parsing", "int_parsing") and value in ("true", "false"):  # (a boolean, see numbers.py)
        msg = (f"expected a number, not a boolean; YAML reads an unquoted yes/no/on/off/true/false as {value}: "
               "write a number")
    if isinstance(value, bool) and kind in ("string_type", "literal_error", "enum", "int_type", "float_type"):
        msg += (f"; YAML reads an unquoted yes/no/on/off/true/false as {str(value).lower()}: "
                "quote it (for example 'NO') if you meant the text")
    if isinstance(value, dict | list):
        value = MISSING
    return msg[:1].lower() + msg[1:], value


def _validate(data: dict[str, Any], source: SourceMap, scenario_file: Path | None,
              fallback: Location | None = None) -> tuple[Scenario | None, list[Problem]]:
    try:
        model = Scenario.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            path = _clean_loc(tuple(err["loc"]), data)
            msg, got = _message(dict(err), path)
            problems.append(Problem(locate(source, path, fallback), path, msg, got))
        return None, problems
    found = reference_problems(model, scenario_file)
    return model, [Problem(locate(source, p, fallback), p, m, v) for p, m, v in found]


# --- extends and overrides -------------------------------------------------------------------------

def _split_key(key: str) -> tuple[Any, ...]:
    return tuple(int(p) if p.isascii() and p.isdigit() else p for p in key.split("."))


def _set_path(data: dict[str, Any], key: str, value: Any) -> str | None:
    """Set a dotted path in place; return a problem message when the path names no real field."""
    parts = _split_key(key)
    if not key or any(p == "" for p in parts):
        return "an override key is a dotted path such as hotline.enabled"
    problem = _path_problem(parts)
    if problem:
        return problem
    node: Any = data
    for depth, part in enumerate(parts):
        here = parts[: depth + 1]
        last = depth == len(parts) - 1
        if isinstance(node, list):
            if not isinstance(part, int) or not 0 <= part < len(node):
                return f"list index {part} is out of range at {'.'.join(map(str, parts[:depth]))}"
            if last:
                node[part] = value
            else:
                node = node[part]
        elif isinstance(node, dict):
            if last:
                node[part] = value
            else:
                if node.get(part) is None and part in node:
                    return (f"{'.'.join(map(str, here))} is not set in this scenario; set it as a whole, e.g. "
                            f"{'.'.join(map(str, here))}={{...}}")
                if not isinstance(node.get(part), dict | list):
                    return f"{'.'.join(map(str, here))} holds no fields to set"
                node = node[part]
        else:
            return f"{'.'.join(map(str, parts[:depth]))} holds no fields to set"
    return None


def parse_set_option(text: str) -> tuple[str, Any]:
    """`hotline.lines=2` -> ('hotline.lines', 2); the value is read as YAML."""
    if "=" not in text:
        raise ScenarioError([Problem(Location("--set", 1, 1), ("--set",),
                                     "expected dotted.key=VALUE, e.g. --set hotline.enabled=false", text)])
    key, _, value_text = text.partition("=")
    try:
        value, _ = parse_yaml_text(value_text or "null", "--set")
    except ScenarioError:
        value = value_text
    return key.strip(), value


def _dump(model: Scenario) -> dict[str, Any]:
    return model.model_dump(mode="json", by_alias=True)


# What an arm may not change: the run's own settings and what every arm must share for the arms to be
# compared on the same rows (the horizon, the ladder's rungs, the main outcome, who and what exists).
ARM_FIXED = {"horizon_days": "the horizon", "seed": "the seed", "replications": "the replications",
             "name": "the name", "description": "the description", "sources": "the sources",
             "main_rung": "the main rung", "start_date": "the start date", "arms": "the arms",
             "ranges": "the ranges", "extends": "the file it extends"}
ADDABLE = {"parties": "party", "incident_types": "incident type", "channels": "channel"}


def _arm_setting_problem(base: dict[str, Any], key: str) -> str | None:
    """Why an arm cannot override `key` (None: it can). Arms are compared pairwise on one horizon, one
    ladder and one set of parties and incident types; a run setting set in an arm would be ignored."""
    parts = _split_key(key)
    if not parts:
        return None
    head = parts[0]
    if head in ARM_FIXED:
        return (f"an arm cannot change {ARM_FIXED[head]}: every arm is run and compared with the scenario's; "
                f"set {head} at the top level (or with --set)")
    if head == "ladder" and len(parts) > 1 and parts[1] == "rungs":
        return "an arm cannot change the ladder's rungs (the arms are compared rung by rung); change them at the top level"
    if head in ADDABLE and len(parts) > 1 and isinstance(base.get(head), dict) and parts[1] not in base[head]:
        return (f"an arm cannot add a {ADDABLE[head]} ({parts[1]!r}): every arm has the same {head}; add it "
                f"to the scenario's {head}, and let the arms change its settings (a rate of 0, a channel off)")
    return None


def _apply_and_validate(base: dict[str, Any], overrides: dict[str, Any], source: SourceMap,
                        owner: tuple[Any, ...], scenario_file: Path | None,
                        fallback: Location | None) -> tuple[Scenario | None, dict[str, Any], list[Problem]]:
    data = copy.deepcopy(base)
    problems: list[Problem] = []
    for key, value in overrides.items():
        where = locate(source, owner + (key,), fallback)
        if not isinstance(key, str):
            problems.append(Problem(where, owner + (key,), "override keys are dotted paths (text)", key))
            continue
        msg = (_arm_setting_problem(base, key) if owner[:1] == ("arms",) else None) or _set_path(
            data, key, copy.deepcopy(value))
        if msg:
            problems.append(Problem(where, owner + (key,), msg))
    if problems:
        return None, data, problems
    model, found = _validate(data, {}, scenario_file, None)
    located = []
    for p in found:
        # Attribute each problem to the override that touched its path, else to the arm itself.
        blame = next((k for k in overrides if p.path[: len(_split_key(k))] == _split_key(k)), None)
        path = owner + ((blame,) + p.path[len(_split_key(blame)):] if blame else p.path)
        where = locate(source, owner + ((blame,) if blame else ()), fallback)
        located.append(Problem(where, path, p.message, p.got))
    return model, data, located


def _override_path_problems(raw: dict[str, Any], source: SourceMap) -> list[Problem]:
    """Arm overrides that name no field, found even when the rest of the file has problems."""
    arms = raw.get("arms")
    if not isinstance(arms, dict):
        return []
    problems = []
    for arm, overrides in arms.items():
        if not isinstance(overrides, dict):
            continue
        for key in overrides:
            if isinstance(key, str) and key:
                msg = _path_problem(_split_key(key))
                if msg:
                    problems.append(Problem(locate(source, ("arms", arm, key)), ("arms", arm, key), msg))
    return problems


def _path_problem(parts: tuple[Any, ...]) -> str | None:
    if parts[0] in ("arms", "extends"):
        return f"{parts[0]} cannot be overridden"
    for depth in range(len(parts)):
        here = parts[: depth + 1]
        if not path_exists(here):
            allowed = keys_at(parts[:depth])
            close = get_close_matches(str(parts[depth]), allowed, n=1, cutoff=0.5)
            hint = f"; did you mean {'.'.join(map(str, (*parts[:depth], close[0])))!r}?" if close else ""
            return f"no field {'.'.join(map(str, here))!r} in the scenario{hint}"
    return None


def _resolve(raw: dict[str, Any], source: SourceMap, scenario_file: Path | None,
             sets: list[str]) -> LoadedScenario:
    model, problems = _validate(raw, source, scenario_file)
    if model is None or problems:
        raise ScenarioError(problems + _override_path_problems(raw, source))
    overrides: dict[str, Any] = {}
    set_source: SourceMap = {}
    for i, text in enumerate(sets, start=1):
        key, value = parse_set_option(text)
        overrides[key] = value
        set_source[("--set", key)] = Location("--set", i, 1)
    return _with_overrides(model, overrides, set_source, "--set", scenario_file, source)


def _with_overrides(model: Scenario, overrides: dict[str, Any], override_source: SourceMap, origin: str,
                    scenario_file: Path | None, source: SourceMap) -> LoadedScenario:
    """Apply overrides (parsed values by dotted key) to a validated scenario, then resolve its arms."""
    base = _dump(model)
    if overrides:
        model, base, problems = _apply_and_validate(base, overrides, override_source, (origin,), scenario_file,
                                                    None)
        if model is None or problems:
            raise ScenarioError(problems)
        base = _dump(model)
    name = str(scenario_file) if scenario_file else "<text>"
    arms: dict[str, Scenario] = {}
    problems = []
    for arm, arm_overrides in model.arms.items():
        arm_model, _, found = _apply_and_validate(base, arm_overrides, source, ("arms", arm), scenario_file,
                                                  Location(name, 1, 1))
        problems += found
        if arm_model is not None and not found:
            arms[arm] = arm_model
    if problems:
        raise ScenarioError(problems)
    return LoadedScenario(scenario_file, model, arms, base)


def apply_overrides(loaded: LoadedScenario, overrides: dict[str, Any], origin: str = "--param",
                    line: int = 1) -> LoadedScenario:
    """The loaded scenario with parsed values set at dotted keys in every arm, validated again; problems
    are located at `origin` (for example a sweep point's `--param`)."""
    source: SourceMap = {(origin, key): Location(origin, line, 1) for key in overrides}
    return _with_overrides(loaded.scenario, overrides, source, origin, loaded.path, {})


def load_scenario(path: str | Path, sets: list[str] | None = None,
                  allow_extends: str | Path | None = None) -> LoadedScenario:
    """Load, validate and resolve a scenario file. Raises ScenarioError listing every problem found.

    `extends:` may name scenario files inside the scenario's own folder tree, or inside `allow_extends`."""
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"path must be a scenario file's path (str or pathlib.Path), not {type(path).__name__}")
    _check_sets(sets)
    path = Path(path)
    try:
        root = Path(allow_extends).resolve() if allow_extends is not None else path.absolute().parent.resolve()
    except (OSError, RuntimeError):
        raise ScenarioError([Problem(Location("--allow-extends", 1, 1), ("--allow-extends",),
                                     "cannot follow this path", str(allow_extends))]) from None
    raw, source = read_tree(path, (), root)
    notice_deprecated_keys(raw, source)
    loaded = _resolve(raw, source, path, list(sets or []))
    _notice_rule(raw, source, str(path), sets)
    return dataclasses.replace(loaded, sets=tuple(sets or ()))


def load_scenario_text(text: str, name: str = "<text>", sets: list[str] | None = None) -> LoadedScenario:
    """Like load_scenario, from YAML text (no `extends`, no source checks)."""
    if not isinstance(text, str):
        raise TypeError(f"text must be the scenario's YAML as a str, not {type(text).__name__}")
    _check_sets(sets)
    raw, source = parse_yaml_text(text, name)
    if not isinstance(raw, dict):
        raise ScenarioError([Problem(Location(name, 1, 1), (), "the top level must be a mapping")])
    if "extends" in raw:
        raise ScenarioError([Problem(source[("extends",)], ("extends",), "extends needs a file; use load_scenario")])
    notice_deprecated_keys(raw, source)
    loaded = _resolve(raw, source, None, list(sets or []))
    _notice_rule(raw, source, name, sets)
    return dataclasses.replace(loaded, sets=tuple(sets or ()))


def _check_sets(sets: Any) -> None:
    """`sets` is a list of 'key=value' texts (one string would be read character by character)."""
    if sets is None:
        return
    if isinstance(sets, str) or not all(isinstance(s, str) for s in sets):
        raise TypeError("sets must be a list of 'dotted.key=VALUE' texts, e.g. ['horizon_days=30'], not "
                        + ("one string" if isinstance(sets, str) else "a mix of types"))


def _notice_rule(raw: dict[str, Any], source: SourceMap, name: str, sets: list[str] | None) -> None:
    """The notice for a valid file that does not say how chances combine (nor a --set for it)."""
    if not any(parse_set_option(text)[0] == "combine_chances" for text in sets or []):
        notice_unset_combine_chances(raw, source, name)
