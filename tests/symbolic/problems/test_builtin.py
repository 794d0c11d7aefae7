"""Built-in problems: deterministic generation, splits, and values equal to direct numpy formulas."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from oraclelab.errors import ParameterError
from oraclelab.symbolic.problems import get_problem, list_problems


def _triangle(x):
    """Triangle wave of period 3 between 0 and 1.5, peaks at +-1.5 (independent of the formula)."""
    return np.abs(np.mod(x + 1.5, 3.0) - 1.5)


# Independent truth: each problem's latents and target written directly in numpy.
EXPECTED = {
    "F00": (lambda x: [x[:, 0] ** 2, np.cos(x[:, 1]), x[:, 0] * x[:, 1]], lambda g, x: g.sum(1)),
    "F01": (lambda x: [x[:, 0] ** 2 + np.cos(x[:, 1]) + x[:, 0] * x[:, 1]], lambda g, x: g[:, 0] ** 2 + g[:, 0]),
    "F02": (lambda x: [x[:, 0] ** 2, np.cos(x[:, 1]), x[:, 0] * x[:, 1]], lambda g, x: g.sum(1) ** 2 + g.sum(1)),
    "F03": (lambda x: [np.sin(x[:, 0]) * np.cos(x[:, 1]) + x[:, 2] ** 3 + np.exp(x[:, 2])],
            lambda g, x: g[:, 0] ** 2 + 2.745 * g[:, 0]),
    "F04": (lambda x: [np.sin(x[:, 0]) * np.cos(x[:, 1]), x[:, 2] ** 3, np.exp(x[:, 2])],
            lambda g, x: g[:, 0] ** 2 + g[:, 1] * g[:, 2]),
    "F05": (lambda x: [x[:, 0], x[:, 1] * x[:, 3] ** 2, np.log(np.abs(2 * x[:, 3]))],
            lambda g, x: (g[:, 0] + g[:, 1]) * np.exp(0.31 * g[:, 2])),
    "F06": (lambda x: [x[:, 0] ** 2, np.cos(x[:, 3]), x[:, 5] * x[:, 7]], lambda g, x: g.sum(1)),
    "F07": (lambda x: [2.7 * x[:, 0] ** 2, 5 * np.cos(3 * x[:, 1]), 4.5 * x[:, 0] * x[:, 1]], lambda g, x: g.sum(1)),
    "F08": (lambda x: [0.75 * (1 - np.cos(2 * np.pi * x[:, 0] / 3))], lambda g, x: _triangle(x[:, 0])),
    "F09": (lambda x: [1.5 * x[:, 0] ** 2, 3.5 * np.sin(2.5 * x[:, 1]), 3 * x[:, 0] * np.cos(0.5 * x[:, 0]),
                       x[:, 0] * x[:, 1], 0.5 * x[:, 1] * np.exp(x[:, 0])], lambda g, x: g.sum(1)),
    "F10": (lambda x: [2.7 * x[:, 0] ** 2, 5 * np.cos(3 * x[:, 1]), 4.5 * x[:, 0] * x[:, 1]],
            lambda g, x: g.sum(1) ** 2 + g.sum(1)),
    "F11": (lambda x: [-0.08 * (x[:, 0] + 0.165) ** 2 - 0.21, 0.0785 * (x[:, 0] - 0.63) ** 2 - 0.252,
                       0.0895 * (x[:, 0] + 0.21) ** 2 - 0.0375], lambda g, x: g[:, 0] * g[:, 1] + np.sin(g[:, 2])),
    "F12": (lambda x: [4.34 * x[:, 0], 1.46 * np.exp(x[:, 0]), 4.36 * x[:, 0] * np.cos(3 * x[:, 0]),
                       2.9 * x[:, 0] ** 3 * x[:, 1], 1.08 * x[:, 0] * x[:, 1] ** 4], lambda g, x: g.sum(1)),
}
DIMS = {"F03": 3, "F04": 3, "F05": 5, "F06": 8, "F08": 1, "F11": 1}


def test_registry_holds_f00_to_f12():
    assert [p.name for p in list_problems()] == [f"F{k:02d}" for k in range(13)]
    assert get_problem("f07") is get_problem("F07")


def test_unknown_problem_is_a_parameter_error():
    with pytest.raises(ParameterError, match="F99.*F00"):
        get_problem("F99")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_generated_values_match_direct_numpy_formulas(name):
    problem = get_problem(name)
    data = problem.generate(seed=3)
    assert data.X.shape == (problem.default_n, DIMS.get(name, 2))
    latents, outer = EXPECTED[name]
    G = np.stack(latents(data.X), axis=1)
    np.testing.assert_allclose(data.G, G, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(data.F, outer(G, data.X), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sympy_target_and_outer_agree_with_the_data(name):
    problem = get_problem(name)
    data = problem.generate(50, seed=1)
    x = [sympy.Symbol(f"x{k}", real=True) for k in range(problem.inputs.dim)]
    target = sympy.lambdify(x, problem.target_sympy, "numpy")(*data.X.T)
    np.testing.assert_allclose(target, data.F, rtol=1e-9, atol=1e-9)
    if problem.outer_sympy is not None:
        g = [sympy.Symbol(f"g{k}", real=True) for k in range(problem.n_latents)]
        outer = sympy.lambdify(g, problem.outer_sympy, "numpy")(*data.G.T)
        np.testing.assert_allclose(outer, data.F, rtol=1e-9, atol=1e-9)


def test_generation_is_deterministic_per_seed():
    problem = get_problem("F07")
    first, again, other = problem.generate(200, seed=5), problem.generate(200, seed=5), problem.generate(200, seed=6)
    np.testing.assert_array_equal(first.X, again.X)
    np.testing.assert_array_equal(first.F, again.F)
    for name in ("train", "validation", "test"):
        np.testing.assert_array_equal(first.splits[name], again.splits[name])
    assert not np.array_equal(first.X, other.X)


def test_inputs_are_standard_normal():
    X = get_problem("F06").generate(20_000, seed=0).X
    np.testing.assert_allclose(X.mean(0), 0, atol=0.05)
    np.testing.assert_allclose(X.std(0), 1, atol=0.05)


def test_f11_uses_the_700_point_grid():
    data = get_problem("F11").generate(seed=0)
    np.testing.assert_allclose(data.X[:, 0], -3 + 6 * np.arange(700) / 700)


def test_splits_partition_the_rows():
    data = get_problem("F09").generate(101, seed=2)
    parts = [data.splits[name] for name in ("train", "validation", "test")]
    assert [len(p) for p in parts] == [61, 20, 20]
    np.testing.assert_array_equal(np.sort(np.concatenate(parts)), np.arange(101))
    X, G, F = data.split("test")
    np.testing.assert_array_equal(X, data.X[data.splits["test"]])
    assert G.shape == (20, 5) and F.shape == (20,)


def test_bad_sample_count_is_a_parameter_error():
    with pytest.raises(ParameterError, match="'n' parameter"):
        get_problem("F07").generate(2)


def test_f08_triangle_formula_is_exact_up_to_six():
    x = np.linspace(-6, 6, 2001)[:, None]
    _, F = get_problem("F08").evaluate(x)
    np.testing.assert_allclose(F, _triangle(x[:, 0]), atol=1e-12)
