"""The JSON API of ``elicit serve``, against a real uvicorn server started by the command in a subprocess.

One server (breast_cancer, 3 questions per person, no repeats) serves the module; each test
adds its own participants through the organiser API, so tests do not depend on one another.
"""

from __future__ import annotations

import math
import secrets
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from tests.elicit.person.web.serving import Server, call, fetch, logged_events, start_server

BUDGET = 3


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Server:
    out = tmp_path_factory.mktemp("api") / "study"
    running = start_server(out, "--dataset", "breast_cancer", "--budget", str(BUDGET), "--repeat-every", "0",
                           "--participants", "ann,bob")
    yield running
    running.stop()


def _person(server: Server, name: str) -> str:
    """A new participant's session API address (added through the organiser API)."""
    status, body = call("POST", f"{server.organiser_api}/participants", {"name": name})
    assert status == 201, body
    token = body["link"].rsplit("/", 1)[1]
    return f"{server.base}/api/sessions/{token}"


def _answers(server: Server, name: str) -> list[int]:
    """The question numbers of the participant's logged answers, in order."""
    return [payload["question"] for kind, payload in logged_events(server.out / "study.sqlite", name) if kind == "answer"]


def _is_error(status: int, body: dict, expected: int) -> str:
    assert status == expected, (status, body)
    assert set(body) == {"error"} and isinstance(body["error"], str) and body["error"], body
    assert "\n" not in body["error"]
    return body["error"]


def test_a_session_link_reads_its_question_as_counts_per_thousand_of_each_true_class(server):
    status, state = call("GET", server.session_api("ann"))
    assert status == 200
    assert state["participant"] == "ann" and state["finished"] is False
    assert state["progress"] == {"answered": 0, "comparisons": 0, "repeats": 0, "budget": BUDGET, "left_estimate": BUDGET,
                                 "finished": False}
    question = state["question"]
    assert question["id"] == "q1" and question["number"] == 1
    assert question["classes"] == ["malignant", "benign"]  # scikit-learn's target names, in the order of the labels 0, 1
    assert question["groups"] == []  # not a fair study
    for side, name in (("left", "A"), ("right", "B")):
        counts = np.array(question[side]["counts"])
        assert question[side]["name"] == name
        assert counts.shape == (2, 2) and np.all(counts >= 0)
        assert counts.sum(axis=1).tolist() == [1000, 1000]
    assert "repeat_of" not in question and "left_is_first" not in question


def test_unknown_tokens_are_404_with_a_json_error_and_reach_nothing(server):
    made_up = secrets.token_urlsafe(32)
    organiser = server.organiser.rsplit("/", 1)[1]
    for method, path, body in (("GET", "", None), ("POST", "/answers", {"question_id": "q1", "choice": "left"}),
                               ("POST", "/undo", None), ("GET", "/result", None), ("GET", "/metric", None)):
        for token in (made_up, organiser):
            status, answer = call(method, f"{server.base}/api/sessions/{token}{path}", body)
            assert "session" in _is_error(status, answer, 404)
    for token in (made_up, server.token("ann")):
        _is_error(*call("GET", f"{server.base}/api/organiser/{token}/summary"), 404)
        _is_error(*call("POST", f"{server.base}/api/organiser/{token}/participants", {"name": "mallory"}), 404)
    for page in (f"/s/{made_up}", f"/o/{made_up}", f"/o/{server.token('ann')}", f"/s/{organiser}"):
        status, _, text = fetch(server.base + page)
        assert status == 404 and "does not open" in text
    assert "mallory" not in [p["name"] for p in call("GET", f"{server.organiser_api}/summary")[1]["participants"]]


def test_one_participants_token_answers_only_their_own_session(server):
    ann, bob = _person(server, "iso-ann"), _person(server, "iso-bob")
    bob_question = call("GET", bob)[1]["question"]
    status, state = call("POST", f"{ann}/answers", {"question_id": "q1", "choice": "left"})
    assert status == 200 and state["participant"] == "iso-ann" and state["question"]["id"] == "q2"
    assert _answers(server, "iso-ann") == [1]
    assert _answers(server, "iso-bob") == []
    status, after = call("GET", bob)
    assert after["participant"] == "iso-bob" and after["question"] == bob_question


