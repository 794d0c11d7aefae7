"""The JSON API under ``/api/``: everything the pages do, addressed by the secret tokens of the links.

A participant's token (``/s/<token>``) reaches only that participant's session; the
organiser's token reaches the study. Endpoints are plain functions, so they run in the
server's thread pool; sessions and the study lock what they share. An answer is committed to
the study's SQLite store before its response is sent.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request, status

from oraclelab.elicit._rate_space import rate_pairs
from oraclelab.elicit.person._session import PersonSession
from oraclelab.elicit.person._study import PersonStudy, rank_candidates, ranking_rows
from oraclelab.elicit.person.web._models import (
    AnswerIn,
    ErrorOut,
    ParticipantIn,
    ParticipantLink,
    QuestionOut,
    RateName,
    ResultOut,
    SessionOut,
    SummaryOut,
    finite_or_none,
)
from oraclelab.errors import ParameterError

__all__ = ["router", "study_of", "is_organiser"]

router = APIRouter(prefix="/api")

_UNKNOWN = {404: {"model": ErrorOut, "description": "No session (or study) has this token."}}
_CONFLICT = {409: {"model": ErrorOut, "description": "Not now: the question was not asked, is already answered, "
                                                     "or the session is finished (or not yet)."}}
_INVALID = {422: {"model": ErrorOut, "description": "The body is not what this endpoint takes; the error names the field."}}


def study_of(request: Request) -> PersonStudy:
    """The study the app serves."""
    return request.app.state.study


def is_organiser(request: Request, token: str) -> bool:
    """Whether ``token`` is the organiser's (compared in constant time)."""
    return secrets.compare_digest(str(token).encode(), request.app.state.organiser_token.encode())


def _session(request: Request, token: str) -> PersonSession:
    session = study_of(request).session_by_token(token)
    if session is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "No session has this link; check the link you were given.")
    return session


def _check_organiser(request: Request, token: str) -> None:
    if not is_organiser(request, token):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "No study has this organiser link.")


def _link(request: Request, token: str) -> str:
    return str(request.url_for("participant_page", token=token))


def _state(session: PersonSession) -> SessionOut:
    question = session.question()
    return SessionOut(participant=session.participant.name, finished=question is None,
                      progress=session.progress(),
                      question=None if question is None else QuestionOut(**question.public()))


def _finished(session: PersonSession) -> None:
    progress = session.progress()
    if not progress.finished:
        raise HTTPException(status.HTTP_409_CONFLICT, f"The session is not finished yet: answered {progress.answered}, "
                                                      f"about {progress.left_estimate} left.")


@router.get("/sessions/{token}", response_model=SessionOut, responses=_UNKNOWN, tags=["participant"])
def read_session(token: str, request: Request) -> SessionOut:
    """The question on screen (A left, B right, counts per 1,000 of each true class) and the progress; or ``finished``."""
    return _state(_session(request, token))


@router.post("/sessions/{token}/answers", response_model=SessionOut, responses={**_UNKNOWN, **_CONFLICT, **_INVALID},
             tags=["participant"])
def answer(token: str, body: AnswerIn, request: Request) -> SessionOut:
    """Answer the question on screen; returns the next state once the answer is committed. A repeated answer is refused (409) and recorded once."""
    session = _session(request, token)
    session.answer(body.question_id, body.choice)
    return _state(session)


@router.post("/sessions/{token}/undo", response_model=SessionOut, responses={**_UNKNOWN, **_CONFLICT}, tags=["participant"])
def undo(token: str, request: Request) -> SessionOut:
    """Take back the last answer (logged as an undo); its question is asked again."""
    session = _session(request, token)
    if not session.undo():
        raise HTTPException(status.HTTP_409_CONFLICT, "There is no answer to undo.")
    return _state(session)


@router.get("/sessions/{token}/result", response_model=ResultOut, responses={**_UNKNOWN, **_CONFLICT}, tags=["participant"])
def result(token: str, request: Request) -> ResultOut:
    """A finished session's metric with 90% intervals, the consistency of its repeats, and the candidate classifiers ranked under it."""
    session = _session(request, token)
    _finished(session)
    outcome = session.result()
    metric, classes = outcome.metric, list(outcome.metric.classes)
    true, predicted = rate_pairs(len(classes))
    intervals = {key: metric.uncertainty[key].tolist() if key in metric.uncertainty else None for key in ("a_interval", "B_interval")}
    numbers = finite_or_none({key: value for key, value in outcome.as_dict().items() if key not in ("name", "a", "B")})
    return ResultOut(participant=outcome.name, classes=classes,
                     rates=[RateName(true=classes[i], predicted=classes[j]) for i, j in zip(true, predicted)],
                     a=metric.a.tolist(), B=metric.B.tolist(), **intervals, **numbers,
                     ranking=ranking_rows(rank_candidates(study_of(request).space, outcome)))


@router.get("/sessions/{token}/metric", responses={**_UNKNOWN, **_CONFLICT}, tags=["participant"])
def metric_document(token: str, request: Request) -> dict[str, Any]:
    """A finished session's metric as the versioned ElicitedMetric JSON (``oraclelab elicit rank --metric`` reads it)."""
    session = _session(request, token)
    _finished(session)
    document = session.result().metric.to_dict()
    provenance = document["provenance"]  # the server's file paths are not the participant's business
    provenance["log_path"] = None if provenance["log_path"] is None else Path(provenance["log_path"]).name
    if provenance["settings"].get("data"):
        provenance["settings"]["data"] = Path(provenance["settings"]["data"]).name
    return document


@router.post("/organiser/{otoken}/participants", status_code=status.HTTP_201_CREATED, response_model=ParticipantLink,
             responses={**_UNKNOWN, **_INVALID, 409: {"model": ErrorOut, "description": "The name is taken."}}, tags=["organiser"])
def add_participant(otoken: str, body: ParticipantIn, request: Request) -> ParticipantLink:
    """Add a participant; returns their private link."""
    _check_organiser(request, otoken)
    study = study_of(request)
    try:
        participant = study.add_participant(body.name)
    except ParameterError as taken:  # the store decides, so two simultaneous adds cannot both pass a check
        raise HTTPException(status.HTTP_409_CONFLICT, str(taken)) from None
    return ParticipantLink(name=participant.name, link=_link(request, participant.token))


@router.get("/organiser/{otoken}/summary", response_model=SummaryOut, responses=_UNKNOWN, tags=["organiser"])
def summary(otoken: str, request: Request) -> dict[str, Any]:
    """Every participant's progress, result so far, inconsistency, ranking and link; the people's agreement and the pooled metric."""
    _check_organiser(request, otoken)
    study = study_of(request)
    links = {p.name: _link(request, p.token) for p in study.participants()}
    report = study.summary()
    for person in report["participants"]:
        person["link"] = links.get(person["name"])
    return finite_or_none(report)
