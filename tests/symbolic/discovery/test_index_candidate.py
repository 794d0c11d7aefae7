"""The single-index candidate: F01 (s + s**2 of a sum of three terms) read out exactly, and its run folder."""

import csv
import json

import pytest
import sympy

from oraclelab.runs import RunFolder
from oraclelab.symbolic.discovery import DiscoveryConfig
from oraclelab.symbolic.discovery._index_candidate import index_candidate, write_index_candidate
from oraclelab.symbolic.discovery._streams import RunStreams


@pytest.mark.slow
def test_f01_is_read_out_as_its_formula_and_written_with_its_path(tmp_path):
    config = DiscoveryConfig(problem="F01", n_samples=400, library="index", index_max_terms=4, index_beam=10,
                             sr_outer_generations=40, sr_outer_restarts=2, seed=3)
    outcome = index_candidate(config, RunStreams(config.seed, "candidate", "index"))
    x0, x1 = sympy.symbols("x0 x1", real=True)
    s = x0**2 + x0 * x1 + sympy.cos(x1)
    formula = outcome.distillation.formula
    found = formula.xreplace({symbol: {"x0": x0, "x1": x1}[symbol.name] for symbol in formula.free_symbols})
    difference = sympy.expand(found - (s + s**2))
    assert all(abs(float(c)) < 1e-6 for c in sympy.Poly(difference, x0, x1, sympy.cos(x1)).coeffs())
    assert outcome.distillation.equivalent is True
    write_index_candidate(RunFolder(tmp_path / "index"), outcome)
    summary = json.loads((tmp_path / "index" / "summary.json").read_text())
    assert sorted(summary["index"]["chosen_terms"]) == sorted(["x0**2", "x0*x1", "cos(x1)"])
    assert summary["latent_readouts"] == ["index"]
    with (tmp_path / "index" / "path.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert [int(row["n_terms"]) for row in rows] == list(range(1, len(rows) + 1))
    assert [row["chosen"] for row in rows].count("True") == 1
    assert (tmp_path / "index" / "target_vs_latent.png").stat().st_size > 0
