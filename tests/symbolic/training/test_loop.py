"""Critic training: reaching a target, determinism, resume, outputs and bad input."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import torch

from oraclelab.errors import OracleLabError, ParameterError, RunError
from oraclelab.symbolic.training._loop import accuracy, load_critic, train_critic
from oraclelab.symbolic.training._config import CriticTrainingConfig

SMALL = {"points": "grid:-3:3:40", "heldout_size": 200, "eval_every": 10, "batch": 32}


def metrics(folder: Path) -> list[dict[str, str]]:
    with open(folder / "metrics.csv", newline="") as handle:
        return [{k: v for k, v in row.items() if k != "seconds"} for row in csv.DictReader(handle)]


def test_accuracy_counts_real_above_and_fake_at_or_below_threshold():
    real = torch.tensor([0.5, -0.1, 2.0])
    fake = torch.tensor([0.0, -2.0, 0.7])
    assert accuracy(real, fake, 0.0).item() == pytest.approx(4 / 6)
    assert accuracy(real, fake, 0.6).item() == pytest.approx(3 / 6)


def test_easy_task_reaches_the_target(tmp_path):
    config = {**SMALL, "critic": "set", "point_subset": 20, "target_accuracy": 0.9, "max_epochs": 400}
    summary = train_critic(config, tmp_path / "run", show_progress=False, figures=False)
    assert summary["stopped"] == "target"
    assert summary["heldout_accuracy"] >= 0.9
    assert summary["epochs_to_target"] == summary["epochs"] < 400
    assert 0 < summary["seconds_to_target"] <= summary["wall_seconds"]
    rows = metrics(tmp_path / "run")
    assert float(rows[-1]["heldout_acc"]) >= 0.9 > max(float(r["heldout_acc"]) for r in rows[:-1])


def test_same_seed_gives_identical_metrics_and_another_seed_does_not(tmp_path):
    config = {**SMALL, "critic": "stack", "max_epochs": 30, "seed": 3}
    for name in ("a", "b"):
        train_critic(config, tmp_path / name, show_progress=False, figures=False)
    train_critic({**config, "seed": 4}, tmp_path / "c", show_progress=False, figures=False)
    assert metrics(tmp_path / "a") == metrics(tmp_path / "b")
    assert metrics(tmp_path / "a") != metrics(tmp_path / "c")
    assert [r["epoch"] for r in metrics(tmp_path / "a")] == ["10", "20", "30"]


@pytest.mark.parametrize("loss", ["bce", "wgan-gp"])
def test_resume_continues_to_the_same_result_as_an_uninterrupted_run(tmp_path, loss):
    config = {**SMALL, "critic": "mlp", "loss": loss, "max_epochs": 40, "seed": 1}
    train_critic(config, tmp_path / "whole", show_progress=False, figures=False)
    first = train_critic({**config, "max_epochs": 20}, tmp_path / "split", show_progress=False, figures=False)
    assert first["epochs"] == 20
    second = train_critic(config, tmp_path / "split", resume=True, show_progress=False, figures=False)
    assert second["epochs"] == 40
    assert metrics(tmp_path / "split") == metrics(tmp_path / "whole")
    whole = load_critic(tmp_path / "whole").state_dict()
    for name, tensor in load_critic(tmp_path / "split").state_dict().items():
        torch.testing.assert_close(tensor, whole[name])


def test_resume_refuses_a_changed_architecture(tmp_path):
    config = {**SMALL, "critic": "mlp", "max_epochs": 10}
    train_critic(config, tmp_path / "run", show_progress=False, figures=False)
    with pytest.raises(RunError, match="'lr'"):
        train_critic({**config, "lr": 0.1}, tmp_path / "run", resume=True, show_progress=False, figures=False)


def test_finished_folder_is_not_overwritten_without_resume(tmp_path):
    config = {**SMALL, "critic": "mlp", "max_epochs": 10}
    train_critic(config, tmp_path / "run", show_progress=False, figures=False)
    with pytest.raises(RunError, match="--resume"):
        train_critic(config, tmp_path / "run", show_progress=False, figures=False)


def test_run_folder_holds_every_output(tmp_path):
    config = {**SMALL, "critic": "conv", "max_epochs": 20, "loss": "wgan-gp", "gp": 1.0}
    summary = train_critic(config, tmp_path / "run", show_progress=False)
    folder = tmp_path / "run"
    for name in ("config.yaml", "metrics.csv", "critic.pt", "critic.json", "summary.json", "checkpoint.pt",
                 "accuracy.png", "loss.png", "grad_norm.png", "examples.png"):
        assert (folder / name).stat().st_size > 0, name
    saved = json.loads((folder / "summary.json").read_text())
    assert saved["heldout_accuracy"] == pytest.approx(summary["heldout_accuracy"])
    assert set(saved) >= {"heldout_accuracy", "seconds_to_target", "epochs_to_target", "seconds"}
    assert list(csv.DictReader(open(folder / "metrics.csv")))[0].keys() == {
        "epoch", "seconds", "loss", "train_acc", "heldout_acc", "grad_norm"}
    state = torch.load(folder / "critic.pt", weights_only=True)
    assert set(state) == set(load_critic(folder).state_dict())


def test_config_round_trips_and_rejects_bad_values():
    config = CriticTrainingConfig(critic="set", point_subset=10, critic_hyper={"width": 8})
    assert CriticTrainingConfig.from_dict(json.loads(json.dumps(config.to_dict()))) == config
    for bad in ({"target_accuracy": 0.0}, {"target_accuracy": 1.01}, {"critic": "cnn"}, {"loss": "hinge"},
                {"batch": 0}, {"lr": -1.0}, {"point_subset": 5}, {"colour": "red"}, {"fakes_per_network": 0}):
        with pytest.raises(ParameterError):
            CriticTrainingConfig.from_dict(bad)


def test_missing_lr_becomes_the_critic_kinds_default_and_is_recorded():
    from oraclelab.symbolic.training._config import DEFAULT_LR

    for kind, lr in DEFAULT_LR.items():
        config = CriticTrainingConfig(critic=kind)
        assert config.lr == lr and config.to_dict()["lr"] == lr
    assert CriticTrainingConfig(critic="embed", lr=3e-4).lr == 3e-4


def test_training_fakes_share_networks_and_heldout_fakes_do_not():
    """fake() takes fakes_per_network units per network; labelled() (held-out, calibration)
    draws networks of network_latent_width units, whatever fakes_per_network is."""
    from oraclelab.symbolic import FunctionLibrary
    from oraclelab.symbolic.sampling._networks import RandomNetworkConfig, random_network_functions
    from oraclelab.symbolic.sampling._functions import FunctionSampler

    points = torch.linspace(-3, 3, 20)[:, None]
    library = FunctionLibrary.load("F11")
    sampler = FunctionSampler(library, points, RandomNetworkConfig(), fakes_per_network=16)
    fake = sampler.fake(20, torch.Generator().manual_seed(1))
    expected, _ = random_network_functions(20, points, generator=torch.Generator().manual_seed(1), per_network=16)
    torch.testing.assert_close(fake.values, expected)
    heldout = sampler.labelled(20, torch.Generator().manual_seed(2))
    generator = torch.Generator().manual_seed(2)
    library.sample(20, points, generator)
    expected, _ = random_network_functions(20, points, generator=generator, per_network=3)
    torch.testing.assert_close(heldout.fake.values, expected)


@pytest.mark.parametrize("change, message", [
    ({"points": "grid:-3:3"}, "points"),
    ({"library": "missing/F99.lib"}, "F99"),
    ({"library": "F11", "points": "grid:-3:3:10", "critic_hyper": {"depth": 2}}, "depth"),
])
def test_bad_inputs_raise_oraclelab_errors(tmp_path, change, message):
    with pytest.raises(OracleLabError, match=message):
        train_critic({**SMALL, **change}, tmp_path / "run", show_progress=False, figures=False)


def test_load_critic_points_gives_the_random_points_the_critic_trained_on(tmp_path):
    from oraclelab.symbolic.training._loop import build_setup, load_critic_points

    config = {**SMALL, "points": "normal:25", "critic": "mlp", "max_epochs": 5, "seed": 9}
    train_critic(config, tmp_path / "run", show_progress=False, figures=False)
    trained_on = build_setup(CriticTrainingConfig.from_dict(config)).sampler.points
    torch.testing.assert_close(load_critic_points(tmp_path / "run"), trained_on)
