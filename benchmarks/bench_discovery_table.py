"""Benchmark: the default ``discover --data`` portfolio against direct SR given the same CPU time, per problem and seed.

Each problem is exported as a user's CSV (``symbolic problems --export``: ``--rows`` rows,
noise-free unless ``--noise``), run through the default portfolio exactly as
``oraclelab symbolic discover --data FILE --inputs ... --target y --seed S`` runs it, and
then through direct symbolic regression on one thread for as many seconds as the
portfolio used CPU seconds in all (no generation cap: the baseline's only budget is that
time). The portfolio's CPU seconds are those of this process and its pool's workers over the
portfolio's call, read from the operating system's usage of the process and its ended
children: they include a candidate abandoned after an earlier one fitted exactly, which the
portfolio's own per-candidate times leave out, and the workers' start-up (a fresh interpreter
importing torch each) and this process's own part (loading, noise estimate, scoring). Cells
saved before this measure (rows without ``discover_cpu_candidates``, the candidates' own sum,
kept beside it) hold that sum as ``discover_cpu``. A baseline keeps one core busy and leaves the others idle, so cells
run in groups of ``--baselines-at-once`` (default: the cores): the group's portfolios one
after another on all cores, then its baselines side by side, one core each, so each
baseline still has a core to itself. Both formulas are checked against the problem's truth (SRBench
equivalence); the table says which is equivalent, and a second table gives each
candidate's library, validation MSE, nodes, wall and CPU seconds and caps hit.

    python benchmarks/bench_discovery_table.py --problems F00 F11 --seeds 0 --out runs/bench-table

All of F00-F12 with seeds 0-2 (the default) is hours of CPU on two cores, so the table is
kept in a results file (``--results``, committed: ``benchmarks/results/discovery_table.json``)
that grows one cell (problem, seed) at a time: a cell already there for the same rows and
noise is read back, not rerun (``--rerun`` runs it again), and each new cell is written as
soon as it is done, with the commit, the date, the machine's cores and its load average.
The printed table covers the requested cells found in the file after the run.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from _results import RESULTS, find_cell, provenance, save_cell


def portfolio_arguments(parser: argparse.ArgumentParser, *, out: str, results: str) -> argparse.ArgumentParser:
    """The options of a benchmark that runs the default portfolio per seed and keeps a results file."""
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--noise", type=float, default=0.0, help="Gaussian target noise, relative to its std.")
    parser.add_argument("--workers", type=int, default=0, help="Portfolio workers (0: one per core).")
    parser.add_argument("--out", type=Path, default=Path("runs") / out, help="Folder of the runs (CSVs, run folders).")
    parser.add_argument("--results", type=Path, default=RESULTS / results,
                        help="Results file the cells accumulate in (a cell already there is read back, not rerun).")
    parser.add_argument("--rerun", action="store_true", help="Run the requested cells even when the file has them.")
    return parser


def parse() -> argparse.Namespace:
    parser = portfolio_arguments(argparse.ArgumentParser(description=__doc__.splitlines()[0]),
                                 out="bench-discovery-table", results="discovery_table.json")
    parser.add_argument("--problems", nargs="+", default=[f"F{k:02d}" for k in range(13)])
    parser.add_argument("--baselines-at-once", type=int, default=os.cpu_count() or 1,
                        help="Cells per group: the group's direct-SR baselines run side by side, one core each.")
    return parser.parse_args()


def equivalent(formula, truth) -> bool:
    """SRBench equivalence with the formula's symbols renamed onto the truth's (by name)."""
    from oraclelab.symbolic.regression import are_equivalent

    by_name = {s.name: s for s in truth.free_symbols}
    return bool(are_equivalent(formula.xreplace({s: by_name.get(s.name, s) for s in formula.free_symbols}), truth))


def process_tree_cpu() -> float:
    """CPU seconds (user and system) of this process and of its children that have ended and been waited for."""
    return sum(usage.ru_utime + usage.ru_stime
               for usage in map(resource.getrusage, (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)))


def run_portfolio(problem, seed: int, *, rows: int, noise: float, workers: int, folder: Path):
    """Export ``problem`` as a CSV in ``folder``, run the default ``discover --data`` portfolio on it, write its run folder.

    Returns the ``PortfolioResult``, the CSV's path and the CPU seconds of the portfolio's call
    (this process and its pool's workers, which the pool has ended and waited for on return).
    """
    from oraclelab.runs import RunFolder
    from oraclelab.symbolic.discovery import DiscoveryConfig, discover_portfolio, write_portfolio
    from oraclelab.symbolic.problems import export_problem, write_problem_csv

    exported = export_problem(problem, rows, noise=noise, seed=seed)
    csv = write_problem_csv(folder / f"{exported.problem}.csv", exported)
    config = DiscoveryConfig(data=str(csv), inputs=tuple(exported.input_names), target="y", seed=seed,
                             workers=workers)
    cpu = process_tree_cpu()
    portfolio = discover_portfolio(config)
    cpu = process_tree_cpu() - cpu
    write_portfolio(RunFolder(folder / "discover", overwrite=True), portfolio)
    return portfolio, csv, cpu


def candidate_rows(portfolio, truth, **key) -> list[dict]:
    """One row per candidate of ``portfolio``: ``key``, library, score, times, caps, chosen, pruning, and equivalence
    to ``truth``."""
    return [{**key, **{k: c[k] for k in ("library", "formula", "mse_validation", "complexity", "seconds",
                                         "cpu_seconds", "time_capped", "chosen", "error", "pruning")},
             "equivalent": None if candidate.formula is None else equivalent(candidate.formula, truth)}
            for candidate, c in zip(portfolio.candidates, portfolio.candidate_rows())]


def run_baseline(name: str, seed: int, csv: Path, cpu_seconds: float) -> dict:
    """Direct SR on one thread for ``cpu_seconds`` on the cell's CSV: its columns of the table row.

    A top-level function, so a process pool can run several baselines side by side.
    """
    from oraclelab.symbolic.problems import get_problem
    from oraclelab.symbolic.problems._table import load_table, split_indices
    from oraclelab.symbolic.regression import direct_sr, round_constants

    problem = get_problem(name)
    inputs = list(problem.input_names)
    table = load_table(csv, inputs=inputs, target="y")
    baseline = direct_sr(table.X, table.y, split_indices(len(table.y), seed), input_names=tuple(inputs),
                         seconds=cpu_seconds, generations=10**6, max_length=40, random_state=seed, n_threads=1)
    return {"sr": equivalent(baseline.result.expression, problem.target_sympy),
            "sr_formula": str(round_constants(baseline.result.expression, 4)), "sr_r2_test": baseline.r2_test,
            "sr_seconds": baseline.result.seconds}


def run_group(cells: list[tuple[str, int]], args: argparse.Namespace) -> list[tuple[dict, list[dict]]]:
    """Cells (problem, seed): their portfolios one after another, then their baselines side by side.

    Returns, per cell, the table row (portfolio and baseline) and one row per candidate.
    """
    from oraclelab.symbolic.problems import get_problem
    from oraclelab.symbolic.regression import round_constants

    measured = []
    for name, seed in cells:
        problem = get_problem(name)
        portfolio, csv, cpu = run_portfolio(problem, seed, rows=args.rows, noise=args.noise, workers=args.workers,
                                            folder=args.out / f"{name}-seed{seed}-rows{args.rows}-noise{args.noise:g}")
        row = {"problem": name, "seed": seed,
               "discover": equivalent(portfolio.formula, problem.target_sympy), "library": portfolio.chosen.name,
               "discover_formula": str(round_constants(portfolio.formula, 4)), "discover_r2_test": portfolio.r2_test,
               "discover_wall": portfolio.seconds, "discover_cpu": cpu,
               "discover_cpu_candidates": sum(c.cpu_seconds for c in portfolio.candidates),
               "not_run": list(portfolio.skipped)}
        measured.append((row, candidate_rows(portfolio, problem.target_sympy, problem=name, seed=seed), csv))
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=len(cells), mp_context=context) as pool:
        baselines = [pool.submit(run_baseline, row["problem"], row["seed"], csv, row["discover_cpu"])
                     for row, _, csv in measured]
        return [({**row, **baseline.result()}, candidates) for (row, candidates, _), baseline in zip(measured, baselines)]


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

    def key(name: str, seed: int) -> dict:
        return {"problem": name, "seed": seed, "rows": args.rows, "noise": args.noise}

    pending = [(name, seed) for name in args.problems for seed in args.seeds
               if args.rerun or find_cell(args.results, key(name, seed)) is None]
    group_size = max(args.baselines_at_once, 1)
    for first in range(0, len(pending), group_size):
        started = provenance()
        for row, candidates in run_group(pending[first:first + group_size], args):
            save_cell(args.results, {"key": key(row["problem"], row["seed"]), "row": row, "candidates": candidates,
                                     **started})
            print(f"{row['problem']} seed {row['seed']}: discover {row['discover']}, direct SR {row['sr']} "
                  f"({row['discover_wall']:.0f} s wall)", flush=True)
    done = [cell for name in args.problems for seed in args.seeds
            if (cell := find_cell(args.results, key(name, seed))) is not None]
    print("| problem | seed | discover | direct SR (same CPU) | chosen library | discover wall s | discover CPU s | "
          "commit | discover formula | SR formula |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for cell in done:
        row = cell["row"]
        print(f"| {row['problem']} | {row['seed']} | {row['discover']} | {row['sr']} | {row['library']} | "
              f"{row['discover_wall']:.0f} | {row['discover_cpu']:.0f} | {cell['commit']} | `{row['discover_formula']}` | "
              f"`{row['sr_formula']}` |")
    print_candidates([c for cell in done for c in cell["candidates"]])
    rows = [cell["row"] for cell in done]
    solved = {column: sum(bool(row[column]) for row in rows) for column in ("discover", "sr")}
    missed = [f"{row['problem']} seed {row['seed']}" for row in rows if row["sr"] and not row["discover"]]
    print(f"\nequivalent: discover {solved['discover']}/{len(rows)}, direct SR {solved['sr']}/{len(rows)}; "
          f"solved by direct SR only: {', '.join(missed) or 'none'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
