"""The instance generators: the published stream against a call-by-call replay, and the PCG64 stream."""

import numpy as np
import pytest

from oraclelab.elicit.fair import fair_well_formed, group_pairs, published_fair_instances, random_fair_instances
from oraclelab.errors import ParameterError
from oraclelab.runs import stream_generator
from tests.elicit.fair import reference_fpme


@pytest.mark.parametrize("m, k, n", [(2, 2, 4), (3, 2, 3), (2, 3, 3), (4, 2, 2)])
def test_the_published_stream_matches_a_call_by_call_replay(m, k, n):
    origin, expected = reference_fpme.published_instances(m, k, n)
    metric, sphere = published_fair_instances(m, k, n)
    np.testing.assert_array_equal(sphere.origin, origin)
    assert sphere.radius == 1.0
    for t, (a, B, lam, T) in enumerate(expected):
        np.testing.assert_allclose(metric.a[t], a, rtol=0, atol=1e-15)
        np.testing.assert_allclose(metric.B[t], [B[tuple(pair)] for pair in group_pairs(m)], rtol=0, atol=1e-13)
        assert metric.lam[t] == lam
        np.testing.assert_array_equal(metric.shares[t], T)


def test_instances_are_normalised_and_well_formed():
    metric, _ = published_fair_instances(3, 2, 20)
    np.testing.assert_allclose(np.linalg.norm(metric.a, axis=1), 1.0)
    np.testing.assert_allclose(np.linalg.norm(metric.B, axis=(2, 3)).sum(axis=1), 2.0)
    assert np.all((metric.lam >= 0.25) & (metric.lam <= 0.75))
    assert np.all(metric.a >= 0.01)
    np.testing.assert_allclose(metric.shares.sum(axis=1), 1.0)
    assert fair_well_formed(metric).all()
    assert np.all(np.linalg.eigvalsh(metric.B) > 0)


def test_the_first_instances_do_not_depend_on_how_many_are_asked_for():
    few, _ = published_fair_instances(2, 3, 2)
    many, _ = published_fair_instances(2, 3, 9)
    np.testing.assert_array_equal(few.B, many.B[:2])


def test_the_pcg64_stream_is_reproducible_and_its_own():
    first, sphere = random_fair_instances(3, 2, 4, rng=stream_generator(7, "fair-instances", 3, 2))
    again, _ = random_fair_instances(3, 2, 4, rng=stream_generator(7, "fair-instances", 3, 2))
    published, _ = published_fair_instances(3, 2, 4)
    np.testing.assert_array_equal(first.a, again.a)
    assert not np.allclose(first.a, published.a)
    assert fair_well_formed(first).all() and sphere.dim == 2


def test_too_few_draws_and_bad_seeds_are_refused():
    with pytest.raises(ParameterError, match="max_draws"):
        published_fair_instances(2, 3, 50, max_draws=10)
    with pytest.raises(ParameterError, match="'seed'"):
        published_fair_instances(2, 2, 1, seed=-1)
