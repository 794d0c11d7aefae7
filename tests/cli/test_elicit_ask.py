"""``oraclelab elicit ask`` driven in a real pseudo-terminal, and ``oraclelab elicit replay``.

A scripted person with a hidden linear metric reads both confusion matrices off the screen,
answers with its metric one key at a time, undoes once, quits, resumes and finishes. The
event log, the replayed metric and the elicited direction are then checked against what the
person did and what it hid, never against numbers taken from the code under test.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import sys
from pathlib import Path

import numpy as np
import pytest

pexpect = pytest.importorskip("pexpect")

#: The person's hidden metric on the rates (off-diagonal confusion entries, row-major): both kinds of
#: mistake are bad, the first (true class 0 predicted 1) a third worse than the other.
HIDDEN_A = np.array([-0.8, -0.6])
#: The end of the keys line under every question, and the end of a finished session.
PROMPT = "q = save and quit"
FINISHED = "Metric saved to"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
HEADER = re.compile(r"Question (\d+) · about (\d+) left")


def _spawn(*args: str, cwd: Path) -> "pexpect.spawn":
    """The real command in a pseudo-terminal wide enough for both matrices."""
    env = {key: value for key, value in os.environ.items() if key not in ("COLUMNS", "LINES")}
    return pexpect.spawn(sys.executable, ["-m", "oraclelab", "elicit", "ask", *args], cwd=str(cwd), encoding="utf-8",
                         dimensions=(60, 200), timeout=120, env={**env, "ORACLELAB_PROGRESS": "0", "TERM": "xterm"})


def _screen(child: "pexpect.spawn") -> str:
    """What the command printed up to the match, without colours and styles."""
    return ANSI.sub("", child.before)


def read_question(screen: str) -> tuple[int, np.ndarray, np.ndarray]:
    """The last question on ``screen``: its number and A's and B's counts (k, k), rows true classes, as drawn."""
    matches = list(HEADER.finditer(screen))
    assert matches, screen
    body = screen[matches[-1].end():]
    rows = []
    for line in body.splitlines():
        cells = [cell.strip() for cell in re.split(r"[│┃]", line) if cell.strip()]
        if len(cells) >= 4 and len(cells) % 2 == 0:
            half = len(cells) // 2
            if all(c.isdigit() for c in cells[1:half] + cells[half + 1:]):
                rows.append(([int(c) for c in cells[1:half]], [int(c) for c in cells[half + 1:]]))
    a, b = (np.array([row[side] for row in rows]) for side in (0, 1))
    assert a.shape == b.shape == (a.shape[0], a.shape[0]) and a.shape[0] >= 2, screen
    assert (a.sum(axis=1) == 1000).all() and (b.sum(axis=1) == 1000).all(), screen
    return int(matches[-1].group(1)), a, b


def next_question(child: "pexpect.spawn") -> tuple[int, np.ndarray, np.ndarray]:
    """Wait for the keys line under the next question and read that question."""
    child.expect(PROMPT)
    return read_question(_screen(child))


def off_diagonal(counts: np.ndarray) -> np.ndarray:
    """Rates read off a matrix of counts per 1,000: the off-diagonal entries, row by row."""
    return counts[~np.eye(counts.shape[0], dtype=bool)] / 1000.0


def key_for(a: np.ndarray, b: np.ndarray) -> str:
    """The hidden metric's answer: 1 when A scores higher, 2 when B does, = on a tie."""
    score_a, score_b = HIDDEN_A @ off_diagonal(a), HIDDEN_A @ off_diagonal(b)
    return "1" if score_a > score_b else "2" if score_b > score_a else "="


def _store_events(folder: Path) -> list[tuple[str, dict]]:
    with sqlite3.connect(folder / "study.sqlite") as db:
        return [(kind, json.loads(payload)) for kind, payload in db.execute("SELECT kind, payload FROM events ORDER BY id")]


