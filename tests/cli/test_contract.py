"""The CLI contract: every command turns each kind of user mistake into exit code 2 and one line.

The commands are enumerated from the Typer app, so a new command is covered by the generic
cases (an unknown option, a wrong type for each number, an unknown value for each choice) at
once, and fails :func:`test_every_command_has_a_case_of_each_kind` until its own cases (a
missing file, a number out of range, a malformed file, ...) are listed in ``CASES``.
"""

from __future__ import annotations

import enum
import os
import sqlite3
import subprocess
import sys
import typing
from pathlib import Path

import pytest
import typer

from oraclelab.cli import app
from tests.elicit.person.web.serving import free_port

MISSING_FILE = "missing file"
WRONG_TYPE = "wrong type"
OUT_OF_RANGE = "out of range"
UNKNOWN_CHOICE = "unknown choice"
MALFORMED_FILE = "malformed file"
KINDS = (MISSING_FILE, WRONG_TYPE, OUT_OF_RANGE, UNKNOWN_CHOICE, MALFORMED_FILE)

#: A sweep file that is valid YAML and valid in form, for the command named in its first line.
SWEEP = ("command: [{command}]\nspace: {{tol: {{type: float, low: 0.001, high: 0.1}}}}\n"
         "objective: {{key: rows.0.B_err_median}}\nn_trials: {n_trials}\nsampler: {sampler}\n")

