"""The engine's view of one arm of a scenario: plain, immutable numbers indexed by rung and party.

The run stage compiles a validated scenario into these once per arm (`sim.run.compile`), which keeps
dictionary look-ups and unit conversions out of the simulation loop. Times inside the engine are in days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from .tilt import Tilt

__all__ = ["ModelParameters", "PartyParameters", "LeaderParameters", "CrisisParameters", "IncidentTypeParameters", "HotlineParameters", "MechanismParameters",
           "ShockParameters", "AllyParameters", "Side", "side_of", "pair_index"]

Sampler = Callable[[float], float]


@dataclass(frozen=True, slots=True)
class PartyParameters:
    index: int
    name: str
    label: str
    up: dict[str, tuple[float, ...]]  # by force layer, then rung
    down: dict[str, tuple[float, ...]]
    retaliation: dict[str, float]
    reciprocity: dict[str, float]
    misperception: dict[str, float]
    face_saving: dict[str, float]
    delay_days: dict[str, Sampler]
    command_days: Sampler
    command_rung: int
    release_rung: dict[str, int]
    calls: bool
    call_rung: dict[str, int]  # by force layer
    call_probability: float
    answers: bool  # its chance to answer is a channel's (`HotlineParameters.answer_probability`)
    leaders: LeaderParameters | None = None  # in a crisis (None: the scenario has no crisis phase)


@dataclass(frozen=True, slots=True)
class LeaderParameters:
    """How a party's leaders act in a crisis: per decision, and when called over the hotline."""

    decision_days: Sampler
    escalate: float
    settle: float
    release: float
    apology: float
    answer: float
    response_days: Sampler


@dataclass(frozen=True, slots=True)
class CrisisParameters:
    """The crisis after force is used (`sim.engine.model.crisis`)."""

    rung: int
    detention: float
    by_actor: float
    demand: float
    anger: float
    max_days: float
    call: float
    restraint: float
    settle_factor: float


@dataclass(frozen=True, slots=True)
class Side:
    """One party acting through one force layer: everything a move needs, looked up once."""

    party: PartyParameters
    layer: str
    up: tuple[float, ...]
    down: tuple[float, ...]
    retaliation: float
    reciprocity: float
    misperception: float
    face_saving: float
    delay_days: Sampler
    command_rung: int
    command_days: Sampler
    release_rung: int
    call_rung: int


def side_of(party: PartyParameters, layer: str) -> Side:
    return Side(party, layer, party.up[layer], party.down[layer], party.retaliation[layer],
                party.reciprocity[layer], party.misperception[layer], party.face_saving[layer],
                party.delay_days[layer], party.command_rung, party.command_days, party.release_rung[layer],
                party.call_rung[layer])


def pair_index(a: int, b: int, n_parties: int) -> int:
    """The position of the unordered pair {a, b} among all pairs of `n_parties` parties (0 for two)."""
    if a > b:
        a, b = b, a
    return a * n_parties - a * (a + 1) // 2 + (b - a - 1)


@dataclass(frozen=True, slots=True)
class AllyParameters:
    """A third party that may join an incident on one side (its partner's) once the incident reaches a rung."""

    party: PartyParameters
    party_side: Side  # the ally acting through the layer it joins with (its call rung, for one)
    side: int  # 0: joins the initiator's side, 1: the responder's
    opponent: int  # party index of the other side
    join_rung: int
    probability: float
    delay_days: Sampler
    deterrence: float  # factor on the opponent's escalation chance
    resolve: float  # factor on the partner's escalation chance
    tension_jump: float  # on the pair (ally, opponent)
    pair: int  # the pair (ally, opponent)


@dataclass(frozen=True, slots=True)
class IncidentTypeParameters:
    index: int
    name: str
    label: str
    rate_per_day: float
    initiator: int
    responder: int
    layer: str
    layer_index: int  # position of `layer` in ModelParameters.layers (serious incidents are counted by layer)
    responder_layer: str
    start_rung: int
    max_duration_days: Sampler
    crisis_days: Sampler
    accident: tuple[float, ...]  # by rung; prevention (when on) is already applied
    fatal: tuple[float, ...]  # by rung: the share of accidents that jump to ModelParameters.crisis_rung
    prevention_rate_factor: float  # arrivals accepted with this probability (1.0: prevention does not thin)
    covered_layers: bool  # a channel joining the two sides covers the incident's layers from its start
    initiator_side: Side
    responder_side: Side
    pair: int = 0  # the pair of parties whose tension the incident reads and raises
    defense_cover: bool = False  # a channel of the pair covers it once defense forces join (military rung)
    allies: tuple[AllyParameters, ...] = ()  # third parties that may join it


