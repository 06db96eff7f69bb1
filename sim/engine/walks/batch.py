"""Many quiet incidents walked at once: `sim.engine.quiet.walk`, one array operation per move.

`walk_many` takes the start days of incidents (of one or several types, `Kinds`) and their blocks of
uniforms (one row each) and runs the arithmetic of `quiet.walk` for all of them together, move k of every
incident in one step: the same IEEE operations on the same floats in the same order (numpy's +, -, *, /
and comparisons round exactly as Python's do; delays come from the samplers' `many`, equal to their scalar
calls; tension is read with `math.exp` element by element). An incident that would climb above its start
rung is marked CLIMBED; the last few of a batch still going (and any still going after the ten moves its
block holds) are marked LONG, with the state to go on from one by one (`quiet.walk(..., resume=...)`, which
reads the overflow stream when the block runs out).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from ..model import rule
from ..model.cache import by_identity
from ..model.parameters import IncidentTypeParameters, ModelParameters
from ..model.rule import DOWN, Situation
from ..model.tension import level_at
from . import compiled
from .quiet import Resume
from .rows import MOVES_IN_BLOCK, SMALL, LogNormalDelays, Rows, SideTables, by_type

if TYPE_CHECKING:
    from ..model.tension import Tension

__all__ = ["walk_many", "Kinds", "BatchWalk", "QUIET", "CLIMBED", "LONG", "MOVES_IN_BLOCK"]

QUIET, CLIMBED, LONG = 0, 1, 2
OVERFLOW_MOVES = 12  # moves a walk goes on with in compiled code, on the first uniforms of its overflow stream
FEW = 20  # when no more incidents than this are still going, `quiet.walk` takes each on from where it is


class BatchWalk(NamedTuple):
    """Walked courses of a batch. Incidents are numbered by position in the batch (owners). Changes of the
    crisis level as (day, rung, +1/-1, owner) in each owner's own order, days of engine events by owner,
    and each incident's status and last day (its end, for QUIET ones)."""

    status: np.ndarray
    last: np.ndarray
    d_day: np.ndarray
    d_rung: np.ndarray
    d_sign: np.ndarray
    d_owner: np.ndarray
    e_day: np.ndarray
    e_owner: np.ndarray
    resume: list[tuple[int, Resume]]  # the LONG ones: owner, and where to go on one by one


class _Table:
    """What a `Kinds` holds that is the same in every replication of an arm: its types' tables."""

    __slots__ = ("kinds", "sides", "start", "accident", "accident_flat", "rungs", "fatal_table", "fatal_flat",
                 "fatal", "prepared")

    def __init__(self, kinds: list[IncidentTypeParameters]):
        self.kinds = list(kinds)
        self.sides = SideTables.of([(k.initiator_side, k.responder_side) for k in kinds])
        self.start = np.array([k.start_rung for k in kinds])
        self.accident = np.array([k.accident for k in kinds], dtype=float)
        self.accident_flat = self.accident.ravel()  # read at type * rungs + rung
        self.rungs = self.accident.shape[1]
        self.fatal_table = np.array([k.fatal for k in kinds], dtype=float)
        self.fatal_flat = self.fatal_table.ravel()
        self.fatal = bool(self.fatal_flat.any())  # some accident may jump to the crisis rung
        self.prepared: dict[tuple[int, ...], Any] = {}  # the compiled walk's, by arm (`compiled._prepared`)

    @staticmethod
    def of(kinds: list[IncidentTypeParameters]) -> _Table:
        """The table of these types, built once for all the replications of an arm (by their identity)."""
        return by_identity(_TABLES, tuple(kinds), lambda: _Table(kinds))


_TABLES: dict[tuple[int, ...], Any] = {}


