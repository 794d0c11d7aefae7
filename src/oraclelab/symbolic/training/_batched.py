"""Train K critics at once, one per hyper-parameter setting, with stacked weights.

The configs share architecture and data settings and may differ in ``PER_MODEL_FIELDS``.
Each critic is built and calibrated from its own seed as :func:`train_critic` builds it;
the K critics are stacked (``torch.func.stack_module_state``), scored by
``torch.func.functional_call`` under ``torch.vmap`` and updated by :class:`StackedAdam`.
Each step draws ``n * batch`` real and fake functions in one call for the ``n`` models
still training (:func:`draw_batches`), so every model sees its own fresh batch; a model
stops (is masked from updates) by the same rule as a single run (``stop_reason``), and its
result sums up the same way (``make_result``)."""

from __future__ import annotations

import copy
import dataclasses
import time
from dataclasses import dataclass
from typing import Any, Mapping

import torch
from torch.func import functional_call, stack_module_state

from oraclelab.errors import ParameterError
from oraclelab.symbolic.critics import Critic, bce_loss, critic_from_config
from oraclelab.symbolic.sampling._batch import FunctionBatch
from oraclelab.symbolic.sampling._functions import FunctionSampler, LabelledFunctions, torch_generator
from oraclelab.symbolic.training._config import PER_MODEL_FIELDS, CriticTrainingConfig
from oraclelab.symbolic.training._loop import EVAL_CHUNK, as_config
from oraclelab.symbolic.training._result import CriticTrainingResult, make_result, stop_reason
from oraclelab.symbolic.training._setup import (calibrate, checked_device, checked_library, heldout_set, new_critic,
                                                new_sampler, training_points)

OWNER = "train_critic_batch"

Tensors = dict[str, torch.Tensor]


class StackedAdam:
    """``torch.optim.Adam`` for K models stacked on dim 0 (equal up to rounding).

    Parameters
    ----------
    params : name -> Tensor of shape (K, ...), updated in place.
    lr, weight_decay : Tensors of shape (K,), one value per model.
    """

    def __init__(self, params: Tensors, lr: torch.Tensor, weight_decay: torch.Tensor, *,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8) -> None:
        self.params, self.betas, self.eps = params, betas, eps
        self.lr, self.weight_decay = lr.double(), weight_decay.double()
        self.exp_avg, self.exp_avg_sq = ({name: torch.zeros_like(p) for name, p in params.items()} for _ in range(2))
        self.steps = torch.zeros_like(self.lr)
        self.decay = bool((self.weight_decay > 0).any())

    @torch.no_grad()
    def step(self, grads: Tensors, active: torch.Tensor | None = None) -> None:
        """Update every model, or only those where ``active`` (bool, shape (K,)) holds; the
        others keep their parameters, moments and step count (their rates are zeroed)."""
        beta1, beta2 = self.betas
        on = torch.ones_like(self.steps) if active is None else active.to(self.steps.dtype)
        self.steps += on
        steps = self.steps.clamp(min=1)
        rates = {"avg": (1 - beta1) * on, "decay_sq": 1 - (1 - beta2) * on, "sq": (1 - beta2) * on,
                 "step": -on * self.lr / (1 - beta1 ** steps), "correction2_sqrt": (1 - beta2 ** steps).sqrt()}
        for name, param in self.params.items():
            shape = (-1,) + (1,) * (param.ndim - 1)
            rate = {key: value.to(param.dtype).view(shape) for key, value in rates.items()}
            grad = grads[name] + self.weight_decay.to(param.dtype).view(shape) * param if self.decay else grads[name]
            exp_avg, exp_avg_sq = self.exp_avg[name], self.exp_avg_sq[name]
            exp_avg.lerp_(grad, rate["avg"])
            exp_avg_sq.mul_(rate["decay_sq"]).addcmul_(grad, grad * rate["sq"])
            denom = (exp_avg_sq.sqrt() / rate["correction2_sqrt"]).add_(self.eps)
            param.addcdiv_(exp_avg * rate["step"], denom)


@dataclass
class BatchSetup:
    """Everything a batched run builds before its first step (K models)."""

    configs: list[CriticTrainingConfig]
    base: Critic  # the architecture on the meta device, run by functional_call
    params: Tensors  # name -> (K, ...), leaves that require grad
    buffers: Tensors  # name -> (K, ...), e.g. feature_scale (K, k)
    sampler: FunctionSampler
    points: torch.Tensor  # (P, d) on the device
    heldout: LabelledFunctions
    generator: torch.Generator


