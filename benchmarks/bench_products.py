"""Benchmark: one step of the products candidate's beam search, all extensions scored at once vs refitted one by one.

``sparse_product_regression`` grows each support of its beam by one feature. The fast path
(what it does) fits the parents, scores every extension of every support in one set of array
operations and refits the best: with Q an orthonormal basis of a support and r its residual,
adding feature j lowers the squared residual by (r . f_j)**2 / |f_j - Q Q^T f_j|**2. The naive path fits every extension by
least squares (``numpy.linalg.lstsq``), one at a time, and keeps the same number of best
supports. Both run on the same standardised features (F04's exported rows, training split)
and the same parent supports (the beam the search itself keeps at ``--size`` features). The
script prints both times at 1 and 2 BLAS threads, their ratio, and whether the two paths
keep the same supports with the same residuals.

    python benchmarks/bench_products.py [--problem F04] [--size 2] [--beam 100] [--parents 20]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from threadpoolctl import threadpool_limits


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problem", default="F04")
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--size", type=int, default=2, help="Features in each parent support.")
    parser.add_argument("--beam", type=int, default=100, help="Supports kept per size.")
    parser.add_argument("--parents", type=int, default=20, help="Parent supports extended (the naive path's cost).")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    return parser.parse_args()


def naive_extend(F: np.ndarray, y: np.ndarray, supports: np.ndarray, beam: int) -> list[tuple[tuple[int, ...], float]]:
    """Every one-feature extension of every support fitted by lstsq alone; the ``beam`` best distinct ones."""
    scored: dict[tuple[int, ...], float] = {}
    for support in supports:
        for j in range(F.shape[1]):
            if j in support:
                continue
            new = tuple(sorted((*support.tolist(), j)))
            if new in scored:
                continue
            A = F[:, new]
            coefficients, *_ = np.linalg.lstsq(A, y, rcond=None)
            scored[new] = float(np.sum((y - A @ coefficients) ** 2))
    return sorted(scored.items(), key=lambda item: item[1])[:beam]


def main() -> int:
    from oraclelab.symbolic.discovery import DiscoveryConfig
    from oraclelab.symbolic.discovery._data import load_discovery_data
    from oraclelab.symbolic.regression._product_regression import _extend, _fit, product_features

    args = parse()
    data = load_discovery_data(DiscoveryConfig(problem=args.problem, n_samples=args.rows, seed=args.seed))
    X, y = data.part("train", data.X), data.part("train", data.F)
    _, features, values = product_features(X, data.input_names)
    F = (values - values.mean(axis=0)) / values.std(axis=0)
    norms = np.einsum("nm,nm->m", F, F)
    target = (y - y.mean()) / y.std()
    parents, Q, residual = np.empty((1, 0), dtype=int), np.empty((1, len(target), 0)), target[None]
    for _ in range(args.size):
        parents = _extend(F, norms, parents, Q, residual, args.beam)
        Q, _, residual = _fit(F, target, parents)
    parents = parents[:args.parents]
    print(f"{args.problem} seed {args.seed}: {F.shape[0]} training rows, {F.shape[1]} features, "
          f"{len(parents)} parent supports of {args.size}, beam {args.beam}")
    for threads in args.threads:
        with threadpool_limits(limits=threads):
            start = time.perf_counter()
            Q, _, residual = _fit(F, target, parents)
            fast = _extend(F, norms, parents, Q, residual, args.beam)
            _, _, residual = _fit(F, target, fast)
            fast_seconds = time.perf_counter() - start
            start = time.perf_counter()
            naive = naive_extend(F, target, parents, args.beam)
            naive_seconds = time.perf_counter() - start
        fast_rss = np.einsum("bn,bn->b", residual, residual)
        same = {tuple(s) for s in fast.tolist()} == {support for support, _ in naive}
        gap = max(abs(a - b) for a, b in zip(sorted(fast_rss), [rss for _, rss in naive])) / float(target @ target)
        print(f"{threads} thread(s): all at once {fast_seconds:.3f} s, one by one {naive_seconds:.3f} s, "
              f"{naive_seconds / fast_seconds:.0f}x; same supports kept: {same}; largest residual gap "
              f"{gap:.1e} of the target's sum of squares")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
