"""Where a command's validation data comes from, and its query region: one set of options for every command on real data.

``simulate``, ``ask`` and ``serve`` all take a bundled data set or a user's file, its label and
probability columns, the class names and the held-out share; the fields below declare those
options once (a config class inherits them), and ``rate_space`` turns them into the data's
rate space the same way everywhere (queries lie in ``space.region(margin)``).
"""

from __future__ import annotations

from dataclasses import dataclass

from oraclelab._config import check_option_choices, option
from oraclelab._validation import check_probability
from oraclelab.elicit._data import (
    BUNDLED_DATASETS,
    ValidationData,
    load_validation_file,
    split_validation,
    validation_from_bundled,
)
from oraclelab.elicit._rate_space import RateSpace, build_rate_space
from oraclelab.errors import ParameterError

__all__ = ["DataOptions"]


@dataclass(frozen=True)
class DataOptions:
    """A bundled data set or a validation file, the share of rows held out and the query margin; validated on construction."""

    dataset: str | None = option(None, help="A bundled data set (a logistic regression is fitted on half of it).",
                                 choices=BUNDLED_DATASETS)
    data: str | None = option(None, help="Validation file (CSV or NPZ): a label column and one probability column per class.")
    labels: str = option("label", help="Label column of --data.")
    proba: tuple[str, ...] | None = option(None, help="Probability columns of --data (default p_0, p_1, ...).")
    classes: tuple[str, ...] | None = option(None, help="Class of each probability column (default: the sorted labels).")
    held_out: float = option(0.3, help="Share of the validation rows held out from the rate space.")
    margin: float = option(0.98, help="Query region radius as a share of the inscribed radius.")

    #: The command named in error messages.
    OWNER = "elicit"

    def __post_init__(self) -> None:
        if (self.dataset is None) == (self.data is None):
            raise ParameterError(f"{self.OWNER} needs exactly one data source: a bundled 'dataset' or a 'data' file.")
        check_option_choices(self, self.OWNER)
        check_probability(self.held_out, "held_out", self.OWNER)
        if not 0.0 < self.held_out < 1.0:
            raise ParameterError(f"The 'held_out' parameter of {self.OWNER} must be in (0, 1). Got {self.held_out!r} instead.")
        check_probability(self.margin, "margin", self.OWNER)
        if self.margin <= 0:
            raise ParameterError(f"The 'margin' parameter of {self.OWNER} must be in (0, 1]. Got {self.margin!r} instead.")
        for name in ("proba", "classes"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, tuple(str(v) for v in value))

    def data_dict(self) -> dict:
        """The data options as plain values, for config files."""
        return {"dataset": self.dataset, "data": self.data, "labels": self.labels,
                "proba": None if self.proba is None else list(self.proba),
                "classes": None if self.classes is None else list(self.classes), "held_out": self.held_out,
                "margin": self.margin}

    def load(self, seed: int) -> ValidationData:
        """The validation rows: the bundled data set's (its model fitted with ``seed``), or the file's."""
        if self.dataset is not None:
            return validation_from_bundled(self.dataset, seed=seed)
        return load_validation_file(self.data, label_column=self.labels, proba_columns=self.proba, classes=self.classes)

    def rate_space(self, seed: int) -> RateSpace:
        """Load the rows, hold out ``held_out`` of them (seeded) and build the rate space on the rest."""
        fit, held = split_validation(self.load(seed), held_out=self.held_out, seed=seed)
        return build_rate_space(fit, held, seed=seed)
