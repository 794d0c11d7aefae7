"""What critics judge: point sets, batched random networks ("fake" functions), and the sampler
that draws labelled batches of library formulas ("real") and network latents.

torch loads on first attribute access, so configs can import names from here cheaply.
"""

from __future__ import annotations

from oraclelab._lazy import lazy_exports

# Private module (relative to this package) -> the public names it defines, loaded on first use (PEP 562).
_LAZY: dict[str, tuple[str, ...]] = {
    "._batch": ("FunctionBatch",),
    "._points": ("grid_points", "normal_points", "clipped_normal_points", "load_points", "parse_points"),
    "._networks": ("RandomNetworkConfig", "RandomNetworks", "sample_random_networks", "random_network_functions"),
    "._functions": ("FunctionSampler", "LabelledFunctions", "torch_generator"),
}


__all__: list[str] = sorted(name for names in _LAZY.values() for name in names)
__getattr__, __dir__ = lazy_exports(__name__, _LAZY)
