"""Random networks: values and Jacobians against independent references, default init."""

from __future__ import annotations

import math

import pytest
import torch

from oraclelab.errors import ParameterError
from oraclelab.symbolic.sampling._networks import (
    ACTIVATIONS,
    RandomNetworkConfig,
    random_network_functions,
    sample_random_networks,
)

TORCH_MODULES = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid, "elu": torch.nn.ELU,
                 "silu": torch.nn.SiLU, "softplus": torch.nn.Softplus, "leaky_relu": torch.nn.LeakyReLU}


def sequential(networks, index: int, activation: str) -> torch.nn.Sequential:
    """An nn.Sequential holding network ``index``'s weights, built independently of the code under test."""
    modules = []
    for number, (weight, bias) in enumerate(zip(networks.weights, networks.biases)):
        linear = torch.nn.Linear(weight.shape[2], weight.shape[1], dtype=weight.dtype)
        with torch.no_grad():
            linear.weight.copy_(weight[index])
            linear.bias.copy_(bias[index, :, 0])
        modules.append(linear)
        if number < len(networks.weights) - 1:
            modules.append(TORCH_MODULES[activation]())
    return torch.nn.Sequential(*modules)


def test_activation_table_matches_torch_modules():
    assert set(ACTIVATIONS) == set(TORCH_MODULES)


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("n_inputs, depth", [(1, 2), (2, 3), (3, 0)])
def test_values_and_jacobians_match_autograd_on_sequential(activation, n_inputs, depth):
    generator = torch.Generator().manual_seed(7)
    config = RandomNetworkConfig(depth=depth, width=9, activation=activation, latent_width=4)
    networks = sample_random_networks(3, n_inputs, config, generator=generator, dtype=torch.float64)
    points = torch.randn(11, n_inputs, dtype=torch.float64, generator=generator)
    values, jacobians = networks(points)
    assert values.shape == (3, 4, 11) and jacobians.shape == (3, 4, 11, n_inputs)
    for index in range(3):
        model = sequential(networks, index, activation)
        torch.testing.assert_close(values[index], model(points).T)
        reference = torch.stack([torch.autograd.functional.jacobian(model, x) for x in points])  # (P, L, d)
        torch.testing.assert_close(jacobians[index], reference.transpose(0, 1))


def test_jacobians_match_central_finite_differences():
    generator = torch.Generator().manual_seed(3)
    config = RandomNetworkConfig(depth=2, width=16, activation="tanh", latent_width=2)
    networks = sample_random_networks(5, 2, config, generator=generator, dtype=torch.float64)
    points = torch.rand(20, 2, dtype=torch.float64, generator=generator) * 4 - 2
    _, jacobians = networks(points)
    step = 1e-6
    for j in range(2):
        shift = torch.zeros(2, dtype=torch.float64)
        shift[j] = step
        difference = (networks(points + shift)[0] - networks(points - shift)[0]) / (2 * step)
        torch.testing.assert_close(jacobians[..., j], difference, atol=1e-7, rtol=1e-6)


def test_relu_jacobian_is_piecewise_constant_slope_of_values():
    """On a fine 1-D grid a ReLU network is piecewise linear: forward differences equal
    the derivative except at the few kinks."""
    generator = torch.Generator().manual_seed(0)
    points = torch.linspace(-3, 3, 2001, dtype=torch.float64)[:, None]
    values, gradients = random_network_functions(6, points, generator=generator)
    slopes = torch.diff(values, dim=1) / (points[1, 0] - points[0, 0])
    agree = torch.isclose(slopes, gradients[:, :-1, 0], atol=1e-9)
    assert agree.float().mean() > 0.97


def test_default_initialisation_bounds_and_spread_match_nn_linear():
    generator = torch.Generator().manual_seed(1)
    config = RandomNetworkConfig(depth=2, width=50, latent_width=3)
    networks = sample_random_networks(400, 4, config, generator=generator)
    for weight, bias in zip(networks.weights, networks.biases):
        fan_in = weight.shape[2]
        bound = 1.0 / math.sqrt(fan_in)
        for tensor in (weight, bias):
            assert tensor.abs().max() <= bound
            assert tensor.abs().max() > 0.98 * bound
            # uniform on [-b, b]: mean 0, std b / sqrt(3)
            assert abs(tensor.mean().item()) < 0.05 * bound
            assert tensor.std().item() == pytest.approx(bound / math.sqrt(3), rel=0.05)
    torch.manual_seed(0)
    reference = torch.nn.Linear(50, 50).weight
    assert reference.abs().max() <= 1 / math.sqrt(50)
    assert networks.weights[1].std().item() == pytest.approx(reference.std().item(), rel=0.1)


