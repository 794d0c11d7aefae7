"""Library-template fits and the end-to-end constant refit, against known coefficients and scipy."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import sympy

from oraclelab.errors import ParameterError
from oraclelab.symbolic import FunctionLibrary
from oraclelab.symbolic.regression import evaluate_expression, fit_library, fit_template, refit_constants
from oraclelab.symbolic.formulas import parse_template

x0, x1 = sympy.symbols("x0 x1", real=True)
GRID = np.linspace(-3, 3, 400)[:, None]


def test_a_parabola_is_recovered_by_the_f11_template():
    y = -0.08 * (GRID[:, 0] + 0.165) ** 2 - 0.21
    fit = fit_template(FunctionLibrary.load("F11").templates[0], GRID, y)
    assert fit.r2 > 1 - 1e-12
    expanded = sympy.Poly(sympy.expand(fit.expression), x0).all_coeffs()
    np.testing.assert_allclose([float(c) for c in expanded], [-0.08, -0.08 * 0.33, -0.08 * 0.165**2 - 0.21],
                               rtol=1e-7, atol=1e-10)


@pytest.mark.parametrize("truth, index", [
    (lambda x: 0.3 + 1.7 * np.sin(2.1 * x + 0.4), 5),  # 2*N0*sin(3*U0*x0 + pi*U1): frequency and phase
    (lambda x: 1.0 + 2.0 * np.exp(-0.9 * x**2), 9),  # N0*exp(-(U0 + 0.5)*x0**2)
])
def test_the_library_member_that_generated_the_data_fits_best(truth, index):
    library = FunctionLibrary.load("general1d")
    y = truth(GRID[:, 0])
    fit = fit_library(library.templates, GRID, y, seed=3)
    assert fit.template_index == index and fit.r2 > 1 - 1e-10
    np.testing.assert_allclose(evaluate_expression(fit.expression, [x0], GRID), y, atol=1e-6)


def test_a_two_input_template_names_its_inputs():
    X = np.random.default_rng(0).normal(size=(300, 2))
    a, b = sympy.symbols("a b", real=True)
    fit = fit_template(parse_template("5*N0*cos(3*U0*x1)"), X, 5 * np.cos(3 * X[:, 1]) - 1, seed=1, inputs=[a, b])
    assert fit.expression.free_symbols == {b} and fit.r2 > 1 - 1e-10


def test_batched_levenberg_marquardt_reaches_scipys_optimum_from_each_start():
    from scipy.optimize import least_squares

    template = parse_template("N0*exp(0.5*U0*x0)")
    y = 0.4 + 1.3 * np.exp(0.35 * GRID[:, 0]) + 0.01 * np.sin(7 * GRID[:, 0])  # not exactly a member
    fit = fit_template(template, GRID, y, starts=4, seed=2)

    def residuals(p):
        return p[0] + p[1] * p[2] * np.exp(0.5 * p[3] * GRID[:, 0]) - y

    reference = min(least_squares(residuals, start, method="lm").cost * 2 / len(y)
                    for start in ([0, 1, 1, 0.5], [0.5, 1, 2, 0.9], [0, -1, 0.5, 0.1]))
    assert fit.mse == pytest.approx(reference, rel=1e-6)


def test_within_the_tolerance_the_template_with_fewer_coefficients_wins():
    library = [parse_template("3*N0*x0*sin(U0*x1)"), parse_template("4.5*N0*x0*x1")]
    X = np.random.default_rng(4).normal(size=(400, 2))
    y = X[:, 0] * np.sin(0.3 * X[:, 1])  # exactly the first template; nearly the second
    design = np.c_[np.ones(len(y)), X[:, 0] * X[:, 1]]
    residual = y - design @ np.linalg.lstsq(design, y, rcond=None)[0]
    r2_product = 1 - residual.var() / y.var()  # the best affine fit of x0*x1, by linear least squares
    assert 0 < 1 - r2_product < 0.01
    exact = fit_library(library, X, y, seed=0)
    assert exact.template_index == 0 and exact.r2 > 1 - 1e-10
    simpler = fit_library(library, X, y, seed=0, tolerance=2 * (1 - r2_product))
    assert simpler.template_index == 1 and simpler.r2 == pytest.approx(r2_product, abs=1e-9)
    assert fit_library(library, X, y, seed=0, tolerance=0.5 * (1 - r2_product)).template_index == 0


def test_templates_needing_more_inputs_than_given_are_rejected():
    with pytest.raises(ParameterError, match="shape"):
        fit_template(parse_template("N0*x1"), GRID, GRID[:, 0])
    with pytest.raises(ParameterError, match="fits 1 input"):
        fit_library([parse_template("N0*x1")], GRID, GRID[:, 0])


def test_refit_restores_perturbed_constants():
    truth = 2.7 * GRID[:, 0] ** 2 + np.sin(1.3 * GRID[:, 0] - 0.2)
    guess = sympy.Float(2.6) * x0**2 + sympy.sin(sympy.Float(1.25) * x0 - sympy.Float(0.3))
    refitted = refit_constants(guess, [x0], GRID, truth)
    assert sorted(float(c) for c in refitted.atoms(sympy.Float)) == pytest.approx([-0.2, 1.3, 2.7], rel=1e-9)


def test_refit_leaves_formulas_without_floats_and_worse_fits_alone():
    assert refit_constants(x0**2 + 1, [x0], GRID, GRID[:, 0] ** 2) == x0**2 + 1
    # validation data the training optimum fits worse than the original constant does
    train_y, val_y = 3.0 * GRID[:, 0], 2.0 * GRID[:, 0]
    original = sympy.Float(2.0) * x0
    assert refit_constants(original, [x0], GRID, train_y, X_val=GRID, y_val=val_y) == original
    assert refit_constants(original, [x0], GRID, train_y) != original


def test_prune_drops_constants_a_fit_drove_to_zero_and_keeps_needed_small_ones():
    from oraclelab.symbolic.regression import prune_constants

    F = sympy.Float
    X = GRID
    y = 0.02 * X[:, 0] ** 2 + 0.05
    bloated = F(0.03) * x0**2 * sympy.exp(F(2e-7) * x0) - F(0.01) * x0**2 + F(0.05)
    pruned = prune_constants(bloated, [x0], X, y, X_val=X, y_val=y)
    assert not pruned.has(sympy.exp)
    assert sympy.Poly(pruned, x0).all_coeffs() == pytest.approx([0.02, 0, 0.05], abs=1e-12)
    needed = F(3e-6) * x0**6 + x0  # dropping 3e-6*x0**6 costs far more than the allowed R^2
    y_needed = 3e-6 * X[:, 0] ** 6 + X[:, 0]
    assert prune_constants(needed, [x0], X, y_needed, X_val=X, y_val=y_needed) == needed


def test_prune_replaces_functions_of_vanishing_arguments_by_their_limits():
    from oraclelab.symbolic.regression import are_equivalent, prune_constants

    F = sympy.Float
    X = np.random.default_rng(5).normal(size=(300, 2))
    X = X / np.abs(X).max(axis=0) * 3.5  # |x| <= 3.5: the arguments below stay under 0.1
    y = 2.7 * X[:, 0] ** 2 + 4.5 * X[:, 0] * X[:, 1]
    drifted = F(8054) - F(8054) * sympy.cos(F(0.02589) * x0) + F(2581) * x0 * sympy.sin(F(0.0017435) * x1)
    pruned = prune_constants(drifted, [x0, x1], X, y, X_val=X, y_val=y)
    assert not pruned.has(sympy.sin, sympy.cos)
    assert are_equivalent(pruned, 2.7 * x0**2 + 4.5 * x0 * x1)
    wave = F(2.0) * sympy.sin(F(0.5) * x1)  # an argument up to 1.75: a real sinusoid, kept
    y_wave = 2.0 * np.sin(0.5 * X[:, 1])
    assert prune_constants(wave, [x0, x1], X, y_wave, X_val=X, y_val=y_wave) == wave


def test_refit_skips_formulas_with_too_many_constants():
    F = sympy.Float
    many = sum(F(0.5 + k) * x0**k for k in range(5))
    y = sum((1.0 + k) * GRID[:, 0] ** k for k in range(5))
    assert refit_constants(many, [x0], GRID, y, max_constants=4) == many
    assert refit_constants(many, [x0], GRID, y, max_constants=5) != many


def test_refitting_an_ill_conditioned_formula_gives_the_same_constants_every_time():
    """x**2 and x against a cosine of a tiny argument (nearly 1 - u**2/2) leave a flat valley of
    near-equal fits; a refit of the same formula on the same data must land on the same point."""
    x0 = sympy.Symbol("x0", real=True)
    X = np.linspace(-3, 3, 200)[:, None]
    u = 6.3e-4 * X[:, 0] ** 2 + 0.131 * X[:, 0] + 0.192
    y = -4.96 * X[:, 0] ** 2 - 14.77 * X[:, 0] - 592.4 * np.cos(u) + 581.5 + 1e-3 * np.sin(7 * X[:, 0])
    start = (-0.36 * (x0 + 1.06) ** 2 + 0.27 * (x0 + 1.79) ** 2
             - 1.01 * sympy.cos(0.0005 * x0**2 + 0.12 * x0 + 0.2) - 0.0025)
    fits = {str(refit_constants(start, [x0], X, y)) for _ in range(12)}
    assert len(fits) == 1, fits


def test_refit_from_a_start_whose_errors_overflow_warns_nothing_and_returns_a_finite_formula():
    x = sympy.Symbol("x")
    X = np.linspace(0.0, 500.0, 200)[:, None]
    y = 2.0 * np.exp(0.01 * X[:, 0])
    start = 2.0 * sympy.exp(1.0 * x)  # exp(500) ~ 1e217: finite errors whose squares overflow
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        refitted = refit_constants(start, [x], X, y)
    assert refitted != start  # the start's squared error is inf, so any finite fit replaces it
    assert np.all(np.isfinite((evaluate_expression(refitted, [x], X) - y) ** 2))
