"""The symrep folder loader against the reference data (skipped when the data are absent)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from oraclelab.errors import DataFileError, FormulaError
from oraclelab.symbolic.problems import get_problem, load_symrep_problem, read_info

NAMES = ["F00", "F01", "F02", "F03", "F04", "F05", "F06", "F07", "F08", "F09", "F11", "F12"]
# F12's stored columns were computed in float32 (errors up to ~3e-5 in absolute value on
# values up to 130); the other problems agree to rounding error.
TOLERANCE = {"F12": {"rtol": 1e-6, "atol": 5e-5}}
TIGHT = {"rtol": 1e-12, "atol": 1e-12}



@pytest.fixture
def data_1k(reference_dir: Path) -> Path:
    """The symrep data_1k folder (the test is skipped when the reference data are absent)."""
    return reference_dir / "symrep" / "data_1k"


@pytest.mark.parametrize("name", NAMES)
def test_parsed_info_formulas_reproduce_the_stored_columns(data_1k, name):
    problem, data = load_symrep_problem(data_1k, name)
    G, F = problem.evaluate(data.X)
    np.testing.assert_allclose(G, data.G, **TOLERANCE.get(name, TIGHT))
    np.testing.assert_allclose(F, data.F, **TOLERANCE.get(name, TIGHT))


@pytest.mark.parametrize("name", NAMES)
def test_builtin_problems_reproduce_the_stored_columns(data_1k, name):
    _, data = load_symrep_problem(data_1k, name)
    G, F = get_problem(name).evaluate(data.X)
    np.testing.assert_allclose(G, data.G, **TOLERANCE.get(name, TIGHT))
    np.testing.assert_allclose(F, data.F, **TOLERANCE.get(name, TIGHT))


def test_loaded_problem_structure(data_1k):
    problem, data = load_symrep_problem(data_1k, "07", seed=1)
    assert problem.name == "F07" and problem.n_latents == 3
    assert problem.outer_string == "G07[:,0] + G07[:,1] + G07[:,2]"
    assert data.X.shape == (1000, 2) and data.G.shape == (1000, 3) and data.F.shape == (1000,)
    assert sum(len(v) for v in data.splits.values()) == 1000
    direct, _ = load_symrep_problem(data_1k, "F12")
    assert direct.outer is None and direct.target_string.startswith("4.34*X12[:,0]")


def test_info_noise_line(data_1k):
    formulas, noise = read_info(data_1k / "G11.info")
    assert len(formulas) == 3 and noise == 0.0


def _folder(tmp_path: Path, g_info: str, f_info: str = "G01[:,0]\n0\n") -> Path:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(10, 2))
    np.savetxt(tmp_path / "X01.gz", X)
    np.savetxt(tmp_path / "G01.gz", X[:, :1])
    np.savetxt(tmp_path / "F01.gz", X[:, :1])
    (tmp_path / "G01.info").write_text(g_info)
    (tmp_path / "F01.info").write_text(f_info)
    return tmp_path


def test_code_in_an_info_file_is_rejected_not_run(tmp_path):
    folder = _folder(tmp_path, "__import__('os').system('echo hacked')\n0\n")
    with pytest.raises(FormulaError, match="G01.info:1"):
        load_symrep_problem(folder, "F01")


def test_unsupported_helper_arguments_are_rejected(tmp_path):
    folder = _folder(tmp_path, "ut.triangle(X01[:,0], 2.0, 1.5)\n0\n")
    with pytest.raises(FormulaError, match=r"ut.triangle\(x, 1.0, 1.5\)"):
        load_symrep_problem(folder, "F01")


@pytest.mark.parametrize("formula", ["(" * 200_000 + "X01[:,0]" + ")" * 200_000, "-" * 500_000 + "X01[:,0]",
                                     "ut.triangle(" + "-" * 800 + "X01[:,0], 1.0, 1.5)"])
def test_a_formula_too_long_or_deep_to_parse_is_a_formula_error(tmp_path, formula):
    folder = _folder(tmp_path, formula + "\n0\n")
    with pytest.raises(FormulaError, match="G01.info:1"):
        load_symrep_problem(folder, "F01")


def test_missing_file_is_a_data_file_error(tmp_path):
    with pytest.raises(DataFileError, match="X03.gz: file not found"):
        load_symrep_problem(tmp_path, "F03")


def test_wrong_formula_count_is_a_data_file_error(tmp_path):
    folder = _folder(tmp_path, "X01[:,0]\nX01[:,1]\n0\n")
    with pytest.raises(DataFileError, match="2 formula"):
        load_symrep_problem(folder, "F01")
