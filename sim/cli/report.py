"""`hotline report` and `hotline compare`: pictures and words from results folders."""

from __future__ import annotations

import argparse

from ..folder.files import MANIFEST, ResultsFolder
from ..folder.robustness_folder import is_robustness_folder
from ..report.build import build_report
from ..report.compare import compare_runs
from ..report.robustness_report import build_robustness_report
from ..report.sweep_report import build_sweep_report
from .common import printable

__all__ = ["cmd_report", "cmd_compare"]


def cmd_report(args: argparse.Namespace) -> int:
    formats = tuple(f.strip().lower() for f in args.format.split(",") if f.strip())
    if is_robustness_folder(args.results):
        for figure in build_robustness_report(args.results, formats):
            print(f"figure: {printable(str(figure))}")
        return 0
    if ResultsFolder.open_existing(args.results).read_json(MANIFEST).get("kind") == "sweep":
        for figure in build_sweep_report(args.results, formats):
            print(f"figure: {printable(str(figure))}")
        return 0
    made = build_report(args.results, formats=formats, out=args.out, explanation_path=args.explanation,
                        robustness=args.robustness, slides=args.slides)
    print(printable(f"figures: {made.figures_dir}\nbriefing: {made.briefing}"))
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    text = compare_runs(args.results, args.out)
    print(printable(text))
    return 0
