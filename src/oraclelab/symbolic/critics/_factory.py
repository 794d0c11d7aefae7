"""Build critics by name from a JSON-ready config, with seeded default initialisation."""

from __future__ import annotations

import importlib
import inspect
from typing import Any

import torch
from torch import nn

from oraclelab._validation import check_choice, check_int_at_least
from oraclelab.errors import ParameterError
from oraclelab.symbolic.sampling._networks import default_uniform
from oraclelab.symbolic.critics._base import Critic
from oraclelab.symbolic.critics._kinds import CRITIC_KINDS


def critic_class(kind: str) -> tuple[type[Critic], dict[str, Any]]:
    """The class of critic ``kind`` (a key of :data:`CRITIC_KINDS`) and its defaults that differ from the class's."""
    name, overrides = CRITIC_KINDS[kind]
    return getattr(importlib.import_module("oraclelab.symbolic.critics"), name), overrides


def _defaults(cls: type[Critic]) -> dict[str, Any]:
    signature = inspect.signature(cls.__init__)
    return {name: p.default for name, p in signature.parameters.items() if p.kind is p.KEYWORD_ONLY}


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def critic_config(kind: str, n_points: int, n_inputs: int, **hyper: Any) -> dict[str, Any]:
    """The full, JSON-ready description of a critic: defaults filled in, names checked.

    Returns ``{"kind", "n_points", "n_inputs", "hyper": {...}}``; ``build_critic(**config)``
    style rebuilding goes through :func:`critic_from_config`.
    """
    check_choice(kind, "critic", "build_critic", tuple(CRITIC_KINDS))
    check_int_at_least(n_points, "n_points", "build_critic", 1)
    check_int_at_least(n_inputs, "n_inputs", "build_critic", 1)
    cls, overrides = critic_class(kind)
    defaults = {**_defaults(cls), **overrides}
    unknown = sorted(set(hyper) - set(defaults))
    if unknown:
        raise ParameterError(
            f"The {kind!r} critic has no parameter {unknown[0]!r}; it takes {', '.join(sorted(defaults))}."
        )
    merged = {name: _plain(value) for name, value in {**defaults, **hyper}.items()}
    return {"kind": kind, "n_points": int(n_points), "n_inputs": int(n_inputs), "hyper": merged}


def reset_parameters(module: nn.Module, generator: torch.Generator | None) -> None:
    """Re-draw every Linear/Conv1d weight and bias from PyTorch's default distribution
    ``U(-1/sqrt(fan_in), 1/sqrt(fan_in))`` using ``generator`` (no global RNG)."""
    with torch.no_grad():
        for layer in module.modules():
            if isinstance(layer, (nn.Linear, nn.Conv1d)):
                fan_in = layer.weight[0].numel()
                for param in (layer.weight, layer.bias):
                    if param is not None:
                        param.copy_(default_uniform(tuple(param.shape), fan_in, generator=generator,
                                                    dtype=param.dtype, device=param.device))


def critic_from_config(config: dict[str, Any], *, generator: torch.Generator | None = None,
                       device: torch.device | str = "cpu") -> Critic:
    """Build the critic a :func:`critic_config` dict describes, on ``device``.

    ``generator`` draws the initial weights; without one the layers keep their own default
    initialisation (for critics whose weights are loaded next). Either way torch's global
    random state is left unchanged.
    """
    try:
        config = critic_config(config["kind"], config["n_points"], config["n_inputs"], **config.get("hyper", {}))
    except (KeyError, TypeError) as error:
        raise ParameterError(f"A critic config needs 'kind', 'n_points', 'n_inputs' and 'hyper'; {error}.") from None
    cls, _ = critic_class(config["kind"])
    with torch.random.fork_rng(devices=[]):  # leaves torch's global random state as it was
        critic = cls(config["n_points"], config["n_inputs"], **config["hyper"])
    if generator is not None:
        reset_parameters(critic, generator)
    critic.config = config
    return critic.to(device)


def build_critic(kind: str, n_points: int, n_inputs: int, *, generator: torch.Generator | None = None,
                 device: torch.device | str = "cpu", **hyper: Any) -> Critic:
    """Build a critic by name.

    Parameters
    ----------
    kind : ``"mlp"``, ``"stack"``, ``"embed"``, ``"conv"`` or ``"set"``.
    n_points : number of points P the critic sees (ignored by ``set``).
    n_inputs : input dimension d.
    generator : draws the initial weights (PyTorch's default distribution); None keeps the
        layers' default initialisation, drawn from a copy of torch's global random state
        (the global state itself is left unchanged).
    **hyper : architecture parameters of that kind (``width``, ``layers``, ...).
    """
    return critic_from_config(critic_config(kind, n_points, n_inputs, **hyper), generator=generator, device=device)
