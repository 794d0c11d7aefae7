"""Benchmark: active fair elicitation against FPME classic on the published instance stream (seed 7).

1. noise-free: per (m, k) = (2,2), (3,2), (2,3), classic FPME (its fixed comparison count)
   beside the active elicitor with a budget of 10% of classic's comparisons (tol 1e-12, so
   every trial uses its budget) and at its default tolerance (``FAIR_TOL``): median a_err,
   B_err, lambda_err, comparisons, seconds. Target: active medians no worse than classic's.
2. flip: a judge flipping 10% of answers, the level estimated (noise="auto"), (2,2) with a
   budget of 150: median B_err (target <= 0.05), lambda_err, coverage of the 90% intervals
   of lambda and of B's entries, and the median estimated flip rate.

    nice -n 10 python benchmarks/bench_fair_active.py [--trials 40] [--threads 1] [--sections noise-free flip]
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


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads (set before numpy loads)")
    parser.add_argument("--trials", type=int, default=40)
    parser.add_argument("--sections", nargs="+", default=["noise-free", "flip"])
    return parser.parse_args()


def main() -> None:
    args = parse()
    limit_blas_threads(args.threads)
    sys.path.insert(0, str(ROOT / "src"))
    import numpy as np

    from oraclelab.elicit import FlipNoise
    from oraclelab.elicit.fair import HiddenFairOracle, elicit_fair, fair_errors, published_fair_instances
    from oraclelab.elicit.fair._active import FAIR_TOL, elicit_fair_active
    from oraclelab.runs import stream_generator

    def line(label: str, m: int, k: int, errors: dict, comparisons: np.ndarray, seconds: float, extra: str = "") -> None:
        print(f"{m:>2} {k:>2} {label:<22} {np.median(errors['a_err']):>10.2e} {np.median(errors['B_err']):>10.2e} "
              f"{np.median(errors['lambda_err']):>10.2e} {np.median(comparisons):>8.0f} {seconds:>8.1f} {extra}")

    header = f"{'m':>2} {'k':>2} {'run':<22} {'a_err med':>10} {'B_err med':>10} {'lam_err med':>10} {'cmp med':>8} {'seconds':>8}"
    if "noise-free" in args.sections:
        print(f"noise-free, published stream seed 7, {args.trials} trials\n{header}")
        for m, k in CONFIGURATIONS:
            metric, sphere = published_fair_instances(m, k, args.trials, seed=7)
            start = time.perf_counter()
            classic = elicit_fair(HiddenFairOracle(metric), sphere)
            line("classic", m, k, fair_errors(classic.a, classic.B, classic.lam, metric), classic.comparisons,
                 time.perf_counter() - start)
            budget = int(classic.comparisons[0]) // 10
            for label, tol, cap in ((f"active budget {budget}", 1e-12, budget), (f"active tol {FAIR_TOL:g}", FAIR_TOL, None)):
                start = time.perf_counter()
                result = elicit_fair_active(HiddenFairOracle(metric), sphere, tol=tol, budget=cap,
                                            rng=stream_generator(7, "bench-fair-active", m, k))
                line(label, m, k, fair_errors(result.a, result.B, result.lam, metric), result.comparisons,
                     time.perf_counter() - start, f"max cmp {result.comparisons.max()}")
    if "flip" in args.sections:
        print(f"\nflip 0.1, level estimated, published stream seed 7, {args.trials} trials\n{header} "
              f"{'lam cover':>9} {'B cover':>8} {'flip est':>8}")
        m, k = 2, 2
        metric, sphere = published_fair_instances(m, k, args.trials, seed=7)
        for label, tol, cap in (("active budget 150", 1e-12, 150), (f"active tol {FAIR_TOL:g}", FAIR_TOL, 150)):
            oracle = HiddenFairOracle(metric, noise=FlipNoise(0.1), rng=stream_generator(7, "bench-fair-noise", m, k))
            start = time.perf_counter()
            result = elicit_fair_active(oracle, sphere, tol=tol, budget=cap, rng=stream_generator(7, "bench-fair-active", m, k))
            lam_cover = np.mean((result.lam_interval[:, 0] <= metric.lam) & (metric.lam <= result.lam_interval[:, 1]))
            B_cover = np.mean((result.B_interval[..., 0] <= metric.B) & (metric.B <= result.B_interval[..., 1]))
            line(label, m, k, fair_errors(result.a, result.B, result.lam, metric), result.comparisons, time.perf_counter() - start,
                 f"{lam_cover:>9.2f} {B_cover:>8.2f} {np.median(result.flip_rate):>8.3f}")


if __name__ == "__main__":
    main()
