import numpy as np
import pytest

from oraclelab.elicit import (
    HiddenMetricOracle,
    QuadraticMetricElicitor,
    Sphere,
    check_gradients,
    elicit_quadratic,
    n_rates,
    qme_from_true_gradients,
    random_metrics,
    solve_quadratic,
    true_gradients,
)
from oraclelab.errors import ParameterError
from tests.elicit import reference_qme


@pytest.mark.parametrize("k", [2, 3, 4, 5])
@pytest.mark.parametrize("well_formed", [True, False])
def test_true_gradient_qme_is_exact(k, well_formed):
    q = n_rates(k)
    sphere = Sphere(np.random.default_rng(k).uniform(-0.2, 0.2, q), 0.8)
    metric = random_metrics(50, q, well_formed=well_formed, sphere=sphere, rng=k)
    a, B = qme_from_true_gradients(metric, sphere)
    # the truth is normalised, so exact recovery means equality
    np.testing.assert_allclose(a, metric.a, atol=1e-9)
    np.testing.assert_allclose(B, metric.B, atol=1e-9)


def test_solver_ignores_the_scale_of_each_gradient():
    q = 6
    sphere = Sphere.centred(q)
    metric = random_metrics(10, q, rng=1)
    grads = true_gradients(metric, sphere)
    scaled = grads * np.random.default_rng(2).uniform(0.1, 10, size=grads.shape[:2])[..., None]
    np.testing.assert_allclose(solve_quadratic(scaled, sphere)[1], metric.B, atol=1e-9)


@pytest.mark.parametrize("k", [2, 3, 4, 5])
def test_comparisons_per_run_are_the_published_counts(k):
    q = n_rates(k)
    metric = random_metrics(2, q, rng=0)
    result = elicit_quadratic(HiddenMetricOracle(metric), Sphere.centred(q), tol=1e-2)
    assert result.comparisons.tolist() == [(q + 2) * (129 * q - 128)] * 2
    assert result.comparisons[0] == {2: 520, 3: 5168, 4: 19880, 5: 53944}[k]


@pytest.mark.parametrize("mode", ["classic", "efficient"])
@pytest.mark.parametrize("well_formed", [True, False])
def test_batched_engine_makes_the_reference_decisions(mode, well_formed):
    q = 6
    sphere = Sphere.centred(q)
    metric = random_metrics(8, q, well_formed=well_formed, rng=4)
    result = elicit_quadratic(HiddenMetricOracle(metric), sphere, mode=mode, well_formed=well_formed)
    for t in range(metric.n_trials):
        a_ref, B_ref, grads, count = reference_qme.qme(metric.a[t], metric.B[t], sphere.origin, 1.0, 1e-2, mode, well_formed)
        # one different decision moves an angle by >= tol / 8, far above these tolerances
        np.testing.assert_allclose(result.gradients[t], grads, atol=1e-10)
        np.testing.assert_allclose(result.a[t], a_ref, atol=1e-8)
        np.testing.assert_allclose(result.B[t], B_ref, atol=1e-8)
        assert result.comparisons[t] == count


def test_elicited_metrics_are_close_and_efficient_mode_is_closer():
    q = 6
    sphere = Sphere.centred(q)
    metric = random_metrics(60, q, well_formed=True, rng=8)
    errors = {}
    for mode in ("classic", "efficient"):
        result = elicit_quadratic(HiddenMetricOracle(metric), sphere, mode=mode, well_formed=True)
        errors[mode] = np.median(np.linalg.norm(result.B - metric.B, axis=(1, 2)))
    assert errors["classic"] < 0.05
    assert errors["efficient"] <= errors["classic"]


def test_gradient_check_flags_only_bad_gradients():
    q = 6
    sphere = Sphere.centred(q)
    metric = random_metrics(4, q, rng=3)
    grads = true_gradients(metric, sphere)
    grads[1, 3] = np.roll(grads[1, 3], 1)  # one wrong gradient
    check = check_gradients(grads, HiddenMetricOracle(metric), sphere)
    assert check.inconsistent.sum() == 1 and check.inconsistent[1, 3]
    assert check.report(1) == ["f_1"]
    assert check.cosine_distance[0].max() < 1e-12


def test_estimator_wrapper_follows_the_functional_core():
    q = 2
    sphere = Sphere.centred(q)
    metric = random_metrics(3, q, rng=2)
    model = QuadraticMetricElicitor(mode="efficient").fit(HiddenMetricOracle(metric), sphere)
    result = elicit_quadratic(HiddenMetricOracle(metric), sphere, mode="efficient")
    np.testing.assert_array_equal(model.B_, result.B)
    r = np.random.default_rng(0).normal(size=(3, 5, q))
    expected = np.einsum("tnq,tq->tn", r, result.a) + 0.5 * np.einsum("tni,tij,tnj->tn", r, result.B, r)
    np.testing.assert_allclose(model.score(r), expected)


def test_qme_rejects_a_small_radius_not_below_the_sphere_radius():
    metric = random_metrics(1, 2, rng=0)
    with pytest.raises(ParameterError, match="small_radius"):
        elicit_quadratic(HiddenMetricOracle(metric), Sphere.centred(2, 0.004))
    with pytest.raises(ParameterError, match="rates"):
        elicit_quadratic(HiddenMetricOracle(metric), Sphere.centred(6))
