"""``python -m werkplaats.matching INSTANCE.json``: the learner-optimal stable matching of an instance file.

The file holds ``{"residents": {"r1": ["h1", "h2"]}, "hospitals": {"h1": {"capacity": 2, "prefs": ["r1"]}}}``;
the output is ``{"matching": {"r1": "h1"}}`` with every resident present and the unmatched as ``null``.
Malformed input (unreadable file, bad JSON, wrong shape, invalid instance) prints a message on stderr and exits
with code 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from .instance import InstanceError
from .stable import resident_optimal

USAGE_ERROR = 2


def parse_instance(data: Any) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """resident_prefs, hospital_prefs and capacities from the decoded JSON; raises InstanceError."""
    if not isinstance(data, dict):
        raise InstanceError("the instance must be a JSON object with 'residents' and 'hospitals'")
    unknown = sorted(set(data) - {"residents", "hospitals"})
    if unknown:
        raise InstanceError(f"unknown key {unknown[0]!r} in the instance")
    residents, hospitals = data.get("residents"), data.get("hospitals")
    if not isinstance(residents, dict):
        raise InstanceError("'residents' must be an object mapping each resident to a list of hospitals")
    if not isinstance(hospitals, dict):
        raise InstanceError("'hospitals' must be an object mapping each hospital to its capacity and prefs")
    hospital_prefs: dict[str, Any] = {}
    capacities: dict[str, Any] = {}
    for name, entry in hospitals.items():
        if not isinstance(entry, dict) or set(entry) != {"capacity", "prefs"}:
            raise InstanceError(f"hospital {name!r} must be an object with exactly 'capacity' and 'prefs'")
        hospital_prefs[name] = entry["prefs"]
        capacities[name] = entry["capacity"]
    return residents, hospital_prefs, capacities


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m werkplaats.matching",
        description="Print the learner-optimal stable matching (deferred acceptance) of an instance file.",
    )
    parser.add_argument("instance", help="JSON file: {'residents': {...}, 'hospitals': {...}}")
    args = parser.parse_args(argv)
    try:
        with open(args.instance, encoding="utf-8") as handle:
            data = json.load(handle)
    except OSError as error:
        print(f"error: cannot read {args.instance}: {error.strerror or error}", file=sys.stderr)
        return USAGE_ERROR
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        print(f"error: {args.instance} is not valid JSON: {error}", file=sys.stderr)
        return USAGE_ERROR
    try:
        matching = resident_optimal(*parse_instance(data))
    except InstanceError as error:
        print(f"error: invalid instance: {error}", file=sys.stderr)
        return USAGE_ERROR
    json.dump({"matching": matching}, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
