"""Benchmark: F11-like problems with new constants, given only as a CSV, through the default ``discover --data``.

F11 is ``G0*G1 + sin(G2)`` with three parabolas of one input on a grid over [-3, 3]. The
variant here keeps that form with constants chosen for this benchmark (none of F11's):

    G0 = 0.06*(x0 - 0.4)**2 - 0.3,  G1 = -0.07*(x0 + 0.8)**2 + 0.18,  G2 = 0.11*(x0 - 0.15)**2 - 0.12

Each seed exports it as a user's CSV (``--rows`` rows, Gaussian target noise ``--noise``
times the target's std) and runs the default portfolio on it, exactly as
``oraclelab symbolic discover --data FILE --inputs x0 --target y --seed S`` does. Noise-free,
the chosen formula is checked for equivalence with the truth (SRBench rule); with noise, for
the truth's *structure*: a polynomial of degree 4 in x0 plus a constant times the sine (or
cosine) of a polynomial of degree 2, nothing else.

    python benchmarks/bench_f11_variants.py --seeds 0 1 2
    python benchmarks/bench_f11_variants.py --seeds 0 1 2 --noise 0.01
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bench_discovery_table import _equivalent, candidate_rows, print_candidates, run_portfolio

LATENTS = ("0.06*(x0 - 0.4)**2 - 0.3", "-0.07*(x0 + 0.8)**2 + 0.18", "0.11*(x0 - 0.15)**2 - 0.12")
OUTER = "G[:,0]*G[:,1] + sin(G[:,2])"


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--noise", type=float, default=0.0, help="Gaussian target noise, relative to its std.")
    parser.add_argument("--workers", type=int, default=0, help="Portfolio workers (0: one per core).")
    parser.add_argument("--out", type=Path, default=Path("runs/bench-f11-variants"))
    return parser.parse_args()


def variant():
    """The F11-like problem of this benchmark (F11's inputs and outer function, new parabolas)."""
    from oraclelab.symbolic.problems import get_problem
    from oraclelab.symbolic.problems._problem import Problem

    return Problem.from_strings("F11v", get_problem("F11").inputs, LATENTS, outer=OUTER)


def has_quartic_plus_sine_structure(formula, x) -> bool:
    """Whether ``formula`` is a degree-4 polynomial in ``x`` plus c*sin(p(x)) or c*cos(p(x)), p of degree 2."""
    import sympy

    expanded = sympy.expand(formula)
    waves = expanded.atoms(sympy.sin, sympy.cos)
    if len(waves) != 1 or expanded.free_symbols != {x}:
        return False
    (wave,) = waves
    argument = wave.args[0]
    if not argument.is_polynomial(x) or sympy.degree(argument, x) != 2:
        return False
    marker = sympy.Dummy("wave")
    try:
        polynomial = sympy.Poly(expanded.xreplace({wave: marker}), x, marker)
    except sympy.PolynomialError:
        return False
    quartic = polynomial.as_expr().coeff(marker, 0)
    return polynomial.degree(marker) == 1 and polynomial.degree(x) == 4 \
        and sympy.Poly(polynomial.as_expr().coeff(marker, 1), x).degree() == 0 and sympy.degree(quartic, x) == 4


def main() -> int:
    from oraclelab.symbolic.regression import round_constants

    args = parse()
    args.out.mkdir(parents=True, exist_ok=True)
    problem = variant()
    truth = problem.target_sympy
    (x,) = truth.free_symbols
    rows, candidates = [], []
    print(f"truth: {truth}; noise {args.noise} of the target's std, {args.rows} rows")
    print("| seed | equivalent | structure | chosen library | noise estimate | wall s | CPU s | formula |")
    print("|---|---|---|---|---|---|---|---|")
    for seed in args.seeds:
        portfolio, _ = run_portfolio(problem, seed, rows=args.rows, noise=args.noise, workers=args.workers,
                                     folder=args.out / f"noise{args.noise:g}-seed{seed}")
        formula = portfolio.formula.xreplace({s: x for s in portfolio.formula.free_symbols if s.name == x.name})
        row = {"seed": seed, "noise": args.noise, "equivalent": _equivalent(formula, truth),
               "structure": has_quartic_plus_sine_structure(formula, x), "library": portfolio.chosen.name,
               "noise_estimate": portfolio.noise.relative, "wall": portfolio.seconds,
               "cpu": sum(c.cpu_seconds for c in portfolio.candidates), "formula": str(round_constants(formula, 4))}
        rows.append(row)
        candidates += candidate_rows(portfolio, truth, problem=problem.name, seed=seed)
        print(f"| {seed} | {row['equivalent']} | {row['structure']} | {row['library']} | {row['noise_estimate']:.3g} | "
              f"{row['wall']:.0f} | {row['cpu']:.0f} | `{row['formula']}` |", flush=True)
        (args.out / f"noise{args.noise:g}.json").write_text(
            json.dumps({"rows": rows, "candidates": candidates}, indent=1, default=str), encoding="utf-8")
    print_candidates(candidates)
    solved = {key: sum(bool(row[key]) for row in rows) for key in ("equivalent", "structure")}
    print(f"\nequivalent {solved['equivalent']}/{len(rows)}, structure {solved['structure']}/{len(rows)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
