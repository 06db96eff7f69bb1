"""Cross-reference checks that a schema cannot express: rungs, parties and force layers named in one
place must exist in another. Each finding is a (path, message, value) triple for the loader to locate."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from difflib import get_close_matches
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from .schema import Scenario

__all__ = ["reference_problems", "suggest", "seeds_dir"]

Finding = tuple[tuple[Any, ...], str, Any]


def suggest(name: str, choices: list[str]) -> str:
    close = get_close_matches(str(name), choices, n=1, cutoff=0.6)
    if close:
        return f"; did you mean {close[0]!r}?"
    return f"; choose one of: {', '.join(choices)}" if len(choices) <= 12 else ""


def _rung(path: tuple[Any, ...], value: str | None, ids: list[str], what: str = "rung") -> Iterator[Finding]:
    if value is not None and value not in ids:
        yield path, f"no {what} with this id in ladder.rungs{suggest(value, ids)}", value


def _by_rung(path: tuple[Any, ...], by_rung: dict[str, Any], ids: list[str]) -> Iterator[Finding]:
    for rung_id in by_rung:
        if rung_id not in ids:
            yield path + ("by_rung", rung_id), f"no rung with this id in ladder.rungs{suggest(rung_id, ids)}", rung_id


def _layer(path: tuple[Any, ...], layer: str, party: str, layers: list[str]) -> Iterator[Finding]:
    if layer not in layers:
        yield path, f"party {party} has no force layer with this name{suggest(layer, layers)}", layer


def _coverage(base: tuple[Any, ...], channel: Any, all_layers: list[str], ids: list[str],
              enabled: bool) -> Iterator[Finding]:
    """Layers and rungs a hotline or channel names. The layers are checked only where the channel is on:
    the default coverage of a hotline that does not exist need not match the parties' forces."""
    for key in ("coverage", "defense_layers"):
        if not enabled or getattr(channel, key) is None:
            continue
        for i, layer in enumerate(getattr(channel, key)):
            if layer not in all_layers:
                yield base + (key, i), f"no party has this force layer{suggest(layer, all_layers)}", layer
    if channel.suspension is not None:
        yield from _rung(base + ("suspension", "after_rung"), channel.suspension.after_rung, ids)


