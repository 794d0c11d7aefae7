"""Feature maps: the rate map is the ``_features`` functions; stacked regions keep every block in the ball."""

import numpy as np
import pytest

from oraclelab.elicit import Sphere
from oraclelab.elicit._design import _longest_stacked, draw_midpoints
from oraclelab.elicit._feature_maps import RateFeatures, as_feature_map
from oraclelab.elicit._features import apply_jacobian, n_parameters, pair_features
from oraclelab.errors import ParameterError


@pytest.mark.parametrize("kind", ["quadratic", "linear"])
def test_rate_features_are_the_feature_functions(kind):
    rng = np.random.default_rng(0)
    r1, r2 = rng.normal(size=(3, 5, 4)), rng.normal(size=(3, 5, 4))
    fm = as_feature_map(kind, 4)
    assert fm.dim == n_parameters(4, kind) and fm.blocks == 1 and fm.point_dim == 4 and fm.fixed_gradient == (kind == "linear")
    np.testing.assert_array_equal(fm.pair_features(r1, r2), pair_features(r1, r2, kind))
    X = rng.normal(size=(3, 1, fm.dim, 2))
    np.testing.assert_array_equal(fm.apply_jacobian(r1, X), apply_jacobian(r1, X, kind))
    assert fm.take(slice(0, 1)) is fm and as_feature_map(fm, 4) is fm


def test_unknown_kind_is_refused():
    with pytest.raises(ParameterError, match="'kind'"):
        RateFeatures(3, "cubic")


def test_stacked_midpoints_have_every_block_in_the_ball():
    sphere = Sphere(np.array([0.3, -0.2]), 0.5)
    points = draw_midpoints(sphere, [np.random.default_rng(1), np.random.default_rng(2)], 500, blocks=3)
    assert points.shape == (2, 500, 6)
    distance = np.linalg.norm(points.reshape(2, 500, 3, 2) - sphere.origin, axis=-1)
    assert distance.max() <= 0.5 and distance.min() < 0.05 and distance.max() > 0.49


def test_longest_stacked_step_keeps_every_block_in_the_ball_and_one_on_its_edge():
    rng = np.random.default_rng(3)
    n, blocks, q = 300, 3, 2
    centre = rng.normal(size=(n, blocks, q))
    centre *= 0.5 * rng.random((n, blocks, 1)) / np.linalg.norm(centre, axis=-1, keepdims=True)
    direction, shift = rng.normal(size=(n, blocks * q)), 0.01 * rng.normal(size=(n, blocks * q))
    centre = centre.reshape(n, -1)
    s = _longest_stacked(centre, direction, shift, 1.0, blocks)
    assert np.all(s > 0)
    for sign in (1.0, -1.0):
        ends = (centre + sign * (s[:, None] * direction + shift)).reshape(n, blocks, q)
        radius = np.linalg.norm(ends, axis=-1).max(axis=-1)
        assert radius.max() <= 1 + 1e-9
    touching = np.maximum(*(np.linalg.norm((centre + sg * (s[:, None] * direction + shift)).reshape(n, blocks, q), axis=-1).max(-1)
                            for sg in (1.0, -1.0)))
    np.testing.assert_allclose(touching, 1.0, atol=1e-9)
    outside = _longest_stacked(np.full((1, blocks * q), 2.0), direction[:1], shift[:1], 1.0, blocks)
    assert outside[0] < 0
