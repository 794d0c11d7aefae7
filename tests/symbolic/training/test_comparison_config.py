"""The comparison's config and its scikit-learn baselines."""

from __future__ import annotations

import numpy as np
import pytest

from oraclelab.errors import ParameterError
from oraclelab.symbolic.training._comparison_config import ComparisonConfig, sklearn_classifiers


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_every_sklearn_baseline_fits_and_scores():
    generator = np.random.default_rng(0)
    x = np.r_[generator.normal(0, 1, (20, 5)), generator.normal(3, 1, (20, 5))]
    y = np.r_[np.zeros(20), np.ones(20)].astype(int)
    factories = sklearn_classifiers(0)
    assert set(factories) == {"MLPClassifier", "KNeighbors", "SVC", "GaussianProcess", "DecisionTree",
                              "RandomForest", "AdaBoost", "GaussianNB", "QDA"}
    for name, factory in factories.items():
        assert factory().fit(x, y).score(x, y) > 0.9, name


def test_an_unknown_classifier_name_is_a_parameter_error_naming_the_field_and_the_known_names():
    with pytest.raises(ParameterError, match="'classifiers' parameter .* 'Perceptron'; known: MLPClassifier, KNeigh"):
        ComparisonConfig(size=8, repeats=1, classifiers=("SVC", "Perceptron"))


def test_bad_sizes_and_kinds_are_parameter_errors_naming_the_field():
    with pytest.raises(ParameterError, match="'size'"):
        ComparisonConfig(size=3)
    with pytest.raises(ParameterError, match="'critic'"):
        ComparisonConfig(critic="nope")
    with pytest.raises(ParameterError, match="'critic_lr'"):
        ComparisonConfig(critic_lr=0.0)
