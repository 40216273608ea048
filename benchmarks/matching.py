"""How fast is the matching engine (learner-optimal stable matching, and the optimal mode)?

    .venv/bin/python benchmarks/matching.py                                   # all figures, national size
    .venv/bin/python benchmarks/matching.py --residents 100000 --hospitals 25000 --compare-residents 2000 \\
        --compare-hospitals 400 --regions 35                                  # a quick run

It prints, each on its own line:

1. the ``matching`` library (PyPI, 1.4.3, the oracle of the tests) against ``resident_optimal`` on the same
   uniform instance (default 10,000 residents x 2,000 hospitals, 10 choices each), both end to end from
   dictionaries, the ratio, and whether both give the same matching (skipped when the library is missing);
2. ``resident_optimal`` at national size (default 1,000,000 x 250,000, 10 choices each) on a uniform instance
   and on a skewed one (a few very popular hospitals, every hospital ranking by one shared score), one call
   from string-keyed dictionaries, conversion included, with the peak memory of the process (``--repeat N``:
   N calls and their median; ``--phases``: then also checking and conversion, deferred acceptance and the
   result dict, each timed on its own);
3. the optimal mode (maximum total score) at national size, solved per region (default 35 regions).

Instances are random with a fixed seed; capacities are 1-7 places (4 on average, so places = residents).
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import sys
import threading
import time
import warnings
from pathlib import Path
from statistics import median
from typing import Any

import numpy as np

# This script's own folder is first on the path and its name would hide the `matching` library: replace it by
# the project root.
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(HERE.parent))

from werkplaats.matching.instance import build_instance  # noqa: E402
from werkplaats.matching.optimal import max_score_by_region  # noqa: E402
from werkplaats.matching.stable import deferred_acceptance, named_matching, resident_optimal  # noqa: E402

Prefs = dict[str, list[str]]


def peak_mb() -> float:
    """Peak resident memory of this process so far (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _distinct_choices(rng: np.random.Generator, rows: int, hospitals: int, choices: int, p: Any = None) -> Any:
    """``rows`` x ``choices`` hospital numbers, distinct within each row."""
    picks = rng.choice(hospitals, size=(rows, choices), p=p)
    while True:
        ordered = np.sort(picks, axis=1)
        bad = np.flatnonzero((ordered[:, 1:] == ordered[:, :-1]).any(axis=1))
        if not bad.size:
            return picks
        picks[bad] = rng.choice(hospitals, size=(bad.size, choices), p=p)


def instance(
    residents: int,
    hospitals: int,
    choices: int = 10,
    skewed: bool = False,
    regions: int = 1,
    seed: int = 2026,
) -> tuple[Prefs, Prefs, dict[str, int], dict[str, int]]:
    """Random resident_prefs, hospital_prefs, capacities and each resident's region.

    With ``regions`` > 1 residents and hospitals are split evenly over the regions and choose only within
    their own. Skewed: hospital popularity follows a Zipf-like law (the top hospital is chosen by tens of
    thousands) and every hospital ranks its candidates by one shared score."""
    rng = np.random.default_rng(seed)
    choices = min(choices, max(1, hospitals // regions))
    region_of_res = np.sort(rng.integers(0, regions, residents))
    bounds = np.linspace(0, hospitals, regions + 1).astype(np.int64)
    picks = np.empty((residents, choices), dtype=np.int64)
    for reg in range(regions):
        rows = np.flatnonzero(region_of_res == reg)
        lo, hi = int(bounds[reg]), int(bounds[reg + 1])
        p = None
        if skewed:
            weight = 1.0 / np.arange(1, hi - lo + 1) ** 0.9
            p = weight / weight.sum()
        picks[rows] = lo + _distinct_choices(rng, rows.size, hi - lo, choices, p)
    res_names = np.array([f"r{i}" for i in range(residents)], dtype=object)
    hosp_names = np.array([f"h{i}" for i in range(hospitals)], dtype=object)
    resident_prefs = dict(zip(res_names.tolist(), hosp_names[picks].tolist(), strict=True))

    score = rng.permutation(residents) if skewed else None
    pair_h = picks.ravel()
    pair_r = np.repeat(np.arange(residents), choices)
    tie = score[pair_r] if score is not None else rng.random(pair_h.size)
    order = np.lexsort((tie, pair_h))
    flat = res_names[pair_r[order]].tolist()
    ends = np.cumsum(np.bincount(pair_h, minlength=hospitals)).tolist()
    starts = [0, *ends[:-1]]
    hospital_prefs = dict(zip(hosp_names.tolist(), [flat[a:b] for a, b in zip(starts, ends, strict=True)], strict=True))
    capacities = dict(zip(hosp_names.tolist(), rng.integers(1, 8, hospitals).tolist(), strict=True))
    region = dict(zip(res_names.tolist(), region_of_res.tolist(), strict=True))
    return resident_prefs, hospital_prefs, capacities, region


def library_matching(resident_prefs: Prefs, hospital_prefs: Prefs, capacities: dict[str, int]) -> dict[str, Any]:
    """The ``matching`` library's resident-optimal HospitalResident solution, every resident included."""
    from matching.games import HospitalResident

    def solve() -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            game = HospitalResident.create_from_dictionaries(resident_prefs, hospital_prefs, capacities)
            box.append(game.solve(optimal="resident"))

    # The library deep-copies its players, which recurses deeply: a big stack and recursion limit.
    box: list[Any] = []
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(1_000_000)
    threading.stack_size(1 << 30)
    try:
        worker = threading.Thread(target=solve)
        worker.start()
        worker.join()
    finally:
        threading.stack_size(0)
        sys.setrecursionlimit(limit)
    if not box:
        raise RuntimeError("the matching library failed (see above)")
    solution = box[0]
    result: dict[str, Any] = dict.fromkeys(resident_prefs)
    for hospital, holders in solution.items():
        for resident in holders:
            result[resident.name] = hospital.name
    return result


CPU = {"seconds": 0.0}


def timed(function: Any, *args: Any) -> tuple[Any, float]:
    """The result and the wall-clock seconds of one call; its CPU seconds go to CPU["seconds"] (on a busy
    machine the CPU time shows what the call itself costs)."""
    gc.collect()
    cpu = time.process_time()
    start = time.perf_counter()
    result = function(*args)
    seconds = time.perf_counter() - start
    CPU["seconds"] = time.process_time() - cpu
    return result, seconds


def compare(residents: int, hospitals: int, choices: int) -> None:
    try:
        import matching  # noqa: F401
    except ImportError:
        print("matching library not installed: comparison skipped")
        return
    rp, hp, cap, _ = instance(residents, hospitals, choices)
    theirs, t_lib = timed(library_matching, rp, hp, cap)
    ours, t_ours = timed(resident_optimal, rp, hp, cap)
    cpu_ours = CPU["seconds"]
    print(
        f"compare {residents:,} x {hospitals:,}, {choices} choices: matching 1.4.3 {t_lib:.2f} s, "
        f"resident_optimal {t_ours:.4f} s ({cpu_ours:.4f} s CPU), ratio {t_lib / t_ours:.0f}x, "
        f"identical: {theirs == ours}"
    )


def national(residents: int, hospitals: int, choices: int, skewed: bool, repeat: int, phases: bool) -> None:
    rp, hp, cap, _ = instance(residents, hospitals, choices, skewed=skewed)
    before = peak_mb()
    kind = "skewed " if skewed else "uniform"
    walls, cpus = [], []
    for _ in range(repeat):
        result, seconds = timed(resident_optimal, rp, hp, cap)
        walls.append(seconds)
        cpus.append(CPU["seconds"])
        matched = sum(h is not None for h in result.values())
        del result
        print(
            f"stable {kind} {residents:,} x {hospitals:,}, {choices} choices: {seconds:.2f} s "
            f"({CPU['seconds']:.2f} s CPU), {matched:,} matched, peak memory {peak_mb():,.0f} MB "
            f"(instance built: {before:,.0f} MB), load average {os.getloadavg()[0]:.1f}",
            flush=True,
        )
    if repeat > 1:
        print(f"stable {kind} median of {repeat}: {median(walls):.2f} s ({median(cpus):.2f} s CPU)")
    if phases:
        built, seconds = timed(build_instance, rp, hp, cap)
        parts = [f"build_instance {seconds:.2f} s ({CPU['seconds']:.2f} s CPU)"]
        match, seconds = timed(deferred_acceptance, built)
        parts.append(f"deferred_acceptance {seconds:.2f} s ({CPU['seconds']:.2f} s CPU)")
        _, seconds = timed(named_matching, built, match)
        parts.append(f"result dict {seconds:.2f} s ({CPU['seconds']:.2f} s CPU)")
        print(f"stable {kind} phases: " + ", ".join(parts))


def optimal(residents: int, hospitals: int, choices: int, regions: int) -> None:
    rp, hp, cap, region = instance(residents, hospitals, choices, regions=regions)
    result, seconds = timed(max_score_by_region, rp, hp, cap, region)
    matched = sum(h is not None for h in result.matching.values())
    print(
        f"optimal {residents:,} x {hospitals:,} in {regions} regions: {seconds:.2f} s ({CPU['seconds']:.2f} s CPU), "
        f"{matched:,} matched, "
        f"total score {result.score:,}, slowest region {result.slowest_region_seconds:.2f} s, "
        f"peak memory {peak_mb():,.0f} MB"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--residents", type=int, default=1_000_000)
    parser.add_argument("--hospitals", type=int, default=250_000)
    parser.add_argument("--choices", type=int, default=10)
    parser.add_argument("--compare-residents", type=int, default=10_000)
    parser.add_argument("--compare-hospitals", type=int, default=2_000)
    parser.add_argument("--regions", type=int, default=35)
    parser.add_argument("--skip", action="append", default=[], choices=["compare", "stable", "optimal"])
    parser.add_argument("--repeat", type=int, default=1, help="calls of resident_optimal per instance (median)")
    parser.add_argument("--phases", action="store_true", help="also time the phases of resident_optimal")
    args = parser.parse_args(argv)
    if "compare" not in args.skip:
        compare(args.compare_residents, args.compare_hospitals, args.choices)
    if "stable" not in args.skip:
        for skewed in (False, True):
            national(args.residents, args.hospitals, args.choices, skewed, args.repeat, args.phases)
    if "optimal" not in args.skip:
        optimal(args.residents, args.hospitals, args.choices, args.regions)


if __name__ == "__main__":
    main()
