"""The portfolio's selection rule on scripted candidates whose winner is known by construction."""

import math

import pytest

from oraclelab.symbolic.discovery import Scored, select_candidate


def test_an_exact_formula_beats_shorter_near_misses_on_noise_free_data():
    candidates = [Scored("sr", 1e-10, 1e-11, 12), Scored("F11", 1e-31, 2e-32, 30), Scored("general1d", 1e-6, 1e-7, 9)]
    selection = select_candidate(candidates, noise_variance=1e-3, n_validation=150)  # an overestimate: capped at best
    assert selection.chosen == 1 and selection.best_mse == 1e-31
    assert selection.threshold == pytest.approx(1e-31 + 1e-31 * math.sqrt(2 / 150))
    assert selection.reasons[1].startswith("chosen") and "above the threshold" in selection.reasons[0]


def test_with_noise_the_shortest_formula_within_the_noise_wins():
    sigma2, n = 1e-4, 150
    # the true structure (20 nodes) scores about sigma^2; longer formulas fit a little noise,
    # a formula missing a term is far off
    candidates = [Scored("long sr", 0.97e-4, 1e-5, 45), Scored("library", 1.0e-4, 1.1e-5, 20),
                  Scored("too short", 3e-4, 3e-5, 8)]
    selection = select_candidate(candidates, noise_variance=sigma2, n_validation=n)
    assert selection.chosen == 1
    assert "45 nodes" in selection.reasons[0]
    # without noise in the data the same numbers would be real differences: the best must win
    noise_free = [Scored(c.name, c.mse, c.se * 1e-3, c.complexity) for c in candidates]
    assert select_candidate(noise_free, noise_variance=0.0, n_validation=n).chosen == 0


def test_ties_go_to_the_lower_mse_then_the_earlier_candidate():
    tied = [Scored("a", 2e-30, 1e-30, 10), Scored("b", 1e-30, 1e-30, 10), Scored("c", 1e-30, 1e-30, 10)]
    selection = select_candidate(tied, noise_variance=0.0, n_validation=100)
    assert selection.chosen == 1
    assert "as short as the chosen one" in selection.reasons[2]


def test_failed_candidates_are_never_chosen_and_all_failed_is_an_error():
    candidates = [Scored("broken", math.inf, math.inf, 0), Scored("ok", 1.0, 0.1, 50)]
    selection = select_candidate(candidates, noise_variance=0.0, n_validation=10)
    assert selection.chosen == 1 and selection.reasons[0].startswith("failed")
    with pytest.raises(ValueError, match="no candidate"):
        select_candidate(candidates[:1], noise_variance=0.0, n_validation=10)
