"""``oraclelab symbolic discover --data``: a portfolio of priors by default, end to end, in-process."""

from __future__ import annotations

import json

import numpy as np
import pytest

TINY = ["--epochs", "4", "--eval-every", "2", "--critic-weight", "0", "--sr-generations", "2",
        "--sr-outer-generations", "2", "--sr-outer-restarts", "1", "--workers", "1"]


@pytest.fixture
def three_inputs(tmp_path):
    """A table with three inputs (the shape of F04), where 'general2d' used to stop the run."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 3))
    y = np.sin(X[:, 0]) * np.cos(X[:, 1]) + X[:, 2] ** 2
    path = tmp_path / "three.csv"
    path.write_text("a,b,c,y\n" + "\n".join(",".join(repr(float(v)) for v in (*row, t)) for row, t in zip(X, y)) + "\n")
    return path


INDEX = ["--index-max-terms", "2", "--index-beam", "4"]


@pytest.mark.slow
def test_discover_with_three_inputs_runs_every_candidate_when_exhaustive(run_cli, tmp_path, three_inputs):
    out = tmp_path / "run"
    code, stdout, stderr = run_cli("symbolic", "discover", "--data", three_inputs, "--inputs", "a,b,c", "--target", "y",
                                   *TINY, *INDEX, "--exhaustive", "--out", out)
    assert code == 0, stderr
    summary = json.loads((out / "summary.json").read_text())
    assert [row["library"] for row in summary["candidates"]] == ["products", "index", "poly:3", "terms:3", "sr"]
    assert sum(row["chosen"] for row in summary["candidates"]) == 1
    for row in summary["candidates"]:
        assert set(row) >= {"library", "formula", "mse_validation", "threshold", "complexity", "seconds", "cpu_seconds",
                            "chosen", "why", "time_capped"}
        assert row["threshold"] >= summary["best_mse_validation"]
        assert not row["chosen"] or row["mse_validation"] <= row["threshold"]
    assert summary["library"] in stdout and "formula (" in stdout
    assert (out / "candidates.png").stat().st_size > 0
    assert (out / "candidates" / "04-terms-3" / "summary.json").exists()
    # the target is sin(a)*cos(b) + c**2: one sum of two dictionary terms, read out to round-off by both
    variance = np.var(np.loadtxt(three_inputs, delimiter=",", skiprows=1)[:, 3])
    assert all(row["mse_validation"] < 1e-20 * variance for row in summary["candidates"][:2])
    for name in ("summary.json", "path.csv", "prediction_test.png"):
        assert (out / "candidates" / "01-products" / name).stat().st_size > 0
    for name in ("summary.json", "path.csv", "target_vs_latent.png"):
        assert (out / "candidates" / "02-index" / name).stat().st_size > 0
    assert (out / "candidates" / "05-sr" / "summary.json").exists()


def test_by_default_the_first_exact_fit_ends_the_portfolio(run_cli, tmp_path, three_inputs):
    out = tmp_path / "run"
    code, stdout, stderr = run_cli("symbolic", "discover", "--data", three_inputs, "--inputs", "a,b,c", "--target", "y",
                                   *TINY, *INDEX, "--out", out)
    assert code == 0, stderr
    summary = json.loads((out / "summary.json").read_text())
    assert [(row["library"], row["chosen"]) for row in summary["candidates"]] == [
        ("products", True), ("index", False), ("poly:3", False), ("terms:3", False), ("sr", False)]
    assert all(row["why"].startswith("not run") and row["mse_validation"] is None for row in summary["candidates"][1:])
    assert summary["stopped_by_exact_fit"] == "products" and "were not run (--exhaustive" in stdout
    assert sorted(path.name for path in (out / "candidates").iterdir()) == ["01-products"]


@pytest.mark.parametrize("args, message", [
    (["--library", "poly:2,nope"], "unknown built-in library 'nope'"),
    (["--library", "general1d,sr"], "'general1d' of 'library' takes 1 input"),
    (["--library", "auto", "--resume"], "--resume continues a run of one library"),
    (["--library", "auto", "--critic-dir", "somewhere"], "'critic_dir' gives one critic"),
    (["--library", " , "], "names no library"),
    (["--workers", "-1"], "'workers'"),
    (["--noise", "-0.1"], "'noise'"),
    (["--index-beam", "0"], "'index_beam'"),
])
def test_portfolio_mistakes_exit_2_with_one_line(run_cli, tmp_path, args, message):
    code, _, stderr = run_cli("symbolic", "discover", "--problem", "F07", *args, "--out", tmp_path / "o")
    assert code == 2 and len(stderr.strip().splitlines()) == 1, stderr
    assert message in stderr and "Traceback" not in stderr
