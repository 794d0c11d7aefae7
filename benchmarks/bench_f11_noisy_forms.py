"""Benchmark: can validation data tell the noisy F11-like problem's structure from other forms?

Each F11-like variant of ``bench_f11_variants.py`` (``--variant``) is a quartic plus the sine
of a quadratic. With 1% Gaussian target noise on ``F11v``, the portfolio picks other formulas.
This script asks whether *any* rule on validation data could pick the right structure. It fits families of formulas
directly to the exported CSV and reports each family's validation MSE against the selection
rule's threshold. It uses the same split, noise estimate and rule (:mod:`._selection`) as
``discover --data``.

Each family is a formula with free constants, fitted by the project's least-squares refit
(``refit_constants``, scipy's trust-region solver with the exact Jacobian) from ``--starts``
seeded random starts. The family of the truth's structure also
starts from the truth's own constants, so its fit is at least as good as the truth, and
direct SR's family from the constants SR found on seed 0.

The families:

- the truth's structure, a quartic plus a*sin(quadratic);
- a quadratic plus a*sin(quadratic), and a cubic plus a*sin(quadratic);
- a*sin(quadratic) + b*sin(quadratic) + c;
- the five-constant form direct SR returned on seed 0, (p0 + p1*x)*sin(p2*cos(p3*x)) + p4;
- polynomials of degree 4 and 8, as controls.

A family whose MSE is within the threshold fits as well as the truth, by the rule. If such a
family has fewer constants or nodes than the truth's structure, no rule that prefers shorter
formulas among equally good ones can choose the truth's structure.

    python benchmarks/bench_f11_noisy_forms.py --seeds 0 1 2 --noise 0.01
    python benchmarks/bench_f11_noisy_forms.py --variant F11w --seeds 0 1 2 --noise 0.01
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import sympy

X0 = sympy.Symbol("x0", real=True)


#: The constants of direct SR's seed-0 formula (1.274 - 0.02602*x0)*sin(15.38*cos(0.1236*x0)) - 0.5611, its family's
#: first start (random starts rarely reach a sine of a cosine's basin).
SR_SEED0_CONSTANTS = np.array([1.274, -0.02602, 15.38, 0.1236, -0.5611])


def _poly(degree: int, first: int) -> sympy.Expr:
    return sum(sympy.Symbol(f"p{first + k}") * X0**k for k in range(degree + 1))


def _wave(first: int) -> sympy.Expr:
    """a*sin(q2(x)) with its four constants p_first..p_first+3."""
    p = [sympy.Symbol(f"p{first + k}") for k in range(4)]
    return p[0] * sympy.sin(p[1] * X0**2 + p[2] * X0 + p[3])


def families() -> dict[str, sympy.Expr]:
    """The families by name, each a formula in x0 and constants p0, p1, ..."""
    p = sympy.symbols("p0:5")
    return {
        "quartic + a*sin(quadratic) (the truth's structure)": _poly(4, 0) + _wave(5),
        "quadratic + a*sin(quadratic)": _poly(2, 0) + _wave(3),
        "cubic + a*sin(quadratic)": _poly(3, 0) + _wave(4),
        "a*sin(quadratic) + b*sin(quadratic) + c": _wave(0) + _wave(4) + sympy.Symbol("p8"),
        "(p0 + p1*x)*sin(p2*cos(p3*x)) + p4 (direct SR, seed 0)": (p[0] + p[1] * X0) * sympy.sin(p[2] * sympy.cos(p[3] * X0)) + p[4],
        "quartic (control)": _poly(4, 0),
        "degree-8 polynomial (control)": _poly(8, 0),
    }


def truth_start(truth: sympy.Expr) -> np.ndarray:
    """The constants of the truth's structure family that give ``truth`` (expanded quartic, then the wave)."""
    (wave,) = [a for a in sympy.Add.make_args(sympy.expand(truth)) if a.has(sympy.sin)]
    quartic = sympy.Poly(sympy.expand(truth - wave), X0)
    amplitude, sine = wave.as_independent(sympy.sin)
    inner = sympy.Poly(sine.args[0], X0)
    coefficients = [float(quartic.coeff_monomial(X0**k)) for k in range(5)]
    return np.array([*coefficients, float(amplitude), *(float(inner.coeff_monomial(X0**k)) for k in (2, 1, 0))])


