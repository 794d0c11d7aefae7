"""Benchmark: seconds for each critic to reach 0.99 held-out accuracy on F11.

Trains every critic variant (BCE, library F11, points grid:-3:3:700, default settings)
with 1 and with 2 torch threads and prints the training seconds to >= 0.99 held-out
accuracy (held-out evaluation excluded from the clock, as in ``summary.json``'s
``seconds_to_target``), the wall-clock seconds to the target (evaluation included), and
the process CPU seconds of training (all threads; less sensitive to other processes
sharing the machine than wall time), and the ratio to the seed code (fabxy/symrep) measured on this machine:

    mlp 86 s (and only 0.97 held-out after 10,000 epochs), stack 8 s, embed 11 s, conv 14 s.

Then a WGAN-GP critic (stack) for a fixed budget, whose sign-based accuracy stays far
below the BCE critics' (the seed saw 0.5 to 0.67), and the gradient-channel effect
(mlp vs stack, conv with and without gradient channels).

    python benchmarks/bench_critics.py [--threads 1 2] [--variants mlp stack embed conv set] [--seeds 0]

OpenMP waits passively (``OMP_WAIT_POLICY=PASSIVE`` unless set): spinning threads
made 2-thread steps 10-30x slower while other processes shared the two cores.
By default glibc's malloc is told to keep freed memory (``mallopt``): the random
networks allocate many MB-sized tensors per step, and returning them to the kernel costs
page faults that double the time of a step on this machine. ``--no-malloc-tuning`` keeps
the default allocator.
"""

from __future__ import annotations

import argparse
import os
import ctypes
import statistics
import sys
import time

SEED_SECONDS = {"mlp": 86.0, "stack": 8.0, "embed": 11.0, "conv": 14.0}
#: wall-clock budget per run (seconds).
BUDGET = {"mlp": 60.0, "stack": 20.0, "embed": 20.0, "conv": 20.0, "set": 40.0}
#: the set critic trains on random subsets of the grid (it accepts any number of points).
EXTRA = {"set": {"point_subset": 100}}


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--variants", nargs="+", default=["mlp", "stack", "embed", "conv", "set"])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--wgan-epochs", type=int, default=1000)
    parser.add_argument("--no-malloc-tuning", action="store_true")
    return parser.parse_args()


def keep_freed_memory() -> None:
    """Raise glibc's mmap and trim thresholds to 1 GiB (M_MMAP_THRESHOLD = -3, M_TRIM_THRESHOLD = -1)."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return
    libc.mallopt(-3, 1 << 30)
    libc.mallopt(-1, 1 << 30)


def run(config: dict) -> dict:
    from oraclelab.symbolic.training import train_critic

    return train_critic(config, show_progress=False).summary()


def fmt(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def main() -> None:
    args = parse()
    # OpenMP threads that spin while waiting make 2-thread runs many times slower when
    # other processes share the cores; passive waiting must be chosen before torch loads.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    print(f"load average before: {os.getloadavg()}; OMP_WAIT_POLICY={os.environ['OMP_WAIT_POLICY']}")
    if not args.no_malloc_tuning:
        keep_freed_memory()
    import torch

    base = {"library": "F11", "points": "grid:-3:3:700", "loss": "bce", "target_accuracy": 0.99, "max_epochs": 20_000}
    print(f"torch {torch.__version__}; seeds {args.seeds}; malloc tuning {'off' if args.no_malloc_tuning else 'on'}")
    header = (f"{'critic':6s} {'threads':>7s} {'train s to 0.99':>15s} {'wall s to 0.99':>14s} {'CPU s':>6s} "
              f"{'epochs':>7s} {'held-out':>8s} {'seed s':>6s} {'speed-up':>8s}")
    print(header)
    medians: dict[tuple[str, int], float | None] = {}
    for threads in args.threads:
        torch.set_num_threads(threads)
        for variant in args.variants:
            summaries = [run({**base, "critic": variant, "seed": seed, "max_seconds": BUDGET[variant],
                              **EXTRA.get(variant, {})}) for seed in args.seeds]
            reached = [s for s in summaries if s["seconds_to_target"] is not None]
            seconds = statistics.median(s["seconds_to_target"] for s in reached) if len(reached) == len(summaries) else None
            wall = statistics.median(s["wall_seconds_to_target"] for s in reached) if seconds is not None else None
            cpu = statistics.median(s["cpu_seconds_to_target"] for s in reached) if seconds is not None else None
            epochs = statistics.median(s["epochs_to_target"] for s in reached) if seconds is not None else None
            heldout = statistics.median(s["heldout_accuracy"] for s in summaries)
            medians[variant, threads] = seconds
            seed_s = SEED_SECONDS.get(variant)
            ratio = f"{seed_s / seconds:7.1f}x" if seed_s and seconds else "-"
            print(f"{variant:6s} {threads:7d} {fmt(seconds):>15s} {fmt(wall):>14s} {fmt(cpu):>6s} {fmt(epochs, 0):>7s} "
                  f"{heldout:8.3f} {fmt(seed_s, 0):>6s} {ratio:>8s}", flush=True)

    torch.set_num_threads(args.threads[0])
    start = time.perf_counter()
    wgan = run({**base, "critic": "stack", "loss": "wgan-gp", "gp": 10.0, "max_epochs": args.wgan_epochs, "seed": 0})
    print(f"\nWGAN-GP (stack, gp 10, {args.wgan_epochs} epochs, {time.perf_counter() - start:.1f} s): held-out "
          f"accuracy {wgan['heldout_accuracy']:.3f} (best {wgan['best_heldout_accuracy']:.3f}; sign-based, threshold at "
          f"the midpoint of mean real and fake scores)")

    threads = args.threads[0]
    mlp, stack = medians.get(("mlp", threads)), medians.get(("stack", threads))
    if mlp and stack:
        print(f"gradient channels: mlp {mlp:.2f} s vs stack {stack:.2f} s to 0.99 ({mlp / stack:.1f}x faster with gradients)")
    print(f"load average after: {os.getloadavg()}")
    if "conv" in args.variants:
        plain = run({**base, "critic": "conv", "critic_hyper": {"use_gradients": False}, "seed": args.seeds[0],
                     "max_seconds": BUDGET["conv"]})
        print(f"conv without gradient channels: {fmt(plain['seconds_to_target'])} s to 0.99 "
              f"(held-out {plain['heldout_accuracy']:.3f}) vs with: {fmt(medians.get(('conv', threads)))} s")


if __name__ == "__main__":
    sys.exit(main())
