"""Benchmark: a critic sweep whose trials run one process each vs batches trained at once.

The same sweep (N trials of ``symbolic train-critic``, mlp critics on F11, grid:-3:3:700,
a fixed number of epochs with target accuracy 1.0 so none stops early, random sampling
over lr and seed) runs twice through ``oraclelab sweep`` on SQLite in a temporary folder:
with ``batch: 1`` every trial is its own ``train-critic`` subprocess (torch imported,
library and held-out set built, critic trained); with ``batch: K`` a worker trains up to
K trials' critics at once with stacked weights in one ``train-critics --job`` process.
It prints the wall-clock seconds of each sweep (Optuna bookkeeping, subprocesses and file
writes included), trials per minute and the ratio, for each torch thread count.

    python benchmarks/bench_sweep_batch.py [--threads 1 2] [--trials 8] [--batch 8] [--epochs 300]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--trials", type=int, default=8)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--epochs", type=int, default=300)
    return parser.parse_args()


def sweep_file(folder: Path, *, trials: int, batch: int, epochs: int, threads: int) -> Path:
    """A sweep.yaml over lr and seed of fixed-length mlp critic runs."""
    settings = {
        "study": f"bench-batch-{batch}",
        "command": ["symbolic", "train-critic", "--library", "F11", "--points", "grid:-3:3:700", "--loss", "bce"],
        "options": {"critic": "mlp", "max-epochs": epochs, "target-accuracy": 1.0, "threads": threads},
        "space": {"lr": {"type": "float", "low": 3e-4, "high": 3e-3, "log": True},
                  "seed": {"type": "int", "low": 0, "high": 1000}},
        "objective": {"key": "heldout_accuracy", "direction": "maximize"},
        "n_trials": trials, "sampler": "random", "seed": 0, "batch": batch,
    }
    path = folder / f"sweep-{batch}.yaml"
    path.write_text(yaml.safe_dump(settings), encoding="utf-8")
    return path


def run_sweep(config: Path, out: Path) -> tuple[float, dict]:
    """(wall seconds, summary.json) of ``oraclelab sweep --config CONFIG --out OUT``."""
    env = {**os.environ, "ORACLELAB_PROGRESS": "0", "OMP_WAIT_POLICY": os.environ.get("OMP_WAIT_POLICY", "PASSIVE")}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "oraclelab", "sweep", "--config", str(config), "--out", str(out)],
                   check=True, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    return seconds, json.loads((out / "summary.json").read_text(encoding="utf-8"))


def main() -> None:
    args = parse()
    print(f"{args.trials} trials, mlp critics x {args.epochs} epochs, batch {args.batch}; "
          f"load average {os.getloadavg()}")
    print(f"{'threads':>7s} {'batch':>5s} {'wall s':>7s} {'trials/min':>10s} {'complete':>8s}")
    for threads in args.threads:
        walls = {}
        with tempfile.TemporaryDirectory() as folder:
            for batch in (1, args.batch):
                config = sweep_file(Path(folder), trials=args.trials, batch=batch, epochs=args.epochs, threads=threads)
                wall, summary = run_sweep(config, Path(folder) / f"out-{batch}")
                walls[batch] = wall
                print(f"{threads:7d} {batch:5d} {wall:7.1f} {60 * args.trials / wall:10.1f} {summary['n_complete']:8d}",
                      flush=True)
        print(f"{threads:7d} {'ratio':>5s} {walls[1] / walls[args.batch]:6.2f}x")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    sys.exit(main())
