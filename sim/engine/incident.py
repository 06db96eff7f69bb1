"""One incident: two sides moving in turn on the escalation ladder.

Each move reads five uniforms from the incident's own block, always in the same order and always all
five, so that the k-th move of an incident uses the same numbers in every arm of a comparison:
decision delay, chain-of-command delay, decision, accident, misperception.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from .parameters import IncidentTypeParameters
from .streams import Draws

if TYPE_CHECKING:
    from .world import World

__all__ = ["Incident"]

UP, HOLD, DOWN = 1, 0, -1


class Incident:
    """State of one incident and its SimPy process (`run`)."""

    __slots__ = ("world", "kind", "number", "index_in_type", "rung", "highest", "active", "clarified", "covered",
                 "draws", "_called")

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
        self._called = 0  # bit mask of parties that already decided whether to call

    def clarify(self, how: str) -> None:
        """Intent is clarified: misperceptions are corrected and a face-saving step down is on offer."""
        if self.active and not self.clarified:
            self.clarified = True
            self.world.log_event("clarified", self, "", f"intent clarified by {how}")

    def run(self) -> Generator[Any, Any, None]:
        world = self.world
        env = world.env
        kind = self.kind
        draws = self.draws
        top = world.p.top
        weapons = world.p.weapons_rung
        feedback = world.p.escalation_feedback
        ambiguous = world.p.ambiguous
        accident_at = kind.accident
        tension = world.tension
        timeout = env.timeout
        end = env.now + kind.max_duration_days(draws())
        crisis = kind.crisis_days(draws())  # drawn now so that every arm reads the same number
        mover, other = kind.responder_side, kind.initiator_side
        provoked = False  # the mover believes the other's last act was a deliberate escalation
        misread = False  # ... and that belief is a misreading (an accident, an ambiguous act)
        other_stepped_down = False
        world.enter(self)
        while True:
            u_delay, u_command, u_decide, u_accident, u_misread = draws.five()
            delay = mover.delay_days(u_delay)
            rung = self.rung
            if rung >= mover.command_rung:
                delay += mover.command_days(u_command)  # the decision goes up the chain of command
            if env.now + delay >= end:
                yield timeout(max(end - env.now, 0.0))
                world.events += 1
                world.log_event("end", self, "", "the incident runs its course and ends")
                break
            yield timeout(delay)
            world.events += 1
            rung = self.rung
            p_up = mover.up[rung]
            if feedback:
                p_up *= 1.0 + feedback * tension.at(env.now)
            if provoked and not (misread and self.clarified):
                p_up *= mover.retaliation
            p_down = mover.down[rung]
            if other_stepped_down:
                p_down *= mover.reciprocity
            if p_up > 1.0:
                p_up = 1.0
            if p_down > 1.0 - p_up:
                p_down = 1.0 - p_up
            if self.clarified:
                p_down += mover.face_saving * (1.0 - p_up - p_down)
            if u_decide < p_up:
                step = UP
                if rung + 1 >= weapons and rung < mover.release_rung:
                    step = HOLD  # rules of engagement forbid stepping onto the weapons rungs from here
            elif u_decide < p_up + p_down:
                step = DOWN
            else:
                step = HOLD
            accident = step != DOWN and u_accident < accident_at[rung]
            if accident:
                step += 1
            if step == DOWN and rung == 0:
                world.log_event("end", self, mover.party.name,
                                f"{mover.party.label} stands down; the incident ends")
                break
            new = rung + step
            if step:
                if new >= weapons > self.highest:
                    end = max(end, env.now + crisis)  # the encounter has become a political crisis
                world.move(self, new, mover.party, accident)
            if new >= top or (new == 0 and step == DOWN):
                if new == 0:
                    world.log_event("end", self, mover.party.name, "back to routine; the incident ends")
                break
            if step > 0:
                # What the other side believes: a deliberate step provokes; an accident provokes only if
                # misread as deliberate; an act on an ambiguous rung reads as preparing an attack. The
                # last two are misreadings that a clarification of intent corrects.
                provoked = (not accident) or u_misread < other.misperception
                misread = provoked and (accident or ambiguous[new])
                if provoked and accident:
                    world.log_event("misread", self, other.party.name,
                                    f"{other.party.label} reads the accident as deliberate")
            else:
                provoked = misread = False
            other_stepped_down = step == DOWN
            mover, other = other, mover
        self.active = False
        world.leave(self)

    def reached(self, rung: int, actor: int) -> None:
        """Called by the world when this incident first reaches `rung` through a move of party `actor`:
        the side on the receiving end may call the hotline; protests and suspensions may follow."""
        world = self.world
        p = world.p
        hotline = p.hotline
        if not self.covered and rung >= p.military_rung and hotline.coverage & p.defense_layers:
            self.covered = True
        if hotline.enabled and self.covered:
            for party in p.parties:
                bit = 1 << party.index
                if party.index == actor or self.clarified:
                    continue
                if party.calls and rung >= party.call_rung and not self._called & bit:
                    self._called |= bit
                    world.start_call(self, party)
        if rung >= hotline.suspend_rung and hotline.enabled:
            world.suspend_hotline(self)
        if rung == p.fallback_rung and p.fallback_enabled:
            world.start_fallback(self)
