"""The sweep file: which ``oraclelab`` command to run, over which search space, for which objective.

A sweep.yaml looks like::

    study: qme-tolerance            # Optuna study name
    command: [elicit, study, --classes, "2", "3"]
    options: {trials: 20, formed: well}          # fixed: --trials 20 --formed well
    space:
      tol: {type: float, low: 0.001, high: 0.1, log: true}
      mode: {type: categorical, choices: [classic, efficient]}
    objective: {key: rows.0.B_err_median, direction: minimize}
    n_trials: 20
    sampler: tpe                    # or random
    seed: 0
    batch: 1                        # trials one process runs at once (> 1: commands that register batching)

Option names are written without the leading dashes (``flip-prob`` means ``--flip-prob``);
the sweep adds ``--out`` itself. A list value repeats the option (``classes: [2, 3]``), a true
boolean is a bare flag and a false one is left out. With ``batch`` > 1 a worker runs up to
``batch`` trials whose options differ only in per-model options (learning rate, seed, ...)
in one process; only commands that registered a ``BatchRunner`` (``runs._batching``, e.g.
``symbolic train-critic``) allow it, which the sweep checks before it starts.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from oraclelab.errors import DataFileError
from oraclelab.runs._run_folder import read_yaml

__all__ = ["SweepConfig", "FloatParam", "IntParam", "CategoricalParam", "Objective", "load_sweep_config", "parse_sweep_config"]

OPTION_NAME = r"^[a-z][a-z0-9-]*$"
Scalar = Union[bool, int, float, str]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Range(_Strict):
    """A search range [low, high]; subclasses declare the bounds' type."""

    @model_validator(mode="after")
    def _check_order(self) -> "_Range":
        if not self.low < self.high:  # type: ignore[attr-defined]
            raise ValueError(f"low must be < high (got low={self.low}, high={self.high})")  # type: ignore[attr-defined]
        return self


class FloatParam(_Range):
    """A float in [low, high], sampled on a log scale when ``log``."""

    type: Literal["float"]
    low: float
    high: float
    log: bool = False

    @model_validator(mode="after")
    def _check_log(self) -> "FloatParam":
        if self.log and self.low <= 0:
            raise ValueError(f"a log-scaled range needs low > 0 (got {self.low})")
        return self

    def suggest(self, trial: Any, name: str) -> float:
        return trial.suggest_float(name, self.low, self.high, log=self.log)


class IntParam(_Range):
    """An integer in [low, high] on a grid of ``step``."""

    type: Literal["int"]
    low: int
    high: int
    step: int = Field(1, ge=1)

    def suggest(self, trial: Any, name: str) -> int:
        return trial.suggest_int(name, self.low, self.high, step=self.step)


class CategoricalParam(_Strict):
    """One of ``choices``."""

    type: Literal["categorical"]
    choices: list[Scalar] = Field(min_length=1)

    def suggest(self, trial: Any, name: str) -> Scalar:
        return trial.suggest_categorical(name, self.choices)


Param = Annotated[Union[FloatParam, IntParam, CategoricalParam], Field(discriminator="type")]


class Objective(_Strict):
    """A dotted key path into each trial's summary.json (``rows.0.B_err_median``) and its direction."""

    key: str = Field(min_length=1)
    direction: Literal["minimize", "maximize"] = "minimize"

    def read(self, summary: Any) -> float:
        """The objective's value in ``summary``; ``KeyError`` or ``ValueError`` when absent or not a number."""
        value = summary
        for part in self.key.split("."):
            if isinstance(value, list) and part.lstrip("-").isdigit() and -len(value) <= int(part) < len(value):
                value = value[int(part)]
            elif isinstance(value, dict) and part in value:
                value = value[part]
            else:
                raise KeyError(f"summary.json has no '{self.key}' (stopped at '{part}')")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"summary.json '{self.key}' is {value!r}, not a number")
        return float(value)


class SweepConfig(_Strict):
    """A validated sweep.yaml."""

    study: str = Field("sweep", min_length=1)
    command: list[str] = Field(min_length=1)
    options: dict[str, Union[Scalar, list[Scalar]]] = Field(default_factory=dict)
    space: dict[str, Param] = Field(min_length=1)
    objective: Objective
    n_trials: int = Field(ge=1)
    sampler: Literal["random", "tpe"] = "tpe"
    seed: int = Field(0, ge=0)
    heartbeat_interval: int = Field(10, ge=1)
    grace_period: int = Field(30, ge=2)
    batch: int = Field(1, ge=1)

    @field_validator("options", "space")
    @classmethod
    def _check_names(cls, value: dict) -> dict:
        for name in value:
            if not re.match(OPTION_NAME, name):
                raise ValueError(f"'{name}' is not an option name (lower case, digits and '-', no leading dashes)")
            if name == "out":
                raise ValueError("'out' is set by the sweep (each trial writes DIR/trials/NNNN)")
        return value

    @model_validator(mode="after")
    def _check_overlap(self) -> "SweepConfig":
        both = sorted(set(self.options) & set(self.space))
        if both:
            raise ValueError(f"{', '.join(both)} is both fixed in 'options' and searched in 'space'")
        if self.heartbeat_interval >= self.grace_period:
            raise ValueError("grace_period must exceed heartbeat_interval")
        return self

    def argv(self, params: dict[str, Scalar]) -> list[str]:
        """The command's arguments for one trial: the command, the fixed options, then ``params``."""
        words = list(self.command)
        for name, value in {**self.options, **params}.items():
            for item in value if isinstance(value, list) else [value]:
                if item is True:
                    words.append(f"--{name}")
                elif item is not False:
                    words += [f"--{name}", str(item)]
        return words

    def same_sweep(self, other: "SweepConfig") -> bool:
        """True when ``other`` differs at most in ``n_trials`` (a resumed sweep may grow) and ``batch``.

        ``batch`` may change because it only says how many trials one process runs, not which
        trials (parameters, numbers, folders) the sweep plans.
        """
        return self.model_dump(exclude=CHANGEABLE) == other.model_dump(exclude=CHANGEABLE)


#: the fields a resumed sweep may change.
CHANGEABLE = {"n_trials", "batch"}


def _field_path(location: tuple) -> str:
    return ".".join(str(part) for part in location) or "(top level)"


def parse_sweep_config(data: Any, source: str) -> SweepConfig:
    """Validate ``data`` (a parsed sweep.yaml); errors name ``source`` and the field in one line."""
    if not isinstance(data, dict):
        raise DataFileError(f"{source}: expected a mapping of sweep settings, got {type(data).__name__}.")
    try:
        return SweepConfig.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        location = tuple(part for part in first["loc"] if part not in ("float", "int", "categorical"))
        more = f" (and {error.error_count() - 1} more)" if error.error_count() > 1 else ""
        raise DataFileError(f"{source}: field '{_field_path(location)}': {first['msg'].removeprefix('Value error, ')}{more}.") from None


def load_sweep_config(path: str | Path) -> SweepConfig:
    """Read and validate a sweep.yaml."""
    return parse_sweep_config(read_yaml(path, error=DataFileError), str(path))
