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
from oraclelab.elicit.fair import ElicitedFairMetric, group_pairs
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


def _pair(question: Question, left: np.ndarray, right: np.ndarray) -> Table:
    """A's and B's matrices side by side."""
    pair = Table.grid(padding=(0, 6))
    pair.add_row(_matrix(question.left.name, question.classes, left), _matrix(question.right.name, question.classes, right))
    return pair


def question_view(question: Question, progress: Progress) -> RenderableType:
    """The question's header with progress, A's and B's matrices side by side (per group in a fair study),
    their differences in words, the keys."""
    if question.groups:
        pairs: list[RenderableType] = []
        for g, name in enumerate(question.groups):
            pairs += [Text(f"Group {name}", style="bold underline"), _pair(question, question.left.counts[g],
                                                                            question.right.counts[g])]
        scope = "Each classifier decides every group by its own rule; counts per 1,000 cases of each true class in each group."
    else:
        pairs = [_pair(question, question.left.counts, question.right.counts)]
        scope = "Counts per 1,000 cases of each true class."
    sentences = question.sentences() or ["A and B make each kind of mistake equally often (per 1,000, rounded)."]
    return Group(
        Rule(Text(f"Question {question.number} · about {progress.left_estimate} left")),
        Text(scope),
        *pairs,
        *(Text(line) for line in sentences),
        Text(KEYS_LINE, style="bold"),
    )


def _rate_names(classes: tuple[str, ...]) -> list[str]:
    """A name per rate: "'malignant' called 'benign'"."""
    return [f"'{classes[t]}' called '{classes[p]}'" for t, p in zip(*rate_pairs(len(classes)))]


def _interval(bounds: Any) -> str:
    return f"[{float(bounds[0]):.4f}, {float(bounds[1]):.4f}]"


def _matrix_rows(table: Table, label: str, names: list[str], B: np.ndarray, intervals: Any) -> None:
    """One row per upper-triangle entry of the symmetric matrix B, with its interval."""
    for i, j in zip(*np.triu_indices(len(names))):
        entry = f"{label}: {names[i]}" + ("" if i == j else f" × {names[j]}")
        table.add_row(Text(entry), f"{B[i, j]:.4f}", "-" if intervals is None else _interval(intervals[i, j]))


def metric_table(result: PersonResult) -> Table:
    """The elicited a and B (upper triangle; a fair metric's lam and one B per group pair), each with its 90% interval."""
    metric = result.metric
    names = _rate_names(metric.classes)
    interval = metric.uncertainty.get
    fair = isinstance(metric, ElicitedFairMetric)
    formula = ("(1 - lam) <a, r> + lam/2 sum over group pairs (r_g - r_h)' B_gh (r_g - r_h); r: overall rates, "
               "r_g: group g's" if fair else "<a, r> + 1/2 r'Br on the rates r")
    table = Table(title=Text(f"Elicited metric of {result.name}: score = {formula}"))
    for column, justify in (("parameter", "left"), ("value", "right"), ("90% interval", "right")):
        table.add_column(column, justify=justify)
    if fair:
        lam_interval = interval("lam_interval")
        table.add_row(Text("lam (weight of the group gaps)"), f"{metric.lam:.4f}",
                      "-" if lam_interval is None else _interval(lam_interval))
    a_interval, B_interval = interval("a_interval"), interval("B_interval")
    for i, name in enumerate(names):
        table.add_row(Text(f"a: {name}"), f"{metric.a[i]:.4f}", "-" if a_interval is None else _interval(a_interval[i]))
    if not fair:
        _matrix_rows(table, "B", names, metric.B, B_interval)
        return table
    for p, (g, h) in enumerate(group_pairs(len(metric.groups))):
        _matrix_rows(table, f"B[{metric.groups[g]} vs {metric.groups[h]}]", names, metric.B[p],
                     None if B_interval is None else np.asarray(B_interval)[p])
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
