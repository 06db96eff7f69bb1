"""`ranges:`: the plausible range of some assumptions, stated in the scenario file.

`hotline robustness` moves each of these assumptions to the ends of its stated range instead of by a
factor, and tests them first. Each key is a dotted path to a number (as in arm overrides); the range
must lie within the field's valid limits. The engine never reads this key.
"""

from __future__ import annotations

import math
from typing import Annotated

from pydantic import AfterValidator, Field

__all__ = ["Ranges"]


def _check(ranges: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    from .assumptions import field_limits  # the schema exists by the time a scenario is validated

    for key, (low, high) in ranges.items():
        if not (math.isfinite(low) and math.isfinite(high)) or not low < high:
            raise ValueError(f"ranges: {key}: give [low, high] with low below high (got [{low}, {high}])")
        node = field_limits(key)
        if node is None:
            raise ValueError(f"ranges: {key!r} names no number in the scenario; write a dotted path such as "
                             "tension.escalation_feedback")
        for bound, ok in (("minimum", "minimum" not in node or low >= node["minimum"]),
                          ("exclusiveMinimum", "exclusiveMinimum" not in node or low > node["exclusiveMinimum"]),
                          ("maximum", "maximum" not in node or high <= node["maximum"]),
                          ("exclusiveMaximum", "exclusiveMaximum" not in node or high < node["exclusiveMaximum"])):
            if not ok:
                raise ValueError(f"ranges: {key}: [{low}, {high}] leaves the field's valid range "
                                 f"({bound.replace('exclusive', 'exclusive ').lower()} {node[bound]})")
    return ranges


Ranges = Annotated[
    dict[Annotated[str, Field(pattern=r"^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)+$", max_length=200)],
         tuple[float, float]],
    AfterValidator(_check),
]
