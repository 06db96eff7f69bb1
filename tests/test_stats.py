"""Intervals against published values and the behaviour they promise."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.run.stats import PairedCounts, paired_difference, variance_reduction, wilson


def test_wilson_matches_a_published_example() -> None:
    # Newcombe (1998a), Statistics in Medicine 17:857, table I: 81/263 -> 0.2553 to 0.3662.
    w = wilson(81, 263)
    assert (round(w.low, 4), round(w.high, 4)) == (0.2553, 0.3662)


def test_wilson_at_the_edges() -> None:
    zero, all_ = wilson(0, 40), wilson(40, 40)
    assert zero.low == 0 and 0.08 < zero.high < 0.09  # 0/40: upper bound 0.0876
    assert all_.high == 1 and 0.91 < all_.low < 0.92


def test_wilson_refuses_impossible_counts() -> None:
    with pytest.raises(ValueError):
        wilson(5, 4)


def test_paired_difference_matches_published_tango_intervals() -> None:
    # Tango (1998), Statistics in Medicine 17:891, the example with b = 1, c = 7, n = 21 (Bentur et al.
    # data as in Fagerland, Lydersen & Laake, Statistical Analysis of Contingency Tables, ch. 8):
    # difference -0.2857, 95% CI -0.5173 to -0.0260.
    d = paired_difference(PairedCounts(1, 1, 7, 12))
    assert round(d.estimate, 4) == -0.2857
    assert (round(d.low, 3), round(d.high, 3)) == (-0.517, -0.026)


def test_paired_interval_is_centred_sensibly_with_no_discordant_pairs() -> None:
    d = paired_difference(PairedCounts(10, 0, 0, 90))
    assert d.estimate == 0 and d.low < 0 < d.high and d.high - d.low < 0.08


def test_paired_interval_covers_at_about_its_nominal_rate_for_rare_events() -> None:
    """Coverage of the 95% interval for p1 = 0.03, p2 = 0.02 with strong pairing, n = 400, 4000 trials
    (seeded). The binomial SE of a coverage estimate is 0.0034; we require 0.93-0.975."""
    rng = np.random.default_rng(2024)
    n, trials, covered = 400, 4000, 0
    for _ in range(trials):
        u = rng.random(n)
        first, second = u < 0.03, u < 0.02  # common random numbers: second implies first
        t = PairedCounts(int(np.sum(first & second)), int(np.sum(first & ~second)),
                         int(np.sum(~first & second)), int(np.sum(~first & ~second)))
        covered += paired_difference(t).contains(0.01)
    assert 0.93 <= covered / trials <= 0.975


def test_identical_arms_give_infinite_variance_reduction_and_no_events_give_none() -> None:
    assert variance_reduction(PairedCounts(3, 0, 0, 97)) == math.inf
    assert variance_reduction(PairedCounts(0, 0, 0, 100)) is None


def test_variance_reduction_is_one_for_independent_arms() -> None:
    # Independent arms with p = 0.5 each: the 2x2 table is balanced, covariance 0 -> factor 1.
    assert variance_reduction(PairedCounts(25, 25, 25, 25)) == pytest.approx(1.0)