#: (command, kind, arguments): ``{d}`` is a folder holding the files of :func:`bad_files`, ``{port}`` a free port.
CASES: list[tuple[str, str, tuple[str, ...]]] = [
    ("elicit study", WRONG_TYPE, ("--trials", "abc")),
    ("elicit study", OUT_OF_RANGE, ("--trials", "0")),
    ("elicit study", OUT_OF_RANGE, ("--tol", "-1")),
    ("elicit study", OUT_OF_RANGE, ("--classes", "1")),
    ("elicit study", UNKNOWN_CHOICE, ("--mode", "nope")),
    ("elicit study", OUT_OF_RANGE, ("--mode", "active", "--budget", "0", "--out", "{d}/o")),
    ("elicit study", OUT_OF_RANGE, ("--temperature", "-1", "--out", "{d}/o")),
    ("elicit study", OUT_OF_RANGE, ("--flip-prob", "0.1", "--temperature", "0.01", "--out", "{d}/o")),
    ("elicit study", OUT_OF_RANGE, ("--tell", "--out", "{d}/o")),
    ("elicit study", UNKNOWN_CHOICE, ("--noise-model", "loud:0.1", "--out", "{d}/o")),
    ("elicit study", MALFORMED_FILE, ("--out", "{d}/garbage-run", "--resume", "--trials", "2", "--classes", "2")),
    ("elicit study", MALFORMED_FILE, ("--out", "{d}/garbage-estimates", "--resume", "--trials", "2", "--classes", "2",
                                      "--formed", "well")),
    ("elicit fair-study", WRONG_TYPE, ("--trials", "abc")),
    ("elicit fair-study", WRONG_TYPE, ("--groups", "two")),
    ("elicit fair-study", OUT_OF_RANGE, ("--trials", "0", "--out", "{d}/o")),
    ("elicit fair-study", OUT_OF_RANGE, ("--groups", "1", "--out", "{d}/o")),
    ("elicit fair-study", OUT_OF_RANGE, ("--classes", "2", "1", "--out", "{d}/o")),
    ("elicit fair-study", OUT_OF_RANGE, ("--tol", "-1", "--out", "{d}/o")),
    ("elicit fair-study", UNKNOWN_CHOICE, ("--mode", "nope")),
    ("elicit fair-study", UNKNOWN_CHOICE, ("--instances", "nope")),
    ("elicit fair-study", OUT_OF_RANGE, ("--mode", "active", "--budget", "0", "--out", "{d}/o")),
    ("elicit fair-simulate", MISSING_FILE, ("--data", "{d}/missing.csv", "--groups", "g", "--out", "{d}/o")),
    ("elicit fair-simulate", WRONG_TYPE, ("--dataset", "breast_cancer", "--groups", "mean radius", "--budget", "abc")),
    ("elicit fair-simulate", OUT_OF_RANGE, ("--dataset", "breast_cancer", "--groups", "mean radius", "--budget", "0",
                                            "--out", "{d}/o")),
    ("elicit fair-simulate", OUT_OF_RANGE, ("--dataset", "breast_cancer", "--out", "{d}/o")),
    ("elicit fair-simulate", OUT_OF_RANGE, ("--dataset", "breast_cancer", "--groups", "radius", "--out", "{d}/o")),
    ("elicit fair-simulate", UNKNOWN_CHOICE, ("--dataset", "nope", "--groups", "g")),
    ("elicit fair-simulate", MALFORMED_FILE, ("--data", "{d}/garbage.csv", "--groups", "x", "--out", "{d}/o")),
    ("elicit fair-study", OUT_OF_RANGE, ("--mode", "active", "--true-gradients", "--out", "{d}/o")),
    ("elicit fair-study", OUT_OF_RANGE, ("--flip-prob", "0.7", "--out", "{d}/o")),
    ("elicit fair-study", UNKNOWN_CHOICE, ("--mode", "active", "--noise-model", "loud:0.1", "--out", "{d}/o")),
    ("elicit fair-study", MALFORMED_FILE, ("--out", "{d}/garbage-run", "--resume", "--trials", "2", "--groups", "2",
                                           "--classes", "2")),
    ("elicit fair-study", MALFORMED_FILE, ("--out", "{d}/garbage-fair", "--resume", "--trials", "2", "--groups", "2",
                                           "--classes", "2")),
    ("elicit run", MISSING_FILE, ("--metrics", "{d}/missing.npz")),
    ("elicit run", WRONG_TYPE, ("--metrics", "{d}/metrics.npz", "--seed", "abc")),
    ("elicit run", OUT_OF_RANGE, ("--metrics", "{d}/metrics.npz", "--tol", "-1", "--out", "{d}/o")),
    ("elicit run", OUT_OF_RANGE, ("--metrics", "{d}/metrics.npz", "--flip-prob", "0.7", "--out", "{d}/o")),
    ("elicit run", OUT_OF_RANGE, ("--metrics", "{d}/metrics.npz", "--budget", "0", "--out", "{d}/o")),
    ("elicit run", OUT_OF_RANGE, ("--metrics", "{d}/metrics.npz", "--indifference", "1e-3", "--flip-prob", "0.1", "--out", "{d}/o")),
    ("elicit run", UNKNOWN_CHOICE, ("--metrics", "{d}/metrics.npz", "--mode", "nope")),
    ("elicit run", UNKNOWN_CHOICE, ("--metrics", "{d}/metrics.npz", "--noise-model", "nope", "--out", "{d}/o")),
    ("elicit run", MALFORMED_FILE, ("--metrics", "{d}/garbage.npz", "--out", "{d}/o")),
    ("elicit run", MALFORMED_FILE, ("--metrics", "{d}/wrong-shapes.npz", "--out", "{d}/o")),
    ("elicit worst", MISSING_FILE, ("--run", "{d}/missing-run")),
    ("elicit worst", MALFORMED_FILE, ("--run", "{d}/garbage-estimates")),
    ("elicit demo", WRONG_TYPE, ("--classes", "abc")),
    ("elicit demo", OUT_OF_RANGE, ("--classes", "1", "--out", "{d}/o")),
    ("elicit demo", OUT_OF_RANGE, ("--tol", "0", "--out", "{d}/o")),
    ("elicit demo", OUT_OF_RANGE, ("--mode", "active", "--budget", "0", "--out", "{d}/o")),
    ("elicit demo", OUT_OF_RANGE, ("--temperature", "0.1", "--indifference", "1e-3", "--out", "{d}/o")),
    ("elicit demo", OUT_OF_RANGE, ("--noise-model", "flip:0.9", "--out", "{d}/o")),
    ("elicit demo", UNKNOWN_CHOICE, ("--mode", "nope")),
    ("elicit demo", UNKNOWN_CHOICE, ("--noise-model", "indifference-maybe:1e-3", "--out", "{d}/o")),
    ("elicit simulate", MISSING_FILE, ("--data", "{d}/missing.csv", "--out", "{d}/o")),
    ("elicit simulate", MISSING_FILE, ("--dataset", "breast_cancer", "--metrics", "{d}/missing.npz", "--out", "{d}/o")),
    ("elicit simulate", WRONG_TYPE, ("--dataset", "wine", "--budget", "abc")),
    ("elicit simulate", OUT_OF_RANGE, ("--dataset", "wine", "--budget", "0", "--out", "{d}/o")),
    ("elicit simulate", OUT_OF_RANGE, ("--dataset", "wine", "--flip-prob", "0.7", "--out", "{d}/o")),
    ("elicit simulate", OUT_OF_RANGE, ("--dataset", "wine", "--pool", "1", "--out", "{d}/o")),
    ("elicit simulate", UNKNOWN_CHOICE, ("--dataset", "nope")),
    ("elicit simulate", UNKNOWN_CHOICE, ("--dataset", "wine", "--mode", "classic")),
    ("elicit simulate", MALFORMED_FILE, ("--data", "{d}/garbage.csv", "--out", "{d}/o")),
    ("elicit simulate", MALFORMED_FILE, ("--data", "{d}/data.csv", "--labels", "y", "--out", "{d}/o")),
    ("elicit simulate", MALFORMED_FILE, ("--dataset", "breast_cancer", "--metrics", "{d}/garbage.npz", "--out", "{d}/o")),
    ("elicit simulate", MALFORMED_FILE, ("--dataset", "breast_cancer", "--metrics", "{d}/metrics.npz", "--out", "{d}/o")),
    ("elicit noise-study", WRONG_TYPE, ("--trials", "abc")),
    ("elicit noise-study", OUT_OF_RANGE, ("--trials", "0", "--out", "{d}/o")),
    ("elicit noise-study", OUT_OF_RANGE, ("--classes", "1", "--out", "{d}/o")),
    ("elicit noise-study", OUT_OF_RANGE, ("--flip-prob", "0.7", "--out", "{d}/o")),
    ("elicit noise-study", OUT_OF_RANGE, ("--budget", "0", "--out", "{d}/o")),
    ("elicit noise-study", OUT_OF_RANGE, ("--qme-tols", "0.1,0", "--out", "{d}/o")),
    ("elicit noise-study", WRONG_TYPE, ("--checkpoints", "10,abc", "--out", "{d}/o")),
    ("elicit noise-study", UNKNOWN_CHOICE, ("--modes", "nope", "--out", "{d}/o")),
    ("elicit noise-study", UNKNOWN_CHOICE, ("--elicitor-noise", "nope", "--out", "{d}/o")),
    ("elicit noise-study", UNKNOWN_CHOICE, ("--noise", "bogus:1", "--out", "{d}/o")),
    ("elicit rank", MISSING_FILE, ("--metric", "{d}/missing.json", "--data", "{d}/labels.csv", "--predictions", "{d}/labels.csv")),
    ("elicit rank", MISSING_FILE, ("--metric", "{d}/metric.json", "--data", "{d}/labels.csv", "--predictions", "{d}/missing.csv")),
    ("elicit rank", MALFORMED_FILE, ("--metric", "{d}/garbage.json", "--data", "{d}/labels.csv", "--predictions", "{d}/labels.csv")),
    ("elicit rank", MALFORMED_FILE, ("--metric", "{d}/metric.json", "--data", "{d}/labels.csv", "--predictions", "{d}/garbage.csv")),
    ("elicit rank", MALFORMED_FILE, ("--metric", "{d}/metric.json", "--data", "{d}/data.csv", "--labels", "y",
                                     "--predictions", "{d}/labels.csv")),
    ("elicit ask", MISSING_FILE, ("--data", "{d}/missing.csv", "--out", "{d}/o")),
    ("elicit ask", WRONG_TYPE, ("--dataset", "breast_cancer", "--budget", "abc")),
    ("elicit ask", OUT_OF_RANGE, ("--dataset", "breast_cancer", "--budget", "0", "--out", "{d}/o")),
    ("elicit ask", OUT_OF_RANGE, ("--dataset", "breast_cancer", "--repeat-every", "1", "--out", "{d}/o")),
    ("elicit ask", UNKNOWN_CHOICE, ("--dataset", "nope", "--out", "{d}/o")),
    ("elicit ask", UNKNOWN_CHOICE, ("--dataset", "breast_cancer", "--noise-model", "bogus", "--out", "{d}/o")),
    ("elicit ask", MALFORMED_FILE, ("--data", "{d}/garbage.csv", "--out", "{d}/o")),
    ("elicit ask", MALFORMED_FILE, ("--out", "{d}/garbage-study", "--resume")),
    ("elicit serve", MISSING_FILE, ("--data", "{d}/missing.csv", "--out", "{d}/o", "--port", "{port}")),
    ("elicit serve", WRONG_TYPE, ("--dataset", "breast_cancer", "--out", "{d}/o", "--port", "abc")),
    ("elicit serve", OUT_OF_RANGE, ("--dataset", "breast_cancer", "--out", "{d}/o", "--port", "70000")),
    ("elicit serve", OUT_OF_RANGE, ("--dataset", "breast_cancer", "--out", "{d}/o", "--port", "0")),
    ("elicit serve", OUT_OF_RANGE, ("--dataset", "breast_cancer", "--budget", "0", "--out", "{d}/o", "--port", "{port}")),
    ("elicit serve", UNKNOWN_CHOICE, ("--dataset", "nope", "--out", "{d}/o")),
    ("elicit serve", OUT_OF_RANGE, ("--dataset", "breast_cancer", "--host", "192.0.2.1", "--out", "{d}/o", "--port", "{port}")),
    ("elicit serve", MALFORMED_FILE, ("--data", "{d}/garbage.csv", "--out", "{d}/o", "--port", "{port}")),
    ("elicit serve", MALFORMED_FILE, ("--out", "{d}/garbage-study", "--resume", "--port", "{port}")),
    ("elicit replay", MISSING_FILE, ("{d}/missing.sqlite",)),
    ("elicit replay", MALFORMED_FILE, ("{d}/garbage.db",)),
    ("elicit replay", MALFORMED_FILE, ("{d}/garbage-study",)),
    ("symbolic train-critic", MISSING_FILE, ("--out", "{d}/o", "--library", "{d}/missing.lib")),
    ("symbolic train-critic", MISSING_FILE, ("--out", "{d}/o", "--points", "file:{d}/missing.npy")),
    ("symbolic train-critic", WRONG_TYPE, ("--out", "{d}/o", "--batch", "abc")),
    ("symbolic train-critic", OUT_OF_RANGE, ("--out", "{d}/o", "--batch", "0")),
    ("symbolic train-critic", OUT_OF_RANGE, ("--out", "{d}/o", "--target-accuracy", "2")),
    ("symbolic train-critic", UNKNOWN_CHOICE, ("--out", "{d}/o", "--critic", "nope")),
    ("symbolic train-critic", UNKNOWN_CHOICE, ("--out", "{d}/o", "--net-activation", "nope")),
    ("symbolic train-critic", UNKNOWN_CHOICE, ("--out", "{d}/o", "--device", "nope")),
    ("symbolic train-critic", MALFORMED_FILE, ("--out", "{d}/o", "--library", "{d}/garbage.lib")),
    ("symbolic train-critic", MALFORMED_FILE, ("--out", "{d}/o", "--library", "{d}/overflow.lib", "--max-epochs", "5")),
    ("symbolic train-critic", MALFORMED_FILE, ("--out", "{d}/o", "--points", "file:{d}/garbage.npy")),
    ("symbolic compare-classifiers", MISSING_FILE, ("--out", "{d}/o", "--library", "{d}/missing.lib")),
    ("symbolic compare-classifiers", WRONG_TYPE, ("--out", "{d}/o", "--size", "abc")),
    ("symbolic compare-classifiers", OUT_OF_RANGE, ("--out", "{d}/o", "--repeats", "0")),
    ("symbolic compare-classifiers", UNKNOWN_CHOICE, ("--out", "{d}/o", "--critic", "nope")),
    ("symbolic compare-classifiers", MALFORMED_FILE, ("--out", "{d}/o", "--library", "{d}/garbage.lib")),
    ("symbolic input-study", MISSING_FILE, ("--out", "{d}/o", "--library", "{d}/missing.lib")),
    ("symbolic input-study", WRONG_TYPE, ("--out", "{d}/o", "--n-points", "abc")),
    ("symbolic input-study", OUT_OF_RANGE, ("--out", "{d}/o", "--n-points", "0")),
    ("symbolic input-study", OUT_OF_RANGE, ("--out", "{d}/o", "--std", "-1", "--max-seconds", "2")),
    ("symbolic input-study", UNKNOWN_CHOICE, ("--out", "{d}/o", "--critic", "nope")),
    ("symbolic input-study", MALFORMED_FILE, ("--out", "{d}/o", "--library", "{d}/garbage.lib")),
    ("symbolic train-critics", MISSING_FILE, ("--job", "{d}/missing.json")),
    ("symbolic train-critics", WRONG_TYPE, ("--out", "{d}/o", "--max-epochs", "abc")),
    ("symbolic train-critics", OUT_OF_RANGE, ("--out", "{d}/o", "--max-epochs", "0")),
    ("symbolic train-critics", UNKNOWN_CHOICE, ("--out", "{d}/o", "--critic", "nope")),
    ("symbolic train-critics", MALFORMED_FILE, ("--job", "{d}/garbage.json")),
    ("symbolic problems", WRONG_TYPE, ("--export", "F11", "--rows", "abc", "--out", "{d}/o.csv")),
    ("symbolic problems", OUT_OF_RANGE, ("--export", "F11", "--rows", "0", "--out", "{d}/o.csv")),
    ("symbolic problems", OUT_OF_RANGE, ("--export", "F11", "--noise", "-0.5", "--out", "{d}/o.csv")),
    ("symbolic problems", OUT_OF_RANGE, ("--export", "F11", "--out", "{d}/o.npz")),
    ("symbolic problems", OUT_OF_RANGE, ("--rows", "10")),
    ("symbolic problems", UNKNOWN_CHOICE, ("--export", "nope", "--out", "{d}/o.csv")),
    ("symbolic sr", MISSING_FILE, ("--out", "{d}/o", "--data", "{d}/missing.csv", "--inputs", "x", "--target", "y")),
    ("symbolic sr", WRONG_TYPE, ("--out", "{d}/o", "--problem", "F00", "--seconds", "abc")),
    ("symbolic sr", OUT_OF_RANGE, ("--out", "{d}/o", "--problem", "F00", "--seconds", "-1")),
    ("symbolic sr", UNKNOWN_CHOICE, ("--out", "{d}/o", "--problem", "F00", "--backend", "nope")),
    ("symbolic sr", UNKNOWN_CHOICE, ("--out", "{d}/o", "--problem", "nope")),
    ("symbolic sr", MALFORMED_FILE, ("--out", "{d}/o", "--data", "{d}/garbage.csv", "--inputs", "x", "--target", "y")),
    ("symbolic discover", MISSING_FILE, ("--out", "{d}/o", "--data", "{d}/missing.csv", "--inputs", "x", "--target", "y")),
    ("symbolic discover", MISSING_FILE, ("--out", "{d}/o", "--problem", "F11", "--critic-weight", "0",
                                         "--critic-dir", "{d}/missing-critic", "--epochs", "1")),
    ("symbolic discover", MISSING_FILE, ("--out", "{d}/o", "--problem", "F11", "--critic-dir", "{d}/missing-critic",
                                         "--epochs", "1")),
    ("symbolic discover", WRONG_TYPE, ("--out", "{d}/o", "--problem", "F11", "--epochs", "abc")),
    ("symbolic discover", OUT_OF_RANGE, ("--out", "{d}/o", "--problem", "F11", "--epochs", "0")),
    ("symbolic discover", UNKNOWN_CHOICE, ("--out", "{d}/o", "--problem", "F11", "--model", "nope")),
    ("symbolic discover", UNKNOWN_CHOICE, ("--out", "{d}/o", "--problem", "nope")),
    ("symbolic discover", UNKNOWN_CHOICE, ("--out", "{d}/o", "--problem", "F11", "--data", "{d}/data.csv",
                                           "--inputs", "x", "--target", "y")),
    ("symbolic discover", MALFORMED_FILE, ("--out", "{d}/o", "--data", "{d}/garbage.csv", "--inputs", "x", "--target", "y")),
    ("symbolic discover", MALFORMED_FILE, ("--out", "{d}/o", "--problem", "F11", "--critic-dir", "{d}/garbage-critic",
                                           "--epochs", "1")),
    ("symbolic discover", UNKNOWN_CHOICE, ("--out", "{d}/o", "--problem", "F11", "--library", "F11,nope,sr")),
    ("symbolic discover", OUT_OF_RANGE, ("--out", "{d}/o", "--problem", "F11", "--library", "general2d,sr")),
    ("symbolic discover", OUT_OF_RANGE, ("--out", "{d}/o", "--problem", "F11", "--workers", "-1")),
    ("symbolic discover", OUT_OF_RANGE, ("--out", "{d}/o", "--problem", "F11", "--noise", "-1")),
    ("sweep", MISSING_FILE, ("--config", "{d}/missing.yaml", "--out", "{d}/o")),
    ("sweep", WRONG_TYPE, ("--config", "{d}/sweep.yaml", "--workers", "abc")),
    ("sweep", OUT_OF_RANGE, ("--config", "{d}/sweep.yaml", "--out", "{d}/o", "--workers", "-1")),
    ("sweep", OUT_OF_RANGE, ("--config", "{d}/sweep-no-trials.yaml", "--out", "{d}/o")),
    ("sweep", UNKNOWN_CHOICE, ("--config", "{d}/sweep-unknown-command.yaml", "--out", "{d}/o")),
    ("sweep", UNKNOWN_CHOICE, ("--config", "{d}/sweep-unknown-sampler.yaml", "--out", "{d}/o")),
    ("sweep", MALFORMED_FILE, ("--config", "{d}/garbage.yaml", "--out", "{d}/o")),
    ("sweep worker", MISSING_FILE, ("--storage", "sqlite:///{d}/missing-folder/study.db", "--study", "s")),
    ("sweep worker", WRONG_TYPE, ("--storage", "sqlite:///{d}/empty.db", "--study", "s", "--n-trials", "abc")),
    ("sweep worker", OUT_OF_RANGE, ("--storage", "sqlite:///{d}/empty.db", "--study", "s", "--n-trials", "0")),
    ("sweep worker", UNKNOWN_CHOICE, ("--storage", "sqlite:///{d}/empty.db", "--study", "no-such-study")),
    ("sweep worker", MALFORMED_FILE, ("--storage", "sqlite:///{d}/garbage.db", "--study", "s")),
]

