"""Building blocks of the scenario schema: documented fields (unit, default, basis) and values by rung
or by force layer, each of which accepts a plain number as shorthand for its default."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from .distributions import Duration
from .numbers import refuse_booleans

__all__ = ["Basis", "Probability", "RungId", "Name", "param", "Model", "ByRung", "ByRungAmount", "ByLayer",
           "RungByLayer", "check_zone"]

Basis = Literal["fact", "assumption"]
Probability = Annotated[float, Field(ge=0.0, le=1.0)]
RungId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
Name = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$", max_length=40)]


def param(default: Any = ..., doc: str = "", *, basis: Basis, unit: str | None = None,
          default_factory: Any = None, **constraints: Any) -> Any:
    """A documented field: description with its basis, and `basis`/`unit` in the JSON Schema."""
    extra: dict[str, Any] = {"basis": basis}
    if unit:
        extra["unit"] = unit
    kwargs: dict[str, Any] = {"description": f"{doc} [{basis}]", "json_schema_extra": extra, **constraints}
    if default_factory is not None:
        return Field(default_factory=default_factory, **kwargs)
    return Field(default, **kwargs)


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, populate_by_name=True,
                              validate_default=True)

    @model_validator(mode="before")
    @classmethod
    def _no_booleans_for_numbers(cls, data: Any) -> Any:
        return refuse_booleans(cls, data)


def _number_as_default(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return {"default": value}
    return value


class _ByRungProbability(Model):
    default: Probability = Field(0.0, description="value on every rung not listed in by_rung")
    by_rung: dict[RungId, Probability] = Field(default_factory=dict, description="rung id -> value")

    def on(self, rung_id: str) -> float:
        return self.by_rung.get(rung_id, self.default)


ByRung = Annotated[_ByRungProbability, BeforeValidator(_number_as_default)]


MOST_TENSION_JUMP = 100.0  # tension units: the same ceiling as every other tension jump of the schema


class _ByRungAmount(Model):
    default: float = Field(0.0, ge=0.0, le=MOST_TENSION_JUMP, description="value on every rung not listed in by_rung")
    by_rung: dict[RungId, Annotated[float, Field(ge=0.0, le=MOST_TENSION_JUMP)]] = Field(default_factory=dict)

    def on(self, rung_id: str) -> float:
        return self.by_rung.get(rung_id, self.default)


ByRungAmount = Annotated[_ByRungAmount, BeforeValidator(_number_as_default)]


def _duration_as_default(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return {"default": value}
    if isinstance(value, dict) and "dist" in value:
        return {"default": value}
    return value


class _ByLayer(Model):
    default: Duration = Field(description="duration for every force layer not listed in by_layer")
    by_layer: dict[Name, Duration] = Field(default_factory=dict, description="force layer -> duration")

    def on(self, layer: str) -> Any:
        return self.by_layer.get(layer, self.default)


ByLayer = Annotated[_ByLayer, BeforeValidator(_duration_as_default)]


class _RungByLayer(Model):
    default: RungId | None = Field(None, description="rung for every force layer not listed in by_layer; "
                                   "none: the ladder's weapons_rung")
    by_layer: dict[Name, RungId] = Field(default_factory=dict)

    def on(self, layer: str) -> str | None:
        return self.by_layer.get(layer, self.default)


def _rung_as_default(value: Any) -> Any:
    return {"default": value} if isinstance(value, str) or value is None else value


RungByLayer = Annotated[_RungByLayer, BeforeValidator(_rung_as_default)]


NOT_ZONES = ("localtime", "posixrules", "Factory")  # files of the zone database that depend on the machine


@lru_cache(maxsize=1)
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones()) - set(NOT_ZONES)


def check_zone(value: str) -> str:
    """An IANA zone name (`localtime`, `posixrules` and `Factory` are not: their meaning depends on the
    machine)."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {value!r}; use an IANA name such as 'Asia/Tokyo' or 'UTC'") from None
    if value not in _zone_names():
        raise ValueError(f"{value!r} is not an IANA zone name (its meaning depends on the machine); use one such "
                         "as 'Asia/Tokyo' or 'UTC'")
    return value
