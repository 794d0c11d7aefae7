"""What critics judge: point sets, batched random networks ("fake" functions), and the sampler
that draws labelled batches of library formulas ("real") and network latents.

torch loads on first attribute access, so configs can import names from here cheaply.
"""

from __future__ import annotations

from oraclelab._lazy import lazy_exports

_LAZY: dict[str, str] = {
    "FunctionBatch": "._batch",
    "grid_points": "._points",
    "normal_points": "._points",
    "clipped_normal_points": "._points",
    "load_points": "._points",
    "parse_points": "._points",
    "RandomNetworkConfig": "._networks",
    "RandomNetworks": "._networks",
    "sample_random_networks": "._networks",
    "random_network_functions": "._networks",
    "FunctionSampler": "._functions",
    "LabelledFunctions": "._functions",
    "torch_generator": "._functions",
}

__all__: list[str] = sorted(_LAZY)

__getattr__, __dir__ = lazy_exports(__name__, _LAZY)
