import json
from itertools import combinations

import numpy as np
import pytest
from sklearn.dummy import DummyClassifier
from sklearn.model_selection import GridSearchCV, StratifiedKFold

from oraclelab.elicit._elicited_metric import ElicitedMetric, rank_predictions
from oraclelab.errors import DataFileError, ParameterError


def tiny_metric(**kw):
    return ElicitedMetric(np.array([-1.0, -2.0]), np.array([[2.0, 0.5], [0.5, 0.0]]), ("neg", "pos"), **kw)


def test_score_by_hand_on_a_tiny_dataset():
    metric = tiny_metric()
    y_true = ["neg", "neg", "pos", "pos", "pos"]
    y_pred = ["neg", "pos", "pos", "neg", "neg"]
    # C[neg, pos] = 1/2 (one of two negatives), C[pos, neg] = 2/3 (two of three positives)
    np.testing.assert_allclose(metric.rates(y_true, y_pred), [0.5, 2 / 3])
    by_hand = -1 * 0.5 - 2 * (2 / 3) + 0.5 * (2 * 0.25 + 2 * 0.5 * 0.5 * (2 / 3) + 0)
    assert metric.score(y_true, y_pred) == pytest.approx(by_hand, abs=1e-12)
    # labels may also be class indices
    assert metric.score([0, 0, 1, 1, 1], [0, 1, 1, 0, 0]) == pytest.approx(by_hand, abs=1e-12)
    with pytest.raises(ParameterError, match="'y_pred' row 1: label 'maybe'"):
        metric.score(y_true, ["neg", "maybe", "pos", "neg", "neg"])
    with pytest.raises(ParameterError, match="lengths must match"):
        metric.score(y_true, y_pred[:4])


def test_json_round_trip_keeps_everything(tmp_path):
    q = 6
    rng = np.random.default_rng(0)
    B = rng.normal(size=(q, q))
    B = B + B.T
    metric = ElicitedMetric(
        rng.normal(size=q), B, ("a", "b", "c"),
        uncertainty={"a_std": np.full(q, 0.1), "B_interval": np.stack([B - 1, B + 1], axis=-1)},
        data_hash="ab" * 32, log_path="runs/x/events.jsonl", settings={"seed": 3, "oracle": "person"},
    )
    path = metric.save(tmp_path / "sub" / "m.json")
    doc = json.loads(path.read_text())
    assert doc["format_version"] == 1 and doc["provenance"]["data_hash"] == "ab" * 32
    back = ElicitedMetric.load(path)
    np.testing.assert_array_equal(back.a, metric.a)
    np.testing.assert_array_equal(back.B, metric.B)
    np.testing.assert_array_equal(back.uncertainty["B_interval"], metric.uncertainty["B_interval"])
    assert set(back.uncertainty) == {"a_std", "B_interval"}
    assert (back.classes, back.data_hash, back.log_path, back.settings) == (metric.classes, metric.data_hash, metric.log_path, metric.settings)
    assert [p.name for p in (tmp_path / "sub").iterdir()] == ["m.json"]  # no temporary left behind


def test_bad_files_give_one_line_errors(tmp_path):
    good = tiny_metric().to_dict()
    path = tmp_path / "m.json"
    path.write_text("{not json")
    with pytest.raises(DataFileError, match=r"m\.json: not valid JSON \(line 1"):
        ElicitedMetric.load(path)
    for field in ("a", "B", "classes", "format_version", "provenance"):
        doc = dict(good)
        del doc[field]
        path.write_text(json.dumps(doc))
        with pytest.raises(DataFileError, match=f"m.json: missing field '{field}'"):
            ElicitedMetric.load(path)
    path.write_text(json.dumps(dict(good, B=[[1.0, 0.0, 0.0]])))
    with pytest.raises(DataFileError, match=r"m\.json: .*B of shape \(2, 2\)"):
        ElicitedMetric.load(path)
    path.write_text(json.dumps(dict(good, format_version=99)))
    with pytest.raises(DataFileError, match="'format_version' is 99"):
        ElicitedMetric.load(path)
    path.write_text(json.dumps(dict(good, uncertainty={"a_std": [1.0]})))
    with pytest.raises(DataFileError, match="'a_std' .* shape \\(2,\\)"):
        ElicitedMetric.load(path)
    with pytest.raises(DataFileError, match="cannot be read"):
        ElicitedMetric.load(tmp_path / "missing.json")
    with pytest.raises(ParameterError, match="symmetric"):
        ElicitedMetric(np.zeros(2), np.array([[0.0, 1.0], [0.0, 0.0]]), ("a", "b"))


