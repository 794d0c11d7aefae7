"""Constants that fit only noise are dropped from a candidate's formula; constants of real terms are kept."""

import numpy as np
import pytest
import sympy

from oraclelab.symbolic.discovery import DiscoveryConfig
from oraclelab.symbolic.discovery._constant_pruning import prune_noise_constants
from oraclelab.symbolic.discovery._data import load_discovery_data
from oraclelab.symbolic.regression import refit_constants

x = sympy.Symbol("x", real=True)
NOISE = 0.01  # of the target's standard deviation


def _noisy_table(path, cubic: float):
    """y = 1.5 x^2 + cubic x^3 + sin(2x) on 1,000 rows of [-2, 2], plus Gaussian noise of NOISE times std(y)."""
    rng = np.random.default_rng(11)
    values = rng.uniform(-2, 2, 1000)
    clean = 1.5 * values**2 + cubic * values**3 + np.sin(2 * values)
    noisy = clean + rng.normal(0.0, NOISE * clean.std(), clean.shape)
    path.write_text("x,y\n" + "\n".join(f"{float(a)!r},{float(b)!r}" for a, b in zip(values, noisy)) + "\n")
    return load_discovery_data(DiscoveryConfig(data=str(path), inputs=("x",), target="y", seed=0))


def _candidate(data):
    """A candidate as a search returns it: the true terms plus a cubic and a cubic inside the sine, fitted."""
    a, e, b, c, d = (sympy.Float(v) for v in (1.4, 0.003, 0.9, 2.1, 0.002))
    formula = a * x**2 + e * x**3 + b * sympy.sin(c * x + d * x**3)
    return refit_constants(formula, [x], data.part("train", data.X), data.part("train", data.F),
                           X_val=data.part("validation", data.X), y_val=data.part("validation", data.F))


def _cubics(formula) -> int:
    return sum(1 for node in sympy.preorder_traversal(formula) if isinstance(node, sympy.Pow) and node.exp == 3)


def _variance(data) -> float:
    return (NOISE * float(np.std(data.part("train", data.F)))) ** 2


@pytest.mark.parametrize("cubic, cubics_kept", [(0.0, 0), (0.05, 1)])
def test_constants_that_fit_only_noise_are_dropped_and_real_terms_kept(tmp_path, cubic, cubics_kept):
    data = _noisy_table(tmp_path / "t.csv", cubic)
    candidate = _candidate(data)
    assert _cubics(candidate) == 2  # the premise: both cubic terms are in the fitted candidate
    pruning = prune_noise_constants(candidate, data, noise_variance=_variance(data))
    chosen = pruning.chosen.formula
    # without a cubic in the data both cubic terms go; with 0.05 x^3 (up to 0.4, the noise 0.015) the outer one stays
    assert _cubics(chosen) == cubics_kept
    assert chosen.has(sympy.sin) and chosen.has(x**2)
    assert pruning.pruned and len(pruning.chosen.dropped) >= 2 - cubics_kept
    # the pick's own test R^2, computed here from its formula
    f = sympy.lambdify([x], chosen, "numpy")
    X_test, F_test = data.part("test", data.X)[:, 0], data.part("test", data.F)
    r2 = 1 - np.sum((f(X_test) - F_test) ** 2) / np.sum((F_test - F_test.mean()) ** 2)
    assert pruning.r2_test == pytest.approx(r2, rel=1e-12) and r2 > 0.999
    assert pruning.equivalent is None  # a user table has no truth
    summary = pruning.summary()
    assert summary["formula_before_pruning"] is not None and len(summary["pruning_steps"]) == len(pruning.steps)


def test_a_formula_with_more_constants_than_the_cap_is_kept_as_it_is(tmp_path):
    data = _noisy_table(tmp_path / "t.csv", 0.0)
    candidate = _candidate(data)
    pruning = prune_noise_constants(candidate, data, noise_variance=_variance(data), max_constants=4)
    assert pruning.steps == () and not pruning.pruned and pruning.chosen.formula == candidate
    assert pruning.r2_test is None and pruning.summary()["formula_before_pruning"] is None
