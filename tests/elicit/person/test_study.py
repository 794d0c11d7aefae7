"""Studies: reopened with their stored settings, refused on other settings or changed data, summarised."""

from __future__ import annotations

import numpy as np
import pytest

from oraclelab.elicit.person import PersonSettings, PersonStudy, default_budget
from oraclelab.errors import DataFileError, ParameterError, RunError
from tests.elicit.person.conftest import answer_as


def _csv(path, gen, n=240):
    """A binary validation file: labels 'neg'/'pos' and probabilities that lean toward the truth."""
    y = gen.integers(0, 2, n)
    p1 = np.clip(0.5 + (y - 0.5) * gen.uniform(0.0, 0.9, n), 0.0, 1.0)
    lines = ["label,p_0,p_1"] + [f"{'pos' if t else 'neg'},{1 - p:.6f},{p:.6f}" for t, p in zip(y, p1)]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_study_reopens_with_its_stored_settings(tmp_path):
    data = _csv(tmp_path / "v.csv", np.random.default_rng(0))
    settings = PersonSettings(data=str(data), budget=8, repeat_every=0, seed=3)
    with PersonStudy(tmp_path / "s", settings) as study:
        assert study.record.classes == ("neg", "pos")
        session = study.session(study.add_participant("ann"))
        for _ in range(3):
            question = session.question()
            session.answer(question.id, "left")
    with PersonStudy(tmp_path / "s") as again:
        assert again.settings == settings
        assert again.session(again.participant("ann")).question().number == 4
    with pytest.raises(RunError, match="other settings"):
        PersonStudy(tmp_path / "s", PersonSettings(data=str(data), budget=9, repeat_every=0, seed=3))
    with pytest.raises(RunError, match="no study here"):
        PersonStudy(tmp_path / "empty")


def test_bad_data_leaves_no_study_behind(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("label,p_0,p_1\nneg,0.7,0.7\npos,0.2,0.8\n")
    with pytest.raises(DataFileError, match="bad.csv"):
        PersonStudy(tmp_path / "s", PersonSettings(data=str(bad)))
    assert not (tmp_path / "s" / "study.sqlite").exists()


def test_changed_data_is_refused(tmp_path):
    data = _csv(tmp_path / "v.csv", np.random.default_rng(0))
    PersonStudy(tmp_path / "s", PersonSettings(data=str(data), budget=8)).close()
    _csv(data, np.random.default_rng(1))
    with pytest.raises(DataFileError, match="data changed"):
        PersonStudy(tmp_path / "s")


def test_summary_holds_each_person_their_agreement_and_the_pooled_metric(make_study):
    study = make_study(budget=12, repeat_every=4)
    metrics = {"ann": np.array([0.6, -0.8]), "bob": np.array([0.55, -0.83]), "cy": np.array([-0.8, -0.6])}
    for name, a in metrics.items():
        session = study.session(study.add_participant(name))
        while (question := session.question()) is not None:
            session.answer(question.id, answer_as(a, question))
    summary = study.summary()
    assert [p["name"] for p in summary["participants"]] == ["ann", "bob", "cy"]
    tau = np.array(summary["agreement"]["kendall_tau"])
    assert tau[0, 1] > 0.8 and tau[0, 2] < tau[0, 1] and tau[1, 2] < tau[0, 1]
    pooled = np.array(summary["pooled"]["a"])
    assert np.linalg.norm(pooled) <= 1.0 + 1e-12
    for person in summary["participants"]:
        assert person["progress"]["finished"] and person["comparisons"] == 12 and person["inconsistent"] == 0
        names = [row["name"] for row in person["ranking"]]
        assert names[0] in {"model (argmax)", "model favouring 'malignant'", "model favouring 'benign'"}
        scores = [row["score"] for row in person["ranking"]]
        assert scores == sorted(scores, reverse=True)


def test_settings_are_checked():
    assert [default_budget(k) for k in (2, 3)] == [40, 210]  # 1.2 (d - 1) log2(100) rounded up to tens: 31.9, 206.8
    with pytest.raises(ParameterError, match="repeat_every"):
        PersonSettings(dataset="wine", repeat_every=1)
    with pytest.raises(ParameterError, match="noise model reads"):
        PersonSettings(dataset="wine", noise_model="sometimes")
    with pytest.raises(ParameterError, match="exactly one data source"):
        PersonSettings()
    assert PersonSettings(dataset="wine", noise_model="flip:0.1").elicitor_noise().describe()["p"] == 0.1


def test_names_that_would_share_a_file_are_refused(make_study):
    study = make_study(budget=3)
    study.add_participant("ann b")
    with pytest.raises(ParameterError, match="would share its files"):
        study.add_participant("ann/b")
    assert study.participant("ann b").name == "ann b"  # the same person again is not a clash


def test_opposite_people_leave_no_pooled_direction_but_a_summary(make_study):
    from oraclelab.elicit import ElicitedMetric
    from oraclelab.elicit.person import PersonResult, study_summary

    study = make_study(budget=6, repeat_every=0)
    classes = study.record.classes
    people = [PersonResult(name, ElicitedMetric(np.array(a), np.zeros((2, 2)), classes), 6, 0, 0, "budget", 0.0)
              for name, a in (("ann", [0.6, -0.8]), ("bob", [-0.6, 0.8]))]
    summary = study_summary(study.record, people)
    assert summary["pooled"]["a"] is None and "cancel" in summary["pooled"]["why"]
    assert summary["agreement"]["kendall_tau"][0][1] == pytest.approx(-1.0)
    assert [p["name"] for p in summary["participants"]] == ["ann", "bob"]


def test_a_foreign_database_in_the_folder_is_refused_and_left_alone(tmp_path):
    import sqlite3

    (tmp_path / "s").mkdir()
    foreign = sqlite3.connect(tmp_path / "s" / "study.sqlite")
    foreign.execute("CREATE TABLE notes (text TEXT)")
    foreign.close()
    with pytest.raises(DataFileError, match="not a session store"):
        PersonStudy(tmp_path / "s")
    check = sqlite3.connect(tmp_path / "s" / "study.sqlite")
    assert [row[0] for row in check.execute("SELECT name FROM sqlite_master")] == ["notes"]
    check.close()
