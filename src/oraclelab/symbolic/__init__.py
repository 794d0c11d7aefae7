"""Symbolic critics: formula libraries, random networks, critics and their training.

Importing this package does not import torch; the torch-based parts load on first use.
"""

from __future__ import annotations

from oraclelab._lazy import lazy_exports

# Public name -> private module (relative to this package) that defines it (PEP 562).
_LAZY: dict[str, str] = {
    "FunctionLibrary": ".formulas._library",
    "LibrarySample": ".formulas._library",
    "list_builtin_libraries": ".formulas._library",
    "parse_points": ".sampling._points",
    "grid_points": ".sampling._points",
    "normal_points": ".sampling._points",
    "clipped_normal_points": ".sampling._points",
    "load_points": ".sampling._points",
    "parse_template": ".formulas",
    "Template": ".formulas",
    "DerivativeMismatchWarning": ".formulas",
    # random networks, critics, losses, critic training and studies
    "RandomNetworkConfig": ".sampling._networks",
    "RandomNetworks": ".sampling._networks",
    "sample_random_networks": ".sampling._networks",
    "random_network_functions": ".sampling._networks",
    "Critic": ".critics",
    "FunctionBatch": ".sampling._batch",
    "build_critic": ".critics",
    "critic_config": ".critics",
    "critic_from_config": ".critics",
    "critic_loss": ".critics",
    "gradient_penalty": ".critics",
    "CriticTrainingConfig": ".training._config",
    "train_critic": ".training._loop",
    "train_critic_batch": ".training._batched",
    "load_critic": ".training._run_folder",
    "load_critic_points": ".training._run_folder",
    "compare_classifiers": ".training._studies",
    "input_study": ".training._studies",
    # symbolic discovery: benchmark problems, user data, distillation to formulas
    "Problem": ".problems",
    "ProblemData": ".problems",
    "get_problem": ".problems",
    "list_problems": ".problems",
    "load_symrep_problem": ".problems",
    "Table": ".problems._table",
    "load_table": ".problems._table",
    "split_indices": ".problems._table",
    "SymbolicRegressor": ".regression",
    "SRResult": ".regression",
    "symbolic_regression": ".regression",
    "compose": ".regression",
    "round_constants": ".regression",
    "are_equivalent": ".regression",
    "direct_sr": ".regression",
}

__all__: list[str] = sorted(_LAZY)


__getattr__, __dir__ = lazy_exports(__name__, _LAZY)
