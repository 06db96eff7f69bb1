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

import math
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from ..quantiles import elementwise, normal_quantiles, standard_normal_quantiles
from .decision import DOWN, HOLD, UP
from .parameters import IncidentTypeParameters, Side
from .quiet import Resume

if TYPE_CHECKING:
    from .tension import Tension

__all__ = ["walk_many", "Kinds", "BatchWalk", "QUIET", "CLIMBED", "LONG", "MOVES_IN_BLOCK", "sample_many"]

QUIET, CLIMBED, LONG = 0, 1, 2
MOVES_IN_BLOCK = 10  # a block holds two draws for durations and five for each of ten moves
SMALL = 48  # fewer elements than this are cheaper one by one than through array operations
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


def sample_many(sampler: object, u: np.ndarray) -> np.ndarray:
    """The sampler applied to every element (its `many` when it has one, else element by element)."""
    many = getattr(sampler, "many", None)
    if many is not None and len(u) >= SMALL:
        return many(u)
    return np.array([sampler(x) for x in u.tolist()], dtype=float)  # type: ignore[operator]


def _tension_many(tension: Tension, days: np.ndarray) -> np.ndarray:
    """`tension.at` of every day (valid until the next rise), the same arithmetic written out."""
    level, since, decay = tension.state
    if level == 0.0:
        return np.zeros(len(days))
    return level * elementwise(math.exp, -decay * (days - since))


class Kinds:
    """Incident types walked together, their numbers as arrays indexed by (type position, side, rung);
    side 0 is the initiator's, 1 the responder's."""

    def __init__(self, kinds: list[IncidentTypeParameters], covered: list[bool], tensions: list[Tension],
                 hazard: float):
        self.kinds = kinds
        sides: list[tuple[Side, Side]] = [(k.initiator_side, k.responder_side) for k in kinds]
        self.sides = sides
        self.start = np.array([k.start_rung for k in kinds])
        self.up = np.array([[side.up for side in pair] for pair in sides], dtype=float)
        self.down = np.array([[side.down for side in pair] for pair in sides], dtype=float)
        self.retaliation = np.array([[side.retaliation for side in pair] for pair in sides], dtype=float)
        self.reciprocity = np.array([[side.reciprocity for side in pair] for pair in sides], dtype=float)
        self.misperception = np.array([[side.misperception for side in pair] for pair in sides], dtype=float)
        self.command_rung = np.array([[side.command_rung for side in pair] for pair in sides])
        self.release_rung = np.array([[side.release_rung for side in pair] for pair in sides])
        self.accident = np.array([k.accident for k in kinds], dtype=float)
        self.hazardous = np.array([hazard != 1.0 and c for c in covered], dtype=bool)
        self._barred: dict[int, np.ndarray] = {}
        # Types reading the same tension (a pair's) share one computation.
        self.tension_groups: list[tuple[Tension, list[int]]] = []
        for j, tension in enumerate(tensions):
            for known, members in self.tension_groups:
                if known is tension:
                    members.append(j)
                    break
            else:
                self.tension_groups.append((tension, [j]))

    def barred(self, weapons: int) -> np.ndarray:
        """(type, side, rung): a step up from the rung is held by the rules of engagement."""
        if weapons not in self._barred:
            rungs = np.arange(self.up.shape[2])
            self._barred[weapons] = (rungs + 1 >= weapons)[None, None, :] & (rungs[None, None, :] <
                                                                              self.release_rung[:, :, None])
        return self._barred[weapons]


def _lognormal(samplers: list[object]) -> tuple[np.ndarray, np.ndarray, float] | None:
    """When every sampler is log-normal with the same clipping of u: their normals' mu and sigma (by
    position) and that clipping; else None."""
    params = [getattr(s, "lognormal", None) for s in samplers]
    if any(q is None for q in params) or len({q[2] for q in params}) != 1:  # type: ignore[index]
        return None
    return (np.array([q[0] for q in params]), np.array([q[1] for q in params]),  # type: ignore[index]
            params[0][2])  # type: ignore[index]


