"""The validated configuration of one discovery run (round-trips through YAML/JSON).

Each field that is also a command-line option of ``oraclelab symbolic discover`` carries its
help here (:func:`oraclelab._config.option`). The module stays torch-free so the CLI can
build the command without loading torch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from oraclelab._config import DictConfig, option
from oraclelab._validation import check_choice, check_int_at_least, check_positive
from oraclelab.errors import ParameterError
from oraclelab.symbolic.critics import CRITIC_KINDS
from oraclelab.symbolic.models._names import ACTIVATION_CLASSES, MODEL_CLASSES, OUTPUTS

OWNER = "discover"
REGULARISER_SHAPES = ("linear", "sigmoid", "log-sigmoid")
#: The built-in problem a run learns when neither ``problem`` nor ``data`` is given.
DEFAULT_PROBLEM = "F11"
#: The relative noise the searches assume when none is known (the built-in problems are noise-free).
NOISE_FREE = 1e-6
#: In a library list: every library fitting the input dimension plus the single-index candidate and
#: direct SR; direct SR alone; the single-index candidate alone (the target as f of a short sum of terms).
AUTO, DIRECT_SR, SINGLE_INDEX, PRODUCTS = "auto", "sr", "index", "products"
#: ``model_hyper`` keys whose values are names, with the names they may take.
MODEL_HYPER_CHOICES = {"output": OUTPUTS, "activation": tuple(ACTIVATION_CLASSES)}


@dataclass(frozen=True)
class DiscoveryConfig(DictConfig):
    """Everything that defines a discovery run; one ``seed`` drives all randomness.

    The model is trained on ``problem`` (a built-in name; F11 when neither it nor ``data`` is
    given) or on a user table (``data`` with ``inputs`` and ``target``), with loss MSE + ``l1`` * mean |latent| + ``entropy`` * mask
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
    problem: str | None = option(None, help=f"Built-in problem (see 'oraclelab symbolic problems'); {DEFAULT_PROBLEM} "
                                            "when no data file is given.")
    data: str | None = option(None, help="CSV or NPZ file with named columns.")
    inputs: tuple[str, ...] = option((), help="Input column names (with a data file).")
    target: str | None = option(None, help="Target column name (with a data file).")
    n_samples: int | None = option(None, help="Samples drawn for a built-in problem (default: the problem's).")
    model: str = option("dsn", help="Discovery model.", choices=tuple(MODEL_CLASSES))
    n_latents: int | None = option(None, help="Latent features (default: the problem's, else 3).")
    model_hyper: dict = field(default_factory=dict)
    epochs: int = option(2000, help="Training steps (full batch).")
    lr: float = option(3e-3, help="Adam learning rate.")
    l1: float = option(0.0, help="Weight of mean |latent|.")
    entropy: float = option(0.01, help="Weight of the DSN mask entropy.")
    purity: float = option(0.1, help="Weight of the latents' ANOVA impurity (0: none; no effect with one input).")
    purity_points: int = option(128, help="Rows at which the impurity is estimated each step.")
    purity_reference: int = option(32, help="Reference rows the impurity's main effects average over.")
    critic_weight: float = option(0.1, help="Weight of the critic penalty (0: none).")
    shape: str = option("log-sigmoid", help="Critic penalty shape.", choices=REGULARISER_SHAPES)
    critic_dir: str | None = option(None, help="A 'train-critic' run folder to use, frozen.")
    library: str | None = option(None, help="The critic's library, or a portfolio of them, comma separated: built-in "
                                            "names, generated ones (terms:D, poly:D), .lib files, 'sr' (direct "
                                            "symbolic regression), 'index' (the target as a function of one sum of "
                                            "simple terms), 'products' (a sum of simple terms and their pairwise "
                                            "products) and 'auto' (every library fitting the input dimension, "
                                            "plus products and index with two or more inputs, plus sr). Default: 'auto' with a "
                                            "data file, the problem's library with a problem.")
    critic: str = option("stack", help="Kind of the critic trained first.", choices=tuple(CRITIC_KINDS))
    critic_points: str | None = option(None, help="Points of the critic trained first.")
    critic_max_epochs: int = option(2000, help="Step cap of the critic trained first (it stops earlier at 0.99 "
                                               "held-out accuracy).")
    critic_max_seconds: float = option(600.0, help="Safety cap of the critic trained first, in seconds (reported when "
                                                   "hit).")
    co_train: bool = option(True, help="Keep training the critic adversarially, or freeze it.",
                            flag="--co-train/--frozen-critic")
    eval_every: int = option(50, help="Steps between metrics rows and checkpoints.")
    sr_seconds: float = option(300.0, help="Safety cap of each latent's symbolic regression, in seconds (reported "
                                           "when hit).")
    sr_generations: int = option(40, help="Generations of each latent's symbolic regression (this, not the time, "
                                          "ends a search).")
    sr_latent_noise: float = option(0.05, help="Assumed noise of a latent, relative to its std, for SR model selection.")
    sr_latent_r2_tolerance: float = option(1e-3, help="Read a latent out as the shortest formula of the Pareto front "
                                                      "within this R^2 of the best.")
    sr_latent_functions: tuple[str, ...] | None = option(None, help="One-argument functions of the latent searches "
                                                                    "(default: the critic library's).")
    sr_library_tolerance: float = option(0.05, help="Read a latent out as its closest library member when that "
                                                    "member's R^2 is within this of the SR formula's.")
    sr_outer_seconds: float = option(600.0, help="Safety cap of each outer-function search, in seconds (reported "
                                                 "when hit).")
    sr_outer_generations: int = option(100, help="Generations of each outer search (this, not the time, ends it).")
    sr_outer_max_length: int = option(40, help="Longest outer formula, in nodes.")
    sr_outer_noise: float = option(NOISE_FREE, help="Assumed noise of the target, relative to its std (raise for noisy "
                                                    "data: above the default, outer terms that fit only noise are pruned).")
    sr_outer_restarts: int = option(3, help="Most outer searches, each from another random state (stops at an exact "
                                            "fit); the portfolio's selection rule picks one.")
    sr_direct_generations: int = option(0, help="Generations of a portfolio's direct SR candidate (0: one discovery's "
                                                "outer searches, sr_outer_generations x sr_outer_restarts, for each "
                                                "other candidate of the portfolio that runs them, all but 'products').")
    index_max_terms: int = option(5, help="Most terms of the single-index candidate's latent sum.")
    index_beam: int = option(30, help="Supports of each size the single-index candidate extends by one term.")
    index_starts: int = option(3, help="Random starts of each single-index support fit, besides the least-squares one.")
    index_steps: int = option(30, help="Levenberg-Marquardt steps of each single-index support fit.")
    products_max_terms: int = option(5, help="Most terms and pairwise products of the products candidate's sum.")
    products_beam: int = option(100, help="Supports of each size the products candidate extends by one term.")
    noise: float | None = option(None, help="Noise std of the target relative to its std (default: estimated from "
                                            "the data by local-polynomial residuals); used to choose among a portfolio's "
                                            "candidates, and assumed by their searches when given or clearly "
                                            "resolved.")
    exhaustive: bool = option(False, help="Run every candidate of a portfolio; by default the first one, in the "
                                          "portfolio's order, that fits the validation rows to float precision ends "
                                          "it.")
    workers: int = option(0, help="Portfolio candidates run at once on a local process pool (0: one per core; 1: one "
                                  "after another in this process).")
    scheduler: str | None = option(None, help="A Dask scheduler (tcp://HOST:8786) that runs the portfolio's candidates.")
    threads: int | None = option(None, help="Threads of torch and of each search (default: all cores; 1 for each "
                                            "candidate of a portfolio).")
    seed: int = option(0, help="Seed of every random stream of the run.")

    def __post_init__(self) -> None:
        if self.problem is not None and self.data is not None:
            raise ParameterError(f"{OWNER} takes one of 'problem' ({self.problem!r}) or 'data' ({self.data!r}), "
                                 "not both.")
        if self.problem is None and self.data is None:
            object.__setattr__(self, "problem", DEFAULT_PROBLEM)
        if self.data is not None and (not self.inputs or not self.target):
            raise ParameterError(f"{OWNER}: a 'data' file needs the 'inputs' and 'target' column names.")
        if self.data is None and (self.inputs or self.target):
            raise ParameterError(f"{OWNER}: 'inputs' and 'target' name columns of a 'data' file; "
                                 f"the problem {self.problem!r} has its own.")
        self.check_choices()
        for name, choices in MODEL_HYPER_CHOICES.items():
            if name in self.model_hyper:
                check_choice(self.model_hyper[name], name, OWNER, choices)
        self._check_numbers()
        if self.library is not None and not self.library_specs:
            raise ParameterError(f"The 'library' parameter of {OWNER} names no library. Got {self.library!r} instead.")
        if self.critic_dir is not None and self.is_portfolio:
            raise ParameterError(f"{OWNER}: 'critic_dir' gives one critic; a portfolio ('library' "
                                 f"{self.library or AUTO!r}) trains one per library.")
        object.__setattr__(self, "inputs", tuple(self.inputs or ()))
        if self.sr_latent_functions is not None:
            object.__setattr__(self, "sr_latent_functions", tuple(self.sr_latent_functions))

    @property
    def library_specs(self) -> tuple[str, ...]:
        """The comma-separated entries of ``library`` (empty when it is None)."""
        return tuple(part.strip() for part in (self.library or "").split(",") if part.strip())

    @property
    def is_portfolio(self) -> bool:
        """Whether the run is a portfolio of candidates (several libraries, 'auto', 'sr', or data without a library)."""
        specs = self.library_specs
        if not specs:
            return self.data is not None and self.critic_dir is None
        return len(specs) > 1 or specs[0] in (AUTO, DIRECT_SR, SINGLE_INDEX, PRODUCTS)

    @property
    def trains_critic(self) -> bool:
        """Whether the run trains its critic first (a critic is used, and no folder gives one)."""
        return self.critic_weight > 0 and self.critic_dir is None

    def _check_numbers(self) -> None:
        for name in ("epochs", "eval_every", "critic_max_epochs", "sr_generations", "sr_outer_generations", "sr_outer_max_length",
                     "sr_outer_restarts", "purity_points", "purity_reference", "index_max_terms", "index_beam",
                     "index_steps", "products_max_terms", "products_beam"):
            check_int_at_least(getattr(self, name), name, OWNER, 1)
        check_int_at_least(self.seed, "seed", OWNER, 0)
        check_int_at_least(self.workers, "workers", OWNER, 0)
        check_int_at_least(self.sr_direct_generations, "sr_direct_generations", OWNER, 0)
        check_int_at_least(self.index_starts, "index_starts", OWNER, 0)
        if self.threads is not None:
            check_int_at_least(self.threads, "threads", OWNER, 1)
        if self.noise is not None and not float(self.noise) >= 0:
            raise ParameterError(f"The 'noise' parameter of {OWNER} must be >= 0. Got {self.noise!r} instead.")
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