#: Kinds of mistake a command cannot meet, with the reason.
NOT_APPLICABLE: dict[tuple[str, str], str] = {
    ("elicit study", MISSING_FILE): "reads no input file",
    ("elicit demo", MISSING_FILE): "reads no input file",
    ("elicit fair-study", MISSING_FILE): "reads no input file",
    ("elicit demo", MALFORMED_FILE): "reads no input file",
    ("elicit noise-study", MISSING_FILE): "reads no input file",
    ("elicit noise-study", MALFORMED_FILE): "reads no input file",
    ("elicit worst", WRONG_TYPE): "takes only a folder",
    ("elicit worst", OUT_OF_RANGE): "takes only a folder",
    ("elicit worst", UNKNOWN_CHOICE): "takes only a folder",
    ("elicit rank", WRONG_TYPE): "takes files and column names only",
    ("elicit rank", OUT_OF_RANGE): "takes files and column names only",
    ("elicit rank", UNKNOWN_CHOICE): "takes files and column names only",
    ("elicit replay", WRONG_TYPE): "takes a log and an output file only",
    ("elicit replay", OUT_OF_RANGE): "takes a log and an output file only",
    ("elicit replay", UNKNOWN_CHOICE): "takes a log and an output file only",
    ("symbolic problems", MISSING_FILE): "reads no input file (--export writes one)",
    ("symbolic problems", MALFORMED_FILE): "reads no input file (--export writes one)",
}

