"""Compiling one arm of a validated scenario into the engine's parameters.

This is the only place where the scenario's vocabulary (rung ids, party names, hours) meets the engine's
(indices, days). Defaults are resolved by the scenario itself; nothing here invents one.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any
from zoneinfo import ZoneInfo

from ..engine.model.parameters import (
    AllyParameters,
    CrisisParameters,
    HotlineParameters,
    IncidentTypeParameters,
    LeaderParameters,
    MechanismParameters,
    ModelParameters,
    PartyParameters,
    Sampler,
    ShockParameters,
    pair_index,
    side_of,
)
from ..samplers import ConstantSampler
from ..scenario.channels import Hotline
from ..scenario.crisis import Leaders
from ..scenario.schema import Scenario

__all__ = ["compile_scenario"]


def _in_days(duration: Any, per_day: float) -> Sampler:
    """A sampler of the duration converted to days (the unit of the engine's clock)."""
    return duration.sampler(1.0 / per_day)


def _utc_offset_hours(zone: str, when: dt.date) -> float:
    moment = dt.datetime(when.year, when.month, when.day, 12, tzinfo=ZoneInfo(zone))
    offset = moment.utcoffset()
    return offset.total_seconds() / 3600.0 if offset else 0.0


def _channel(s: Scenario, h: Hotline, rungs: dict[str, int], **identity: Any) -> HotlineParameters:
    """One channel's settings in the engine's units."""
    offset = _utc_offset_hours(h.hours.time_zone, s.start_date) - _utc_offset_hours(s.time_zone, s.start_date)
    return HotlineParameters(
        enabled=h.enabled, lines=h.lines, always_open=h.hours.always_open, open_hour=h.hours.open_hour,
        close_hour=h.hours.close_hour, weekdays_only=h.hours.weekdays_only, offset_hours=offset,
        start_weekday=s.start_date.weekday(), coverage=frozenset(h.coverage),
        ring_days=_in_days(h.ring_hours, 24.0), call_days=_in_days(h.call_duration_hours, 24.0),
        queue_when_busy=h.queue_when_busy, max_retries=h.max_retries, retry_days=_in_days(h.retry_interval_hours, 24.0),
        suspend_rung=rungs[h.suspension.after_rung] if h.suspension.after_rung else len(rungs) + 1,
        suspension_days=h.suspension.duration_days.sampler(), defense_layers=frozenset(h.defense_layers),
        **identity)


def _channels(s: Scenario, index: dict[str, int]) -> tuple[tuple[HotlineParameters, ...], dict[int, tuple[int, ...]]]:
    """Every channel, and by pair of parties the channels joining it in the order calls try them. What a
    channel may set for itself or leave to the parties (consultation, answering) is resolved here, by party."""
    names = list(s.parties)
    parties = list(s.parties.values())
    n = len(names)
    resolved = s.resolved_channels()
    single = len(resolved) == 1
    channels = []
    by_pair: dict[int, list[int]] = {}
    for k, c in enumerate(resolved):
        a, b = names.index(c.a), names.index(c.b)
        pair = pair_index(a, b, n)
        label = c.label or (c.mediator.label if c.mediator else "the hotline" if single else f"the {c.a}-{c.b} hotline")
        channels.append(_channel(
            s, c.settings, index, index=k, label=label, pair=pair,
            relay_days=_in_days(c.mediator.relay_hours, 24.0) if c.mediator else None,
            mediator=c.mediator.label if c.mediator else "",
            consultation_days=tuple(_in_days(c.consultation_of(p), 24.0) for p in parties),
            answer_probability=tuple(c.answer_probability_of(p) for p in parties),
            answer_sensitivity=tuple(c.answer_sensitivity_of(p) for p in parties)))
        by_pair.setdefault(pair, []).append(k)
    return tuple(channels), {pair: tuple(ks) for pair, ks in by_pair.items()}


def _allies(s: Scenario, parties: list[PartyParameters], initiator: int, responder: int,
            index: dict[str, int]) -> tuple[AllyParameters, ...]:
    """The parties that may join an incident between `initiator` and `responder` on a partner's side."""
    names = list(s.parties)
    n = len(names)
    out = []
    for i, party in enumerate(s.parties.values()):
        if i in (initiator, responder):
            continue
        for partner, alliance in party.allied_with.items():
            side = 0 if names.index(partner) == initiator else 1 if names.index(partner) == responder else None
            if side is None:
                continue
            opponent = responder if side == 0 else initiator
            out.append(AllyParameters(
                party=parties[i], party_side=side_of(parties[i], alliance.layer), side=side, opponent=opponent,
                join_rung=index[alliance.join_rung_id(s.ladder)], probability=alliance.join_probability,
                delay_days=_in_days(alliance.delay_hours, 24.0), deterrence=alliance.deterrence_multiplier,
                resolve=alliance.resolve_multiplier, tension_jump=alliance.tension_jump,
                pair=pair_index(i, opponent, n)))
    return tuple(out)


def _mechanisms(s: Scenario, index: dict[str, int], on: bool) -> MechanismParameters:
    """The mechanisms as strengths; a mechanism that is off (or with no channel at all) is neutral."""
    m = s.hotline.mechanisms
    hazard = on and m.moral_hazard.enabled
    threats = on and m.threats.enabled
    silence = on and m.silence.enabled
    return MechanismParameters(
        clarification=on and m.clarification.enabled,
        restraint_factor=m.restraint.escalation_factor if on and m.restraint.enabled else 1.0,
        stand_down_probability=m.stand_down.probability if on and m.stand_down.enabled else 0.0,
        stand_down_rungs=m.stand_down.rungs,
        pause_days=_in_days(m.buying_time.pause_hours, 24.0) if on and m.buying_time.enabled else None,
        silence_tension_jump=m.silence.tension_jump if silence else 0.0,
        silence_resolve=m.silence.resolve_multiplier if silence else 1.0,
        hazard_multiplier=m.moral_hazard.escalation_multiplier if hazard else 1.0,
        hazard_below_rung=index[m.moral_hazard.below_rung_id(s.ladder)],
        threat_probability=m.threats.probability if threats else 0.0,
        threat_tension_jump=m.threats.tension_jump,
        threat_multiplier=m.threats.escalation_multiplier,
    )


def compile_scenario(s: Scenario) -> ModelParameters:
    """Turn a validated scenario (one arm) into engine parameters."""
    ladder = s.ladder
    ids = tuple(ladder.ids)
    index = {rung: i for i, rung in enumerate(ids)}
    names = list(s.parties)
    parties = []
    for i, (name, p) in enumerate(s.parties.items()):
        layers = list(p.forces)
        postures = {layer: p.posture_for(layer) for layer in layers}
        parties.append(PartyParameters(
            index=i, name=name, label=p.label,
            up={layer: tuple(ps.escalate_probability.on(r) for r in ids) for layer, ps in postures.items()},
            down={layer: tuple(ps.de_escalate_probability.on(r) for r in ids) for layer, ps in postures.items()},
            retaliation={layer: ps.retaliation_multiplier for layer, ps in postures.items()},
            reciprocity={layer: ps.reciprocity_multiplier for layer, ps in postures.items()},
            misperception={layer: ps.misperception_probability for layer, ps in postures.items()},
            face_saving={layer: ps.face_saving_step_down for layer, ps in postures.items()},
            delay_days={layer: _in_days(p.decision_delay_hours.on(layer), 24.0) for layer in layers},
            command_days=_in_days(p.chain_of_command_hours, 24.0),
            command_rung=index[p.command_rung_id(ladder)],
            release_rung={layer: index[p.release_rung_id(layer, ladder)]
                          for layer in layers},
            calls=p.hotline.calls, call_rung={layer: index[p.hotline.call_rung_id(layer, ladder)] for layer in layers},
            call_probability=p.hotline.call_probability, answers=p.hotline.answers,
            leaders=_leaders(p.leaders) if s.crisis.enabled else None,
        ))
    h = s.hotline
    n = len(names)
    channels, pair_channels = _channels(s, index)
    any_channel = any(c.enabled for c in channels)
    layers = tuple(dict.fromkeys(layer for p in s.parties.values() for layer in p.forces))
    prevention = h.mechanisms.prevention
    preventing = any_channel and prevention.enabled
    types = []
    for j, (name, t) in enumerate(s.incident_types.items()):
        initiator = names.index(t.initiator)
        responder = names.index(s.responder_of(t))
        responder_layer = t.responder_layer or t.layer
        pair = pair_index(initiator, responder, n)
        own = [channels[c] for c in pair_channels.get(pair, ())]
        covered = any(c.covers((t.layer, responder_layer), False) for c in own)
        accident = tuple(t.accident_probability.on(r) for r in ids)
        if preventing and covered and prevention.accident_factor != 1.0:
            accident = tuple(a * prevention.accident_factor for a in accident)
        types.append(IncidentTypeParameters(
            index=j, name=name, label=t.label, rate_per_day=t.rate_per_year / 365.25,
            initiator=initiator, responder=responder, layer=t.layer, layer_index=layers.index(t.layer),
            responder_layer=responder_layer,
            start_rung=index[t.start_rung],
            max_duration_days=_in_days(t.max_duration_hours, 24.0),
            crisis_days=(_in_days(t.crisis_duration_hours, 24.0) if not s.crisis.enabled
                         or s.crisis.weapons_rung_extension else ConstantSampler(0.0)),
            accident=accident,
            fatal=tuple(t.fatal_accident_share.on(r) for r in ids),
            prevention_rate_factor=prevention.rate_factor if preventing and covered else 1.0,
            covered_layers=covered,
            initiator_side=side_of(parties[initiator], t.layer),
            responder_side=side_of(parties[responder], responder_layer),
            pair=pair, defense_cover=any(c.covers((), True) for c in own),
            allies=_allies(s, parties, initiator, responder, index),
        ))
    shocks = tuple(ShockParameters(
        index=k, label=sh.label, at_day=sh.at_day,
        rate_per_day=(sh.rate_per_year or 0.0) / 365.25, tension_jump=sh.tension_jump,
        suspension_days=sh.suspends_hotline_days.sampler() if sh.suspends_hotline_days else None,
        pair=None if sh.between is None else pair_index(names.index(sh.between[0]), names.index(sh.between[1]), n),
    ) for k, sh in enumerate(s.shocks))
    return ModelParameters(
        rung_ids=ids, rung_labels=tuple(r.label for r in ladder.rungs), top=len(ids) - 1,
        weapons_rung=index[ladder.weapons_rung], military_rung=index[ladder.military_rung],
        serious_rung=index[ladder.serious_rung],
        ambiguous=tuple(r in ladder.ambiguous_ids for r in ids), main_rung=s.main_rung_index, horizon_days=s.horizon_days,
        parties=tuple(parties), types=tuple(types),
        mechanisms=_mechanisms(s, index, any_channel), layers=layers,
        fallback_enabled=s.fallback.enabled, fallback_rung=index[s.fallback.trigger_rung_id(ladder)],
        fallback_days=_in_days(s.fallback.delay_hours, 24.0),
        fallback_probability=s.fallback.clarify_probability,
        tension_initial=s.tension.initial, tension_decay_per_day=math.log(2) / s.tension.half_life_days,
        tension_jump=tuple(s.tension.jump_by_rung.on(r) for r in ids),
        arrival_feedback=s.tension.arrival_feedback, escalation_feedback=s.tension.escalation_feedback,
        shocks=shocks,
        start=dt.datetime(s.start_date.year, s.start_date.month, s.start_date.day),
        channels=channels, pair_channels=pair_channels, spillover=s.tension.spillover, n_pairs=n * (n - 1) // 2,
        odds=s.combine_chances == "odds", crisis_rung=index[s.crisis.start_rung_id(ladder)],
        crisis=_crisis(s, index) if s.crisis.enabled else None,
    )


def _leaders(leaders: Leaders) -> LeaderParameters:
    return LeaderParameters(
        decision_days=_in_days(leaders.decision_hours, 24.0), escalate=leaders.escalate_probability,
        settle=leaders.settle_probability, release=leaders.release_probability,
        apology=leaders.apology_probability, answer=leaders.answer_probability,
        response_days=_in_days(leaders.response_hours, 24.0))


def _crisis(s: Scenario, index: dict[str, int]) -> CrisisParameters:
    c = s.crisis
    return CrisisParameters(
        rung=index[c.start_rung_id(s.ladder)], detention=c.detention_probability, by_actor=c.detained_by_actor,
        demand=c.demand_probability, anger=c.anger_feedback, max_days=c.max_days, call=c.call_probability,
        restraint=c.restraint_factor, settle_factor=c.settle_factor)