def fit(family: sympy.Expr, x: np.ndarray, y: np.ndarray, starts: np.ndarray) -> sympy.Expr:
    """``family`` with the lowest training MSE of the project's least-squares refit (``refit_constants``) from each
    row of ``starts`` (its constants p0, p1, ... in order)."""
    from oraclelab.symbolic.regression import evaluate_expression, refit_constants

    X = x[:, None]
    best, best_mse = family, np.inf
    for start in starts:
        begin = family.xreplace({sympy.Symbol(f"p{k}"): sympy.Float(v) for k, v in enumerate(start)})
        with np.errstate(all="ignore"):
            formula = refit_constants(begin, (X0,), X, y, max_constants=len(start))
            mse = float(np.mean((np.broadcast_to(evaluate_expression(formula, (X0,), X), y.shape) - y) ** 2))
        if mse < best_mse:
            best, best_mse = formula, mse
    return best


def main() -> int:
    from bench_f11_variants import add_variant_argument, variant

    from oraclelab.symbolic.discovery import DiscoveryConfig
    from oraclelab.symbolic.discovery._data import load_discovery_data
    from oraclelab.symbolic.discovery._noise import estimate_noise
    from oraclelab.symbolic.discovery._selection import score_formula, select_candidate
    from oraclelab.symbolic.discovery._streams import RunStreams
    from oraclelab.symbolic.problems import export_problem, write_problem_csv

    parser = add_variant_argument(argparse.ArgumentParser(description=__doc__.splitlines()[0]))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--noise", type=float, default=0.01, help="Gaussian target noise, relative to its std.")
    parser.add_argument("--starts", type=int, default=64, help="Random starts per family.")
    parser.add_argument("--out", type=Path, default=Path("runs") / "bench-f11-noisy-forms")
    args = parser.parse_args()
    problem = variant(args.variant)
    truth = problem.target_sympy.xreplace({s: X0 for s in problem.target_sympy.free_symbols})
    named = families()
    print(f"truth: {truth}; noise {args.noise} of the target's std, {args.rows} rows")
    for seed in args.seeds:
        exported = export_problem(problem, args.rows, noise=args.noise, seed=seed)
        csv = write_problem_csv(args.out / f"seed{seed}" / f"{exported.problem}.csv", exported)
        data = load_discovery_data(DiscoveryConfig(data=str(csv), inputs=tuple(exported.input_names), target="y", seed=seed))
        train, validation = data.splits["train"], data.splits["validation"]
        x, y, x_val, y_val = data.X[train, 0], data.F[train], data.X[validation, 0], data.F[validation]
        noise = estimate_noise(data.X[train], data.F[train])
        streams = RunStreams(seed, "noisy forms")
        scored, rows = [], []
        truth_values = sympy.lambdify(X0, truth, modules="numpy")(x_val)
        for name, family in named.items():
            n_constants = len(family.free_symbols - {X0})
            rng = np.random.default_rng(streams.integer(name))
            starts = rng.normal(scale=0.5, size=(args.starts, n_constants))
            if "truth's structure" in name:
                starts = np.vstack([truth_start(truth), starts])
            elif "direct SR" in name:
                starts = np.vstack([SR_SEED0_CONSTANTS, starts])
            formula = fit(family, x, y, starts)
            scored.append(score_formula(name, formula, (X0,), x_val[:, None], y_val))
            rows.append((name, n_constants, scored[-1].complexity, scored[-1].mse))
        selection = select_candidate(scored, noise_variance=noise.std**2, n_inputs=1)
        print(f"\nseed {seed}: the truth itself scores validation MSE {np.mean((truth_values - y_val) ** 2):.4g}; "
              f"noise estimate {noise.std:.3g} (variance {noise.std**2:.3g})")
        print("| family | constants | nodes | validation MSE | its threshold | within | description length, nats |")
        print("|---|---|---|---|---|---|---|")
        for (name, n_constants, nodes, mse), score, threshold, length in zip(rows, scored, selection.thresholds,
                                                                             selection.description_lengths):
            within = "yes" if score.mse <= threshold else "no"
            print(f"| {name} | {n_constants} | {nodes} | {mse:.4g} | {threshold:.4g} | {within} | {length:.1f} |")
        print(f"the rule chooses: {scored[selection.chosen].name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