#: A few cases also run as real processes: stderr then holds everything, warnings included.
SUBPROCESS_CASES = [
    ("elicit study", ("--trials", "abc")),
    ("elicit run", ("--metrics", "{d}/garbage.npz", "--out", "{d}/o")),
    ("elicit demo", ("--flip-prob", "0.1", "--temperature", "0.01", "--out", "{d}/o")),
    ("elicit fair-study", ("--groups", "1", "--out", "{d}/o")),
    ("elicit rank", ("--metric", "{d}/garbage.json", "--data", "{d}/labels.csv", "--predictions", "{d}/labels.csv")),
    ("elicit ask", ("--out", "{d}/garbage-study", "--resume")),
    ("elicit replay", ("{d}/garbage.db",)),
    ("symbolic train-critic", ("--out", "{d}/o", "--library", "{d}/garbage.lib")),
    ("symbolic discover", ("--out", "{d}/o", "--problem", "F11", "--epochs", "0")),
    ("sweep", ("--config", "{d}/garbage.yaml", "--out", "{d}/o")),
]


def _walk(command, path: tuple[str, ...] = ()):
    """(path, command) for every command that runs something, groups with their own options included."""
    if hasattr(command, "commands"):
        if path and command.params:
            yield " ".join(path), command
        for name, sub in command.commands.items():
            yield from _walk(sub, (*path, name))
    else:
        yield " ".join(path), command


