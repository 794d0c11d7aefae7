"""Benchmark: F11-like problems with new constants, given only as a CSV, through the default ``discover --data``.

F11 is ``G0*G1 + sin(G2)`` with three parabolas of one input on a grid over [-3, 3]. The
variants here keep that form with constants chosen for this benchmark (none of F11's):

- ``F11v``: G0 = 0.06*(x0 - 0.4)**2 - 0.3,  G1 = -0.07*(x0 + 0.8)**2 + 0.18,  G2 = 0.11*(x0 - 0.15)**2 - 0.12.
  Its sine's argument stays within [-0.12, 1.0], so on [-3, 3] the target is a smooth bump that
  shorter forms fit within 1% noise (``bench_f11_noisy_forms.py``).
- ``F11w``: G0 = 0.2*(x0 - 0.4)**2 - 0.3,  G1 = -0.15*(x0 + 0.8)**2 + 0.5,  G2 = 0.7*(x0 - 0.15)**2 - 1.2.
  Stronger curvatures: the sine's argument spans [-1.2, 5.7] (more than a period) and the
  quartic is as large as the sine, so with 1% noise no other family that
  ``bench_f11_noisy_forms.py`` fits is within the selection rule's threshold (chosen so, and
  checked by that script, before any portfolio ran on it).

Each seed exports it as a user's CSV (``--rows`` rows, Gaussian target noise ``--noise``
times the target's std) and runs the default portfolio on it, exactly as
``oraclelab symbolic discover --data FILE --inputs x0 --target y --seed S`` does. Noise-free,
the chosen formula is checked for equivalence with the truth (SRBench rule); with noise, for
the truth's *structure*: a polynomial of degree 4 in x0 plus a constant times the sine (or
cosine) of a polynomial of degree 2, nothing else.

    python benchmarks/bench_f11_variants.py --seeds 0 1 2
    python benchmarks/bench_f11_variants.py --seeds 0 1 2 --noise 0.01
    python benchmarks/bench_f11_variants.py --variant F11w --seeds 0 1 2 --noise 0.01
"""

from __future__ import annotations

import argparse

from _results import find_cell, provenance, save_cell
from bench_discovery_table import candidate_rows, equivalent, portfolio_arguments, print_candidates, run_portfolio

#: Each variant's three parabolas (G0, G1, G2), by problem name.
VARIANTS = {
    "F11v": ("0.06*(x0 - 0.4)**2 - 0.3", "-0.07*(x0 + 0.8)**2 + 0.18", "0.11*(x0 - 0.15)**2 - 0.12"),
    "F11w": ("0.2*(x0 - 0.4)**2 - 0.3", "-0.15*(x0 + 0.8)**2 + 0.5", "0.7*(x0 - 0.15)**2 - 1.2"),
}
OUTER = "G[:,0]*G[:,1] + sin(G[:,2])"


def add_variant_argument(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The ``--variant`` option shared with ``bench_f11_noisy_forms.py``."""
    parser.add_argument("--variant", choices=sorted(VARIANTS), default="F11v", help="Which F11-like problem.")
    return parser


def parse() -> argparse.Namespace:
    return add_variant_argument(portfolio_arguments(argparse.ArgumentParser(description=__doc__.splitlines()[0]),
                                                    out="bench-f11-variants", results="f11_variants.json")).parse_args()


def variant(name: str = "F11v"):
    """The F11-like problem ``name`` of this benchmark (F11's inputs and outer function, new parabolas)."""
    from oraclelab.symbolic.problems import get_problem
    from oraclelab.symbolic.problems._problem import Problem

    return Problem.from_strings(name, get_problem("F11").inputs, VARIANTS[name], outer=OUTER)


def has_quartic_plus_sine_structure(formula, x) -> bool:
    """Whether ``formula`` is a degree-4 polynomial in ``x`` plus c*sin(p(x)) or c*cos(p(x)), p of degree 2.

    ``x`` is matched by name; integral float exponents (``x0**4.0``) count as integers.
    """
    import sympy

    formula = formula.xreplace({s: x for s in formula.free_symbols if s.name == x.name})
    formula = formula.replace(lambda e: e.is_Pow and e.exp.is_Float and float(e.exp).is_integer(),
                              lambda e: e.base ** int(e.exp))
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
    amplitude, quartic = (polynomial.as_expr().coeff(marker, power) for power in (1, 0))
    return polynomial.degree(marker) == 1 and amplitude.free_symbols == set() and sympy.degree(quartic, x) == 4


def main() -> int:
    from oraclelab.symbolic.regression import round_constants

    args = parse()
    args.out.mkdir(parents=True, exist_ok=True)
    problem = variant(args.variant)
    truth = problem.target_sympy
    (x,) = truth.free_symbols
    print(f"truth: {truth}; noise {args.noise} of the target's std, {args.rows} rows")

    def key_of(seed: int) -> dict:
        return {"problem": problem.name, "seed": seed, "rows": args.rows, "noise": args.noise}

    for seed in args.seeds:
        key = key_of(seed)
        if find_cell(args.results, key) is not None and not args.rerun:
            continue
        started = provenance()
        portfolio, _, cpu = run_portfolio(problem, seed, rows=args.rows, noise=args.noise, workers=args.workers,
                                          folder=args.out / f"{problem.name}-seed{seed}-rows{args.rows}-noise{args.noise:g}")
        row = {"seed": seed, "equivalent": equivalent(portfolio.formula, truth),
               "structure": has_quartic_plus_sine_structure(portfolio.formula, x), "library": portfolio.chosen.name,
               "noise_estimate": portfolio.noise.relative, "wall": portfolio.seconds,
               "cpu": cpu,
               "formula": str(round_constants(portfolio.formula, 4))}
        save_cell(args.results, {"key": key, "row": row, **started,
                                 "candidates": candidate_rows(portfolio, truth, problem=problem.name, seed=seed)})
    cells = [cell for seed in args.seeds if (cell := find_cell(args.results, key_of(seed))) is not None]
    print("| seed | equivalent | structure | chosen library | noise estimate | wall s | CPU s | commit | formula |")
    print("|---|---|---|---|---|---|---|---|---|")
    for cell in cells:
        row = cell["row"]
        print(f"| {row['seed']} | {row['equivalent']} | {row['structure']} | {row['library']} | "
              f"{row['noise_estimate']:.3g} | {row['wall']:.0f} | {row['cpu']:.0f} | {cell['commit']} | `{row['formula']}` |")
    candidates = [c for cell in cells for c in cell["candidates"]]
    print_candidates(candidates)
    rows = [cell["row"] for cell in cells]
    solved = {column: sum(bool(row[column]) for row in rows) for column in ("equivalent", "structure")}
    print(f"\nequivalent {solved['equivalent']}/{len(rows)}, structure {solved['structure']}/{len(rows)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
