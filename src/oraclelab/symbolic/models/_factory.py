"""Build discovery models by name from a JSON-ready config, initialised from a generator when given."""

from __future__ import annotations

from typing import Any

import torch

from oraclelab._validation import check_choice
from oraclelab.errors import ParameterError
from oraclelab.symbolic.models._base import LatentModel
from oraclelab.symbolic.models._dsn import DSN
from oraclelab.symbolic.models._mlp import MLP, SRNet
from oraclelab.symbolic.models._names import MODEL_CLASSES

_CLASSES: dict[str, type[LatentModel]] = {cls.__name__: cls for cls in (MLP, DSN, SRNet)}
#: model name -> class.
MODELS: dict[str, type[LatentModel]] = {name: _CLASSES[cls] for name, cls in MODEL_CLASSES.items()}


def build_model(model: str, n_inputs: int, n_latents: int, *, generator: torch.Generator | None = None,
                **hyper: Any) -> LatentModel:
    """A fresh model of the given kind ('mlp', 'dsn' or 'srnet'); unknown hyper-parameters raise.

    With ``generator`` the weights are drawn from it alone and torch's global RNG is left as it
    was; without, torch's default initialisation draws from the global RNG.
    """
    cls = MODELS[check_choice(model, "model", "build_model", tuple(MODELS))]
    try:
        if generator is None:
            return cls(n_inputs, n_latents, **hyper)
        with torch.random.fork_rng(devices=()):  # the default draws are replaced just below
            built = cls(n_inputs, n_latents, **hyper)
    except TypeError as error:
        raise ParameterError(f"The {model!r} model does not take these parameters: {error}.") from None
    built.reset_parameters(generator)
    return built


def model_from_config(config: dict[str, Any]) -> LatentModel:
    """Rebuild a model from its ``config`` dict (as saved beside its state_dict)."""
    config = dict(config)
    return build_model(config.pop("model"), config.pop("n_inputs"), config.pop("n_latents"), **config)
