"""``oraclelab symbolic problems`` and ``oraclelab symbolic sr`` end to end, in-process."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
import yaml

import oraclelab.cli.discovery  # noqa: F401  (registers the commands until cli.py imports it)

FAST = ["--seconds", "1", "--generations", "5", "--population-size", "100", "--threads", "1"]


@pytest.fixture
def table(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 2))
    path = tmp_path / "points.csv"
    rows = "\n".join(f"{a},{b},{3 * a + 1}" for a, b in x)
    path.write_text(f"a,b,y\n{rows}\n")
    return path


def test_problems_lists_every_builtin(run_cli):
    code, stdout, stderr = run_cli("symbolic", "problems")
    assert code == 0, stderr
    for k in range(13):
        assert f"F{k:02d}" in stdout
    assert "g0*g1 + sin(g2)" in stdout


def test_sr_on_a_builtin_problem_writes_the_run_folder(run_cli, tmp_path):
    out = tmp_path / "run"
    code, stdout, stderr = run_cli("symbolic", "sr", "--problem", "F07", "--n", "100", "--seed", "1", "--out", out,
                                   *FAST)
    assert code == 0, stderr
    summary = json.loads((out / "summary.json").read_text())
    for key in ("formula", "r2_test", "equivalent", "seconds"):
        assert key in summary
    assert isinstance(summary["equivalent"], bool)
    assert summary["truth"] == "2.7*x0**2 + 4.5*x0*x1 + 5*cos(3*x1)"
    assert summary["latent_formulas"] is None and summary["outer_formula"] is None and summary["min_corr"] is None
    config = yaml.safe_load((out / "config.yaml").read_text())
    assert config["problem"] == "F07" and config["seed"] == 1 and config["n"] == 100
    assert (out / "prediction_test.png").stat().st_size > 0


def test_sr_on_a_data_file(run_cli, tmp_path, table):
    out = tmp_path / "run"
    code, _, stderr = run_cli("symbolic", "sr", "--data", table, "--inputs", "a,b", "--target", "y", "--out", out,
                              *FAST)
    assert code == 0, stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["equivalent"] is None and summary["truth"] is None
    assert summary["r2_test"] > 0.99
    assert "a" in summary["formula"]


@pytest.mark.parametrize("args, message", [
    (["--inputs", "a,nope", "--target", "y"], r"points.csv: no column 'nope'"),
    (["--inputs", "a,b", "--target", "z"], r"points.csv: no column 'z'"),
])
def test_bad_column_exits_2_with_one_line(run_cli, tmp_path, table, args, message):
    code, _, stderr = run_cli("symbolic", "sr", "--data", table, *args, "--out", tmp_path / "bad", *FAST)
    assert code == 2
    assert len(stderr.strip().splitlines()) == 1
    assert "points.csv" in stderr and message.split(": ")[1] in stderr
    assert not (tmp_path / "bad").exists()


@pytest.mark.parametrize("args, message", [
    (["--data", "missing.csv", "--inputs", "a", "--target", "y"], "missing.csv: file not found"),
    (["--problem", "F99"], "Unknown problem 'F99'"),
    (["--problem", "F07", "--data", "x.csv"], "exactly one of --problem"),
    ([], "exactly one of --problem"),
    (["--data", "x.csv"], "--data needs --inputs"),
    (["--problem", "F07", "--target", "y"], "go with --data"),
])
def test_bad_options_exit_2_with_one_line(run_cli, tmp_path, args, message):
    code, _, stderr = run_cli("symbolic", "sr", *args, "--out", tmp_path / "bad", *FAST)
    assert code == 2
    assert len(stderr.strip().splitlines()) == 1 and message in stderr


def test_importing_the_commands_stays_light():
    code = ("import sys, oraclelab.cli, oraclelab.cli.discovery; "
            "print(sorted(m for m in ('torch', 'sympy', 'pyoperon', 'matplotlib') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_problems_export_writes_a_csv_that_discover_style_loading_reads(run_cli, tmp_path):
    import sympy

    from oraclelab.symbolic.problems import get_problem
    from oraclelab.symbolic.problems._table import load_table

    out = tmp_path / "F04.csv"
    code, stdout, stderr = run_cli("symbolic", "problems", "--export", "F04", "--rows", "200", "--seed", "5",
                                   "--out", out)
    assert code == 0, stderr
    assert str(out) in stdout and "200 rows" in stdout
    assert out.read_text().splitlines()[0] == "x0,x1,x2,y"
    table = load_table(out, inputs=["x0", "x1", "x2"], target="y")
    symbols = sympy.symbols("x0 x1 x2", real=True)
    truth = sympy.lambdify(symbols, get_problem("F04").target_sympy, modules="numpy")(*table.X.T)
    np.testing.assert_allclose(table.y, truth, rtol=1e-12, atol=1e-12)
    again = tmp_path / "again.csv"
    assert run_cli("symbolic", "problems", "--export", "f04", "--rows", "200", "--seed", "5", "--out", again)[0] == 0
    assert again.read_bytes() == out.read_bytes()


def test_problems_export_with_noise_and_default_name(run_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, stdout, stderr = run_cli("symbolic", "problems", "--export", "F11", "--rows", "1000", "--noise", "0.01")
    assert code == 0, stderr
    from oraclelab.symbolic.problems import get_problem
    from oraclelab.symbolic.problems._table import load_table

    table = load_table(tmp_path / "F11.csv", inputs=["x0"], target="y")
    _, clean = get_problem("F11").evaluate(table.X)
    # 1000 Gaussian residuals: sample std within 10% of 0.01 * std(target) (about 4.5 standard errors)
    assert np.std(table.y - clean) == pytest.approx(0.01 * np.std(clean), rel=0.1)


@pytest.mark.parametrize("args, match", [
    (("--export", "F99"), "Unknown problem 'F99'"),
    (("--export", "F11", "--rows", "0"), "'rows' parameter of export_problem must be an integer >= 1"),
    (("--export", "F11", "--noise", "-1"), "'noise' parameter of export_problem must be a number >= 0"),
])
def test_problems_export_mistakes_are_one_line_exit_2(run_cli, tmp_path, args, match):
    code, stdout, stderr = run_cli("symbolic", "problems", *args, "--out", tmp_path / "o.csv")
    assert code == 2 and len(stderr.strip().splitlines()) == 1
    assert match in stderr and not (tmp_path / "o.csv").exists()


def test_an_exported_problem_runs_through_sr_as_user_data(run_cli, tmp_path):
    data = tmp_path / "F07.csv"
    assert run_cli("symbolic", "problems", "--export", "F07", "--rows", "100", "--out", data)[0] == 0
    code, stdout, stderr = run_cli("symbolic", "sr", "--data", data, "--inputs", "x0,x1", "--target", "y",
                                   "--out", tmp_path / "run", *FAST)
    assert code == 0, stderr
