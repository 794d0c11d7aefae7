"""The validated configuration of one critic-training run (round-trips through YAML/JSON).

torch-free: the command line builds its options from the fields (``option``) at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Mapping

from oraclelab._config import DictConfig, option
from oraclelab._validation import check_int_at_least, check_positive
from oraclelab.errors import ParameterError
from oraclelab.symbolic.critics._kinds import CRITIC_KINDS, LOSSES
from oraclelab.symbolic.sampling._activations import NETWORK_ACTIVATIONS

if TYPE_CHECKING:
    from oraclelab.symbolic.sampling._networks import RandomNetworkConfig

OWNER = "train_critic"
#: Adam learning rate per critic kind when none is given: the fastest to 0.99 held-out
#: accuracy on F11 (grid:-3:3:700, median over seeds 0-4) of the rates tried: 2e-3 and
#: 5e-3 for every kind, 1e-2 also for stack, embed and conv; benchmarks/bench_critics.py
#: reports the resulting times.
DEFAULT_LR = {"mlp": 2e-3, "stack": 2e-3, "embed": 1e-2, "conv": 5e-3, "set": 5e-3}
#: fields that may change when a run is resumed (budgets and stopping rules).
RESUMABLE_FIELDS = ("target_accuracy", "max_epochs", "max_seconds")
#: fields that may differ between the critics trained together by ``train_critic_batch``.
PER_MODEL_FIELDS = ("lr", "weight_decay", "seed", "target_accuracy", "max_epochs", "max_seconds")


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
    library: str = option("F11", help="Built-in library name or .lib file.")
    points: str = option("grid:-3:3:700", help="Point set: grid:LO:HI:N, normal:N, clipped-normal:STD:LO:HI:N, file:PATH.")
    critic: str = option("mlp", help="Critic architecture.", choices=tuple(CRITIC_KINDS))
    critic_hyper: dict = field(default_factory=dict)
    loss: str = option("bce", choices=LOSSES, help="bce, or wgan-gp (accuracy then thresholds at the midpoint of "
                                                   "mean real and fake scores).")
    gp: float = option(10.0, help="Gradient-penalty weight (wgan-gp).")
    network_depth: int = option(2, flag="--net-depth", help="Hidden layers of the random networks (symrep SRNet: 2).")
    network_width: int = option(32, flag="--net-width", help="Hidden width of the random networks (symrep SRNet: 32).")
    network_activation: str = option("relu", flag="--net-activation", choices=NETWORK_ACTIVATIONS,
                                     help="Hidden activation of the random networks.")
    network_latent_width: int = option(3, flag="--net-latent-width",
                                       help="Latent units per random network (symrep SRNet: 3).")
    fakes_per_network: int = option(16, help="Training fakes taken from each random network (same law as one unit of "
                                             "a network_latent_width network, cheaper; held-out fakes use whole networks).")
    calibrate: bool = option(True, help="Scale the critic's inputs by their spread on a separate sample first.")
    batch: int = option(64, help="Real and fake functions per step (each).")
    point_subset: int | None = option(None, help="set critic: random points per step.")
    lr: float | None = option(None, help="Adam learning rate (default: the critic kind's tuned rate, see the README).")
    weight_decay: float = option(0.0, help="Adam weight decay.")
    target_accuracy: float = option(0.99, help="Stop at this held-out accuracy, in (0, 1].")
    max_epochs: int = option(10_000, help="Step budget (one epoch = one step on fresh functions).")
    max_seconds: float | None = option(None, help="Wall-clock budget in seconds.")
    eval_every: int = option(5, help="Steps between held-out evaluations (excluded from the training clock).")
    heldout_size: int = option(1000, help="Held-out functions (half real, half fake).")
    seed: int = option(0, help="Seed of every random stream.")

    def __post_init__(self) -> None:
        self.check_choices()
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
        from oraclelab.symbolic.sampling._networks import RandomNetworkConfig

        return RandomNetworkConfig(self.network_depth, self.network_width, self.network_activation,
                                   self.network_latent_width)

    def differences(self, other: "CriticTrainingConfig", *, ignore: tuple[str, ...] = ()) -> list[str]:
        """Names of fields whose values differ, apart from ``ignore``."""
        mine, theirs = self.to_dict(), other.to_dict()
        return [name for name in mine if name not in ignore and mine[name] != theirs[name]]
