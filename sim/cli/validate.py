"""`hotline validate` and `hotline schema`."""

from __future__ import annotations

import argparse
import json

from ..scenario import ScenarioError, load_scenario
from ..scenario.schema_paths import scenario_json_schema
from .common import print_problems, printable

__all__ = ["cmd_validate", "cmd_schema"]


def cmd_validate(args: argparse.Namespace) -> int:
    status = 0
    for name in args.files:
        try:
            loaded = load_scenario(name, args.set, args.allow_extends)
        except ScenarioError as exc:
            print_problems(exc.problems)
            status = 2
            continue
        arms = ", ".join(loaded.arms)
        print(printable(f"{name}: valid ({len(loaded.arms)} arms: {arms})"))
    return status


def cmd_schema(args: argparse.Namespace) -> int:
    schema = dict(scenario_json_schema())
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "hotline scenario"
    print(json.dumps(schema, indent=2))
    return 0
