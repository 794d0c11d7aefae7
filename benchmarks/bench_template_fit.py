"""Benchmark: library read-out of a latent, all random starts in lockstep vs one scipy fit per start.

For every template of a built-in library, the batched Levenberg-Marquardt of
``fit_template`` (all starts at once as arrays) is timed against a plain loop that runs
``scipy.optimize.least_squares(method="lm")`` from each of the same starting points, on a
latent-like target. Prints both times, their ratio and the best mean squared error each
reaches (they should agree).

    python benchmarks/bench_template_fit.py [--library general1d] [--starts 16] [--repeats 3]
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", default="general1d")
    parser.add_argument("--starts", type=int, default=16)
    parser.add_argument("--points", type=int, default=700)
    parser.add_argument("--repeats", type=int, default=3)
    return parser.parse_args()


def scipy_per_start(template, X: np.ndarray, y: np.ndarray, starts: int, seed: int) -> float:
    """The naive path: one scipy LM fit per starting point (same starts as fit_template), best MSE."""
    import sympy
    from scipy.optimize import least_squares

    from oraclelab.symbolic.regression._template_fit import starting_coefficients
    from oraclelab.symbolic.formulas import to_sympy

    inputs = [sympy.Symbol(f"x{k}", real=True) for k in range(X.shape[1])]
    coefficients = [sympy.Symbol(name, real=True) for name in template.coefficients]
    function = sympy.lambdify([*inputs, *coefficients], to_sympy(template.value, inputs=dict(enumerate(inputs))),
                              "numpy")
    theta = starting_coefficients(template, starts, seed)
    columns = [X[:, k] for k in range(X.shape[1])]

    def residuals(p: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            out = p[0] + p[1] * np.broadcast_to(function(*columns, *p[2:]), y.shape) - y
        return np.where(np.isfinite(out), out, 1e150)

    best = np.inf
    for start in theta:
        t = np.broadcast_to(function(*columns, *start), y.shape)
        scale = np.cov(t, y)[0, 1] / max(np.var(t), 1e-300)
        try:
            fit = least_squares(residuals, np.concatenate([[y.mean() - scale * t.mean(), scale], start]), method="lm")
            best = min(best, float(np.mean(fit.fun**2)))
        except ValueError:
            continue
    return best


def main() -> int:
    from oraclelab.symbolic import FunctionLibrary
    from oraclelab.symbolic.regression import fit_template

    args = parse()
    library = FunctionLibrary.load(args.library)
    rng = np.random.default_rng(0)
    X = np.linspace(-3, 3, args.points)[:, None] if library.n_inputs == 1 else rng.normal(size=(args.points, 2))
    y = 0.3 + 1.2 * np.sin(1.7 * X[:, 0] + 0.3) + 0.05 * X[:, -1] ** 2  # a latent near, not in, the library
    timings = {"batched": [], "scipy": []}
    mses = {"batched": [], "scipy": []}
    for _ in range(args.repeats):
        start = time.perf_counter()
        batched = [fit_template(t, X, y, starts=args.starts, seed=i).mse for i, t in enumerate(library.templates)]
        timings["batched"].append(time.perf_counter() - start)
        start = time.perf_counter()
        naive = [scipy_per_start(t, X, y, args.starts, seed=i) for i, t in enumerate(library.templates)]
        timings["scipy"].append(time.perf_counter() - start)
        mses["batched"], mses["scipy"] = batched, naive
    fast, slow = min(timings["batched"]), min(timings["scipy"])
    print(f"library {args.library}: {len(library.templates)} templates x {args.starts} starts, {args.points} points")
    print(f"batched LM (all starts at once): {fast:.3f} s")
    print(f"scipy least_squares per start:   {slow:.3f} s")
    print(f"ratio: {slow / fast:.1f}x")
    print(f"best MSE, batched {min(mses['batched']):.3e} vs scipy {min(mses['scipy']):.3e}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
