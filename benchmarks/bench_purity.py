"""Benchmark: the ANOVA purity penalty's main effects, batched vs a loop over rows and inputs.

One training step of ``discover`` estimates every latent's main effects on 128 rows against
32 reference rows (2 inputs: 8,192 evaluations of each latent network); purification does
it once on every training row against every training row (600 x 600 x 2). The batched path
evaluates all points in chunked calls; the naive path calls the model once per (row, input).
Both run in the same process on the same F07-sized DSN, with 1 and 2 torch threads, and
the results are checked to agree.

    python benchmarks/bench_purity.py [--threads 1 2] [--repeats 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch  # noqa: E402

from oraclelab.symbolic.discovery._purity import anova_impurity, main_effects  # noqa: E402
from oraclelab.symbolic.models import build_model  # noqa: E402


def naive_main_effects(model, x: torch.Tensor, reference: torch.Tensor) -> torch.Tensor:
    """One model call per row of x and input j: the reference with column j replaced."""
    rows = []
    for n in range(x.shape[0]):
        per_input = []
        for j in range(x.shape[1]):
            grid = reference.clone()
            grid[:, j] = x[n, j]
            per_input.append(model.latents(grid).mean(dim=0))
        rows.append(torch.stack(per_input, dim=-1))
    return torch.stack(rows)


def seconds(function, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    torch.manual_seed(0)
    model = build_model("dsn", 2, 3, output="sum", activation="silu")
    X = torch.randn(600, 2)
    cases = {"training step (128 x 32)": (X[:128], X[128:160], True),
             "purification (600 x 600)": (X, X, False)}
    for threads in args.threads:
        torch.set_num_threads(threads)
        for name, (x, reference, backward) in cases.items():
            with torch.no_grad():
                torch.testing.assert_close(main_effects(model, x, reference), naive_main_effects(model, x, reference),
                                           rtol=1e-5, atol=1e-6)

            def batched():
                with torch.no_grad():
                    main_effects(model, x, reference)

            def naive():
                with torch.no_grad():
                    naive_main_effects(model, x, reference)

            def step():
                model.zero_grad()
                anova_impurity(model, x, reference).backward()

            fast, slow = seconds(batched, args.repeats), seconds(naive, max(1, args.repeats // 2))
            line = (f"{threads} thread(s) | {name}: batched {fast * 1e3:.1f} ms | naive loop {slow * 1e3:.1f} ms "
                    f"| {slow / fast:.1f}x")
            if backward:
                line += f" | impurity with backward {seconds(step, args.repeats) * 1e3:.1f} ms"
            print(line)

if __name__ == "__main__":
    main()
