"""Critic training: the validated config, the functional cores (one critic, or many with stacked
weights) returning frozen results, checkpoints, run folders written apart, figures and the
seed's studies.

torch loads on first attribute access.
"""

from __future__ import annotations

from oraclelab._lazy import lazy_exports

# Private module (relative to this package) -> the public names it defines, loaded on first use (PEP 562).
_LAZY: dict[str, tuple[str, ...]] = {
    "._config": ("CriticTrainingConfig",),
    "._result": ("CriticTrainingResult",),
    "._loop": ("train_critic",),
    "._batched": ("train_critic_batch",),
    "._setup": ("training_points",),
    "._run_folder": ("RunCheckpoints", "train_critic_run", "write_critic_run", "write_batch_runs", "load_critic", "load_critic_points"),
    "._studies": ("compare_classifiers", "input_study"),
    "._comparison_config": ("ComparisonConfig",),
}


__all__: list[str] = sorted(name for names in _LAZY.values() for name in names)
__getattr__, __dir__ = lazy_exports(__name__, _LAZY)