def reference_problems(s: Scenario, scenario_file: Path | None = None) -> list[Finding]:
    """Every dangling or inconsistent reference in a schema-valid scenario."""
    found: list[Finding] = []
    ids = s.ladder.ids
    if len(set(ids)) != len(ids):
        dup = next(i for i in ids if ids.count(i) > 1)
        found.append((("ladder", "rungs"), "rung ids must be unique", dup))
    top = len(ids) - 1
    for key in ("weapons_rung", "military_rung", "serious_rung"):
        found += _rung(("ladder", key), getattr(s.ladder, key), ids)
    for i, rung in enumerate(s.ladder.ambiguous_rungs or []):
        found += _rung(("ladder", "ambiguous_rungs", i), rung, ids)
    found += _rung(("main_rung",), s.main_rung, ids)
    if s.main_rung in ids and ids.index(s.main_rung) == 0:
        found.append((("main_rung",), "the main rung must be above the lowest rung", s.main_rung))

    party_names = list(s.parties)
    for name, party in s.parties.items():
        base = ("parties", name)
        layers = list(party.forces)
        posture = party.posture
        found += _by_rung(base + ("posture", "escalate_probability"), posture.escalate_probability.by_rung, ids)
        found += _by_rung(base + ("posture", "de_escalate_probability"),
                          posture.de_escalate_probability.by_rung, ids)
        for layer in party.decision_delay_hours.by_layer:
            found += _layer(base + ("decision_delay_hours", "by_layer", layer), layer, name, layers)
        found += _rung(base + ("chain_of_command_rung",), party.chain_of_command_rung, ids)
        for layer, changes in party.posture_by_layer.items():
            here = base + ("posture_by_layer", layer)
            found += _layer(here, layer, name, layers)
            for key in ("escalate_probability", "de_escalate_probability"):
                value = getattr(changes, key)
                if value is not None:
                    found += _by_rung(here + (key,), value.by_rung, ids)
            try:
                party.posture_for(layer)
            except ValueError as exc:
                message = str(exc).split("\n")[-1].strip().removeprefix("Value error, ")
                found.append((here, f"with the party's posture: {message}", None))
        roe = party.weapons_release_rung
        found += _rung(base + ("weapons_release_rung", "default"), roe.default, ids)
        for layer, rung in roe.by_layer.items():
            found += _layer(base + ("weapons_release_rung", "by_layer", layer), layer, name, layers)
            found += _rung(base + ("weapons_release_rung", "by_layer", layer), rung, ids)
        calls = party.hotline.call_at_rung
        found += _rung(base + ("hotline", "call_at_rung", "default"), calls.default, ids)
        for layer, rung in calls.by_layer.items():
            found += _layer(base + ("hotline", "call_at_rung", "by_layer", layer), layer, name, layers)
            found += _rung(base + ("hotline", "call_at_rung", "by_layer", layer), rung, ids)

    for name, kind in s.incident_types.items():
        base = ("incident_types", name)
        if kind.initiator not in s.parties:
            found.append((base + ("initiator",), f"no such party{suggest(kind.initiator, party_names)}",
                          kind.initiator))
            continue
        found += _layer(base + ("layer",), kind.layer, kind.initiator, list(s.parties[kind.initiator].forces))
        responder = kind.responder
        if responder is None and len(s.parties) > 2:
            found.append((base + ("responder",), "with more than two parties, name the responder", None))
        elif responder is not None:
            if responder not in s.parties:
                found.append((base + ("responder",), f"no such party{suggest(responder, party_names)}", responder))
                responder = None
            elif responder == kind.initiator:
                found.append((base + ("responder",), "the responder must differ from the initiator", responder))
        else:
            responder = s.responder_of(kind)
        layer_ok = kind.layer in s.parties[kind.initiator].forces
        if responder is not None and responder in s.parties and (layer_ok or kind.responder_layer):
            found += _layer(base + ("responder_layer",), kind.responder_layer or kind.layer, responder,
                            list(s.parties[responder].forces))
        found += _rung(base + ("start_rung",), kind.start_rung, ids)
        if kind.start_rung == ids[top]:
            found.append((base + ("start_rung",), "an incident cannot start on the absorbing top rung",
                          kind.start_rung))
        found += _by_rung(base + ("accident_probability",), kind.accident_probability.by_rung, ids)
        found += _by_rung(base + ("fatal_accident_share",), kind.fatal_accident_share.by_rung, ids)

    all_layers = sorted({layer for p in s.parties.values() for layer in p.forces})
    inherited = not s.channels or any(c.coverage is None or c.defense_layers is None for c in s.channels.values())
    found += _coverage(("hotline",), s.hotline, all_layers, ids, s.hotline.enabled and inherited)
    for name, channel in s.channels.items():
        base = ("channels", name)
        for i, party in enumerate(channel.between):
            if party not in s.parties:
                found.append((base + ("between", i), f"no such party{suggest(party, party_names)}", party))
        enabled = channel.enabled if channel.enabled is not None else s.hotline.enabled
        found += _coverage(base, channel, all_layers, ids, enabled)
    for name, party in s.parties.items():
        for kind_name, kind in s.incident_types.items():
            sides = (kind.initiator, kind.responder or (s.responder_of(kind) if len(s.parties) == 2 else None))
            if name not in sides and all(side in party.allied_with for side in sides):
                found.append((("parties", name, "allied_with", sides[1]),
                              f"allied with both sides of incident type {kind_name} ({sides[0]} and {sides[1]}): "
                              "an ally joins one side; drop one of the two alliances", sides[1]))
        for partner, alliance in party.allied_with.items():
            here = ("parties", name, "allied_with", partner)
            if partner not in s.parties:
                found.append((here, f"no such party{suggest(partner, party_names)}", partner))
            elif partner == name:
                found.append((here, "a party cannot be its own ally", partner))
            found += _layer(here + ("layer",), alliance.layer, name, list(party.forces))
            found += _rung(here + ("join_at_rung",), alliance.join_at_rung, ids)
    for k, shock in enumerate(s.shocks):
        for i, party in enumerate(shock.between or []):
            if party not in s.parties:
                found.append((("shocks", k, "between", i), f"no such party{suggest(party, party_names)}", party))
    found += _rung(("hotline", "mechanisms", "moral_hazard", "below_rung"),
                   s.hotline.mechanisms.moral_hazard.below_rung, ids)
    found += _rung(("fallback", "trigger_rung"), s.fallback.trigger_rung, ids)
    found += _rung(("crisis", "start_rung"), s.crisis.start_rung, ids)
    if s.crisis.start_rung in ids and ids.index(s.crisis.start_rung) in (0, top):
        found.append((("crisis", "start_rung"), "a crisis starts on a rung above the lowest and below the top "
                      "(the armed clash ends it)", s.crisis.start_rung))
    found += _by_rung(("tension", "jump_by_rung"), s.tension.jump_by_rung.by_rung, ids)
    found += _zone_problems(s)
    found += _source_problems(s, scenario_file)
    return found


def _zone_problems(s: Scenario) -> list[Finding]:
    """Time zones whose UTC offset changes within the run (daylight saving time): the engine keeps each
    zone's offset on the start date, so the hotline's hours would be an hour off for part of the run."""
    zones = [(("time_zone",), s.time_zone), (("hotline", "hours", "time_zone"), s.hotline.hours.time_zone)]
    zones += [(("channels", name, "hours", "time_zone"), c.hours.time_zone)
              for name, c in s.channels.items() if c.hours is not None]
    start = dt.datetime(s.start_date.year, s.start_date.month, s.start_date.day, 12)
    days = int(math.ceil(s.horizon_days)) + 1
    found: list[Finding] = []
    for path, name in zones:
        zone = ZoneInfo(name)
        first = start.replace(tzinfo=zone).utcoffset()
        for day in range(1, days + 1):
            moment = (start + dt.timedelta(days=day)).replace(tzinfo=zone)
            if moment.utcoffset() != first:
                found.append((path, f"this zone changes its UTC offset on {moment.date()}, within the run "
                              "(daylight saving time), and the model keeps the offset of the start date; use a "
                              "fixed-offset zone (Etc/GMT+5 is UTC-5) or a zone without daylight saving time",
                              name))
                break
    return found


def seeds_dir(scenario_file: Path) -> Path | None:
    """The seeds/ folder beside or above a scenario file, if there is one."""
    for folder in list(scenario_file.resolve().parents)[:3]:
        if (folder / "seeds").is_dir():
            return folder / "seeds"
    return None


def _source_problems(s: Scenario, scenario_file: Path | None) -> Iterator[Finding]:
    if scenario_file is None or not s.sources:
        return
    seeds = seeds_dir(scenario_file)
    if seeds is None:
        return
    present = sorted(p.name for p in seeds.iterdir())
    for i, source in enumerate(s.sources):
        if not (seeds / source).is_file():
            yield ("sources", i), f"no such file in {seeds}{suggest(source, present)}", source