@pytest.mark.slow
def test_a_person_answers_undoes_quits_resumes_and_replay_reproduces_the_metric(tmp_path, run_cli):
    study = tmp_path / "study"
    shown: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    accepted: dict[int, str] = {}

    def answer(child, number: int, a: np.ndarray, b: np.ndarray) -> None:
        shown[number] = (a, b)
        accepted[number] = key_for(a, b)
        child.send(accepted[number])

    def answer_questions(child, numbers) -> None:
        for expected in numbers:
            number, a, b = next_question(child)
            assert number == expected
            answer(child, number, a, b)

    child = _spawn("--dataset", "breast_cancer", "--budget", "20", "--repeat-every", "5", "--out", str(study), cwd=tmp_path)
    answer_questions(child, (1, 2, 3))
    assert next_question(child)[0] == 4
    child.send("u")
    del accepted[3]
    number, a, b = next_question(child)
    assert number == 3 and np.array_equal(a, shown[3][0]) and np.array_equal(b, shown[3][1])
    child.send("x")
    child.expect(PROMPT)
    assert "Unknown key 'x'" in _screen(child)
    answer(child, 3, a, b)
    answer_questions(child, range(4, 9))
    assert next_question(child)[0] == 9
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    quit_screen = _screen(child)
    assert child.exitstatus == 0 and "Traceback" not in quit_screen
    assert "Saved: 8 answers" in quit_screen and f"--out {study} --resume" in quit_screen

    child = _spawn("--out", str(study), "--resume", cwd=tmp_path)
    number, a, b = next_question(child)
    assert number == 9, "resume starts at the question after the last answer"
    while True:
        answer(child, number, a, b)
        if child.expect([PROMPT, FINISHED]) == 1:
            break
        number, a, b = read_question(_screen(child))
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0 and "Traceback" not in _screen(child)

    # The log: every accepted answer exactly once, in order; an answer is taken back only by an undo.
    events = _store_events(study)
    stack: list[int] = []
    for kind, payload in events:
        if kind == "answer":
            assert payload["question"] == len(stack) + 1, "a question answered twice without an undo between"
            stack.append(payload["question"])
        else:
            assert kind == "undo" and payload["question"] == stack.pop()
    kinds = [kind for kind, _ in events]
    assert kinds.count("undo") == 1 and kinds.count("answer") - kinds.count("undo") == len(accepted) == len(stack)
    final = {}
    for kind, payload in events:
        if kind == "answer":
            final[payload["question"]] = payload
    assert {n: p["choice"] for n, p in final.items()} == {n: {"1": "left", "2": "right", "=": "equal"}[k]
                                                          for n, k in accepted.items()}
    # Repeats are shown with A and B swapped, so a consistent person answers them the same way.
    repeats = [p for p in final.values() if p["repeat_of"] is not None]
    assert [p["question"] for p in repeats] == [n for n in sorted(final) if n % 5 == 0]
    for p in repeats:
        a, b = shown[p["question"]]
        assert np.array_equal(a, shown[p["repeat_of"]][1]) and np.array_equal(b, shown[p["repeat_of"]][0])
        assert p["answer"] == final[p["repeat_of"]]["answer"]

    saved = json.loads((study / "metric_terminal.json").read_text())
    summary = json.loads((study / "summary.json").read_text())
    person = summary["participants"][0]
    assert person["name"] == "terminal" and person["comparisons"] == len(final) - len(repeats) <= 20
    assert person["repeats"] == len(repeats) and person["inconsistent"] == 0
    assert [row["rank"] for row in person["ranking"]] == sorted(row["rank"] for row in person["ranking"])

    code, stdout, stderr = run_cli("elicit", "replay", str(study), "--out", str(tmp_path / "replayed.json"))
    assert code == 0, stderr
    row = next(line for line in stdout.splitlines() if "terminal" in line)
    assert float(row.split("│")[-2]) <= 1e-12, row
    replayed = json.loads((tmp_path / "replayed.json").read_text())["participants"][0]["metric"]
    gap = max(np.abs(np.array(replayed["a"]) - saved["a"]).max(), np.abs(np.array(replayed["B"]) - saved["B"]).max())
    assert gap <= 1e-12

    # Direction of the linear part. The elicitor fits a and B (5 numbers for k = 2, a 4-dimensional
    # unit sphere); 20 answers of at most one bit each leave, per angle, about 2**(-20/4) = 1/32 of
    # the quarter circle the hidden a lies in: some 3 degrees. We allow 8.1 degrees (cosine 0.99).
    # Measured with this person over 40 random hidden metrics in the quarter circle: worst 3.7
    # degrees, median 1.0 (the full (a, B) vector is further off, cosine 0.80 to 0.87: at 20
    # comparisons, below the information limit for all of B, B is still mostly prior).
    a_hat = np.array(saved["a"])
    cosine = a_hat @ HIDDEN_A / (np.linalg.norm(a_hat) * np.linalg.norm(HIDDEN_A))
    assert cosine > 0.99, cosine


