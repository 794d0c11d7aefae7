"""The simulated person on grouped data: realised stacks, the data's shares, and small errors."""

import numpy as np
import pytest

from oraclelab.elicit._data_options import DataOptions
from oraclelab.elicit.fair._group_data import group_column, grouped_rate_space
from oraclelab.elicit.fair._simulate_data import RealisedFairOracle, hidden_fair_metrics, simulate_fair_on_data
from oraclelab.errors import ParameterError


@pytest.fixture(scope="module")
def space():
    options = DataOptions(dataset="breast_cancer")
    data = options.load(0)
    return grouped_rate_space(data, group_column(options, "mean radius", data, 0), "mean radius")


def test_simulation_recovers_lambda_on_realised_classifiers(space):
    metric = hidden_fair_metrics(space, 3, seed=2)
    np.testing.assert_allclose(metric.shares, np.broadcast_to(space.shares, metric.shares.shape))
    simulation = simulate_fair_on_data(space, metric, budget=40, tol=1e-12, seed=2)
    assert np.all(simulation.result.comparisons == 40) and simulation.realised == 3 * 40 * 2
    assert simulation.max_rate_gap < 1e-9 and np.median(simulation.errors["lambda_err"]) < 0.01


def test_the_oracle_answers_stacks_only_and_needs_the_datas_shares(space):
    metric = hidden_fair_metrics(space, 1, seed=0)
    oracle = RealisedFairOracle(space, metric)
    with pytest.raises(ParameterError, match="whole stacks only"):
        oracle.view(space.region.origin, np.array([[True, False]]))
    other = type(metric)(metric.a, metric.B, metric.lam, metric.shares[:, ::-1].copy())
    with pytest.raises(ParameterError, match="shares are the data's"):
        RealisedFairOracle(space, other)
