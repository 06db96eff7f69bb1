"""The scenario schema: every parameter with its unit, default, and the basis behind it.

Each field's description ends with `[fact]` or `[assumption]`; the JSON Schema carries the same as
`basis`. Facts refer to `seeds/` (the hotline fact sheet and calibration tables); assumptions are
modelling choices a user is invited to vary. The parts live in their own modules (fields, ladder,
parties, channels); this module holds incidents, tension, shocks and the scenario itself.
"""

from __future__ import annotations

import datetime as dt
from itertools import combinations
from typing import Any, Literal, NamedTuple

from pydantic import Field, field_validator, model_validator

from .channels import Channel, Fallback, Hotline, Hours, Mediator, Suspension
from .crisis import Crisis
from .distributions import Constant, Duration, LogNormal
from .fields import ByLayer, ByRung, ByRungAmount, Model, Name, RungId, check_zone, param
from .ladder import DEFAULT_RUNGS, Ladder, Rung
from .parties import HotlinePolicy, Party, Posture
from .ranges import Ranges

__all__ = [
    "Scenario", "Ladder", "Rung", "Party", "Posture", "HotlinePolicy", "IncidentType", "Hotline", "Channel",
    "ResolvedChannel",
    "Hours", "Suspension", "Fallback", "Tension", "Shock", "ByRung", "ByLayer", "DEFAULT_RUNGS",
]


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
        "at least this long (2010 collision: eased after 18 days; 2025 close pass: 4 days); not read when the "
        "crisis phase is on (crisis.enabled) unless crisis.weapons_rung_extension")
    accident_probability: ByRung = param(
        0.0, basis="assumption",
        doc="chance a move on this rung comes out one rung more escalatory than intended (2010 collision, "
        "2013 'unplanned' radar lock)")
    fatal_accident_share: ByRung = param(
        0.0, basis="assumption",
        doc="share of the accidents on this rung that kill or seize at once: the incident jumps to the crisis "
        "rung (crisis.start_rung) without the rungs between (EP-3 2001 and Galwan 2020: deaths without weapons "
        "aimed)")
    counts_as: list[str] = Field(default_factory=list, description="calibration patterns this type feeds")


class Tension(Model):
    initial: float = param(0.0, ge=0.0, le=100.0, unit="tension units", basis="assumption",
                           doc="political tension at the start")
    half_life_days: float = param(30.0, ge=0.01, le=36500.0, unit="days", basis="assumption",
                                  doc="time for tension to fall by half (at least 0.01 days, a quarter of an "
                                  "hour: below that tension is gone before the next decision)")
    jump_by_rung: ByRungAmount = param(0.0, unit="tension units", basis="assumption",
                                       doc="rise in tension when an incident first reaches a rung")
    arrival_feedback: float = param(0.2, ge=0.0, le=100.0, unit="1/tension unit", basis="assumption",
                                    doc="arrival rates are multiplied by (1 + feedback x tension)")
    escalation_feedback: float = param(0.3, ge=0.0, le=100.0, unit="1/tension unit", basis="assumption",
                                       doc="escalation chances are multiplied by (1 + feedback x tension)")
    spillover: float = param(1.0, ge=0.0, le=1.0, unit="fraction", basis="assumption",
                             doc="tension is kept per pair of parties; this share of a rise between two parties "
                             "reaches every other pair (1: one level shared by all, as with two parties; 0: "
                             "pairs apart)")