def test_scorer_in_grid_search_picks_the_model_a_hand_computation_says():
    # 80% negatives: accuracy prefers always 'neg'; the metric punishes missed positives
    # (C[pos, neg]) ten times more than false alarms (C[neg, pos]).
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 2))
    y = np.array(["neg"] * 80 + ["pos"] * 20)
    metric = ElicitedMetric(np.array([-0.1, -1.0]), np.zeros((2, 2)), ("neg", "pos"))
    # by hand: always 'neg' has rates (0, 1) -> -1.0; always 'pos' has (1, 0) -> -0.1
    grid = {"constant": ["neg", "pos"]}
    cv = StratifiedKFold(4)
    search = GridSearchCV(DummyClassifier(strategy="constant", constant="neg"), grid, scoring=metric.make_scorer(), cv=cv)
    search.fit(X, y)
    assert search.best_params_ == {"constant": "pos"}
    assert search.best_score_ == pytest.approx(-0.1)
    np.testing.assert_allclose(search.cv_results_["mean_test_score"], [-1.0, -0.1])
    by_accuracy = GridSearchCV(DummyClassifier(strategy="constant", constant="neg"), grid, scoring="accuracy", cv=cv).fit(X, y)
    assert by_accuracy.best_params_ == {"constant": "neg"}


def test_ranking_with_class_names_that_are_numbers_scores_each_set_as_its_labels_say():
    """Classes "1" and "2" (sorted labels of a file): a prediction set that is all "2" must be scored as
    class "2" everywhere, not as the class whose index is 2's name read as a number."""
    metric = ElicitedMetric(np.array([-1.0, -0.25]), np.zeros((2, 2)), ("1", "2"))
    y = ["1", "2", "2", "1"]
    ranking = rank_predictions(metric, y, {"all2": ["2"] * 4, "all1": ["1"] * 4, "right": y})
    # by hand: all "2" calls both class-"1" cases "2" (rate 1 -> -1.0); all "1" calls both class-"2" cases "1" (-0.25)
    np.testing.assert_allclose(ranking.scores, [-1.0, -0.25, 0.0])
    np.testing.assert_allclose(ranking.accuracies, [0.5, 0.5, 1.0])


def test_ranking_with_accuracy_and_kendall_tau():
    metric = ElicitedMetric(np.array([-0.1, -1.0]), np.zeros((2, 2)), ("0", "1"))
    y = np.array([0] * 6 + [1] * 4)
    preds = {
        "all_neg": np.zeros(10, dtype=int),          # rates (0, 1)     -> -1.0,  acc 0.6
        "all_pos": np.ones(10, dtype=int),           # rates (1, 0)     -> -0.1,  acc 0.4
        "good": np.array([0] * 5 + [1] + [1] * 4),   # rates (1/6, 0)   -> -1/60, acc 0.9
        "miss": np.array([0] * 6 + [0, 0, 1, 1]),    # rates (0, 1/2)   -> -0.5,  acc 0.8
    }
    ranking = rank_predictions(metric, y, preds)
    np.testing.assert_allclose(ranking.scores, [-1.0, -0.1, -1 / 60, -0.5])
    np.testing.assert_allclose(ranking.accuracies, [0.6, 0.4, 0.9, 0.8])
    assert ranking.order() == ["good", "all_pos", "miss", "all_neg"]
    np.testing.assert_array_equal(ranking.metric_rank, [4, 2, 1, 3])
    np.testing.assert_array_equal(ranking.accuracy_rank, [3, 4, 1, 2])
    pairs = list(combinations(range(4), 2))
    sign = [np.sign(ranking.scores[i] - ranking.scores[j]) * np.sign(ranking.accuracies[i] - ranking.accuracies[j]) for i, j in pairs]
    assert ranking.kendall_tau == pytest.approx(sum(sign) / len(pairs))
    with pytest.raises(ParameterError, match="'short' has 3 labels"):
        rank_predictions(metric, y, {"short": [0, 1, 0]})
