"""`hotline report` and `hotline compare`: pictures and words from results folders."""

from __future__ import annotations

import argparse
import json

from ..folder.robustness_folder import is_robustness_folder
from ..report.build import build_report
from ..report.compare import compare_runs
from ..report.robustness_report import build_robustness_report
from ..report.sweep_report import build_sweep_report

__all__ = ["cmd_report", "cmd_compare"]


def cmd_report(args: argparse.Namespace) -> int:
    if is_robustness_folder(args.results):
        formats = tuple(f.strip().lower() for f in args.format.split(",") if f.strip())
        for figure in build_robustness_report(args.results, formats):
            print(f"figure: {figure}")
        return 0
    if (args.results / "manifest.json").is_file() and \
            json.loads((args.results / "manifest.json").read_text()).get("kind") == "sweep":
        formats = tuple(f.strip().lower() for f in args.format.split(",") if f.strip())
        for figure in build_sweep_report(args.results, formats):
            print(f"figure: {figure}")
        return 0
    formats = tuple(f.strip().lower() for f in args.format.split(",") if f.strip())
    made = build_report(args.results, formats=formats, out=args.out, explanation_path=args.explanation,
                        robustness=args.robustness)
    print(f"figures: {made.figures_dir}\nbriefing: {made.briefing}")
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    text = compare_runs(args.results, args.out)
    print(text)
    return 0