class Shock(Model):
    label: str = Field(description="what happens, e.g. 'the islands are purchased'")
    at_day: float | None = param(None, ge=0.0, unit="days", basis="fact", doc="fixed day of the shock")
    rate_per_year: float | None = param(None, ge=0.0, le=365.0, unit="1/year", basis="assumption",
                                        doc="random shocks at this rate instead of a fixed day")
    tension_jump: float = param(1.0, ge=0.0, le=100.0, unit="tension units", basis="assumption",
                                doc="rise in tension")
    suspends_hotline_days: Duration | None = param(None, unit="days", basis="fact",
                                                   doc="the hotline is suspended this long (none: not at all)")
    between: list[Name] | None = param(None, min_length=2, max_length=2, basis="assumption",
                                       doc="the two parties whose tension rises and whose channels are suspended "
                                       "(tension.spillover carries a share to the other pairs); none: all pairs")

    @model_validator(mode="after")
    def _one_timing(self) -> Shock:
        if (self.at_day is None) == (self.rate_per_year is None):
            raise ValueError("give exactly one of at_day and rate_per_year")
        return self

    @field_validator("between")
    @classmethod
    def _two_parties(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and value[0] == value[1]:
            raise ValueError(f"a shock concerns two different parties (got {value[0]!r} twice)")
        return value


class ResolvedChannel(NamedTuple):
    """A channel as the engine will see it: its parties and its settings with the template applied."""

    name: str
    a: str
    b: str
    label: str | None
    settings: Hotline
    mediator: Mediator | None
    consultation: Any
    answer_probability: float | None
    answer_tension_sensitivity: float | None

    def consultation_of(self, caller: Party) -> Any:
        """The prior consultation before `caller` calls over this channel: the channel's, else the caller's."""
        return self.consultation if self.consultation is not None else caller.hotline.prior_consultation_hours

    def answer_probability_of(self, callee: Party) -> float:
        """`callee`'s chance to answer a call on this channel at zero tension: the channel's, else its own."""
        return self.answer_probability if self.answer_probability is not None else callee.hotline.answer_probability

    def answer_sensitivity_of(self, callee: Party) -> float:
        """How fast `callee`'s answering on this channel falls with tension: the channel's, else its own."""
        if self.answer_tension_sensitivity is not None:
            return self.answer_tension_sensitivity
        return callee.hotline.answer_tension_sensitivity


class Scenario(Model):
    """A complete scenario: the world, the parties, the hotline, and the arms to compare."""

    name: str = Field(description="short title shown in reports")
    description: str = Field("", description="what question the scenario asks")
    sources: list[str] = Field(default_factory=list, description="files in seeds/ the parameters rest on")
    calibration: str | None = Field(
        None, max_length=400,
        description="how this scenario was fitted to the public record, in a sentence the briefing quotes (e.g. "
                    "'arrival rates, escalation postures and accident rates fitted to seeds/incidents.csv; see "
                    "docs/validation.md'); none: the briefing says its rates are assumptions, not calibrated")
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
    hotline: Hotline = Field(default_factory=Hotline, description="the hotline; with `channels`, the "
                             "template each channel starts from")
    channels: dict[Name, Channel] = param(
        default_factory=dict, basis="assumption",
        doc="channels by name, each joining two parties; calls between two parties try their channels in this "
        "order. Default (none listed): one channel per pair of parties, each with the hotline's settings")
    fallback: Fallback = Field(default_factory=Fallback)
    tension: Tension = Field(default_factory=Tension)
    shocks: list[Shock] = Field(default_factory=list, max_length=100)
    arms: dict[Name, dict[str, Any]] = Field(
        default_factory=lambda: {"baseline": {}}, min_length=1, max_length=50,
        description="named variants as overrides by dotted path; the first arm is the baseline")
    combine_chances: Literal["capped_product", "odds"] = param(
        "capped_product", basis="assumption",
        doc="how tension, retaliation, reciprocity and the mechanisms change a move's chances: 'odds' multiplies "
        "the chance against holding (up and down weights over the hold's), so no finite factor makes a step "
        "certain; 'capped_product' (files without this key) multiplies the chance itself and caps it at 1")
    crisis: Crisis = param(default_factory=Crisis, basis="assumption",
                           doc="the political crisis after force is used (off unless enabled)")
    ranges: Ranges = param(default_factory=dict, basis="assumption", unit="the field's unit", doc="plausible [low, high] of assumptions by dotted key, used by hotline robustness (default: none; a factor moves them)")

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        return check_zone(value)

    @property
    def main_rung_id(self) -> str:
        return self.main_rung or self.ladder.rungs[-1].id

    @property
    def main_rung_index(self) -> int:
        return self.ladder.index(self.main_rung_id)

    def responder_of(self, kind: IncidentType) -> str:
        """The responding party of an incident type, resolved: the named one, or the other of two parties."""
        return kind.responder or next(p for p in self.parties if p != kind.initiator)

    def resolved_channels(self) -> list[ResolvedChannel]:
        """Every channel with its settings: those listed under `channels`, or by default one per pair of
        parties with the `hotline:` settings (in the order of the parties)."""
        if not self.channels:
            return [ResolvedChannel(f"{a}_{b}", a, b, None, self.hotline, None, None, None, None)
                    for a, b in combinations(self.parties, 2)]
        return [ResolvedChannel(name, c.between[0], c.between[1], c.label, c.settings(self.hotline), c.mediator,
                                c.prior_consultation_hours, c.answer_probability, c.answer_tension_sensitivity)
                for name, c in self.channels.items()]

    @property
    def baseline_arm(self) -> str:
        return next(iter(self.arms))
