"""The JSON API of ``elicit serve`` for a fair study (breast_cancer grouped by "mean radius"), on a real uvicorn server.

A fair study shows each classifier as one confusion matrix per group and elicits a group-fair
metric: lam, a, and one B per pair of groups. What the API says is checked against the study's
record in its SQLite store and against the downloaded ``ElicitedFairMetric`` document.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from oraclelab.elicit.fair import ElicitedFairMetric, group_pairs
from tests.elicit.person.web.serving import Server, call, logged_events, start_server, stored_study

BUDGET = 8
GROUPS = "mean radius"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Server:
    out = tmp_path_factory.mktemp("fair-api") / "study"
    running = start_server(out, "--dataset", "breast_cancer", "--groups", GROUPS, "--budget", str(BUDGET),
                           "--repeat-every", "0", "--participants", "fay")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def record(server: Server) -> dict:
    """The study as its store keeps it: the truth the API is compared with."""
    return stored_study(server.out / "study.sqlite")


def _person(server: Server, name: str) -> str:
    status, body = call("POST", f"{server.organiser_api}/participants", {"name": name})
    assert status == 201, body
    return f"{server.base}/api/sessions/{body['link'].rsplit('/', 1)[1]}"


def _cost(counts: list) -> float:
    """A person who minds errors and, three times as much, gaps between the groups' error rates (lower is better)."""
    c = np.asarray(counts, dtype=float) / 1000.0
    errors = c[:, ~np.eye(c.shape[-1], dtype=bool)]  # (groups, rates)
    return float(errors.sum() + 3.0 * np.abs(errors[0] - errors[1]).sum())


def _choice(question: dict) -> str:
    return "left" if _cost(question["left"]["counts"]) <= _cost(question["right"]["counts"]) else "right"


def test_a_fair_question_shows_one_matrix_per_group_in_counts_per_thousand(server, record):
    assert record["groups"] and all(GROUPS in name for name in record["groups"])
    status, state = call("GET", server.session_api("fay"))
    assert status == 200 and state["finished"] is False and state["progress"]["budget"] == BUDGET
    question = state["question"]
    assert question["groups"] == record["groups"] and len(question["groups"]) == 2
    assert question["classes"] == record["classes"]
    k = len(record["classes"])
    for side, name in (("left", "A"), ("right", "B")):
        counts = np.array(question[side]["counts"])
        assert question[side]["name"] == name
        assert counts.shape == (2, k, k) and np.all(counts >= 0)
        assert np.array_equal(counts.sum(axis=2), np.full((2, k), 1000))
    left, right = np.array(question["left"]["counts"]), np.array(question["right"]["counts"])
    differing = {(g, i, j) for g, i, j in zip(*np.nonzero(left != right)) if i != j}
    assert len(question["sentences"]) == len(differing)  # one sentence per count where A and B differ, naming its group
    for g, i, j in differing:
        assert any(text.startswith(f"Group '{question['groups'][g]}'") and f"'{question['classes'][i]}' cases" in text
                   and f"A calls {left[g, i, j]} " in text and f"B calls {right[g, i, j]}." in text
                   for text in question["sentences"])


def test_a_fair_session_answered_to_the_end_gives_lam_a_and_B_per_pair_with_intervals(server, record, tmp_path):
    session = _person(server, "fair-finisher")
    state = call("GET", session)[1]
    asked = []
    while not state["finished"]:
        asked.append(state["question"]["id"])
        status, state = call("POST", f"{session}/answers", {"question_id": state["question"]["id"], "choice": _choice(state["question"])})
        assert status == 200, state
    assert asked == [f"q{n}" for n in range(1, BUDGET + 1)] and state["progress"]["comparisons"] == BUDGET
    answered = [payload["question"] for kind, payload in logged_events(server.out / "study.sqlite", "fair-finisher") if kind == "answer"]
    assert answered == list(range(1, BUDGET + 1))

    status, result = call("GET", f"{session}/result")
    assert status == 200, result
    groups = record["groups"]
    assert result["groups"] == groups and result["classes"] == record["classes"] and "B" not in result
    assert 0.0 <= result["lam"] <= 1.0
    lo, hi = result["lam_interval"]
    assert 0.0 <= lo <= result["lam"] <= hi <= 1.0
    a = np.array(result["a"])
    assert a.shape == (len(result["rates"]),) and np.isclose(np.linalg.norm(a), 1.0)
    a_interval = np.array(result["a_interval"])
    assert np.all(a_interval[:, 0] <= a) and np.all(a <= a_interval[:, 1])
    pairs = group_pairs(len(groups))
    assert [p["label"] for p in result["pairs"]] == [f"{groups[g]} vs {groups[h]}" for g, h in pairs]
    assert [p["groups"] for p in result["pairs"]] == [[groups[g], groups[h]] for g, h in pairs]
    for pair in result["pairs"]:
        B, interval = np.array(pair["B"]), np.array(pair["B_interval"])
        assert B.shape == (len(a), len(a)) and np.allclose(B, B.T)
        assert np.all(interval[..., 0] <= B) and np.all(B <= interval[..., 1])
    assert result["comparisons"] == BUDGET and result["repeats"] == 0 and result["stop_reason"] == "budget"
    assert sorted(row["rank"] for row in result["ranking"]) == [1.0, 2.0, 3.0]

    status, document = call("GET", f"{session}/metric")
    assert status == 200 and document["kind"] == "oraclelab.ElicitedFairMetric"
    saved = tmp_path / "metric.json"
    saved.write_text(json.dumps(document))
    metric = ElicitedFairMetric.load(saved)  # a valid document of the fair metric
    assert list(metric.groups) == groups and list(metric.classes) == record["classes"]
    assert metric.lam == result["lam"] and metric.a.tolist() == result["a"]
    assert metric.B.tolist() == [pair["B"] for pair in result["pairs"]]
    assert "/" not in str(document["settings"].get("data") or "")

    status, summary = call("GET", f"{server.organiser_api}/summary")
    assert status == 200 and "fair-finisher" in summary["pooled"]["from"] and 0.0 <= summary["pooled"]["lam"] <= 1.0


def test_an_unfinished_fair_session_has_no_result_yet(server):
    session = _person(server, "fair-early")
    for path in ("/result", "/metric"):
        status, body = call("GET", f"{session}{path}")
        assert status == 409 and set(body) == {"error"} and "\n" not in body["error"]


def test_the_fair_result_is_in_the_api_documentation(server):
    status, schema = call("GET", f"{server.base}/openapi.json")
    assert status == 200
    ok = schema["paths"]["/api/sessions/{token}/result"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert {option["$ref"] for option in ok["anyOf"]} == {"#/components/schemas/ResultOut", "#/components/schemas/FairResultOut"}
    components = schema["components"]["schemas"]
    refs = {ref for ref in _refs(schema) if ref.startswith("#/components/schemas/")}
    assert {ref.rsplit("/", 1)[1] for ref in refs} <= set(components)  # every reference resolves
    assert {"lam", "lam_interval", "groups", "pairs", "a", "a_interval"} <= set(components["FairResultOut"]["required"])


def _refs(node: object) -> list[str]:
    """Every "$ref" in a JSON document."""
    if isinstance(node, dict):
        own = [node["$ref"]] if "$ref" in node else []
        return own + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _refs(value)]
    return []
