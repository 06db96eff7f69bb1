"""Many quiet incidents of one type walked at once: `sim.engine.quiet.walk`, one array operation per move.

`walk_many` takes the start days of incidents of one type and their blocks of uniforms (one row each)
and runs the arithmetic of `quiet.walk` for all of them together, move k of every incident in one step:
the same IEEE operations on the same floats in the same order (numpy's +, -, *, / and comparisons round
exactly as Python's do; delays come from the samplers' `many`, equal to their scalar calls; tension is
read with `math.exp` element by element). An incident that would climb above its start rung is marked
CLIMBED; one still going after the ten moves its block holds is marked LONG and walked by `quiet.walk`,
which reads its overflow stream.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from .decision import DOWN, HOLD, UP
from .parameters import IncidentTypeParameters, Side

if TYPE_CHECKING:
    from .tension import Tension

__all__ = ["walk_many", "BatchWalk", "QUIET", "CLIMBED", "LONG", "MOVES_IN_BLOCK", "sample_many"]

QUIET, CLIMBED, LONG = 0, 1, 2
MOVES_IN_BLOCK = 10  # a block holds two draws for durations and five for each of ten moves
SMALL = 48  # fewer elements than this are cheaper one by one than through array operations
FEW = 6  # when no more incidents than this are still going, `quiet.walk` finishes them one by one


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


def sample_many(sampler: object, u: np.ndarray) -> np.ndarray:
    """The sampler applied to every element (its `many` when it has one, else element by element)."""
    many = getattr(sampler, "many", None)
    if many is not None and len(u) >= SMALL:
        return many(u)
    return np.array([sampler(x) for x in u.tolist()], dtype=float)  # type: ignore[operator]


def _tension_many(tension: Tension, days: np.ndarray) -> np.ndarray:
    at = tension.at
    return np.array([at(d) for d in days.tolist()], dtype=float)


def walk_many(kind: IncidentTypeParameters, covered: bool, starts: np.ndarray, rows: np.ndarray,
              tension: Tension, feedback: float, hazard: float, hazard_below: int, weapons: int,
              ambiguous: tuple[bool, ...], climbable: bool) -> BatchWalk:
    """Walk every incident of `kind` starting on `starts` (rows: their blocks) while it stays at or below
    its start rung. `climbable` False: no move from the start rung down can go up (tension is not read)."""
    n = len(starts)
    start = kind.start_rung
    status = np.full(n, QUIET, dtype=np.int8)
    last = np.full(n, np.nan)
    enter_owner = np.arange(n)
    d_day, d_rung, d_sign, d_owner = [starts], [np.full(n, start)], [np.ones(n, dtype=np.int64)], [enter_owner]
    e_day: list[np.ndarray] = []
    e_owner: list[np.ndarray] = []

    alive = enter_owner
    now = starts
    end = starts + sample_many(kind.max_duration_days, rows[:, 0])
    rung = np.full(n, start)
    provoked = np.zeros(n, dtype=bool)
    misread = np.zeros(n, dtype=bool)
    other_down = np.zeros(n, dtype=bool)
    sides: tuple[Side, Side] = (kind.initiator_side, kind.responder_side)
    accident_at = np.asarray(kind.accident, dtype=float)
    ambiguous_at = np.asarray(ambiguous, dtype=bool)
    hazardous = hazard != 1.0 and covered

    for k in range(MOVES_IN_BLOCK):
        if len(alive) <= FEW:
            break
        mover, other = (sides[1], sides[0]) if k % 2 == 0 else (sides[0], sides[1])
        base = 2 + 5 * k
        u = rows[alive, base:base + 5]
        delay = sample_many(mover.delay_days, u[:, 0])
        chain = rung >= mover.command_rung
        if chain.any():
            delay[chain] = delay[chain] + sample_many(mover.command_days, u[chain, 1])
        ending = now + delay >= end
        day = np.where(ending, now + np.maximum(end - now, 0.0), now + delay)
        e_day.append(day)
        e_owner.append(alive)

        # Incidents that run their course end here.
        if ending.any():
            d_day.append(day[ending])
            d_rung.append(rung[ending])
            d_sign.append(np.full(int(ending.sum()), -1))
            d_owner.append(alive[ending])
            last[alive[ending]] = day[ending]
        go = ~ending
        alive, day, end, rung, u = alive[go], day[go], end[go], rung[go], u[go]
        provoked, misread, other_down = provoked[go], misread[go], other_down[go]
        if not len(alive):
            break

        # The decision (`sim.engine.decision.decide`, not clarified), element by element.
        up_at = np.asarray(mover.up, dtype=float)[rung]
        if climbable:
            if feedback:
                up_at = up_at * (1.0 + feedback * _tension_many(tension, day))
            up_at = np.where(provoked, up_at * mover.retaliation, up_at)
            if hazardous:
                up_at = np.where(rung < hazard_below, up_at * hazard, up_at)
        down_at = np.asarray(mover.down, dtype=float)[rung]
        down_at = np.where(other_down, down_at * mover.reciprocity, down_at)
        up_at = np.where(up_at > 1.0, 1.0, up_at)
        down_at = np.where(down_at > 1.0 - up_at, 1.0 - up_at, down_at)
        u_decide, u_accident = u[:, 2], u[:, 3]
        step = np.where(u_decide < up_at, UP, np.where(u_decide < up_at + down_at, DOWN, HOLD))
        barred = (step == UP) & (rung + 1 >= weapons) & (rung < mover.release_rung)
        step[barred] = HOLD
        accident = (step != DOWN) & (u_accident < accident_at[rung])
        step = step + accident

        new = rung + step
        climbs = new > start
        status[alive[climbs]] = CLIMBED
        stands_down = (step == DOWN) & (rung == 0)  # the incident ends where it is
        moves = (step != 0) & ~climbs & ~stands_down
        if moves.any():
            d_day += [day[moves], day[moves]]
            d_rung += [rung[moves], new[moves]]
            d_sign += [np.full(int(moves.sum()), -1), np.ones(int(moves.sum()), dtype=np.int64)]
            d_owner += [alive[moves], alive[moves]]
        ends = stands_down | (moves & (new == 0) & (step == DOWN))
        if ends.any():
            d_day.append(day[ends])
            d_rung.append(np.zeros(int(ends.sum()), dtype=np.int64))
            d_sign.append(np.full(int(ends.sum()), -1))
            d_owner.append(alive[ends])
            last[alive[ends]] = day[ends]
        go = ~(climbs | ends)
        up_step = step > 0
        if up_step.any():
            read = u[:, 4] < other.misperception
            provoked_next = ~accident | read
            misread_next = provoked_next & (accident | ambiguous_at[np.minimum(new, len(ambiguous_at) - 1)])
            provoked = np.where(up_step, provoked_next, False)
            misread = np.where(up_step, misread_next, False)
        else:
            provoked = np.zeros(len(alive), dtype=bool)
            misread = np.zeros(len(alive), dtype=bool)
        other_down = step == DOWN
        alive, now, end, rung = alive[go], day[go], end[go], new[go]
        provoked, misread, other_down = provoked[go], misread[go], other_down[go]

    status[alive] = LONG
    return BatchWalk(status, last, np.concatenate(d_day), np.concatenate(d_rung), np.concatenate(d_sign),
                     np.concatenate(d_owner), np.concatenate(e_day) if e_day else np.empty(0),
                     np.concatenate(e_owner) if e_owner else np.empty(0, dtype=np.int64))