def _by_type(samplers: list[object], t: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Each element's own type's sampler applied to it: log-normal ones (and constant ones) all in one
    pass with parameters by element (the same arithmetic, element by element), others type by type."""
    first = samplers[0]
    if len(samplers) == 1 or all(s is first for s in samplers):
        return sample_many(first, u)
    lognormal = _lognormal(samplers) if len(u) >= SMALL else None
    if lognormal is not None:
        mu, sigma, eps = lognormal
        return elementwise(math.exp, normal_quantiles(np.minimum(np.maximum(u, eps), 1.0 - eps), mu[t], sigma[t]))
    constant = [getattr(s, "constant", None) for s in samplers]
    if all(x is not None for x in constant):
        return np.array(constant, dtype=float)[t]
    out = np.empty(len(u))
    for j in np.unique(t).tolist():
        mask = t == j
        out[mask] = sample_many(samplers[j], u[mask])
    return out


def _tension_by_type(kinds: Kinds, t: np.ndarray, days: np.ndarray) -> np.ndarray:
    if len(kinds.tension_groups) == 1:
        return _tension_many(kinds.tension_groups[0][0], days)
    out = np.empty(len(days))
    for tension, members in kinds.tension_groups:
        mask = np.isin(t, members)
        out[mask] = _tension_many(tension, days[mask])
    return out


class _LogNormalDelays:
    """Decision delays when every side's is log-normal: the standard normal quantiles of the uniforms of
    several moves are computed at once (for the incidents still going when the first of them is needed),
    and move k's delay is `exp(mu + (x * sigma))` with the mover's parameters, as `NormalDist(mu, sigma)
    .inv_cdf` and `math.exp` compute it."""

    BLOCKS = ((0, 2), (2, 5), (5, MOVES_IN_BLOCK))  # moves whose quantiles are computed together

    def __init__(self, rows: np.ndarray, by_side: list[tuple[np.ndarray, np.ndarray, float]]):
        self.rows = rows
        self.eps = by_side[0][2]
        self.x = np.empty((len(rows), MOVES_IN_BLOCK))
        self.mu = [mu for mu, _, _ in by_side]
        self.sigma = [sigma for _, sigma, _ in by_side]

    def __call__(self, k: int, side: int, alive: np.ndarray, t: np.ndarray) -> np.ndarray:
        for first, stop in self.BLOCKS:
            if k == first:
                u = self.rows[alive, 2 + 5 * first:2 + 5 * stop:5]
                self.x[alive, first:stop] = standard_normal_quantiles(np.minimum(np.maximum(u, self.eps),
                                                                                 1.0 - self.eps))
        return elementwise(math.exp, self.mu[side][t] + (self.x[alive, k] * self.sigma[side][t]))

    @staticmethod
    def of(kinds: Kinds, rows: np.ndarray) -> _LogNormalDelays | None:
        """The delays of `kinds` if every side's is log-normal, all with the same clipping; else None."""
        by_side = [_lognormal([pair[side].delay_days for pair in kinds.sides]) for side in (0, 1)]
        if by_side[0] is None or by_side[1] is None or by_side[0][2] != by_side[1][2]:
            return None
        return _LogNormalDelays(rows, by_side)  # type: ignore[arg-type]


def walk_many(kinds: Kinds, t: np.ndarray, starts: np.ndarray, rows: np.ndarray, feedback: float, hazard: float,
              hazard_below: int, weapons: int, ambiguous: tuple[bool, ...], climbable: bool) -> BatchWalk:
    """Walk every incident (type position `t`, starting on `starts`, rows: their blocks) while it stays at
    or below its start rung. `climbable` False: no move from the start rung down can go up (tension, a
    provocation and hazards are not read).

    Each step is one move of every incident still going: its delay and day, then the decision; incidents
    whose move ends them (the course has run, a stand-down at the bottom) or would climb drop out."""
    n = len(starts)
    status = np.full(n, QUIET, dtype=np.int8)
    last = np.full(n, np.nan)
    enter_owner = np.arange(n)
    start_of = kinds.start[t]
    d_day, d_rung, d_sign, d_owner = [starts], [start_of], [np.ones(n, dtype=np.int64)], [enter_owner]
    e_day: list[np.ndarray] = []
    e_owner: list[np.ndarray] = []

    alive, tt = enter_owner, t
    now = starts
    end = starts + _by_type([k.max_duration_days for k in kinds.kinds], t, rows[:, 0])
    rung = start = start_of
    provoked = np.zeros(n, dtype=bool)
    other_down = np.zeros(n, dtype=bool)
    barred_at = kinds.barred(weapons)
    top_start = int(kinds.start.max())
    # Moves below the start rungs only: skip what cannot happen there.
    chains = bool((kinds.command_rung <= top_start).any())
    # Incidents that start on the bottom rung and can never go up (types settled after the run, mostly).
    bottom_only = (not climbable and top_start == 0 and not kinds.up[:, :, 0].any()
                   and not kinds.accident[:, 0].any())
    bottom_down = np.minimum(kinds.down[:, :, 0], 1.0)  # p_down, clamped to 1 - p_up with p_up = 0
    bars = bool(barred_at[:, :, :top_start + 1].any())
    hazardous_at = kinds.hazardous if climbable and kinds.hazardous.any() else None
    lognormal = _LogNormalDelays.of(kinds, rows) if n >= SMALL else None
    # Without tension (none yet) feedback multiplies by 1.0: skip it.
    tense = bool(feedback) and any(tension.state[0] != 0.0 for tension, _ in kinds.tension_groups)
    delay_samplers = [[pair[s].delay_days for pair in kinds.sides] for s in (0, 1)]
    command_samplers = [[pair[s].command_days for pair in kinds.sides] for s in (0, 1)]

    for k in range(MOVES_IN_BLOCK):
        if len(alive) <= FEW:
            break
        s = 1 if k % 2 == 0 else 0  # the mover's side: the responder moves first
        base = 2 + 5 * k
        u = rows[alive, base:base + 5]
        if lognormal is not None:
            delay = lognormal(k, s, alive, tt)
        else:
            delay = _by_type(delay_samplers[s], tt, u[:, 0])
        if chains:
            chain = rung >= kinds.command_rung[tt, s]
            if chain.any():
                delay[chain] = delay[chain] + _by_type(command_samplers[s], tt[chain], u[chain, 1])
        ending = now + delay >= end  # the incident runs its course and ends on this day
        day = np.where(ending, now + np.maximum(end - now, 0.0), now + delay)
        e_day.append(day)
        e_owner.append(alive)

        if bottom_only:
            # On the bottom rung, with no chance to go up and no accident, `decide` only ever steps down
            # (ending the incident) or holds, and the mover is never told the other stepped down.
            ends = ending | (u[:, 2] < bottom_down[tt, s])
            at, who = day[ends], alive[ends]
            d_day.append(at)
            d_rung.append(_zeros(len(at)))
            d_sign.append(_minus(len(at)))
            d_owner.append(who)
            last[who] = at
            go = ~ends
            alive, tt, now, end = alive[go], tt[go], day[go], end[go]
            rung, start, provoked, other_down = rung[go], start[go], provoked[go], other_down[go]
            continue

        # The decision (`sim.engine.decision.decide`, not clarified), element by element; it is computed
        # for the ending incidents too and thrown away.
        up_at = kinds.up[tt, s, rung]
        if climbable:
            if tense:
                up_at = up_at * (1.0 + feedback * _tension_by_type(kinds, tt, day))
            up_at = np.where(provoked, up_at * kinds.retaliation[tt, s], up_at)
            if hazardous_at is not None:
                hazardous = hazardous_at[tt] & (rung < hazard_below)
                up_at = np.where(hazardous, up_at * hazard, up_at)
        down_at = kinds.down[tt, s, rung]
        down_at = np.where(other_down, down_at * kinds.reciprocity[tt, s], down_at)
        up_at = np.where(up_at > 1.0, 1.0, up_at)
        room = 1.0 - up_at
        down_at = np.where(down_at > room, room, down_at)
        u_decide = u[:, 2]
        step = np.where(u_decide < up_at, UP, np.where(u_decide < up_at + down_at, DOWN, HOLD))
        if bars:
            step[(step == UP) & barred_at[tt, s, rung]] = HOLD  # rules of engagement
        accident = (step != DOWN) & (u[:, 3] < kinds.accident[tt, rung])
        step += accident

        new = rung + step
        decided = ~ending
        climbs = decided & (new > start)
        status[alive[climbs]] = CLIMBED
        down = step == DOWN
        stands_down = decided & down & (rung == 0)  # the incident ends where it is
        moves = decided & (step != 0) & ~climbs & ~stands_down
        if moves.any():
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
        go = ~(ends | climbs)
        up_step = step > 0
        provoked = up_step & (~accident | (u[:, 4] < kinds.misperception[tt, 1 - s]))
        other_down = down
        alive, tt, now, end, rung, start = alive[go], tt[go], day[go], end[go], new[go], start[go]
        provoked, other_down = provoked[go], other_down[go]

    else:
        k = MOVES_IN_BLOCK
    status[alive] = LONG
    resume = [(i, Resume(k, d, e, r, p, o)) for i, d, e, r, p, o in
              zip(alive.tolist(), now.tolist(), end.tolist(), rung.tolist(), provoked.tolist(), other_down.tolist(),
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
