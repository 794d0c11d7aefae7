"""The simulated judge of a run, and the answer model the active elicitor assumes of it.

``JudgeConfig`` declares once the options that make the simulated judge noisy
(``--flip-prob``, ``--indifference`` with ``--tell``, ``--temperature``) and
``--noise-model``, what the active elicitor assumes: "auto" (estimate the level from the
answers, the default), "known" (the judge's own model) or a model of its own given as a
spec ("flip:0.15"). The judge's options never reach the elicitor unless ``--noise-model``
says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from oraclelab._config import option
from oraclelab._validation import check_probability
from oraclelab.elicit._answers import AnswerModel, FlipNoise, IndifferenceNoise, LogisticNoise, parse_answer_model
from oraclelab.errors import ParameterError

__all__ = ["JudgeConfig", "NOISE_MODELS", "check_noise_model", "assumed_noise", "describe_noise"]

#: What the active elicitor can assume besides a given model: estimate the level, or the judge's model.
NOISE_MODELS = ("auto", "known")
_JUDGE = "the simulated judge"


def check_noise_model(value: str | AnswerModel, name: str, owner: str) -> str | AnswerModel:
    """"auto", "known" or an ``AnswerModel``: a spec such as "flip:0.15" parsed ("none": exact answers)."""
    if isinstance(value, AnswerModel) or value in NOISE_MODELS:
        return value
    try:
        model = parse_answer_model(value)
    except ParameterError as error:
        raise ParameterError(
            f"The '{name}' parameter of {owner} must be auto, known or an answer model such as flip:0.15, "
            f"indifference:1e-4, indifference-tell:1e-4 or logistic:0.01. Got {value!r} instead ({error})"
        ) from None
    return FlipNoise(0.0) if model is None else model


def assumed_noise(noise_model: str | AnswerModel, judge: AnswerModel | None) -> str | AnswerModel:
    """What the active elicitor assumes: "auto", the judge's own model for "known" (exact answers
    for a noise-free judge), or the model given."""
    if isinstance(noise_model, str) and noise_model == "known":
        return judge if judge is not None else FlipNoise(0.0)
    return noise_model


def describe_noise(noise: str | AnswerModel | None) -> str | dict | None:
    """An answer model as configs record it: its parameters, or the word ("auto", "known") or None as is."""
    return noise.describe() if isinstance(noise, AnswerModel) else noise


@dataclass(frozen=True)
class JudgeConfig:
    """The simulated judge (at most one noise level) and the active elicitor's noise model; validated on construction.

    Fields declared with ``option`` are options of ``elicit study``, ``elicit run`` and
    ``elicit demo``. ``noise_model`` is "auto", "known" or a spec such as "flip:0.15".
    """

    flip_prob: float = option(0.0, help="Simulated judge: flip each answer with this probability (0 to 0.5).")
    indifference: float = option(
        0.0, help="Simulated judge: answer at random when the scores differ by less than this (with --tell: say 'can't tell').",
    )
    temperature: float = option(0.0, help="Simulated judge: logistic (Bradley-Terry) answers, P(r1 preferred) = 1 / (1 + exp(-gap / T)).")
    tell: bool = option(False, help="Simulated judge: inside the --indifference band say 'can't tell' instead of flipping a coin.")
    noise_model: str = option(
        "auto",
        help="What the active elicitor assumes of the judge: 'auto' (estimate the level from the answers), 'known' "
             "(the simulated judge's model) or a model such as flip:0.15, indifference:1e-4, indifference-tell:1e-4, "
             "logistic:0.01. No effect in classic and efficient mode.",
    )

    def __post_init__(self) -> None:
        check_probability(self.flip_prob, "flip_prob", _JUDGE, upper=0.5)
        for name in ("indifference", "temperature"):
            value = getattr(self, name)
            if not (isinstance(value, (int, float)) and math.isfinite(value) and value >= 0):
                raise ParameterError(f"The '{name}' parameter of {_JUDGE} must be a number >= 0. Got {value!r} instead.")
        given = [name for name in ("flip_prob", "indifference", "temperature") if getattr(self, name)]
        if len(given) > 1:
            raise ParameterError(f"Choose one noise level of {_JUDGE}: '{given[0]}' or '{given[1]}', not both.")
        if self.tell and not self.indifference:
            raise ParameterError(f"The 'tell' parameter of {_JUDGE} needs an 'indifference' band to say 'can't tell' in.")
        check_noise_model(self.noise_model, "noise_model", "the active elicitor")

    def model(self) -> AnswerModel | None:
        """The simulated judge's answer model, or None for exact answers."""
        if self.flip_prob:
            return FlipNoise(self.flip_prob)
        if self.indifference:
            return IndifferenceNoise(self.indifference, tell=self.tell)
        if self.temperature:
            return LogisticNoise(self.temperature)
        return None

    def elicitor_noise(self) -> str | AnswerModel:
        """What the active elicitor assumes: "auto" or an answer model (the judge's own for "known")."""
        return assumed_noise(check_noise_model(self.noise_model, "noise_model", "the active elicitor"), self.model())
