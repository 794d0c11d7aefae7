"""Realising query points as classifiers on real data (issue 15).

For breast_cancer (k = 2) and wine (k = 3) with the bundled logistic-regression model:
1,000 random points of the query region each realised by LP; prints the largest
|requested - realised fit rate| (max_rate_gap, must be <= 1e-3), the share of (query, rate)
entries whose held-out rate lies in the binomial 99% band |heldout - r| <= 2.576 sqrt(r(1-r)/n_i)
(n_i: held-out rows of the entry's true class; must be >= 97%), and the seconds taken.
The held-out rate reported is the realised classifier's exact expected rate on the held-out rows
(its mixture of rules); "sampled" uses one seeded draw of predict() for the first 200 queries.
Two extra rows use a weaker model (two features) whose feasible set is a strict part of the simplex.

Run: .venv/bin/python benchmarks/bench_realise.py [--points 1000] [--seed 0]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from oraclelab.elicit._data import split_validation, validation_from_bundled, validation_from_estimator
from oraclelab.elicit._rate_space import build_rate_space
from oraclelab.elicit._realise import binomial_band, max_rate_gap, realise_many
from oraclelab.runs._seeding import stream_generator


def ball_points(centre: np.ndarray, radius: float, n: int, gen: np.random.Generator) -> np.ndarray:
    """n points uniform in the ball of the given centre (q,) and radius, shape (n, q)."""
    q = centre.shape[0]
    d = gen.standard_normal((n, q))
    d /= np.linalg.norm(d, axis=1, keepdims=True)
    return centre + radius * gen.random((n, 1)) ** (1.0 / q) * d


def weak_validation(name: str, seed: int):
    """A weaker model (logistic regression on the first two features) so the feasible set is not the whole simplex."""
    from sklearn import datasets
    from sklearn.linear_model import LogisticRegression

    bunch = getattr(datasets, f"load_{name}")()
    X, y = bunch.data[:, :2], bunch.target
    order = stream_generator(seed, "bench_weak_split", name).permutation(y.size)
    train, valid = order[: y.size // 2], order[y.size // 2 :]
    model = LogisticRegression(max_iter=2000).fit(X[train], y[train])
    return validation_from_estimator(model, X[valid], y[valid])


def run(name: str, n_points: int, seed: int, held_out: float, margin: float, weak: bool = False) -> dict:
    """Realise n_points random region points on one bundled dataset; returns the headline numbers."""
    start = time.perf_counter()
    data = weak_validation(name, seed) if weak else validation_from_bundled(name, seed=seed)
    fit, held = split_validation(data, held_out=held_out, seed=seed)
    space = build_rate_space(fit, held, seed=seed)
    built = time.perf_counter()
    region = space.region(margin)
    points = ball_points(region.origin, region.radius, n_points, stream_generator(seed, "bench_points", name))
    realised = realise_many(space, points, seed=seed)
    done = time.perf_counter()
    held_rates = np.array([c.heldout_rates for c in realised])
    inside = np.abs(held_rates - points) <= binomial_band(space, points)
    # the realised classifier's sampled predictions on the held-out rows (one seeded draw each)
    sampled = np.array([
        _sampled_rates(c, space) for c in realised[:200]
    ])
    sampled_inside = np.abs(sampled - points[:200]) <= binomial_band(space, points[:200])
    return {
        "dataset": name + (" (2 features)" if weak else ""), "k": space.n_classes, "q": space.n_rates, "fit rows": fit.n_rows, "held-out rows": held.n_rows,
        "radius": space.radius, "region radius": region.radius, "rules": space.gains.shape[0],
        "max_rate_gap": max_rate_gap(realised), "in band (expected)": float(inside.mean()),
        "in band (sampled, 200)": float(sampled_inside.mean()), "build s": built - start, "realise s": done - built,
        "mean rules per query": float(np.mean([c.weights.size for c in realised])),
    }


def _sampled_rates(c, space) -> np.ndarray:
    from oraclelab.elicit._rate_space import confusion_rates

    return confusion_rates(space.held_out.labels, c.predict(space.held_out.proba), space.n_classes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--held-out", type=float, default=0.3)
    parser.add_argument("--margin", type=float, default=0.98)
    args = parser.parse_args()
    for name, weak in (("breast_cancer", False), ("wine", False), ("breast_cancer", True), ("wine", True)):
        row = run(name, args.points, args.seed, args.held_out, args.margin, weak)
        print("  ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in row.items()))


if __name__ == "__main__":
    main()
