"""Benchmark: the single-index candidate alone on problems exported as CSVs, and its lockstep fits against a loop.

Part 1 (``--problems``, default the compositions F01 F02 F03 F10; ``--sums`` adds the sums of
dictionary terms F00 F06 F07 F09 F12, where f is the identity): each problem and seed is
exported as a user's CSV (``--rows`` rows, target noise ``--noise``) and run through
``discover --data FILE --library index``, the one candidate of the default portfolio that
searches the target as f(s) with s a short sum of dictionary terms. Printed per cell: the
chosen terms, the formula, whether it is equivalent to the truth (SRBench rule), wall and
CPU seconds (one thread).

Part 2 (``--speed``): one size of the beam search on F03's dictionary, every support fitted
in lockstep (``fit_supports`` on the whole batch) against the same fits one support at a
time; both results must agree, and the ratio of times is printed. numpy's BLAS runs on
1 thread and then 2.

    python benchmarks/bench_single_index.py --seeds 0 1 2
    python benchmarks/bench_single_index.py --speed
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

COMPOSITIONS = ("F01", "F02", "F03", "F10")
SUMS = ("F00", "F06", "F07", "F09", "F12")


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", nargs="+", default=list(COMPOSITIONS))
    parser.add_argument("--sums", action="store_true", help=f"Add the sums {' '.join(SUMS)} to --problems.")
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--noise", type=float, default=0.0, help="Gaussian target noise, relative to its std.")
    parser.add_argument("--out", type=Path, default=Path("runs") / "bench-single-index")
    parser.add_argument("--speed", action="store_true", help="Only the lockstep-against-loop timing.")
    parser.add_argument("--supports", type=int, default=400, help="Supports of the timing (--speed).")
    return parser.parse_args()


def run_cell(problem: str, seed: int, args: argparse.Namespace) -> None:
    from bench_discovery_table import equivalent

    from oraclelab.runs import RunFolder
    from oraclelab.symbolic.discovery import DiscoveryConfig, discover_portfolio, write_portfolio
    from oraclelab.symbolic.problems import export_problem, get_problem, write_problem_csv

    folder = args.out / f"{problem}-seed{seed}-rows{args.rows}-noise{args.noise:g}"
    exported = export_problem(problem, args.rows, noise=args.noise, seed=seed)
    csv = write_problem_csv(folder / f"{exported.problem}.csv", exported)
    config = DiscoveryConfig(data=str(csv), inputs=tuple(exported.input_names), target="y", seed=seed,
                             library="index", workers=1)
    start, cpu = time.perf_counter(), time.process_time()
    portfolio = discover_portfolio(config)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    write_portfolio(RunFolder(folder / "discover", overwrite=True), portfolio)
    index = portfolio.chosen.index
    terms = " + ".join(index.fit.path[index.fit.chosen].terms) if index is not None else portfolio.chosen.error
    exact = equivalent(portfolio.formula, get_problem(problem).target_sympy)
    print(f"{problem} seed {seed}: s from {terms}; equivalent {exact}; wall {wall:.0f} s, CPU {cpu:.0f} s; "
          f"latent search {index.fit.seconds:.0f} s\n    {portfolio.summary()['formula']}", flush=True)


def speed(args: argparse.Namespace) -> None:
    import numpy as np
    from threadpoolctl import threadpool_limits

    from oraclelab.symbolic.problems import export_problem
    from oraclelab.symbolic.regression import fit_supports, term_dictionary

    exported = export_problem("F03", args.rows, noise=0.0, seed=0)
    X, y = exported.X, exported.y
    dictionary = term_dictionary(X, exported.input_names)
    D = (dictionary.values - dictionary.values.mean(0)) / dictionary.values.std(0)
    y = (y - y.mean()) / y.std()
    rng = np.random.default_rng(0)
    m = D.shape[1]
    supports = np.array([rng.choice(m, 3, replace=False) for _ in range(args.supports)])
    starts = rng.standard_normal(supports.shape)
    print(f"F03, {len(y)} rows, {m} terms, {len(supports)} supports of 3 terms, 30 steps each")
    for threads in (1, 2):
        with threadpool_limits(limits=threads):
            t0 = time.perf_counter()
            c, a, loss = fit_supports(D, supports, y, starts)
            lockstep = time.perf_counter() - t0
            t0 = time.perf_counter()
            one = [fit_supports(D, supports[i:i + 1], y, starts[i:i + 1]) for i in range(len(supports))]
            loop = time.perf_counter() - t0
        agree = np.allclose(loss, np.concatenate([o[2] for o in one]), rtol=1e-6, atol=1e-30)
        print(f"  {threads} thread(s): lockstep {lockstep:.2f} s, one at a time {loop:.2f} s, "
              f"ratio {loop / lockstep:.1f}x, same losses {agree}")


def main() -> None:
    args = parse()
    if args.speed:
        speed(args)
        return
    print(f"cores {os.cpu_count()}")
    for problem in [*args.problems, *(SUMS if args.sums else ())]:
        for seed in args.seeds:
            run_cell(problem, seed, args)


if __name__ == "__main__":
    main()
