import json
import math

import numpy as np
import pytest
import torch

from oraclelab.errors import ParameterError
from oraclelab.symbolic.discovery import CriticRegulariser, DiscoveryConfig, correlation_matrix, min_corr, penalty_shape
from oraclelab.symbolic.models import build_model


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
    model = build_model("srnet", 1, 3, activation="tanh", generator=torch.Generator().manual_seed(0))
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
    [({"problem": "F07", "data": "x.csv"}, "one of 'problem' .* or 'data' .*, not both"),
     ({"data": "x.csv"}, "needs the 'inputs' and 'target'"), ({"inputs": ("a",)}, "'inputs' and 'target' name columns"),
     ({"critic": "lstm"}, "'critic'"), ({"shape": "cubic"}, "'shape'"),
     ({"model": "rnn"}, "'model'"), ({"epochs": 0}, "'epochs'"), ({"critic_weight": -1.0}, "'critic_weight'"),
     ({"sr_outer_noise": 0.0}, "'sr_outer_noise'"), ({"sr_outer_generations": 0}, "'sr_outer_generations'"),
     ({"sr_library_tolerance": -0.1}, "'sr_library_tolerance'"), ({"purity": -1.0}, "'purity'"),
     ({"purity_reference": 0}, "'purity_reference'"), ({"model_hyper": {"output": "product"}}, "'output'"),
     ({"sr_outer_restarts": 0}, "'sr_outer_restarts'")],
)
def test_discovery_config_is_validated(kwargs, match):
    with pytest.raises(ParameterError, match=match) as caught:
        DiscoveryConfig(**kwargs)
    assert "--" not in str(caught.value)  # Python users see field names, not command-line flags


def test_the_problem_defaults_to_f11_only_without_a_data_file():
    assert DiscoveryConfig().problem == "F11"
    given = DiscoveryConfig(data="x.csv", inputs=("a",), target="y")
    assert given.problem is None and given.data == "x.csv"
    assert DiscoveryConfig.from_dict(given.to_dict()) == given


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


@pytest.mark.parametrize("args, message", [
    (["--problem", "F11", "--shape", "cubic"], "'--shape'"),
    (["--problem", "F07", "--output", "product"], "'output'"),
    (["--problem", "F11", "--sr-outer-restarts", "0"], "'sr_outer_restarts'"),
    (["--problem", "F07", "--data", "y.csv", "--inputs", "a", "--target", "y"], "not both"),
    (["--data", "missing.csv", "--inputs", "x0", "--target", "y", "--critic-weight", "0"], "missing.csv: file not found"),
    (["--problem", "F07", "--critic-weight", "0", "--critic-dir", "MISSING"], "config.yaml: file not found"),
    (["--problem", "F07", "--critic-dir", "MISSING"], "config.yaml: file not found"),
])
def test_discover_rejects_bad_options_with_one_line_and_exit_code_2(run_cli, tmp_path, args, message):
    code, _, err = run_cli("symbolic", "discover", *args, "--out", tmp_path / "o")
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


TINY = dict(problem="F07", n_samples=60, epochs=4, eval_every=2, critic_weight=0.0, purity_points=8,
            purity_reference=4, sr_seconds=0.2, sr_generations=1, sr_outer_seconds=0.2, sr_outer_generations=1,
            sr_outer_restarts=2)


@pytest.fixture(scope="module")
def tiny_runs():
    """Two tiny runs (seeds 0 and 1), with torch's global RNG state before and after each."""
    from oraclelab.symbolic.discovery import discover

    runs = {}
    for seed in (0, 1):
        before = torch.get_rng_state()
        result = discover(DiscoveryConfig(**TINY, seed=seed))
        runs[seed] = (before, torch.get_rng_state(), result)
    return runs


def test_discover_leaves_the_global_torch_rng_alone(tiny_runs):
    for before, after, _ in tiny_runs.values():
        assert torch.equal(before, after)


def test_seeds_share_no_derived_stream(tiny_runs):
    streams = {seed: result.streams for seed, (_, _, result) in tiny_runs.items()}
    # model init, training, two latents' library fits, two outer restarts (a latent's search runs
    # only when its library member does not already fit within the tolerance of R^2 = 1)
    assert {"model init", "training", "latent library fit 0", "latent library fit 1", "outer sr 0",
            "outer sr 1"} <= set(streams[0]) & set(streams[1])
    assert not set(streams[0].values()) & set(streams[1].values())
    assert len(set(streams[0].values())) == len(streams[0])  # no two streams of one run coincide either


