"""Channels between the parties: the defense hotline (hours, coverage, suspension) and the slow
diplomatic fallback."""

from __future__ import annotations

from pydantic import Field, field_validator, model_validator

from .distributions import Constant, Duration, Exponential, LogNormal
from .fields import Model, Name, Probability, RungId, check_zone, param
from .ladder import Ladder
from .mechanisms import Mechanisms

__all__ = ["Hours", "Suspension", "Hotline", "Fallback"]


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
