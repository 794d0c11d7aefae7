"""Benchmark: FPME classic and robust on the published instance stream, and the batched engine's speed.

1. Classic and robust on (m, k) = (2,2), (3,2), (2,3), 40 trials each (seed 7): comparisons,
   mean a_err and lambda_err (beside the published means), B_err quantiles, wall seconds,
   and the true-gradient mode's largest B_err.
2. The batched engine (all trials and all QMEs in one lockstep batch) against naive
   per-trial loops on the same trials, same process: the engine called one trial at a time,
   and the plain per-instance reference (tests/elicit/fair/reference_fpme.py, one comparison
   at a time); times, ratios, and the largest difference of the estimates.
3. The scale estimate of robust mode, measured: mean (classic), median and least squares on
   300 well-formed instances per configuration: B_err median / max, trials with B_err > 1,
   lambda_err median.

    python benchmarks/bench_fair.py [--threads 1] [--trials 40] [--reference-trials 40] [--scale-trials 300]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _threads import limit_blas_threads  # noqa: E402
CONFIGURATIONS = ((2, 2), (3, 2), (2, 3))
#: Means over 40 trials of the published code (seed 7): (a_err, lambda_err) per (m, k).
PUBLISHED_MEANS = {(2, 2): (6.8e-4, 3.2e-3), (3, 2): (7.7e-4, 8.8e-4), (2, 3): (1.4e-3, 1.5e-2)}


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads (set before numpy loads)")
    parser.add_argument("--trials", type=int, default=40)
    parser.add_argument("--reference-trials", type=int, default=40, help="trials per configuration for the plain loop")
    parser.add_argument("--scale-trials", type=int, default=300)
    return parser.parse_args()


def main() -> None:
    args = parse()
    limit_blas_threads(args.threads)
    sys.path.insert(0, str(ROOT))
    import numpy as np

    from oraclelab.elicit.fair import (
        SCALES, HiddenFairOracle, elicit_fair, fair_errors, group_pairs, moved_shares, parameterisations,
        published_fair_instances, recover,
    )
    from tests.elicit.fair import reference_fpme

    print(f"BLAS threads: {args.threads}; published stream, seed 7, tol 1e-2, {args.trials} trials per configuration\n")
    header = (f"{'m':>2} {'k':>2} {'mode':>7} {'comparisons':>11} {'a_err mean':>10} {'publ.':>7} {'lam_err mean':>12} "
              f"{'publ.':>7} {'B_err med':>9} {'B_err p90':>9} {'B_err max':>9} {'unrel.':>6} {'seconds':>8}")
    print(header)
    print("-" * len(header))
    batched_seconds = {}
    for m, k in CONFIGURATIONS:
        metric, sphere = published_fair_instances(m, k, args.trials)
        for mode in ("classic", "robust"):
            start = time.perf_counter()
            result = elicit_fair(HiddenFairOracle(metric), sphere, mode=mode)
            seconds = time.perf_counter() - start
            batched_seconds.setdefault((m, k), seconds)
            e = fair_errors(result.a, result.B, result.lam, metric)
            pa, pl = PUBLISHED_MEANS[m, k]
            counts = sorted(set(result.comparisons.tolist()))
            print(f"{m:>2} {k:>2} {mode:>7} {counts[0] if len(counts) == 1 else str(counts):>11} {e['a_err'].mean():>10.2e} "
                  f"{pa:>7.1e} {e['lambda_err'].mean():>12.2e} {pl:>7.1e} {np.median(e['B_err']):>9.4f} "
                  f"{np.percentile(e['B_err'], 90):>9.4f} {e['B_err'].max():>9.4f} {int((~result.reliable).sum()):>6} "
                  f"{seconds:>8.3f}")
        exact = elicit_fair(HiddenFairOracle(metric), sphere, true_gradients=True)
        print(f"{m:>2} {k:>2} true-gradient mode: max B_err {fair_errors(exact.a, exact.B, exact.lam, metric)['B_err'].max():.2e}")

    print(f"\nbatched engine (classic, all {args.trials} trials at once) against per-trial loops")
    for m, k in CONFIGURATIONS:
        metric, sphere = published_fair_instances(m, k, args.trials)
        n = min(args.reference_trials, args.trials)
        result = elicit_fair(HiddenFairOracle(metric), sphere)
        start = time.perf_counter()
        gap = 0.0
        for t in range(n):
            B = {tuple(int(g) for g in pair): metric.B[t, i] for i, pair in enumerate(group_pairs(m))}
            a_hat, B_hat, lam_hat, count = reference_fpme.fpme(metric.a[t], B, metric.lam[t], metric.shares[t],
                                                               sphere.origin, sphere.radius)
            assert count == result.comparisons[t]
            gap = max(gap, np.abs(a_hat - result.a[t]).max(), abs(lam_hat - result.lam[t]),
                      max(np.abs(B_hat[tuple(int(g) for g in p)] - result.B[t, i]).max() for i, p in enumerate(group_pairs(m))))
        plain = (time.perf_counter() - start) * args.trials / n
        start = time.perf_counter()
        for t in range(args.trials):
            one = metric.take(slice(t, t + 1))
            assert np.allclose(elicit_fair(HiddenFairOracle(one), sphere).B[0], result.B[t], atol=1e-12)
        looped = time.perf_counter() - start
        batched = batched_seconds[m, k]
        print(f"  ({m},{k}): batched {batched:6.3f} s | engine one trial at a time {looped:6.2f} s ({looped / batched:5.1f}x) | "
              f"plain reference {plain:7.2f} s ({plain / batched:6.1f}x, timed on {n} trials) | "
              f"largest estimate difference {gap:.1e}")

    print(f"\nscale estimate, {args.scale_trials} published instances per configuration (classic = mean, robust = lstsq)")
    print(f"{'m':>2} {'k':>2} {'scale':>7} {'B_err med':>9} {'B_err max':>9} {'B_err>1':>7} {'lam_err med':>11} {'lam_err max':>11}")
    for m, k in CONFIGURATIONS + ((4, 2), (3, 3)):
        metric, sphere = published_fair_instances(m, k, args.scale_trials)
        result = elicit_fair(HiddenFairOracle(metric), sphere)
        moved = parameterisations(m)
        for scale in SCALES:
            recovered = recover(result.a, moved_shares(moved, metric.shares), result.qme_a, result.qme_B, moved, scale=scale)
            e = fair_errors(result.a, recovered.B, recovered.lam, metric)
            print(f"{m:>2} {k:>2} {scale:>7} {np.median(e['B_err']):>9.4f} {e['B_err'].max():>9.4f} {int((e['B_err'] > 1).sum()):>7} "
                  f"{np.median(e['lambda_err']):>11.2e} {e['lambda_err'].max():>11.2e}")


if __name__ == "__main__":
    main()
