"""What ``oraclelab elicit ask`` shows: a question as two confusion matrices side by side, and the results.

Every name that comes from the data (class names, participant names) is shown as plain
``Text``, never parsed as rich markup, so a class called ``[bold]x`` reads exactly so.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from rich.console import Group, RenderableType
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from oraclelab.elicit._rate_space import rate_pairs
from oraclelab.elicit.person import PersonResult, Progress, Question

__all__ = ["KEYS_LINE", "question_view", "metric_table", "ranking_table", "consistency_line"]

#: The line under every question: what each key does.
KEYS_LINE = "Press 1 = A is better, 2 = B is better, = can't tell, u = undo, q = save and quit"


def _matrix(name: str, classes: tuple[str, ...], counts: np.ndarray) -> Table:
    """One classifier's confusion counts per 1,000 of each true class (rows: true class, columns: predicted)."""
    table = Table(title=Text(f"Classifier {name}", style="bold"), title_justify="left")
    table.add_column(Text("true \\ predicted"))
    for label in classes:
        table.add_column(Text(label), justify="right")
    for label, row in zip(classes, counts):
        table.add_row(Text(label), *(Text(str(int(c))) for c in row))
    return table


def question_view(question: Question, progress: Progress) -> RenderableType:
    """The question's header with progress, A's and B's matrices side by side, their differences in words, the keys."""
    pair = Table.grid(padding=(0, 6))
    pair.add_row(_matrix(question.left.name, question.classes, question.left.counts),
                 _matrix(question.right.name, question.classes, question.right.counts))
    sentences = question.sentences() or ["A and B make each kind of mistake equally often (per 1,000, rounded)."]
    return Group(
        Rule(Text(f"Question {question.number} · about {progress.left_estimate} left")),
        Text("Counts per 1,000 cases of each true class."),
        pair,
        *(Text(line) for line in sentences),
        Text(KEYS_LINE, style="bold"),
    )


def _rate_names(classes: tuple[str, ...]) -> list[str]:
    """A name per rate: "'malignant' called 'benign'"."""
    return [f"'{classes[t]}' called '{classes[p]}'" for t, p in zip(*rate_pairs(len(classes)))]


def _interval(bounds: Any) -> str:
    return f"[{float(bounds[0]):.4f}, {float(bounds[1]):.4f}]"


def metric_table(result: PersonResult) -> Table:
    """The elicited a and B (upper triangle), each with its 90% interval."""
    metric = result.metric
    names = _rate_names(metric.classes)
    a_interval, B_interval = metric.uncertainty.get("a_interval"), metric.uncertainty.get("B_interval")
    table = Table(title=Text(f"Elicited metric of {result.name}: score = <a, r> + 1/2 r'Br on the rates r"))
    for column, justify in (("parameter", "left"), ("value", "right"), ("90% interval", "right")):
        table.add_column(column, justify=justify)
    for i, name in enumerate(names):
        table.add_row(Text(f"a: {name}"), f"{metric.a[i]:.4f}", "-" if a_interval is None else _interval(a_interval[i]))
    for i, j in zip(*np.triu_indices(len(names))):
        label = f"B: {names[i]}" + ("" if i == j else f" × {names[j]}")
        table.add_row(Text(label), f"{metric.B[i, j]:.4f}", "-" if B_interval is None else _interval(B_interval[i, j]))
    return table


def consistency_line(result: PersonResult) -> Text:
    """How often the repeated questions were answered differently the second time, and why the questions stopped."""
    answers = f"{result.comparisons} comparisons, stopped by {result.stop_reason}"
    if not result.repeats:
        return Text(f"Consistency: no question was repeated ({answers}).")
    return Text(f"Consistency: {result.inconsistent} of {result.repeats} repeated questions answered differently "
                f"({result.inconsistency_rate:.0%}; {answers}).")


def ranking_table(rows: list[dict[str, Any]]) -> Table:
    """The candidate classifiers ranked by the elicited metric on the held-out rows, accuracy beside it."""
    table = Table(title="Candidate classifiers on the held-out rows, best first by this metric")
    for column in ("classifier", "score", "rank", "accuracy", "accuracy rank"):
        table.add_column(column, justify="left" if column == "classifier" else "right")
    for row in rows:
        table.add_row(Text(row["name"]), f"{row['score']:.4f}", f"{row['rank']:g}", f"{row['accuracy']:.4f}",
                      f"{row['accuracy_rank']:g}")
    return table