@pytest.mark.slow
def test_class_names_are_text_one_terminal_per_person_and_ctrl_c_and_ctrl_d_quit_like_q(tmp_path):
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 2, 300)
    p_yes = 1.0 / (1.0 + np.exp(-(3.0 * (2 * labels - 1) + rng.normal(0, 1.5, labels.size))))
    names = np.array(["[/]yes", "[b]no[/b]"])  # sorted: "[/]yes" is class 0, column p_0
    rows = "".join(f"{names[y]},{1 - p},{p}\n" for y, p in zip(labels, p_yes))
    (tmp_path / "val.csv").write_text("label,p_0,p_1\n" + rows)
    study = tmp_path / "study"

    child = _spawn("--data", str(tmp_path / "val.csv"), "--budget", "3", "--out", str(study), "--name", "ann", cwd=tmp_path)
    child.expect(PROMPT)
    screen = _screen(child)
    assert "[b]no[/b]" in screen and "[/]yes" in screen, screen
    child.send("u")
    child.expect("Nothing to undo yet")
    child.send("2")
    assert next_question(child)[0] == 2
    second = _spawn("--out", str(study), "--resume", "--name", "ann", cwd=tmp_path)
    second.expect(pexpect.EOF)
    second.close()
    assert second.exitstatus == 2 and "Another 'elicit ask' is answering as 'ann'" in _screen(second)
    child.send("\x03")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0 and "Traceback" not in _screen(child)
    assert "Saved: 1 answer in" in _screen(child) and "--resume --name ann" in _screen(child)

    child = _spawn("--out", str(study), "--resume", "--name", "ann", cwd=tmp_path)
    assert next_question(child)[0] == 2
    child.send("\x04")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0 and "Saved: 1 answer in" in _screen(child)
    assert [kind for kind, _ in _store_events(study)] == ["answer"]


def read_group_question(screen: str) -> tuple[int, list[str], list[tuple[np.ndarray, np.ndarray]]]:
    """The last fair question on ``screen``: its number, the group headings and each group's (A, B) counts."""
    matches = list(HEADER.finditer(screen))
    assert matches, screen
    header = matches[-1].group(0)
    parts = re.split(r"^\s*Group (?!')(.+?)\s*$", screen[matches[-1].end():], flags=re.MULTILINE)
    pairs = [read_question(f"{header}\n{part}")[1:] for part in parts[2::2]]
    return int(matches[-1].group(1)), parts[1::2], pairs


