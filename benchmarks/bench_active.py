"""Benchmark: comparisons and seconds of classic, efficient and active elicitation, beside the information limit.

Sections (all on the published metric stream, seed 7, well-formed metrics):

- noise-free: each mode at its default setting (classic and efficient QME at LPME tolerance
  1e-2, active at its default ``tol``, which aims at classic's error): median comparisons,
  median B_err, seconds; then active at fixed budgets.
- flip: a judge flipping 10% of answers, the level estimated (noise="auto"): active at fixed
  budgets, with the coverage of its 90% intervals and the estimated flip rate, beside classic
  and efficient QME under the same judge.
- band: a judge answering at random when scores differ by less than 1e-4, the width
  estimated.
- classic under the band: every estimate finite, degenerate trials counted.

Active runs are timed with 1 and 2 BLAS threads (threadpoolctl). The information limit is
(d - 1) log2(100) comparisons for a noise-free judge and that over 1 - H(p) for flips.

    python benchmarks/bench_active.py [--classes 2 3] [--trials 300] [--threads 1 2] [--sections noise-free flip band classic-band]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# (budgets of the noise-free, flip and band sections per k)
BUDGETS = {
    2: {"noise-free": (60,), "flip": (50, 150), "band": ()},
    3: {"noise-free": (350,), "flip": (300, 700), "band": (300, 1000)},
    4: {"noise-free": (), "flip": (), "band": ()},
    5: {"noise-free": (), "flip": (), "band": ()},
}


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--classes", type=int, nargs="+", default=[2, 3])
    parser.add_argument("--trials", type=int, default=300)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2], help="BLAS thread counts to time active runs with")
    parser.add_argument("--sections", nargs="+", default=["noise-free", "flip", "band", "classic-band"])
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args()


def main() -> None:
    args = parse()
    sys.path.insert(0, str(ROOT / "src"))
    import numpy as np
    from threadpoolctl import threadpool_limits

    from oraclelab.elicit import (
        PUBLISHED_MEDIANS, FlipNoise, HiddenMetricOracle, IndifferenceNoise, Sphere, elicit_active, elicit_quadratic,
        information_limit, n_rates, published_metrics,
    )
    from oraclelab.runs import stream_generator

    def b_err(result, metric):
        return np.linalg.norm(result.B - metric.B, axis=(1, 2))

    def line(label, comparisons, errors, seconds, extra=""):
        print(f"  {label:<34} comparisons median {np.median(comparisons):8.1f}   B_err median {np.median(errors):9.2e}"
              f"   p90 {np.percentile(errors, 90):9.2e}   {seconds}{extra}", flush=True)

    def active(metric, sphere, judge, k, label, **kwargs):
        """Active runs, timed with each BLAS thread count (results are the same; the first is reported)."""
        timings, result = [], None
        for threads in args.threads:
            oracle = HiddenMetricOracle(metric, noise=judge, rng=stream_generator(args.seed, "bench-noise", k, label))
            with threadpool_limits(threads):
                start = time.perf_counter()
                run = elicit_active(oracle, sphere, rng=stream_generator(args.seed, "bench-active", k), **kwargs)
                timings.append(f"{time.perf_counter() - start:6.1f} s ({threads} thr)")
            result = result if result is not None else run
        return result, "  ".join(timings)

    def qme(metric, sphere, judge, mode, k):
        oracle = HiddenMetricOracle(metric, noise=judge, rng=stream_generator(args.seed, "bench-noise", k, mode))
        start = time.perf_counter()
        with np.errstate(all="ignore"):
            result = elicit_quadratic(oracle, sphere, mode=mode, well_formed=True)
        return result, f"{time.perf_counter() - start:6.1f} s"

    print(f"trials per configuration: {args.trials}; BLAS threads timed: {args.threads}")
    for k in args.classes:
        q = n_rates(k)
        sphere = Sphere.centred(q)
        trials = args.trials
        metric = published_metrics(trials, q, seed=args.seed)
        limit = information_limit(q)
        print(f"\nk = {k} (q = {q}, d - 1 = {q + q * (q + 1) // 2 - 1}): information limit {limit:.0f} comparisons "
              f"(noise-free), {information_limit(q, 0.1):.0f} (flip 0.1)")
        if "noise-free" in args.sections:
            print(" noise-free")
            published = PUBLISHED_MEDIANS.get((k, True))
            for mode in ("classic", "efficient"):
                result, seconds = qme(metric, sphere, None, mode, k)
                line(f"{mode} (tol 1e-2)", result.comparisons, b_err(result, metric), seconds,
                     f"   published B_err {published[1]}" if published and mode == "classic" and trials in (300, 150) else "")
            result, seconds = active(metric, sphere, None, k, "default")
            line("active (default tol)", result.comparisons, b_err(result, metric), seconds,
                 f"   coverage {result.covered(metric.a, metric.B).mean():.3f}")
            for budget in BUDGETS[k]["noise-free"]:
                result, seconds = active(metric, sphere, None, k, f"budget {budget}", tol=1e-12, budget=budget)
                line(f"active (budget {budget})", result.comparisons, b_err(result, metric), seconds)
        if "flip" in args.sections and BUDGETS[k]["flip"]:
            print(" flip 0.1, level estimated")
            judge = FlipNoise(0.1)
            for mode in ("classic", "efficient"):
                result, seconds = qme(metric, sphere, judge, mode, k)
                line(f"{mode} (tol 1e-2)", result.comparisons, b_err(result, metric), seconds)
            for budget in BUDGETS[k]["flip"]:
                result, seconds = active(metric, sphere, judge, k, f"flip {budget}", tol=1e-12, budget=budget)
                line(f"active (budget {budget})", result.comparisons, b_err(result, metric), seconds,
                     f"   coverage {result.covered(metric.a, metric.B).mean():.3f}   flip rate {np.median(result.flip_rate):.3f}")
        if "band" in args.sections and BUDGETS[k]["band"]:
            print(" indifference band 1e-4, width estimated")
            judge = IndifferenceNoise(1e-4)
            for budget in BUDGETS[k]["band"]:
                result, seconds = active(metric, sphere, judge, k, f"band {budget}", tol=1e-12, budget=budget)
                line(f"active (budget {budget})", result.comparisons, b_err(result, metric), seconds,
                     f"   band {np.median(result.band):.2e}")
        if "classic-band" in args.sections:
            print(" classic and efficient under the band 1e-4")
            for mode in ("classic", "efficient"):
                result, seconds = qme(metric, sphere, IndifferenceNoise(1e-4), mode, k)
                finite = bool(np.all(np.isfinite(result.a)) and np.all(np.isfinite(result.B)))
                line(mode, result.comparisons, b_err(result, metric), seconds,
                     f"   all finite {finite}   unreliable {int(np.sum(~result.reliable))}")


if __name__ == "__main__":
    main()
