"""The record's count of distinct days with an incident entering, against numpy's own count."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.engine.model.state import distinct_days


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.floats(min_value=0.0, max_value=3.0e6, allow_nan=False), max_size=40), min_size=1,
                max_size=4))
def test_distinct_days_are_numpys_unique_count(parts: list[list[float]]) -> None:
    # Days in pieces (the event path's and each batch's), some past a million days (the sorted count).
    arrays = [np.array(p, dtype=float) for p in parts]
    expected = len(np.unique(np.floor(np.concatenate(arrays))))
    assert distinct_days(arrays) == expected


def test_days_on_one_day_and_on_its_edges() -> None:
    assert distinct_days([np.array([0.0, 0.5, 0.999999]), np.array([1.0, 364.99, 365.0])]) == 4
    assert distinct_days([np.empty(0)]) == 0