def test_the_result_is_plain_data_and_rebuilds_the_model(tiny_runs):
    import dataclasses

    _, _, result = tiny_runs[0]
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign"):
        result.seconds = 0.0
    assert not any(isinstance(getattr(result, f.name), torch.nn.Module) for f in dataclasses.fields(result))
    model = result.model()
    X = torch.as_tensor(result.data.part("validation", result.data.X), dtype=torch.float32)
    with torch.no_grad():
        prediction = model(X)[0].numpy()
    F = result.data.part("validation", result.data.F)
    assert np.mean((prediction - F) ** 2) / np.var(result.data.F) == pytest.approx(result.val_loss, rel=1e-5)
    assert [row["epoch"] for row in result.rows] == [2, 4] and result.epochs == 4
    summary = result.summary()
    assert summary["problem"] == "F07" and summary["epochs"] == 4 and len(summary["latent_formulas"]) == 3


def test_the_same_seed_gives_the_same_result():
    from oraclelab.symbolic.discovery import discover

    first, second = (discover(DiscoveryConfig(**TINY, seed=3)) for _ in range(2))
    assert first.streams == second.streams
    for name, tensor in first.model_state.items():
        assert torch.equal(tensor, second.model_state[name]), name


class _Stop(Exception):
    """Stands in for a kill right after a checkpoint was written."""


def _stopped_run(folder, config):
    """A run folder whose discovery was stopped right after its first checkpoint (epoch 2)."""
    from oraclelab.runs import RunFolder
    from oraclelab.symbolic.discovery import FolderCheckpoint, discover

    run = RunFolder(folder)
    first = FolderCheckpoint(run, resume=False)

    def save_then_stop(checkpoint, rows):
        FolderCheckpoint.save(first, checkpoint, rows)
        raise _Stop("stopped after a checkpoint")

    first.save = save_then_stop
    with pytest.raises(_Stop, match="stopped after a checkpoint"):
        discover(config, checkpoint=first)
    assert len((run.path / "metrics.csv").read_text().splitlines()) == 2  # header and epoch 2
    return run


@pytest.mark.slow
def test_a_run_stopped_after_a_checkpoint_and_resumed_equals_an_uninterrupted_one(tmp_path):
    from oraclelab.symbolic.discovery import FolderCheckpoint, discover, write_discovery

    config = DiscoveryConfig(**{**TINY, "epochs": 6}, seed=2)
    run = _stopped_run(tmp_path / "stopped", config)
    resumed = discover(config, checkpoint=FolderCheckpoint(run, resume=True))
    whole = discover(config)
    assert [row["epoch"] for row in resumed.rows] == [2, 4, 6]  # no row twice
    for key in ("train_loss", "val_loss"):
        assert [row[key] for row in resumed.rows] == [row[key] for row in whole.rows]
    for name, tensor in whole.model_state.items():
        assert torch.equal(tensor, resumed.model_state[name]), name
    summary = write_discovery(run, resumed)
    expected = whole.summary()
    for key in ("formula", "latent_formulas", "outer_formula", "val_loss", "min_corr", "epochs"):
        assert summary[key] == expected[key], key
    assert json.loads((run.path / "summary.json").read_text())["formula"] == expected["formula"]
    assert len((run.path / "metrics.csv").read_text().splitlines()) == 4


@pytest.mark.parametrize("target, found", [(None, r"none \(written by an older oraclelab\)"), ([5.0, 2.0], "mean 5, std 2")])
def test_a_checkpoint_fitted_to_another_target_scale_is_refused(tmp_path, target, found):
    from oraclelab.errors import RunError
    from oraclelab.symbolic.discovery import FolderCheckpoint, discover
    from oraclelab.symbolic.training._checkpoint import load_checkpoint

    config = DiscoveryConfig(**{**TINY, "epochs": 6}, seed=2)
    run = _stopped_run(tmp_path / "stopped", config)
    path = run.path / "discovery_checkpoint.pt"
    payload = load_checkpoint(path)
    assert payload["target"] == pytest.approx([0.0, 1.0], abs=1e-5)  # the srnet trains on the standardised target
    if target is None:
        del payload["target"]
    else:
        payload["target"] = target
    torch.save(payload, path)
    with pytest.raises(RunError, match=f"fitted to a target with {found}.*start the run afresh"):
        discover(config, checkpoint=FolderCheckpoint(run, resume=True))
