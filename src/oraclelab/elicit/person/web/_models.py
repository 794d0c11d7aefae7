"""The JSON the API takes and gives: pydantic models, so ``/docs`` shows every field and requests are validated.

Numbers that are not defined yet (an inconsistency rate without repeats) are ``null``.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from oraclelab.elicit.person._session import Progress

__all__ = [
    "AnswerIn", "ParticipantIn", "ParticipantLink", "Matrix", "QuestionOut", "SessionOut",
    "RateName", "RankRow", "ResultOut", "PairMetric", "FairResultOut", "SummaryOut", "ErrorOut", "finite_or_none",
]


def finite_or_none(value: Any) -> Any:
    """``value`` with every NaN or infinity (in lists and dicts too) replaced by None, for JSON."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: finite_or_none(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite_or_none(item) for item in value]
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AnswerIn(_Strict):
    """An answer to the question on screen: its id and which classifier the person prefers."""

    question_id: str = Field(..., max_length=32, description="The id of the question answered, as given with it.", examples=["q7"])
    choice: Literal["left", "right", "equal"] = Field(..., description="left: A is better, right: B is better, equal: can't tell.")


class ParticipantIn(_Strict):
    """A participant to add to the study."""

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)] = Field(
        ..., description="Unique within the study.", examples=["ann"])


class ParticipantLink(BaseModel):
    """A participant and the link to their session (the only way in: keep it private)."""

    name: str
    link: str


class Matrix(BaseModel):
    """One classifier as a confusion matrix: counts per 1,000 of each true class (rows: true class, columns: predicted).

    In a fair study ``counts`` holds one such matrix per group, in the order of the question's ``groups``
    (each group's classifier on that group's rows), so its shape is (groups, classes, classes).
    """

    name: Literal["A", "B"]
    counts: list[list[int]] | list[list[list[int]]] = Field(
        ..., description="(classes, classes), or (groups, classes, classes) in a fair study.")


class QuestionOut(BaseModel):
    """Two classifiers to compare: A (left) and B (right), and where they differ in words."""

    id: str
    number: int
    classes: list[str]
    groups: list[str] = Field(..., description="A fair study's groups, in the order of the counts; empty otherwise.")
    left: Matrix
    right: Matrix
    sentences: list[str]


class SessionOut(BaseModel):
    """Where a session stands: the question on screen, or ``finished`` (then ``question`` is null; see ``/result``)."""

    participant: str
    finished: bool
    progress: Progress
    question: QuestionOut | None


class RateName(BaseModel):
    """What one rate counts: cases of class ``true`` called ``predicted``."""

    true: str
    predicted: str


class RankRow(BaseModel):
    """A candidate classifier under the participant's metric, with its accuracy beside it (held-out rows)."""

    name: str
    score: float
    rank: float
    accuracy: float
    accuracy_rank: float


class _Outcome(_Strict):
    """What every result holds besides its metric: who answered, the rates' names, consistency and ranking.

    (Results refuse extra fields, so the result endpoint's ``ResultOut | FairResultOut`` fits exactly one.)
    """

    participant: str
    classes: list[str]
    rates: list[RateName]
    comparisons: int
    repeats: int
    inconsistent: int
    inconsistency_rate: float | None
    implied_flip_rate: float | None
    flip_rate: float | None
    stop_reason: str
    ranking: list[RankRow]


class ResultOut(_Outcome):
    """The elicited metric score(r) = <a, r> + 1/2 r'Br (greater is better) with 90% intervals, consistency and ranking."""

    a: list[float]
    B: list[list[float]]
    a_interval: list[list[float]] | None
    B_interval: list[list[list[float]]] | None


class PairMetric(BaseModel):
    """The fairness term of one pair of groups g < h: the matrix B_gh of (r_g - r_h)' B_gh (r_g - r_h), with 90% intervals."""

    label: str = Field(..., examples=["young vs old"])
    groups: tuple[str, str]
    B: list[list[float]]
    B_interval: list[list[list[float]]] | None


class FairResultOut(_Outcome):
    """A fair study's metric, score = (1 - lam) <a, sum_g T_g r_g> + (lam/2) sum_{g<h} (r_g - r_h)' B_gh (r_g - r_h)
    (greater is better; T_g r_g is group g's part of the overall rates), with 90% intervals, consistency and ranking.

    ``lam`` in [0, 1] weighs the gaps between groups against performance; ``pairs`` holds one B per pair of groups.
    """

    groups: list[str]
    lam: float
    lam_interval: list[float] | None
    a: list[float]
    a_interval: list[list[float]] | None
    pairs: list[PairMetric]


class SummaryOut(BaseModel):
    """The organiser's view: the study, every participant (progress, result so far, ranking, link), agreement and pooled metric."""

    study: dict[str, Any]
    participants: list[dict[str, Any]]
    agreement: dict[str, Any] | None = None
    pooled: dict[str, Any] | None = None


class ErrorOut(BaseModel):
    """Every error: one line saying what is wrong."""

    error: str