def test_an_answer_to_a_question_not_asked_is_409_and_not_recorded(server):
    session = _person(server, "not-asked")
    for question_id in ("q2", "q99", "q0", "x", ""):
        error = _is_error(*call("POST", f"{session}/answers", {"question_id": question_id, "choice": "left"}), 409)
        assert "not asked" in error
    assert _answers(server, "not-asked") == []


def test_a_repeated_answer_is_409_and_recorded_once(server):
    session = _person(server, "twice")
    assert call("POST", f"{session}/answers", {"question_id": "q1", "choice": "left"})[0] == 200
    assert _answers(server, "twice") == [1]  # in the store when the 200 came back
    error = _is_error(*call("POST", f"{session}/answers", {"question_id": "q1", "choice": "right"}), 409)
    assert "already answered" in error
    assert _answers(server, "twice") == [1]


def test_the_same_answer_sent_eight_times_at_once_is_taken_once(server):
    session = _person(server, "at-once")
    with ThreadPoolExecutor(8) as pool:
        replies = list(pool.map(lambda _: call("POST", f"{session}/answers", {"question_id": "q1", "choice": "equal"}), range(8)))
    assert sorted(status for status, _ in replies) == [200] + [409] * 7
    assert _answers(server, "at-once") == [1]


def test_a_finished_session_refuses_answers_and_gives_its_result(server):
    session = _person(server, "finisher")
    _is_error(*call("GET", f"{session}/result"), 409)
    for number in range(1, BUDGET + 1):
        status, state = call("POST", f"{session}/answers", {"question_id": f"q{number}", "choice": "left" if number % 2 else "right"})
        assert status == 200
    assert state["finished"] is True and state["question"] is None and state["progress"]["comparisons"] == BUDGET
    assert "finished" in _is_error(*call("POST", f"{session}/answers", {"question_id": f"q{BUDGET + 1}", "choice": "left"}), 409)
    assert "already answered" in _is_error(*call("POST", f"{session}/answers", {"question_id": "q1", "choice": "left"}), 409)
    assert _answers(server, "finisher") == [1, 2, 3]

    status, result = call("GET", f"{session}/result")
    assert status == 200
    a, B = np.array(result["a"]), np.array(result["B"])
    assert a.shape == (2,) and B.shape == (2, 2) and np.allclose(B, B.T)
    assert math.isclose(a @ a + (B * B).sum(), 1.0, rel_tol=1e-9)  # documented scale: ||a||^2 + ||B||_F^2 = 1
    lo, hi = np.array(result["a_interval"]).T
    assert np.all(lo <= a) and np.all(a <= hi)
    assert result["rates"] == [{"true": "malignant", "predicted": "benign"}, {"true": "benign", "predicted": "malignant"}]
    assert result["comparisons"] == BUDGET and result["repeats"] == 0 and result["inconsistency_rate"] is None
    assert {row["name"] for row in result["ranking"]} == {"model (argmax)", "model favouring 'malignant'", "model favouring 'benign'"}
    assert sorted(row["rank"] for row in result["ranking"]) == [1.0, 2.0, 3.0]
    assert all(0.5 < row["accuracy"] <= 1.0 for row in result["ranking"])
    status, document = call("GET", f"{session}/metric")
    assert status == 200 and document["classes"] == ["malignant", "benign"] and document["a"] == result["a"]
    assert document["provenance"]["log_path"] == "study.sqlite"  # no path of the server's disk reaches the participant
    assert "/" not in str(document["provenance"]["settings"].get("data") or "")


def test_undo_asks_the_question_again_and_is_logged(server):
    session = _person(server, "undoer")
    assert "no answer to undo" in _is_error(*call("POST", f"{session}/undo"), 409)
    first = call("GET", session)[1]["question"]
    call("POST", f"{session}/answers", {"question_id": "q1", "choice": "right"})
    status, state = call("POST", f"{session}/undo")
    assert status == 200 and state["question"] == first and state["progress"]["answered"] == 0
    kinds = [kind for kind, _ in logged_events(server.out / "study.sqlite", "undoer")]
    assert kinds == ["answer", "undo"]


