"""Critic training's functional core: reaching a target, determinism, checkpoints and resume,
no disk unless asked, no global random state, and bad input."""

from __future__ import annotations

import dataclasses
import json
import os
from typing import Any

import pytest
import torch

from oraclelab.errors import FormulaError, OracleLabError, ParameterError, RunError
from oraclelab.symbolic.training._config import CriticTrainingConfig
from oraclelab.symbolic.training._loop import accuracy, train_critic
from oraclelab.symbolic.training._result import CriticTrainingResult

SMALL = {"points": "grid:-3:3:40", "heldout_size": 200, "eval_every": 10, "batch": 32}
#: row entries that are clock readings (they differ between identical runs).
CLOCKS = ("seconds", "wall_seconds", "cpu_seconds")


def rows_without_clocks(result: CriticTrainingResult) -> list[dict[str, Any]]:
    return [{k: v for k, v in row.items() if k not in CLOCKS} for row in result.rows]


class MemoryCheckpoints:
    """A Checkpoints store that keeps the last checkpoint in memory (every row is saved)."""

    source = "memory"
    every_seconds = 0.0

    def __init__(self) -> None:
        self.checkpoint: dict[str, Any] | None = None
        self.saves = 0

    def load(self) -> dict[str, Any] | None:
        return self.checkpoint

    def save(self, checkpoint: dict[str, Any], rows: list[dict[str, Any]]) -> None:
        self.checkpoint = {**checkpoint, "critic": {k: v.clone() for k, v in checkpoint["critic"].items()}}
        self.saves += 1


def test_accuracy_counts_real_above_and_fake_at_or_below_threshold():
    real = torch.tensor([0.5, -0.1, 2.0])
    fake = torch.tensor([0.0, -2.0, 0.7])
    assert accuracy(real, fake, 0.0).item() == pytest.approx(4 / 6)
    assert accuracy(real, fake, 0.6).item() == pytest.approx(3 / 6)


def test_easy_task_reaches_the_target():
    config = {**SMALL, "critic": "set", "point_subset": 20, "target_accuracy": 0.9, "max_epochs": 400}
    result = train_critic(config, show_progress=False)
    assert result.stopped == "target"
    assert result.heldout_accuracy >= 0.9
    assert result.epochs_to_target == result.epochs < 400
    assert 0 < result.seconds_to_target <= result.wall_seconds
    assert result.rows[-1]["heldout_acc"] >= 0.9 > max(row["heldout_acc"] for row in result.rows[:-1])


def test_the_result_is_frozen_plain_data_that_rebuilds_the_critic():
    result = train_critic({**SMALL, "critic": "stack", "max_epochs": 10}, show_progress=False)
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign"):
        result.stopped = "target"  # type: ignore[misc]
    assert not any(isinstance(value, torch.nn.Module) for value in vars(result).values())
    critic = result.critic()
    for name, tensor in critic.state_dict().items():
        torch.testing.assert_close(tensor, result.critic_state[name])
    assert json.loads(json.dumps(dict(result.critic_config))) == dict(result.critic_config)
    assert result.summary()["epochs"] == 10 and result.summary()["stopped"] == "max_epochs"


