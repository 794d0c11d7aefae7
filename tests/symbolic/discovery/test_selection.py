"""The portfolio's selection rule on scripted candidates whose winner is known by construction."""

import math
from dataclasses import dataclass

import numpy as np
import pytest
import sympy

from oraclelab.symbolic.discovery import Scored, select_candidate
from oraclelab.symbolic.discovery._selection import backward_elimination, description_length, paired_se, score_formula


def scripted(name: str, mse: float, se: float, complexity: int, scales: tuple = (), *, n: int) -> Scored:
    """A candidate whose n (even) squared residuals are mse + se*sqrt(n) and mse - se*sqrt(n) on alternate rows: mean
    mse, standard error se. Two scripted candidates differ row by row by a constant plus the difference of their
    spreads, so their paired SE is |SE_a - SE_b|."""
    spread = se * math.sqrt(n) * np.resize([1.0, -1.0], n)
    return Scored(name, mse + spread, complexity, tuple(scales))


def test_an_exact_formula_beats_shorter_near_misses_on_noise_free_data():
    n = 150
    candidates = [scripted("sr", 1e-10, 1e-11, 12, n=n), scripted("F11", 1e-31, 2e-32, 30, n=n),
                  scripted("general1d", 1e-6, 1e-7, 9, n=n)]
    # the noise variance is an overestimate: capped at best
    selection = select_candidate(candidates, noise_variance=1e-3, n_inputs=1)
    assert selection.chosen == 1 and selection.best_mse == pytest.approx(1e-31, rel=1e-12, abs=0)
    floor = 1e-31 * math.sqrt(2 / n)  # below SE(best) = 2e-32
    # the best's own threshold: its paired SE with itself is 0, so only the floor counts
    assert selection.thresholds[1] == pytest.approx(1e-31 + floor, rel=1e-9, abs=0)
    # the others: SE(best), smaller than their paired SEs (about 1e-11 and 1e-7)
    assert selection.thresholds[0] == pytest.approx(1e-31 + 2e-32, rel=1e-9, abs=0)
    assert selection.reasons[1].startswith("chosen") and "above its threshold" in selection.reasons[0]


def test_with_noise_the_shortest_formula_within_the_noise_wins():
    # realistic residuals: Gaussian noise of variance 1e-4 on 150 rows. The true structure (20 nodes) leaves the noise
    # itself; a longer formula fits 3% of it away; a formula missing a term adds a smooth misfit
    n, sigma2 = 150, 1e-4
    rows = np.random.default_rng(0)
    noise = rows.normal(scale=math.sqrt(sigma2), size=n)
    missing = 0.014 * np.sin(np.linspace(0, 6, n))
    candidates = [Scored("long sr", (0.985 * noise) ** 2, 45), Scored("library", noise ** 2, 20),
                  Scored("too short", (noise + missing) ** 2, 8)]
    selection = select_candidate(candidates, noise_variance=sigma2, n_inputs=1)
    assert selection.chosen == 1
    assert "within the threshold but description length" in selection.reasons[0]
    # the library's excess over long sr, 3% of the MSE, is within the noise floor sigma^2 sqrt(2/n) but far above
    # the paired SE of the two (3% of the residuals' spread): without noise in the data it is a real difference, and
    # the best must win
    assert select_candidate(candidates, noise_variance=0.0, n_inputs=1).chosen == 0


def test_a_formula_worse_on_every_row_is_not_hidden_by_the_best_formulas_heavy_tail():
    # F05-like: the best's squared residuals are 0.002 on 199 rows and 2.3 on one, so SE(best) (0.0115) exceeds the
    # shorter formula's excess 0.0096, which it has on every row (0.0144 and 0.0048 on alternate rows)
    n = 200
    best_rows = np.full(n, 0.002)
    best_rows[7] = 2.3
    worse_rows = best_rows + np.resize([0.0144, 0.0048], n)
    candidates = [Scored("long best", best_rows, 70), Scored("short worse", worse_rows, 33)]
    assert candidates[0].se > candidates[1].mse - candidates[0].mse  # Breiman's rule alone would take it
    selection = select_candidate(candidates, noise_variance=0.0, n_inputs=1)
    assert selection.chosen == 0
    # the difference is 0.0096 +- 0.0048 on alternate rows: its standard error is 0.0048 / sqrt(n)
    assert selection.thresholds[1] == pytest.approx(np.mean(best_rows) + 0.0048 / math.sqrt(n), rel=1e-9)
    assert paired_se(candidates[1], candidates[0]) == pytest.approx(0.0048 / math.sqrt(n), rel=1e-9)


