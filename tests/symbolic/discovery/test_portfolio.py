"""A portfolio of candidates: which libraries 'auto' means, and results independent of who runs them."""

import numpy as np
import pytest

from oraclelab.errors import ParameterError
from oraclelab.symbolic.discovery import (DiscoveryConfig, direct_sr_generations, discover, discover_portfolio,
                                         portfolio_specs)

TINY = dict(epochs=4, eval_every=2, critic_weight=0.0, sr_generations=2, sr_outer_generations=2,
            sr_outer_restarts=1, sr_seconds=300.0, sr_outer_seconds=300.0)


def _write_table(path, columns, rows):
    path.write_text(",".join(columns) + "\n" + "\n".join(",".join(repr(float(v)) for v in row) for row in rows) + "\n")
    return path


@pytest.fixture(scope="module")
def sum_table(tmp_path_factory):
    """A two-input table: y = 1.5 x0^2 + x0 x1, a sum of two dictionary terms, on 150 rows."""
    x = np.random.default_rng(5).uniform(-2, 2, (150, 2))
    y = 1.5 * x[:, 0] ** 2 + x[:, 0] * x[:, 1]
    return _write_table(tmp_path_factory.mktemp("data") / "sum.csv", ("x0", "x1", "y"), np.column_stack([x, y]))


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    """A one-input table: y = 0.5 x^2 + sin(x) on 120 rows."""
    x = np.random.default_rng(3).uniform(-2, 2, 120)
    path = tmp_path_factory.mktemp("data") / "t.csv"
    path.write_text("x,y\n" + "\n".join(f"{float(a)!r},{float(0.5 * a * a + np.sin(a))!r}" for a in x) + "\n")
    return path


def _config(table, **overrides):
    return DiscoveryConfig(data=str(table), inputs=("x",), target="y", **{**TINY, **overrides})


@pytest.mark.parametrize("d, expected", [
    (1, ("F11", "general1d", "poly:1", "sr")),
    (2, ("products", "index", "general2d", "poly:2", "terms:2", "sr")),
    (3, ("products", "index", "poly:3", "terms:3", "sr")),
])
def test_auto_means_every_library_fitting_the_dimension_the_single_index_and_direct_sr(d, expected):
    config = DiscoveryConfig(data="t.csv", inputs=tuple(f"x{k}" for k in range(d)), target="y")
    assert config.is_portfolio and portfolio_specs(config, d) == expected


def test_a_list_keeps_its_order_without_repeats_and_checks_every_library():
    config = DiscoveryConfig(problem="F07", library="poly:2,auto,sr")
    assert portfolio_specs(config, 2) == ("poly:2", "products", "index", "general2d", "terms:2", "sr")
    with pytest.raises(ParameterError, match="unknown built-in library 'nope'"):
        portfolio_specs(DiscoveryConfig(problem="F07", library="general2d,nope"), 2)
    with pytest.raises(ParameterError, match="'general1d' of 'library' takes 1 input"):
        portfolio_specs(DiscoveryConfig(problem="F07", library="general1d,sr"), 2)
    with pytest.raises(ParameterError, match="runs with discover_portfolio"):
        discover(DiscoveryConfig(problem="F07", library="general2d,sr"))
    assert not DiscoveryConfig(problem="F07", library="general2d").is_portfolio


def _without_timings(summary):
    timings = ("seconds", "cpu_seconds")
    rows = [{k: v for k, v in row.items() if k not in timings} for row in summary["candidates"]]
    return {**{k: v for k, v in summary.items() if k not in timings}, "candidates": rows}


@pytest.mark.slow
def test_a_local_pool_and_a_dask_cluster_give_the_same_summary(table):
    from dask.distributed import LocalCluster

    from oraclelab.runs import DaskExecutor, PoolExecutor

    config = _config(table, library="poly:1,sr")
    with PoolExecutor(2) as pool:
        pooled = discover_portfolio(config, executor=pool)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with DaskExecutor(cluster.scheduler_address) as dask:
            distributed = discover_portfolio(config, executor=dask)
    assert [c.name for c in pooled.candidates] == ["poly:1", "sr"]
    assert all(c.error is None and c.cpu_seconds > 0 for c in pooled.candidates)
    assert _without_timings(pooled.summary()) == _without_timings(distributed.summary())
    summary = pooled.summary()
    assert sum(row["chosen"] for row in summary["candidates"]) == 1
    assert summary["noise"]["method"] == "local quadratic" and summary["equivalent"] is None


def _sum_config(sum_table, **overrides):
    return DiscoveryConfig(data=str(sum_table), inputs=("x0", "x1"), target="y", library="index,sr", index_max_terms=2,
                           index_beam=5, index_starts=1, **{**TINY, **overrides})


