"""A plain per-trial LPME/QME, written straight from the published algorithm's description.

One trial at a time, one comparison at a time, Python lists and loops: slow on purpose.
It is the correctness reference for the batched engine (same decisions, same estimates)
and the baseline of ``benchmarks/bench_elicit.py``. Modes: 'classic' and 'efficient'.
"""

from __future__ import annotations

import math

import numpy as np

SMALL_RADIUS = 5e-3
GOLDEN = (math.sqrt(5.0) - 1.0) / 2.0


class PlainOracle:
    """One hidden metric; compare(r1, r2) is True when score(r1) >= score(r2)."""

    def __init__(self, a, B):
        self.a = np.asarray(a, dtype=float)
        self.B = np.asarray(B, dtype=float)
        self.count = 0

    def score(self, r):
        return float(self.a @ r + 0.5 * r @ self.B @ r)

    def compare(self, r1, r2):
        self.count += 1
        return self.score(r1) >= self.score(r2)


def point(origin, radius, angles):
    """origin + radius * (cos t0, sin t0 cos t1, ..., sin t0 ... sin t_{q-2})."""
    coords, sines = [], 1.0
    for theta in angles:
        coords.append(sines * math.cos(theta))
        sines *= math.sin(theta)
    coords.append(sines)
    return origin + radius * np.array(coords)


def orthants(signs):
    ranges = [(0.0, math.pi / 2) if s > 0 else (math.pi / 2, math.pi) for s in signs[:-2]]
    last_two = (signs[-2] > 0, signs[-1] > 0)
    start = {(True, True): 0.0, (False, True): math.pi / 2, (False, False): math.pi, (True, False): 3 * math.pi / 2}[last_two]
    ranges.append((start, start + math.pi / 2))
    return ranges


def lpme(oracle, origin, radius, tol, mode="classic"):
    q = len(origin)
    signs = []
    for i in range(q):
        u = np.ones(q) / math.sqrt(q)
        flipped = u.copy()
        flipped[i] = -flipped[i]
        signs.append(1.0 if oracle.compare(origin + radius * u, origin + radius * flipped) else -1.0)
    ranges = orthants(signs)
    angles = [(lo + hi) / 2 for lo, hi in ranges]

    def at(j, theta):
        trial = list(angles)
        trial[j] = theta
        return point(origin, radius, trial)

    if mode == "classic":
        for _ in range(4):
            for j in range(q - 1):
                lo, hi = ranges[j]
                while hi - lo > tol:
                    c, d, e = (lo * 3 + hi) / 4, (lo + hi) / 2, (lo + hi * 3) / 4
                    ac = oracle.compare(at(j, lo), at(j, c))
                    cd = oracle.compare(at(j, c), at(j, d))
                    de = oracle.compare(at(j, d), at(j, e))
                    oracle.compare(at(j, e), at(j, hi))
                    if ac or cd:
                        hi = d
                    elif de:
                        lo, hi = c, e
                    else:
                        lo = d
                angles[j] = (lo + hi) / 2
    else:
        target = tol / 8
        for cycle in range(2):
            for j in reversed(range(q - 1)):
                if cycle == 0:
                    lo, hi = ranges[j]
                else:
                    half = min(8 * tol, math.pi / 2) / 2
                    lo, hi = max(ranges[j][0], angles[j] - half), min(ranges[j][1], angles[j] + half)
                width = (math.pi / 2) if cycle == 0 else min(8 * tol, math.pi / 2)
                steps = 0 if width <= target else math.ceil(math.log(target / width) / math.log(GOLDEN) - 1e-12)
                x1, x2 = hi - GOLDEN * (hi - lo), lo + GOLDEN * (hi - lo)
                for _ in range(steps):
                    if oracle.compare(at(j, x1), at(j, x2)):
                        hi = x2
                        x1, x2 = hi - GOLDEN * (hi - lo), x1
                    else:
                        lo = x1
                        x1, x2 = x2, lo + GOLDEN * (hi - lo)
                angles[j] = (lo + hi) / 2
    direction = point(origin, radius, angles) - origin
    return direction / np.linalg.norm(direction)


def clip(value):
    if 0 < value < 0.1:
        return 0.1
    if -0.1 < value < 0:
        return -0.1
    return value


def solve(gradients, origin, radius, well_formed):
    """(a, B) from the q + 2 gradients: f_z, f_neg0, f_0 .. f_{q-1}."""
    f = [np.array(g, dtype=float) for g in gradients]
    if well_formed:
        for g in f:
            g[0] = clip(g[0])
    fz, fn, fs = f[0], f[1], f[2:]
    q = len(fz)
    delta = radius - SMALL_RADIUS
    gap = fn[1] / fn[0] - fs[0][1] / fs[0][0]
    if well_formed:
        gap = clip(gap)
    m = (fn[1] / fn[0] + fs[0][1] / fs[0][0] - 2 * fz[1] / fz[0]) / gap
    C = np.zeros((q, q))
    for i in range(q):
        for j in range(i, q):
            value = (fs[j][i] / fs[j][0]) * (1 + (1 + m) * fs[0][j] / fs[0][0] - fz[j] / fz[0]) - fz[i] / fz[0]
            C[i, j] = C[j, i] = value / delta
    d = np.array([fz[i] / fz[0] for i in range(q)]) - C @ origin
    scale = 1.0 / math.sqrt(float(np.sum(d**2) + np.sum(C**2)))
    if fz[0] < 0:
        scale = -scale
    return d * scale, C * scale


def qme(a, B, origin, radius, tol=1e-2, mode="classic", well_formed=False):
    """Elicit one metric; returns (a_hat, B_hat, raw gradients, comparisons)."""
    oracle = PlainOracle(a, B)
    origin = np.asarray(origin, dtype=float)
    q = len(origin)
    delta = radius - SMALL_RADIUS
    centres = [origin.copy(), origin - delta * np.eye(q)[0]] + [origin + delta * np.eye(q)[j] for j in range(q)]
    gradients = [lpme(oracle, centre, SMALL_RADIUS, tol, mode) for centre in centres]
    a_hat, B_hat = solve(gradients, origin, radius, well_formed)
    return a_hat, B_hat, np.array(gradients), oracle.count