def test_a_paired_difference_noisier_than_the_best_does_not_widen_the_threshold():
    # the best is steady (SE 0.001); the other is 0.05 worse on average but scattered (its paired SE about 0.1):
    # the paired SE alone would let it in, the rule takes the smaller of the two
    n = 100
    best = scripted("steady", 1.0, 0.001, 40, n=n)
    scattered = Scored("scattered", 1.05 + np.resize([1.0, 1.0, -1.0, -1.0], n), 10)
    assert paired_se(scattered, best) > 0.05
    selection = select_candidate([best, scattered], noise_variance=0.0, n_inputs=1)
    assert selection.chosen == 0
    assert selection.thresholds[1] == pytest.approx(1.0 + 0.001, rel=1e-9)


def test_paired_se_needs_the_same_rows():
    with pytest.raises(ValueError, match="different rows"):
        paired_se(scripted("a", 1.0, 0.1, 3, n=10), scripted("b", 1.0, 0.1, 3, n=12))
    assert paired_se(Scored.failed("broken"), scripted("b", 1.0, 0.1, 3, n=10)) == math.inf


def test_ties_go_to_the_lower_mse_then_the_earlier_candidate():
    n = 100
    tied = [scripted("a", 2e-30, 1e-30, 10, n=n), scripted("b", 1e-30, 1e-30, 10, n=n),
            scripted("c", 1e-30, 1e-30, 10, n=n)]
    selection = select_candidate(tied, noise_variance=0.0, n_inputs=1)
    assert selection.chosen == 1
    assert "as short a description as the chosen one" in selection.reasons[2]


def test_failed_candidates_are_never_chosen_and_all_failed_is_an_error():
    candidates = [Scored.failed("broken"), scripted("ok", 1.0, 0.1, 50, n=10)]
    assert candidates[0].mse == math.inf and candidates[0].se == math.inf
    selection = select_candidate(candidates, noise_variance=0.0, n_inputs=1)
    assert selection.chosen == 1 and selection.reasons[0].startswith("failed")
    with pytest.raises(ValueError, match="no candidate"):
        select_candidate(candidates[:1], noise_variance=0.0, n_inputs=1)


def test_constants_that_must_be_given_to_many_digits_cost_more_than_a_node():
    # equal fits; the shorter formula's constants cancel (a Taylor series in disguise), so the data fix them
    # 1e6 times more finely than the longer formula's: its description is longer by about log(1e6) per constant
    plain = scripted("explicit quartic", 1.0e-4, 1e-5, 33, (0.1, 0.2, 0.3), n=200)
    disguised = scripted("cancelling", 1.0e-4, 1e-5, 32, (1e5, 2e5, 3e5), n=200)
    selection = select_candidate([disguised, plain], noise_variance=1e-4, n_inputs=1)
    assert selection.chosen == 1
    # by construction: 3*log(1e6) nats of constants against one node of log(13)
    gap = selection.description_lengths[0] - selection.description_lengths[1]
    assert gap == pytest.approx(3 * math.log(1e6) - math.log(13))


def test_the_description_length_is_misfit_plus_tree_plus_constants_in_nats():
    variance, n = 1e-4, 100
    candidate = scripted("f", 2e-4, 1e-5, 7, (30.0, 0.001), n=n)
    # by hand: n*MSE/(2 s^2) = 100; 7 nodes of log(11 operators + a constant + 2 inputs);
    # the first constant log(30/sqrt(3e-4)), the second finer than the data resolve: 0
    expected = 100 + 7 * math.log(14) + math.log(30 / math.sqrt(3e-4))
    assert description_length(candidate, variance=variance, n_inputs=2) == pytest.approx(expected)
    assert description_length(Scored.failed("failed"), variance=variance, n_inputs=2) == math.inf