COMMANDS = dict(_walk(typer.main.get_command(app)))


def _base(annotation):
    """The element type of an option's annotation (``Optional[X]`` and ``List[X]`` unwrapped)."""
    args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
    if typing.get_origin(annotation) in (typing.Union, list, typing.List) and len(args) == 1:
        return _base(args[0])
    return annotation


def _is_choice(annotation) -> bool:
    base = _base(annotation)
    return typing.get_origin(base) is typing.Literal or (isinstance(base, type) and issubclass(base, enum.Enum))


def _options(name: str, test) -> list[str]:
    """The flags of ``name``'s options whose annotation passes ``test``."""
    return [param.opts[0] for param in COMMANDS[name].params
            if param.opts and param.opts[0].startswith("--") and test(param.type_descriptor.annotation)]


def _is_number(annotation) -> bool:
    return _base(annotation) in (int, float)


GENERIC_CASES = (
    [(name, ("--no-such-option",)) for name in COMMANDS]
    + [(name, (flag, "abc")) for name in COMMANDS for flag in _options(name, _is_number)]
    + [(name, (flag, "nope")) for name in COMMANDS for flag in _options(name, _is_choice)]
)


@pytest.fixture
def bad_files(tmp_path: Path) -> Path:
    """A folder of missing, garbage and wrong files, named as ``CASES`` uses them."""
    import numpy as np

    d = tmp_path / "files"
    d.mkdir()
    for name in ("garbage.npz", "garbage.npy", "garbage.json", "garbage.lib", "garbage.db"):
        (d / name).write_text("garbage ((\x00 not a file of this kind\n")
    (d / "garbage.yaml").write_text("study: [unclosed\n")
    (d / "garbage.csv").write_text("x,y\n1,2\n3\n")
    (d / "data.csv").write_text("x,y\n" + "".join(f"{x},{2 * x}\n" for x in range(20)))
    (d / "overflow.lib").write_text("N0*x0**(10**10**10)\n")
    (d / "labels.csv").write_text("label,pred\n" + "".join(f"{i % 2},{i // 2 % 2}\n" for i in range(8)))
    (d / "metric.json").write_text('{"format_version": 1, "kind": "oraclelab.ElicitedMetric", "classes": ["0", "1"], '
                                   '"a": [-1, -1], "B": [[0, 0], [0, 0]], "uncertainty": {}, "provenance": {}}\n')
    np.savez(d / "metrics.npz", a=np.eye(3)[:1] * 0.5, B=np.eye(3)[None])
    np.savez(d / "wrong-shapes.npz", a=np.zeros((2, 3)), B=np.zeros((2, 4, 4)))
    (d / "garbage-run").mkdir()
    (d / "garbage-run" / "config.yaml").write_text("command: [unclosed\n")
    (d / "garbage-estimates").mkdir()
    (d / "garbage-estimates" / "estimates_k2-well.npz").write_text("garbage\n")
    (d / "garbage-study").mkdir()
    (d / "garbage-study" / "study.sqlite").write_text("garbage ((\x00 not a study\n")
    (d / "garbage-fair").mkdir()
    (d / "garbage-fair" / "estimates_m2-k2.npz").write_text("garbage\n")
    (d / "garbage-critic").mkdir()
    for name in ("config.yaml", "critic.json", "critic.pt"):
        (d / "garbage-critic" / name).write_text("garbage: [\n")
    sweep = {"sweep.yaml": ("elicit, study", 2, "tpe"), "sweep-no-trials.yaml": ("elicit, study", 0, "tpe"),
             "sweep-unknown-command.yaml": ("elicit, nope", 2, "tpe"), "sweep-unknown-sampler.yaml": ("elicit, study", 2, "nope")}
    for name, (command, n_trials, sampler) in sweep.items():
        (d / name).write_text(SWEEP.format(command=command, n_trials=n_trials, sampler=sampler))
    sqlite3.connect(d / "empty.db").close()
    return d


