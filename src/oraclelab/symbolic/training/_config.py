"""The validated configuration of one critic-training run (round-trips through YAML/JSON)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Mapping

from oraclelab._config import DictConfig
from oraclelab._validation import check_choice, check_int_at_least, check_positive
from oraclelab.errors import ParameterError
from oraclelab.symbolic.sampling._networks import ACTIVATIONS, RandomNetworkConfig

OWNER = "train_critic"
CRITIC_NAMES = ("mlp", "stack", "embed", "conv", "set")
LOSS_NAMES = ("bce", "wgan-gp")
#: Adam learning rate per critic kind when none is given: the fastest to 0.99 held-out
#: accuracy on F11 (grid:-3:3:700, median over seeds 0-4) of the rates tried: 2e-3 and
#: 5e-3 for every kind, 1e-2 also for stack, embed and conv; benchmarks/bench_critics.py
#: reports the resulting times.
DEFAULT_LR = {"mlp": 2e-3, "stack": 2e-3, "embed": 1e-2, "conv": 5e-3, "set": 5e-3}
#: fields that may change when a run is resumed (budgets and stopping rules).
RESUMABLE_FIELDS = ("target_accuracy", "max_epochs", "max_seconds")


@dataclass(frozen=True)
class CriticTrainingConfig(DictConfig):
    """Everything that defines a critic-training run; one ``seed`` drives all randomness.

    An "epoch" is one Adam step on a fresh batch of ``batch`` real and ``batch`` fake
    functions. Training fakes are ``fakes_per_network`` latent units of each random
    network: each has the distribution of a unit of a ``network_latent_width`` network,
    and sharing the hidden layers makes them about four times cheaper to draw; held-out
    and calibration fakes come from networks of ``network_latent_width`` units. Held-out
    accuracy is measured every ``eval_every`` epochs on ``heldout_size`` functions (half
    real, half fake) drawn once from their own stream.
    With ``calibrate`` the critic's per-channel input scale is set to the inverse
    standard deviation of a separate sample of real and fake functions before training.
    With ``point_subset`` (``set`` critic only) each step uses a fresh random subset of
    that many points; held-out accuracy always uses every point.
    Training stops when held-out accuracy reaches ``target_accuracy``, after
    ``max_epochs``, or once ``max_seconds`` of wall-clock time have passed.
    ``lr=None`` becomes the critic kind's :data:`DEFAULT_LR` (so configs always record it).
    """

    OWNER: ClassVar[str] = OWNER
    library: str = "F11"
    points: str = "grid:-3:3:700"
    critic: str = "mlp"
    critic_hyper: dict = field(default_factory=dict)
    loss: str = "bce"
    gp: float = 10.0
    network_depth: int = 2
    network_width: int = 32
    network_activation: str = "relu"
    network_latent_width: int = 3
    fakes_per_network: int = 16
    calibrate: bool = True
    batch: int = 64
    point_subset: int | None = None
    lr: float | None = None
    weight_decay: float = 0.0
    target_accuracy: float = 0.99
    max_epochs: int = 10_000
    max_seconds: float | None = None
    eval_every: int = 5
    heldout_size: int = 1000
    seed: int = 0

    def __post_init__(self) -> None:
        check_choice(self.critic, "critic", OWNER, CRITIC_NAMES)
        check_choice(self.loss, "loss", OWNER, LOSS_NAMES)
        check_choice(self.network_activation, "network_activation", OWNER, tuple(ACTIVATIONS))
        for name in ("network_width", "network_latent_width", "fakes_per_network", "batch", "max_epochs", "eval_every"):
            check_int_at_least(getattr(self, name), name, OWNER, 1)
        check_int_at_least(self.network_depth, "network_depth", OWNER, 0)
        check_int_at_least(self.heldout_size, "heldout_size", OWNER, 2)
        check_int_at_least(self.seed, "seed", OWNER, 0)
        if self.lr is None:
            object.__setattr__(self, "lr", DEFAULT_LR[self.critic])
        check_positive(self.lr, "lr", OWNER)
        if self.max_seconds is not None:
            check_positive(self.max_seconds, "max_seconds", OWNER)
        for name in ("gp", "weight_decay"):
            if not float(getattr(self, name)) >= 0:
                raise ParameterError(f"The '{name}' parameter of {OWNER} must be >= 0. Got {getattr(self, name)!r} instead.")
        if not 0.0 < float(self.target_accuracy) <= 1.0:
            raise ParameterError(
                f"The 'target_accuracy' parameter of {OWNER} must be in (0, 1]. Got {self.target_accuracy!r} instead."
            )
        if self.point_subset is not None:
            check_int_at_least(self.point_subset, "point_subset", OWNER, 1)
            if self.critic != "set":
                raise ParameterError(f"The 'point_subset' parameter of {OWNER} needs the 'set' critic, which accepts "
                                     f"any number of points. Got critic {self.critic!r}.")
        if not isinstance(self.critic_hyper, Mapping):
            raise ParameterError(f"The 'critic_hyper' parameter of {OWNER} must be a mapping. Got {self.critic_hyper!r}.")

    @property
    def network(self) -> RandomNetworkConfig:
        """The random-network ("fake") architecture."""
        return RandomNetworkConfig(self.network_depth, self.network_width, self.network_activation,
                                   self.network_latent_width)

    def differences(self, other: "CriticTrainingConfig", *, ignore: tuple[str, ...] = ()) -> list[str]:
        """Names of fields whose values differ, apart from ``ignore``."""
        mine, theirs = self.to_dict(), other.to_dict()
        return [name for name in mine if name not in ignore and mine[name] != theirs[name]]
