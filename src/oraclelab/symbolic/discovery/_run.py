"""One discovery run end to end, in memory: data, critic, model training, distillation.

Writing the run folder is a separate step (:func:`write_discovery`); the command chains
the two and passes a folder-backed checkpoint so ``--resume`` continues a stopped run.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping

import torch

from oraclelab.runs import progress_bar
from oraclelab.errors import ParameterError
from oraclelab.symbolic.discovery._config import AUTO, DiscoveryConfig
from oraclelab.symbolic.discovery._critic import discovery_critic, readout_library
from oraclelab.symbolic.discovery._data import load_discovery_data
from oraclelab.symbolic.discovery._purity import purify
from oraclelab.symbolic.discovery._readout import distill, distillation_steps
from oraclelab.symbolic.discovery._regulariser import CriticRegulariser
from oraclelab.symbolic.discovery._result import DiscoveryResult
from oraclelab.symbolic.discovery._streams import RunStreams
from oraclelab.symbolic.discovery._train import (Checkpoint, DiscoveryState, evaluate, restore_target_scale,
                                                 standardised_target, train_discovery)

if TYPE_CHECKING:
    from oraclelab.symbolic import FunctionLibrary
    from oraclelab.symbolic.discovery._critic import DiscoveryCritic
    from oraclelab.symbolic.discovery._data import DiscoveryData
    from oraclelab.symbolic.models import LatentModel
    from oraclelab.symbolic.training._checkpoint import Checkpoints

logger = logging.getLogger(__name__)

#: Points a ``set`` critic judges per step (a fresh random subset of its point set).
SET_CRITIC_SUBSET = 256


def _weights(model: torch.nn.Module) -> dict[str, torch.Tensor]:
    return {name: tensor.detach().clone() for name, tensor in model.state_dict().items()}


def discover(config: DiscoveryConfig | Mapping[str, Any], *, checkpoint: Checkpoint | None = None,
             critic_checkpoints: Checkpoints | None = None, stream_prefix: tuple[object, ...] = ()) -> DiscoveryResult:
    """Train a latent model under a critic and distil it to one formula; nothing is written.

    Every random stream derives from ``config.seed`` by name (under ``stream_prefix``: a
    portfolio's candidate); torch's global RNG is left as it was, and so is torch's thread
    count (``config.threads`` holds only while the run lasts). ``checkpoint`` keeps the
    training loop's state and ``critic_checkpoints`` that of the critic trained first (a run
    folder's, in the command); given stores that hold progress, the run continues from there.
    A portfolio config (several libraries, 'auto' or 'sr') runs with :func:`discover_portfolio`.
    """
    config = config if isinstance(config, DiscoveryConfig) else DiscoveryConfig.from_dict(config)
    if config.is_portfolio:
        raise ParameterError(f"discover runs one library; 'library' {config.library or AUTO!r} (with data, the "
                             "default is a portfolio) runs with discover_portfolio.")
    threads = torch.get_num_threads()
    if config.threads is not None:
        torch.set_num_threads(config.threads)
    try:
        return _discover(config, RunStreams(config.seed, *stream_prefix), checkpoint, critic_checkpoints)
    finally:
        torch.set_num_threads(threads)


@dataclass(frozen=True)
class TrainedModel:
    """The network of a run after training (predicting the raw target), its training state, critic and library.

    ``library_name`` is the library as the config names it (a built-in or generated name, a path).
    """

    model: LatentModel
    state: DiscoveryState
    critic: DiscoveryCritic | None
    library: FunctionLibrary
    library_name: str


def train_model(config: DiscoveryConfig, data: DiscoveryData, streams: RunStreams, *,
                checkpoint: Checkpoint | None = None, critic_checkpoints: Checkpoints | None = None) -> TrainedModel:
    """The critic (from ``critic_dir`` or trained first, when used) and the latent model trained under it.

    The first half of :func:`discover`, on its own so that the training can be studied
    without the read-out (``benchmarks/bench_latent_alignment.py``).
    """
    from oraclelab.symbolic import FunctionLibrary
    from oraclelab.symbolic.models import build_model

    critic, regulariser = None, None
    if config.critic_weight > 0:  # from critic_dir, or trained first
        critic = discovery_critic(config, data, streams, checkpoints=critic_checkpoints)
        regulariser = CriticRegulariser(critic.critic, critic.points, weight=config.critic_weight, shape=config.shape,
                                        point_subset=SET_CRITIC_SUBSET if critic.kind == "set" else None,
                                        generator=streams.torch("critic point subsets"))
    library_name = critic.library if critic is not None else readout_library(config, data)
    n_latents = config.n_latents or data.n_true_latents or 3
    model = build_model(config.model, data.X.shape[1], n_latents, generator=streams.torch("model init"),
                        **config.model_hyper)
    training_data, mean, std = standardised_target(model, data)
    library = FunctionLibrary.load(library_name)
    state = train_discovery(config, training_data, model, regulariser, streams.torch("training"), library=library,
                            checkpoint=checkpoint)
    restore_target_scale(model, mean, std)
    return TrainedModel(model, state, critic, library, library_name)


def _discover(config: DiscoveryConfig, streams: RunStreams, checkpoint: Checkpoint | None,
              critic_checkpoints: Checkpoints | None) -> DiscoveryResult:
    start = time.perf_counter()
    data = load_discovery_data(config)
    trained = train_model(config, data, streams, checkpoint=checkpoint, critic_checkpoints=critic_checkpoints)
    model, state, critic = trained.model, trained.state, trained.critic
    model_state = _weights(model)
    min_corr_raw = evaluate(model, data, "validation")[1]
    purified_state = None
    if config.purity > 0 and model.outer.kind == "sum" and data.X.shape[1] > 1:
        model = purify(model, torch.as_tensor(data.part("train", data.X), dtype=torch.float32))
        purified_state = _weights(model)
    val_loss, min_corr = evaluate(model, data, "validation")
    with progress_bar("distillation", total=distillation_steps(model, config)) as bar:
        distilled = distill(model, data, config, library=trained.library, streams=streams, progress=bar)
    logger.info("discovery: min_corr %s, R^2 test %.6g, equivalent %s", min_corr, distilled.r2_test,
                distilled.equivalent)
    return DiscoveryResult(
        config=config, data=data, distillation=distilled, min_corr=min_corr, min_corr_unpurified=min_corr_raw,
        val_loss=val_loss, epochs=state.epoch, training_seconds=state.seconds, seconds=time.perf_counter() - start,
        rows=tuple(state.rows), model_config=dict(model.config), model_state=model_state,
        purified_state=purified_state, critic_library=trained.library_name,
        critic_training=None if critic is None else critic.training, streams=streams.used(),
    )