def test_functions_take_every_latent_unit_network_major():
    config = RandomNetworkConfig(depth=1, width=8, latent_width=3)
    points = torch.linspace(-1, 1, 5)[:, None]
    values, gradients = random_network_functions(7, points, config, generator=torch.Generator().manual_seed(4))
    networks = sample_random_networks(3, 1, config, generator=torch.Generator().manual_seed(4))
    all_values, all_gradients = networks(points)
    assert values.shape == (7, 5) and gradients.shape == (7, 5, 1)
    torch.testing.assert_close(values, all_values.flatten(0, 1)[:7])
    torch.testing.assert_close(values[4], all_values[1, 1])
    torch.testing.assert_close(gradients, all_gradients.flatten(0, 1)[:7])


def test_seed_determines_networks():
    points = torch.linspace(-3, 3, 10)[:, None]
    first = random_network_functions(4, points, generator=torch.Generator().manual_seed(5))
    second = random_network_functions(4, points, generator=torch.Generator().manual_seed(5))
    third = random_network_functions(4, points, generator=torch.Generator().manual_seed(6))
    torch.testing.assert_close(first, second)
    assert not torch.allclose(first[0], third[0])


@pytest.mark.parametrize("field, value", [("depth", -1), ("width", 0), ("latent_width", 0), ("activation", "gelu")])
def test_bad_config_raises_parameter_error(field, value):
    with pytest.raises(ParameterError, match=field):
        RandomNetworkConfig(**{field: value})


def test_values_without_gradients_are_the_same_functions():
    points = torch.linspace(-3, 3, 9)[:, None]
    with_grad = random_network_functions(5, points, generator=torch.Generator().manual_seed(2))
    without = random_network_functions(5, points, generator=torch.Generator().manual_seed(2), gradients=False)
    torch.testing.assert_close(without[0], with_grad[0])
    assert without[1].shape == (5, 9, 1) and not without[1].any()


def test_shared_networks_give_functions_of_the_same_distribution():
    """A latent unit's law does not depend on how many units share its hidden layers: two-sample
    KS tests on the value and slope at fixed points, 3 vs 24 functions per network."""
    from scipy.stats import ks_2samp

    points = torch.tensor([[-2.0], [0.3], [2.5]])
    few = random_network_functions(6000, points, generator=torch.Generator().manual_seed(0), per_network=3)
    many = random_network_functions(6000, points, generator=torch.Generator().manual_seed(1), per_network=24)
    for column in range(3):
        for a, b in ((few[0][:, column], many[0][:, column]), (few[1][:, column, 0], many[1][:, column, 0])):
            assert ks_2samp(a.numpy(), b.numpy()).pvalue > 1e-3
    # and the test has power: a wider hidden layer changes the law
    wider = random_network_functions(6000, points, RandomNetworkConfig(width=4),
                                     generator=torch.Generator().manual_seed(1), per_network=24)
    assert ks_2samp(few[1][:, 1, 0].numpy(), wider[1][:, 1, 0].numpy()).pvalue < 1e-6


def test_shared_network_units_span_the_hidden_layer():
    """With per_network units per network, the functions of one network are linear in its last
    hidden layer: 12 units of one width-4 network have rank at most 4 + 1 (the bias)."""
    points = torch.linspace(-3, 3, 50)[:, None]
    config = RandomNetworkConfig(depth=2, width=4)
    values, _ = random_network_functions(12, points, config, generator=torch.Generator().manual_seed(3),
                                         per_network=12)
    assert torch.linalg.matrix_rank(values.double(), rtol=1e-6) <= 5
    independent, _ = random_network_functions(12, points, config, generator=torch.Generator().manual_seed(3),
                                              per_network=1)
    assert torch.linalg.matrix_rank(independent.double(), rtol=1e-6) > 5
