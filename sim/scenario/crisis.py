"""The crisis after force is used: leaders, not local commanders, decide on a timescale of days.

Once an incident first reaches `crisis.start_rung` (by default the rung below the top: limited force, a
fatal incident), its commanders stop moving it; each side's leaders decide every `decision_hours`: order an
armed response (the armed clash), do what is theirs to do towards a settlement (release a crew or bodies
they hold; express regret when the other side demands it; once nothing is outstanding, settle), or hold.
A crisis with no exit by `max_days` freezes into a stand-off. The side that suffered the force may call
the other's leaders over the hotline (any channel of the pair that exists and is not suspended), who
answer with their own behaviour (`parties.<NAME>.leaders`: the EP-3 calls unanswered for hours, the US-China
link's 48 hours); an answered call restrains and speeds the acts of a settlement for the rest of the crisis.
Public anger is the pair's tension. The record behind each default is in `seeds/limited_force_cases.csv`.
"""

from __future__ import annotations

from pydantic import Field

from .distributions import Duration, LogNormal
from .fields import Model, Probability, RungId, param
from .ladder import Ladder

__all__ = ["Crisis", "Leaders"]


class Leaders(Model):
    """How a party's leaders act in a crisis (per decision, on a timescale of days)."""

    decision_hours: Duration = param(
        default_factory=lambda: LogNormal(dist="lognormal", median=72.0, p90=240.0), unit="hours",
        basis="assumption", doc="time between the leaders' decisions in a crisis (days, not the hours of "
        "local commanders)")
    escalate_probability: Probability = param(
        0.003, basis="assumption", doc="chance a decision orders an armed response: the armed clash (the "
        "default, fitted on the flagship, gives an armed clash after about one crisis in ten: "
        "seeds/limited_force_cases.csv)")
    settle_probability: Probability = param(
        0.3, basis="assumption", doc="chance a decision settles the crisis once nothing is outstanding (no one "
        "held, no apology owed)")
    release_probability: Probability = param(
        0.25, basis="assumption", doc="chance a decision releases the crew, boat or bodies the party holds (EP-3 crew "
        "held 11 days; 2010 captain 17 days; Kerch 2018 crews ten months)")
    apology_probability: Probability = param(
        0.25, basis="assumption", doc="chance a decision expresses the regret the other side demands (EP-3: the "
        "'very sorry' letter after 11 days)")
    answer_probability: Probability = param(
        0.5, basis="assumption", doc="chance the leaders answer a leaders' call over the hotline in a crisis (EP-3: "
        "calls unanswered; Aug 2022 and Feb 2023: calls declined; Dec 2025: no answer)")
    response_hours: Duration = param(
        default_factory=lambda: LogNormal(dist="lognormal", median=12.0, p90=48.0), unit="hours", basis="fact",
        doc="time the leaders take to answer such a call (the US-China link allows 48 hours or more)")


class Crisis(Model):
    """The political crisis after force is used (see the module's description)."""

    enabled: bool = param(False, basis="assumption",
                          doc="incidents reaching start_rung become crises decided by leaders; off: as before, "
                          "the incident goes on at the commanders' pace")
    start_rung: RungId | None = param(None, basis="fact",
                                      doc="the rung at which an incident becomes a crisis; default: the rung "
                                      "below the top (limited force, a fatal incident)")
    detention_probability: Probability = param(
        0.4, basis="fact", doc="chance a crew, boat or bodies are held when the crisis starts (EP-3 2001, "
        "trawler 2010, Kerch 2018, Second Thomas Shoal 2024; seeds/limited_force_cases.csv)")
    detained_by_actor: Probability = param(
        0.6, basis="fact", doc="share of detentions made by the side that used force (Kerch, Second Thomas "
        "Shoal, Pueblo) rather than by the side that suffered it (trawler 2010, EP-3)")
    demand_probability: Probability = param(
        0.5, basis="assumption", doc="chance the side that suffered the force demands an apology before it "
        "settles")
    anger_feedback: float = param(
        0.3, ge=0.0, le=100.0, unit="1/tension unit", basis="assumption",
        doc="public anger: the odds of an armed response are multiplied, those of the acts of a settlement "
        "divided, by (1 + anger_feedback x tension of the pair)")
    max_days: float = param(120.0, gt=0.0, le=3650.0, unit="days", basis="assumption",
                            doc="a crisis with no exit after this long freezes into a stand-off (HYSY-981: "
                            "ten weeks; Galwan: disengagement over months)")
    call_probability: Probability = param(
        1.0, basis="assumption", doc="chance the side that suffered the force calls the other's leaders over "
        "the hotline when the crisis starts")
    restraint_factor: float = param(
        0.5, ge=0.0, le=1.0, basis="assumption",
        doc="after an answered leaders' call, the odds of an armed response are multiplied by this")
    settle_factor: float = param(
        2.0, ge=1.0, le=100.0, basis="assumption",
        doc="after an answered leaders' call, the odds of the acts of a settlement (release, apology, "
        "settling) are multiplied by this")

    weapons_rung_extension: bool = param(
        False, basis="assumption",
        doc="with the crisis phase on, whether an incident reaching the weapons rung still stays open at "
        "least its type's crisis_duration_hours (the political crisis of files without this phase); false: an "
        "encounter keeps its own max_duration_hours (an air intercept of minutes does not sit for days at the "
        "weapons rung) and the political crisis is this phase, from start_rung on")

    def start_rung_id(self, ladder: Ladder) -> str:
        return self.start_rung or ladder.rungs[-2].id


CrisisField = Field(default_factory=Crisis, description="the political crisis after force is used")
