"""Parties: force layers, response posture (by layer), chain of command, rules of engagement, hotline
policy and alliances."""

from __future__ import annotations

from pydantic import Field, model_validator

from .crisis import Leaders
from .distributions import Duration, LogNormal
from .fields import ByLayer, ByRung, Model, Name, Probability, RungByLayer, RungId, param
from .ladder import Ladder

__all__ = ["Force", "Posture", "PostureChanges", "HotlinePolicy", "Alliance", "Party"]


class Force(Model):
    label: str | None = Field(None, description="display name, e.g. 'China Coast Guard'")
    units: int | None = Field(None, ge=0, le=100_000, exclude=True, deprecated=True,
                              description="deprecated: has no effect (the model does not count ships or aircraft) "
                              "and will be removed; delete it")


class Alliance(Model):
    """How an ally joins incidents that involve its partner."""

    def join_rung_id(self, ladder: Ladder) -> str:
        """The rung that may draw the ally in, resolved (default: the weapons rung)."""
        return self.join_at_rung or ladder.weapons_rung

    join_at_rung: RungId | None = param(None, basis="assumption",
                                        doc="an incident involving the partner that first reaches this rung may "
                                        "draw the ally in; default: the ladder's weapons_rung")
    join_probability: Probability = param(0.5, basis="assumption",
                                          doc="chance the ally joins once the rung is reached")
    delay_hours: Duration = param(default_factory=lambda: LogNormal(dist="lognormal", median=6.0, p90=24.0),
                                  unit="hours", basis="assumption",
                                  doc="time from the rung being reached to the ally's forces or leaders joining")
    layer: Name = param("navy", basis="assumption", doc="the ally's force layer that joins (one of its forces)")
    deterrence_multiplier: float = param(1.0, ge=0.0, le=100.0, basis="assumption",
                                         doc="factor on the opponent's escalation chance in the incident once the "
                                         "ally has joined (below 1: deterred; above 1: provoked)")
    resolve_multiplier: float = param(1.0, ge=0.0, le=100.0, basis="assumption",
                                      doc="factor on the partner's escalation chance once the ally has joined "
                                      "(above 1: emboldened, the entrapment worry)")
    tension_jump: float = param(0.0, ge=0.0, le=100.0, unit="tension units", basis="assumption",
                                doc="rise in tension between the ally and the opponent when the ally joins")


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
    call_at_rung: RungByLayer = param(
        default_factory=lambda: {"default": None}, basis="fact",
        doc="an incident reaching this rung prompts a call, by the party's force layer in the incident (a rung "
        "id, or {default, by_layer}); Japan called after the Dec 2025 radar lock; default: the ladder's "
        "weapons_rung")
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


    def call_rung_id(self, layer: str, ladder: Ladder) -> str:
        """The rung that prompts a call when the party acts through `layer`, resolved (default: the weapons
        rung)."""
        return self.call_at_rung.on(layer) or ladder.weapons_rung


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
    leaders: Leaders = Field(default_factory=Leaders, description="how its leaders act in a crisis after force "
                             "is used (crisis.enabled)")
    allied_with: dict[Name, Alliance] = param(
        default_factory=dict, basis="assumption",
        doc="partners this party may come to help, by party name: it may join incidents between a partner and "
        "another party (US-Japan treaty, Art. 5; US-Philippines treaty, Art. IV); default: none")

    def command_rung_id(self, ladder: Ladder) -> str:
        """From this rung decisions go up the chain of command (default: the weapons rung)."""
        return self.chain_of_command_rung or ladder.weapons_rung

    def release_rung_id(self, layer: str, ladder: Ladder) -> str:
        """The layer's rules of engagement, resolved (default: the weapons rung)."""
        return self.weapons_release_rung.on(layer) or ladder.weapons_rung

    def posture_for(self, layer: str) -> Posture:
        """The party's posture with the layer's changes applied (validated again, so limits still hold)."""
        changes = self.posture_by_layer.get(layer)
        if changes is None:
            return self.posture
        merged = {**self.posture.model_dump(), **changes.model_dump(exclude_none=True)}
        return Posture.model_validate(merged)
