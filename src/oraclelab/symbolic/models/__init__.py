"""Discovery models with exposed latents and input Jacobians: MLP, DSN, SRNet.

Importing this package does not import torch (the names in ``_names`` stay cheap for configs
and the CLI); the models load on first use.
"""

from __future__ import annotations

from oraclelab._lazy import lazy_exports

# Private module (relative to this package) -> the public names it defines, loaded on first use (PEP 562).
_LAZY: dict[str, tuple[str, ...]] = {
    "._base": ("LatentModel", "OuterFunction", "ACTIVATIONS"),
    "._dsn": ("DSN",),
    "._mlp": ("MLP", "SRNet"),
    "._factory": ("MODELS", "build_model", "model_from_config"),
    "._names": ("OUTPUTS",),
}

__all__: list[str] = sorted(name for names in _LAZY.values() for name in names)
__getattr__, __dir__ = lazy_exports(__name__, _LAZY)