def test_training_touches_no_disk(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    train_critic({**SMALL, "critic": "mlp", "max_epochs": 10}, show_progress=False)
    assert os.listdir(tmp_path) == []


def test_training_leaves_torchs_global_random_state_alone():
    before = torch.random.get_rng_state()
    train_critic({**SMALL, "critic": "embed", "max_epochs": 10}, show_progress=False)
    assert torch.equal(torch.random.get_rng_state(), before)


def test_same_seed_gives_identical_metrics_and_another_seed_does_not():
    config = {**SMALL, "critic": "stack", "max_epochs": 30, "seed": 3}
    first, second = (train_critic(config, show_progress=False) for _ in range(2))
    other = train_critic({**config, "seed": 4}, show_progress=False)
    assert rows_without_clocks(first) == rows_without_clocks(second)
    assert rows_without_clocks(first) != rows_without_clocks(other)
    assert [row["epoch"] for row in first.rows] == [10, 20, 30]


@pytest.mark.parametrize("loss", ["bce", "wgan-gp"])
def test_resume_from_a_checkpoint_store_gives_the_uninterrupted_result(loss):
    config = {**SMALL, "critic": "mlp", "loss": loss, "max_epochs": 40, "seed": 1}
    whole = train_critic(config, show_progress=False)
    store = MemoryCheckpoints()
    first = train_critic({**config, "max_epochs": 20}, checkpoints=store, show_progress=False)
    assert first.epochs == 20 and store.saves >= 2
    second = train_critic(config, checkpoints=store, show_progress=False)
    assert second.epochs == 40
    assert rows_without_clocks(second) == rows_without_clocks(whole)
    for name, tensor in second.critic_state.items():
        torch.testing.assert_close(tensor, whole.critic_state[name])


def test_resume_refuses_a_changed_architecture():
    config = {**SMALL, "critic": "mlp", "max_epochs": 10}
    store = MemoryCheckpoints()
    train_critic(config, checkpoints=store, show_progress=False)
    with pytest.raises(RunError, match="memory: cannot resume with a different 'lr'"):
        train_critic({**config, "lr": 0.1}, checkpoints=store, show_progress=False)


def test_config_round_trips_and_rejects_bad_values():
    config = CriticTrainingConfig(critic="set", point_subset=10, critic_hyper={"width": 8})
    assert CriticTrainingConfig.from_dict(json.loads(json.dumps(config.to_dict()))) == config
    for bad, message in (({"target_accuracy": 0.0}, "'target_accuracy' parameter .* in \\(0, 1\\]"),
                         ({"target_accuracy": 1.01}, "'target_accuracy' parameter .* in \\(0, 1\\]"),
                         ({"critic": "cnn"}, "'critic' parameter .* one of 'mlp', 'stack'"),
                         ({"loss": "hinge"}, "'loss' parameter .* one of 'bce', 'wgan-gp'"),
                         ({"network_activation": "gelu"}, "'network_activation' parameter"),
                         ({"batch": 0}, "'batch' parameter"), ({"lr": -1.0}, "'lr' parameter"),
                         ({"point_subset": 5}, "needs the 'set' critic"), ({"colour": "red"}, "no parameter 'colour'"),
                         ({"fakes_per_network": 0}, "'fakes_per_network' parameter")):
        with pytest.raises(ParameterError, match=message):
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
    ({"library": "general2d"}, "'points' parameter of train_critic .* 1 coordinates but its 'library' 'general2d'"),
])
def test_bad_inputs_raise_oraclelab_errors(change, message):
    with pytest.raises(OracleLabError, match=message):
        train_critic({**SMALL, **change}, show_progress=False)


@pytest.mark.parametrize("template, what", [("N0*x0**(10**10**10)", "values"), ("log(x0 - 10)", "values"),
                                            ("N0*sqrt(x0 + 3)", "input-gradients")])
def test_a_template_with_non_finite_values_or_gradients_is_rejected_before_training(tmp_path, template, what):
    """The point grid -3..3 holds x0 = -3, where sqrt's derivative is infinite; line 3 is the bad one."""
    library = tmp_path / "bad.lib"
    library.write_text(f"N0*x0\n# a comment\n{template}\n")
    with pytest.raises(FormulaError, match=f"bad.lib:3:1: template .* non-finite {what} on the point set"):
        train_critic({**SMALL, "library": str(library), "max_epochs": 1}, show_progress=False)


def test_an_unknown_device_is_a_parameter_error_naming_the_parameter():
    from oraclelab.symbolic.training._batched import train_critic_batch

    with pytest.raises(ParameterError, match="'device' parameter of train_critic must be a torch device .* 'nope'"):
        train_critic({**SMALL, "max_epochs": 1}, device="nope", show_progress=False)
    with pytest.raises(ParameterError, match="'device' parameter of train_critic_batch .* 'nope'"):
        train_critic_batch([{**SMALL, "max_epochs": 1}], device="nope")
