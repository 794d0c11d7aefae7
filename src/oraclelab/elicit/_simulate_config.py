"""What ``oraclelab elicit simulate`` runs: a validated config, its data and hidden metrics, its tables.

Fields declared with ``option`` are also the command's options. ``run_simulation`` loads the
data (a bundled data set or a user's file), splits it, builds the rate space, reads or draws
the hidden metrics and calls ``simulate_on_data``; ``trial_rows`` and ``simulation_summary``
are what the run folder holds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from oraclelab._config import option
from oraclelab._validation import check_int_at_least, check_positive
from oraclelab.elicit._active import DEFAULT_TOL
from oraclelab.elicit._judge import JudgeConfig, describe_noise
from oraclelab.elicit._data_options import DataOptions
from oraclelab.elicit._metrics import QuadraticMetric, random_metrics
from oraclelab.elicit._rate_space import RateSpace
from oraclelab.elicit._records import load_metrics_file
from oraclelab.elicit._simulate import SimulationResult, simulate_on_data
from oraclelab.errors import DataFileError
from oraclelab.runs._seeding import stream_generator

__all__ = ["SimulateConfig", "run_simulation", "trial_rows", "simulation_summary", "judged_data_values", "TRIAL_COLUMNS"]

OWNER = "elicit simulate"
SIMULATION_MODES = ("active",)
TRIAL_COLUMNS = ("trial", "a_err", "B_err", "comparisons", "kendall_tau", "stopped", "flip_rate")


@dataclass(frozen=True)
class SimulateConfig(DataOptions, JudgeConfig):
    """A simulated person on real data: the data options of ``DataOptions``, the judge of ``JudgeConfig``
    and the simulation's own; validated on construction."""

    OWNER = OWNER

    metrics: str | None = option(None, help="NPZ of hidden metrics 'a' [T, q], 'B' [T, q, q] (default: --trials random well-formed ones).")
    trials: int = option(20, help="Random hidden metrics drawn when --metrics is not given.")
    mode: str = option("active", help="Elicitation mode.", choices=SIMULATION_MODES)
    budget: int | None = option(None, help="Largest number of comparisons per trial (default: until --tol).")
    tol: float = option(DEFAULT_TOL, help="Stop when the posterior's RMS standard deviation is at most this.")
    pool: int = option(20, help="Classifiers (random region points, realised) ranked by both metrics.")
    seed: int = option(0, help="Seed of the data split, hidden metrics, judge, elicitor and pool.")

    def __post_init__(self) -> None:
        DataOptions.__post_init__(self)
        JudgeConfig.__post_init__(self)
        check_int_at_least(self.trials, "trials", OWNER, 1)
        if self.budget is not None:
            check_int_at_least(self.budget, "budget", OWNER, 1)
        check_positive(self.tol, "tol", OWNER)
        check_int_at_least(self.pool, "pool", OWNER, 2)
        check_int_at_least(self.seed, "seed", OWNER, 0)

    def as_dict(self) -> dict:
        """Plain values for config.yaml."""
        return judged_data_values(self)


def judged_data_values(config: DataOptions | JudgeConfig) -> dict:
    """Plain values of a config on ``DataOptions`` and ``JudgeConfig``: its fields, lists for tuples, the noise models described."""
    values = {name: getattr(config, name) for name in config.__dataclass_fields__}
    values["proba"] = None if config.proba is None else list(config.proba)
    values["classes"] = None if config.classes is None else list(config.classes)
    values["noise"] = describe_noise(config.model())
    values["elicitor_noise"] = describe_noise(config.elicitor_noise())
    return values


def hidden_metrics(config: SimulateConfig, space: RateSpace) -> QuadraticMetric:
    """The metrics file's metrics (checked against the data's q), or seeded random well-formed ones on the region."""
    q = space.n_rates
    if config.metrics is None:
        return random_metrics(config.trials, q, well_formed=True, sphere=space.region(config.margin),
                              rng=stream_generator(config.seed, "simulate_metrics", q))
    metric, _ = load_metrics_file(config.metrics)
    if metric.dim != q:
        raise DataFileError(f"{config.metrics}: field 'a' scores q = {metric.dim} rates but the data's "
                            f"{space.n_classes} classes have q = {q}.")
    return metric


def run_simulation(config: SimulateConfig) -> tuple[RateSpace, SimulationResult]:
    """Load the data, build its rate space and simulate the hidden metrics' judges on it."""
    space = config.rate_space(config.seed)
    metrics = hidden_metrics(config, space)
    result = simulate_on_data(space, metrics, budget=config.budget, tol=config.tol, noise=config.model(), elicitor_noise=config.elicitor_noise(),
                              pool_size=config.pool, margin=config.margin, seed=config.seed)
    return space, result


def trial_rows(result: SimulationResult) -> list[dict]:
    """One row per trial: a_err, B_err, comparisons, kendall_tau, stopped, flip_rate."""
    return [
        {"trial": t, "a_err": float(result.a_err[t]), "B_err": float(result.B_err[t]),
         "comparisons": int(result.comparisons[t]), "kendall_tau": float(result.kendall_tau[t]),
         "stopped": str(result.stop_reason[t]), "flip_rate": float(result.flip_rate[t])}
        for t in range(result.n_trials)
    ]


def simulation_summary(config: SimulateConfig, space: RateSpace, result: SimulationResult) -> dict:
    """Headline numbers: medians over trials, the largest rate gap, sizes and seconds."""
    return {
        "command": OWNER,
        "config": config.as_dict(),
        "source": space.fit.source,
        "data_hash": space.fit.data_hash(),
        "classes": space.n_classes,
        "q": space.n_rates,
        "fit_rows": space.fit.n_rows,
        "held_out_rows": space.held_out.n_rows,
        "region_radius": space.region(config.margin).radius,
        "trials": result.n_trials,
        "a_err_median": float(np.median(result.a_err)),
        "B_err_median": float(np.median(result.B_err)),
        "comparisons_median": float(np.median(result.comparisons)),
        "kendall_tau_median": float(np.median(result.kendall_tau)),
        "kendall_tau_min": float(np.min(result.kendall_tau)),
        "flip_rate_median": float(np.median(result.flip_rate)),
        "max_rate_gap": result.max_rate_gap,
        "realised_classifiers": result.n_realised,
        "seconds": result.seconds,
    }