class Kinds:
    """Incident types walked together: their sides' numbers as tables by (type position, side[, rung])
    (`SideTables`), their own numbers by (type position, rung), and the tension each reads."""

    def __init__(self, kinds: list[IncidentTypeParameters], covered: list[bool], tensions: list[Tension]):
        table = self.table = _Table.of(kinds)
        self.kinds = kinds
        self.sides, self.start, self.rungs = table.sides, table.start, table.rungs
        self.accident, self.accident_flat = table.accident, table.accident_flat
        self.fatal_table, self.fatal_flat, self.fatal = table.fatal_table, table.fatal_flat, table.fatal
        self.covered = np.array(covered, dtype=bool)
        # The replication's streams as the walk kernel reads them, once asked for (`walked.walk_all`).
        self.streams: tuple[np.ndarray, tuple[np.ndarray, np.ndarray, int]] | None = None
        # Types reading the same tension (a pair's) share one computation.
        self.tension_groups: list[tuple[Tension, list[int]]] = []
        for j, tension in enumerate(tensions):
            for known, members in self.tension_groups:
                if known is tension:
                    members.append(j)
                    break
            else:
                self.tension_groups.append((tension, [j]))

    def tension(self, t: np.ndarray, days: np.ndarray) -> np.ndarray:
        """The tension each incident (type position `t`) reads on its day (valid until the next rise)."""
        xp = Rows()
        if len(self.tension_groups) == 1:
            return level_at(*self.tension_groups[0][0].state, days, xp)
        out = np.empty(len(days))
        for tension, members in self.tension_groups:
            mask = np.isin(t, members)
            out[mask] = level_at(*tension.state, days[mask], xp)
        return out


