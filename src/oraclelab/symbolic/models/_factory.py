"""Build discovery models by name from a JSON-ready config."""

from __future__ import annotations

from typing import Any

from oraclelab._validation import check_choice
from oraclelab.errors import ParameterError
from oraclelab.symbolic.models._base import LatentModel
from oraclelab.symbolic.models._dsn import DSN
from oraclelab.symbolic.models._mlp import MLP, SRNet

MODELS: dict[str, type[LatentModel]] = {"mlp": MLP, "dsn": DSN, "srnet": SRNet}


def build_model(model: str, n_inputs: int, n_latents: int, **hyper: Any) -> LatentModel:
    """A fresh model of the given kind ('mlp', 'dsn' or 'srnet'); unknown hyper-parameters raise."""
    cls = MODELS[check_choice(model, "model", "build_model", tuple(MODELS))]
    try:
        return cls(n_inputs, n_latents, **hyper)
    except TypeError as error:
        raise ParameterError(f"The {model!r} model does not take these parameters: {error}.") from None


def model_from_config(config: dict[str, Any]) -> LatentModel:
    """Rebuild a model from its ``config`` dict (as saved beside its state_dict)."""
    config = dict(config)
    return build_model(config.pop("model"), config.pop("n_inputs"), config.pop("n_latents"), **config)
