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
from oraclelab.elicit.fair._elicited import ElicitedFairMetric
from oraclelab.elicit.fair._groups import group_pairs
from oraclelab.elicit.person._session import PersonResult, PersonSession
from oraclelab.elicit.person._study import PersonStudy, rank_candidates, ranking_rows
from oraclelab.elicit.person.web._models import (
    AnswerIn,
    ErrorOut,
    FairResultOut,
    PairMetric,
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


def _rates(classes: list[str]) -> list[RateName]:
    """What each entry of a rate vector counts, in the rates' order."""
    true, predicted = rate_pairs(len(classes))
    return [RateName(true=classes[i], predicted=classes[j]) for i, j in zip(true, predicted)]


def _interval(metric: Any, key: str) -> list | None:
    """The metric's 90% interval ``key`` as plain lists, or None when it has none."""
    return metric.uncertainty[key].tolist() if key in metric.uncertainty else None


def _consistency(outcome: PersonResult) -> dict[str, Any]:
    """The result's numbers other than the metric itself (comparisons, repeats, flip rates, stop reason); NaN as None."""
    return finite_or_none({key: value for key, value in outcome.as_dict().items() if key not in ("name", "a", "B", "lam")})


def _fair_result(outcome: PersonResult, metric: ElicitedFairMetric, ranking: list[dict[str, Any]]) -> FairResultOut:
    """A fair study's result (``metric`` is ``outcome``'s): lam, a, and each pair's B named "g vs h", with their intervals."""
    classes, groups = list(metric.classes), list(metric.groups)
    b_intervals = _interval(metric, "B_interval")
    pairs = [PairMetric(label=f"{groups[g]} vs {groups[h]}", groups=(groups[g], groups[h]), B=metric.B[v].tolist(),
                        B_interval=None if b_intervals is None else b_intervals[v])
             for v, (g, h) in enumerate(group_pairs(len(groups)))]
    return FairResultOut(participant=outcome.name, classes=classes, groups=groups, rates=_rates(classes), lam=metric.lam,
                         lam_interval=_interval(metric, "lam_interval"), a=metric.a.tolist(),
                         a_interval=_interval(metric, "a_interval"), pairs=pairs, **_consistency(outcome), ranking=ranking)


@router.get("/sessions/{token}/result", response_model=ResultOut | FairResultOut, responses={**_UNKNOWN, **_CONFLICT},
            tags=["participant"])
def result(token: str, request: Request) -> ResultOut | FairResultOut:
    """A finished session's metric with 90% intervals, the consistency of its repeats, and the candidate classifiers ranked under it.

    A fair study's metric (``FairResultOut``) has lam, a and one B per pair of groups instead of a single B.
    """
    session = _session(request, token)
    _finished(session)
    outcome = session.result()
    ranking = ranking_rows(rank_candidates(study_of(request).space, outcome))
    metric = outcome.metric
    if isinstance(metric, ElicitedFairMetric):
        return _fair_result(outcome, metric, ranking)
    classes = list(metric.classes)
    return ResultOut(participant=outcome.name, classes=classes, rates=_rates(classes), a=metric.a.tolist(), B=metric.B.tolist(),
                     a_interval=_interval(metric, "a_interval"), B_interval=_interval(metric, "B_interval"),
                     **_consistency(outcome), ranking=ranking)


def _without_server_paths(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with the server's file paths cut to file names: they are not the participant's business.

    An ElicitedMetric keeps its settings (and log path) under ``provenance``; an ElicitedFairMetric at the top.
    """
    provenance = document.get("provenance")
    if provenance is not None and provenance.get("log_path") is not None:
        provenance["log_path"] = Path(provenance["log_path"]).name
    settings = (provenance if provenance is not None else document).get("settings") or {}
    if settings.get("data"):
        settings["data"] = Path(settings["data"]).name
    return document


@router.get("/sessions/{token}/metric", responses={**_UNKNOWN, **_CONFLICT}, tags=["participant"])
def metric_document(token: str, request: Request) -> dict[str, Any]:
    """A finished session's metric as versioned JSON: an ElicitedMetric (``oraclelab elicit rank --metric`` reads it),
    or an ElicitedFairMetric in a fair study (``ElicitedFairMetric.load`` reads it)."""
    session = _session(request, token)
    _finished(session)
    return _without_server_paths(session.result().metric.to_dict())


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
