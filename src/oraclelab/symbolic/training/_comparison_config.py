"""What the critic-vs-classifiers comparison runs: its config and the scikit-learn baselines (torch-free)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from oraclelab._config import DictConfig, option
from oraclelab._validation import check_int_at_least, check_positive
from oraclelab.errors import ParameterError
from oraclelab.symbolic.critics._kinds import CRITIC_KINDS

__all__ = ["ComparisonConfig", "sklearn_classifiers"]


def sklearn_classifiers(random_state: int) -> dict[str, Callable[[], Any]]:
    """Factories of the scikit-learn baselines (symrep's comparison), defaults unless noted
    (MLPClassifier keeps its default 200 iterations: on 1000 x 100 data more iterations
    cost a minute per fit)."""
    from sklearn.discriminant_analysis import QuadraticDiscriminantAnalysis
    from sklearn.ensemble import AdaBoostClassifier, RandomForestClassifier
    from sklearn.gaussian_process import GaussianProcessClassifier
    from sklearn.naive_bayes import GaussianNB
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.neural_network import MLPClassifier
    from sklearn.svm import SVC
    from sklearn.tree import DecisionTreeClassifier

    return {
        "MLPClassifier": lambda: MLPClassifier(random_state=random_state),
        "KNeighbors": lambda: KNeighborsClassifier(3),
        "SVC": lambda: SVC(random_state=random_state),
        "GaussianProcess": lambda: GaussianProcessClassifier(random_state=random_state),
        "DecisionTree": lambda: DecisionTreeClassifier(random_state=random_state),
        "RandomForest": lambda: RandomForestClassifier(random_state=random_state),
        "AdaBoost": lambda: AdaBoostClassifier(random_state=random_state),
        "GaussianNB": lambda: GaussianNB(),
        "QDA": lambda: QuadraticDiscriminantAnalysis(reg_param=1e-3),
    }


@dataclass(frozen=True)
class ComparisonConfig(DictConfig):
    """What the classifier comparison runs; validated on construction. Fields are ``compare-classifiers`` options."""

    OWNER = "compare-classifiers"

    library: str = option("F11", help="Built-in library name or .lib file.")
    points: str = option("grid:-3:3:100", help="Point set spec.")
    size: int = option(1000, help="Functions per training (and per test) set, half real.")
    repeats: int = option(10, help="Independent datasets.")
    critic: str = option("mlp", help="Critic architecture.", choices=tuple(CRITIC_KINDS))
    critic_steps: int = option(1000, help="Adam steps of the critic.")
    critic_batch: int = option(64, help="Real and fake functions per critic step (each).")
    critic_lr: float = option(2e-3, help="Adam learning rate of the critic.")
    classifiers: tuple[str, ...] | None = option(None, help="scikit-learn baselines to compare (default: all).")
    seed: int = option(0, help="Seed of every random stream.")

    def __post_init__(self) -> None:
        self.check_choices()
        check_int_at_least(self.size, "size", self.OWNER, 4)
        check_int_at_least(self.repeats, "repeats", self.OWNER, 1)
        for name in ("critic_steps", "critic_batch"):
            check_int_at_least(getattr(self, name), name, self.OWNER, 1)
        check_positive(self.critic_lr, "critic_lr", self.OWNER)
        if self.classifiers is not None:
            object.__setattr__(self, "classifiers", tuple(self.classifiers))
            known = list(sklearn_classifiers(0))
            unknown = [name for name in self.classifiers if name not in known]
            if unknown:
                raise ParameterError(f"The 'classifiers' parameter of {self.OWNER} names an unknown classifier "
                                     f"{unknown[0]!r}; known: {', '.join(known)}.")

    def classifier_names(self) -> list[str]:
        """The baselines compared, in order."""
        return list(self.classifiers if self.classifiers is not None else sklearn_classifiers(0))
