"""The ways a hotline call can change an incident, each a named, switchable part of the model.

Every mechanism has `enabled` and its own parameters, so that a scenario or an arm can switch one off
(`hotline.mechanisms.restraint.enabled: false`) and `hotline explain` can attribute an arm's effect to
each of them. The public record behind each is in `docs/model.md` ("The hotline's mechanisms"); the sizes
are assumptions unless said otherwise.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from .distributions import Constant, Duration
from .fields import Model, Probability, RungId, param
from .ladder import Ladder

__all__ = ["Mechanisms", "Mechanism", "Clarification", "Restraint", "StandDown", "BuyingTime", "Silence",
           "Prevention", "MoralHazard", "Threats", "MECHANISM_NAMES", "acts_without_a_call"]


class Mechanism(Model):
    """A way a hotline can change incidents. Each says whether it acts only through calls (answered or given
    up on) or also without one, from the line's mere existence: `hotline explain` simulates a replication
    with no such call once for every combination of the former, and a test checks each declaration."""

    acts_without_a_call: ClassVar[bool]

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if "acts_without_a_call" not in cls.__dict__:
            raise TypeError(f"mechanism {cls.__name__} must say whether it acts without a call "
                            "(acts_without_a_call: ClassVar[bool] = True or False)")


class Clarification(Mechanism):
    """An answered call corrects a misread act (an accident, an ambiguous rung) before the next decision."""

    acts_without_a_call: ClassVar[bool] = False

    enabled: bool = param(True, basis="fact", doc="the founding purpose of hotlines (US-Soviet 1963; the June "
                          "1967 Liberty messages)")


class Restraint(Mechanism):
    """After an answered call, leaders hold their local commanders back for the rest of the incident."""

    acts_without_a_call: ClassVar[bool] = False

    enabled: bool = param(True, basis="assumption", doc="an answered call restrains both sides' commanders "
                          "(its absence: EP-3, 2001)")
    escalation_factor: Probability = param(
        0.6, basis="assumption", doc="after an answered call, both sides' chance of a deliberate step up in "
        "that incident is multiplied by this (0: no further deliberate climb; 1: no restraint)")


class StandDown(Mechanism):
    """An answered call ends in an agreement to step back together (a face-saving off-ramp)."""

    acts_without_a_call: ClassVar[bool] = False

    enabled: bool = param(True, basis="assumption", doc="the call can carry an agreed stand-down (India-"
                          "Pakistan DGMO line, 2021)")
    probability: Probability = param(0.25, basis="assumption",
                                     doc="chance an answered call ends in an agreed stand-down")
    rungs: int = param(1, ge=1, le=50, unit="rungs", basis="assumption",
                       doc="how far the incident steps down at once when the sides agree (reaching the "
                       "bottom rung ends it)")


class BuyingTime(Mechanism):
    """An answered call delays the incident's next decision: tempers cool, the chain of command catches up."""

    acts_without_a_call: ClassVar[bool] = False

    enabled: bool = param(True, basis="assumption", doc="a call in progress or an agreed pause delays the next "
                          "decision")
    pause_hours: Duration = param(default_factory=lambda: Constant(value=2.0), unit="hours",
                                  basis="assumption",
                                  doc="the incident's pending decision is delayed by this after an answered call")


class Silence(Mechanism):
    """A call that is never answered is itself read as a signal by the caller."""

    acts_without_a_call: ClassVar[bool] = False

    enabled: bool = param(True, basis="fact", doc="Dec 2025: Japan called after a radar lock and China did not "
                          "answer; the ambassador was summoned the next day")
    tension_jump: float = param(0.3, ge=0.0, le=100.0, unit="tension units", basis="assumption",
                                doc="rise in tension when a caller gives up on an unanswered call")
    resolve_multiplier: float = param(1.5, ge=1.0, le=100.0, basis="assumption",
                                      doc="the caller's chance of a deliberate step up in that incident is "
                                      "multiplied by this after its call went unanswered")


class Prevention(Mechanism):
    """Agreed rules and prior notification make encounters of covered forces rarer or less accident-prone."""

    acts_without_a_call: ClassVar[bool] = True

    enabled: bool = param(True, basis="fact", doc="INCSEA 1972: incidents reported much rarer by the 1980s; "
                          "US-Russia air safety memorandum 2015")
    accident_factor: Probability = param(
        0.8, basis="assumption", doc="accident probabilities of incidents whose force layers the line covers "
        "are multiplied by this while a line exists")
    rate_factor: Probability = param(
        1.0, basis="assumption", doc="arrival rates of incident types whose force layers the line covers are "
        "multiplied by this while a line exists (1: encounters as frequent as without it)")


class MoralHazard(Mechanism):
    """A side that trusts the line to defuse a crisis takes more risk at the low rungs (argued, not observed)."""

    acts_without_a_call: ClassVar[bool] = True

    enabled: bool = param(False, basis="assumption", doc="off by default: a pessimistic arm")
    escalation_multiplier: float = param(1.2, ge=1.0, le=100.0, basis="assumption",
                                         doc="escalation chances of covered incidents below `below_rung` are "
                                         "multiplied by this while a line exists")
    below_rung: RungId | None = param(None, basis="assumption",
                                      doc="the extra risk is taken below this rung; default: the ladder's "
                                      "weapons_rung")

    def below_rung_id(self, ladder: Ladder) -> str:
        return self.below_rung or ladder.weapons_rung


class Threats(Mechanism):
    """An answered call carries a threat instead of reassurance (accounts of the June 1967 exchanges)."""

    acts_without_a_call: ClassVar[bool] = False

    enabled: bool = param(False, basis="assumption", doc="off by default")
    probability: Probability = param(0.1, basis="assumption",
                                     doc="chance an answered call carries a threat (then neither restraint nor a "
                                     "stand-down follows)")
    tension_jump: float = param(1.0, ge=0.0, le=100.0, unit="tension units", basis="assumption",
                                doc="rise in tension when a threat is delivered")
    escalation_multiplier: float = param(1.5, ge=1.0, le=100.0, basis="assumption",
                                         doc="both sides' chance of a deliberate step up in that incident is "
                                         "multiplied by this after a threat")


class Mechanisms(Model):
    """The hotline's mechanisms; each can be switched off in a scenario or an arm."""

    clarification: Clarification = Field(default_factory=Clarification, description="clarification of misread acts")
    restraint: Restraint = Field(default_factory=Restraint, description="restraint of local commanders")
    stand_down: StandDown = Field(default_factory=StandDown, description="coordinated stand-down")
    buying_time: BuyingTime = Field(default_factory=BuyingTime, description="buying time")
    silence: Silence = Field(default_factory=Silence, description="silence as a signal")
    prevention: Prevention = Field(default_factory=Prevention, description="prevention and deconfliction")
    moral_hazard: MoralHazard = Field(default_factory=MoralHazard, description="risk-taking because the line "
                                      "exists")
    threats: Threats = Field(default_factory=Threats, description="the line as a channel for threats")

    def enabled_names(self) -> list[str]:
        return [name for name in MECHANISM_NAMES if getattr(self, name).enabled]


MECHANISM_NAMES: tuple[str, ...] = tuple(Mechanisms.model_fields)  # in the order of the schema


def acts_without_a_call(name: str) -> bool:
    """Whether mechanism `name` acts from the line's existence too, not only through calls."""
    annotation = Mechanisms.model_fields[name].annotation
    assert isinstance(annotation, type) and issubclass(annotation, Mechanism)
    return annotation.acts_without_a_call
