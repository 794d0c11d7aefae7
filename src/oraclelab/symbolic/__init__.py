"""Symbolic critics: formula libraries, random networks, critics and their training.

Importing this package does not import torch; the torch-based parts load on first use.
"""

from __future__ import annotations

from oraclelab._lazy import lazy_exports

# Private module (relative to this package) -> the public names it defines, loaded on first use (PEP 562).
_LAZY: dict[str, tuple[str, ...]] = {
    ".formulas._library": ("FunctionLibrary", "LibrarySample", "list_builtin_libraries"),
    ".sampling._points": ("parse_points", "grid_points", "normal_points", "clipped_normal_points", "load_points"),
    ".formulas": ("parse_template", "Template", "DerivativeMismatchWarning"),
    ".sampling._networks": ("RandomNetworkConfig", "RandomNetworks", "sample_random_networks", "random_network_functions"),
    ".critics": ("Critic", "build_critic", "critic_config", "critic_from_config", "critic_loss", "gradient_penalty"),
    ".sampling._batch": ("FunctionBatch",),
    ".training._config": ("CriticTrainingConfig",),
    ".training._loop": ("train_critic",),
    ".training._batched": ("train_critic_batch",),
    ".training._run_folder": ("load_critic", "load_critic_points"),
    ".training._studies": ("compare_classifiers", "input_study"),
    ".training._comparison_config": ("ComparisonConfig",),
    ".problems": ("Problem", "ProblemData", "get_problem", "list_problems", "load_symrep_problem"),
    ".problems._table": ("Table", "load_table", "split_indices"),
    ".regression": ("SymbolicRegressor", "SRResult", "symbolic_regression", "compose", "round_constants", "are_equivalent", "direct_sr"),
}


__all__: list[str] = sorted(name for names in _LAZY.values() for name in names)
__getattr__, __dir__ = lazy_exports(__name__, _LAZY)
