"""Benchmark: how well a discovery network fits a built-in problem, and whether its latents span the true ones.

The latent route can only read a composition out when the trained network's latents carry
the problem's latent features; this measures that before any symbolic regression runs. For
each problem and each variant of the settings (``key=value`` pairs, values in JSON, over the
defaults a portfolio candidate of ``--library`` runs with), the network is trained exactly as
``discover`` trains it (:func:`train_model`, the candidate's named random streams) on
``--rows`` samples, and printed are: the validation loss (MSE over the target's variance),
min_corr (each true latent's best correlation with one learned latent, the worst of them),
the R^2 of each true latent from the span of all learned latents (1 when the network
carries it in any linear mix), the critic's share of the final loss, and the seconds.

    python benchmarks/bench_latent_alignment.py --problems F01 F10 --library terms:2 \\
        --variants "" "critic_weight=0" "critic_weight=0 n_latents=1"
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", nargs="+", default=["F01", "F10"])
    parser.add_argument("--library", default="terms:2", help="The candidate's library (names its random streams).")
    parser.add_argument("--variants", nargs="+", default=["", "critic_weight=0"],
                        help="Space-separated key=JSON overrides of the discovery settings; '' for the defaults.")
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--n-latents", type=int, default=3, help="Latents, unless a variant sets n_latents.")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args()


def overrides(variant: str) -> dict:
    """``"a=1 b={\\"c\\": 2}"`` as {"a": 1, "b": {"c": 2}}."""
    return {key: json.loads(value) for key, value in (item.split("=", 1) for item in variant.split())}


def span_r2(latents: np.ndarray, truth: np.ndarray) -> list[float]:
    """R^2 of each true latent (column of ``truth``) from an affine map of all learned ``latents``."""
    design = np.column_stack([np.ones(len(latents)), latents])
    scores = []
    for column in truth.T:
        coefficients, *_ = np.linalg.lstsq(design, column, rcond=None)
        scores.append(1.0 - float(np.var(column - design @ coefficients) / max(np.var(column), 1e-30)))
    return scores


def main() -> int:
    import torch

    from oraclelab.symbolic.discovery import DiscoveryConfig
    from oraclelab.symbolic.discovery._data import load_discovery_data
    from oraclelab.symbolic.discovery._run import train_model
    from oraclelab.symbolic.discovery._streams import RunStreams
    from oraclelab.symbolic.discovery._train import evaluate

    args = parse()
    torch.set_num_threads(1)
    print("| problem | variant | validation loss | min_corr | true latents from the learned span (R^2) | "
          "critic share | s |")
    print("|---|---|---|---|---|---|---|")
    for name in args.problems:
        for variant in args.variants:
            settings = {"n_latents": args.n_latents, **overrides(variant)}
            config = DiscoveryConfig(problem=name, library=args.library, n_samples=args.rows, seed=args.seed,
                                     threads=1, **settings)
            data = load_discovery_data(config)
            start = time.perf_counter()
            trained = train_model(config, data, RunStreams(args.seed, "candidate", args.library))
            loss, min_corr = evaluate(trained.model, data, "validation")
            X = torch.as_tensor(data.part("validation", data.X), dtype=torch.float32)
            with torch.no_grad():
                latents = trained.model(X)[1].numpy()
            spans = span_r2(latents, data.part("validation", data.G))
            print(f"| {name} | {variant or 'defaults'} | {loss:.4g} | {min_corr:.3f} | "
                  f"{' '.join(f'{v:.3f}' for v in spans)} | {trained.state.rows[-1]['reg_share']:.2f} | "
                  f"{time.perf_counter() - start:.0f} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
