"""Groups, group pairs and FPME's parameterisations (which groups move), with the cut matrix M.

m groups give v = m(m - 1)/2 pairs (g, h), g < h, in lexicographic order. A parameterisation
is a set P of "moved" groups; its cut E(P) holds the pairs with exactly one group in P. FPME
runs one QME per parameterisation and separates the pairs' matrices through the v x v 0/1
matrix M[r, idx(g, h)] = 1 iff (g, h) is in E(P_r).
"""

from __future__ import annotations

import numpy as np

from oraclelab._validation import check_int_at_least

__all__ = ["group_pairs", "parameterisations", "cut_matrix", "parameterisation_label"]

def group_pairs(groups: int) -> np.ndarray:
    """The pairs (g, h), g < h, in lexicographic order: int array of shape (v, 2)."""
    m = check_int_at_least(groups, "groups", "group_pairs", 2)
    return np.array([(g, h) for g in range(m) for h in range(g + 1, m)], dtype=np.int64)


def parameterisations(groups: int) -> np.ndarray:
    """FPME's moved sets, in its order, as a mask of shape (v, m).

    m = 2: [{0}]; m = 4: [{0}, {1}, {2}, {3}, {0,3}, {1,3}] (a pair and its complement
    have the same cut there); otherwise every pair {g, h}, g < h, lexicographic.
    """
    m = check_int_at_least(groups, "groups", "parameterisations", 2)
    if m == 2:
        sets: list[tuple[int, ...]] = [(0,)]
    elif m == 4:
        sets = [(0,), (1,), (2,), (3,), (0, 3), (1, 3)]
    else:
        sets = [tuple(pair) for pair in group_pairs(m)]
    moved = np.zeros((len(sets), m), dtype=bool)
    for row, members in enumerate(sets):
        moved[row, list(members)] = True
    return moved


def parameterisation_label(moved: np.ndarray) -> str:
    """A moved set as text, e.g. '{0,3}', from its mask of shape (m,)."""
    return "{" + ",".join(str(g) for g in np.flatnonzero(moved)) + "}"


def cut_matrix(moved: np.ndarray) -> np.ndarray:
    """M of shape (P, v): M[r, idx(g, h)] = 1 iff exactly one of g, h is in the moved set r.

    ``moved`` is a mask of shape (P, m). For FPME's own lists M is square and invertible
    for every m (condition number m - 2 for m >= 5, at most 5.9 below).
    """
    moved = np.asarray(moved, dtype=bool)
    pairs = group_pairs(moved.shape[1])
    return (moved[:, pairs[:, 0]] != moved[:, pairs[:, 1]]).astype(np.float64)
