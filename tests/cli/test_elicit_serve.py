"""``oraclelab elicit serve`` as a person starts it: the links it prints, where it listens, a taken port,
resuming a study after SIGKILL, and what a clean stop (Ctrl-C) leaves in the study folder.

The API and the page have their own tests in tests/elicit/person/web/.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys

import pytest

from tests.elicit.person.web.serving import call, fetch, free_port, logged_events, start_server

DATA = ("--dataset", "breast_cancer", "--repeat-every", "0")


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=5):
            return True
    except OSError:
        return False


@pytest.mark.parametrize("host_args, listening, not_listening", [((), "127.0.0.1", "127.0.0.2"),
                                                                  (("--host", "127.0.0.2"), "127.0.0.2", "127.0.0.1")])
def test_serve_prints_every_link_and_listens_only_where_told(tmp_path, host_args, listening, not_listening):
    server = start_server(tmp_path / "study", *DATA, "--budget", "3", "--participants", "ann, bob,ann", *host_args)
    try:
        assert list(server.links) == ["Organiser", "ann", "bob"]
        assert all(link.startswith(f"http://{listening}:{server.port}/") for link in server.links.values())
        assert server.organiser.split("/")[-2] == "o" and all(server.links[n].split("/")[-2] == "s" for n in ("ann", "bob"))
        tokens = [link.rsplit("/", 1)[1] for link in server.links.values()]
        assert len(set(tokens)) == 3 and all(len(token) >= 43 for token in tokens)  # 32 random bytes, URL-safe base64
        assert _reachable(listening, server.port) and not _reachable(not_listening, server.port)
        status, _, html = fetch(server.links["ann"])
        assert status == 200 and "participant.js" in html
    finally:
        server.stop()


def test_a_port_in_use_is_one_line_and_exit_code_2(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**os.environ, "ORACLELAB_PROGRESS": "0"}
        done = subprocess.run([sys.executable, "-m", "oraclelab", "elicit", "serve", *DATA, "--out", str(tmp_path / "s"),
                               "--port", str(port)], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [f"oraclelab: error: Port {port} on 127.0.0.1 is in use; stop what uses it or "
                                                "choose another --port."]
    assert not (tmp_path / "s" / "study.sqlite").exists()


def test_after_sigkill_resume_continues_every_session_with_the_same_links(tmp_path):
    out = tmp_path / "study"
    server = start_server(out, *DATA, "--budget", "4", "--participants", "ann,bob")
    first = dict(server.links)
    for number in (1, 2, 3):
        assert call("POST", f"{server.session_api('ann')}/answers", {"question_id": f"q{number}", "choice": "left"})[0] == 200
    assert call("POST", f"{server.session_api('bob')}/answers", {"question_id": "q1", "choice": "right"})[0] == 200
    question = call("GET", server.session_api("ann"))[1]["question"]
    server.kill()

    server = start_server(out, "--resume", "--participants", "cy", port=server.port)
    try:
        assert {name: server.links[name] for name in first} == first and "cy" in server.links
        assert call("GET", server.session_api("ann"))[1]["question"] == question
        assert call("GET", server.session_api("bob"))[1]["question"]["id"] == "q2"
        assert call("GET", server.session_api("cy"))[1]["question"]["id"] == "q1"
        status, state = call("POST", f"{server.session_api('ann')}/answers", {"question_id": "q4", "choice": "left"})
        assert status == 200 and state["finished"] is True
        result = call("GET", f"{server.session_api('ann')}/result")[1]
        answers = [p["question"] for kind, p in logged_events(out / "study.sqlite", "ann") if kind == "answer"]
        assert answers == [1, 2, 3, 4]
    finally:
        code = server.stop(signal.SIGINT)
    assert code == 130  # Ctrl-C, after the summary and metrics are written
    summary = json.loads((out / "summary.json").read_text())
    assert [p["name"] for p in summary["participants"]] == ["ann", "bob", "cy"]
    assert json.loads((out / "metric_ann.json").read_text())["a"] == result["a"]
    assert not (out / "metric_bob.json").exists()  # bob has not finished


def test_an_existing_study_is_continued_only_with_resume_and_its_own_settings(tmp_path, run_cli):
    out = tmp_path / "study"
    server = start_server(out, *DATA, "--budget", "4")
    server.stop()
    port = str(free_port())
    code, _, err = run_cli("elicit", "serve", *DATA, "--budget", "4", "--out", out, "--port", port)
    assert code == 2 and "already holds a study" in err and "--resume" in err and len(err.strip().splitlines()) == 1
    code, _, err = run_cli("elicit", "serve", "--resume", "--budget", "5", "--out", out, "--port", port)
    assert code == 2 and "--budget 4" in err and len(err.strip().splitlines()) == 1
