import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oraclelab.elicit import Sphere, angles_to_unit, n_rates, orthant_ranges, sign_test_directions, unit_to_angles
from oraclelab.errors import ParameterError


def test_n_rates_counts_off_diagonal_entries():
    for k in range(2, 7):
        assert n_rates(k) == sum(1 for i in range(k) for j in range(k) if i != j)
    with pytest.raises(ParameterError, match="n_classes"):
        n_rates(1)


def naive_unit(angles):
    out, prod = [], 1.0
    for t in angles:
        out.append(prod * math.cos(t))
        prod *= math.sin(t)
    return np.array(out + [prod])


def test_angles_to_unit_matches_the_textbook_formula_and_is_batched():
    rng = np.random.default_rng(0)
    angles = rng.uniform(0, math.pi, size=(4, 3, 5))
    unit = angles_to_unit(angles)
    assert unit.shape == (4, 3, 6)
    for idx in np.ndindex(4, 3):
        np.testing.assert_allclose(unit[idx], naive_unit(angles[idx]), atol=1e-15)
    np.testing.assert_allclose(np.linalg.norm(unit, axis=-1), 1.0, atol=1e-14)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(-5, 5, allow_nan=False), min_size=2, max_size=12))
def test_unit_to_angles_inverts_angles_to_unit(values):
    x = np.array(values)
    if np.linalg.norm(x) < 1e-3:
        return
    unit = x / np.linalg.norm(x)
    angles = unit_to_angles(unit)
    assert np.all(angles[:-1] >= 0) and np.all(angles[:-1] <= math.pi)
    assert 0 <= angles[-1] < 2 * math.pi
    np.testing.assert_allclose(angles_to_unit(angles), unit, atol=1e-9)


def test_orthant_ranges_contain_the_angles_of_vectors_with_those_signs():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2000, 6))
    lo, hi = orthant_ranges(np.sign(x))
    angles = unit_to_angles(x)
    assert np.all((angles >= lo - 1e-12) & (angles <= hi + 1e-12))
    np.testing.assert_allclose(hi - lo, math.pi / 2)


def test_sign_tests_differ_only_in_the_negated_coordinate():
    u, flipped = sign_test_directions(4)
    np.testing.assert_allclose(np.linalg.norm(u), 1.0)
    np.testing.assert_allclose(u - flipped, np.diag(2 * u))


def test_sphere_validates_origin_and_radius():
    with pytest.raises(ParameterError, match="'radius'"):
        Sphere(np.zeros(3), 0.0)
    with pytest.raises(ParameterError, match="'radius'"):
        Sphere(np.zeros(3), -1.0)
    with pytest.raises(ParameterError, match="'origin'.*finite"):
        Sphere(np.array([0.0, np.nan]), 1.0)
    assert Sphere.centred(6).dim == 6