def test_score_formula_scales_each_constant_by_its_derivative_over_the_rows():
    rng = np.random.default_rng(0)
    x0 = sympy.Symbol("x0", real=True)
    X = rng.uniform(-3, 3, size=(200, 1))
    y = 2.5 * X[:, 0] + 0.5 + rng.normal(scale=0.1, size=200)
    scored = score_formula("line", sympy.Float(2.5) * x0 + sympy.Float(0.5), (x0,), X, y)
    residual = 2.5 * X[:, 0] + 0.5 - y
    assert scored.mse == pytest.approx(np.mean(residual ** 2))
    assert scored.se == pytest.approx(np.std(residual ** 2) / np.sqrt(200))
    assert scored.complexity == 5  # Add(Mul(2.5, x0), 0.5)
    # d/da (a*x + b) = x, d/db = 1: |a| * ||x|| and |b| * sqrt(n)
    assert sorted(scored.constant_scales) == pytest.approx(sorted([2.5 * np.linalg.norm(X[:, 0]),
                                                                   0.5 * np.sqrt(200)]), rel=1e-6)
    broken = score_formula("log of negatives", sympy.log(sympy.Float(-1.0) - x0**2), (x0,), X, y)
    assert broken.mse == math.inf


@dataclass(frozen=True)
class Parts:
    """A scripted formula: the parts it keeps and its score."""

    kept: frozenset
    score: Scored


def test_backward_elimination_keeps_the_shortest_description_within_the_threshold_of_the_start():
    # scripted scores by kept parts; n = 10 validation rows, one input: DL = 10*MSE/(2*1.0) + nodes*log(13)
    table = {"abc": (1.0, 30), "bc": (1.05, 20), "ac": (1.02, 25), "ab": (2.0, 5), "c": (1.08, 10), "b": (3.0, 2)}
    calls = []

    def smaller(current):
        calls.append("".join(sorted(current.kept)))
        if len(current.kept) < 2:
            return []
        names = ["".join(sorted(current.kept - {part})) for part in sorted(current.kept)]
        return [Parts(frozenset(name), scripted(name, table[name][0], 0.0, table[name][1], n=10)) for name in names]

    # the start's squared residuals spread, the others' are steady: every paired SE equals SE(start) = 0.1, so the
    # threshold is 1.0 + max(SE 0.1, noise floor 0)
    start = Parts(frozenset("abc"), scripted("abc", 1.0, 0.1, 30, n=10))
    steps = backward_elimination(start, smaller, noise_variance=0.0, n_inputs=1)
    # from abc: bc (5.25 + 20 log 13 = 56.5) beats ac (5.1 + 25 log 13 = 69.2); ab (2.0) is above 1.1 though shortest
    # from bc: c (1.08, within) is kept; b (3.0) is above; from c nothing is smaller: the elimination ends
    assert ["".join(sorted(step.kept)) for step in steps] == ["bc", "c"]
    assert calls == ["abc", "bc", "c"]


def test_backward_elimination_stops_when_no_smaller_formula_is_within_the_threshold():
    start = Parts(frozenset("ab"), scripted("ab", 1.0, 0.01, 10, n=10))
    worse = [Parts(frozenset("a"), scripted("a", 1.2, 0.0, 2, n=10)), Parts(frozenset("b"), scripted("b", 1.5, 0.0, 2,
                                                                                                       n=10))]
    assert backward_elimination(start, lambda current: worse, noise_variance=0.0, n_inputs=1) == []
    # a noise variance of 0.25 widens the threshold to 1.0 + 0.25 * sqrt(2 / 10) = 1.112: still neither is within
    assert backward_elimination(start, lambda current: worse if current is start else [], noise_variance=0.25,
                                n_inputs=1) == []
    # 1.0 widens it to 1.447 (the floor is capped at the start's MSE, 1.0): "a" is within and taken
    steps = backward_elimination(start, lambda current: worse if current is start else [], noise_variance=1.0,
                                 n_inputs=1)
    assert steps == [worse[0]]
