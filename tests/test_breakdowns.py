"""Serious incidents, uses of force and clashes by incident type and force layer (summary.json
`reached_by_type`, `reached_by_layer`; the `reached_<level>_<type>` columns; the by-type figure).

Checked against invariants that hold exactly in every run, whatever the random numbers: the serious
incidents of all types add up to `serious_incidents`, and those of a layer's types to `serious_by_layer`;
a replication stops at the top rung, so exactly one incident reaches it in every replication that does;
every replication that reaches the main rung has at least one incident that reached it.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from .conftest import REPO

HOT = REPO / "tests" / "golden" / "hot_scenario.yaml"  # clashes happen in a dozen replications


def test_counts_by_type_add_up_to_the_totals_in_every_replication(tmp_path: Path, cli) -> None:
    out = tmp_path / "run"
    status, _, err = cli("run", HOT, "--replications", "40", "--workers", "1", "--quiet", "--out", out)
    assert status == 0, err
    summary = json.loads((out / "summary.json").read_text())
    rows = list(csv.DictReader((out / "replications.csv").open()))
    types = list(summary["incident_type_layers"])
    main, top = summary["main_rung"]["index"], len(summary["rungs"]) - 1
    tops = 0
    for r in rows:
        serious = sum(int(r[f"reached_serious_{t}"]) for t in types)
        assert serious == int(r["serious_incidents"])
        at_top = sum(int(r[f"reached_top_{t}"]) for t in types)
        assert at_top == (int(r["highest_rung"]) == top)
        tops += at_top
        if int(r["highest_rung"]) >= main:
            assert sum(int(r[f"reached_main_{t}"]) for t in types) >= 1
    assert tops > 0, "the check needs clashes to mean something"
    for arm, data in summary["arms"].items():
        by_layer = data["reached_by_layer"]
        for layer, n in data["serious_by_layer"].items():
            assert by_layer[layer]["serious"] == n
        arm_rows = [r for r in rows if r["arm"] == arm]
        for t in types:
            assert data["reached_by_type"][t]["top"] == sum(int(r[f"reached_top_{t}"]) for r in arm_rows)
    from sim.report.build import figures_for

    assert "by_type" in figures_for(summary)
