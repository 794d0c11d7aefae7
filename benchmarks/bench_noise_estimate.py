"""Benchmark: the noise estimate of ``discover`` against the Gamma test, on the built-in problems with known noise.

Each problem is exported as a user's CSV would be (``--rows`` rows, Gaussian target noise of
0, 1% and 5% of the clean target's std, seeds 0-2), and the noise is estimated on the
portfolio's training rows, as ``discover --data`` does. Printed per problem and noise level,
over the seeds: the estimated noise std divided by the true one (noise-free: divided by
std(y), so 0 is exact), how many seeds the estimate was resolved in (the level the searches
would assume), and the same ratio for the Gamma test (Stefansson, Koncar and Jones 1997:
the intercept of half the mean squared target difference of the k-th nearest neighbours
against their mean squared distance, k = 1..10), which ``discover`` used before.

    python benchmarks/bench_noise_estimate.py
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", nargs="+", default=[f"F{k:02d}" for k in range(13)])
    parser.add_argument("--noise", nargs="+", type=float, default=[0.0, 0.01, 0.05])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--rows", type=int, default=1000)
    return parser.parse_args()


def gamma_test(X: np.ndarray, y: np.ndarray, neighbours: int = 10) -> float:
    """The Gamma test's noise std: the intercept of gamma(k) against delta(k), k = 1..neighbours."""
    from scipy.spatial import cKDTree

    Z = (X - X.mean(axis=0)) / np.where(X.std(axis=0) > 0, X.std(axis=0), 1.0)
    distances, index = cKDTree(Z).query(Z, k=neighbours + 1)
    delta = np.mean(distances[:, 1:] ** 2, axis=0)
    gamma = 0.5 * np.mean((y[index[:, 1:]] - y[:, None]) ** 2, axis=0)
    return float(np.sqrt(max(np.polyfit(delta, gamma, 1)[1], 0.0)))


def main() -> int:
    from oraclelab.symbolic.discovery import estimate_noise
    from oraclelab.symbolic.problems import export_problem, get_problem
    from oraclelab.symbolic.problems._table import split_indices

    args = parse()
    print("| problem | inputs | noise | estimate / truth (seeds) | resolved | Gamma test / truth (seeds) | "
          "estimate s | Gamma s |")
    print("|---|---|---|---|---|---|---|---|")
    for name in args.problems:
        problem = get_problem(name)
        for noise in args.noise:
            ours, theirs, resolved, seconds = [], [], 0, [0.0, 0.0]
            for seed in args.seeds:
                exported = export_problem(problem, args.rows, noise=noise, seed=seed)
                train = split_indices(args.rows, seed)["train"]
                X, y = np.asarray(exported.X)[train], np.asarray(exported.y)[train]
                truth = exported.noise_std if noise > 0 else float(np.std(y))
                start = time.perf_counter()
                estimate = estimate_noise(X, y)
                seconds[0] += time.perf_counter() - start
                start = time.perf_counter()
                gamma = gamma_test(X, y)
                seconds[1] += time.perf_counter() - start
                ours.append(estimate.std / truth)
                theirs.append(gamma / truth)
                resolved += estimate.resolved
            cells = [name, str(X.shape[1]), f"{noise:g}", " ".join(f"{v:.3f}" for v in ours),
                     f"{resolved}/{len(args.seeds)}", " ".join(f"{v:.3f}" for v in theirs),
                     f"{seconds[0] / len(args.seeds):.2f}", f"{seconds[1] / len(args.seeds):.3f}"]
            print("| " + " | ".join(cells) + " |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