@pytest.mark.parametrize("body, field", [
    ({"question_id": "q1", "choice": "maybe"}, "choice"),
    ({"question_id": "q1"}, "choice"),
    ({"choice": "left"}, "question_id"),
    ({"question_id": 7, "choice": "left"}, "question_id"),
    ({"question_id": "q1", "choice": "left", "extra": 1}, "extra"),
    (["q1", "left"], "body"),
])
def test_a_malformed_answer_is_422_naming_the_field(server, body, field):
    session = _person(server, f"malformed-{secrets.token_hex(4)}")
    assert field in _is_error(*call("POST", f"{session}/answers", body), 422)


def test_a_body_that_is_not_json_is_422(server):
    session = server.session_api("bob")
    assert "JSON" in _is_error(*call("POST", f"{session}/answers", raw=b'{"question_id": "q1", "choice"'), 422)
    assert "body" in _is_error(*call("POST", f"{session}/answers", raw=b""), 422)
    assert _answers(server, "bob") == []


def test_the_organiser_adds_participants_and_sees_their_progress_agreement_and_pooled_metric(server):
    status, added = call("POST", f"{server.organiser_api}/participants", {"name": "  dee  "})
    assert status == 201 and added["name"] == "dee" and added["link"].startswith(f"{server.base}/s/")
    page_status, headers, html = fetch(added["link"])
    assert page_status == 200 and "participant.js" in html
    assert "script-src 'self'" in headers["content-security-policy"] and headers["referrer-policy"] == "no-referrer"
    assert 'name="referrer"' not in html  # the header says it once, for every response
    assert fetch(f"{server.base}/favicon.ico")[0] == 204  # the browser's own request finds no error
    assert "already in this study" in _is_error(*call("POST", f"{server.organiser_api}/participants", {"name": "dee"}), 409)
    assert "name" in _is_error(*call("POST", f"{server.organiser_api}/participants", {"name": "   "}), 422)
    for name in ("pool-1", "pool-2"):
        session = _person(server, name)
        for number in range(1, BUDGET + 1):
            call("POST", f"{session}/answers", {"question_id": f"q{number}", "choice": "left"})
    status, summary = call("GET", f"{server.organiser_api}/summary")
    assert status == 200
    people = {person["name"]: person for person in summary["participants"]}
    assert people["dee"]["link"] == added["link"] and people["dee"]["progress"]["answered"] == 0
    assert people["pool-1"]["progress"]["finished"] is True and people["pool-1"]["ranking"][0]["rank"] == 1.0
    answered = sorted(name for name, person in people.items() if person["comparisons"] > 0 and any(person["a"] + sum(person["B"], [])))
    assert {"pool-1", "pool-2"} <= set(answered)
    assert sorted(summary["agreement"]["names"]) == answered and sorted(summary["pooled"]["from"]) == answered
    tau = np.array(summary["agreement"]["kendall_tau"], dtype=float)
    assert tau.shape == (len(answered), len(answered)) and np.allclose(np.diag(tau), 1.0)


def test_the_api_is_documented_and_never_cached(server):
    status, schema = call("GET", f"{server.base}/openapi.json")
    assert status == 200
    assert {"/api/sessions/{token}", "/api/sessions/{token}/answers", "/api/sessions/{token}/undo",
            "/api/sessions/{token}/result", "/api/organiser/{otoken}/participants", "/api/organiser/{otoken}/summary"} <= set(schema["paths"])
    assert fetch(f"{server.base}/docs")[0] == 200
    _, headers, _ = fetch(server.session_api("ann"))
    assert headers["cache-control"] == "no-store"


def test_a_participant_who_only_said_cant_tell_leaves_the_summary_working(server):
    session = _person(server, "unsure")
    assert call("POST", f"{session}/answers", {"question_id": "q1", "choice": "equal"})[0] == 200
    status, summary = call("GET", f"{server.organiser_api}/summary")
    assert status == 200
    unsure = next(person for person in summary["participants"] if person["name"] == "unsure")
    assert unsure["comparisons"] == 1 and unsure["progress"]["answered"] == 1
    assert "unsure" not in summary.get("pooled", {}).get("from", [])
