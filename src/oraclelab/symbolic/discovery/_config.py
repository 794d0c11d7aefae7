"""The validated configuration of one discovery run (round-trips through YAML/JSON)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from oraclelab._config import DictConfig
from oraclelab._validation import check_choice, check_int_at_least, check_positive
from oraclelab.errors import ParameterError
from oraclelab.symbolic.models import MODELS
from oraclelab.symbolic.models._base import ACTIVATIONS, OUTPUTS

OWNER = "discover"
REGULARISER_SHAPES = ("linear", "sigmoid", "log-sigmoid")


@dataclass(frozen=True)
class DiscoveryConfig(DictConfig):
    """Everything that defines a discovery run; one ``seed`` drives all randomness.

    The model is trained on ``problem`` (a built-in name) or on a user table (``data`` with
    ``inputs`` and ``target``), with loss MSE + ``l1`` * mean |latent| + ``entropy`` * mask
    entropy (DSN) + ``purity`` * ANOVA impurity of the latents (estimated each step on
    ``purity_points`` rows against ``purity_reference`` rows; see ``_purity``) +
    ``critic_weight`` * shape(critic score of each latent). The critic is
    loaded from a ``train-critic`` run folder (``critic_dir``) or trained first on
    ``library`` with ``critic`` on ``critic_points``. With ``co_train`` the critic keeps
    learning during discovery: library functions are real, the model's latents fake.
    After training, each latent and then the outer function are distilled by symbolic
    regression (``sr_seconds`` and ``sr_generations`` per fit). A latent is only a network's
    approximation of a formula: its fit selects models by description length assuming noise of
    ``sr_latent_noise`` times the latent's standard deviation, with the one-argument
    functions of the critic's library (``sr_latent_functions`` overrides them); of the Pareto
    front, the shortest formula whose R^2 is within ``sr_latent_r2_tolerance`` of the best is read out,
    unless the closest member of the critic's library fits within ``sr_library_tolerance`` of it
    (of the members within max(``sr_latent_r2_tolerance``, ``sr_latent_noise``**2) of the best,
    the one with the fewest coefficients).
    The outer function gets its own search (``sr_outer_seconds``, ``sr_outer_generations``,
    ``sr_outer_max_length``), selected assuming target noise of ``sr_outer_noise`` times its
    standard deviation: the built-in problems are noise-free; raise it for noisy data. It
    runs up to ``sr_outer_restarts`` times with other random states (stopping at a composition
    exact to round-off); the composition with the lowest validation MSE is kept.
    """

    OWNER: ClassVar[str] = OWNER
    problem: str | None = "F11"
    data: str | None = None
    inputs: tuple[str, ...] = ()
    target: str | None = None
    n_samples: int | None = None
    model: str = "dsn"
    n_latents: int | None = None
    model_hyper: dict = field(default_factory=dict)
    epochs: int = 2000
    lr: float = 3e-3
    l1: float = 0.0
    entropy: float = 0.01
    purity: float = 0.1
    purity_points: int = 128
    purity_reference: int = 32
    critic_weight: float = 0.1
    shape: str = "log-sigmoid"
    critic_dir: str | None = None
    library: str | None = None
    critic: str = "stack"
    critic_points: str | None = None
    critic_max_seconds: float = 120.0
    co_train: bool = True
    eval_every: int = 50
    sr_seconds: float = 10.0
    sr_generations: int = 200
    sr_latent_noise: float = 0.05
    sr_latent_r2_tolerance: float = 1e-3
    sr_latent_functions: tuple[str, ...] | None = None
    sr_library_tolerance: float = 0.05
    sr_outer_seconds: float = 60.0
    sr_outer_generations: int = 300
    sr_outer_max_length: int = 40
    sr_outer_noise: float = 1e-6
    sr_outer_restarts: int = 3
    seed: int = 0

    def __post_init__(self) -> None:
        if (self.problem is None) == (self.data is None):
            raise ParameterError(f"{OWNER} needs exactly one of --problem or --data.")
        if self.data is not None and (not self.inputs or not self.target):
            raise ParameterError(f"{OWNER} --data needs --inputs and --target column names.")
        check_choice(self.model, "model", OWNER, tuple(MODELS))
        check_choice(self.shape, "shape", OWNER, REGULARISER_SHAPES)
        if "output" in self.model_hyper:
            check_choice(self.model_hyper["output"], "output", OWNER, OUTPUTS)
        if "activation" in self.model_hyper:
            check_choice(self.model_hyper["activation"], "activation", OWNER, tuple(ACTIVATIONS))
        check_choice(self.critic, "critic", OWNER, ("mlp", "stack", "embed", "conv", "set"))
        for name in ("epochs", "eval_every", "sr_generations", "sr_outer_generations", "sr_outer_max_length",
                     "sr_outer_restarts", "purity_points", "purity_reference"):
            check_int_at_least(getattr(self, name), name, OWNER, 1)
        check_int_at_least(self.seed, "seed", OWNER, 0)
        if self.n_latents is not None:
            check_int_at_least(self.n_latents, "n_latents", OWNER, 1)
        if self.n_samples is not None:
            check_int_at_least(self.n_samples, "n_samples", OWNER, 10)
        for name in ("lr", "sr_seconds", "critic_max_seconds", "sr_latent_noise", "sr_latent_r2_tolerance",
                     "sr_library_tolerance", "sr_outer_seconds", "sr_outer_noise"):
            check_positive(getattr(self, name), name, OWNER)
        for name in ("l1", "entropy", "purity", "critic_weight"):
            if not float(getattr(self, name)) >= 0:
                raise ParameterError(f"The '{name}' parameter of {OWNER} must be >= 0. Got {getattr(self, name)!r} instead.")
        object.__setattr__(self, "inputs", tuple(self.inputs))
        if self.sr_latent_functions is not None:
            object.__setattr__(self, "sr_latent_functions", tuple(self.sr_latent_functions))
