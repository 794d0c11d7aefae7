"""Benchmark: the default ``discover --data`` portfolio against direct SR given the same CPU time, per problem and seed.

Each problem is exported as a user's CSV (``symbolic problems --export``: ``--rows`` rows,
noise-free unless ``--noise``), run through the default portfolio exactly as
``oraclelab symbolic discover --data FILE --inputs ... --target y --seed S`` runs it, and
then through direct symbolic regression on one thread for as many seconds as the
portfolio's candidates used CPU seconds in all (no generation cap: the baseline's only
budget is that time). Both formulas are checked against the problem's truth (SRBench
equivalence); the table says which is equivalent, and a second table gives each
candidate's library, validation MSE, nodes, wall and CPU seconds and caps hit.

    python benchmarks/bench_discovery_table.py --problems F00 F11 --seeds 0 --out runs/bench-table

All of F00-F12 with seeds 0-2 (the default) is hours of CPU on two cores.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", nargs="+", default=[f"F{k:02d}" for k in range(13)])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--noise", type=float, default=0.0, help="Gaussian target noise, relative to its std.")
    parser.add_argument("--workers", type=int, default=0, help="Portfolio workers (0: one per core).")
    parser.add_argument("--out", type=Path, default=Path("runs/bench-discovery-table"))
    return parser.parse_args()


def _equivalent(formula, truth) -> bool:
    """SRBench equivalence with the formula's symbols renamed onto the truth's (by name)."""
    from oraclelab.symbolic.regression import are_equivalent

    by_name = {s.name: s for s in truth.free_symbols}
    return bool(are_equivalent(formula.xreplace({s: by_name.get(s.name, s) for s in formula.free_symbols}), truth))


def run_portfolio(problem, seed: int, *, rows: int, noise: float, workers: int, folder: Path):
    """Export ``problem`` as a CSV in ``folder``, run the default ``discover --data`` portfolio on it, write its run folder.

    Returns the ``PortfolioResult`` and the CSV's path.
    """
    from oraclelab.runs import RunFolder
    from oraclelab.symbolic.discovery import DiscoveryConfig, discover_portfolio, write_portfolio
    from oraclelab.symbolic.problems import export_problem, write_problem_csv

    exported = export_problem(problem, rows, noise=noise, seed=seed)
    csv = write_problem_csv(folder / f"{exported.problem}.csv", exported)
    config = DiscoveryConfig(data=str(csv), inputs=tuple(exported.input_names), target="y", seed=seed,
                             workers=workers)
    portfolio = discover_portfolio(config)
    write_portfolio(RunFolder(folder / "discover", overwrite=True), portfolio)
    return portfolio, csv


def candidate_rows(portfolio, truth, **key) -> list[dict]:
    """One row per candidate of ``portfolio``: ``key``, library, score, times, caps, chosen, equivalence to ``truth``."""
    return [{**key, **{k: c[k] for k in ("library", "mse_validation", "complexity", "seconds", "cpu_seconds",
                                         "time_capped", "chosen")},
             "equivalent": None if candidate.formula is None else _equivalent(candidate.formula, truth)}
            for candidate, c in zip(portfolio.candidates, portfolio.candidate_rows())]


def run_one(name: str, seed: int, args: argparse.Namespace) -> tuple[dict, list[dict]]:
    """One problem and seed: the portfolio's row, the baseline's, and one row per candidate."""
    from oraclelab.symbolic.problems import get_problem
    from oraclelab.symbolic.problems._table import load_table, split_indices
    from oraclelab.symbolic.regression import direct_sr, round_constants

    problem = get_problem(name)
    portfolio, csv = run_portfolio(problem, seed, rows=args.rows, noise=args.noise, workers=args.workers,
                                   folder=args.out / f"{name}-seed{seed}")
    inputs = list(problem.input_names)
    cpu = sum(c.cpu_seconds for c in portfolio.candidates)
    table = load_table(csv, inputs=inputs, target="y")
    baseline = direct_sr(table.X, table.y, split_indices(len(table.y), seed), input_names=tuple(inputs), seconds=cpu,
                         generations=10**6, max_length=40, random_state=seed, n_threads=1)
    row = {"problem": name, "seed": seed,
           "discover": _equivalent(portfolio.formula, problem.target_sympy), "library": portfolio.chosen.name,
           "discover_formula": str(round_constants(portfolio.formula, 4)), "discover_r2_test": portfolio.r2_test,
           "discover_wall": portfolio.seconds, "discover_cpu": cpu,
           "sr": _equivalent(baseline.result.expression, problem.target_sympy),
           "sr_formula": str(round_constants(baseline.result.expression, 4)), "sr_r2_test": baseline.r2_test,
           "sr_seconds": baseline.result.seconds}
    return row, candidate_rows(portfolio, problem.target_sympy, problem=name, seed=seed)


def print_candidates(candidates: list[dict]) -> None:
    """The per-candidate table (markdown) of ``candidate_rows`` rows."""
    print("\n| problem | seed | library | validation MSE | nodes | wall s | CPU s | time capped | chosen | equivalent |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for c in candidates:
        print(f"| {c['problem']} | {c['seed']} | {c['library']} | {c['mse_validation']:.3g} | {c['complexity']} | "
              f"{c['seconds']:.0f} | {c['cpu_seconds']:.0f} | {','.join(c['time_capped']) or '-'} | {c['chosen']} | "
              f"{c['equivalent']} |")


def main() -> int:
    args = parse()
    args.out.mkdir(parents=True, exist_ok=True)
    rows, candidates = [], []
    print("| problem | seed | discover | direct SR (same CPU) | chosen library | discover wall s | discover CPU s | "
          "discover formula | SR formula |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name in args.problems:
        for seed in args.seeds:
            row, mine = run_one(name, seed, args)
            rows.append(row)
            candidates += mine
            print(f"| {name} | {seed} | {row['discover']} | {row['sr']} | {row['library']} | {row['discover_wall']:.0f} | "
                  f"{row['discover_cpu']:.0f} | `{row['discover_formula']}` | `{row['sr_formula']}` |", flush=True)
            (args.out / "table.json").write_text(json.dumps({"rows": rows, "candidates": candidates}, indent=1,
                                                            default=str), encoding="utf-8")
    print_candidates(candidates)
    solved = {key: sum(bool(row[key]) for row in rows) for key in ("discover", "sr")}
    print(f"\nequivalent: discover {solved['discover']}/{len(rows)}, direct SR {solved['sr']}/{len(rows)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
