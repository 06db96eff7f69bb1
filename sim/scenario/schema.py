"""The scenario schema: every parameter with its unit, default, and the basis behind it.

Each field's description ends with `[fact]` or `[assumption]`; the JSON Schema carries the same as
`basis`. Facts refer to `seeds/` (the hotline fact sheet and calibration tables); assumptions are
modelling choices a user is invited to vary.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from .distributions import Constant, Duration, Exponential, LogNormal

__all__ = [
    "Scenario", "Ladder", "Rung", "Party", "Posture", "HotlinePolicy", "IncidentType", "Hotline",
    "Hours", "Suspension", "Fallback", "Tension", "Shock", "ByRung", "ByLayer", "DEFAULT_RUNGS",
]

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


class _ByRungAmount(Model):
    default: float = Field(0.0, ge=0.0, description="value on every rung not listed in by_rung")
    by_rung: dict[RungId, Annotated[float, Field(ge=0.0)]] = Field(default_factory=dict)

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
    return {"default": value} if isinstance(value, str) else value


RungByLayer = Annotated[_RungByLayer, BeforeValidator(_rung_as_default)]


# --- the escalation ladder -------------------------------------------------------------------------

class Rung(Model):
    id: RungId = Field(description="short name used to refer to the rung elsewhere in the file")
    label: str = Field(description="what happens on this rung, as shown in reports")
    mid_level: int = param(ge=1, le=5, basis="fact",
                           doc="nearest Correlates of War MID hostility level (1 none .. 5 war)")


DEFAULT_RUNGS: tuple[Rung, ...] = tuple(Rung(id=i, label=label, mid_level=m) for i, label, m in [
    ("routine_presence", "routine presence in the contiguous zone", 1),
    ("territorial_entry", "entry into the territorial sea or airspace", 3),
    ("shadowing", "shadowing, warnings, pursuit of fishing boats", 3),
    ("blocking", "blocking, dangerous close approach, swarming", 3),
    ("forces_engaged", "navies or air forces engaged (warships in the zone, scrambles)", 3),
    ("physical_coercion", "physical coercion without weapons (water cannon, ramming, boarding)", 4),
    ("weapon_signalling", "weapon-directed signalling (fire-control radar lock, warning shots)", 3),
    ("limited_force", "limited use of force (disabling fire, a fatal incident)", 4),
    ("armed_clash", "armed clash between state forces", 4),
])


class Ladder(Model):
    rungs: list[Rung] = param(default_factory=lambda: list(DEFAULT_RUNGS), min_length=2, max_length=50,
                              basis="fact", doc="ordered rungs, lowest first; the last one is absorbing "
                              "(the crisis ends there). Default: MID levels and the Senkaku record")
    weapons_rung: RungId = param("weapon_signalling", basis="fact",
                                 doc="first rung on which weapons are used or aimed; rules of engagement "
                                 "govern stepping onto it")
    military_rung: RungId = param("forces_engaged", basis="assumption",
                                  doc="from this rung an incident involves defense forces, whatever force "
                                  "layer started it (so a defense hotline covers it)")
    ambiguous_rungs: list[RungId] | None = param(
        None, basis="assumption",
        doc="rungs whose acts are ambiguous: even a deliberate step onto them (a radar lock meant as a warning) "
        "reads as preparation for attack until intent is clarified; default: [weapons_rung]")
    serious_rung: RungId = param("physical_coercion", basis="fact",
                                 doc="incidents reaching this rung or higher count as serious")

    def index(self, rung_id: str) -> int:
        for i, rung in enumerate(self.rungs):
            if rung.id == rung_id:
                return i
        raise KeyError(rung_id)

    @property
    def ids(self) -> list[str]:
        return [r.id for r in self.rungs]


# --- parties ---------------------------------------------------------------------------------------

class Force(Model):
    units: int = param(1, ge=0, le=100_000, basis="assumption",
                       doc="number of ships, aircraft or units in the area (descriptive)")
    label: str | None = Field(None, description="display name, e.g. 'China Coast Guard'")


class Posture(Model):
    escalate_probability: ByRung = param(
        0.1, basis="assumption", doc="chance a deliberate move steps one rung up, by current rung")
    de_escalate_probability: ByRung = param(
        0.5, basis="assumption", doc="chance a deliberate move steps one rung down, by current rung")
    retaliation_multiplier: float = param(
        2.0, ge=1.0, le=100.0, basis="assumption",
        doc="factor on the escalation chance when the mover believes it was just provoked (resolve, face)")
    reciprocity_multiplier: float = param(
        1.5, ge=0.0, le=100.0, basis="assumption",
        doc="factor on the step-down chance when the other side just stepped down")
    misperception_probability: Probability = param(
        0.3, basis="assumption", doc="chance an accidental escalation by the other side is read as deliberate")
    face_saving_step_down: Probability = param(
        0.3, basis="assumption",
        doc="after intent is clarified, share of 'hold' decisions turned into a step down (the face-saving exit)")

    @model_validator(mode="after")
    def _room_to_move(self) -> Posture:
        rungs = set(self.escalate_probability.by_rung) | set(self.de_escalate_probability.by_rung)
        for r in rungs | {"default"}:
            up = self.escalate_probability.by_rung.get(r, self.escalate_probability.default)
            down = self.de_escalate_probability.by_rung.get(r, self.de_escalate_probability.default)
            if up + down > 1.0 + 1e-12:
                where = "by default" if r == "default" else f"on rung {r}"
                raise ValueError(f"escalate + de-escalate probabilities exceed 1 {where} ({up} + {down})")
        return self


class PostureChanges(Model):
    """Fields of a posture that differ for one force layer; the rest comes from the party's posture."""

    escalate_probability: ByRung | None = Field(None, description="as in posture; none: the party's [assumption]")
    de_escalate_probability: ByRung | None = Field(None, description="as in posture; none: the party's "
                                                   "[assumption]")
    retaliation_multiplier: float | None = Field(None, ge=1.0, le=100.0, description="as in posture [assumption]")
    reciprocity_multiplier: float | None = Field(None, ge=0.0, le=100.0, description="as in posture [assumption]")
    misperception_probability: Probability | None = Field(None, description="as in posture [assumption]")
    face_saving_step_down: Probability | None = Field(None, description="as in posture [assumption]")


