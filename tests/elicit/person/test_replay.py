"""Replay: the log alone gives back every participant's metric; a log its settings do not reproduce is refused."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from oraclelab.elicit.person import replay
from oraclelab.errors import DataFileError, RunError
from tests.elicit.person.conftest import answer_as


def test_replay_gives_back_each_metric(make_study, tmp_path):
    study = make_study(budget=15, repeat_every=4)
    live = {}
    for name, a in {"ann": np.array([0.6, -0.8]), "bob": np.array([-0.3, -0.95])}.items():
        session = study.session(study.add_participant(name))
        for count in range(40):
            question = session.question()
            if question is None:
                break
            session.answer(question.id, answer_as(a, question))
            if count == 5:
                session.undo()
        live[name] = session.result()
    record, results = replay(tmp_path / "study")
    assert record.as_dict() == study.record.as_dict()
    for result in results:
        assert np.array_equal(result.metric.a, live[result.name].metric.a)
        assert np.array_equal(result.metric.B, live[result.name].metric.B)
        assert (result.comparisons, result.repeats) == (live[result.name].comparisons, live[result.name].repeats)


def test_a_log_that_its_settings_do_not_reproduce_is_refused(make_study, tmp_path):
    study = make_study(budget=6, repeat_every=0)
    session = study.session(study.add_participant("ann"))
    while (question := session.question()) is not None:
        session.answer(question.id, "left")
    stored = study.store.meta("study")
    stored["settings"]["seed"] = 1  # as if someone edited the study's seed
    study.store.set_meta("study", stored)
    with pytest.raises(RunError, match="does not match its study at question 1"):
        replay(tmp_path / "study" / "study.sqlite")


def test_replay_of_missing_or_foreign_files_is_a_clear_error(tmp_path):
    with pytest.raises(DataFileError, match="no such study log"):
        replay(tmp_path / "nothing.sqlite")
    foreign = sqlite3.connect(tmp_path / "foreign.sqlite")
    foreign.execute("CREATE TABLE notes (text TEXT)")
    foreign.close()
    with pytest.raises(DataFileError, match="not a session store"):
        replay(tmp_path / "foreign.sqlite")
    check = sqlite3.connect(tmp_path / "foreign.sqlite")  # replay wrote nothing into the foreign file
    assert [row[0] for row in check.execute("SELECT name FROM sqlite_master")] == ["notes"]
    check.close()