@dataclass(frozen=True, slots=True)
class HotlineParameters:
    enabled: bool
    lines: int
    always_open: bool
    open_hour: int
    close_hour: int
    weekdays_only: bool
    offset_hours: float
    start_weekday: int
    coverage: frozenset[str]
    ring_days: Sampler
    call_days: Sampler
    queue_when_busy: bool
    max_retries: int
    retry_days: Sampler
    suspend_rung: int
    suspension_days: Sampler
    # One channel among several: the pair of parties it joins.
    index: int = 0
    label: str = "the hotline"
    pair: int = 0
    relay_days: Sampler | None = None  # a mediator relays each way; None: a direct line
    mediator: str = ""  # who relays (for narratives)
    # By party (index): a caller's prior consultation before calling over this channel, a callee's chance to
    # answer it at zero tension and how fast that falls with tension (the channel's own, or the party's).
    consultation_days: tuple[Sampler, ...] = ()
    answer_probability: tuple[float, ...] = ()
    answer_sensitivity: tuple[float, ...] = ()
    defense_layers: frozenset[str] = frozenset()  # layers that join any incident past the military rung

    def covers(self, layers: tuple[str, ...], military: bool) -> bool:
        """Whether an incident fought with `layers` (and, if `military`, past the military rung) is covered."""
        if not self.enabled:
            return False
        if any(layer in self.coverage for layer in layers):
            return True
        return military and bool(self.coverage & self.defense_layers)


@dataclass(frozen=True, slots=True)
class MechanismParameters:
    """What an answered or unanswered call does. A switched-off mechanism has its neutral value here, so the
    engine never asks whether a mechanism is on, only how strong it is."""

    clarification: bool
    restraint_factor: float  # 1.0: off
    stand_down_probability: float  # 0.0: off
    stand_down_rungs: int
    pause_days: Sampler | None  # None: off
    silence_tension_jump: float
    silence_resolve: float  # 1.0 (and no jump): off
    hazard_multiplier: float  # 1.0: off
    hazard_below_rung: int
    threat_probability: float  # 0.0: off
    threat_tension_jump: float
    threat_multiplier: float


@dataclass(frozen=True, slots=True)
class ShockParameters:
    index: int
    label: str
    at_day: float | None
    rate_per_day: float
    tension_jump: float
    suspension_days: Sampler | None
    pair: int | None = None  # the pair whose tension rises and whose channels are suspended; None: all


@dataclass(frozen=True, slots=True)
class ModelParameters:
    rung_ids: tuple[str, ...]
    rung_labels: tuple[str, ...]
    top: int
    weapons_rung: int
    military_rung: int
    serious_rung: int
    ambiguous: tuple[bool, ...]
    main_rung: int
    horizon_days: float
    parties: tuple[PartyParameters, ...]
    types: tuple[IncidentTypeParameters, ...]
    mechanisms: MechanismParameters
    layers: tuple[str, ...]
    fallback_enabled: bool
    fallback_rung: int
    fallback_days: Sampler
    fallback_probability: float
    tension_initial: float
    tension_decay_per_day: float
    tension_jump: tuple[float, ...]
    arrival_feedback: float
    escalation_feedback: float
    shocks: tuple[ShockParameters, ...]
    start: dt.datetime
    channels: tuple[HotlineParameters, ...] = ()
    pair_channels: dict[int, tuple[int, ...]] | None = None  # pair -> its channels, in the order calls try them
    spillover: float = 1.0
    n_pairs: int = 1
    odds: bool = False  # chances combine on the odds (`sim.engine.model.rule.decide`), not as capped products
    crisis_rung: int = 0  # where a fatal accident jumps to (the crisis's start rung)
    crisis: CrisisParameters | None = None  # None: no crisis phase
    tilt: Tilt | None = None  # importance sampling of escalation choices (`sim.engine.model.tilt`); None: plain

    def channels_between(self, a: int, b: int) -> tuple[HotlineParameters, ...]:
        """The channels joining parties a and b, in the order a call tries them."""
        pairs = self.pair_channels or {}
        return tuple(self.channels[c] for c in pairs.get(pair_index(a, b, len(self.parties)), ()))
