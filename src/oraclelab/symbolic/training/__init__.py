"""Critic training: the validated config, the training loop (one critic or many with stacked
weights), checkpoints, run-folder outputs, figures and the seed's studies.

torch loads on first attribute access.
"""

from __future__ import annotations

from oraclelab._lazy import lazy_exports

_LAZY: dict[str, str] = {
    "CriticTrainingConfig": "._config",
    "train_critic": "._loop",
    "load_critic": "._loop",
    "load_critic_points": "._loop",
    "train_critic_batch": "._batched",
    "compare_classifiers": "._studies",
    "input_study": "._studies",
}

__all__: list[str] = sorted(_LAZY)

__getattr__, __dir__ = lazy_exports(__name__, _LAZY)
