"""Sessions: answers committed then applied, rebuilt exactly from the log, undo, repeats, rejected answers."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import kendalltau

from oraclelab.elicit.person import AnswerRejected, PersonStudy, SessionState
from tests.elicit.person.conftest import answer_as, hidden_score

A = np.array([0.6, -0.8])


def _answer(session, a=A, n=None):
    """Answer as the noise-free person with metric ``a``: n questions, or to the end."""
    count = 0
    while (question := session.question()) is not None and (n is None or count < n):
        session.answer(question.id, answer_as(a, question))
        count += 1
    return count


def test_a_noise_free_person_is_recovered(make_study):
    study = make_study(budget=40, repeat_every=0)
    session = study.session(study.add_participant("ann"))
    _answer(session)
    result = session.result()
    assert result.comparisons == 40 and result.stop_reason in ("budget", "tol")
    cosine = np.dot(result.metric.a, A) / np.linalg.norm(result.metric.a)
    assert cosine > 0.999
    # the elicited metric orders points of the query region as the hidden one does
    region = study.record.sphere
    gen = np.random.default_rng(1)
    points = region.origin + 0.9 * region.radius * gen.uniform(-1, 1, size=(200, 2)) / np.sqrt(2)
    hidden = points @ A
    elicited = np.array([result.metric.score_rates(p) for p in points])
    assert kendalltau(hidden, elicited).statistic > 0.95


def test_each_logged_answer_says_which_rate_point_the_person_preferred(make_study):
    study = make_study(budget=12, repeat_every=0)
    participant = study.add_participant("ann")
    _answer(study.session(participant))
    for event in study.store.events(participant.id):
        p = event.payload
        truth = np.sign(hidden_score(A, np.array(p["classifiers"]["first"]["fit_rates"]))
                        - hidden_score(A, np.array(p["classifiers"]["second"]["fit_rates"])))
        assert p["answer"] == truth
        assert (p["choice"] == "left") == ((p["left"] == "first") == (truth > 0))
        assert np.abs(np.array(p["classifiers"]["first"]["fit_rates"]) - p["first"]).max() < 1e-3
        assert p["latency"] >= 0 and p["answered_at"] >= p["shown_at"]


def test_a_session_rebuilt_from_its_log_is_the_same_session(make_study, tmp_path):
    study = make_study(budget=25, repeat_every=4)
    participant = study.add_participant("ann")
    session = study.session(participant)
    _answer(session, n=13)
    session.undo()
    _answer(session, n=3)
    next_live = session.question()
    with PersonStudy(tmp_path / "study") as reopened:  # a new process would do just this
        again = reopened.session(participant)
        next_rebuilt = again.question()
        assert next_rebuilt.number == next_live.number == 16
        assert np.array_equal(next_rebuilt.left.rates, next_live.left.rates)
        assert np.array_equal(next_rebuilt.right.rates, next_live.right.rates)
        assert np.array_equal(again.result().metric.a, session.result().metric.a)


def test_undo_asks_the_same_question_and_forgets_the_answer(make_study, tmp_path):
    study = make_study(budget=20, repeat_every=0)
    participant = study.add_participant("ann")
    session = study.session(participant)
    _answer(session, n=6)
    sixth = session.state.answers[-1]
    assert session.undo()
    sixth_again = session.question()
    assert sixth_again.number == 6
    state = session.state.next_pair()
    assert state.first.tolist() == sixth["first"] and state.second.tolist() == sixth["second"]
    # the state after the undo equals a state that never saw the undone answer
    events = study.store.events(participant.id)
    without = [e for e in events if e.kind == "answer"][:5]
    fresh = SessionState(study.record, participant, without)
    assert np.array_equal(fresh.result().metric.a, session.result().metric.a)
    assert [e.kind for e in events][-2:] == ["answer", "undo"]


def test_repeats_swap_sides_and_measure_consistency(make_study):
    study = make_study(budget=20, repeat_every=5)
    consistent = study.session(study.add_participant("consistent"))
    _answer(consistent)
    answers = consistent.state.answers
    repeats = [p for p in answers if p["repeat_of"] is not None]
    assert [p["question"] for p in repeats] == [n for n in range(5, len(answers) + 1, 5)]
    by_number = {p["question"]: p for p in answers}
    for p in repeats:
        original = by_number[p["repeat_of"]]
        assert original["repeat_of"] is None and original["question"] < p["question"]
        assert (p["first"], p["second"]) == (original["first"], original["second"])
        assert p["left"] != original["left"]
    result = consistent.result()
    assert result.comparisons == 20 and result.repeats == len(repeats) and result.inconsistent == 0
    # a person who always picks the left side contradicts every swapped repeat
    lefty = study.session(study.add_participant("lefty"))
    while (question := lefty.question()) is not None:
        lefty.answer(question.id, "left")
    result = lefty.result()
    assert result.repeats >= 4 and result.inconsistent == result.repeats and result.inconsistency_rate == 1.0


def test_answers_to_other_questions_are_rejected_and_not_logged(make_study):
    study = make_study(budget=3, repeat_every=0)
    participant = study.add_participant("ann")
    session = study.session(participant)
    first = session.question()
    with pytest.raises(AnswerRejected) as rejected:
        session.answer("q9", "left")
    assert rejected.value.reason == "not_asked"
    session.answer(first.id, "left")
    with pytest.raises(AnswerRejected) as rejected:
        session.answer(first.id, "right")
    assert rejected.value.reason == "already_answered"
    with pytest.raises(ValueError, match="one of left, right, equal"):
        session.answer(session.question().id, "maybe")
    _answer(session)
    with pytest.raises(AnswerRejected) as rejected:
        session.answer("q4", "left")
    assert rejected.value.reason == "finished"
    assert [e.payload["question"] for e in study.store.events(participant.id)] == [1, 2, 3]


def test_progress_counts_down_to_the_budget(make_study):
    study = make_study(budget=10, repeat_every=0)
    session = study.session(study.add_participant("ann"))
    seen = []
    while session.question() is not None:
        progress = session.progress()
        seen.append((progress.answered, progress.left_estimate))
        _answer(session, n=1)
    assert seen[0] == (0, 10) and seen[-1] == (9, 1)
    assert all(answered + left == 10 for answered, left in seen)
    assert session.progress().finished and session.progress().left_estimate == 0


@pytest.mark.parametrize("question_id", ["q²", "q٣", "q-1", "q0", "1", "q1.0", "q" + "9" * 30])
def test_odd_question_ids_are_not_asked(make_study, question_id):
    study = make_study(budget=3, repeat_every=0)
    session = study.session(study.add_participant("ann"))
    with pytest.raises(AnswerRejected) as rejected:
        session.answer(question_id, "left")
    assert rejected.value.reason == "not_asked"
