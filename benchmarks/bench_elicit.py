"""Benchmark: the batched QME engine against a plain per-trial implementation.

Runs the standard QME study (300 trials x k = 2..5 x well and ill formed, tol 1e-2) with the
batched engine in classic and efficient mode, and the plain per-trial reference
(tests/elicit/reference_qme.py) on a few trials per configuration, in the same process.
Prints both times, their ratio, the comparison counts, and the medians next to the
published code's.

    python benchmarks/bench_elicit.py [--threads 1] [--trials 300] [--reference-trials 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _threads import limit_blas_threads  # noqa: E402


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads (set before numpy loads)")
    parser.add_argument("--trials", type=int, default=300)
    parser.add_argument("--reference-trials", type=int, default=3, help="trials per configuration for the plain implementation")
    parser.add_argument("--classes", type=int, nargs="+", default=[2, 3, 4, 5])
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args()


def main() -> None:
    args = parse()
    limit_blas_threads(args.threads)
    sys.path.insert(0, str(ROOT))
    import numpy as np

    from oraclelab.elicit import PUBLISHED_MEDIANS, StudyConfig, run_study
    from tests.elicit import reference_qme

    print(f"BLAS threads: {args.threads}; trials per configuration: {args.trials}")
    results = {}
    for mode in ("classic", "efficient"):
        config = StudyConfig(tuple(args.classes), args.trials, 1e-2, "both", mode, args.seed)
        start = time.perf_counter()
        results[mode] = run_study(config)
        elapsed = time.perf_counter() - start
        print(f"batched {mode:9s}: whole study {elapsed:7.2f} s wall")
        results[mode + "_seconds"] = elapsed

    per_trial = 0.0
    for record in results["classic"]:
        metric, sphere = record.metric, record.sphere
        start = time.perf_counter()
        for t in range(args.reference_trials):
            a_hat, B_hat, _, _ = reference_qme.qme(metric.a[t], metric.B[t], sphere.origin, sphere.radius, 1e-2, "classic", record.well_formed)
            np.testing.assert_allclose(B_hat, record.result.B[t], atol=1e-8)  # same decisions
        per_trial += (time.perf_counter() - start) / args.reference_trials
    plain_total = per_trial * args.trials
    batched = results["classic_seconds"]
    print(f"plain per-trial : {per_trial:7.2f} s for one trial of every configuration "
          f"-> {plain_total:8.1f} s for the study (extrapolated from {args.reference_trials} trials per configuration)")
    print(f"speed-up (classic, batched vs plain): {plain_total / batched:6.1f}x")

    print()
    header = f"{'k':>2} {'formed':>6} {'comparisons':>11} {'eff. comp.':>10} {'ratio':>6} | {'a_err med':>9} {'published':>9} {'ratio':>5} | {'B_err med':>9} {'published':>9} {'ratio':>5} | {'eff. a':>7} {'eff. B':>7}"
    print(header)
    print("-" * len(header))
    for classic, efficient in zip(results["classic"], results["efficient"]):
        row, eff = classic.summary_row(), efficient.summary_row()
        pa, pb = PUBLISHED_MEDIANS.get((row["classes"], row["well_formed"]), (float("nan"), float("nan")))
        print(f"{row['classes']:>2} {'well' if row['well_formed'] else 'ill':>6} {row['comparisons_per_run']:>11,} "
              f"{eff['comparisons_per_run']:>10,} {eff['comparisons_per_run'] / row['comparisons_per_run']:>6.1%} | "
              f"{row['a_err_median']:>9.4f} {pa:>9.4f} {row['a_err_median'] / pa:>5.2f} | "
              f"{row['B_err_median']:>9.4f} {pb:>9.4f} {row['B_err_median'] / pb:>5.2f} | "
              f"{eff['a_err_median']:>7.4f} {eff['B_err_median']:>7.4f}")

    print()
    print("Published trial counts (the first 300 metrics for k = 2, 3 and 150 for k = 4, 5 of the published stream):")
    for classic in results["classic"]:
        n = 300 if classic.classes <= 3 else 150
        if len(classic.a_err) < n:
            continue
        pa, pb = PUBLISHED_MEDIANS.get((classic.classes, classic.well_formed), (float("nan"), float("nan")))
        a_med, B_med = np.median(classic.a_err[:n]), np.median(classic.B_err[:n])
        print(f"{classic.classes:>2} {'well' if classic.well_formed else 'ill':>6} n={n}: a_err median {a_med:.4f} "
              f"(published {pa:.4f}) | B_err median {B_med:.4f} (published {pb:.4f})")


if __name__ == "__main__":
    main()
