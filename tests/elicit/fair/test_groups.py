"""Group pairs, FPME's parameterisation lists and the cut matrix, against hand-written values."""

import numpy as np
import pytest

from oraclelab.elicit.fair import cut_matrix, group_pairs, parameterisation_label, parameterisations
from oraclelab.errors import ParameterError


def test_pairs_are_lexicographic():
    assert group_pairs(4).tolist() == [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]]


@pytest.mark.parametrize("m, sets", [
    (2, ["{0}"]),
    (3, ["{0,1}", "{0,2}", "{1,2}"]),
    (4, ["{0}", "{1}", "{2}", "{3}", "{0,3}", "{1,3}"]),
    (5, ["{0,1}", "{0,2}", "{0,3}", "{0,4}", "{1,2}", "{1,3}", "{1,4}", "{2,3}", "{2,4}", "{3,4}"]),
])
def test_parameterisation_lists(m, sets):
    assert [parameterisation_label(P) for P in parameterisations(m)] == sets


def test_cut_matrix_of_three_groups_and_its_inverse():
    M = cut_matrix(parameterisations(3))
    np.testing.assert_array_equal(M, np.ones((3, 3)) - np.eye(3))
    np.testing.assert_allclose(np.linalg.inv(M), np.ones((3, 3)) / 2 - np.eye(3))


def test_cut_matrix_of_four_groups_by_hand():
    # columns (0,1) (0,2) (0,3) (1,2) (1,3) (2,3)
    expected = [[1, 1, 1, 0, 0, 0], [1, 0, 0, 1, 1, 0], [0, 1, 0, 1, 0, 1], [0, 0, 1, 0, 1, 1],
                [1, 1, 0, 0, 1, 1], [1, 0, 1, 1, 0, 1]]
    np.testing.assert_array_equal(cut_matrix(parameterisations(4)), expected)


@pytest.mark.parametrize("m", range(2, 13))
def test_the_cut_matrix_is_invertible_and_well_conditioned(m):
    assert np.linalg.cond(cut_matrix(parameterisations(m))) <= 10 + 1e-9


def test_fewer_than_two_groups_is_refused():
    with pytest.raises(ParameterError, match="'groups'"):
        parameterisations(1)
