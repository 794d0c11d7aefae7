"""Where a critic's training data comes from: library formulas ("real") and random
network latents ("fake"), drawn fresh on a fixed point set."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from oraclelab.runs import stream_seed
from oraclelab.symbolic.sampling._networks import RandomNetworkConfig, random_network_functions
from oraclelab.symbolic.sampling._batch import FunctionBatch


def torch_generator(seed: int, *keys: object) -> torch.Generator:
    """A CPU ``torch.Generator`` for the stream named by ``keys`` under ``seed``."""
    state = stream_seed(seed, *keys).generate_state(2, dtype=np.uint32)
    return torch.Generator().manual_seed(int(state[0]) << 32 | int(state[1]))


@dataclass(frozen=True)
class LabelledFunctions:
    """Real and fake functions on the same points.

    Attributes
    ----------
    real, fake : FunctionBatch with values (n, P) and gradients (n, P, d).
    """

    real: FunctionBatch
    fake: FunctionBatch

    def features_and_labels(self) -> tuple[np.ndarray, np.ndarray]:
        """Values as a feature matrix (2n, P) and labels (2n,), 1 for real, for scikit-learn."""
        values = torch.cat([self.real.values, self.fake.values]).cpu().numpy().astype(np.float64)
        labels = np.r_[np.ones(len(self.real)), np.zeros(len(self.fake))].astype(np.int64)
        return values, labels


class FunctionSampler:
    """Draws real functions from ``library`` and fake ones from random networks on ``points``.

    Parameters
    ----------
    library : a ``FunctionLibrary`` (anything with ``sample(n, points, generator)``).
    points : Tensor of shape (P, d) on the CPU; samples are drawn there (so a seed gives
        the same data on every device) and moved to ``device``.
    network : the random-network architecture.
    gradients : when False the random networks' Jacobians are skipped (half their cost)
        and fake gradients are zeros: for critics that look at values only.
    fakes_per_network : latent units :meth:`fake` takes from each random network (default
        ``network.latent_width``); each has the same distribution whatever the number, and
        more share the hidden layers (see ``random_network_functions``). :meth:`labelled`
        (held-out and calibration sets) always draws networks of ``network.latent_width``.
    """

    def __init__(self, library, points: torch.Tensor, network: RandomNetworkConfig, *,
                 device: torch.device | str = "cpu", gradients: bool = True,
                 fakes_per_network: int | None = None) -> None:
        self.library = library
        self.points = points
        self.network = network
        self.device = torch.device(device)
        self.gradients = gradients
        self.fakes_per_network = fakes_per_network or network.latent_width

    def real(self, n: int, generator: torch.Generator, points: torch.Tensor | None = None) -> FunctionBatch:
        """``n`` library functions on ``points`` (default: all points)."""
        sample = self.library.sample(n, self.points if points is None else points, generator)
        return FunctionBatch(sample.values, sample.gradients).to(self.device)

    def fake(self, n: int, generator: torch.Generator, points: torch.Tensor | None = None, *,
             per_network: int | None = None) -> FunctionBatch:
        """``n`` random-network latent functions on ``points`` (default: all points), ``per_network``
        (default ``fakes_per_network``) from each network."""
        values, gradients = random_network_functions(n, self.points if points is None else points, self.network,
                                                     generator=generator, gradients=self.gradients,
                                                     per_network=per_network or self.fakes_per_network)
        return FunctionBatch(values, gradients).to(self.device)

    def labelled(self, n_each: int, generator: torch.Generator) -> LabelledFunctions:
        """``n_each`` real then ``n_each`` fake functions, the fakes from networks of ``network.latent_width``."""
        return LabelledFunctions(self.real(n_each, generator),
                                 self.fake(n_each, generator, per_network=self.network.latent_width))
