"""pyoperon tree -> sympy conversion, the SR wrapper on an easy formula, and its errors."""

from __future__ import annotations

import sys
from types import SimpleNamespace

import numpy as np
import pytest
import sympy

from oraclelab.errors import ParameterError, RunError
from oraclelab.symbolic.regression import SymbolicRegressor, are_equivalent, symbolic_regression
from oraclelab.symbolic.regression._operon_tree import operon_tree_to_sympy

x0, x1 = sympy.symbols("x0 x1", real=True)


def _node(kind, value=1.0, arity=0, hash_value=0):
    return SimpleNamespace(Type=f"NodeType.{kind}", Value=value, Arity=arity, HashValue=hash_value)


def test_tree_postfix_order_first_child_next_to_parent():
    # pyoperon prints this tree as ((0.5 * X2) - (sin(9.7e-09)))... here: (2*X2) - sin(X1) + 9.7e-9
    nodes = [_node("Constant", 9.7e-9), _node("Variable", 1.0, hash_value=11), _node("Sin", arity=1),
             _node("Variable", 2.0, hash_value=22), _node("Sub", arity=2), _node("Add", arity=2)]
    expression = operon_tree_to_sympy(nodes, {11: "X1", 22: "X2"}, [x0, x1])
    assert expression == 2.0 * x1 - sympy.sin(x0) + sympy.Float(9.7e-9)


def test_tree_unary_minus_division_and_square():
    nodes = [_node("Variable", 1.0, hash_value=1), _node("Square", arity=1), _node("Sub", arity=1),
             _node("Constant", 4.0), _node("Div", arity=2)]
    assert operon_tree_to_sympy(nodes, {1: "X1"}, [x0]) == 4.0 / (-(x0**2))


@pytest.mark.slow
def test_conversion_agrees_with_pyoperons_own_evaluation():
    from pyoperon.sklearn import SymbolicRegressor as OperonRegressor

    from oraclelab.symbolic.regression import evaluate_expression

    rng = np.random.default_rng(1)
    X = rng.uniform(0.5, 2.0, size=(200, 3))
    y = np.sin(X[:, 0]) / (X[:, 1] + 0.5) - X[:, 2] ** 1.5
    symbols = sympy.symbols("x0 x1 x2", real=True)
    estimator = OperonRegressor(
        allowed_symbols="add,sub,mul,div,constant,variable,sin,cos,exp,log,sqrt,pow,aq,square,tanh,abs",
        objectives=["mse", "length"], optimizer_iterations=3, max_time=1, generations=5, population_size=200,
        pool_size=200, random_state=0, n_threads=1, uncertainty=[1e-3]).fit(X, y)
    trees = [point["tree"] for point in estimator.pareto_front_] + [estimator.model_]
    for tree in trees:
        ours = evaluate_expression(operon_tree_to_sympy(tree.Nodes, estimator.variables_, symbols), symbols, X)
        theirs = estimator.evaluate_model(tree, X)
        np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-4)


def test_unknown_node_type_is_a_clean_error():
    with pytest.raises(RunError, match="node type 'Dyn' has no sympy equivalent"):
        operon_tree_to_sympy([_node("Dyn")], {}, [x0])


def test_a_tree_that_is_not_one_expression_is_a_clean_error():
    with pytest.raises(RunError, match="Add needs 2 argument"):
        operon_tree_to_sympy([_node("Constant"), _node("Add", arity=2)], {}, [x0])
    with pytest.raises(RunError, match="2 expressions left"):
        operon_tree_to_sympy([_node("Constant"), _node("Constant")], {}, [x0])


@pytest.mark.slow
def test_recovers_an_easy_formula():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 2))
    y = X[:, 0] ** 2 + 1
    model = SymbolicRegressor(seconds=2, generations=30, population_size=300, random_state=0, n_threads=2)
    model.fit(X[:200], y[:200], X_val=X[200:], y_val=y[200:])
    result = model.result_
    assert are_equivalent(result.expression, x0**2 + 1), result.expression
    assert result.r2_train > 1 - 1e-9 and result.r2_validation > 1 - 1e-9
    np.testing.assert_allclose(model.predict(X[200:]), y[200:], rtol=1e-5, atol=1e-5)
    assert result.complexity >= 5 and result.pareto_front


