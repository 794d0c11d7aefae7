"""The run folder of a discovery run, written apart from the run, and its checkpoint store.

A folder holds ``config.yaml``, ``metrics.csv``, ``model.pt`` (state_dict) + ``model.json``
(the config that rebuilds it), ``model_purified.pt`` when the latents were purified,
``summary.json``, figures, ``critic/`` (the train-critic folder of a critic trained first)
and, while a run trains, ``discovery_checkpoint.pt``.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any, Mapping

import torch

from oraclelab.runs import RunFolder, atomic_write_bytes
from oraclelab.symbolic.discovery._config import DiscoveryConfig
from oraclelab.symbolic.discovery._result import DiscoveryResult
from oraclelab.symbolic.discovery._train import METRIC_COLUMNS

if TYPE_CHECKING:
    from oraclelab.symbolic.training._checkpoint import Checkpoints

CHECKPOINT = "discovery_checkpoint.pt"
#: The purified sum-output model (base weights plus reference rows and routing), beside model.pt.
PURIFIED_MODEL = "model_purified.pt"
#: The sub-folder of a critic trained first.
CRITIC_FOLDER = "critic"


def _tensor_bytes(payload: Mapping[str, Any]) -> bytes:
    buffer = io.BytesIO()
    torch.save(dict(payload), buffer)
    return buffer.getvalue()


class FolderCheckpoint:
    """A run folder's ``discovery_checkpoint.pt`` (with ``metrics.csv`` beside it) as the loop's checkpoint.

    With ``resume`` an existing checkpoint is continued from; otherwise training starts afresh.
    """

    def __init__(self, run: RunFolder, *, resume: bool) -> None:
        self.run, self.resume = run, resume
        self.path = run.file(CHECKPOINT)

    def load(self) -> dict[str, Any] | None:
        """The checkpoint to continue from (with ``resume`` and a checkpoint present), else None."""
        from oraclelab.symbolic.training._checkpoint import load_checkpoint

        return load_checkpoint(self.path) if self.resume and self.path.exists() else None

    def save(self, checkpoint: dict[str, Any], rows: list[dict[str, Any]]) -> None:
        """Write ``discovery_checkpoint.pt`` and ``metrics.csv`` atomically."""
        atomic_write_bytes(self.path, _tensor_bytes(checkpoint))
        self.run.write_csv("metrics.csv", rows, METRIC_COLUMNS)


def critic_checkpoints(run: RunFolder, config: DiscoveryConfig, *, resume: bool) -> Checkpoints | None:
    """The checkpoint store of the critic a run trains first (in ``critic/``); None when it trains none."""
    if not config.trains_critic:
        return None
    from oraclelab.symbolic.training._run_folder import RunCheckpoints

    return RunCheckpoints(RunFolder(run.path / CRITIC_FOLDER, resume=resume), resume=resume)


def write_discovery(run: RunFolder, result: DiscoveryResult) -> dict[str, Any]:
    """Write the run folder from ``result``; ``summary.json`` last. Returns the summary."""
    from oraclelab.symbolic.discovery._figures import write_discovery_figures

    run.write_config(result.config.to_dict())
    run.write_csv("metrics.csv", list(result.rows), METRIC_COLUMNS)
    run.write_bytes("model.pt", _tensor_bytes(result.model_state))
    run.write_json("model.json", dict(result.model_config))
    if result.purified_state is not None:
        run.write_bytes(PURIFIED_MODEL, _tensor_bytes(result.purified_state))
    if result.critic_training is not None:
        from oraclelab.symbolic.training._run_folder import write_critic_run

        write_critic_run(RunFolder(run.path / CRITIC_FOLDER, overwrite=True), result.critic_training, device="cpu",
                         figures=False)
    write_discovery_figures(run, list(result.rows), result.model(), result.data)
    summary = result.summary()
    run.write_summary(summary)
    return summary
