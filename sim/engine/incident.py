"""One incident: two sides moving in turn on the escalation ladder.

Each move reads five uniforms from the incident's own block, always in the same order and always all
five, so that the k-th move of an incident uses the same numbers in every arm of a comparison:
decision delay, chain-of-command delay, decision, accident, misperception. The decision itself is the pure
function `sim.engine.decision.decide`; what a hotline call does to an incident is in `sim.engine.call`,
which changes the incident only through the fields below (`clarified`, `up_factor`, `pause_days`, `truce`).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from .decision import DOWN, Situation, decide
from .parameters import IncidentTypeParameters
from .quiet import Pending
from .streams import Draws

if TYPE_CHECKING:
    from .world import World

__all__ = ["Incident"]


class Incident:
    """State of one incident and its routine (`run`)."""

    __slots__ = ("world", "kind", "number", "index_in_type", "rung", "highest", "active", "clarified", "covered",
                 "draws", "called", "decisions", "up_factor", "pause_days", "truce", "joined")

    def __init__(self, world: World, kind: IncidentTypeParameters, number: int, index_in_type: int,
                 draws: Draws):
        self.world = world
        self.kind = kind
        self.number = number  # serial number in the replication, for narratives
        self.index_in_type = index_in_type  # addresses this incident's random numbers (same in every arm)
        self.rung = kind.start_rung
        self.highest = kind.start_rung
        self.active = True
        self.clarified = False
        self.covered = kind.covered_layers
        self.draws = draws
        self.called = 0  # bit mask of parties that already decided whether to call
        self.decisions = 0  # decisions taken so far (a call is in time if none was taken while it went on)
        self.up_factor = [1.0, 1.0]  # factors on the initiator's and the responder's escalation chance
        self.pause_days = 0.0  # delay added to the pending decision by an answered call (buying time)
        self.truce = False  # an agreed stand-down happened since the mover's last decision
        self.joined = 0  # bit mask of the kind's allies (by position) that have joined

    def clarify(self, how: str) -> None:
        """Intent is clarified: misperceptions are corrected and a face-saving step down is on offer."""
        if self.active and not self.clarified:
            self.clarified = True
            self.world.log_event("clarified", self, "", f"intent clarified by {how}")

    def side_index(self, party: int) -> int | None:
        """0 for the initiator's side, 1 for the responder's (an ally: its partner's); None for others."""
        kind = self.kind
        if party == kind.initiator:
            return 0
        if party == kind.responder:
            return 1
        return next((ally.side for ally in kind.allies if ally.party.index == party), None)

    def run(self, pending: Pending | None = None) -> Generator[Any, Any, None]:
        """The incident's routine from its start, or, with `pending`, from a state `sim.engine.quiet.walk`
        reached (the incident has entered and waits for the event on `pending.day`)."""
        world = self.world
        env = world.env
        kind = self.kind
        draws = self.draws
        p = world.p
        top = p.top
        weapons = p.weapons_rung
        feedback = p.escalation_feedback
        ambiguous = p.ambiguous
        mech = p.mechanisms
        hazard, hazard_below = mech.hazard_multiplier, mech.hazard_below_rung
        accident_at = kind.accident
        tension = world.tension_of[kind.index]
        timeout = env.timeout
        mover, other = kind.responder_side, kind.initiator_side
        if pending is None:
            end = env.now + kind.max_duration_days(draws())
            crisis = kind.crisis_days(draws())  # drawn now so that every arm reads the same number
            mover_index = 1
            situation = Situation()
            world.enter(self)
        else:
            end, crisis = pending.end, kind.crisis_days(pending.u_crisis)
            mover_index, situation = pending.mover_index, pending.situation
            if mover_index == 0:
                mover, other = other, mover
        while self.active:
            if pending is None:
                u_delay, u_command, u_decide, u_accident, u_misread = draws.five()
                delay = mover.delay_days(u_delay)
                rung = self.rung
                if rung >= mover.command_rung:
                    delay += mover.command_days(u_command)  # the decision goes up the chain of command
                ending = env.now + delay >= end
                yield timeout(max(end - env.now, 0.0)) if ending else timeout(delay)
            else:
                day, ending, u_decide, u_accident, u_misread = pending[:5]
                pending = None
                yield world.agenda.event_at(day)
            if self._ended_meanwhile():
                return
            world.events += 1
            if ending:
                world.log_event("end", self, "", "the incident runs its course and ends")
                break
            while self.pause_days > 0.0:  # an answered call bought time: the pending decision waits
                pause, self.pause_days = self.pause_days, 0.0
                yield timeout(min(pause, max(end - env.now, 0.0)))
                world.events += 1
                if self._ended_meanwhile():
                    return
            if env.now >= end:
                world.log_event("end", self, "", "the incident runs its course and ends")
                break
            if self.truce:
                self.truce = False
                situation = Situation(other_stepped_down=True)
            self.decisions += 1
            rung = self.rung
            p_up = mover.up[rung]
            if feedback:
                p_up *= 1.0 + feedback * tension.at(env.now)
            factor = self.up_factor[mover_index]
            if hazard != 1.0 and self.covered and rung < hazard_below:
                factor *= hazard
            step, accident = decide(mover, rung, p_up, factor, situation, self.clarified, weapons,
                                    accident_at[rung], u_decide, u_accident)
            if step == DOWN and rung == 0:
                world.log_event("end", self, mover.party.name,
                                f"{mover.party.label} stands down; the incident ends")
                break
            new = rung + step
            if new > top:  # an accident on top of a step up from just below the top stops at the top
                new = top
            if step:
                if new >= weapons > self.highest:
                    end = max(end, env.now + crisis)  # the encounter has become a political crisis
                world.move(self, new, mover.party, accident)
            if new >= top or (new == 0 and step == DOWN):
                if new == 0:
                    world.log_event("end", self, mover.party.name, "back to routine; the incident ends")
                break
            if step > 0:
                situation = Situation.after_step_up(accident, u_misread < other.misperception, ambiguous[new])
                if situation.provoked and accident:
                    world.log_event("misread", self, other.party.name,
                                    f"{other.party.label} reads the accident as deliberate")
            else:
                situation = Situation(other_stepped_down=step == DOWN)
            mover, other = other, mover
            mover_index = 1 - mover_index
        if self.active:
            self.active = False
            world.leave(self)

    def _ended_meanwhile(self) -> bool:
        """True when an agreed stand-down ended the incident while this routine waited."""
        return not self.active

    def end_now(self, how: str) -> None:
        """End the incident at once (an agreed stand-down reached the bottom rung)."""
        if self.active:
            self.world.log_event("end", self, "", how)
            self.active = False
            self.world.leave(self)
