"""The rules of a political crisis after force is used: how it opens, and what each side's leaders decide.

A crisis opens when an incident first reaches the crisis rung (`CrisisParameters.rung`): the party whose
move got it there is the actor, the other side the victim. On opening, a crew, boat or bodies may be held
(by the actor, or by the victim: the 2010 trawler captain, the EP-3 crew) and the victim may demand an
apology. From then on each side's leaders decide, every few days, one of: order an armed response (the
armed clash), do the act of a settlement that is theirs to do (release what they hold; express the regret
owed; once nothing is outstanding, settle), or hold. The chances combine on the odds scale
(`sim.engine.model.rule.on_odds`): public anger, read from the pair's tension, multiplies the weight of an
armed response and divides the weight of a settlement by (1 + anger x tension); a leaders' call that was
answered multiplies them by the restraint and settle factors. The timing, the calls and the end at
`max_days` are the driver's (`sim.engine.events.crisis`).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from .parameters import CrisisParameters, LeaderParameters
from .rule import on_odds
from .xp import SCALAR

__all__ = ["CrisisState", "opening", "owed", "leaders_decide", "ESCALATE", "HOLD", "ACT",
           "RELEASE", "APOLOGY", "SETTLE"]

ESCALATE, HOLD, ACT = "escalate", "hold", "act"
RELEASE, APOLOGY, SETTLE = "release", "apology", "settle"  # the acts of a settlement


class CrisisState:
    """One incident's crisis: who used the force, who holds what, what is owed, whether leaders talked."""

    __slots__ = ("actor", "victim", "holder", "apology_owed", "talked", "start", "over")

    def __init__(self, actor: int, victim: int, holder: int, apology_owed: bool, start: float):
        self.actor = actor  # party index of the side whose move reached the crisis rung
        self.victim = victim
        self.holder = holder  # party holding a crew, boat or bodies; -1 when none is held
        self.apology_owed = apology_owed  # the victim demands the actor's apology
        self.talked = False  # a leaders' call was answered
        self.start = start  # day the crisis opened
        self.over = False


class Opening(NamedTuple):
    holder: int
    apology_owed: bool


def opening(c: CrisisParameters, actor: int, victim: int, u_detain: float, u_holder: float,
            u_demand: float) -> Opening:
    """What the crisis opens with: who holds a crew, boat or bodies (-1: none), and whether an apology is
    demanded of the actor."""
    holder = -1
    if u_detain < c.detention:
        holder = actor if u_holder < c.by_actor else victim
    return Opening(holder, u_demand < c.demand)


def owed(state: CrisisState, party: int) -> str | None:
    """The act of a settlement that is `party`'s to do now: release what it holds, then the apology owed,
    then settle once nothing is outstanding on either side; None while it waits on the other side."""
    if state.holder == party:
        return RELEASE
    if state.apology_owed and party == state.actor:
        return APOLOGY
    if state.holder < 0 and not state.apology_owed:
        return SETTLE
    return None


def leaders_decide(c: CrisisParameters, leaders: LeaderParameters, state: CrisisState, party: int,
                   tension: float, u: float, tilt: Any = None) -> tuple[str, str | None]:
    """One decision of `party`'s leaders: (ESCALATE, None), (ACT, the act: see `owed`), or (HOLD, None).
    `tilt` (a `sim.engine.model.tilt.Weight`): the armed response is drawn with its tilted chance when the
    crisis rung is one of the tilt's."""
    act = owed(state, party)
    up0 = leaders.escalate
    down0 = 0.0 if act is None else {RELEASE: leaders.release, APOLOGY: leaders.apology, SETTLE: leaders.settle}[act]
    anger = 1.0 + c.anger * tension
    p_up, p_down = up0 * anger, down0 / anger
    if state.talked:
        p_up, p_down = p_up * c.restraint, p_down * c.settle_factor
    p_up, p_down = on_odds(SCALAR, p_up, p_down, up0, down0)
    if tilt is not None and c.rung >= tilt.tilt.from_rung:
        u = tilt.uniform(u, p_up)
    if u < p_up:
        return ESCALATE, None
    if u < p_up + p_down:
        return ACT, act
    return HOLD, None
