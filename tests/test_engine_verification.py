"""Verification: configurations that reduce the model to textbook cases match the closed forms.

Each test fixes its seeds (so it is deterministic) and compares with a 99.9% interval (z = 3.29): a
correct engine would fail such a check by chance once in a thousand seeds, and the seeds are fixed, so a
failure means the engine changed; the intervals are narrow enough (stated per test) to catch real errors.
"""

from __future__ import annotations

import math

from sim.engine import replication_seed, simulate
from sim.run.stats import wilson

from .engine_helpers import LADDER, QUIET, SHORT_LADDER, params, party, single_incident

Z = 3.29  # two-sided 99.9%


def test_birth_death_ladder_matches_gamblers_ruin() -> None:
    """Up one rung with p, down with q = 1 - p, from rung s; absorbed at 0 or N.

    P(reach N) = (1 - r^s) / (1 - r^N), r = q/p; E[moves] = s/(q-p) - N/(q-p) * P(reach N)
    (Feller, An Introduction to Probability Theory, vol. 1, ch. XIV).
    """
    p_up, s, top = 0.45, 2, 5
    q = 1 - p_up
    text = ("name: ruin\nhorizon_days: 1000\n" + LADDER + "parties:" + party("A", p_up, q) + party("B", p_up, q)
            + QUIET + """
hotline: {enabled: false}
incident_types:
  walk: {label: a walk, rate_per_year: 1, initiator: A, layer: navy, start_rung: r2,
         max_duration_hours: 1000000}
""")
    p = params(text)
    r = q / p_up
    exact_p = (1 - r**s) / (1 - r**top)
    exact_moves = s / (q - p_up) - top / (q - p_up) * exact_p
    n = 4000
    hits, moves = 0, []
    for k in range(n):
        record, events = single_incident(p, 1000 + k)
        hits += record.highest_rung == top
        moves.append(events)
    interval = wilson(hits, n, confidence=0.999)
    assert interval.contains(exact_p), (hits / n, exact_p)
    mean = sum(moves) / n
    sd = math.sqrt(sum((m - mean) ** 2 for m in moves) / (n - 1))
    assert abs(mean - exact_moves) < Z * sd / math.sqrt(n), (mean, exact_moves)
    assert interval.half_width < 0.03  # tight enough to tell p = 0.45 (exact 0.286) from p = 0.5 (0.4)


def _count_scenario(rate: float, initial: float = 0.0, feedback: float = 0.0) -> str:
    return ("name: poisson\nhorizon_days: 365.25\n" + LADDER + "parties:" + party("A", 0.0, 1.0)
            + party("B", 0.0, 1.0) + f"""
tension: {{initial: {initial}, half_life_days: 30, arrival_feedback: {feedback}, escalation_feedback: 0}}
fallback: {{enabled: false}}
hotline: {{enabled: false}}
incident_types:
  blip: {{label: a blip, rate_per_year: {rate}, initiator: A, layer: navy, start_rung: r0}}
""")


def _counts(text: str, n: int) -> list[int]:
    p = params(text)
    return [simulate(p, replication_seed(7, k)).incidents for k in range(n)]


def test_homogeneous_arrivals_have_poisson_mean_and_variance() -> None:
    """N(365.25 days) ~ Poisson(120): mean 120, variance 120. n = 2000 replications:
    SE of the mean 0.245, SD of the variance ratio sqrt(2/(n-1)) = 0.032."""
    n, lam = 2000, 120.0
    counts = _counts(_count_scenario(lam), n)
    mean = sum(counts) / n
    var = sum((c - mean) ** 2 for c in counts) / (n - 1)
    assert abs(mean - lam) < Z * math.sqrt(lam / n)
    assert abs(var / lam - 1) < Z * math.sqrt(2 / (n - 1))


