"""Channels between the parties: the hotline template (hours, coverage, suspension, mechanisms), the
channels that join pairs of parties (direct or through a mediator), and the slow diplomatic fallback."""

from __future__ import annotations

from pydantic import Field, field_validator, model_validator

from .distributions import Constant, Duration, Exponential, LogNormal
from .fields import Model, Name, Probability, RungId, check_zone, param
from .ladder import Ladder
from .mechanisms import Mechanisms

__all__ = ["Hours", "Suspension", "Hotline", "Fallback", "Mediator", "Channel"]


class Hours(Model):
    always_open: bool = param(False, basis="fact", doc="staffed around the clock")
    open_hour: int = param(9, ge=0, le=23, unit="hour of day", basis="assumption", doc="opening hour, local time")
    close_hour: int = param(18, ge=1, le=24, unit="hour of day", basis="assumption", doc="closing hour, local time")
    time_zone: str = param("Asia/Tokyo", basis="assumption", doc="IANA time zone of the hours")
    weekdays_only: bool = param(True, basis="assumption", doc="closed on Saturdays and Sundays")

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        return check_zone(value)

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
    mechanisms: Mechanisms = Field(default_factory=Mechanisms, description="the ways an answered or unanswered "
                                   "call changes an incident, each switchable")


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

    def trigger_rung_id(self, ladder: Ladder) -> str:
        """The rung that prompts a protest, resolved (default: the ladder's serious rung)."""
        return self.trigger_rung or ladder.serious_rung


# The keys a channel may set in place of the `hotline:` template's (the mechanisms are one set for all).
TEMPLATE_KEYS = ("enabled", "lines", "hours", "coverage", "defense_layers", "ring_hours", "call_duration_hours",
                 "queue_when_busy", "max_retries", "retry_interval_hours", "suspension")


class Mediator(Model):
    """A third party that carries the message: slower than a direct line, and harder to leave unanswered."""

    label: str = Field(description="who relays, e.g. 'United States (State Department)'")
    relay_hours: Duration = param(default_factory=lambda: LogNormal(dist="lognormal", median=12.0, p90=48.0),
                                  unit="hours", basis="assumption",
                                  doc="time for the mediator to pass a message on, each way (the call is relayed "
                                  "to the other side, and its answer relayed back)")


class Channel(Model):
    """One channel between two parties. Keys left out (none) take their value from the `hotline:` block,
    so `hotline:` is the template every channel starts from; a key given here replaces it as a whole."""

    between: list[Name] = Field(min_length=2, max_length=2, description="the two parties the channel joins")
    label: str | None = Field(None, description="display name, e.g. 'China-Japan defense hotline'")
    mediator: Mediator | None = param(None, basis="fact",
                                      doc="the channel runs through a third party (Scarborough Shoal 2012: the "
                                      "withdrawal was arranged through the United States); none: a direct line")
    enabled: bool | None = param(None, basis="assumption", doc="the channel exists; none: as hotline.enabled")
    lines: int | None = param(None, ge=1, le=1000, basis="assumption", doc="as hotline.lines; none: the same")
    hours: Hours | None = param(None, basis="assumption", doc="hours of operation; none: as hotline.hours")
    coverage: list[Name] | None = param(None, basis="assumption",
                                        doc="force layers whose incidents the channel covers; none: as hotline")
    defense_layers: list[Name] | None = param(None, basis="assumption", doc="as hotline; none: the same")
    ring_hours: Duration | None = param(None, unit="hours", basis="assumption", doc="as hotline; none: the same")
    call_duration_hours: Duration | None = param(None, unit="hours", basis="assumption",
                                                 doc="as hotline; none: the same")
    queue_when_busy: bool | None = param(None, basis="assumption", doc="as hotline; none: the same")
    max_retries: int | None = param(None, ge=0, le=100, basis="assumption", doc="as hotline; none: the same")
    retry_interval_hours: Duration | None = param(None, unit="hours", basis="assumption",
                                                  doc="as hotline; none: the same")
    suspension: Suspension | None = param(None, basis="assumption", doc="as hotline; none: the same")
    prior_consultation_hours: Duration | None = param(
        None, unit="hours", basis="assumption",
        doc="internal approval before a call on this channel; none: each caller's own "
        "(parties.<NAME>.hotline.prior_consultation_hours)")
    answer_probability: Probability | None = param(
        None, basis="assumption", doc="chance a call on this channel is answered at zero tension, whoever is "
        "called; none: the called party's own (a mediator's calls are harder to ignore)")
    answer_tension_sensitivity: float | None = param(
        None, ge=0.0, le=100.0, unit="1/tension unit", basis="assumption",
        doc="as the parties' answer_tension_sensitivity, for this channel; none: the called party's own")

    @field_validator("between")
    @classmethod
    def _two_parties(cls, value: list[str]) -> list[str]:
        if value[0] == value[1]:
            raise ValueError(f"a channel joins two different parties (got {value[0]!r} twice)")
        return value

    def settings(self, template: Hotline) -> Hotline:
        """The channel's hotline settings: the template with this channel's keys put in."""
        update = {key: getattr(self, key) for key in TEMPLATE_KEYS if getattr(self, key) is not None}
        return template.model_copy(update=update)
