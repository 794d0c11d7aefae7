"""What a study with people runs: its data, query region, stopping rules, repeats and seed.

The settings are written into the study's store when it is created; every participant's
questions follow from them, the participant's number and the answers, so a session can be
rebuilt at any time from the store alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from oraclelab._config import option
from oraclelab._validation import check_int_at_least, check_positive
from oraclelab.elicit._active import DEFAULT_TOL
from oraclelab.elicit._answers import AnswerModel, parse_answer_model
from oraclelab.elicit._geometry import n_rates
from oraclelab.elicit._noise_study import information_limit
from oraclelab.elicit.fair._features import fair_dimension
from oraclelab.elicit.fair._group_options import GroupedDataOptions
from oraclelab.errors import ParameterError

__all__ = ["PersonSettings", "default_budget"]


def default_budget(n_classes: int, groups: int = 0) -> int:
    """Questions a person is asked by default: 1.2 times the noise-free information limit, rounded up to tens.

    That is 40 for k = 2 and 210 for k = 3: a 10%-noisy simulated person ranks 20 classifiers
    with Kendall tau >= 0.9 at these budgets (``benchmarks/bench_simulate.py``). A fair metric
    over m >= 2 groups has q (q + 1) / 2 parameters per group pair: 40 for (m, k) = (2, 2),
    80 for (3, 2), 210 for (2, 3).
    """
    q = n_rates(n_classes)
    parameters = fair_dimension(q, groups) if groups >= 2 else None
    return int(10 * math.ceil(1.2 * information_limit(q, parameters=parameters) / 10))


@dataclass(frozen=True)
class PersonSettings(GroupedDataOptions):
    """A study with people on real data (the data options of ``GroupedDataOptions`` and these); validated on construction.

    With ``groups`` the study elicits a group-fair metric: each question compares two group-aware
    classifiers, one realised classifier per group."""

    OWNER = "elicit ask/serve"

    budget: int | None = option(None, help="Comparisons per person (default: 1.2 x the information limit: 40 for k = 2, 210 for k = 3; "
                                                    "a fair study counts its group pairs: 80 for 3 groups and k = 2).")
    tol: float = option(DEFAULT_TOL, help="Stop early when the posterior's RMS standard deviation is at most this.")
    repeat_every: int = option(10, help="Every n-th question repeats an earlier one with sides swapped, to measure consistency (0: never).")
    noise_model: str = option("auto", help="What the elicitor assumes of the person: 'auto' (estimate from the answers) or a "
                                           "model such as flip:0.1.")
    seed: int = option(0, help="Seed of the data split, the questions, the sides shown and the repeats.")

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.budget is not None:
            check_int_at_least(self.budget, "budget", self.OWNER, 1)
        check_positive(self.tol, "tol", self.OWNER)
        check_int_at_least(self.repeat_every, "repeat_every", self.OWNER, 0)
        if self.repeat_every == 1:
            raise ParameterError(f"The 'repeat_every' parameter of {self.OWNER} must be 0 (no repeats) or at least 2. Got 1.")
        check_int_at_least(self.seed, "seed", self.OWNER, 0)
        self.elicitor_noise()

    def elicitor_noise(self) -> str | AnswerModel:
        """'auto', or the answer model the elicitor is told to assume."""
        if self.noise_model == "auto":
            return "auto"
        model = parse_answer_model(self.noise_model)
        if model is None:
            raise ParameterError(f"The 'noise_model' of {self.OWNER} must be 'auto' or a noisy model such as flip:0.1. Got {self.noise_model!r}.")
        return model

    def budget_for(self, n_classes: int, groups: int = 0) -> int:
        """The budget, or its default for k classes (and m groups)."""
        return self.budget if self.budget is not None else default_budget(n_classes, groups)

    def as_dict(self) -> dict:
        """Plain values, for the store and config files."""
        return {**self.data_dict(), "budget": self.budget, "tol": self.tol, "repeat_every": self.repeat_every,
                "noise_model": self.noise_model, "seed": self.seed}
