"""ANOVA purity: main effects against a brute-force double loop, the impurity against its closed
form, and purification against the exact ANOVA components of known mixtures."""

from __future__ import annotations

import pytest
import torch

from oraclelab.errors import ParameterError

from oraclelab.symbolic.discovery._purity import anova_impurity, main_effects, purification_routing, purify
from oraclelab.symbolic.models import LatentModel, OuterFunction, build_model


class Formulas(LatentModel):
    """Latents given in closed form, summed: a model whose ANOVA components are known exactly."""

    def __init__(self, *functions):
        super().__init__()
        self.functions = functions
        self.n_inputs, self.n_latents = 2, len(functions)
        self.outer = OuterFunction(len(functions), "sum")
        self.config = {}

    def latents(self, x):
        return torch.stack([f(x[:, 0], x[:, 1]) for f in self.functions], dim=1)


def _symmetric_sample(n: int, seed: int) -> torch.Tensor:
    """Normal rows and their negatives: every input has mean exactly zero, so x0*x1 is a pure interaction."""
    half = torch.randn(n // 2, 2, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    return torch.cat([half, -half])


def test_main_effects_match_a_double_loop():
    model = Formulas(lambda a, b: a**2 * torch.sin(b), lambda a, b: torch.exp(0.3 * a) + b**3)
    x = torch.randn(7, 2, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    reference = torch.randn(5, 2, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    expected = torch.zeros(7, 2, 2, dtype=torch.float64)
    for n in range(7):
        for j in range(2):
            for m in range(5):
                point = reference[m].clone()
                point[j] = x[n, j]
                expected[n, :, j] += model.latents(point[None])[0] / 5
    torch.testing.assert_close(main_effects(model, x, reference), expected)


def test_main_effects_of_three_inputs_match_a_double_loop():
    generator = torch.Generator().manual_seed(0)
    model = build_model("dsn", 3, 2, generator=generator)
    x, reference = torch.randn(4, 3, generator=generator), torch.randn(6, 3, generator=generator)
    expected = torch.zeros(4, 2, 3)
    with torch.no_grad():
        for n in range(4):
            for j in range(3):
                grid = reference.clone()
                grid[:, j] = x[n, j]
                expected[n, :, j] = model.latents(grid).mean(dim=0)
        torch.testing.assert_close(main_effects(model, x, reference), expected)


def test_main_effects_are_the_same_in_small_chunks(monkeypatch):
    from oraclelab.symbolic.discovery import _purity

    model = build_model("dsn", 2, 3)
    x, reference = torch.randn(40, 2), torch.randn(30, 2)
    whole = main_effects(model, x, reference)
    monkeypatch.setattr(_purity, "_CHUNK_POINTS", 150)  # 2 rows of x per chunk
    torch.testing.assert_close(main_effects(model, x, reference), whole)


def test_impurity_is_zero_for_pure_latents_and_follows_the_closed_form_for_a_mixture():
    x = _symmetric_sample(400, seed=2)
    pure = Formulas(lambda a, b: 2.7 * a**2, lambda a, b: 5 * torch.cos(3 * b), lambda a, b: 4.5 * a * b)
    assert abs(float(anova_impurity(pure, x, x))) < 1e-9
    mixed = Formulas(lambda a, b: a**2 + a * b)
    # main effect of x0: x0**2 - E[x0**2]; of x1: 0; remainder x0*x1; impurity 2 V0 Vr / (V0 + Vr)
    v0 = float(((x[:, 0] ** 2 - (x[:, 0] ** 2).mean()) ** 2).mean())
    vr = float(((x[:, 0] * x[:, 1]) ** 2).mean())
    assert float(anova_impurity(mixed, x, x)) == pytest.approx(2 * v0 * vr / (v0 + vr), rel=1e-9)
    assert float(anova_impurity(mixed, x[:, :1], x[:, :1])) == 0.0  # one input: nothing to mix


def test_purification_recovers_the_anova_components_of_mixed_latents_and_keeps_the_sum():
    x = _symmetric_sample(600, seed=3)
    mixed = Formulas(lambda a, b: a**2 + 0.3 * a * b,
                     lambda a, b: torch.cos(3 * b) + 0.2 * a**2,
                     lambda a, b: a * b + 0.1 * torch.cos(3 * b))
    purified = purify(mixed, x)
    latents = purified.latents(x)
    components = torch.stack([1.2 * x[:, 0] ** 2, 1.1 * torch.cos(3 * x[:, 1]), 1.3 * x[:, 0] * x[:, 1]], dim=1)
    difference = latents - components
    torch.testing.assert_close(difference - difference.mean(dim=0), torch.zeros_like(difference), atol=1e-9, rtol=0)
    torch.testing.assert_close(purified(x)[0], mixed(x)[0])


def test_routing_keeps_dominant_parts_and_parts_no_latent_owns():
    # latent 0 is dominated by part 0, latent 1 by part 0 too (less), latent 2 by part 2; nobody owns part 1
    shares = torch.tensor([[0.9, 0.05, 0.05], [0.6, 0.3, 0.1], [0.1, 0.1, 0.8]])
    routing = purification_routing(shares)
    assert routing.sum(dim=-1).eq(1).all()
    destination = routing.argmax(dim=-1)
    assert destination[1, 0] == 1  # a dominant part stays, even when another latent owns it more
    assert destination[0, 2] == 2 and destination[1, 2] == 2  # minor interaction parts go to latent 2
    assert destination[2, 0] == 0  # latent 2's x0 part goes to the strongest owner of part 0
    assert destination[0, 1] == 0 and destination[1, 1] == 1 and destination[2, 1] == 2  # unowned: stays


def test_purify_refuses_a_model_whose_outer_function_is_not_the_sum():
    with pytest.raises(ParameterError, match="sum-output"):
        purify(build_model("dsn", 2, 3, output="mlp"), torch.randn(20, 2))


@pytest.mark.slow
def test_training_with_purity_lowers_the_impurity_of_a_dsn(tmp_path):
    from oraclelab.symbolic.discovery import DiscoveryConfig
    from oraclelab.symbolic.discovery._data import load_discovery_data
    from oraclelab.symbolic.discovery._train import train_discovery

    results = {}
    for purity in (0.0, 1.0):
        config = DiscoveryConfig(problem="F07", n_samples=300, epochs=400, eval_every=400, purity=purity,
                                 critic_weight=0.0, model_hyper={"output": "sum"}, seed=0)
        data = load_discovery_data(config)
        model = build_model("dsn", 2, 3, output="sum", generator=torch.Generator().manual_seed(0))
        train_discovery(config, data, model, None, torch.Generator().manual_seed(1))
        X = torch.as_tensor(data.part("validation", data.X), dtype=torch.float32)
        with torch.no_grad():
            results[purity] = float(anova_impurity(model, X, X) / model.latents(X).var(dim=0).sum())
    assert results[1.0] < 0.5 * results[0.0]



@pytest.mark.slow
def test_distilling_purified_mixtures_of_the_f07_latents_recovers_f07():
    from oraclelab.symbolic import FunctionLibrary
    from oraclelab.symbolic.discovery import DiscoveryConfig
    from oraclelab.symbolic.discovery._data import load_discovery_data
    from oraclelab.symbolic.discovery._readout import distill

    config = DiscoveryConfig(problem="F07", sr_seconds=2, sr_generations=20, seed=0)
    data = load_discovery_data(config)
    mixed = Formulas(lambda a, b: 2.7 * a**2 + 0.9 * a * b,  # the sum is F07; each latent mixes two of its terms
                     lambda a, b: 5 * torch.cos(3 * b) + 0.5 * a**2,
                     lambda a, b: 3.6 * a * b - 0.8 * a**2)
    purified = purify(mixed, torch.as_tensor(data.part("train", data.X), dtype=torch.float32))
    result = distill(purified, data, config, library=FunctionLibrary.load("general2d"))
    assert result.outer_result.backend == "known" and str(result.outer_result.expression) == "g0 + g1 + g2"
    assert result.latent_readouts == ("library",) * 3
    assert result.equivalent is True and result.r2_test > 1 - 1e-9
