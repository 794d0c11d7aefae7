"""``oraclelab elicit ask``: a person answers in the terminal; ``oraclelab elicit replay``: metrics from the log alone.

``ask`` shows two realised classifiers per question and reads one key at a time (1 = A,
2 = B, = can't tell, u = undo, q = save and quit). Every answer is committed to the study's
event log before the next question is shown, so quitting, Ctrl-C or a lost terminal lose
nothing, and ``--resume`` continues at the question after the last answer.
"""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path
from typing import Any, Optional

import numpy as np
import typer
from rich.console import Console

from oraclelab.cli._options import with_config_options
from oraclelab.cli._study_folder import metric_path, open_study, study_lock, write_summary
from oraclelab.elicit.person import PersonSettings
from oraclelab.errors import ParameterError, RunError

__all__ = ["register", "DEFAULT_NAME"]

#: The participant ``ask`` answers as unless ``--name`` says otherwise.
DEFAULT_NAME = "terminal"

#: Keys that answer: the choice each records, and how it is confirmed on screen.
CHOICE_KEYS = {"1": ("left", "A is better"), "2": ("right", "B is better"), "=": ("equal", "can't tell")}
UNDO_KEY, QUIT_KEY = "u", "q"


def _discard_typed_ahead() -> None:
    """Drop keys pressed before the question is shown, so that none answers a question unseen."""
    import termios

    termios.tcflush(sys.stdin.fileno(), termios.TCIFLUSH)


def _ask_until_done(session: Any, console: Console) -> bool:
    """Ask questions until the session finishes (True) or the person quits (False); each answer is committed at once."""
    from oraclelab.cli._person_view import KEYS_LINE, question_view

    try:
        while (question := session.question()) is not None:
            _discard_typed_ahead()
            console.print(question_view(question, session.progress()))
            while True:
                key = typer.getchar()
                if not key:
                    raise EOFError("the terminal is gone")
                if key in CHOICE_KEYS:
                    choice, words = CHOICE_KEYS[key]
                    session.answer(question.id, choice)
                    console.print(f"Question {question.number}: {words} (saved).\n")
                    break
                if key == UNDO_KEY:
                    if session.undo():
                        console.print(f"Undone: question {question.number - 1} is asked again.\n")
                        break
                    console.print("Nothing to undo yet: this is the first question.")
                elif key == QUIT_KEY:
                    return False
                else:
                    console.print(f"Unknown key {key!r}. {KEYS_LINE}.", markup=False, highlight=False)
    except (KeyboardInterrupt, EOFError):
        return False
    return True


def _resume_command(out: Path, name: str) -> str:
    command = f"oraclelab elicit ask --out {shlex.quote(str(out))} --resume"
    return command if name == DEFAULT_NAME else f"{command} --name {shlex.quote(name)}"


def _finish(study: Any, session: Any, out: Path, console: Console) -> None:
    """Show and save the elicited metric, its consistency and ranking; write the study's summary.json."""
    from oraclelab.cli._person_view import consistency_line, metric_table, ranking_table
    result = session.result()
    saved = result.metric.save(metric_path(out, result.name))  # first: the metric is the person's work
    study_summary = study.summary()
    person = next(p for p in study_summary["participants"] if p["name"] == result.name)
    console.print(metric_table(result))
    console.print(consistency_line(result))
    if person["ranking"]:
        console.print(ranking_table(person["ranking"]))
    summary = write_summary(study_summary, out)
    console.print(f"Metric saved to {saved}; study summary in {summary}.", markup=False, highlight=False)


def ask(
    context: typer.Context,
    out: Path = typer.Option(..., "--out", help="The study's folder (its event log is study.sqlite there)."),
    name: str = typer.Option(DEFAULT_NAME, "--name", help="The participant answering."),
    resume: bool = typer.Option(False, "--resume", help="Continue the study in --out (data options may then be left out)."),
    **options: Any,
) -> None:
    """Ask a person in the terminal: two classifiers per question, keys 1 / 2 / = / u / q; answers saved as given."""
    study = open_study(context, out, resume, options)
    with study:
        if not sys.stdin.isatty():
            raise RunError(f"'elicit ask' reads keys from a terminal; run it in one (continue with: {_resume_command(out, name)}).")
        with study_lock(out, name.strip()):  # before anything is written: a served study takes no terminal
            participant = study.participant(name)
            session = study.session(participant)
            console = Console(highlight=False)
            if _ask_until_done(session, console):
                _finish(study, session, out, console)
                return
            answered = session.progress().answered
            console.print(f"\nSaved: {answered} answer{'' if answered == 1 else 's'} in {out / 'study.sqlite'}.", markup=False)
            console.print(f"To continue: {_resume_command(out, participant.name)}", markup=False, soft_wrap=True)


def replay_command(
    log: Path = typer.Argument(..., help="A study folder or its study.sqlite."),
    out: Optional[Path] = typer.Option(None, "--out", help="Write every participant's recomputed metric to this JSON file."),
) -> None:
    """Recompute each participant's metric from the event log alone, beside the saved metric_<name>.json."""
    from rich.table import Table
    from rich.text import Text

    from oraclelab.elicit.person import replay
    from oraclelab.runs import to_plain
    from oraclelab.runs._atomic import atomic_write_text

    if out is not None and out.is_dir():
        raise ParameterError(f"--out {out} is a folder; give the JSON file to write.")
    record, results = replay(log)
    folder = log if log.is_dir() else log.parent
    table = Table(title=Text(f"Replayed from {log}"))
    for column in ("participant", "comparisons", "repeats", "inconsistent", "stop reason", "|a|", "max |a - saved a|"):
        table.add_column(column, justify="left" if column in ("participant", "stop reason") else "right")
    for result in results:
        saved = metric_path(folder, result.name)
        saved_a = type(result.metric).load(saved).a if saved.is_file() else None  # a rate or a fair metric
        gap = None if saved_a is None or saved_a.shape != result.metric.a.shape else float(np.abs(saved_a - result.metric.a).max())
        table.add_row(Text(result.name), str(result.comparisons), str(result.repeats), str(result.inconsistent),
                      result.stop_reason, f"{np.linalg.norm(result.metric.a):.4f}", "-" if gap is None else f"{gap:.2e}")
    console = Console()
    console.width = max(console.width, 110)
    console.print(table)
    if out is not None:
        document = {"log": str(log), "study": record.as_dict(),
                    "participants": [{**r.as_dict(), "metric": r.metric.to_dict()} for r in results]}
        atomic_write_text(out, json.dumps(to_plain(document), indent=2) + "\n")
        typer.echo(f"Metrics written to {out}")


def register(app: typer.Typer) -> None:
    """Add ``ask`` and ``replay`` to ``app`` (the ``elicit`` group)."""
    app.command("ask")(with_config_options(ask, PersonSettings))
    app.command("replay")(replay_command)
