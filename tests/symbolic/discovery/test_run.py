import json
import math

import numpy as np
import pytest
import torch

from oraclelab.errors import ParameterError
from oraclelab.symbolic.discovery import CriticRegulariser, DiscoveryConfig, correlation_matrix, min_corr, penalty_shape
from oraclelab.symbolic.models import OuterFunction, build_model


def test_correlation_matrix_matches_numpy_corrcoef():
    rng = np.random.default_rng(0)
    true = rng.normal(size=(200, 2))
    learned = np.c_[3 * true[:, 1] + 1, rng.normal(size=200), -true[:, 0] + 0.1 * rng.normal(size=200)]
    expected = np.abs(np.corrcoef(np.c_[true, learned].T)[:2, 2:])
    np.testing.assert_allclose(correlation_matrix(true, learned), expected, atol=1e-12)
    assert min_corr(true, learned) == pytest.approx(expected.max(axis=1).min())
    assert correlation_matrix(true, np.ones((200, 1)))[:, 0].tolist() == [0.0, 0.0]


def test_penalty_shapes_follow_their_formulas():
    s = torch.tensor([-2.0, 0.0, 3.0])
    torch.testing.assert_close(penalty_shape(s, "linear"), -s)
    torch.testing.assert_close(penalty_shape(s, "sigmoid"), -1 / (1 + torch.exp(-s)))
    torch.testing.assert_close(penalty_shape(s, "log-sigmoid"), torch.log1p(torch.exp(-s)))
    with pytest.raises(ParameterError, match="'shape'"):
        penalty_shape(s, "cubic")


class SlopeCritic(torch.nn.Module):
    """Scores a function by its mean value: the regulariser must pass its gradient to the model."""

    def forward(self, values, gradients, points):
        return values.mean(dim=1)


def test_critic_regulariser_judges_each_latent_on_the_points_and_is_differentiable():
    torch.manual_seed(0)
    model = build_model("srnet", 1, 3, activation="tanh")
    points = torch.linspace(-1, 1, 50)[:, None]
    regulariser = CriticRegulariser(SlopeCritic(), points, weight=2.0, shape="linear")
    penalty, scores = regulariser(model)
    with torch.no_grad():
        expected_scores = model.latents(points).mean(dim=0)
    torch.testing.assert_close(scores.detach(), expected_scores)
    assert float(penalty.detach()) == pytest.approx(-2.0 * float(expected_scores.mean()), rel=1e-5)
    penalty.backward()
    assert any(p.grad is not None and p.grad.abs().sum() > 0 for p in model.parameters())


