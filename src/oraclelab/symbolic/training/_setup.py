"""What every critic-training run builds before its first step, one stream of the seed each:
the point set, the checked library, the critic, its calibration and the held-out set."""

from __future__ import annotations

import torch

from oraclelab.errors import ParameterError
from oraclelab.symbolic.critics import Critic, critic_config, critic_from_config
from oraclelab.symbolic.formulas._library import FunctionLibrary
from oraclelab.symbolic.sampling._batch import FunctionBatch
from oraclelab.symbolic.sampling._functions import FunctionSampler, LabelledFunctions, torch_generator
from oraclelab.symbolic.training._config import CriticTrainingConfig

#: real and fake functions (each) whose feature spread sets the critic's input scale.
CALIBRATION_SIZE = 256


def checked_device(device: torch.device | str, owner: str) -> torch.device:
    """``device`` as a torch device this machine has; otherwise a ParameterError naming the 'device' parameter."""
    try:
        checked = torch.device(device)
        torch.empty(0, device=checked)
    except (RuntimeError, AssertionError, TypeError) as error:
        reason = " ".join(str(error).split())[:120]
        raise ParameterError(f"The 'device' parameter of {owner} must be a torch device this machine has "
                             f"(cpu, cuda, cuda:1, ...). Got {device!r} instead ({reason}).") from None
    return checked


def training_points(spec: str, seed: int) -> torch.Tensor:
    """The point set (P, d) a run with this ``points`` spec and ``seed`` trains on (random
    specs draw from the run's "points" stream)."""
    from oraclelab.symbolic.sampling import parse_points

    return parse_points(spec, generator=torch_generator(seed, "points"))


def checked_library(config: CriticTrainingConfig, points: torch.Tensor) -> FunctionLibrary:
    """The config's library, checked against ``points`` (P, d): the input dimension must match
    and every template must give finite values and input-gradients there."""
    library = FunctionLibrary.load(config.library)
    if points.shape[-1] != library.n_inputs:
        raise ParameterError(f"The 'points' parameter of {config.OWNER} ({config.points!r}) has {points.shape[-1]} "
                             f"coordinates but its 'library' {config.library!r} takes {library.n_inputs} inputs.")
    library.check_finite(points, torch_generator(config.seed, "library-check"))
    return library


def new_critic(config: CriticTrainingConfig, points: torch.Tensor, *, device: torch.device | str) -> Critic:
    """The config's critic for ``points`` (P, d), initialised from the seed's "critic" stream."""
    described = critic_config(config.critic, points.shape[0], points.shape[-1], **config.critic_hyper)
    return critic_from_config(described, generator=torch_generator(config.seed, "critic"), device=device)


def new_sampler(config: CriticTrainingConfig, library: FunctionLibrary, points: torch.Tensor, *,
                device: torch.device | str, gradients: bool) -> FunctionSampler:
    """Draws the config's real and fake functions on ``points`` (P, d), moved to ``device``."""
    return FunctionSampler(library, points, config.network, device=device, gradients=gradients,
                           fakes_per_network=config.fakes_per_network)


def calibrate(critic: Critic, config: CriticTrainingConfig, sampler: FunctionSampler) -> None:
    """With ``config.calibrate``, set the critic's input scale from the seed's "calibrate" sample."""
    if config.calibrate:
        calibration = sampler.labelled(CALIBRATION_SIZE, torch_generator(config.seed, "calibrate"))
        sample = FunctionBatch.cat([calibration.real, calibration.fake])
        critic.calibrate(sample.values, sample.gradients, sampler.points.to(sampler.device))


def heldout_set(config: CriticTrainingConfig, sampler: FunctionSampler) -> LabelledFunctions:
    """``heldout_size`` functions, half real and half fake, from the seed's "heldout" stream."""
    return sampler.labelled(config.heldout_size // 2, torch_generator(config.seed, "heldout"))
