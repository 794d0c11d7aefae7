"""Benchmark: the end-to-end refit's Jacobian, lambdified with shared subexpressions (cse) vs without.

``refit_constants`` fits every constant of a composed formula by least squares with the
exact Jacobian, one column per constant, each a derivative sympy lambdifies. A composition
repeats its latents inside the outer formula, so the derivatives share most of their
subexpressions. The fast path (what ``refit_constants`` does) lambdifies them with
``cse=True``, so each shared subexpression is computed once per evaluation. The naive path
lambdifies the same derivatives without it. Both are evaluated on the same rows and
constants. The script prints both times per evaluation, their ratio and the largest
difference between the two Jacobians, then times one whole ``refit_constants`` call.

The formula is the one the test suite's short F00 discovery (5 SR generations) ends with:
43 distinct constants, its latents repeated inside an exp and a cos.

    python benchmarks/bench_refit.py [--rows 280] [--repeats 20]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import sympy

#: The refitted formula of ``discover --problem F00 --epochs 30 --sr-generations 5 --sr-outer-generations 5 --seed 0``.
FORMULA = (
    "-2.24*x0*(-0.4413*x1 - (0.4026*x0 - 7.783e-6)*cos(0.000149*x1)) + 6.397e-5*(-1.143 + exp(-0.0368*x1))*"
    "(0.3741*x0 - cos(1.246*x0) + cos(0.6534*x1 + 1.22)) - 0.004157*(0.0002582*x0 + 1.625)*sin(0.6035*x0 - "
    "0.01321*x1 - sin(0.2333*x0) + 4.713)*sin(0.6823*cos(0.4411*x0)) + 0.1013*exp(-0.02995*x0*(-0.4413*x1 - "
    "(0.4026*x0 - 7.783e-6)*cos(0.000149*x1)) - 2.695*(0.0002582*x0 + 1.625)*sin(0.6035*x0 - 0.01321*x1 - "
    "sin(0.2333*x0) + 4.713)*sin(0.6823*cos(0.4411*x0)) - 2.695*cos(0.7502*x0) - 0.002519*cos(x1 + 3.142) + "
    "cos(0.02761*x0*(-0.4413*x1 - (0.4026*x0 - 7.783e-6)*cos(0.000149*x1)) - 0.0006502*(-1.143 + exp(-0.0368*x1))*"
    "(0.3741*x0 - cos(1.246*x0) + cos(0.6534*x1 + 1.22)) + 1.26*(0.0002582*x0 + 1.625)*sin(0.6035*x0 - 0.01321*x1 - "
    "sin(0.2333*x0) + 4.713)*sin(0.6823*cos(0.4411*x0)) + 1.26*cos(0.7502*x0) + 0.00271*cos(x1 + 3.142) + "
    "1.02*cos(0.004016*x0*x1 - cos(0.2383*x0)) - 8.137)) - 0.004157*cos(0.7502*x0) - 0.9999*cos(x1 + 3.142) + "
    "2.868*cos(0.004016*x0*x1 - cos(0.2383*x0)) - 1.687"
)


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=280, help="Training rows (F00's 400 samples, 70% training).")
    parser.add_argument("--repeats", type=int, default=20, help="Jacobian evaluations timed per path.")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args()


def per_evaluation(jacobian, columns: list[np.ndarray], values: np.ndarray, repeats: int) -> tuple[float, np.ndarray]:
    """Seconds per evaluation of ``jacobian`` (best of ``repeats``) and its value, one column per constant."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        out = jacobian(*columns, *values)
        times.append(time.perf_counter() - start)
    n = len(columns[0])
    return min(times), np.column_stack([np.broadcast_to(np.asarray(d, dtype=float), (n,)) for d in out])


def main() -> int:
    from oraclelab.symbolic.formulas import parse_expression, to_sympy
    from oraclelab.symbolic.problems import get_problem
    from oraclelab.symbolic.regression import refit_constants

    args = parse()
    data = get_problem("F00").generate(400, args.seed)
    X, y = data.X[: args.rows], data.F[: args.rows]
    expression = to_sympy(parse_expression(FORMULA))
    symbols = sorted(expression.free_symbols, key=lambda s: s.name)
    constants = sorted(expression.atoms(sympy.Float), key=lambda c: (float(c), str(c)))
    parameters = sympy.symbols(f"p0:{len(constants)}", real=True)
    template = expression.xreplace(dict(zip(constants, parameters)))
    derivatives = [sympy.diff(template, p) for p in parameters]
    arguments = [*symbols, *parameters]
    columns = [X[:, k] for k in range(X.shape[1])]
    values = np.array([float(c) for c in constants])
    start = time.perf_counter()
    shared = sympy.lambdify(arguments, derivatives, modules="numpy", cse=True)
    build_shared = time.perf_counter() - start
    start = time.perf_counter()
    plain = sympy.lambdify(arguments, derivatives, modules="numpy")
    build_plain = time.perf_counter() - start
    fast, fast_value = per_evaluation(shared, columns, values, args.repeats)
    naive, naive_value = per_evaluation(plain, columns, values, args.repeats)
    scale = float(np.max(np.abs(naive_value)))
    print(f"{len(constants)} constants, {args.rows} rows")
    print(f"lambdify: cse {build_shared:.2f} s, plain {build_plain:.2f} s")
    print(f"Jacobian per evaluation: cse {fast * 1e3:.2f} ms, plain {naive * 1e3:.2f} ms, ratio {naive / fast:.1f}x")
    print(f"largest difference between the two Jacobians: {np.max(np.abs(fast_value - naive_value)):.3g} "
          f"(largest entry {scale:.3g})")
    perturbed = expression.xreplace({c: sympy.Float(float(c) * 1.01) for c in constants})
    start = time.perf_counter()
    refit_constants(perturbed, symbols, X, y, max_constants=len(constants))
    print(f"one refit_constants call (constants moved 1% off): {time.perf_counter() - start:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
