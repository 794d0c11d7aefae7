"""A study with people: one store, the data's rate space, a live session per participant, and the results.

``PersonStudy(folder, settings)`` creates a study (its store ``study.sqlite`` in ``folder``)
or opens an existing one, whose settings are then the stored ones; the data is loaded again
and must hash to what the study was created on. The terminal (``elicit ask``) and the web
server (``elicit serve``) both work through it.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from oraclelab._closeable import Closeable
from oraclelab.elicit._elicited_metric import Ranking, rank_predictions
from oraclelab.elicit._rate_space import RateSpace, rule_predict
from oraclelab.elicit.fair._group_data import GroupedRateSpace
from oraclelab.elicit.person._agreement import agreement, pooled_metric
from oraclelab.elicit.person._session import PersonResult, PersonSession, StudyRecord
from oraclelab.elicit.person._settings import PersonSettings
from oraclelab.elicit.person._store import Participant, SessionStore
from oraclelab.errors import DataFileError, ParameterError, RunError

__all__ = ["PersonStudy", "STORE_NAME", "safe_name", "candidate_rules", "rank_candidates", "study_summary"]

#: The store's file name inside a study folder.
STORE_NAME = "study.sqlite"


def safe_name(name: str) -> str:
    """A participant's name in file names: characters other than letters, digits, '.', '_' and '-' become '_'."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)


def candidate_rules(n_classes: int, classes: tuple[str, ...]) -> dict[str, np.ndarray]:
    """Classifiers built on the model's probabilities, ranked on the result page: the model's argmax,
    and for each class the rule that multiplies that class's probability by 4 before the argmax (gains (k, k))."""
    rules = {"model (argmax)": np.eye(n_classes)}
    for c, name in enumerate(classes):
        gains = np.eye(n_classes)
        gains[c, c] = 4.0
        rules[f"model favouring '{name}'"] = gains
    return rules


def rank_candidates(space: RateSpace | GroupedRateSpace, result: PersonResult) -> Ranking:
    """The candidate rules ranked on the held-out rows by the participant's metric, with accuracy beside it
    (in a fair study on every group's held-out rows, the metric told each row's group). Labels are passed
    as class names, since class indices could read as names when the names are numbers."""
    rules = candidate_rules(len(space.classes), space.classes)
    names = np.asarray(space.classes, dtype=object)
    held = [s.held_out for s in space.spaces] if isinstance(space, GroupedRateSpace) else [space.held_out]
    labels = names[np.concatenate([h.labels for h in held])]
    predictions = [(name, names[np.concatenate([rule_predict(gains[None], h.proba)[0] for h in held])])
                   for name, gains in rules.items()]
    if isinstance(space, GroupedRateSpace):
        groups = np.concatenate([[name] * h.n_rows for name, h in zip(space.names, held)])
        return rank_predictions(result.metric, labels, predictions, sensitive_features=groups)
    return rank_predictions(result.metric, labels, predictions)


def study_summary(record: StudyRecord, results: list[PersonResult]) -> dict:
    """Per-person numbers, the people's agreement and the pooled metric (needs only the log's contents)."""
    people = [r.as_dict() for r in results]
    summary = {"study": record.as_dict(), "participants": people}
    # only "can't tell" answers leave a metric of zero, which neither ranks nor pools
    answered = [r for r in results if r.comparisons > 0 and (np.any(r.metric.a) or np.any(r.metric.B))]
    if len(answered) >= 2:
        summary["agreement"] = agreement([r.name for r in answered], [r.metric for r in answered], record.sphere,
                                         seed=record.settings.seed, shares=record.shares).as_dict()
    if answered:
        try:
            pooled = pooled_metric([r.metric for r in answered], settings=record.settings.as_dict())
            summary["pooled"] = {"a": pooled.a.tolist(), "B": pooled.B.tolist(), "from": [r.name for r in answered],
                                 **({"lam": pooled.lam} if record.fair else {})}
        except ParameterError as cancelled:  # opposite metrics: no pooled direction, and the summary says why
            summary["pooled"] = {"a": None, "B": None, "from": [r.name for r in answered], "why": str(cancelled)}
    return summary


@dataclass(frozen=True)
class _Opened:
    store: SessionStore
    record: StudyRecord
    space: RateSpace | GroupedRateSpace


def _space(settings: PersonSettings) -> RateSpace | GroupedRateSpace:
    """The study's rate space: per group when it names a sensitive column."""
    return settings.grouped_space(settings.seed)[0] if settings.groups else settings.rate_space(settings.seed)


