"""Automatic derivatives against closed forms written by hand."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from oraclelab.symbolic.formulas import CompiledTemplate, Const, differentiate, parse_expression, parse_template

RNG = np.random.default_rng(0)
X = RNG.normal(size=(40, 2))
POSITIVE = np.abs(X) + 0.1
COEFFICIENTS = {"N0": 1.3, "U0": 0.7}

# formula, closed-form gradient (d/dx0, d/dx1) as numpy functions of (x0, x1), points
CASES = [
    ("N0*x0**3", lambda a, b: (3 * 1.3 * a**2, 0 * a), X),
    ("x0*x1", lambda a, b: (b, a), X),
    ("sin(U0*x0)*cos(x1)", lambda a, b: (0.7 * np.cos(0.7 * a) * np.cos(b), -np.sin(0.7 * a) * np.sin(b)), X),
    ("exp(N0*x0*x1)", lambda a, b: (1.3 * b * np.exp(1.3 * a * b), 1.3 * a * np.exp(1.3 * a * b)), X),
    ("log(x0)/x1", lambda a, b: (1 / (a * b), -np.log(a) / b**2), POSITIVE),
    ("sqrt(x0*x1)", lambda a, b: (0.5 * np.sqrt(b / a), 0.5 * np.sqrt(a / b)), POSITIVE),
    ("abs(x0 - x1)", lambda a, b: (np.sign(a - b), -np.sign(a - b)), X),
    ("tanh(2*x0) - x1", lambda a, b: (2 / np.cosh(2 * a) ** 2, -np.ones_like(b)), X),
    ("x0**x1", lambda a, b: (b * a ** (b - 1), a**b * np.log(a)), POSITIVE),
    ("2**x0", lambda a, b: (np.log(2) * 2**a, 0 * b), X),
    ("-(x0 + N0)**2 / U0", lambda a, b: (-2 * (a + 1.3) / 0.7, 0 * b), X),
    ("1/(1 + x0**2)", lambda a, b: (-2 * a / (1 + a**2) ** 2, 0 * b), X),
]


@pytest.mark.parametrize(("formula", "gradient", "points"), CASES, ids=[c[0] for c in CASES])
def test_automatic_gradient_matches_closed_form(formula, gradient, points):
    compiled = CompiledTemplate.build(parse_template(formula), 2)
    coefficients = {name: torch.tensor([value], dtype=torch.float64) for name, value in COEFFICIENTS.items()}
    _, grads = compiled.evaluate(torch.as_tensor(points), coefficients)
    expected = np.stack(gradient(points[:, 0], points[:, 1]), axis=-1)
    np.testing.assert_allclose(grads[0].numpy(), expected, rtol=1e-10, atol=1e-12)


def test_derivative_of_a_formula_without_the_column_is_zero():
    assert differentiate(parse_expression("N0*sin(x0)"), 1) == Const(0.0)


def test_derivative_simplifies_zeros_and_ones():
    assert differentiate(parse_expression("x0 + 3*x1"), 1) == Const(3.0)
    assert differentiate(parse_expression("N0*x1"), 1) == parse_expression("N0")
