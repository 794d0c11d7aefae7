"""Groups from data: per-group rate spaces, shares, the common region, realisation, and bad group columns."""

import numpy as np
import pytest

from oraclelab.elicit._data import validation_from_arrays
from oraclelab.elicit._data_options import DataOptions
from oraclelab.elicit.fair._group_data import group_column, group_shares, grouped_rate_space
from oraclelab.errors import ParameterError


def _data(n=400, seed=0):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, n)
    p1 = np.clip(0.5 + 0.35 * (2 * labels - 1) + 0.25 * rng.normal(size=n), 0.01, 0.99)
    groups = np.where(rng.random(n) < 0.3 + 0.4 * labels, "x", "y")
    return validation_from_arrays(labels, np.stack([1 - p1, p1], axis=1)), list(groups)


def test_shares_are_group_shares_per_true_class():
    shares = group_shares(np.array([0, 0, 0, 1, 1]), np.array([0, 1, 1, 0, 0]), 2, 2)
    np.testing.assert_allclose(shares, [[1 / 3, 1.0], [2 / 3, 0.0]])  # entry 0: true class 0, entry 1: true class 1


def test_grouped_rate_space_and_realised_stacks():
    data, groups = _data()
    space = grouped_rate_space(data, groups, "g", seed=1)
    assert space.names == ("x", "y") and space.groups == 2
    np.testing.assert_allclose(space.shares.sum(axis=0), 1.0)
    assert space.region.radius == pytest.approx(0.98 * min(s.radius for s in space.spaces))
    stack = space.region.origin + np.array([[0.5, 0.0], [0.0, -0.5]]) * space.region.radius
    classifiers = space.realise(stack)
    np.testing.assert_allclose([c.fit_rates for c in classifiers], stack, atol=1e-9)


@pytest.mark.parametrize("values, message", [
    (["x"] * 400, "one group only"),
    (["x"] * 399 + ["nan"], "missing on row 399"),
    (["x"] * 399 + [""], "missing on row 399"),
])
def test_bad_group_columns_are_refused(values, message):
    data, _ = _data()
    with pytest.raises(ParameterError, match=message):
        grouped_rate_space(data, values, "g")


def test_a_group_without_rows_of_a_class_is_refused():
    data, _ = _data()
    values = ["z" if label == 1 and i % 2 else ("x" if label == 1 else "y") for i, label in enumerate(data.labels)]
    with pytest.raises(ParameterError, match="group 'x' of column 'g' has no rows of class '0'"):
        grouped_rate_space(data, values, "g")


def test_bundled_group_column_is_a_feature_at_its_median():
    options = DataOptions(dataset="breast_cancer")
    data = options.load(0)
    values = group_column(options, "mean radius", data, 0)
    assert len(values) == data.n_rows and set(values) == {"mean radius <= 13.37", "mean radius > 13.37"}
    with pytest.raises(ParameterError, match="no feature 'radius'"):
        group_column(options, "radius", data, 0)


def test_group_values_are_stripped_so_padding_makes_no_new_group():
    import numpy as np

    from oraclelab.elicit.fair._group_data import _codes

    labels = np.array([0, 1, 0, 1, 0, 1])
    names, codes = _codes([" a", "a", "a ", "b", " b", "b"], "g", "test", ("x", "y"), labels)
    assert names == ("a", "b") and codes.tolist() == [0, 0, 0, 1, 1, 1]