def walk_many(kinds: Kinds, t: np.ndarray, starts: np.ndarray, rows: np.ndarray, p: ModelParameters,
              climbable: bool, go_on: compiled.GoOn | None = None, base_states: np.ndarray | None = None
              ) -> BatchWalk:
    """Walk every incident (type position `t`, starting on `starts`, rows: their blocks) while it stays at
    or below its start rung, by the rules of a move (`sim.engine.model.rule`) on arrays. `climbable` False:
    no move from the start rung down can go up (no tension nor moral hazard to read: they multiply zero).

    Each step is one move of every incident still going: its delay and day, then the decision; incidents
    whose move ends them (the course has run, a stand-down at the bottom) or would climb drop out.

    `go_on` (compiled code only): walks still going when their blocks run out go on in the kernel on the
    first uniforms of their overflow streams (`compiled.walk_compiled`); the array walk ignores it.
    `base_states` (with `compiled.draws_blocks` true; `rows` empty): the kernel draws the blocks itself."""
    if compiled.available():
        walked = compiled.walk_compiled(kinds, t, starts, rows, p, climbable, MOVES_IN_BLOCK, go_on,
                                        OVERFLOW_MOVES, base_states)
        if walked is not None:
            return BatchWalk(*walked)
    assert base_states is None, "the kernel draws blocks only where it takes the batch (`draws_blocks`)"
    end = starts + by_type([k.max_duration_days for k in kinds.kinds], t, rows[:, 0])
    n = len(starts)
    status = np.full(n, QUIET, dtype=np.int8)
    last = np.full(n, np.nan)
    enter_owner = np.arange(n)
    start_of = kinds.start[t]
    d_day, d_rung, d_sign, d_owner = [starts], [start_of], [np.ones(n, dtype=np.int64)], [enter_owner]
    e_day: list[np.ndarray] = []
    e_owner: list[np.ndarray] = []
    feedback, mech, weapons, top = p.escalation_feedback, p.mechanisms, p.weapons_rung, p.top
    ambiguous = np.array(p.ambiguous, dtype=bool)

    alive, tt = enter_owner, t
    now = starts
    rung = start = start_of
    situation = Situation(np.zeros(n, dtype=bool), np.zeros(n, dtype=bool), np.zeros(n, dtype=bool))
    top_start = int(kinds.start.max())
    # Incidents that start on the bottom rung and can never go up (types settled after the run, mostly):
    # a move either ends the incident (the course has run, a step down) or holds, so only ends are kept.
    bottom_only = (not climbable and top_start == 0 and not kinds.sides.table("up")[:, :, 0].any()
                   and not kinds.accident[:, 0].any())
    delays = LogNormalDelays.of(kinds.sides, rows) if n >= SMALL else None
    # Without tension (none yet) feedback multiplies by 1.0: skip it.
    tense = bool(feedback) and any(tension.state[0] != 0.0 for tension, _ in kinds.tension_groups)

    for k in range(MOVES_IN_BLOCK):
        if len(alive) <= FEW:
            break
        s = 1 if k % 2 == 0 else 0  # the mover's side: the responder moves first
        base = 2 + 5 * k
        u = rows[alive, base:base + 5]
        xp = Rows(k, alive, delays)
        mover = kinds.sides.side(tt, s)
        ending, wait = rule.next_decision(xp, mover, rung, u[:, 0], u[:, 1], now, end)
        day = now + wait
        e_day.append(day)
        e_owner.append(alive)

        # The decision, computed for the ending incidents too and thrown away.
        if climbable:
            tension = kinds.tension(tt, day) if tense else None
            # (None where the rule does not read it: a neutral hazard; it would fail loudly if it did)
            covered = kinds.covered.take(tt) if mech.hazard_multiplier != 1.0 else None
            factor = rule.escalation_factor(xp, 1.0, covered, rung, mech)
        else:
            tension, factor = None, rule.NEUTRAL
        step, accident = rule.decide(mover, rung, situation, False, tension, feedback, factor, weapons,
                                     kinds.accident_flat.take(tt * kinds.rungs + rung), u[:, 2], u[:, 3], xp,
                                     odds=p.odds, crisis_rung=p.crisis_rung,
                                     fatal_share=kinds.fatal_flat.take(tt * kinds.rungs + rung) if kinds.fatal else 0.0)
        down = step == DOWN
        decided = ~ending

        if bottom_only:
            ends = ending | down  # a step down from the bottom rung ends the incident where it is
            at, who = day[ends], alive[ends]
            d_day.append(at)
            d_rung.append(_zeros(len(at)))
            d_sign.append(_minus(len(at)))
            d_owner.append(who)
            last[who] = at
            go = np.flatnonzero(~ends)
            alive, tt, now, end = alive.take(go), tt.take(go), day.take(go), end.take(go)
            rung, start = rung.take(go), start.take(go)
            provoked, misread, other_down = situation
            situation = Situation(provoked.take(go), misread.take(go), other_down.take(go))
            continue

        new = rule.next_rung(xp, rung, step, top)
        climbs = decided & (new > start)
        status[alive[climbs]] = CLIMBED
        stands_down = decided & down & (rung == 0)  # the incident ends where it is
        moves = decided & (step != 0) & ~climbs & ~stands_down
        if np.count_nonzero(moves):
            at, who = day[moves], alive[moves]
            d_day += [at, at]
            d_rung += [rung[moves], new[moves]]
            d_sign += [_minus(len(at)), _plus(len(at))]
            d_owner += [who, who]
        ends = ending | stands_down | (moves & (new == 0) & down)
        at, who = day[ends], alive[ends]
        d_day.append(at)
        d_rung.append(np.where(ending[ends], rung[ends], 0))
        d_sign.append(_minus(len(at)))
        d_owner.append(who)
        last[who] = at
        go = np.flatnonzero(~(ends | climbs))
        situation = rule.after_move(xp, step, accident, u[:, 4], kinds.sides.side(tt, 1 - s), ambiguous.take(new))
        alive, tt, now, end, rung, start = alive.take(go), tt.take(go), day.take(go), end.take(go), new.take(go), \
            start.take(go)
        provoked, misread, other_down = situation
        situation = Situation(provoked.take(go), misread.take(go), other_down.take(go))

    else:
        k = MOVES_IN_BLOCK
    status[alive] = LONG
    resume = [(i, Resume(k, d, e, r, pr, mi, o)) for i, d, e, r, pr, mi, o in
              zip(alive.tolist(), now.tolist(), end.tolist(), rung.tolist(), *(x.tolist() for x in situation),
                  strict=True)]
    return BatchWalk(status, last, np.concatenate(d_day), np.concatenate(d_rung), np.concatenate(d_sign),
                     np.concatenate(d_owner), np.concatenate(e_day) if e_day else np.empty(0),
                     np.concatenate(e_owner) if e_owner else np.empty(0, dtype=np.int64), resume)


_MINUS = np.full(1 << 14, -1, dtype=np.int64)  # views of these stand for runs of -1 and +1
_PLUS = np.ones(1 << 14, dtype=np.int64)
_ZEROS = np.zeros(1 << 14, dtype=np.int64)


def _minus(n: int) -> np.ndarray:
    return _MINUS[:n] if n <= len(_MINUS) else np.full(n, -1, dtype=np.int64)


def _zeros(n: int) -> np.ndarray:
    return _ZEROS[:n] if n <= len(_ZEROS) else np.zeros(n, dtype=np.int64)


def _plus(n: int) -> np.ndarray:
    return _PLUS[:n] if n <= len(_PLUS) else np.ones(n, dtype=np.int64)
