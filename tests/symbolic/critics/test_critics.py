"""Critics: shapes, invariances, config round trips and seeded initialisation."""

from __future__ import annotations

import json
import math

import pytest
import torch

from oraclelab.errors import ParameterError
from oraclelab.symbolic.critics import CRITIC_KINDS, build_critic, critic_config, critic_from_config

KINDS = sorted(CRITIC_KINDS)


def batch(b: int, p: int, d: int, seed: int = 0):
    generator = torch.Generator().manual_seed(seed)
    values = torch.randn(b, p, generator=generator)
    gradients = torch.randn(b, p, d, generator=generator)
    points = torch.randn(p, d, generator=generator)
    return values, gradients, points


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("n_inputs", [1, 2])
def test_output_shape_and_backward(kind, n_inputs):
    critic = build_critic(kind, 30, n_inputs, generator=torch.Generator().manual_seed(0))
    values, gradients, points = batch(5, 30, n_inputs)
    scores = critic(values, gradients, points)
    assert scores.shape == (5,)
    scores.sum().backward()
    assert all(p.grad is not None for p in critic.parameters())


@pytest.mark.parametrize("kind", KINDS)
def test_scores_of_each_function_do_not_depend_on_the_rest_of_the_batch(kind):
    critic = build_critic(kind, 16, 1, generator=torch.Generator().manual_seed(1))
    values, gradients, points = batch(6, 16, 1)
    together = critic(values, gradients, points)
    alone = torch.cat([critic(values[i:i + 1], gradients[i:i + 1], points) for i in range(6)])
    torch.testing.assert_close(together, alone)


def test_mlp_ignores_gradients_and_stack_uses_them():
    values, gradients, points = batch(4, 12, 1)
    mlp = build_critic("mlp", 12, 1, generator=torch.Generator().manual_seed(0))
    stack = build_critic("stack", 12, 1, generator=torch.Generator().manual_seed(0))
    torch.testing.assert_close(mlp(values, gradients, points), mlp(values, 2 * gradients, points))
    assert not torch.allclose(stack(values, gradients, points), stack(values, 2 * gradients, points))


def test_set_critic_is_invariant_to_point_order():
    critic = build_critic("set", 1, 2, generator=torch.Generator().manual_seed(2))
    values, gradients, points = batch(3, 40, 2)
    order = torch.randperm(40, generator=torch.Generator().manual_seed(9))
    torch.testing.assert_close(critic(values, gradients, points),
                               critic(values[:, order], gradients[:, order], points[order]))


def test_set_critic_judges_any_number_of_points():
    critic = build_critic("set", 1, 1, generator=torch.Generator().manual_seed(2), pooling="mean")
    values, gradients, points = batch(2, 50, 1)
    assert critic(values, gradients, points).shape == (2,)
    assert critic(values[:, :7], gradients[:, :7], points[:7]).shape == (2,)
    # with mean pooling, every point repeated twice is the same set
    doubled = critic(values.repeat(1, 2), gradients.repeat(1, 2, 1), points.repeat(2, 1))
    torch.testing.assert_close(doubled, critic(values, gradients, points))


def test_conv_critic_uses_replicate_padding():
    critic = build_critic("conv", 33, 1)
    convs = [m for m in critic.modules() if isinstance(m, torch.nn.Conv1d)]
    assert convs and all(m.padding_mode == "replicate" for m in convs)


@pytest.mark.parametrize("kind", KINDS)
def test_config_round_trips_through_json_and_rebuilds_the_same_function(kind):
    critic = build_critic(kind, 20, 2, generator=torch.Generator().manual_seed(3), width=16)
    text = json.dumps(critic.config)
    rebuilt = critic_from_config(json.loads(text))
    rebuilt.load_state_dict(critic.state_dict())
    assert rebuilt.config == critic.config
    values, gradients, points = batch(4, 20, 2)
    torch.testing.assert_close(rebuilt(values, gradients, points), critic(values, gradients, points))


def test_seeded_initialisation_is_reproducible_and_within_default_bounds():
    first = build_critic("conv", 25, 1, generator=torch.Generator().manual_seed(4))
    second = build_critic("conv", 25, 1, generator=torch.Generator().manual_seed(4))
    for (name, a), b in zip(first.state_dict().items(), second.state_dict().values()):
        torch.testing.assert_close(a, b)
    for module in first.modules():
        if isinstance(module, (torch.nn.Linear, torch.nn.Conv1d)):
            bound = 1 / math.sqrt(module.weight[0].numel())
            assert module.weight.abs().max() <= bound and module.bias.abs().max() <= bound


def test_unknown_kind_and_parameter_are_one_line_errors():
    with pytest.raises(ParameterError, match="'critic' parameter"):
        critic_config("transformer", 10, 1)
    with pytest.raises(ParameterError, match="no parameter 'depth'"):
        critic_config("mlp", 10, 1, depth=3)


@pytest.mark.parametrize("length, size", [(10, 2), (11, 2), (13, 4), (3, 4)])
def test_max_pool_matches_torch_ceil_mode(length, size):
    from oraclelab.symbolic.critics._conv import MaxPool

    x = torch.randn(2, 3, length, generator=torch.Generator().manual_seed(length))
    torch.testing.assert_close(MaxPool(size)(x), torch.nn.functional.max_pool1d(x, size, ceil_mode=True))


def test_pointwise_linear_equals_nn_linear():
    from oraclelab.symbolic.critics._base import PointwiseLinear

    pointwise = PointwiseLinear(3, 5)
    plain = torch.nn.Linear(3, 5)
    plain.load_state_dict(pointwise.state_dict())
    x = torch.randn(4, 7, 3)
    torch.testing.assert_close(pointwise(x), plain(x))
