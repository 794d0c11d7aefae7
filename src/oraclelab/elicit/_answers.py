"""Answer models: how a judge answers a comparison, given the true score gap.

Each model both simulates a judge (``sample``: +1 r1 preferred, 0 can't tell, -1 r2
preferred; ``choose``: the forced choice of the classic algorithms, where "can't tell"
becomes a coin flip) and hands the active elicitor its likelihood (``likelihood``: an
``AnswerLikelihood``). For the flip and indifference models the simulated answer
probabilities are that likelihood's own, so there is one definition of each; the logistic
judge answers with the exact logistic curve and offers the probit curve of matched slope as
its likelihood (largest difference 0.018), since Gaussian beliefs integrate probits in
closed form.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np

from oraclelab._validation import check_choice, check_positive, check_probability
from oraclelab.elicit._likelihood import AnswerLikelihood
from oraclelab.errors import ParameterError

__all__ = ["AnswerModel", "NoiseModel", "FlipNoise", "IndifferenceNoise", "LogisticNoise", "ANSWER_MODELS", "answer_model", "parse_answer_model"]

#: A logistic curve 1 / (1 + exp(-x)) is closest to the probit Phi(x sqrt(pi / 8)).
PROBIT_MATCH = math.sqrt(math.pi / 8.0)


class AnswerModel(ABC):
    """How a judge turns the true score gap g = score(r1) - score(r2) into an answer."""

    @abstractmethod
    def probabilities(self, gap: np.ndarray) -> np.ndarray:
        """P(+1), P(0), P(-1) for gaps of any shape (...) -> (..., 3)."""

    @abstractmethod
    def likelihood(self) -> AnswerLikelihood:
        """The model as the elicitor's likelihood (a batch of one, shared by all trials)."""

    @abstractmethod
    def describe(self) -> dict:
        """Parameters as a plain dict, for configs and summaries."""

    def sample(self, gap: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Answers (+1, 0, -1) as int8 for gaps of any shape, one uniform draw per answer."""
        probabilities = self.probabilities(gap)
        u = rng.random(probabilities.shape[:-1])
        first = u < probabilities[..., 0]
        tie = ~first & (u < probabilities[..., 0] + probabilities[..., 1])
        return np.where(first, 1, np.where(tie, 0, -1)).astype(np.int8)

    def choose(self, gap: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Forced choices (True: r1 preferred) for gaps of any shape; "can't tell" becomes a coin flip."""
        answers = self.sample(gap, rng)
        ties = answers == 0
        if np.any(ties):
            return np.where(ties, rng.random(answers.shape) < 0.5, answers > 0)
        return answers > 0


#: The name the classic algorithms' code knows answer models by.
NoiseModel = AnswerModel


class _RegionModel(AnswerModel):
    """A model whose answers are exactly its likelihood's."""

    def probabilities(self, gap: np.ndarray) -> np.ndarray:
        g = np.asarray(gap, dtype=np.float64)
        return self.likelihood().answer_probabilities(g[None])[0]


@dataclass(frozen=True)
class FlipNoise(_RegionModel):
    """Each answer names the wrong classifier with probability ``p`` (in [0, 0.5])."""

    p: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "p", check_probability(self.p, "p", "FlipNoise", upper=0.5))

    def likelihood(self) -> AnswerLikelihood:
        return AnswerLikelihood.make(p=self.p)

    def describe(self) -> dict:
        return {"kind": "flip", "p": self.p}


@dataclass(frozen=True)
class IndifferenceNoise(_RegionModel):
    """Scores closer than ``eps`` look equal: the judge flips a coin, or says "can't tell" if ``tell``."""

    eps: float
    tell: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "eps", check_positive(self.eps, "eps", "IndifferenceNoise"))
        object.__setattr__(self, "tell", bool(self.tell))

    def likelihood(self) -> AnswerLikelihood:
        return AnswerLikelihood.make(eps=self.eps, tell=self.tell)

    def describe(self) -> dict:
        return {"kind": "indifference", "eps": self.eps, "tell": self.tell}


@dataclass(frozen=True)
class LogisticNoise(AnswerModel):
    """A Bradley-Terry judge: P(r1 preferred) = 1 / (1 + exp(-g / temperature))."""

    temperature: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "temperature", check_positive(self.temperature, "temperature", "LogisticNoise"))

    def probabilities(self, gap: np.ndarray) -> np.ndarray:
        x = np.asarray(gap, dtype=np.float64) / self.temperature
        first = 0.5 * (1.0 + np.tanh(0.5 * x))
        return np.stack([first, np.zeros_like(first), 1.0 - first], axis=-1)

    def likelihood(self) -> AnswerLikelihood:
        return AnswerLikelihood.make(smoothing=self.temperature / PROBIT_MATCH)

    def describe(self) -> dict:
        return {"kind": "logistic", "temperature": self.temperature}


#: Kinds of simulated judge by name, as configs and command lines spell them.
ANSWER_MODELS = ("none", "flip", "indifference", "logistic")


def answer_model(kind: str, level: float | None = None, *, tell: bool = False) -> AnswerModel | None:
    """A simulated judge from its kind and level: flip rate, band half-width or temperature (None for "none")."""
    kind = check_choice(kind, "noise_model", "answer_model", ANSWER_MODELS)
    if kind == "none":
        return None
    if level is None:
        raise ParameterError(f"The '{kind}' noise model needs a level (flip rate, band half-width or temperature).")
    if kind == "flip":
        return FlipNoise(level)
    if kind == "indifference":
        return IndifferenceNoise(level, tell=tell)
    return LogisticNoise(level)


def parse_answer_model(spec: str) -> AnswerModel | None:
    """A simulated judge from text such as "none", "flip:0.1", "indifference:1e-4", "indifference-tell:1e-4", "logistic:0.01"."""
    kind, _, level = str(spec).strip().partition(":")
    tell = kind.endswith("-tell")
    kind = kind[: -len("-tell")] if tell else kind
    if kind == "none" and not level:
        return None
    try:
        value = float(level)
    except ValueError:
        raise ParameterError(f"A noise model reads KIND:LEVEL with KIND one of {', '.join(ANSWER_MODELS)}. Got {spec!r} instead.") from None
    return answer_model(kind, value, tell=tell)
