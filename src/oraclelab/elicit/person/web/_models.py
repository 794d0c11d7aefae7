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
    "RateName", "RankRow", "ResultOut", "SummaryOut", "ErrorOut", "finite_or_none",
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
    """One classifier as a confusion matrix: counts per 1,000 of each true class (rows: true class, columns: predicted)."""

    name: Literal["A", "B"]
    counts: list[list[int]]


class QuestionOut(BaseModel):
    """Two classifiers to compare: A (left) and B (right), and where they differ in words."""

    id: str
    number: int
    classes: list[str]
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


class ResultOut(BaseModel):
    """The elicited metric score(r) = <a, r> + 1/2 r'Br (greater is better) with 90% intervals, consistency and ranking."""

    participant: str
    classes: list[str]
    rates: list[RateName]
    a: list[float]
    B: list[list[float]]
    a_interval: list[list[float]] | None
    B_interval: list[list[list[float]]] | None
    comparisons: int
    repeats: int
    inconsistent: int
    inconsistency_rate: float | None
    implied_flip_rate: float | None
    flip_rate: float | None
    stop_reason: str
    ranking: list[RankRow]


class SummaryOut(BaseModel):
    """The organiser's view: the study, every participant (progress, result so far, ranking, link), agreement and pooled metric."""

    study: dict[str, Any]
    participants: list[dict[str, Any]]
    agreement: dict[str, Any] | None = None
    pooled: dict[str, Any] | None = None


class ErrorOut(BaseModel):
    """Every error: one line saying what is wrong."""

    error: str
