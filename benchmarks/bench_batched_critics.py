"""Benchmark: K critics trained at once with stacked weights vs one at a time.

K mlp critics (BCE, library F11, points grid:-3:3:700, seeds 0..K-1, learning rates
spread log-uniformly over 3e-4..3e-3) each train a fixed number of epochs (target
accuracy 1.0, so no early stop), once batched (``train_critic_batch``) and once one
after the other through ``train_critic`` (run folders in a temporary directory, no
figures). For both it prints the wall-clock seconds of the whole job (setup, calibration
and held-out evaluation included), the training seconds (held-out evaluation excluded,
as ``summary["seconds"]``), critics trained per minute (wall clock) and the ratio.

    python benchmarks/bench_batched_critics.py [--threads 1 2] [--models 8] [--epochs 300] [--device cpu]
        [--no-malloc-tuning]

As in bench_critics.py, OpenMP waits passively (``OMP_WAIT_POLICY=PASSIVE`` unless set)
and glibc's malloc keeps freed memory unless ``--no-malloc-tuning``: without it, drawing
the K * 64 functions of a batched step in one call (tens of MB of random-network
activations) is dominated by page faults and costs about 2.5x more per function.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from bench_critics import keep_freed_memory


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--models", type=int, default=8)
    parser.add_argument("--epochs", type=int, default=300)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--no-malloc-tuning", action="store_true")
    return parser.parse_args()


def configs(models: int, epochs: int) -> list[dict]:
    """K configs differing in lr (log-uniform 3e-4..3e-3) and seed."""
    import numpy as np

    lrs = np.geomspace(3e-4, 3e-3, models) if models > 1 else [1e-3]
    return [{"library": "F11", "points": "grid:-3:3:700", "critic": "mlp", "loss": "bce", "lr": float(lr),
             "seed": seed, "max_epochs": epochs, "target_accuracy": 1.0} for seed, lr in enumerate(lrs)]


def one_at_a_time(settings: list[dict], device: str) -> tuple[float, float, list[dict]]:
    """(wall seconds, training seconds, summaries) of ``train_critic`` run once per config."""
    from oraclelab.symbolic.training import train_critic

    start = time.perf_counter()
    summaries = [train_critic(config, device=device, show_progress=False).summary() for config in settings]
    return time.perf_counter() - start, sum(s["seconds"] for s in summaries), summaries


def batched(settings: list[dict], device: str) -> tuple[float, float, list[dict]]:
    """(wall seconds, training seconds, summaries) of one ``train_critic_batch`` call."""
    from oraclelab.symbolic.training import train_critic_batch

    start = time.perf_counter()
    summaries = [result.summary() for result in train_critic_batch(settings, device=device)]
    return time.perf_counter() - start, summaries[0]["seconds"], summaries


def main() -> None:
    args = parse()
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    if not args.no_malloc_tuning:
        keep_freed_memory()
    import torch

    settings = configs(args.models, args.epochs)
    print(f"torch {torch.__version__}; device {args.device}; {args.models} mlp critics x {args.epochs} epochs; "
          f"load average {os.getloadavg()}; OMP_WAIT_POLICY={os.environ['OMP_WAIT_POLICY']}; "
          f"malloc tuning {'off' if args.no_malloc_tuning else 'on'}")
    print(f"{'threads':>7s} {'mode':>13s} {'wall s':>7s} {'train s':>7s} {'critics/min':>11s} "
          f"{'held-out (min..max)':>20s}")
    for threads in args.threads:
        torch.set_num_threads(threads)
        results = {"one at a time": one_at_a_time(settings, args.device), "batched": batched(settings, args.device)}
        for mode, (wall, train, summaries) in results.items():
            heldout = [s["heldout_accuracy"] for s in summaries]
            assert all(s["epochs"] == args.epochs for s in summaries), "a critic stopped early"
            print(f"{threads:7d} {mode:>13s} {wall:7.2f} {train:7.2f} {60 * len(summaries) / wall:11.1f} "
                  f"{min(heldout):9.3f}..{max(heldout):.3f}", flush=True)
        (single_wall, single_train, _), (batch_wall, batch_train, _) = results.values()
        print(f"{threads:7d} {'speed-up':>13s} {single_wall / batch_wall:6.2f}x {single_train / batch_train:6.2f}x")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    sys.exit(main())
