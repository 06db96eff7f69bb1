"""No booleans where a number is expected: YAML 1.1 reads an unquoted yes/no/on/off/true/false as a
boolean, and pydantic would take it as 1 or 0 (`rate_per_year: yes` as one incident a year). A model's
`refuse_booleans` (a `mode="before"` validator) turns such a value into the text it stands for, so that the
field's own number check fails there, located, and the loader adds the YAML hint."""

from __future__ import annotations

import types
import typing
from typing import Any

__all__ = ["refuse_booleans", "BOOLEAN_TEXT"]

BOOLEAN_TEXT = {True: "true", False: "false"}


def _numeric(annotation: Any) -> bool:
    """Whether a field of this type takes a number (float or int), and never a boolean."""
    if annotation is bool:
        return False
    if annotation in (float, int):
        return True
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _numeric(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(annotation)
        return bool(args) and bool not in args and any(_numeric(a) for a in args)
    return False


def _numeric_values(annotation: Any) -> bool:
    """Whether a field of this type is a mapping whose values are numbers (a table by rung)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _numeric_values(typing.get_args(annotation)[0])
    return origin is dict and _numeric(typing.get_args(annotation)[1])


def refuse_booleans(cls: Any, data: Any) -> Any:
    if not isinstance(data, dict):
        return data
    out = None
    for name, field in cls.model_fields.items():
        key = field.alias or name
        if key not in data:
            continue
        value = data[key]
        if isinstance(value, bool) and _numeric(field.annotation):
            out = out if out is not None else dict(data)
            out[key] = BOOLEAN_TEXT[value]
        elif isinstance(value, dict) and _numeric_values(field.annotation) and any(
                isinstance(v, bool) for v in value.values()):
            out = out if out is not None else dict(data)
            out[key] = {k: BOOLEAN_TEXT[v] if isinstance(v, bool) else v for k, v in value.items()}
    return data if out is None else out