def _check_one_line_error(code: int, stdout: str, stderr: str) -> None:
    assert "Traceback" not in stdout + stderr
    assert code == 2, f"exit code {code}; stderr: {stderr!r}"
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("oraclelab: error: "), stderr


def test_every_command_has_a_case_of_each_kind():
    listed = {(name, kind) for name, kind, _ in CASES} | set(NOT_APPLICABLE)
    missing = [(name, kind) for name in COMMANDS for kind in KINDS if (name, kind) not in listed]
    assert not missing, f"list a case (or why none applies) for: {missing}"
    assert {name for name, _, _ in CASES} | {name for name, _ in NOT_APPLICABLE} <= set(COMMANDS)


def test_a_kind_is_declared_not_applicable_only_where_the_command_has_no_such_option():
    for (name, kind), _ in NOT_APPLICABLE.items():
        if kind in (WRONG_TYPE, OUT_OF_RANGE):
            assert not _options(name, _is_number), (name, kind)
        if kind == UNKNOWN_CHOICE:
            assert not _options(name, _is_choice), (name, kind)


@pytest.mark.parametrize("name, kind, args", CASES, ids=[f"{n}: {k}: {' '.join(a)}" for n, k, a in CASES])
def test_each_mistake_is_one_line_and_exit_code_2(run_cli, bad_files, name, kind, args):
    code, stdout, stderr = run_cli(*name.split(), *(arg.format(d=bad_files, port=free_port()) for arg in args))
    _check_one_line_error(code, stdout, stderr)


@pytest.mark.parametrize("name, args", GENERIC_CASES, ids=[f"{n}: {' '.join(a)}" for n, a in GENERIC_CASES])
def test_an_unknown_option_a_wrong_type_and_an_unknown_choice_fail_on_every_command(run_cli, name, args):
    code, stdout, stderr = run_cli(*name.split(), *args)
    _check_one_line_error(code, stdout, stderr)
    assert args[0] in stderr


@pytest.mark.parametrize("name, args", SUBPROCESS_CASES, ids=[f"{n}: {' '.join(a)}" for n, a in SUBPROCESS_CASES])
def test_a_real_process_prints_one_line_and_exits_2(bad_files, name, args):
    env = {**os.environ, "ORACLELAB_PROGRESS": "0", "PYTHONWARNINGS": "default"}
    done = subprocess.run([sys.executable, "-m", "oraclelab", *name.split(), *(arg.format(d=bad_files) for arg in args)],
                          capture_output=True, text=True, timeout=120, env=env, cwd=bad_files)
    _check_one_line_error(done.returncode, done.stdout, done.stderr)
