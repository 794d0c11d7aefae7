"""Symbolic critics: formula libraries, random networks, critics and their training.

Importing this package does not import torch; the torch-based parts load on first use.
"""

from __future__ import annotations

from oraclelab._lazy import lazy_exports

# Public name -> private module (relative to this package) that defines it (PEP 562).
_LAZY: dict[str, str] = {
    "FunctionLibrary": "._library",
    "LibrarySample": "._library",
    "list_builtin_libraries": "._library",
    "parse_points": "._points",
    "grid_points": "._points",
    "normal_points": "._points",
    "clipped_normal_points": "._points",
    "load_points": "._points",
    "parse_template": ".formulas",
    "Template": ".formulas",
    "DerivativeMismatchWarning": ".formulas",
    # random networks, critics, losses, critic training and studies
    "RandomNetworkConfig": "._random_networks",
    "RandomNetworks": "._random_networks",
    "sample_random_networks": "._random_networks",
    "random_network_functions": "._random_networks",
    "Critic": ".critics",
    "FunctionBatch": ".critics",
    "build_critic": ".critics",
    "critic_config": ".critics",
    "critic_from_config": ".critics",
    "critic_loss": ".critics",
    "gradient_penalty": ".critics",
    "CriticTrainingConfig": "._training_config",
    "train_critic": "._training",
    "train_critic_batch": "._batched_training",
    "load_critic": "._training",
    "load_critic_points": "._training",
    "compare_classifiers": "._studies",
    "input_study": "._studies",
    # symbolic discovery: benchmark problems, user data, distillation to formulas
    "Problem": ".problems",
    "ProblemData": ".problems",
    "get_problem": ".problems",
    "list_problems": ".problems",
    "load_symrep_problem": ".problems",
    "Table": "._data",
    "load_table": "._data",
    "split_indices": "._data",
    "SymbolicRegressor": ".distill",
    "SRResult": ".distill",
    "symbolic_regression": ".distill",
    "compose": ".distill",
    "round_constants": ".distill",
    "are_equivalent": ".distill",
    "direct_sr": ".distill",
}

__all__: list[str] = sorted(_LAZY)


__getattr__, __dir__ = lazy_exports(__name__, _LAZY)
