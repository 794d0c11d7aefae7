"""Critic training: the validated config, the functional cores (one critic, or many with stacked
weights) returning frozen results, checkpoints, run folders written apart, figures and the
seed's studies.

torch loads on first attribute access.
"""

from __future__ import annotations

from oraclelab._lazy import lazy_exports

_LAZY: dict[str, str] = {
    "CriticTrainingConfig": "._config",
    "CriticTrainingResult": "._result",
    "train_critic": "._loop",
    "train_critic_batch": "._batched",
    "training_points": "._setup",
    "RunCheckpoints": "._run_folder",
    "train_critic_run": "._run_folder",
    "write_critic_run": "._run_folder",
    "write_batch_runs": "._run_folder",
    "load_critic": "._run_folder",
    "load_critic_points": "._run_folder",
    "compare_classifiers": "._studies",
    "input_study": "._studies",
}

__all__: list[str] = sorted(_LAZY)

__getattr__, __dir__ = lazy_exports(__name__, _LAZY)
