"""Walking the scenario's JSON Schema along a data path: which keys are allowed where.

Used for "did you mean" suggestions and to check that arm overrides and `--set` name real fields."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from .schema import Scenario

__all__ = ["keys_at", "path_exists", "scenario_json_schema"]


@cache
def scenario_json_schema() -> dict[str, Any]:
    return Scenario.model_json_schema(by_alias=True)


def _resolve(node: dict[str, Any]) -> list[dict[str, Any]]:
    """The concrete schema nodes behind refs and unions."""
    defs = scenario_json_schema().get("$defs", {})
    if "$ref" in node:
        return _resolve(defs[node["$ref"].split("/")[-1]])
    branches = node.get("anyOf") or node.get("oneOf") or node.get("allOf")
    if branches:
        out: list[dict[str, Any]] = []
        for branch in branches:
            out += _resolve(branch)
        return out
    return [node]


def _step(nodes: list[dict[str, Any]], key: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for node in nodes:
        props = node.get("properties", {})
        if isinstance(key, str) and key in props:
            out += _resolve(props[key])
        elif isinstance(node.get("additionalProperties"), dict) and isinstance(key, str):
            out += _resolve(node["additionalProperties"])
        elif node.get("patternProperties") and isinstance(key, str):
            out += [r for pattern, sub in node["patternProperties"].items() if re.match(pattern, key)
                    for r in _resolve(sub)]
        elif node.get("additionalProperties") is True or (node.get("type") == "object" and not props
                                                            and "additionalProperties" not in node):
            out.append({})  # free-form mapping (e.g. arms): anything goes below
        elif isinstance(key, int) and "items" in node:
            out += _resolve(node["items"])
    return out


def _nodes_at(path: tuple[Any, ...]) -> list[dict[str, Any]]:
    nodes = _resolve(scenario_json_schema())
    for key in path:
        nodes = _step(nodes, key)
        if not nodes:
            return []
    return nodes


def keys_at(path: tuple[Any, ...]) -> list[str]:
    """Field names the schema allows in the mapping at `path` (empty when free-form or unknown)."""
    keys: list[str] = []
    for node in _nodes_at(path):
        keys += [k for k in node.get("properties", {}) if k not in keys]
    return keys


def path_exists(path: tuple[Any, ...]) -> bool:
    """Whether the schema has a place for a value at `path`."""
    return bool(_nodes_at(path))
