"""Benchmark: direct symbolic regression (the baseline of symbolic discovery) on built-in problems.

Runs the pyoperon wrapper with the settings of ``oraclelab symbolic sr`` on each problem
and seed (train split searched, test split scored) and prints, per run, whether the found
formula is symbolically equivalent to the truth (SRBench rule), the test R^2, the
complexity and the seconds, then the share of equivalent runs per problem.

    python benchmarks/bench_sr.py [--problems F07 F11 F09 F12] [--seeds 0 1 2] [--seconds 20]

Results depend on the time budget and on machine load (``max_time``); run nothing else
alongside.
"""

from __future__ import annotations

import argparse
import json
import sys


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", nargs="+", default=["F07", "F11", "F09", "F12"])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--json", help="Also write the rows to this JSON file.")
    return parser.parse_args()


def main() -> int:
    from oraclelab.symbolic.regression import direct_sr, round_constants
    from oraclelab.symbolic.problems import get_problem

    args = parse()
    rows = []
    print("| problem | seed | equivalent | R^2 test | complexity | seconds | formula |")
    print("|---|---|---|---|---|---|---|")
    for name in args.problems:
        problem = get_problem(name)
        for seed in args.seeds:
            data = problem.generate(seed=seed)
            outcome = direct_sr(data.X, data.F, data.splits, truth=problem.target_sympy,
                                input_names=problem.input_names, seconds=args.seconds, random_state=seed,
                                n_threads=args.threads)
            row = {"problem": name, "seed": seed, "equivalent": outcome.equivalent, "r2_test": outcome.r2_test,
                   "complexity": outcome.result.complexity, "seconds": outcome.result.seconds,
                   "formula": str(round_constants(outcome.result.expression, 4))}
            rows.append(row)
            print(f"| {name} | {seed} | {row['equivalent']} | {row['r2_test']:.6f} | {row['complexity']} | "
                  f"{row['seconds']:.1f} | `{row['formula']}` |", flush=True)
    print()
    for name in args.problems:
        mine = [row for row in rows if row["problem"] == name]
        hits = sum(bool(row["equivalent"]) for row in mine)
        print(f"{name}: equivalent in {hits}/{len(mine)} seeds, median R^2 test "
              f"{sorted(row['r2_test'] for row in mine)[len(mine) // 2]:.6f}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(rows, handle, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
