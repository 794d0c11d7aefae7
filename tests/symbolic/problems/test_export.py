"""Exporting built-in problems as CSV: against each problem's sympy formula, round trip, seeds, errors."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from oraclelab.errors import ParameterError
from oraclelab.symbolic.problems import ExportConfig, export_problem, get_problem, list_problems, write_problem_csv
from oraclelab.symbolic.problems._table import load_table

NAMES = [problem.name for problem in list_problems()]


def _truth(name: str, X: np.ndarray) -> np.ndarray:
    """The problem's target evaluated independently: its sympy formula compiled by lambdify."""
    problem = get_problem(name)
    symbols = [sympy.Symbol(f"x{k}", real=True) for k in range(problem.inputs.dim)]
    return np.broadcast_to(sympy.lambdify(symbols, problem.target_sympy, modules="numpy")(*X.T), (len(X),))


@pytest.mark.parametrize("name", NAMES)
def test_noise_free_export_is_the_formula_and_round_trips(tmp_path, name):
    exported = export_problem(name, rows=50, seed=3)
    path = write_problem_csv(tmp_path / f"{name}.csv", exported)
    table = load_table(path, inputs=list(exported.input_names), target="y")
    assert table.input_names == tuple(f"x{k}" for k in range(get_problem(name).inputs.dim))
    np.testing.assert_array_equal(table.X, exported.X)  # repr floats round-trip exactly
    np.testing.assert_array_equal(table.y, exported.y)
    np.testing.assert_allclose(table.y, _truth(name, table.X), rtol=1e-10, atol=1e-10)


def test_rows_are_drawn_as_generate_draws_them():
    for name in ("F04", "F11"):
        exported, data = export_problem(name, rows=40, seed=7), get_problem(name).generate(40, seed=7)
        np.testing.assert_array_equal(exported.X, data.X)
        np.testing.assert_array_equal(exported.clean, data.F)


def test_f11_is_the_grid_and_the_default_rows_are_the_problem_s():
    exported = export_problem("f11")
    assert exported.problem == "F11" and len(exported.y) == 700
    np.testing.assert_allclose(exported.X[:, 0], -3.0 + 6.0 * np.arange(700) / 700)


def test_noise_has_the_asked_standard_deviation():
    exported = export_problem("F04", rows=20000, noise=0.05, seed=0)
    residual = exported.y - _truth("F04", exported.X)
    expected = 0.05 * np.std(exported.clean)
    assert exported.noise_std == pytest.approx(expected)
    # the sample std of 20000 Gaussians is within 2% of sigma (about 4 standard errors)
    assert np.std(residual) == pytest.approx(expected, rel=0.02)
    assert abs(np.mean(residual)) < 4 * expected / np.sqrt(20000)


def test_seeds_reproduce_and_differ():
    a, b, c = (export_problem("F01", rows=30, noise=0.1, seed=s) for s in (1, 1, 2))
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.y, b.y)
    assert not np.array_equal(a.X, c.X) and not np.array_equal(a.y - a.clean, c.y - c.clean)


def test_noise_comes_from_its_own_stream():
    clean, noisy = export_problem("F01", rows=30, seed=4), export_problem("F01", rows=30, noise=0.5, seed=4)
    np.testing.assert_array_equal(clean.X, noisy.X)
    assert not np.array_equal(clean.y, noisy.y)


def test_one_row_is_allowed():
    assert export_problem("F00", rows=1).X.shape == (1, 2)


@pytest.mark.parametrize("kwargs, match", [
    ({"problem": "F99"}, "Unknown problem 'F99'"),
    ({"problem": "F00", "rows": 0}, "'rows' parameter of export_problem must be an integer >= 1. Got 0"),
    ({"problem": "F00", "noise": -0.1}, "'noise' parameter of export_problem must be a number >= 0. Got -0.1"),
    ({"problem": "F00", "noise": float("nan")}, "'noise' parameter"),
])
def test_bad_parameters(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        export_problem(**kwargs)


def test_config_checks_its_fields():
    assert ExportConfig(problem="f04").problem == "F04"
    with pytest.raises(ParameterError, match="must be a .csv file"):
        ExportConfig(problem="F04", out="F04.npz")
    with pytest.raises(ParameterError, match="go with a problem to export"):
        ExportConfig(rows=5)
