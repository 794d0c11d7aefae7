"""Run folders of critics trained together: each one an ordinary ``train-critic`` run folder.

Critic k of a :func:`~oraclelab.symbolic.training._batched.train_critic_batch` call gets
``config.yaml`` (its config and the device), ``metrics.csv``, ``critic.pt`` + ``critic.json``
and, last, ``summary.json`` with the keys a single run writes where a batch has them, plus
``batched``, ``batch_size`` (critics trained together) and ``batch_seed``: the first
config's seed, which drives the batch's shared training stream and held-out set.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from oraclelab.runs import RunFolder
from oraclelab.symbolic.training._loop import as_config, write_critic
from oraclelab.symbolic.training._config import CriticTrainingConfig

METRIC_COLUMNS = ("epoch", "seconds", "loss", "heldout_acc", "wall_seconds")
SUMMARY_KEYS = ("heldout_accuracy", "best_heldout_accuracy", "target_accuracy", "seconds_to_target",
                "wall_seconds_to_target", "epochs_to_target", "seconds", "wall_seconds", "epochs", "stopped")
SECONDS_NOTE = ("seconds: the batch's shared training clock without held-out evaluation and file writes; "
                "wall_seconds: everything; both count all critics of the batch together")


def write_batch_runs(runs: Sequence[RunFolder], configs: Sequence[CriticTrainingConfig | Mapping[str, Any]],
                     summaries: Sequence[Mapping[str, Any]], *, device: str) -> None:
    """Write critic k of a batch (``summaries[k]`` from train_critic_batch) into ``runs[k]``, as train-critic would."""
    configs = [as_config(config) for config in configs]
    for run, config, summary in zip(runs, configs, summaries, strict=True):
        run.write_config({**config.to_dict(), "device": str(device)})
        run.write_csv("metrics.csv", summary["rows"], METRIC_COLUMNS)
        write_critic(run, summary["critic"])
        run.write_summary({**{key: summary[key] for key in SUMMARY_KEYS}, "seconds_note": SECONDS_NOTE, "batched": True,
                           "batch_size": len(configs), "batch_seed": configs[0].seed})
