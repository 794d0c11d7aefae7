"""The critic a discovery run is regularised by: read from a train-critic folder, or trained first."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import torch
import yaml

from oraclelab.errors import DataFileError
from oraclelab.symbolic.discovery._config import DiscoveryConfig
from oraclelab.symbolic.discovery._data import DiscoveryData
from oraclelab.symbolic.discovery._streams import RunStreams

if TYPE_CHECKING:
    from oraclelab.symbolic.critics import Critic
    from oraclelab.symbolic.training._checkpoint import Checkpoints
    from oraclelab.symbolic.training._result import CriticTrainingResult

@dataclass(frozen=True)
class DiscoveryCritic:
    """A critic ready to judge latents: the module, its points (P, d), its library and kind.

    ``training`` is the run that trained it first (None when read from a folder).
    """

    critic: Critic
    points: torch.Tensor
    library: str
    kind: str
    training: CriticTrainingResult | None


def critic_settings(critic_dir: str | Path) -> dict[str, Any]:
    """The training settings (config.yaml) of a train-critic run folder; a missing or broken file is a DataFileError."""
    path = Path(critic_dir) / "config.yaml"
    try:
        settings = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataFileError(f"{path}: file not found (critic_dir must be a train-critic run folder).") from None
    except (OSError, yaml.YAMLError) as error:
        raise DataFileError(f"{path}: cannot read the critic's settings ({type(error).__name__}).") from None
    if not isinstance(settings, dict) or "library" not in settings:
        raise DataFileError(f"{path}: not a train-critic config (no 'library').")
    return settings


def default_library(config: DiscoveryConfig, data: DiscoveryData) -> str:
    """The built-in library named like the problem (F11), else the general one for the input dimension.

    With three or more inputs (no hand-written library fits) it is ``terms:D``, generated for the dimension.
    """
    from oraclelab.symbolic import list_builtin_libraries
    from oraclelab.symbolic.formulas._generated import generated_name

    if config.problem in list_builtin_libraries():
        return config.problem
    dimension = data.X.shape[1]
    return {1: "general1d", 2: "general2d"}.get(dimension, generated_name("terms", dimension))


def readout_library(config: DiscoveryConfig, data: DiscoveryData) -> str:
    """The library that guides the read-out of a run without a critic: given, the critic folder's, or the default."""
    if config.library is not None:
        return config.library
    if config.critic_dir is not None:
        return critic_settings(config.critic_dir)["library"]
    return default_library(config, data)


def _default_points(data: DiscoveryData) -> str:
    lo, hi = float(data.X.min()), float(data.X.max())
    if data.X.shape[1] == 1:
        return f"grid:{lo:g}:{hi:g}:{min(len(data.X), 700)}"
    return f"normal:256:{data.X.shape[1]}"


def discovery_critic(config: DiscoveryConfig, data: DiscoveryData, streams: RunStreams, *,
                     checkpoints: Checkpoints | None = None) -> DiscoveryCritic:
    """The critic of ``config.critic_dir``, or one trained first on the run's library.

    ``checkpoints`` keeps the critic training's progress (``train_critic``'s store), so a
    resumed run continues it.
    """
    from oraclelab.symbolic.training import CriticTrainingConfig, load_critic, train_critic
    from oraclelab.symbolic.training._setup import training_points

    if config.critic_dir is not None:
        settings = critic_settings(config.critic_dir)
        return DiscoveryCritic(load_critic(config.critic_dir), training_points(settings["points"], settings["seed"]),
                               settings["library"], settings["critic"], None)
    settings = CriticTrainingConfig(library=config.library or default_library(config, data),
                                    points=config.critic_points or _default_points(data), critic=config.critic,
                                    seed=streams.integer("critic"), max_epochs=config.critic_max_epochs,
                                    max_seconds=config.critic_max_seconds)
    training = train_critic(settings, checkpoints=checkpoints)
    return DiscoveryCritic(training.critic(), training_points(settings.points, settings.seed), settings.library,
                           settings.critic, training)
