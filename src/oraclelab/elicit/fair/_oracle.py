"""Fair oracles: T judges comparing group rate stacks R, asked by FPME through views.

FPME never queries a whole stack freely: each of its LPME and QME runs moves a set of
groups by s from a common base rate, so it sees an ordinary ``Oracle`` over s in R^q. A
fair oracle hands out those views, batched over trials and moved sets, so every search of
a run advances in one lockstep batch.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np

from oraclelab.elicit._oracles import AnswerModel, HiddenMetricOracle, Oracle
from oraclelab.elicit.fair._features import stacked_metric
from oraclelab.elicit.fair._metric import FairMetric
from oraclelab.errors import ParameterError
from oraclelab.runs._seeding import as_generator

__all__ = ["FairOracle", "HiddenFairOracle"]


class FairOracle(ABC):
    """T fair judges over m groups and q rates; the group shares T_g are known to the elicitor.

    Parameters
    ----------
    shares : ndarray of shape (T, m, q), P(G = g | Y = c) per rate
    """

    def __init__(self, shares: np.ndarray) -> None:
        self.shares = np.asarray(shares, dtype=np.float64)
        self.n_trials, self.groups, self.dim = (int(n) for n in self.shares.shape)

    @abstractmethod
    def view(self, base: np.ndarray, moved: np.ndarray) -> Oracle:
        """An ``Oracle`` over s in R^q for every trial and moved set: r_g = base + s (g moved), base otherwise.

        ``base`` has shape (q,), ``moved`` is a bool mask of shape (P, m); the oracle is
        batched over T * P trials, trial-major (row t * P + p).
        """

    @property
    def hidden_metric(self) -> FairMetric | None:
        """The fair metric behind the answers when the oracle is a simulation, else None."""
        return None

    def stacked(self) -> Oracle:
        """An ``Oracle`` over whole stacks x = (r_0, .., r_{m-1}) of dimension m q (the active mode's questions)."""
        raise ParameterError(f"{type(self).__name__} answers through views only; active fair elicitation needs stacked().")


class HiddenFairOracle(FairOracle):
    """A simulated stakeholder with a hidden fair metric; prefers the larger phi (ties: the first).

    Parameters
    ----------
    metric : FairMetric with T trials
    noise : AnswerModel or None for exact answers
    rng : seed or Generator of the noise, shared by all views
    """

    def __init__(self, metric: FairMetric, *, noise: AnswerModel | None = None, rng=None) -> None:
        if not isinstance(metric, FairMetric):
            raise ParameterError(f"HiddenFairOracle needs a FairMetric. Got {type(metric).__name__}.")
        super().__init__(metric.shares)
        self.metric = metric
        self.noise = noise
        self._rng = as_generator(rng)

    @property
    def hidden_metric(self) -> FairMetric:
        return self.metric

    def view(self, base: np.ndarray, moved: np.ndarray) -> Oracle:
        """The views' quadratic metrics (``FairMetric.view``) behind one simulated oracle."""
        return HiddenMetricOracle(self.metric.view(base, moved), noise=self.noise, rng=self._rng)

    def stacked(self) -> Oracle:
        """The fair metrics as quadratic metrics of the stack (``stacked_metric``) behind one simulated oracle."""
        return HiddenMetricOracle(stacked_metric(self.metric), noise=self.noise, rng=self._rng)