@pytest.mark.slow
def test_a_fair_study_shows_each_groups_matrices_and_learns_a_person_who_minds_only_one_gap(tmp_path):
    """A person who compares only how differently the two groups' malignant cases are missed: the elicited
    fair metric puts (almost) all of B on that rate's gap and most of the weight lam on the gaps."""
    from sklearn.datasets import load_breast_cancer

    from oraclelab.elicit.fair import ElicitedFairMetric

    bunch = load_breast_cancer()
    median = float(np.median(bunch.data[:, list(bunch.feature_names).index("mean radius")]))
    study = tmp_path / "study"
    child = _spawn("--dataset", "breast_cancer", "--groups", "mean radius", "--budget", "20", "--repeat-every", "0",
                   "--out", str(study), cwd=tmp_path)
    numbers = []
    outcome = child.expect([PROMPT, FINISHED])
    while outcome == 0:
        screen = _screen(child)
        number, names, pairs = read_group_question(screen)
        numbers.append(number)
        assert len(pairs) == 2 and names[0].startswith("mean radius <= ") and names[1].startswith("mean radius > ")
        assert abs(float(names[0].split("<= ")[1]) - median) < 5e-3 and abs(float(names[1].split("> ")[1]) - median) < 5e-3
        assert f"'{bunch.target_names[0]}' cases" in screen  # the differences in words, with the data's class names
        # malignant (class 0) cases called benign (column 1), per 1,000, in each group
        gap_a, gap_b = (abs(int(pairs[0][side][0, 1]) - int(pairs[1][side][0, 1])) for side in (0, 1))
        child.send("1" if gap_a < gap_b else "2" if gap_b < gap_a else "=")
        outcome = child.expect([PROMPT, FINISHED])
    result_screen = _screen(child)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0 and "Traceback" not in result_screen + _screen(child)
    assert "lam (weight of the group gaps)" in result_screen and f"B[{names[0]} vs {names[1]}]" in result_screen
    assert numbers == list(range(1, 21))

    metric = ElicitedFairMetric.load(study / "metric_terminal.json")
    assert metric.groups == tuple(names) and metric.classes == tuple(bunch.target_names)
    # The person's score depends on one gap only: the true lam is 1 and B is zero but for that entry.
    # Measured with this person through the Python API over seeds 0-3: lam 0.82-0.93, B[0][0, 0] -1.99.
    assert metric.lam > 0.6, metric.lam
    assert metric.B[0][0, 0] < -1.5 and np.abs(metric.B[0]).argmax() == 0, metric.B
    low, high = metric.uncertainty["lam_interval"]
    assert 0.0 <= low <= metric.lam <= high <= 1.0
    summary = json.loads((study / "summary.json").read_text())
    assert summary["study"]["groups"] == list(names) and summary["participants"][0]["lam"] == metric.lam


def _one_line(code: int, stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert code == 2 and len(lines) == 1 and lines[0].startswith("oraclelab: error: "), (code, stderr)
    return lines[0]


def test_an_existing_study_needs_resume_and_the_same_settings(tmp_path, run_cli):
    from oraclelab.elicit.person import PersonSettings, PersonStudy

    study = tmp_path / "study"
    PersonStudy(study, PersonSettings(dataset="breast_cancer", budget=20)).close()

    line = _one_line(*run_cli("elicit", "ask", "--dataset", "breast_cancer", "--budget", "20", "--out", study)[::2])
    assert "already holds a study" in line and "Pass --resume" in line
    line = _one_line(*run_cli("elicit", "ask", "--out", study, "--resume", "--budget", "30")[::2])
    assert "--budget 20 (given 30)" in line
    line = _one_line(*run_cli("elicit", "ask", "--out", study, "--resume", "--dataset", "wine", "--budget", "20")[::2])
    assert "--dataset 'breast_cancer' (given 'wine')" in line
    # The same settings are accepted; without a terminal the command says so instead of waiting for keys.
    line = _one_line(*run_cli("elicit", "ask", "--out", study, "--resume", "--dataset", "breast_cancer", "--budget", "20")[::2])
    assert "terminal" in line and "--resume" in line
    assert _store_events(study) == []
    with sqlite3.connect(study / "study.sqlite") as db:
        assert db.execute("SELECT COUNT(*) FROM participants").fetchone() == (0,)


def test_replay_of_a_garbage_file_or_an_empty_folder_is_one_line(tmp_path, run_cli):
    garbage = tmp_path / "study.sqlite"
    garbage.write_bytes(b"not a database at all \x00\x01" * 40)
    assert "not a session store" in _one_line(*run_cli("elicit", "replay", garbage)[::2])
    (tmp_path / "empty").mkdir()
    assert "no such study log" in _one_line(*run_cli("elicit", "replay", tmp_path / "empty")[::2])