def check_shared(configs: list[CriticTrainingConfig]) -> None:
    """Raise ParameterError naming the first field outside ``PER_MODEL_FIELDS`` that differs."""
    first = configs[0]
    for number, config in enumerate(configs[1:], start=1):
        changed = first.differences(config, ignore=PER_MODEL_FIELDS)
        if changed:
            name = changed[0]
            raise ParameterError(f"The configs of {OWNER} must share {name!r}: config {number} has "
                                 f"{getattr(config, name)!r}, config 0 has {getattr(first, name)!r}. Only "
                                 f"{', '.join(PER_MODEL_FIELDS)} may differ.")
    if first.loss != "bce":
        raise ParameterError(f"The 'loss' parameter of {OWNER} must be 'bce'. Got {first.loss!r} instead.")
    if first.point_subset is not None:
        raise ParameterError(f"The 'point_subset' parameter of {OWNER} must be None. Got {first.point_subset!r}.")


def _shared_points(configs: list[CriticTrainingConfig]) -> torch.Tensor:
    """The point set (P, d) of every config; random specs must not differ between seeds."""
    points = training_points(configs[0].points, configs[0].seed)
    for config in configs[1:]:
        if not torch.equal(training_points(config.points, config.seed), points):
            raise ParameterError(f"The points {config.points!r} of {OWNER} differ between seeds; "
                                 f"use a grid or a points file.")
    return points


def batch_generator(configs: list[CriticTrainingConfig]) -> torch.Generator:
    """The stream all training batches are drawn from (the first config's seed)."""
    return torch_generator(configs[0].seed, "batched-train")


def draw_batches(sampler: FunctionSampler, generator: torch.Generator, n_models: int, batch: int
                 ) -> tuple[FunctionBatch, FunctionBatch]:
    """``n_models * batch`` real, then as many fake functions, in one call each.

    Returns real and fake FunctionBatches with values (n_models, batch, P) and gradients
    (n_models, batch, P, d); model ``i`` of those training gets index ``i``.
    """
    def split(functions: FunctionBatch) -> FunctionBatch:
        return FunctionBatch(functions.values.unflatten(0, (n_models, batch)),
                             functions.gradients.unflatten(0, (n_models, batch)))

    return (split(sampler.real(n_models * batch, generator)), split(sampler.fake(n_models * batch, generator)))


def build_batch_setup(configs: list[CriticTrainingConfig], *, device: torch.device | str = "cpu") -> BatchSetup:
    """Build and stack the K critics, the sampler and the held-out set (the first config's)."""
    first = configs[0]
    points = _shared_points(configs)
    library = checked_library(first, points)
    critics = [new_critic(config, points, device=device) for config in configs]
    sampler = new_sampler(first, library, points, device=device, gradients=critics[0].use_gradients)
    for critic, config in zip(critics, configs):
        calibrate(critic, config, sampler)
    params, buffers = stack_module_state(critics)
    params = {name: p.detach().requires_grad_(True) for name, p in params.items()}
    base = copy.deepcopy(critics[0]).to("meta")
    return BatchSetup(configs, base, params, buffers, sampler, points.to(device), heldout_set(first, sampler),
                      batch_generator(configs))


def stacked_scores(setup: BatchSetup, params: Tensors, buffers: Tensors, values: torch.Tensor,
                   gradients: torch.Tensor, *, shared: bool = False) -> torch.Tensor:
    """Scores (n, B) of n stacked critics (params and buffers (n, ...)) on values (n, B, P)
    and gradients (n, B, P, d), or with ``shared`` on the same (B, P) and (B, P, d)."""
    def one(p: Tensors, b: Tensors, v: torch.Tensor, g: torch.Tensor) -> torch.Tensor:
        return functional_call(setup.base, (p, b), (v, g, setup.points))

    data_dim = None if shared else 0
    return torch.vmap(one, in_dims=(0, 0, data_dim, data_dim))(params, buffers, values, gradients)


def _select(tensors: Tensors, index: torch.Tensor | None) -> Tensors:
    return tensors if index is None else {name: tensor[index] for name, tensor in tensors.items()}


def train_step(setup: BatchSetup, optimizer: StackedAdam, active: torch.Tensor | None = None) -> torch.Tensor:
    """One Adam step of every model, or of those where ``active`` (bool (K,)) holds, each
    on its own fresh batch; returns their BCE losses (n_active,)."""
    batch = setup.configs[0].batch
    index = None if active is None else active.nonzero()[:, 0]
    n_models = len(setup.configs) if index is None else len(index)
    real, fake = draw_batches(setup.sampler, setup.generator, n_models, batch)
    values = torch.cat([real.values, fake.values], dim=1)
    gradients = torch.cat([real.gradients, fake.gradients], dim=1)
    scores = stacked_scores(setup, _select(setup.params, index), _select(setup.buffers, index), values, gradients)
    losses = torch.vmap(bce_loss)(scores[:, :batch], scores[:, batch:])
    grads = torch.autograd.grad(losses.sum(), list(setup.params.values()))
    optimizer.step(dict(zip(setup.params, grads)), active)
    return losses.detach()


