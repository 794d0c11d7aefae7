"""A plain per-instance FPME and instance generator, written straight from FPME_MATH.md.

One instance at a time, one comparison at a time, Python lists and loops: slow on purpose.
It imports nothing from oraclelab (LPME and the QME closed form come from the test-side
``reference_qme``); it is the correctness reference for the batched engine and the naive
per-trial baseline of ``benchmarks/bench_fair.py``.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg

from tests.elicit import reference_qme

MIN_GRADIENT = 0.1


def pairs(m):
    return [(g, h) for g in range(m) for h in range(g + 1, m)]


def moved_sets(m):
    if m == 2:
        return [{0}]
    if m == 4:
        return [{0}, {1}, {2}, {3}, {0, 3}, {1, 3}]
    return [{g, h} for g, h in pairs(m)]


def cut(P, m):
    return [(g, h) for g, h in pairs(m) if (g in P) != (h in P)]


class FairJudge:
    """phi(R) = (1 - lam) <a, sum_g T_g r_g> + lam/2 sum_{g<h} d' B_gh d; B a dict (g, h) -> matrix."""

    def __init__(self, a, B, lam, T):
        self.a, self.B, self.lam, self.T = np.asarray(a, float), B, float(lam), np.asarray(T, float)

    def phi(self, R):
        m = len(self.T)
        weighted = sum(self.T[g] * R[g] for g in range(m))
        fairness = sum((R[g] - R[h]) @ self.B[g, h] @ (R[g] - R[h]) for g, h in pairs(m))
        return (1 - self.lam) * float(self.a @ weighted) + 0.5 * self.lam * float(fairness)


class View:
    """What one LPME/QME sees: s -> a stack of group rates, answered by the judge (>= prefers the first)."""

    def __init__(self, judge, to_rates):
        self.judge, self.to_rates, self.count = judge, to_rates, 0

    def compare(self, s1, s2):
        self.count += 1
        return self.judge.phi(self.to_rates(s1)) >= self.judge.phi(self.to_rates(s2))


def fpme(a, B, lam, T, origin, radius, tol=1e-2):
    """Classic FPME on one instance: (a_hat, B_hat dict, lam_hat, comparisons)."""
    judge = FairJudge(a, B, lam, T)
    m, q = judge.T.shape
    origin = np.asarray(origin, float)
    stage_one = View(judge, lambda s: [s] * m)
    a_hat = reference_qme.lpme(stage_one, origin, radius, tol)
    count = stage_one.count
    delta = radius - reference_qme.SMALL_RADIUS
    zero = np.zeros(q)
    centres = [zero, -delta * np.eye(q)[0]] + [delta * np.eye(q)[j] for j in range(q)]
    measurements = []
    for P in moved_sets(m):
        view = View(judge, lambda s, P=P: [s + origin if g in P else origin for g in range(m)])
        gradients = [reference_qme.lpme(view, c, reference_qme.SMALL_RADIUS, tol) for c in centres]
        a_P, B_P = reference_qme.solve(gradients, zero, radius, True)
        t_P = sum(judge.T[g] for g in P)
        measurements.append(B_P * np.mean(a_hat * t_P / a_P))
        count += view.count
    B_hat, lam_hat = solve_system(measurements, m)
    return a_hat, B_hat, lam_hat, count


def solve_system(measurements, m):
    """Y_r = sum_{(g,h) in E(P_r)} X_gh solved for X; lam = S / (S + 2), B = (2 / S) X."""
    index = {pair: i for i, pair in enumerate(pairs(m))}
    M = np.zeros((len(index), len(index)))
    for r, P in enumerate(moved_sets(m)):
        for pair in cut(P, m):
            M[r, index[pair]] = 1.0
    inverse = np.linalg.inv(M)
    X = {pair: sum(inverse[i, r] * measurements[r] for r in range(len(index))) for pair, i in index.items()}
    S = sum(np.linalg.norm(X[pair]) for pair in X)
    lam_hat = 1 / (1 + 2 / S)
    return {pair: X[pair] * (1 - lam_hat) / lam_hat for pair in X}, lam_hat


def normalize(x, to=1.0):
    return x / np.sqrt(np.sum(np.square(x)) / to**2)


def well_formed(a, B, lam, T, radius):
    """Every parameterisation's QME view on S(0, radius) meets the regularity condition."""
    m, q = np.shape(T)
    delta = radius - reference_qme.SMALL_RADIUS
    for P in moved_sets(m):
        a_P = (1 - lam) * a * sum(T[g] for g in P)
        B_P = lam * sum(B[pair] for pair in cut(P, m))
        f_z = normalize(a_P)
        f_n = normalize(a_P - delta * B_P[:, 0])
        f_j = [normalize(a_P + delta * B_P[:, j]) for j in range(q)]
        if min(abs(f[0]) for f in [f_z, f_n] + f_j) < MIN_GRADIENT:
            return False
        if abs(f_n[1] / f_n[0] - f_j[0][1] / f_j[0][0]) < MIN_GRADIENT:
            return False
    return True


def published_instances(m, k, n, seed=7, radius=1.0):
    """The published generator, call by call on a seeded RandomState: (origin, [(a, B dict, lam, T)])."""
    state = np.random.RandomState(seed)
    q = k * k - k
    origin = state.randn(q)
    found = []
    while len(found) < n:
        a = normalize(state.rand(q))
        while (a < 1e-2).any():
            a = normalize(state.rand(q))
        weights = state.uniform(0.0, 1.0, size=len(pairs(m)))
        weights = weights / np.sum(weights) * 2
        B = {}
        for c, pair in enumerate(pairs(m)):
            A = state.uniform(size=(q, q))  # scikit-learn's make_spd_matrix
            U, _, Vt = scipy.linalg.svd(A.T @ A, check_finite=False)
            S = U @ (1.0 + np.diag(state.uniform(size=q))) @ Vt
            B[pair] = normalize(S, weights[c])
        lam = state.uniform(0.25, 0.75)
        T = np.zeros((m, q))
        for c in range(k):
            p = state.uniform(0, 1, size=m)
            p /= np.sum(p)
            for g in range(m):
                T[g, (k - 1) * c:(k - 1) * (c + 1)] = p[g]
        if well_formed(a, B, lam, T, radius):
            found.append((a, B, lam, T))
    return origin, found