class HotlinePolicy(Model):
    calls: bool = param(True, basis="assumption", doc="whether this party ever places hotline calls")
    call_at_rung: RungId | None = param(None, basis="fact",
                                        doc="an incident reaching this rung prompts a call (Japan called after "
                                        "the Dec 2025 radar lock); default: the ladder's weapons_rung")
    call_probability: Probability = param(1.0, basis="assumption",
                                          doc="chance the party decides to call once the trigger rung is reached")
    prior_consultation_hours: Duration = param(
        default_factory=lambda: LogNormal(dist="lognormal", median=4.0, p90=10.0), unit="hours", basis="fact",
        doc="internal approval before a call can be placed ('would have lasted for several hours', 2024)")
    answers: bool = param(True, basis="fact", doc="whether this party picks up at all (policy)")
    answer_probability: Probability = param(
        0.8, basis="assumption", doc="chance a ringing call is answered when tension is zero")
    answer_tension_sensitivity: float = param(
        0.5, ge=0.0, le=100.0, unit="1/tension unit", basis="assumption",
        doc="answer probability is multiplied by exp(-sensitivity x tension): channels go silent when most needed")


class Party(Model):
    label: str = Field(description="display name, e.g. 'China'")
    forces: dict[Name, Force] = param(
        default_factory=lambda: {k: Force() for k in ("coast_guard", "navy", "air")},
        basis="fact", doc="force layers the party has in the area, by name")
    posture: Posture = Field(default_factory=Posture, description="response posture")
    posture_by_layer: dict[Name, PostureChanges] = param(
        default_factory=dict, basis="assumption",
        doc="per force layer, the posture fields that differ from the party's posture (pilots on a routine "
        "intercept behave unlike coast guard crews in a standoff)")
    decision_delay_hours: ByLayer = param(
        default_factory=lambda: {"default": LogNormal(dist="lognormal", median=1.0, p90=4.0)},
        unit="hours", basis="assumption", doc="time from the other side's act to this party's next move, by layer")
    chain_of_command_hours: Duration = param(
        default_factory=lambda: LogNormal(dist="lognormal", median=2.0, p90=12.0), unit="hours",
        basis="assumption", doc="extra time a decision takes once the incident is at or above "
        "chain_of_command_rung: the choice to use or answer weapons goes up to political leaders")
    chain_of_command_rung: RungId | None = param(None, basis="assumption",
                                                 doc="from this rung decisions go up the chain of command; "
                                                 "default: the ladder's weapons_rung")
    weapons_release_rung: RungByLayer = param(
        default_factory=lambda: {"default": None}, basis="fact",
        doc="rules of engagement: the lowest rung from which a layer may deliberately step onto the weapons "
        "rung or above (e.g. the Feb 2021 China Coast Guard law lowers it for the coast guard)")
    hotline: HotlinePolicy = Field(default_factory=HotlinePolicy, description="hotline policy")

    def posture_for(self, layer: str) -> Posture:
        """The party's posture with the layer's changes applied (validated again, so limits still hold)."""
        changes = self.posture_by_layer.get(layer)
        if changes is None:
            return self.posture
        merged = {**self.posture.model_dump(), **changes.model_dump(exclude_none=True)}
        return Posture.model_validate(merged)


