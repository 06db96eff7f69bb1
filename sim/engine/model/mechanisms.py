"""What a call does: the chance it is answered, and the mechanisms acting on the incident after an answered
call or a call given up on. The call's course in time (consultation, hours, lines, relays, redials) is the
driver's (`sim.engine.events.call`); what comes of it is here.

The uniforms an answered call reads are always all three (threat, stand-down, pause), so switching a
mechanism off never shifts another's draws. A switched-off mechanism has its neutral value in
`MechanismParameters`; nothing here asks whether one is on.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from .parameters import PartyParameters
from .streams import Draws

if TYPE_CHECKING:
    from .incident import Incident
    from .state import Replication

__all__ = ["answer_chance", "after_answer", "after_silence", "stand_down"]


def answer_chance(answer_probability: float, sensitivity: float, tension: float) -> float:
    """The chance a ringing call is answered: the callee's answer probability on the channel, falling with
    the tension of the channel's pair (channels go silent when most needed)."""
    return answer_probability * math.exp(-sensitivity * tension)


def after_answer(rep: Replication, incident: Incident, caller: PartyParameters, draws: Draws, pair: int = 0) -> None:
    """An answered call has ended while the incident is still open: apply the mechanisms."""
    m = rep.p.mechanisms
    u_threat, u_stand, u_pause = draws(), draws(), draws()  # always all three: the order never shifts
    if m.clarification:
        incident.clarify("hotline call")
    if u_threat < m.threat_probability:
        rep.record.threats += 1
        rep.tensions.jump(rep.now(), m.threat_tension_jump, pair)
        incident.up_factor[0] *= m.threat_multiplier
        incident.up_factor[1] *= m.threat_multiplier
        rep.log_event("threat", incident, caller.name, "the call carries a threat; both sides harden")
    else:
        if m.restraint_factor != 1.0:
            incident.up_factor[0] *= m.restraint_factor
            incident.up_factor[1] *= m.restraint_factor
            rep.log_event("restraint", incident, "", "leaders order their forces to hold")
        if u_stand < m.stand_down_probability:
            stand_down(rep, incident, m.stand_down_rungs)
            if not incident.active:
                return
    if m.pause_days is not None:
        pause = m.pause_days(u_pause)
        incident.pause_days += pause
        rep.log_event("pause", incident, "", f"the call buys {pause * 24.0:.1f} hours before the next decision")


def stand_down(rep: Replication, incident: Incident, rungs: int) -> None:
    """Both sides agree to step back together by `rungs` (reaching the bottom rung ends the incident)."""
    rep.record.stand_downs += 1
    target = max(incident.rung - rungs, 0)
    rep.move(incident, target, None, False, "both sides agree to step back together")
    if target == 0:
        incident.end_now("the agreed stand-down ends the incident")
    else:
        incident.truce = True


def after_silence(rep: Replication, incident: Incident, caller: PartyParameters, pair: int = 0,
                  last: bool = True) -> None:
    """The caller gave up on a channel that never answered; if it was the last one to try, the silence is
    read as a signal."""
    rep.record.calls_unanswered += 1
    if not last:
        return
    m = rep.p.mechanisms
    if m.silence_tension_jump > 0.0 or m.silence_resolve != 1.0:
        rep.tensions.jump(rep.now(), m.silence_tension_jump, pair)
        side = incident.side_index(caller.index)
        if side is not None:
            incident.up_factor[side] *= m.silence_resolve
        rep.log_event("silence", incident, caller.name, f"{caller.label} reads the silence as hostile")
