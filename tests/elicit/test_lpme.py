import math

import numpy as np
import pytest

from oraclelab.elicit import HiddenMetricOracle, QuadraticMetric, Sphere, classic_halvings, elicit_linear, lpme, unit_to_angles
from oraclelab.errors import ParameterError
from tests.elicit import reference_qme


def linear_oracle(T, q, seed):
    a = np.random.default_rng(seed).normal(size=(T, q))
    return HiddenMetricOracle(QuadraticMetric(a)), a / np.linalg.norm(a, axis=1, keepdims=True)


def test_classic_halvings_match_the_while_loop():
    assert classic_halvings(1e-2) == 8
    assert classic_halvings(1e-3) == 11
    for tol in (0.3, 0.05, 2e-4):
        assert classic_halvings(tol) == math.ceil(math.log2((math.pi / 2) / tol))


@pytest.mark.parametrize("mode", ["classic", "efficient"])
@pytest.mark.parametrize("q", [2, 3, 6, 12])
def test_lpme_recovers_a_linear_metric_within_the_tolerance(mode, q):
    oracle, truth = linear_oracle(40, q, seed=q)
    found = elicit_linear(oracle, Sphere.centred(q, 2.0), tol=1e-2, mode=mode)
    angle = np.arccos(np.clip(np.sum(found.normals * truth, axis=1), -1, 1))
    # classic: every angle within tol/2 of its optimum after 4 cycles; efficient refines to tol/8
    assert angle.max() < (1e-2 if mode == "classic" else 2e-3) * math.sqrt(q)
    np.testing.assert_allclose(np.linalg.norm(found.normals, axis=1), 1.0)


def test_classic_comparison_count_is_the_published_one():
    for q in (2, 6, 12, 20):
        oracle, _ = linear_oracle(2, q, seed=0)
        found = lpme(oracle, np.zeros((2, 1, q)), 1.0, tol=1e-2)
        assert found.comparisons.tolist() == [q + 4 * (q - 1) * 4 * 8] * 2


def test_efficient_mode_needs_under_a_fifth_of_the_classic_comparisons():
    for q in (2, 6, 20):
        oracle, _ = linear_oracle(1, q, seed=0)
        classic = q + 128 * (q - 1)
        efficient = lpme(oracle, np.zeros((1, q)), 1.0, tol=1e-2, mode="efficient").comparisons[0]
        assert efficient <= 0.21 * classic


@pytest.mark.parametrize("mode", ["classic", "efficient"])
def test_lockstep_batch_equals_the_per_trial_reference(mode):
    rng = np.random.default_rng(5)
    q, T = 6, 6
    a = rng.normal(size=(T, q))
    centres = rng.normal(size=(T, q))
    found = lpme(HiddenMetricOracle(QuadraticMetric(a)), centres, 0.5, tol=1e-2, mode=mode)
    for t in range(T):
        oracle = reference_qme.PlainOracle(a[t], np.zeros((q, q)))
        normal = reference_qme.lpme(oracle, centres[t], 0.5, 1e-2, mode)
        np.testing.assert_allclose(found.normals[t], normal, atol=1e-12)
        assert found.comparisons[t] == oracle.count


def test_lpme_angles_lie_in_the_orthant_of_the_true_direction():
    oracle, truth = linear_oracle(100, 5, seed=9)
    found = elicit_linear(oracle, Sphere.centred(5), tol=1e-2)
    true_angles = unit_to_angles(truth)
    assert np.abs(found.angles - true_angles).max() < 0.05


@pytest.mark.parametrize("kwargs, match", [({"tol": 0}, "'tol'"), ({"tol": -1}, "'tol'"), ({"mode": "fast"}, "'mode'")])
def test_lpme_rejects_bad_parameters(kwargs, match):
    oracle, _ = linear_oracle(1, 3, seed=0)
    with pytest.raises(ParameterError, match=match):
        lpme(oracle, np.zeros((1, 3)), 1.0, **kwargs)
    with pytest.raises(ParameterError, match="'radius'"):
        lpme(oracle, np.zeros((1, 3)), 0.0)
    with pytest.raises(ParameterError, match="'centres'"):
        lpme(oracle, np.zeros((2, 3)), 1.0)
