"""ElicitedFairMetric: the score against a hand computation, the report, JSON, and the scikit-learn scorer with routing."""

import json

import numpy as np
import pytest
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score

from oraclelab.elicit.fair._elicited import ElicitedFairMetric
from oraclelab.errors import DataFileError, ParameterError

# Two groups, two classes. Group a: true 0 -> predicted 0, 1 (FPR 1/2); true 1 -> 1, 0 (FNR 1/2).
# Group b: true 0 -> 0, 1 (FPR 1/2); true 1 -> 1, 1 (FNR 0). Overall FPR 2/4, FNR 1/4.
Y_TRUE = [0, 0, 1, 1, 0, 1, 0, 1]
Y_PRED = [0, 1, 1, 0, 0, 1, 1, 1]
GROUPS = ["a", "a", "a", "a", "b", "b", "b", "b"]


def _metric(lam=0.4):
    return ElicitedFairMetric(np.array([0.6, 0.8]), np.array([[[1.0, 0.2], [0.2, 1.0]]]), lam, ("0", "1"), ("a", "b"))


def test_score_is_the_hand_computation():
    # performance (1 - 0.4) * (0.6 * 1/2 + 0.8 * 1/4) = 0.3; gap d = (0, 1/2): 0.4 / 2 * d'Bd = 0.2 * 0.25 = 0.05
    assert _metric().score(Y_TRUE, Y_PRED, sensitive_features=GROUPS) == pytest.approx(0.35, abs=1e-15)
    report = _metric().report(Y_TRUE, Y_PRED, sensitive_features=GROUPS)
    assert report["by_group"]["b"] == {"P(pred 1 | true 0)": 0.5, "P(pred 0 | true 1)": 0.0}
    assert report["overall"] == {"P(pred 1 | true 0)": 0.5, "P(pred 0 | true 1)": 0.25}
    assert report["largest_gaps"]["P(pred 0 | true 1)"] == {"difference": 0.5, "highest": "a", "lowest": "b"}
    assert report["performance"] == pytest.approx(0.3) and report["fairness"] == {"a vs b": pytest.approx(0.05)}


def test_bad_rows_are_refused_in_one_line():
    with pytest.raises(ParameterError, match="group 'c' is not one of"):
        _metric().score(Y_TRUE, Y_PRED, sensitive_features=GROUPS[:-1] + ["c"])
    with pytest.raises(ParameterError, match="lengths must match"):
        _metric().score(Y_TRUE, Y_PRED, sensitive_features=GROUPS[:-1])
    with pytest.raises(ParameterError, match="group 'b' has no rows of class '1'"):
        _metric().score([0, 0, 1, 1, 0, 0, 0, 0], Y_PRED, sensitive_features=GROUPS)
    with pytest.raises(ParameterError, match="lam"):
        _metric(lam=1.5)


def test_json_round_trip_and_broken_files(tmp_path):
    metric = ElicitedFairMetric(np.array([0.6, 0.8]), np.array([[[1.0, 0.2], [0.2, 1.0]]]), 0.4, ("0", "1"), ("a", "b"),
                                {"lam_interval": [0.3, 0.5]}, {"seed": 1})
    loaded = ElicitedFairMetric.load(metric.save(tmp_path / "m.json"))
    assert loaded.to_dict() == metric.to_dict() and json.loads((tmp_path / "m.json").read_text())["format_version"] == 1
    (tmp_path / "bad.json").write_text('{"kind": "oraclelab.ElicitedMetric"}')
    with pytest.raises(DataFileError, match="not an oraclelab ElicitedFairMetric"):
        ElicitedFairMetric.load(tmp_path / "bad.json")


def _data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    y = (X[:, 0] + 0.5 * rng.normal(size=200) > 0).astype(int)
    groups = np.where(X[:, 1] > 0, "a", "b")
    return X, y, groups


def test_scorer_routes_sensitive_features_inside_cross_validation():
    X, y, groups = _data()
    metric = _metric()
    with sklearn.config_context(enable_metadata_routing=True):
        scorer = metric.make_scorer()
        scores = cross_val_score(LogisticRegression(), X, y, cv=KFold(4), scoring=scorer, params={"sensitive_features": groups})
        search = GridSearchCV(LogisticRegression(), {"C": [0.1, 1.0]}, cv=3, scoring=metric.make_scorer())
        search.fit(X, y, sensitive_features=groups)
    # fold by fold, the scorer's numbers are the metric's own on that fold's rows
    folds = np.array_split(np.arange(200), 4)
    expected = []
    for test in folds:
        train = np.setdiff1d(np.arange(200), test)
        model = LogisticRegression().fit(X[train], y[train])
        expected.append(metric.score(y[test], model.predict(X[test]), sensitive_features=groups[test]))
    np.testing.assert_allclose(scores, expected, atol=1e-12)
    assert np.isfinite(search.best_score_)


def test_scorer_without_routing_says_how_to_enable_it():
    X, y, _ = _data()
    model = LogisticRegression().fit(X, y)
    with pytest.raises(ParameterError, match="enable_metadata_routing"):
        _metric().make_scorer()(model, X, y)
