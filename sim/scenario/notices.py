"""Notices about keys that still work but are on their way out: one line each, said as a warning.

A scenario file written for an earlier release keeps loading; the notice names the file, the lines and
what to write instead. The command line prints these as `notice:` lines on standard error.
"""

from __future__ import annotations

import warnings
from typing import Any

from .yaml_source import SourceMap

__all__ = ["ScenarioNotice", "notice_deprecated_keys", "notice_unset_combine_chances"]


class ScenarioNotice(UserWarning):
    """A key that still works but should be written differently (or removed)."""


def _units_places(raw: dict[str, Any], source: SourceMap) -> dict[str, list[int]]:
    """Lines holding `forces.<LAYER>.units`, by file (a parent named in `extends` may hold some)."""
    places: dict[str, list[int]] = {}
    parties = raw.get("parties")
    if not isinstance(parties, dict):
        return places
    for name, party in parties.items():
        forces = party.get("forces") if isinstance(party, dict) else None
        if not isinstance(forces, dict):
            continue
        for layer, force in forces.items():
            if isinstance(force, dict) and "units" in force:
                where = source.get(("parties", name, "forces", layer, "units"))
                file = where.file if where is not None else "<scenario>"
                places.setdefault(file, []).append(where.line if where is not None else 0)
    return places


def notice_deprecated_keys(raw: dict[str, Any], source: SourceMap) -> None:
    """Warn once per file and kind of deprecated key found in a scenario's raw data."""
    for file, lines in _units_places(raw, source).items():
        known = sorted({n for n in lines if n})
        at = ("line " if len(known) == 1 else "lines ") + ", ".join(map(str, known)) if known else "somewhere"
        warnings.warn(f"{file} ({at}): forces.<LAYER>.units has no effect (the model does not count ships "
                      "or aircraft) and will be removed in the next release; delete it",
                      ScenarioNotice, stacklevel=3)


def notice_unset_combine_chances(raw: dict[str, Any], source: SourceMap, file: str) -> None:
    """A file that does not say how chances combine keeps the rule it was written for (capped products),
    and is told once how to move to factors on the odds."""
    if isinstance(raw, dict) and "combine_chances" not in raw:
        warnings.warn(f"{file}: chances combine as capped products, the rule this file was written for; add "
                      "`combine_chances: odds` to let tension, retaliation and the mechanisms act on the odds "
                      "(no step becomes certain; docs/model.md), or `combine_chances: capped_product` to keep "
                      "this rule without this notice", ScenarioNotice, stacklevel=3)