def test_bad_input_shapes_and_parameters():
    X, y = np.zeros((10, 2)), np.zeros(10)
    with pytest.raises(ParameterError, match=r"\(10, 2\) and \(9,\)"):
        symbolic_regression(X, y[:9])
    with pytest.raises(ParameterError, match="'seconds' parameter"):
        symbolic_regression(X, y, seconds=0)
    with pytest.raises(ParameterError, match="unknown function"):
        symbolic_regression(X, y, functions=("erf",))
    with pytest.raises(ParameterError, match="not fitted"):
        SymbolicRegressor().predict(X)


def test_pysr_backend_names_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "pysr", None)  # import pysr raises ImportError
    with pytest.raises(ParameterError, match="pip install pysr"):
        symbolic_regression(np.zeros((10, 1)), np.arange(10.0), backend="pysr")


class _FakePySR:
    """Stands in for pysr.PySRRegressor (Julia cannot be installed here): records its settings
    and returns a fixed front in PySR's own (assumption-free) symbols."""

    instances: list = []

    def __init__(self, **kwargs):
        self.kwargs = kwargs
        _FakePySR.instances.append(self)

    def fit(self, X, y, variable_names):
        import pandas

        a, b = (sympy.Symbol(name) for name in variable_names)
        self.fitted = (X.shape, variable_names)
        self.chosen = 2 * a + sympy.sin(b)
        self.equations_ = pandas.DataFrame({"complexity": [1, 5], "loss": [1.5, 0.0],
                                            "sympy_format": [2 * a, self.chosen]})
        return self

    def sympy(self):
        return self.chosen


def test_pysr_backend_passes_our_settings_and_reads_the_front_in_our_symbols(monkeypatch):
    monkeypatch.setitem(sys.modules, "pysr", SimpleNamespace(PySRRegressor=_FakePySR))
    X = np.random.default_rng(0).normal(size=(50, 2))
    y = 2 * X[:, 0] + np.sin(X[:, 1])
    result = symbolic_regression(X, y, backend="pysr", input_names=["a", "b"], seconds=7, generations=40,
                                 population_size=33, max_length=20, functions=("sin", "exp"), division=False,
                                 random_state=5)
    settings = _FakePySR.instances[-1].kwargs
    assert settings["binary_operators"] == ["+", "-", "*"] and settings["unary_operators"] == ["sin", "exp"]
    assert (settings["niterations"], settings["timeout_in_seconds"], settings["population_size"],
            settings["maxsize"], settings["random_state"]) == (40, 7.0, 33, 20, 5)
    assert settings["deterministic"] is True and settings["parallelism"] == "serial"
    assert _FakePySR.instances[-1].fitted == ((50, 2), ["a", "b"])
    a, b = sympy.symbols("a b", real=True)
    assert result.expression == 2 * a + sympy.sin(b) and result.symbols == (a, b)
    assert result.backend == "pysr" and result.length == 5 and result.r2_train == pytest.approx(1.0)
    assert [p.expression for p in result.pareto_front] == [2 * a, 2 * a + sympy.sin(b)]
    with pytest.raises(ParameterError, match="pysr backend lacks: aq"):
        symbolic_regression(X, y, backend="pysr", functions=("aq",))


def test_a_search_says_whether_its_time_cap_or_its_generation_cap_ended_it_and_how_many_generations_ran():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2))
    y = X[:, 0] * np.sin(X[:, 1]) + X[:, 1] ** 3
    settings = dict(population_size=200, random_state=0, n_threads=1)
    by_generations = symbolic_regression(X, y, seconds=300, generations=2, **settings)
    assert not by_generations.time_capped and by_generations.generations == 2
    by_time = symbolic_regression(X, y, seconds=1, generations=10**6, **settings)
    assert by_time.time_capped and 0 < by_time.generations < 10**6
