"""A simulated person with a hidden fair metric on real data: every question is a pair of group-aware classifiers.

Each asked stack R = (r_g) is realised as one classifier per group on that group's rows
(``GroupedRateSpace.realise``); the judge scores the realised rates (they match the request
to about 1e-12; the largest gap is reported) with a hidden fair metric whose shares T are
the data's, through an answer model. The hidden metrics' a, B and lam are drawn as FPME's
random instances (``random_fair_instances``), from the seed's own streams.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from oraclelab.elicit._oracles import AnswerModel, HiddenMetricOracle, Oracle
from oraclelab.elicit.fair._active import FAIR_TOL, FairActiveResult, elicit_fair_active
from oraclelab.elicit.fair._error_metrics import fair_errors
from oraclelab.elicit.fair._features import stacked_metric
from oraclelab.elicit.fair._group_data import GroupedRateSpace
from oraclelab.elicit.fair._instances import random_fair_instances
from oraclelab.elicit.fair._metric import FairMetric
from oraclelab.elicit.fair._oracle import FairOracle
from oraclelab.errors import ParameterError
from oraclelab.runs._seeding import stream_generator

__all__ = ["RealisedFairOracle", "FairSimulation", "simulate_fair_on_data", "hidden_fair_metrics"]


class _RealisingOracle(HiddenMetricOracle):
    """The stacked hidden metric answering on the realised rates of each asked stack."""

    def __init__(self, space: GroupedRateSpace, metric: FairMetric, noise: AnswerModel | None, rng) -> None:
        super().__init__(stacked_metric(metric), noise=noise, rng=rng)
        self.space = space
        self.max_gap = 0.0
        self.realised = 0

    def _realise(self, stacks: np.ndarray) -> np.ndarray:
        """Realised rates of stacks (..., m q), group by group."""
        m, q = self.space.shares.shape
        flat = stacks.reshape(-1, m, q)
        out = np.empty_like(flat)
        for i, stack in enumerate(flat):
            classifiers = self.space.realise(stack)
            out[i] = [c.fit_rates for c in classifiers]
            self.max_gap = max([self.max_gap] + [c.rate_gap for c in classifiers])
        self.realised += flat.shape[0]
        return out.reshape(stacks.shape)

    def _answer_three_way(self, r1: np.ndarray, r2: np.ndarray, trials: np.ndarray) -> np.ndarray:
        return super()._answer_three_way(self._realise(r1), self._realise(r2), trials)


class RealisedFairOracle(FairOracle):
    """A simulated person with hidden fair metrics answering on realised group-aware classifiers (whole stacks only)."""

    def __init__(self, space: GroupedRateSpace, metric: FairMetric, *, noise: AnswerModel | None = None, rng=None) -> None:
        if not np.allclose(metric.shares, space.shares[None]):
            raise ParameterError("RealisedFairOracle needs hidden metrics whose shares are the data's.")
        super().__init__(metric.shares)
        self._metric = metric
        self._stacked = _RealisingOracle(space, metric, noise, rng)

    @property
    def hidden_metric(self) -> FairMetric:
        return self._metric

    def view(self, base: np.ndarray, moved: np.ndarray) -> Oracle:
        raise ParameterError("RealisedFairOracle answers whole stacks only; use the active mode.")

    def stacked(self) -> _RealisingOracle:
        return self._stacked


def hidden_fair_metrics(space: GroupedRateSpace, trials: int, *, seed: int) -> FairMetric:
    """Random fair metrics (a, B, lam as FPME's instances) with the data's shares, from the seed's streams."""
    drawn, _ = random_fair_instances(space.groups, len(space.classes), trials,
                                     rng=stream_generator(seed, "fair-simulate-metrics", space.groups))
    return FairMetric(drawn.a, drawn.B, drawn.lam, np.broadcast_to(space.shares, drawn.shares.shape).copy())


@dataclass(frozen=True)
class FairSimulation:
    """The hidden metrics, the active estimates, their errors (``fair_errors``) and the realisation's largest gap."""

    metric: FairMetric
    result: FairActiveResult
    errors: dict[str, np.ndarray]
    max_rate_gap: float
    realised: int
    seconds: float


def simulate_fair_on_data(space: GroupedRateSpace, metric: FairMetric, *, budget: int | None = None, tol: float = FAIR_TOL,
                          noise: AnswerModel | None = None, elicitor_noise: str | AnswerModel = "auto", seed: int = 0
                          ) -> FairSimulation:
    """Elicit the hidden fair metrics actively from a judge answering on realised classifiers in ``space.region``."""
    start = time.perf_counter()
    oracle = RealisedFairOracle(space, metric, noise=noise, rng=stream_generator(seed, "fair-simulate-judge"))
    result = elicit_fair_active(oracle, space.region, tol=tol, budget=budget, noise=elicitor_noise,
                                rng=stream_generator(seed, "fair-simulate-elicitor"))
    stacked = oracle.stacked()
    return FairSimulation(metric, result, fair_errors(result.a, result.B, result.lam, metric), stacked.max_gap,
                          stacked.realised, time.perf_counter() - start)
