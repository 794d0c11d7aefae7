"""What ``oraclelab elicit fair-simulate`` runs: a validated config, the grouped data, the hidden metrics, the outputs.

The data options are ``DataOptions``' (a bundled data set or a file), the judge's are
``JudgeConfig``'s and ``groups`` names the sensitive column (``_group_data``: a file's column
as it is, a bundled data set's feature binarised at its median). The run folder gets
trials.csv (errors per hidden metric), summary.json, metric.json (trial 0's elicited metric
as an ``ElicitedFairMetric``) and report.json (that metric's parts, in Fairlearn's terms, for
the data's own classifier: the argmax of its probabilities on every validation row).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from oraclelab._config import option
from oraclelab._validation import check_int_at_least, check_positive
from oraclelab.elicit._judge import JudgeConfig
from oraclelab.elicit._simulate_config import judged_data_values
from oraclelab.elicit.fair._active import FAIR_TOL
from oraclelab.elicit.fair._elicited import ElicitedFairMetric
from oraclelab.elicit.fair._group_data import GroupedRateSpace
from oraclelab.elicit.fair._group_options import GroupedDataOptions
from oraclelab.elicit.fair._simulate_data import FairSimulation, hidden_fair_metrics, simulate_fair_on_data
from oraclelab.errors import ParameterError

__all__ = ["FairSimulateConfig", "run_fair_simulation", "fair_trial_rows", "fair_simulation_summary", "elicited_fair_metric",
           "FAIR_TRIAL_COLUMNS"]

OWNER = "elicit fair-simulate"
FAIR_TRIAL_COLUMNS = ("trial", "a_err", "B_err", "lambda_err", "lam", "lam_hat", "lam_low", "lam_high", "comparisons",
                      "stopped", "flip_rate")


@dataclass(frozen=True)
class FairSimulateConfig(GroupedDataOptions, JudgeConfig):
    """A simulated person with hidden fair metrics on grouped real data; validated on construction."""

    OWNER = OWNER

    trials: int = option(20, help="Random hidden fair metrics.")
    budget: int | None = option(None, help="Largest number of comparisons per trial (default: until --tol).")
    tol: float = option(FAIR_TOL, help="Stop when the posterior's RMS standard deviation is at most this.")
    seed: int = option(0, help="Seed of the data split, hidden metrics, judge and elicitor.")

    def __post_init__(self) -> None:
        GroupedDataOptions.__post_init__(self)
        JudgeConfig.__post_init__(self)
        if not self.groups:
            raise ParameterError(f"{OWNER} needs --groups COLUMN, the sensitive feature.")
        check_int_at_least(self.trials, "trials", OWNER, 1)
        if self.budget is not None:
            check_int_at_least(self.budget, "budget", OWNER, 1)
        check_positive(self.tol, "tol", OWNER)
        check_int_at_least(self.seed, "seed", OWNER, 0)

    def as_dict(self) -> dict:
        """Plain values for config.yaml."""
        return judged_data_values(self)


def run_fair_simulation(config: FairSimulateConfig) -> tuple[GroupedRateSpace, list[str], FairSimulation]:
    """Load and group the data, build the per-group rate spaces, draw the hidden metrics and simulate."""
    space, values = config.grouped_space(config.seed)
    metric = hidden_fair_metrics(space, config.trials, seed=config.seed)
    simulation = simulate_fair_on_data(space, metric, budget=config.budget, tol=config.tol, noise=config.model(),
                                       elicitor_noise=config.elicitor_noise(), seed=config.seed)
    return space, values, simulation


def elicited_fair_metric(space: GroupedRateSpace, simulation: FairSimulation, config: FairSimulateConfig, trial: int = 0
                         ) -> ElicitedFairMetric:
    """One trial's estimate as an ``ElicitedFairMetric``, with its standard deviations and 90% intervals."""
    r = simulation.result
    uncertainty = {name: getattr(r, name)[trial] for name in ("a_std", "B_std", "lam_std", "a_interval", "B_interval",
                                                              "lam_interval")}
    return ElicitedFairMetric(r.a[trial], r.B[trial], float(r.lam[trial]), space.classes, space.names, uncertainty,
                              {"command": OWNER, **config.as_dict(), "trial": trial})


def fair_trial_rows(simulation: FairSimulation) -> list[dict]:
    """One row per hidden metric, with the ``FAIR_TRIAL_COLUMNS``."""
    r, metric, errors = simulation.result, simulation.metric, simulation.errors
    return [{"trial": t, **{name: float(values[t]) for name, values in errors.items()}, "lam": float(metric.lam[t]),
             "lam_hat": float(r.lam[t]), "lam_low": float(r.lam_interval[t, 0]), "lam_high": float(r.lam_interval[t, 1]),
             "comparisons": int(r.comparisons[t]), "stopped": str(r.stop_reason[t]), "flip_rate": float(r.flip_rate[t])}
            for t in range(metric.n_trials)]


def fair_simulation_summary(config: FairSimulateConfig, space: GroupedRateSpace, simulation: FairSimulation) -> dict:
    """Headline numbers: data, groups and their shares, comparisons, error medians and maxima, coverage, realisation gap."""
    r, metric = simulation.result, simulation.metric
    summary = {"command": OWNER, "source": space.source, "classes": len(space.classes),
               "groups": list(space.names), "shares": space.shares.tolist(), "region_radius": space.region.radius,
               "trials": metric.n_trials, "comparisons_median": float(np.median(r.comparisons)),
               "lambda_coverage": float(np.mean((r.lam_interval[:, 0] <= metric.lam) & (metric.lam <= r.lam_interval[:, 1]))),
               "flip_rate_median": float(np.median(r.flip_rate)), "max_rate_gap": simulation.max_rate_gap,
               "realised_stacks": simulation.realised, "seconds": simulation.seconds, "config": config.as_dict()}
    for name, values in simulation.errors.items():
        summary[f"{name}_median"], summary[f"{name}_max"] = float(np.median(values)), float(values.max())
    return summary
