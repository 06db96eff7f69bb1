"""The key reference of docs/scenarios.md, generated from the schema so that it cannot drift."""

from __future__ import annotations

from typing import Any

from .schema_paths import scenario_json_schema

__all__ = ["key_reference"]

_SECTIONS = [
    ("Top level", "Scenario"), ("ladder", "Ladder"), ("ladder.rungs[]", "Rung"), ("parties.<NAME>", "Party"),
    ("parties.<NAME>.forces.<LAYER>", "Force"), ("parties.<NAME>.posture", "Posture"),
    ("parties.<NAME>.posture_by_layer.<LAYER>", "PostureChanges"), ("parties.<NAME>.hotline", "HotlinePolicy"),
    ("parties.<NAME>.allied_with.<PARTNER>", "Alliance"),
    ("incident_types.<NAME>", "IncidentType"), ("hotline", "Hotline"), ("hotline.hours", "Hours"),
    ("hotline.suspension", "Suspension"), ("hotline.mechanisms.clarification", "Clarification"),
    ("hotline.mechanisms.restraint", "Restraint"), ("hotline.mechanisms.stand_down", "StandDown"),
    ("hotline.mechanisms.buying_time", "BuyingTime"), ("hotline.mechanisms.silence", "Silence"),
    ("hotline.mechanisms.prevention", "Prevention"), ("hotline.mechanisms.moral_hazard", "MoralHazard"),
    ("hotline.mechanisms.threats", "Threats"), ("channels.<NAME>", "Channel"), ("channels.<NAME>.mediator", "Mediator"),
    ("fallback", "Fallback"), ("tension", "Tension"), ("shocks[]", "Shock"),
]


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
    for title, name in _SECTIONS:
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