def _data_hash(space: RateSpace | GroupedRateSpace) -> str:
    return space.data_hash() if isinstance(space, GroupedRateSpace) else space.fit.data_hash()


def _open(folder: Path, settings: PersonSettings | None) -> _Opened:
    path = folder / STORE_NAME
    if not path.exists():
        if settings is None:
            raise RunError(f"{folder}: no study here yet; give the data options to create one.")
        space = _space(settings)  # bad data fails here, before any file is written
        record = StudyRecord.from_space(settings, space)
        store = SessionStore(path)
        try:
            store.set_meta("study", record.as_dict())
        except BaseException:
            store.close()
            raise
        return _Opened(store, record, space)
    with SessionStore(path, read_only=True) as existing:  # a foreign file is refused before anything is written
        if existing.meta("study") is None:
            raise RunError(f"{path} holds no study; remove it or choose another folder.")
    store = SessionStore(path)
    try:
        stored = store.meta("study")
        record = StudyRecord.from_dict(stored)
        if settings is not None and settings.as_dict() != record.settings.as_dict():
            raise RunError(f"{path} holds a study with other settings; open it without data options, "
                           "or choose another folder.")
        space = _space(record.settings)
        if _data_hash(space) != record.data_hash:
            raise DataFileError(f"{record.settings.data or record.settings.dataset}: the data changed since the study in {folder} "
                                "was created (its hash differs); answers to the old questions cannot continue on it.")
    except BaseException:
        store.close()
        raise
    return _Opened(store, record, space)


class PersonStudy(Closeable):
    """A study's store, data and live sessions; safe to share between threads."""

    def __init__(self, folder: str | Path, settings: PersonSettings | None = None) -> None:
        self.folder = Path(folder)
        opened = _open(self.folder, settings)
        self.store, self.record, self.space = opened.store, opened.record, opened.space
        self._sessions: dict[int, PersonSession] = {}
        self._lock = threading.Lock()

    @property
    def settings(self) -> PersonSettings:
        return self.record.settings

    def close(self) -> None:
        """Close the store."""
        self.store.close()

    def add_participant(self, name: str) -> Participant:
        """A new participant with their own link token; refused when the name's file name is another participant's."""
        key = safe_name(str(name).strip())
        clash = next((p.name for p in self.store.participants() if safe_name(p.name) == key and p.name != str(name).strip()), None)
        if clash is not None:
            raise ParameterError(f"The name {name!r} would share its files (metric_{key}.json) with participant {clash!r}; choose another.")
        return self.store.add_participant(name)

    def participants(self) -> list[Participant]:
        return self.store.participants()

    def participant(self, name: str) -> Participant:
        """The participant called ``name``, added when missing."""
        return self.store.participant_by_name(name) or self.add_participant(name)

    def session(self, participant: Participant) -> PersonSession:
        """The participant's live session (rebuilt from the log on first use)."""
        with self._lock:
            if participant.id not in self._sessions:
                self._sessions[participant.id] = PersonSession(self.store, self.record, self.space, participant)
            return self._sessions[participant.id]

    def session_by_token(self, token: str) -> PersonSession | None:
        """The session whose link carries ``token``, or None."""
        participant = self.store.participant_by_token(token)
        return None if participant is None else self.session(participant)

    def results(self) -> list[PersonResult]:
        """Every participant's result so far, in the order they joined."""
        return [self.session(p).result() for p in self.participants()]

    def summary(self) -> dict:
        """``study_summary`` of every participant, with each one's ranking of the candidate classifiers."""
        results = self.results()
        summary = study_summary(self.record, results)
        for person, result in zip(summary["participants"], results):
            ranking = rank_candidates(self.space, result) if result.comparisons else None
            person["ranking"] = None if ranking is None else ranking_rows(ranking)
            person["progress"] = self.session(self.store.participant_by_name(result.name)).progress().as_dict()
        return summary


def ranking_rows(ranking: Ranking) -> list[dict]:
    """A ranking as rows, best first: name, score, rank, accuracy, accuracy's rank."""
    order = np.argsort(ranking.metric_rank, kind="stable")
    return [{"name": ranking.names[i], "score": float(ranking.scores[i]), "rank": float(ranking.metric_rank[i]),
             "accuracy": float(ranking.accuracies[i]), "accuracy_rank": float(ranking.accuracy_rank[i])} for i in order]