@pytest.mark.parametrize("workers", [1, 2])
def test_an_exact_fit_ends_the_portfolio_and_the_later_candidates_are_listed_as_not_run(sum_table, workers):
    result = discover_portfolio(_sum_config(sum_table, workers=workers))
    assert [c.name for c in result.candidates] == ["index"] and result.skipped == ("sr",)
    x = np.random.default_rng(0).uniform(-2, 2, (50, 2))
    symbols = {s.name: s for s in result.formula.free_symbols}
    values = [float(result.formula.subs({symbols[n]: v for n, v in zip(("x0", "x1"), row) if n in symbols}))
              for row in x]
    np.testing.assert_allclose(values, 1.5 * x[:, 0] ** 2 + x[:, 0] * x[:, 1], rtol=1e-9, atol=1e-9)
    summary = result.summary()
    assert summary["stopped_by_exact_fit"] == "index"
    assert [(row["library"], row["chosen"]) for row in summary["candidates"]] == [("index", True), ("sr", False)]
    assert summary["candidates"][1]["why"].startswith("not run: index") and summary["candidates"][1]["formula"] is None


def test_exhaustive_runs_every_candidate_after_an_exact_fit(sum_table):
    result = discover_portfolio(_sum_config(sum_table, workers=1, exhaustive=True))
    assert [c.name for c in result.candidates] == ["index", "sr"] and result.skipped == ()
    assert result.summary()["stopped_by_exact_fit"] is None


def test_an_inexact_first_candidate_does_not_end_the_portfolio(table):
    config = _config(table, library="poly:1,sr", workers=1, epochs=2, eval_every=1, sr_outer_generations=3,
                     sr_outer_restarts=2)
    result = discover_portfolio(config)
    first_mse = result.scores[0].mse
    assert first_mse > 1e-20 * np.var(result.data.part("validation", result.data.F))  # the premise: poly:1 is not exact
    assert [c.name for c in result.candidates] == ["poly:1", "sr"] and result.skipped == ()
    assert result.candidates[1].direct.result.generations == 3 * 2  # one discovery's outer searches per other candidate
    assert [row["generations"] for row in result.summary()["candidates"]] == [None, 3 * 2]


@pytest.mark.parametrize("specs, given, expected", [
    (("sr",), 0, 14), (("F11", "sr"), 0, 14), (("index", "products", "poly:3", "terms:3", "sr"), 0, 3 * 14),
    (("products", "sr"), 0, 14), (("index", "poly:3", "sr"), 9, 9)])
def test_direct_sr_searches_as_many_generations_as_the_other_candidates_outer_searches(specs, given, expected):
    config = DiscoveryConfig(problem="F07", sr_outer_generations=7, sr_outer_restarts=2, sr_direct_generations=given)
    assert direct_sr_generations(config, specs) == expected


def test_an_exact_sum_of_products_ends_the_portfolio_and_writes_its_path(table_of_products, tmp_path):
    from oraclelab.runs import RunFolder
    from oraclelab.symbolic.discovery import write_portfolio

    config = DiscoveryConfig(data=str(table_of_products), inputs=("x0", "x1"), target="y", library="products,sr",
                             **TINY)
    result = discover_portfolio(config)
    assert [c.name for c in result.candidates] == ["products"] and result.skipped == ("sr",)
    x = np.random.default_rng(1).uniform(-2, 2, (40, 2))
    symbols = {s.name: s for s in result.formula.free_symbols}
    values = [float(result.formula.subs({symbols[n]: v for n, v in zip(("x0", "x1"), row) if n in symbols}))
              for row in x]
    np.testing.assert_allclose(values, _products_truth(x), rtol=1e-8, atol=1e-8)
    summary = write_portfolio(RunFolder(tmp_path / "run"), result)
    assert summary["library"] == "products" and summary["candidates"][0]["r2_test"] > 1 - 1e-12
    path = (tmp_path / "run" / "candidates" / "01-products" / "path.csv").read_text().splitlines()
    assert path[0].startswith("terms,n_terms") and path[-1].endswith("True")


def _products_truth(x):
    return x[:, 0] ** 3 * np.exp(x[:, 1]) - 0.5 * np.cos(2 * x[:, 0]) * np.sin(x[:, 1]) + 2.0


@pytest.fixture(scope="module")
def table_of_products(tmp_path_factory):
    """y = x0^3 exp(x1) - 0.5 cos(2 x0) sin(x1) + 2: two products of single-input terms, on 150 rows."""
    x = np.random.default_rng(7).uniform(-2, 2, (150, 2))
    return _write_table(tmp_path_factory.mktemp("data") / "products.csv", ("x0", "x1", "y"),
                        np.column_stack([x, _products_truth(x)]))


@pytest.mark.parametrize("noise", [0.01, 0.0])
def test_with_noise_given_every_candidate_goes_through_constant_pruning_and_without_none(table, noise):
    result = discover_portfolio(_config(table, library="poly:1,sr", workers=1, noise=noise))
    rows = result.summary()["candidates"]
    for candidate, row in zip(result.candidates, rows):
        if noise == 0.0:
            assert candidate.pruning is None and row["pruning"] is None
            continue
        # the candidate's formula is the pruning's pick, its start what the candidate's own search returned
        assert candidate.formula is candidate.pruning.chosen.formula
        tested = candidate.direct.result.expression if candidate.direct else candidate.discovery.formula
        assert candidate.pruning.start.formula == tested
        assert len(row["pruning"]["pruning_steps"]) == len(candidate.pruning.steps)
