"""Discovery models with exposed latents and input Jacobians: MLP, DSN, SRNet.

Importing this package does not import torch (the names in ``_names`` stay cheap for configs
and the CLI); the models load on first use.
"""

from __future__ import annotations

from oraclelab._lazy import lazy_exports

_LAZY: dict[str, str] = {
    "LatentModel": "._base",
    "OuterFunction": "._base",
    "ACTIVATIONS": "._base",
    "DSN": "._dsn",
    "MLP": "._mlp",
    "SRNet": "._mlp",
    "MODELS": "._factory",
    "build_model": "._factory",
    "model_from_config": "._factory",
    "OUTPUTS": "._names",
}

__all__: list[str] = sorted(_LAZY)
__getattr__, __dir__ = lazy_exports(__name__, _LAZY)