# --- incidents, channels, tension, shocks ----------------------------------------------------------

class IncidentType(Model):
    label: str = Field(description="what happens, as a phrase: 'coast guard cutter enters the territorial sea'")
    rate_per_year: float = param(ge=0.0, le=1_000_000.0, unit="1/year", basis="fact",
                                 doc="arrivals per year at zero tension")
    initiator: Name = Field(description="party that starts incidents of this type")
    responder: Name | None = Field(None, description="party that responds; default: the other party")
    layer: Name = Field(description="force layer of the initiator, e.g. coast_guard")
    responder_layer: Name | None = Field(None, description="force layer of the responder; default: same layer")
    start_rung: RungId = Field(description="rung on which the incident starts")
    max_duration_hours: Duration = param(
        default_factory=lambda: Constant(value=48.0), unit="hours", basis="fact",
        doc="an incident still open after this time ends by itself (longest territorial-sea stay 80 h in 2023)")
    crisis_duration_hours: Duration = param(
        default_factory=lambda: LogNormal(dist="lognormal", median=72.0, p90=336.0), unit="hours",
        basis="fact", doc="once weapons are involved the encounter becomes a political crisis that stays open "
        "at least this long (2010 collision: eased after 18 days; 2025 close pass: 4 days)")
    accident_probability: ByRung = param(
        0.0, basis="assumption",
        doc="chance a move on this rung comes out one rung more escalatory than intended (2010 collision, "
        "2013 'unplanned' radar lock)")
    counts_as: list[str] = Field(default_factory=list, description="calibration patterns this type feeds")


class Hours(Model):
    always_open: bool = param(False, basis="fact", doc="staffed around the clock")
    open_hour: int = param(9, ge=0, le=23, unit="hour of day", basis="assumption", doc="opening hour, local time")
    close_hour: int = param(18, ge=1, le=24, unit="hour of day", basis="assumption", doc="closing hour, local time")
    time_zone: str = param("Asia/Tokyo", basis="assumption", doc="IANA time zone of the hours")
    weekdays_only: bool = param(True, basis="assumption", doc="closed on Saturdays and Sundays")

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        return _check_zone(value)

    @model_validator(mode="after")
    def _open_before_close(self) -> Hours:
        if not self.always_open and self.open_hour >= self.close_hour:
            raise ValueError(f"open_hour ({self.open_hour}) must be before close_hour ({self.close_hour})")
        return self


class Suspension(Model):
    after_rung: RungId | None = param(None, basis="fact", doc="an incident reaching this rung suspends the "
                                      "channel (talks were frozen after Sept 2012); none: never")
    duration_days: Duration = param(default_factory=lambda: Constant(value=30.0), unit="days",
                                    basis="assumption", doc="how long a suspension lasts")


class Hotline(Model):
    enabled: bool = param(True, basis="fact", doc="the defense hotline exists (established Mar 31 2023)")
    lines: int = param(1, ge=1, le=1000, basis="assumption", doc="calls that can be connected at once")
    hours: Hours = Field(default_factory=Hours, description="hours of operation")
    coverage: list[Name] = param(default_factory=lambda: ["navy", "air"], basis="fact",
                                 doc="force layers whose incidents the mechanism covers (defense forces only, "
                                 "not coast guards)")
    defense_layers: list[Name] = param(default_factory=list, basis="assumption",
                                       doc="layers that join any incident once it reaches ladder.military_rung, "
                                       "bringing it under the coverage of a defense-only mechanism (default: "
                                       "none; coverage follows the incident's own layers)")
    ring_hours: Duration = param(default_factory=lambda: Constant(value=0.05), unit="hours", basis="assumption",
                                 doc="time a call rings before it is answered or given up")
    call_duration_hours: Duration = param(default_factory=lambda: Exponential(dist="exponential", mean=0.33),
                                          unit="hours", basis="fact",
                                          doc="length of an answered call (first call May 2023: about 20 min)")
    queue_when_busy: bool = param(True, basis="assumption",
                                  doc="a call finding every line busy waits for one; false: it counts as "
                                  "unanswered (busy signal) and may be redialled")
    max_retries: int = param(2, ge=0, le=100, basis="assumption", doc="redials after an unanswered call")
    retry_interval_hours: Duration = param(default_factory=lambda: Constant(value=1.0), unit="hours",
                                           basis="assumption", doc="wait before redialling")
    suspension: Suspension = Field(default_factory=Suspension, description="suspension after serious incidents")


