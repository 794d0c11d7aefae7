import pytest
import torch

from oraclelab.errors import ParameterError
from oraclelab.symbolic.models import DSN, build_model, model_from_config


@pytest.mark.parametrize("kind", ["mlp", "dsn", "srnet"])
def test_latent_jacobians_match_finite_differences(kind):
    generator = torch.Generator().manual_seed(0)
    model = build_model(kind, 3, 4, activation="tanh", generator=generator).double()
    x = torch.randn(20, 3, dtype=torch.float64, generator=generator)
    values, jacobian = model.latents_and_jacobian(x)
    assert values.shape == (20, 4) and jacobian.shape == (20, 4, 3)
    torch.testing.assert_close(values, model.latents(x))
    h = 1e-6
    for i in range(3):
        step = torch.zeros(3, dtype=torch.float64)
        step[i] = h
        fd = (model.latents(x + step) - model.latents(x - step)) / (2 * h)
        torch.testing.assert_close(jacobian[..., i], fd, atol=1e-8, rtol=1e-6)


def test_jacobian_is_differentiable_with_respect_to_parameters():
    model = build_model("dsn", 2, 3)
    _, jacobian = model.latents_and_jacobian(torch.randn(10, 2))
    jacobian.pow(2).sum().backward()
    assert model.weights[0].grad is not None and model.weights[0].grad.abs().sum() > 0


def test_dsn_latents_equal_separate_masked_networks():
    generator = torch.Generator().manual_seed(1)
    model = build_model("dsn", 3, 2, width=5, depth=2, activation="tanh", output="sum", generator=generator).double()
    x = torch.randn(7, 3, dtype=torch.float64, generator=generator)
    masks = model.masks()
    for latent in range(2):
        h = x * masks[latent]
        for i, (weight, bias) in enumerate(zip(model.weights, model.biases)):
            h = h @ weight[latent] + bias[latent]
            if i < len(model.weights) - 1:
                h = torch.tanh(h)
        torch.testing.assert_close(model.latents(x)[:, latent], h[:, 0])
    prediction, latents = model(x)
    torch.testing.assert_close(prediction, latents.sum(dim=1))


def test_dsn_pruning_removes_inputs_and_entropy_falls():
    model = DSN(4, 2)
    with torch.no_grad():
        model.mask_logits.copy_(torch.tensor([[2.0, 1.0, -5.0, -5.0], [0.0, 0.0, 0.0, 0.0]]))
    before = model.regularisation().item()
    keep = model.prune(threshold=0.05)
    assert keep[0].tolist() == [1.0, 1.0, 0.0, 0.0] and keep[1].tolist() == [1.0] * 4
    x = torch.randn(5, 4)
    moved = x.clone()
    moved[:, 2:] += 10.0  # pruned inputs no longer matter for latent 0
    torch.testing.assert_close(model.latents(x)[:, 0], model.latents(moved)[:, 0])
    assert model.regularisation().item() < before


def test_models_round_trip_through_their_config():
    model = build_model("srnet", 2, 3, width=8, output="sum")
    clone = model_from_config(model.config)
    clone.load_state_dict(model.state_dict())
    x = torch.randn(4, 2)
    torch.testing.assert_close(clone(x)[0], model(x)[0])
    with pytest.raises(ParameterError, match="'model'"):
        build_model("transformer", 2, 3)
    with pytest.raises(ParameterError, match="does not take"):
        build_model("dsn", 2, 3, colour="red")


@pytest.mark.parametrize("kind", ["mlp", "dsn", "srnet"])
def test_a_generator_alone_decides_the_initial_weights(kind):
    before = torch.get_rng_state()
    first = build_model(kind, 2, 3, width=16, generator=torch.Generator().manual_seed(5))
    assert torch.equal(torch.get_rng_state(), before)  # torch's global RNG neither used nor seeded
    torch.rand(7)  # a different global state must not matter
    second = build_model(kind, 2, 3, width=16, generator=torch.Generator().manual_seed(5))
    other = build_model(kind, 2, 3, width=16, generator=torch.Generator().manual_seed(6))
    for (name, a), b, c in zip(first.state_dict().items(), second.state_dict().values(), other.state_dict().values()):
        assert torch.equal(a, b), name
        if a.numel() > 1 and a.std() > 0:  # drawn weights (not the even DSN masks): another seed, other weights
            assert not torch.equal(a, c), name


def test_initial_weights_follow_the_default_uniform_bound():
    model = build_model("dsn", 4, 2, width=64, depth=1, output="linear", generator=torch.Generator().manual_seed(0))
    first = model.weights[0].detach()  # fan_in 4: U(-1/2, 1/2)
    assert float(first.abs().max()) <= 0.5 and float(first.abs().max()) > 0.45
    assert float(model.weights[1].detach().abs().max()) <= 1 / 8  # fan_in 64
    assert float(model.outer.net.weight.detach().abs().max()) <= 1 / 2 ** 0.5  # fan_in 2
