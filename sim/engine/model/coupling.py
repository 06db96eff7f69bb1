"""When an arm's year is provably another arm's: the same scenario without a hotline, in a replication in
which the line never mattered.

Two arms see the same incidents (common random numbers: every draw comes from a stream addressed by what
it is for, never by what happened before). Take an arm `without` that has no enabled channel and an arm
`with_line` whose compiled parameters differ from it only in

- the channels themselves (`channels`, `pair_channels`),
- which incident types a line covers (`covered_layers`, `defense_cover`), provided the moral hazard of a
  covered incident is off in both (`hazard_multiplier` 1.0: otherwise coverage changes chances without a
  call),
- what a call does once it is made (`CALL_ONLY`: clarification, restraint, a stand-down, buying time,
  silence, threats; `sim.engine.model.mechanisms` applies them only to a call's outcome).

Everything else (the parties, the ladder, the rates, the accident chances, prevention's thinning and its
effect on accidents, the crisis, the shocks) is then the same in both arms, so the two years are the same
draw for draw up to the first moment the line can act. The engine marks that moment (`World.touched`):
a call considered over a channel that joins caller and callee and covers the incident (from there the
caller draws from the hotline's stream, and the call changes the incident), a channel suspended, a crisis
call over a channel. Before it, `with_line` differs from `without` only in values nothing has read: who
would be covered at a call, and how a call would go. So if `with_line`'s year ends untouched, `without`'s
year is that same year, record for record, and need not be simulated (`shares_years`; the runner,
`sim.run.experiment.run_chunk`). Anything not listed above that differs (a party's calling, a new field)
makes the two arms not share years: the list is what may differ, not what may not.

`tests/test_coupling.py` checks the rows of shared years against the full computation on scenarios where
the line is often untouched, and that arms which differ in anything else never share.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from .parameters import ModelParameters

__all__ = ["CALL_ONLY", "differences", "shares_years"]

# Fields of `MechanismParameters` read only when a call has been made (`mechanisms.after_answer`,
# `stand_down`, `after_silence`: a call's outcome).
CALL_ONLY = frozenset({"clarification", "restraint_factor", "stand_down_probability", "stand_down_rungs",
                       "pause_days", "silence_tension_jump", "silence_resolve", "threat_probability",
                       "threat_tension_jump", "threat_multiplier"})

_COVERAGE = re.compile(r"types\[\d+\]\.(covered_layers|defense_cover)")
_CHANNELS = re.compile(r"(channels|pair_channels)(\[.*|\..*)?")
_MECHANISM = re.compile(r"mechanisms\.(\w+)")


def differences(a: Any, b: Any, path: str = "") -> list[str]:
    """The paths (`types[3].accident[4]`, `mechanisms.restraint_factor`, ...) at which two compiled
    parameter trees differ; a path ends where the two stop being alike (a tuple of another length, a
    value of another type)."""
    if dataclasses.is_dataclass(a) and not isinstance(a, type) and type(a) is type(b):
        out: list[str] = []
        for field in dataclasses.fields(a):
            out += differences(getattr(a, field.name), getattr(b, field.name),
                               f"{path}.{field.name}" if path else field.name)
        return out
    if isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b):
        out = []
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            out += differences(x, y, f"{path}[{i}]")
        return out
    try:
        same = type(a) is type(b) and bool(a == b)
    except (TypeError, ValueError):  # values that cannot say (arrays): alike only if they print alike
        same = type(a) is type(b) and repr(a) == repr(b)
    return [] if same else [path]


def shares_years(without: ModelParameters, with_line: ModelParameters) -> bool:
    """Whether a year of `without` is provably the year of `with_line` whenever the line did not matter in
    `with_line`'s (`World.touched` false): `without` has no enabled channel and the two differ only in the
    channels, the coverage (moral hazard off) and what calls do (see the module's docstring)."""
    if any(channel.enabled for channel in without.channels):
        return False
    coverage = False
    for path in differences(without, with_line):
        if _CHANNELS.fullmatch(path):
            continue
        if _COVERAGE.fullmatch(path):
            coverage = True
            continue
        mechanism = _MECHANISM.fullmatch(path)
        if mechanism is not None and mechanism.group(1) in CALL_ONLY:
            continue
        return False
    neutral = without.mechanisms.hazard_multiplier == 1.0 and with_line.mechanisms.hazard_multiplier == 1.0
    return neutral or not coverage
