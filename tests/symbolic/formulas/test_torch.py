"""Compiled batched torch functions against numpy written by hand; coefficient sampling."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from oraclelab.symbolic.formulas import CompiledTemplate, parse_template, sample_coefficients

RNG = np.random.default_rng(1)


def _evaluate(formula: str, x: np.ndarray, coefficients: dict[str, np.ndarray], dtype=torch.float64):
    compiled = CompiledTemplate.build(parse_template(formula), x.shape[1])
    tensors = {k: torch.as_tensor(v) for k, v in coefficients.items()}
    values, grads = compiled.evaluate(torch.as_tensor(x, dtype=dtype), tensors)
    return values.numpy(), grads.numpy()


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_values_match_numpy_with_the_same_coefficients(dtype):
    x = RNG.normal(size=(30, 2))
    n0, n1, u0 = RNG.normal(size=5), RNG.normal(size=5), RNG.uniform(size=5)
    formula = "5*N0*np.sin(3*U0*X07[:,0]) + N1*X07[:,0]*X07[:,1]**2 - np.exp(U0*X07[:,1])/(1 + U0)"
    values, _ = _evaluate(formula, x, {"N0": n0, "N1": n1, "U0": u0}, dtype)
    a, b = x[None, :, 0], x[None, :, 1]
    n0, n1, u0 = n0[:, None], n1[:, None], u0[:, None]
    expected = 5 * n0 * np.sin(3 * u0 * a) + n1 * a * b**2 - np.exp(u0 * b) / (1 + u0)
    tolerance = 1e-12 if dtype == torch.float64 else 1e-4
    assert values.shape == (5, 30)
    assert values.dtype == (np.float64 if dtype == torch.float64 else np.float32)
    np.testing.assert_allclose(values, expected, rtol=tolerance, atol=tolerance)


def test_nan_and_inf_follow_numpy():
    x = np.array([[-1.0], [0.0], [4.0]])
    values, _ = _evaluate("log(x0) + sqrt(x0) + x0**0.5", x, {})
    with np.errstate(all="ignore"):
        a = x[:, 0]
        expected = np.log(a) + np.sqrt(a) + a**0.5
    np.testing.assert_array_equal(values[0], expected)


def test_constant_template_broadcasts_to_samples_and_points():
    compiled = CompiledTemplate.build(parse_template("2.5"), 1)
    values, grads = compiled.sample(3, torch.zeros(4, 1), torch.Generator().manual_seed(0))
    assert torch.equal(values, torch.full((3, 4), 2.5))
    assert torch.equal(grads, torch.zeros(3, 4, 1))


def test_normal_and_uniform_coefficient_distributions():
    compiled = CompiledTemplate.build(parse_template("N0 + 0*x0"), 1)
    normal, _ = compiled.sample(20_000, torch.zeros(1, 1), torch.Generator().manual_seed(0))
    assert abs(normal.mean().item()) < 0.03
    assert abs(normal.std().item() - 1) < 0.03
    compiled = CompiledTemplate.build(parse_template("U0"), 1)
    uniform, _ = compiled.sample(20_000, torch.zeros(1, 1), torch.Generator().manual_seed(0))
    assert uniform.min() >= 0 and uniform.max() < 1
    assert abs(uniform.mean().item() - 0.5) < 0.01
    assert abs(uniform.var().item() - 1 / 12) < 0.003


def test_same_symbol_same_value_in_value_and_gradient():
    # value N0*x0 + U0*x1 has gradient (N0, U0): the gradient columns reveal the coefficients
    compiled = CompiledTemplate.build(parse_template("N0*x0 + U0*x1 + N0*U0"), 2)
    x = torch.randn(7, 2, generator=torch.Generator().manual_seed(3))
    values, grads = compiled.sample(50, x, torch.Generator().manual_seed(4))
    n0, u0 = grads[:, :1, 0], grads[:, :1, 1]
    assert torch.allclose(grads[..., 0], n0.expand(50, 7)) and torch.allclose(grads[..., 1], u0.expand(50, 7))
    assert torch.allclose(values, n0 * x[:, 0] + u0 * x[:, 1] + n0 * u0, atol=1e-6)
    assert n0.std() > 0.5 and (u0 >= 0).all() and (u0 < 1).all()


def test_coefficients_are_drawn_per_sample_from_the_generator():
    first = sample_coefficients(("N0", "U0"), 4, torch.Generator().manual_seed(5))
    again = sample_coefficients(("N0", "U0"), 4, torch.Generator().manual_seed(5))
    assert all(torch.equal(first[k], again[k]) for k in first)
    assert first["N0"].unique().numel() == 4


def test_float64_points_give_float64_results():
    compiled = CompiledTemplate.build(parse_template("N0*sin(x0)"), 1)
    values, grads = compiled.sample(2, torch.zeros(3, 1, dtype=torch.float64), torch.Generator())
    assert values.dtype == grads.dtype == torch.float64
