"""The key reference of docs/scenarios.md, generated from the schema so that it cannot drift."""

from __future__ import annotations

from typing import Any

from .schema_paths import scenario_json_schema

__all__ = ["key_reference"]

# How a mapping's keys are written in a section's title (by the key that holds the mapping).
_PLACEHOLDERS = {"forces": "<LAYER>", "posture_by_layer": "<LAYER>", "allied_with": "<PARTNER>"}


def _refs(node: dict[str, Any]) -> list[tuple[str, str]]:
    """The models a property holds: (model name, how its path goes on: '', '[]' or '.<NAME>')."""
    out: list[tuple[str, str]] = []
    if "$ref" in node:
        out.append((node["$ref"].split("/")[-1], ""))
    for branch in node.get("anyOf", []) + node.get("oneOf", []):
        out += _refs(branch)
    items = node.get("items")
    if isinstance(items, dict) and "$ref" in items:
        out.append((items["$ref"].split("/")[-1], "[]"))
    extra = [node.get("additionalProperties"), *node.get("patternProperties", {}).values()]
    out += [(x["$ref"].split("/")[-1], ".") for x in extra if isinstance(x, dict) and "$ref" in x]
    return out


def _value_type(model: dict[str, Any], name: str) -> bool:
    """Tables by rung or layer and random durations: documented where they are used, not as sections."""
    return name.startswith("_") or "dist" in model.get("properties", {})


def sections() -> list[tuple[str, str]]:
    """Every model of the schema a scenario can hold, as (title path, model name), found by walking the schema
    from the top level (so a model added to the schema gets its section without a list to update)."""
    schema = scenario_json_schema()
    defs = schema["$defs"]
    out = [("Top level", "Scenario")]
    seen = {"Scenario"}

    def walk(model: dict[str, Any], path: str) -> None:
        for key, spec in model.get("properties", {}).items():
            for name, how in _refs(spec):
                target = defs[name]
                if name in seen or _value_type(target, name):
                    continue
                seen.add(name)
                here = f"{path}.{key}" if path else key
                title = here + (how if how != "." else f".{_PLACEHOLDERS.get(key, '<NAME>')}")
                out.append((title, name))
                walk(target, title)

    walk(schema, "")
    return out


def _default(spec: dict[str, Any], required: bool) -> str:
    if required:
        return "**required**"
    if "default" not in spec:
        return "built in (its own keys' defaults)"
    value = spec["default"]
    if isinstance(value, dict) and "dist" in value:
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, list) and len(value) > 3:
        return f"{len(value)} items (see text)"
    return "none" if value is None else str(value).replace("|", "/")


def key_reference() -> str:
    schema = scenario_json_schema()
    defs = schema["$defs"]
    out = []
    for title, name in sections():
        model = schema if name == "Scenario" else defs[name]
        out += [f"### `{title}`", "", "| key | default | unit | basis | meaning |", "| --- | --- | --- | --- | --- |"]
        required = set(model.get("required", []))
        for key, spec in model.get("properties", {}).items():
            text = spec.get("description", "").replace("|", "/")
            basis = spec.get("basis", "")
            for tag in (" [fact]", " [assumption]"):
                text = text.replace(tag, "")
            out.append(f"| `{key}` | {_default(spec, key in required)} | {spec.get('unit', '')} | {basis} | {text} |")
        out.append("")
    return "\n".join(out)
