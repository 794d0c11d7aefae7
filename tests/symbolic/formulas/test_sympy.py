"""sympy conversion agrees with the torch evaluation and with hand-written expressions."""

from __future__ import annotations

import numpy as np
import pytest
import sympy
import torch

from oraclelab.symbolic.formulas import CompiledTemplate, parse_template, to_sympy

FORMULAS = [
    "5*N0*np.sin(3*U0*X07[:,0]) + X07[:,1]**2",
    "N0*0.05*(x0 + 0.5*N1)**2 + 0.15*N2",
    "exp(-U0*x0**2)*tanh(x1) - abs(x0)/sqrt(1 + x1**2)",
    "log(1 + x0**2) * cos(pi*x1) - N*U",
]


@pytest.mark.parametrize("formula", FORMULAS)
def test_sympy_matches_torch_values_and_gradients(formula):
    template = parse_template(formula)
    compiled = CompiledTemplate.build(template, 2)
    generator = torch.Generator().manual_seed(0)
    x = torch.randn(12, 2, generator=generator, dtype=torch.float64)
    coefficients = {name: torch.rand(3, generator=generator, dtype=torch.float64) for name in template.coefficients}
    values, grads = compiled.evaluate(x, coefficients)

    expression = to_sympy(template.value)
    x0, x1 = sympy.Symbol("x0", real=True), sympy.Symbol("x1", real=True)
    symbols = [x0, x1, *(sympy.Symbol(n, real=True) for n in template.coefficients)]
    value_fn = sympy.lambdify(symbols, expression, "numpy")
    grad_fns = [sympy.lambdify(symbols, sympy.diff(expression, s), "numpy") for s in (x0, x1)]
    for sample in range(3):
        args = [x[:, 0].numpy(), x[:, 1].numpy(), *(coefficients[n][sample].item() for n in template.coefficients)]
        np.testing.assert_allclose(values[sample].numpy(), value_fn(*args) + 0 * args[0], rtol=1e-10, atol=1e-12)
        for column, fn in enumerate(grad_fns):
            expected = fn(*args) + 0 * args[0]
            np.testing.assert_allclose(grads[sample, :, column].numpy(), expected, rtol=1e-9, atol=1e-12)


def test_sympy_expression_is_the_hand_written_one():
    x0, n0, u0 = (sympy.Symbol(s, real=True) for s in ("x0", "N0", "U0"))
    expression = to_sympy(parse_template("2.7*N0*x0**2 - np.cos(U0*x0)").value)
    assert sympy.simplify(expression - (sympy.Float(2.7) * n0 * x0**2 - sympy.cos(u0 * x0))) == 0
    assert sympy.Poly(to_sympy(parse_template("x0**3 + 2*x0").value), x0).degree() == 3


def test_custom_input_symbols():
    t = sympy.Symbol("t")
    assert to_sympy(parse_template("sin(x0)").value, inputs={0: t}) == sympy.sin(t)
