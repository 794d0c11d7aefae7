"""Batched critic training: each stacked model equals a single critic trained on its batches."""

from __future__ import annotations

import pytest
import torch

from oraclelab.errors import ParameterError
from oraclelab.symbolic.training._batched import batch_generator, draw_batches, train_critic_batch
from oraclelab.symbolic.training._loop import build_setup, train_critic
from oraclelab.symbolic.training._config import CriticTrainingConfig
from oraclelab.symbolic.critics import Critic, critic_loss

SMALL = {"points": "grid:-3:3:50", "critic": "mlp", "critic_hyper": {"width": 16}, "batch": 16,
         "heldout_size": 100, "eval_every": 5, "target_accuracy": 1.0}
#: per-model settings: lr, seed, weight decay and epoch budget (model 2 stops early).
MODELS = [{"lr": 1e-3, "seed": 0}, {"lr": 3e-3, "seed": 1, "weight_decay": 0.01},
          {"lr": 1e-2, "seed": 2, "max_epochs": 10}]
EPOCHS = 20


def reference_critic(configs: list[CriticTrainingConfig], k: int) -> Critic:
    """Model ``k`` trained alone with ``torch.optim.Adam`` (as :func:`build_setup` makes it)
    on the slices of the batched data stream the batched trainer gives it."""
    setup = build_setup(configs[k])
    generator = batch_generator(configs)
    for epoch in range(configs[k].max_epochs):
        training = [j for j, config in enumerate(configs) if config.max_epochs > epoch]
        real, fake = draw_batches(setup.sampler, generator, len(training), configs[k].batch)
        here = training.index(k)
        loss, _, _ = critic_loss("bce", setup.critic, real[here], fake[here], setup.points)
        setup.optimizer.zero_grad()
        loss.backward()
        setup.optimizer.step()
    return setup.critic


def test_each_model_equals_a_single_critic_on_its_batches():
    configs = [CriticTrainingConfig(**{**SMALL, "max_epochs": EPOCHS, **model}) for model in MODELS]
    results = train_critic_batch(configs)
    assert [r.epochs for r in results] == [EPOCHS, EPOCHS, 10]
    assert [r.stopped for r in results] == ["max_epochs"] * 3
    assert [r.config for r in results] == configs
    for k, result in enumerate(results):
        expected = reference_critic(configs, k).state_dict()
        trained = result.critic().state_dict()
        assert trained.keys() == expected.keys()
        for name, tensor in expected.items():
            torch.testing.assert_close(trained[name], tensor, rtol=1e-5, atol=1e-5, msg=f"model {k} {name}")
        assert 0.0 <= result.heldout_accuracy <= 1.0


def test_max_epochs_overrides_every_config():
    results = train_critic_batch([{**SMALL, **model} for model in MODELS[:2]], max_epochs=5)
    assert [r.epochs for r in results] == [5, 5]
    assert results[0].seconds == results[1].seconds > 0


def test_a_batch_of_one_stops_and_sums_up_as_a_single_run():
    """The same stop rule and summary: a target reached at the same row is reported the same
    way (epochs to target, stop reason), and the summaries carry the same keys."""
    config = {**SMALL, "critic": "stack", "target_accuracy": 0.8, "max_epochs": 300, "seed": 2}
    batched, = train_critic_batch([config])
    single = train_critic(config, show_progress=False)
    assert batched.summary().keys() == single.summary().keys()
    for result in (batched, single):
        hit = next(row for row in result.rows if row["heldout_acc"] >= 0.8)
        assert result.stopped == "target"
        assert result.epochs_to_target == result.epochs == hit["epoch"]
        assert result.seconds_to_target == hit["seconds"]


@pytest.mark.parametrize(("change", "name"), [({"batch": 8}, "batch"), ({"critic": "stack"}, "critic"),
                                             ({"critic_hyper": {"width": 8}}, "critic_hyper")])
def test_architecture_fields_must_match(change, name):
    with pytest.raises(ParameterError, match=f"share '{name}'") as error:
        train_critic_batch([SMALL, {**SMALL, **change}])
    assert "\n" not in str(error.value)


@pytest.mark.parametrize(("change", "message"), [({"loss": "wgan-gp"}, "'loss'"),
                                                 ({"points": "normal:10"}, "differ between seeds")])
def test_unsupported_settings_are_refused(change, message):
    with pytest.raises(ParameterError, match=message):
        train_critic_batch([{**SMALL, **change, "seed": 0}, {**SMALL, **change, "seed": 1}])
