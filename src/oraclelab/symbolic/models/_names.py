"""The names a discovery model is built from, torch-free so configs and the CLI can check them cheaply."""

from __future__ import annotations

#: activation name -> ``torch.nn`` class name.
ACTIVATION_CLASSES: dict[str, str] = {
    "relu": "ReLU",
    "tanh": "Tanh",
    "elu": "ELU",
    "silu": "SiLU",
    "sigmoid": "Sigmoid",
    "softplus": "Softplus",
}
#: outer functions from the latents to the prediction.
OUTPUTS = ("mlp", "linear", "sum")
#: model name -> class name in :mod:`oraclelab.symbolic.models`.
MODEL_CLASSES: dict[str, str] = {"mlp": "MLP", "dsn": "DSN", "srnet": "SRNet"}