@torch.no_grad()
def heldout_accuracies(setup: BatchSetup, index: torch.Tensor) -> list[float]:
    """Held-out accuracy of the models in ``index`` (long (n,)) at the BCE threshold 0."""
    params, buffers = _select(setup.params, index), _select(setup.buffers, index)

    def scores(functions: FunctionBatch) -> torch.Tensor:
        return torch.cat([stacked_scores(setup, params, buffers, functions.values[i:i + EVAL_CHUNK],
                                         functions.gradients[i:i + EVAL_CHUNK], shared=True)
                          for i in range(0, len(functions), EVAL_CHUNK)], dim=1)

    real, fake = setup.heldout.real, setup.heldout.fake
    return (((scores(real) > 0).sum(1) + (scores(fake) <= 0).sum(1)) / (len(real) + len(fake))).tolist()


def run_batch(setup: BatchSetup) -> list[tuple[list[dict[str, Any]], str]]:
    """Step until every model has stopped; returns each model's metrics rows (``epoch``,
    ``seconds``, ``loss``, ``heldout_acc``, ``wall_seconds``, ``cpu_seconds``) and why it stopped."""
    configs = setup.configs
    device = setup.points.device
    optimizer = StackedAdam(setup.params, torch.tensor([c.lr for c in configs], device=device),
                            torch.tensor([c.weight_decay for c in configs], device=device))
    reasons: list[str | None] = [None] * len(configs)
    rows: list[list[dict[str, Any]]] = [[] for _ in configs]
    epoch, seconds, cpu_seconds, wall_start = 0, 0.0, 0.0, time.perf_counter()
    while None in reasons:
        index = [k for k, reason in enumerate(reasons) if reason is None]
        mask = None if len(index) == len(configs) else torch.tensor([r is None for r in reasons], device=device)
        train_start, cpu_start = time.perf_counter(), time.process_time()
        while True:
            losses = train_step(setup, optimizer, mask)
            epoch += 1
            wall = time.perf_counter() - wall_start
            if epoch % configs[0].eval_every == 0 or any(stop_reason(configs[k], epoch, wall, None) for k in index):
                break
        losses = losses.tolist()  # synchronises the device
        seconds += time.perf_counter() - train_start
        cpu_seconds += time.process_time() - cpu_start
        heldout = heldout_accuracies(setup, torch.tensor(index, device=device))
        wall = time.perf_counter() - wall_start
        for position, k in enumerate(index):
            rows[k].append({"epoch": epoch, "seconds": seconds, "loss": losses[position],
                            "heldout_acc": heldout[position], "wall_seconds": wall, "cpu_seconds": cpu_seconds})
            reasons[k] = stop_reason(configs[k], epoch, wall, heldout[position])
    return list(zip(rows, reasons))


def unstacked_critic(setup: BatchSetup, k: int) -> Critic:
    """Model ``k`` as a plain :class:`Critic` on the training device."""
    critic = critic_from_config(setup.base.config, device=setup.points.device)
    critic.load_state_dict({name: t[k].detach() for name, t in {**setup.params, **setup.buffers}.items()})
    return critic


def train_critic_batch(configs: list[CriticTrainingConfig | Mapping[str, Any]], *,
                       device: torch.device | str = "cpu", max_epochs: int | None = None) -> list[CriticTrainingResult]:
    """Train one critic per config at once, with stacked weights on one device; touches no disk.

    Parameters
    ----------
    configs : K :class:`CriticTrainingConfig` objects or mappings of their fields, equal
        except in ``PER_MODEL_FIELDS``; ``loss`` must be ``"bce"``.
    device : where the critics train; data is drawn on the CPU.
    max_epochs : when given, replaces every config's ``max_epochs``.

    Returns
    -------
    One :class:`CriticTrainingResult` per config. Held-out accuracy is measured on the
    first config's held-out set; ``seconds`` is the batch's training clock (held-out
    evaluation excluded), shared by all K critics.
    """
    configs = [as_config(config) for config in configs]
    if max_epochs is not None:
        configs = [dataclasses.replace(config, max_epochs=max_epochs) for config in configs]
    if not configs:
        raise ParameterError(f"The 'configs' parameter of {OWNER} must hold at least one config. Got none.")
    check_shared(configs)
    setup = build_batch_setup(configs, device=checked_device(device, OWNER))
    return [make_result(config, rows, reason, 0.0, unstacked_critic(setup, k))
            for k, (config, (rows, reason)) in enumerate(zip(configs, run_batch(setup)))]