class Fallback(Model):
    enabled: bool = param(True, basis="fact", doc="diplomatic protests and summoning ambassadors happen")
    trigger_rung: RungId | None = param(None, basis="fact",
                                        doc="an incident reaching this rung prompts a protest; default: the "
                                        "ladder's serious_rung")
    delay_hours: Duration = param(default_factory=lambda: LogNormal(dist="lognormal", median=24.0, p90=96.0),
                                  unit="hours", basis="fact",
                                  doc="time until intent is clarified this way (ambassador summoned the next day, "
                                  "Dec 2025; protest after 4 days, Jun 2025)")
    clarify_probability: Probability = param(0.5, basis="assumption",
                                             doc="chance the protest actually clarifies intent")


class Tension(Model):
    initial: float = param(0.0, ge=0.0, le=100.0, unit="tension units", basis="assumption",
                           doc="political tension at the start")
    half_life_days: float = param(30.0, gt=0.0, le=36500.0, unit="days", basis="assumption",
                                  doc="time for tension to fall by half")
    jump_by_rung: ByRungAmount = param(0.0, unit="tension units", basis="assumption",
                                       doc="rise in tension when an incident first reaches a rung")
    arrival_feedback: float = param(0.2, ge=0.0, le=100.0, unit="1/tension unit", basis="assumption",
                                    doc="arrival rates are multiplied by (1 + feedback x tension)")
    escalation_feedback: float = param(0.3, ge=0.0, le=100.0, unit="1/tension unit", basis="assumption",
                                       doc="escalation chances are multiplied by (1 + feedback x tension)")


class Shock(Model):
    label: str = Field(description="what happens, e.g. 'the islands are purchased'")
    at_day: float | None = param(None, ge=0.0, unit="days", basis="fact", doc="fixed day of the shock")
    rate_per_year: float | None = param(None, ge=0.0, le=365.0, unit="1/year", basis="assumption",
                                        doc="random shocks at this rate instead of a fixed day")
    tension_jump: float = param(1.0, ge=0.0, le=100.0, unit="tension units", basis="assumption",
                                doc="rise in tension")
    suspends_hotline_days: Duration | None = param(None, unit="days", basis="fact",
                                                   doc="the hotline is suspended this long (none: not at all)")

    @model_validator(mode="after")
    def _one_timing(self) -> Shock:
        if (self.at_day is None) == (self.rate_per_year is None):
            raise ValueError("give exactly one of at_day and rate_per_year")
        return self


def _check_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {value!r}; use an IANA name such as 'Asia/Tokyo' or 'UTC'") from None
    return value


class Scenario(Model):
    """A complete scenario: the world, the parties, the hotline, and the arms to compare."""

    name: str = Field(description="short title shown in reports")
    description: str = Field("", description="what question the scenario asks")
    sources: list[str] = Field(default_factory=list, description="files in seeds/ the parameters rest on")
    start_date: dt.date = param(dt.date(2026, 1, 1), basis="assumption", doc="calendar date of day 0")
    time_zone: str = param("Asia/Tokyo", basis="assumption", doc="IANA time zone of the simulation clock")
    horizon_days: float = param(365.0, gt=0.0, le=36_500.0, unit="days", basis="assumption",
                                doc="simulated time per replication")
    replications: int = param(2000, ge=1, le=10_000_000, basis="assumption", doc="replications per arm")
    seed: int = param(20211227, ge=0, le=2**63 - 1, basis="assumption", doc="root random seed")
    main_rung: RungId | None = param(None, basis="assumption",
                                     doc="the outcome of interest: reaching this rung (default: the top rung)")
    ladder: Ladder = Field(default_factory=Ladder)
    parties: dict[Name, Party] = Field(min_length=2, max_length=10, description="parties by short name")
    incident_types: dict[Name, IncidentType] = Field(min_length=1, max_length=100)
    hotline: Hotline = Field(default_factory=Hotline)
    fallback: Fallback = Field(default_factory=Fallback)
    tension: Tension = Field(default_factory=Tension)
    shocks: list[Shock] = Field(default_factory=list, max_length=100)
    arms: dict[Name, dict[str, Any]] = Field(
        default_factory=lambda: {"baseline": {}}, min_length=1, max_length=50,
        description="named variants as overrides by dotted path; the first arm is the baseline")

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        return _check_zone(value)

    @property
    def main_rung_id(self) -> str:
        return self.main_rung or self.ladder.rungs[-1].id

    @property
    def main_rung_index(self) -> int:
        return self.ladder.index(self.main_rung_id)

    @property
    def baseline_arm(self) -> str:
        return next(iter(self.arms))
