"""The portfolio's selection rule on scripted candidates whose winner is known by construction."""

import math
from dataclasses import dataclass

import numpy as np
import pytest
import sympy

from oraclelab.symbolic.discovery import Scored, select_candidate
from oraclelab.symbolic.discovery._selection import backward_elimination, description_length, score_formula


def test_an_exact_formula_beats_shorter_near_misses_on_noise_free_data():
    candidates = [Scored("sr", 1e-10, 1e-11, 12), Scored("F11", 1e-31, 2e-32, 30), Scored("general1d", 1e-6, 1e-7, 9)]
    # the noise variance is an overestimate: capped at best
    selection = select_candidate(candidates, noise_variance=1e-3, n_validation=150, n_inputs=1)
    assert selection.chosen == 1 and selection.best_mse == 1e-31
    assert selection.threshold == pytest.approx(1e-31 + 1e-31 * math.sqrt(2 / 150))
    assert selection.reasons[1].startswith("chosen") and "above the threshold" in selection.reasons[0]


def test_with_noise_the_shortest_formula_within_the_noise_wins():
    sigma2, n = 1e-4, 150
    # the true structure (20 nodes) scores about sigma^2; longer formulas fit a little noise,
    # a formula missing a term is far off
    candidates = [Scored("long sr", 0.97e-4, 1e-5, 45), Scored("library", 1.0e-4, 1.1e-5, 20),
                  Scored("too short", 3e-4, 3e-5, 8)]
    selection = select_candidate(candidates, noise_variance=sigma2, n_validation=n, n_inputs=1)
    assert selection.chosen == 1
    assert "within the threshold but description length" in selection.reasons[0]
    # without noise in the data the same numbers would be real differences: the best must win
    noise_free = [Scored(c.name, c.mse, c.se * 1e-3, c.complexity) for c in candidates]
    assert select_candidate(noise_free, noise_variance=0.0, n_validation=n, n_inputs=1).chosen == 0


def test_ties_go_to_the_lower_mse_then_the_earlier_candidate():
    tied = [Scored("a", 2e-30, 1e-30, 10), Scored("b", 1e-30, 1e-30, 10), Scored("c", 1e-30, 1e-30, 10)]
    selection = select_candidate(tied, noise_variance=0.0, n_validation=100, n_inputs=1)
    assert selection.chosen == 1
    assert "as short a description as the chosen one" in selection.reasons[2]


def test_failed_candidates_are_never_chosen_and_all_failed_is_an_error():
    candidates = [Scored("broken", math.inf, math.inf, 0), Scored("ok", 1.0, 0.1, 50)]
    selection = select_candidate(candidates, noise_variance=0.0, n_validation=10, n_inputs=1)
    assert selection.chosen == 1 and selection.reasons[0].startswith("failed")
    with pytest.raises(ValueError, match="no candidate"):
        select_candidate(candidates[:1], noise_variance=0.0, n_validation=10, n_inputs=1)


def test_constants_that_must_be_given_to_many_digits_cost_more_than_a_node():
    # equal fits; the shorter formula's constants cancel (a Taylor series in disguise), so the data fix them
    # 1e6 times more finely than the longer formula's: its description is longer by about log(1e6) per constant
    plain = Scored("explicit quartic", 1.0e-4, 1e-5, 33, (0.1, 0.2, 0.3))
    disguised = Scored("cancelling", 1.0e-4, 1e-5, 32, (1e5, 2e5, 3e5))
    selection = select_candidate([disguised, plain], noise_variance=1e-4, n_validation=200, n_inputs=1)
    assert selection.chosen == 1
    # by construction: 3*log(1e6) nats of constants against one node of log(13)
    gap = selection.description_lengths[0] - selection.description_lengths[1]
    assert gap == pytest.approx(3 * math.log(1e6) - math.log(13))


def test_the_description_length_is_misfit_plus_tree_plus_constants_in_nats():
    candidate = Scored("f", 2e-4, 1e-5, 7, (30.0, 0.001))
    variance, n = 1e-4, 100
    # by hand: n*MSE/(2 s^2) = 100; 7 nodes of log(11 operators + a constant + 2 inputs);
    # the first constant log(30/sqrt(3e-4)), the second finer than the data resolve: 0
    expected = 100 + 7 * math.log(14) + math.log(30 / math.sqrt(3e-4))
    assert description_length(candidate, variance=variance, n_validation=n, n_inputs=2) == pytest.approx(expected)
    assert description_length(Scored("failed", math.inf, math.inf, 0), variance=variance, n_validation=n,
                              n_inputs=2) == math.inf


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
        return [Parts(frozenset(name), Scored(name, table[name][0], 0.0, table[name][1])) for name in names]

    start = Parts(frozenset("abc"), Scored("abc", 1.0, 0.1, 30))  # threshold 1.0 + max(SE 0.1, noise floor 0)
    steps = backward_elimination(start, smaller, noise_variance=0.0, n_validation=10, n_inputs=1)
    # from abc: bc (5.25 + 20 log 13 = 56.5) beats ac (5.1 + 25 log 13 = 69.2); ab (2.0) is above 1.1 though shortest
    # from bc: c (1.08, within) is kept; b (3.0) is above; from c nothing is smaller: the elimination ends
    assert ["".join(sorted(step.kept)) for step in steps] == ["bc", "c"]
    assert calls == ["abc", "bc", "c"]


def test_backward_elimination_stops_when_no_smaller_formula_is_within_the_threshold():
    start = Parts(frozenset("ab"), Scored("ab", 1.0, 0.01, 10))
    worse = [Parts(frozenset("a"), Scored("a", 1.2, 0.0, 2)), Parts(frozenset("b"), Scored("b", 1.5, 0.0, 2))]
    assert backward_elimination(start, lambda current: worse, noise_variance=0.0, n_validation=10, n_inputs=1) == []
    # a noise variance of 0.25 widens the threshold to 1.0 + 0.25 * sqrt(2 / 10) = 1.112: still neither is within
    assert backward_elimination(start, lambda current: worse if current is start else [], noise_variance=0.25,
                                n_validation=10, n_inputs=1) == []
    # 1.0 widens it to 1.447 (the floor is capped at the start's MSE, 1.0): "a" is within and taken
    steps = backward_elimination(start, lambda current: worse if current is start else [], noise_variance=1.0,
                                 n_validation=10, n_inputs=1)
    assert steps == [worse[0]]
