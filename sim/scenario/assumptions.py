"""The scenario's `[assumption]` numbers, found from the validated scenario and the schema's metadata.

Every number whose field (or an enclosing field, for tables by rung or by layer) carries
`basis: assumption` in the JSON Schema is an assumption, with the valid range the schema gives it
(minimum/maximum, exclusive or not). Nothing here names a particular parameter, so fields added to the
schema later are found as well. Random durations (`dist: ...`) and the run's own settings (horizon,
replications, seed) are not assumptions about the world and are left out.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from .schema_paths import scenario_json_schema

__all__ = ["AssumptionNumber", "assumption_numbers", "number_at", "field_limits", "split_key", "describe_number",
           "RUN_SETTINGS"]

RUN_SETTINGS = ("horizon_days", "replications", "seed")  # the question's settings, not the world's
_SKIPPED_TOP = (*RUN_SETTINGS, "arms", "ranges")


@dataclass(frozen=True)
class AssumptionNumber:
    """One assumption: its dotted key, value, and the limits the schema allows it."""

    key: str
    value: float
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    exclusive_maximum: bool = False
    integer: bool = False
    table_entry: bool = False  # an entry of a per-rung or per-layer table (its basis is its table's)

    def clip(self, value: float) -> float:
        """`value` moved inside the valid range (just inside an exclusive limit), rounded for whole numbers."""
        if self.minimum is not None and (value < self.minimum or self.exclusive_minimum and value <= self.minimum):
            value = self.minimum if not self.exclusive_minimum else self.value + 0.99 * (self.minimum - self.value)
        if self.maximum is not None and (value > self.maximum or self.exclusive_maximum and value >= self.maximum):
            value = self.maximum if not self.exclusive_maximum else self.value + 0.99 * (self.maximum - self.value)
        if self.integer:
            value = float(round(value))
        return value


def split_key(key: str) -> tuple[Any, ...]:
    """`parties.CHN.hotline.answer_probability` -> its path; list positions become integers."""
    return tuple(int(p) if p.isdigit() else p for p in key.split("."))


def _resolve(node: dict[str, Any]) -> list[dict[str, Any]]:
    """Concrete schema nodes behind a reference or union; keys beside a `$ref` (basis, limits) are kept."""
    defs = scenario_json_schema().get("$defs", {})
    if "$ref" in node:
        here = {k: v for k, v in node.items() if k != "$ref"}
        return [{**target, **here} for target in _resolve(defs[node["$ref"].split("/")[-1]])]
    branches = node.get("anyOf") or node.get("oneOf")
    if branches:
        here = {k: v for k, v in node.items() if k not in ("anyOf", "oneOf")}
        return [{**here, **b} for branch in branches for b in _resolve(branch)]
    return [node]


def _basis(node: dict[str, Any]) -> str | None:
    if "basis" in node:
        return str(node["basis"])
    text = str(node.get("description", "")).rstrip()
    for basis in ("assumption", "fact"):
        if text.endswith(f"[{basis}]"):
            return basis
    return None


def _child(nodes: list[dict[str, Any]], key: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for node in nodes:
        props = node.get("properties", {})
        if isinstance(key, str) and key in props:
            out += _resolve(props[key])
        elif isinstance(key, str) and node.get("patternProperties"):
            out += [r for pattern, sub in node["patternProperties"].items() if re.match(pattern, key)
                    for r in _resolve(sub)]
        elif isinstance(key, str) and isinstance(node.get("additionalProperties"), dict):
            out += _resolve(node["additionalProperties"])
        elif isinstance(key, int) and isinstance(node.get("items"), dict):
            out += _resolve(node["items"])
    return out


def _number_node(nodes: list[dict[str, Any]]) -> dict[str, Any] | None:
    return next((n for n in nodes if n.get("type") in ("number", "integer")), None)


def field_limits(key: str) -> dict[str, Any] | None:
    """The schema node of the number at a dotted key (with its limits and basis), or None if no number
    can stand there."""
    nodes = _resolve(scenario_json_schema())
    basis = None
    for part in split_key(key):
        nodes = _child(nodes, part)
        if not nodes:
            return None
        basis = next((b for b in map(_basis, nodes) if b), basis)
    node = _number_node(nodes)
    return None if node is None else {**node, "basis": basis}


def number_at(data: Any, key: str) -> float | None:
    """The number at a dotted key of a scenario's data, or None when there is none."""
    node = data
    for part in split_key(key):
        if isinstance(node, dict) and part in node or isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return None
    if isinstance(node, bool) or not isinstance(node, int | float):
        return None
    return float(node)


def _number(key: str, value: float, node: dict[str, Any], table_entry: bool) -> AssumptionNumber:
    def limit(name: str) -> float | None:
        v = node.get(name)
        return float(v) if isinstance(v, int | float) and math.isfinite(v) else None

    low, x_low = limit("minimum"), limit("exclusiveMinimum")
    high, x_high = limit("maximum"), limit("exclusiveMaximum")
    return AssumptionNumber(key, value, x_low if x_low is not None else low, x_high if x_high is not None else high,
                            x_low is not None, x_high is not None, node.get("type") == "integer", table_entry)


def describe_number(data: dict[str, Any], key: str) -> AssumptionNumber | None:
    """The assumption-or-not number at `key` with its limits (None when the key holds no number)."""
    node = field_limits(key)
    value = number_at(data, key)
    if node is None or value is None:
        return None
    return _number(key, value, node, table_entry=False)


def assumption_numbers(data: dict[str, Any]) -> list[AssumptionNumber]:
    """Every `[assumption]` number of a scenario's (validated, dumped) data, in the file's order."""
    found: list[AssumptionNumber] = []

    def walk(value: Any, nodes: list[dict[str, Any]], path: tuple[Any, ...], basis: str | None) -> None:
        here = next((b for b in map(_basis, nodes) if b), None)
        basis = here or basis
        if isinstance(value, dict):
            if "dist" in value:
                return  # a random duration: varied as a whole with `hotline sweep`, not number by number
            for key, sub in value.items():
                if not path and key in _SKIPPED_TOP:
                    continue
                walk(sub, _child(nodes, key), (*path, key), basis)
        elif isinstance(value, list):
            for i, sub in enumerate(value):
                walk(sub, _child(nodes, i), (*path, i), basis)
        elif isinstance(value, int | float) and not isinstance(value, bool) and basis == "assumption":
            node = _number_node(nodes)
            if node is not None:
                found.append(_number(".".join(map(str, path)), float(value), node, table_entry=here is None))

    walk(data, _resolve(scenario_json_schema()), (), None)
    return found