@pytest.mark.parametrize(
    "kwargs, match",
    [({"problem": None}, "exactly one"), ({"data": "x.csv"}, "exactly one"), ({"shape": "cubic"}, "'shape'"),
     ({"model": "rnn"}, "'model'"), ({"epochs": 0}, "'epochs'"), ({"critic_weight": -1.0}, "'critic_weight'"),
     ({"sr_outer_noise": 0.0}, "'sr_outer_noise'"), ({"sr_outer_generations": 0}, "'sr_outer_generations'"),
     ({"sr_library_tolerance": -0.1}, "'sr_library_tolerance'"), ({"purity": -1.0}, "'purity'"),
     ({"purity_reference": 0}, "'purity_reference'"), ({"model_hyper": {"output": "product"}}, "'output'"),
     ({"sr_outer_restarts": 0}, "'sr_outer_restarts'")],
)
def test_discovery_config_is_validated(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        DiscoveryConfig(**kwargs)


@pytest.mark.slow
def test_discover_cli_runs_end_to_end_and_writes_the_summary(run_cli, tmp_path):
    critic_dir = tmp_path / "critic"
    code, _, err = run_cli("symbolic", "train-critic", "--library", "general2d", "--points", "normal:64:2",
                           "--critic", "set", "--max-epochs", "5", "--seed", "0", "--out", critic_dir)
    assert code == 0, err
    out = tmp_path / "discover"
    code, stdout, err = run_cli("symbolic", "discover", "--problem", "F00", "--epochs", "30", "--critic-dir", critic_dir,
                                "--sr-seconds", "1", "--sr-generations", "5", "--sr-outer-seconds", "1",
                                "--sr-outer-generations", "5", "--seed", "0", "--out", out)
    assert code == 0, err
    summary = json.loads((out / "summary.json").read_text())
    assert len(summary["latent_formulas"]) == 3
    assert set(summary["latent_readouts"]) <= {"library", "sr"} and len(summary["latent_readouts"]) == 3
    assert 0.0 <= summary["min_corr"] <= 1.0
    assert isinstance(summary["equivalent"], bool) and math.isfinite(summary["seconds"])
    rows = (out / "metrics.csv").read_text().splitlines()
    assert rows[0].startswith("epoch,seconds,train_loss,val_loss,critic_score,reg_share,min_corr") and len(rows) >= 2
    for name in ("losses.png", "min_corr.png", "latents.png", "model.pt", "model.json", "config.yaml"):
        assert (out / name).exists(), name


def test_discover_rejects_bad_options_with_exit_code_2(run_cli, tmp_path):
    code, _, err = run_cli("symbolic", "discover", "--problem", "F11", "--shape", "cubic", "--out", tmp_path / "o")
    assert code == 2 and "'shape'" in err and len(err.strip().splitlines()) == 1
    code, _, err = run_cli("symbolic", "discover", "--data", tmp_path / "missing.csv", "--inputs", "x0", "--target", "y",
                           "--out", tmp_path / "o2", "--critic-weight", "0")
    assert code == 2 and "missing.csv" in err
    code, _, err = run_cli("symbolic", "discover", "--problem", "F07", "--output", "product", "--out", tmp_path / "o3")
    assert code == 2 and "'output'" in err and len(err.strip().splitlines()) == 1
    code, _, err = run_cli("symbolic", "discover", "--problem", "F11", "--sr-outer-restarts", "0", "--out", tmp_path / "o4")
    assert code == 2 and "'sr_outer_restarts'" in err and len(err.strip().splitlines()) == 1


def test_read_out_takes_the_shortest_formula_within_the_tolerance_of_the_best():
    import sympy

    from oraclelab.symbolic.discovery._readout import simplest_within
    from oraclelab.symbolic.regression import ParetoPoint, SRResult

    x = sympy.Symbol("x0", real=True)
    X = np.linspace(-2, 2, 200)[:, None]
    y = X[:, 0] ** 2 + 1e-3 * np.sin(50 * X[:, 0])
    candidates = [x, x**2, x**2 + 0.001 * sympy.sin(50 * x)]
    values = [X[:, 0], X[:, 0] ** 2, y]
    front = tuple(ParetoPoint(e, length, float(np.mean((y - v) ** 2)))
                  for e, length, v in zip(candidates, (1, 3, 9), values))
    best = SRResult(candidates[2], (x,), 7, 9, 1.0, 0.0, 1.0, 0.0, 1.0, "operon", front)
    chosen = simplest_within(best, X, y, X, y, tolerance=1e-3)
    assert chosen.expression == x**2 and chosen.length == 3
    assert chosen.r2_train == pytest.approx(1 - np.var(y - X[:, 0] ** 2) / np.var(y))
    assert simplest_within(best, X, y, X, y, tolerance=1e-9).expression == candidates[2]


class _AffineTruthModel(torch.nn.Module):
    """Latents that are affine images of F11's true latents plus a small wiggle no library member has."""

    def __init__(self, problem):
        super().__init__()
        self.problem = problem
        self.outer = OuterFunction(3, "mlp")  # not the sum: the outer function is searched

    def latents(self, x: torch.Tensor) -> torch.Tensor:
        G, _ = self.problem.evaluate(x.double().numpy())
        wiggle = 2e-3 * np.sin(7 * x.double().numpy())
        return torch.as_tensor(G * np.array([1.5, -2.0, 0.7]) + np.array([0.1, 0.0, -0.3]) + wiggle)


@pytest.mark.slow
def test_distill_reads_latents_as_library_members_and_recovers_f11():
    from oraclelab.symbolic import FunctionLibrary
    from oraclelab.symbolic.discovery._data import load_discovery_data
    from oraclelab.symbolic.discovery._readout import distill
    from oraclelab.symbolic.problems import get_problem

    config = DiscoveryConfig(problem="F11", sr_seconds=3, sr_generations=30, sr_outer_seconds=60,
                             sr_outer_generations=100, seed=0)
    data = load_discovery_data(config)
    result = distill(_AffineTruthModel(get_problem("F11")), data, config, library=FunctionLibrary.load("F11"))
    assert result.latent_readouts == ["library"] * 3
    for latent in result.latent_results:  # the wiggle is not read out: each latent is a parabola
        assert sympy_degree(latent.expression) == 2
    assert result.equivalent is True and result.r2_test > 1 - 1e-12


def sympy_degree(expression) -> int:
    import sympy

    return sympy.Poly(sympy.expand(expression), *expression.free_symbols).total_degree()
