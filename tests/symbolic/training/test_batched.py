"""Batched critic training: each stacked model equals a single critic trained on its batches."""

from __future__ import annotations

import pytest
import torch

from oraclelab.errors import ParameterError
from oraclelab.symbolic.training._batched import batch_generator, draw_batches, train_critic_batch
from oraclelab.symbolic.training._loop import build_setup
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
    summaries = train_critic_batch(configs)
    assert [s["epochs"] for s in summaries] == [EPOCHS, EPOCHS, 10]
    assert [s["stopped"] for s in summaries] == ["max_epochs"] * 3
    for k, summary in enumerate(summaries):
        expected = reference_critic(configs, k).state_dict()
        trained = summary["critic"].state_dict()
        assert trained.keys() == expected.keys()
        for name, tensor in expected.items():
            torch.testing.assert_close(trained[name], tensor, rtol=1e-5, atol=1e-5, msg=f"model {k} {name}")
        assert 0.0 <= summary["heldout_accuracy"] <= 1.0


def test_max_epochs_overrides_every_config():
    summaries = train_critic_batch([{**SMALL, **model} for model in MODELS[:2]], max_epochs=5)
    assert [s["epochs"] for s in summaries] == [5, 5]
    assert summaries[0]["seconds"] == summaries[1]["seconds"] > 0


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