def test_tension_modulated_arrivals_match_the_integrated_rate() -> None:
    """Rate base * (1 + a T0 exp(-k t)) with no jumps: E[N] = base (H + a T0 (1 - e^{-kH}) / k), Poisson."""
    base, t0, a, half_life, horizon = 120.0, 2.0, 0.5, 30.0, 365.25
    k = math.log(2) / half_life
    expected = base / 365.25 * (horizon + a * t0 * (1 - math.exp(-k * horizon)) / k)
    n = 2000
    counts = _counts(_count_scenario(base, t0, a), n)
    mean = sum(counts) / n
    assert abs(mean - expected) < Z * math.sqrt(expected / n), (mean, expected)
    assert abs(mean - base) > 5 * math.sqrt(base / n)  # the modulation is visible, not lost


def _race_scenario(consultation: str) -> str:
    return ("name: race\nhorizon_days: 1000\n" + SHORT_LADDER + "parties:"
            + party("A", 0.0, 0.0, extra="hotline: {answer_probability: 1, answer_tension_sensitivity: 0}")
            + party("B", 1.0, 0.0, delay="{dist: exponential, mean: 1.0}",
                    extra=f"hotline: {{call_at_rung: r1, prior_consultation_hours: {consultation}}}")
            + QUIET + """
hotline: {coverage: [navy], hours: {always_open: true}, ring_hours: 0, call_duration_hours: 0}
incident_types:
  standoff: {label: a standoff, rate_per_year: 1, initiator: A, layer: navy, start_rung: r1,
             max_duration_hours: 1000000}
""")


def _race_wins(consultation: str, n: int) -> int:
    p = params(_race_scenario(consultation))
    return sum(single_incident(p, 5000 + k)[0].calls_answered_in_time for k in range(n))


def test_fixed_clarification_delay_races_exponential_retaliation() -> None:
    """Retaliation after D ~ Exp(rate 1/h); clarification after d = 0.5 h: P(clarified first) = exp(-0.5)."""
    n = 4000
    wins = _race_wins("0.5", n)
    assert wilson(wins, n, 0.999).contains(math.exp(-0.5)), wins / n


def test_exponential_clarification_delay_races_exponential_retaliation() -> None:
    """Clarification after Exp(rate 2/h), retaliation after Exp(rate 1/h): P = 2 / (1 + 2)."""
    n = 4000
    wins = _race_wins("{dist: exponential, mean: 0.5}", n)
    assert wilson(wins, n, 0.999).contains(2 / 3), wins / n


def test_hotline_without_waiting_room_is_an_erlang_loss_system() -> None:
    """Poisson calls (1 per hour), exponential calls (mean 1.5 h), c = 2 lines, blocked calls lost:
    P(block) = Erlang B(c=2, A=1.5) = (A^2/2) / (1 + A + A^2/2) = 0.3103. Batch means over 12
    replications of 60 days (about 1,440 calls each); tolerance 3.29 standard errors of the batch mean."""
    a, c = 1.5, 2
    erlang_b = (a**c / math.factorial(c)) / sum(a**k / math.factorial(k) for k in range(c + 1))
    text = ("name: erlang\nhorizon_days: 60\n" + SHORT_LADDER + "parties:"
            + party("A", 0.0, 0.0, extra="hotline: {answer_probability: 1, answer_tension_sensitivity: 0}")
            + party("B", 0.0, 0.0, delay="100",
                    extra="hotline: {call_at_rung: r1, prior_consultation_hours: 0}") + QUIET + """
hotline: {coverage: [navy], lines: 2, hours: {always_open: true}, ring_hours: 0, queue_when_busy: false,
          max_retries: 0, call_duration_hours: {dist: exponential, mean: 1.5}}
incident_types:
  call: {label: a call, rate_per_year: 8766, initiator: A, layer: navy, start_rung: r1, max_duration_hours: 10}
""")
    p = params(text)
    fractions = []
    for k in range(12):
        rec = simulate(p, replication_seed(11, k))
        fractions.append(1 - rec.calls_answered / rec.calls_placed)
    mean = sum(fractions) / len(fractions)
    se = math.sqrt(sum((f - mean) ** 2 for f in fractions) / (len(fractions) - 1) / len(fractions))
    assert abs(mean - erlang_b) < Z * se + 0.002, (mean, erlang_b, se)  # 0.002: start-empty transient
    assert se < 0.01
