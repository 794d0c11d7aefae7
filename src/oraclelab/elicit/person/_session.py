"""One participant's elicitation, rebuilt from the event log and extended one answer at a time.

A participant's questions are a function of the study (its settings and query region), the
participant's number and their answers: the active elicitor draws from the participant's own
streams (``stream_generator(seed, "person_elicitor", participant)``), the side each
classifier is shown on from ``("person_sides", participant, question)``, and every
``repeat_every``-th question repeats an earlier one, with sides swapped, chosen from
``("person_repeat", participant, question)``. Replaying the logged answers in order therefore
rebuilds the session exactly, at the question it was on; an undo rebuilds it without the last
answer, which asks that very question again. Repeats measure consistency and are not told to
the elicitor.

``SessionState`` needs only the log (``oraclelab elicit replay`` uses it); ``PersonSession``
adds the data, to realise each question as two classifiers, and the store, to which an answer
is committed before the session moves on.
"""

from __future__ import annotations

import math
import re
import threading
import time
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from oraclelab.elicit._active import ActiveElicitor, ActiveResult
from oraclelab.elicit._elicited_metric import ElicitedMetric
from oraclelab.elicit._geometry import Sphere
from oraclelab.elicit._rate_space import RateSpace
from oraclelab.elicit._realise import RealisedClassifier, realise
from oraclelab.elicit.fair._active import posterior_summary
from oraclelab.elicit.fair._elicited import ElicitedFairMetric
from oraclelab.elicit.fair._features import FairFeatures
from oraclelab.elicit.fair._group_data import GroupedRateSpace
from oraclelab.elicit.person._question import CHOICES, Question, ShownClassifier, per_thousand
from oraclelab.elicit.person._settings import PersonSettings
from oraclelab.elicit.person._store import Event, Participant, SessionStore
from oraclelab.errors import OracleLabError, ParameterError, RunError
from oraclelab.runs._seeding import stream_generator, stream_seed

__all__ = ["StudyRecord", "SessionState", "PersonSession", "PersonResult", "AnswerRejected", "Progress"]

#: Answers kept to extrapolate how the posterior narrows (questions left).
_TREND = 12


class AnswerRejected(OracleLabError):
    """An answer that cannot be recorded: ``reason`` is "not_asked", "already_answered" or "finished"."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class StudyRecord:
    """What a study's log starts with: its settings, classes and query region, and the data's hash;
    for a fair study also its groups and their shares T (m, q).

    Everything a session needs to be rebuilt without the data.
    """

    settings: PersonSettings
    classes: tuple[str, ...]
    origin: np.ndarray
    radius: float
    data_hash: str
    source: str
    groups: tuple[str, ...] = ()
    shares: np.ndarray | None = None

    @property
    def fair(self) -> bool:
        """True when the study elicits a group-fair metric (its questions compare group-aware classifiers)."""
        return bool(self.groups)

    @property
    def budget(self) -> int:
        """Comparisons per participant."""
        return self.settings.budget_for(self.n_classes, len(self.groups))

    def feature_map(self) -> FairFeatures | str:
        """What the elicitor learns: a fair metric of stacked group rates, or a quadratic metric of the rates."""
        return FairFeatures(np.asarray(self.shares)[None]) if self.fair else "quadratic"

    @property
    def sphere(self) -> Sphere:
        """The query region."""
        return Sphere(np.asarray(self.origin, dtype=np.float64), float(self.radius))

    @property
    def n_classes(self) -> int:
        """The number of classes k."""
        return len(self.classes)

    def as_dict(self) -> dict:
        """Plain values for the store."""
        return {"settings": self.settings.as_dict(), "classes": list(self.classes), "origin": np.asarray(self.origin).tolist(),
                "radius": float(self.radius), "data_hash": self.data_hash, "source": self.source,
                "groups": list(self.groups), "shares": None if self.shares is None else np.asarray(self.shares).tolist()}

    @classmethod
    def from_dict(cls, values: dict) -> "StudyRecord":
        """Read back ``as_dict``'s output."""
        settings = dict(values["settings"])
        for name in ("proba", "classes"):
            if settings.get(name) is not None:
                settings[name] = tuple(settings[name])
        shares = values.get("shares")
        return cls(PersonSettings(**settings), tuple(values["classes"]), np.asarray(values["origin"], dtype=np.float64),
                   float(values["radius"]), str(values["data_hash"]), str(values["source"]), tuple(values.get("groups", ())),
                   None if shares is None else np.asarray(shares, dtype=np.float64))

    @classmethod
    def from_space(cls, settings: PersonSettings, space: RateSpace | GroupedRateSpace) -> "StudyRecord":
        """The record of a study on ``space`` (a grouped one for a fair study)."""
        if isinstance(space, GroupedRateSpace):
            region = space.region
            return cls(settings, space.classes, region.origin, region.radius, space.data_hash(), space.source,
                       space.names, space.shares.copy())
        region = space.region(settings.margin)
        return cls(settings, space.classes, region.origin, region.radius, space.fit.data_hash(), space.fit.source)


@dataclass(frozen=True)
class Progress:
    """Where a participant stands: questions answered, the elicitor's budget, and an estimate of questions left."""

    answered: int
    comparisons: int
    repeats: int
    budget: int
    left_estimate: int
    finished: bool

    def as_dict(self) -> dict:
        return {"answered": self.answered, "comparisons": self.comparisons, "repeats": self.repeats, "budget": self.budget,
                "left_estimate": self.left_estimate, "finished": self.finished}


@dataclass(frozen=True)
class PersonResult:
    """A participant's elicited metric with its uncertainty, the answers behind it and their consistency.

    Attributes
    ----------
    name : the participant's name
    metric : ElicitedMetric (||a||^2 + ||B||_F^2 = 1; a_std, B_std and 90% intervals as uncertainty),
        or for a fair study an ElicitedFairMetric (||a|| = 1, lam, B per group pair; lam_std and intervals too)
    comparisons : answers told to the elicitor
    repeats : repeated questions answered
    inconsistent : repeats answered differently from the first time
    stop_reason : "tol", "budget" or "running"
    flip_rate : the flip rate the elicitor estimated (or was told)
    """

    name: str
    metric: ElicitedMetric | ElicitedFairMetric
    comparisons: int
    repeats: int
    inconsistent: int
    stop_reason: str
    flip_rate: float

    @property
    def inconsistency_rate(self) -> float:
        """Share of repeats answered differently (nan without repeats)."""
        return self.inconsistent / self.repeats if self.repeats else math.nan

    @property
    def implied_flip_rate(self) -> float:
        """The flip rate p that makes two answers differ as often as the repeats did: 2p(1 - p) = rate."""
        rate = self.inconsistency_rate
        return math.nan if math.isnan(rate) else 0.5 * (1.0 - math.sqrt(max(0.0, 1.0 - 2.0 * min(rate, 0.5))))

    def as_dict(self) -> dict:
        return {"name": self.name, "comparisons": self.comparisons, "repeats": self.repeats, "inconsistent": self.inconsistent,
                "inconsistency_rate": self.inconsistency_rate, "implied_flip_rate": self.implied_flip_rate,
                "stop_reason": self.stop_reason, "flip_rate": self.flip_rate,
                "a": self.metric.a.tolist(), "B": self.metric.B.tolist(),
                **({"lam": self.metric.lam} if isinstance(self.metric, ElicitedFairMetric) else {})}


@dataclass(frozen=True)
class _Pair:
    """The next question before it is realised: its rate points and display."""

    number: int
    first: np.ndarray
    second: np.ndarray
    left_is_first: bool
    repeat_of: int | None


class SessionState:
    """A participant's answers and the elicitor they drive, rebuilt from logged events (no data needed)."""

    def __init__(self, study: StudyRecord, participant: Participant, events: Sequence[Event] = ()) -> None:
        self.study = study
        self.participant = participant
        self._answers: list[dict[str, Any]] = []
        for event in events:
            if event.kind == "answer":
                self._answers.append(event.payload)
            elif event.kind == "undo" and self._answers:
                self._answers.pop()
        self._rebuild()

    # -- the elicitor ----------------------------------------------------------------------
    def _rebuild(self) -> None:
        """A fresh elicitor told every recorded answer in order; checks each matches the question it asks."""
        settings = self.study.settings
        self._elicitor = ActiveElicitor(
            self.study.sphere, 1, tol=settings.tol, budget=self.study.budget, noise=settings.elicitor_noise(),
            kind=self.study.feature_map(), rng=[stream_generator(settings.seed, "person_elicitor", self.participant.id)],
            keep_posterior=self.study.fair,
        )
        self._rms: list[float] = []
        for payload in self._answers:
            if payload["repeat_of"] is None:
                self._tell(payload)
        self._pair: _Pair | None = None

    def _tell(self, payload: dict[str, Any]) -> None:
        query = self._elicitor.ask()
        if not (np.array_equal(query.first[0], payload["first"]) and np.array_equal(query.second[0], payload["second"])):
            raise RunError(f"The log of participant {self.participant.name!r} does not match its study at question "
                           f"{payload['question']}: the settings, the data or oraclelab's version changed.")
        self._elicitor.tell(np.array([payload["answer"]]))
        if not self._elicitor.done:
            self._rms.append(float(self._elicitor.posterior_rms[0]))

    # -- reading ---------------------------------------------------------------------------
    @property
    def answers(self) -> list[dict[str, Any]]:
        """The recorded answers (payloads) in order, undone ones left out."""
        return list(self._answers)

    @property
    def finished(self) -> bool:
        """True once the elicitor has stopped (tol or budget)."""
        return self._elicitor.done

    @property
    def number(self) -> int:
        """The number of the question the participant is on (answered + 1)."""
        return len(self._answers) + 1

    def progress(self) -> Progress:
        """Answers so far and an estimate of the questions left (the posterior's narrowing extrapolated, capped by the budget)."""
        settings = self.study.settings
        budget = self.study.budget
        comparisons = sum(p["repeat_of"] is None for p in self._answers)
        repeats = len(self._answers) - comparisons
        left = 0 if self.finished else budget - comparisons
        if not self.finished and len(self._rms) >= _TREND:
            recent = np.log(np.asarray(self._rms[-_TREND:]))
            slope = np.polyfit(np.arange(recent.size), recent, 1)[0]
            if slope < 0:
                left = min(left, max(1, math.ceil((math.log(settings.tol) - recent[-1]) / slope)))
        if left and settings.repeat_every:
            left += left // (settings.repeat_every - 1)
        return Progress(len(self._answers), comparisons, repeats, budget, int(left), self.finished)

    def next_pair(self) -> _Pair | None:
        """The rate points of the current question and how they are shown; None when finished."""
        if self.finished:
            return None
        if self._pair is None or self._pair.number != self.number:
            self._pair = self._make_pair(self.number)
        return self._pair

    def _make_pair(self, number: int) -> _Pair:
        settings, pid = self.study.settings, self.participant.id
        asked = [p for p in self._answers if p["repeat_of"] is None]
        if settings.repeat_every and number % settings.repeat_every == 0 and asked:
            original = asked[int(stream_generator(settings.seed, "person_repeat", pid, number).integers(len(asked)))]
            return _Pair(number, np.asarray(original["first"]), np.asarray(original["second"]),
                         original["left"] != "first", int(original["question"]))
        query = self._elicitor.ask()
        left_is_first = bool(stream_generator(settings.seed, "person_sides", pid, number).random() < 0.5)
        return _Pair(number, query.first[0].copy(), query.second[0].copy(), left_is_first, None)

    # -- changing --------------------------------------------------------------------------
    def answer_payload(self, question_id: str, choice: str, classifiers: dict[str, Any], shown_at: float) -> dict[str, Any]:
        """The event an answer to ``question_id`` becomes (checked, not yet recorded)."""
        pair = self.check_question(question_id)
        if choice not in CHOICES:
            raise ParameterError(f"An answer is one of {', '.join(CHOICES)}. Got {choice!r}.")
        prefers_left = {"left": 1, "right": -1, "equal": 0}[choice]
        answered_at = time.time()
        return {
            "participant": self.participant.name, "question": pair.number, "repeat_of": pair.repeat_of,
            "first": pair.first.tolist(), "second": pair.second.tolist(),
            "left": "first" if pair.left_is_first else "second", "choice": choice,
            "answer": prefers_left if pair.left_is_first else -prefers_left,
            "classifiers": classifiers, "shown_at": shown_at, "answered_at": answered_at,
            "latency": max(0.0, answered_at - shown_at),
        }

    def check_question(self, question_id: str) -> _Pair:
        """The current pair if ``question_id`` names it; else ``AnswerRejected`` saying why."""
        pair = self.next_pair()
        text = str(question_id)
        match = re.fullmatch(r"q([0-9]{1,9})", text)
        number = int(match[1]) if match else None
        if number is not None and 1 <= number < self.number:
            raise AnswerRejected("already_answered", f"Question {text} is already answered; it is recorded once.")
        if pair is None:
            raise AnswerRejected("finished", "This session is finished; there is no question to answer.")
        if number != pair.number:
            raise AnswerRejected("not_asked", f"Question {text!r} was not asked; the current question is q{pair.number}.")
        return pair

    def apply(self, kind: str, payload: dict[str, Any]) -> None:
        """Take a recorded event ("answer" or "undo") into the state."""
        if kind == "answer":
            self._answers.append(payload)
            if payload["repeat_of"] is None:
                self._tell(payload)
        elif kind == "undo":
            undone = self._answers.pop()
            if undone["repeat_of"] is None:
                self._rebuild()
        else:
            raise ParameterError(f"Unknown event kind {kind!r}.")

    # -- the result ------------------------------------------------------------------------
    def result(self, *, log_path: str | None = None) -> PersonResult:
        """The metric elicited so far (the final one once finished), its uncertainty and the consistency of the repeats."""
        settings = {**self.study.settings.as_dict(), "participant": self.participant.name}
        if self.study.fair:
            metric, report = self._fair_metric({**settings, "log_path": log_path})
        else:
            active: ActiveResult = self._elicitor.result()
            uncertainty = {"a_std": active.a_std[0], "B_std": active.B_std[0],
                           "a_interval": active.a_interval[0], "B_interval": active.B_interval[0]}
            metric = ElicitedMetric(active.a[0], active.B[0], self.study.classes, uncertainty, self.study.data_hash, log_path,
                                    settings)
            report = {"comparisons": active.comparisons, "stop_reason": active.stop_reason, "flip_rate": active.flip_rate}
        by_number = {p["question"]: p for p in self._answers}
        repeats = [p for p in self._answers if p["repeat_of"] is not None]
        inconsistent = sum(p["answer"] != by_number[p["repeat_of"]]["answer"] for p in repeats)
        return PersonResult(self.participant.name, metric, int(report["comparisons"][0]), len(repeats), int(inconsistent),
                            str(report["stop_reason"][0]), float(report["flip_rate"][0]))

    def _fair_metric(self, settings: dict) -> tuple[ElicitedFairMetric, dict[str, np.ndarray]]:
        """The posterior mean as an ``ElicitedFairMetric`` with sampled standard deviations and 90% intervals."""
        mean, cov = self._elicitor.posterior()
        q, m = len(self.study.origin), len(self.study.groups)
        drawn = stream_generator(self.study.settings.seed, "person_posterior", self.participant.id)
        summary = posterior_summary(mean, cov, q, m, rng=drawn)
        uncertainty = {name: summary[name][0] for name in summary if name.endswith(("_std", "_interval"))}
        metric = ElicitedFairMetric(summary["a"][0], summary["B"][0], float(summary["lam"][0]), self.study.classes,
                                    self.study.groups, uncertainty, {**settings, "data_hash": self.study.data_hash})
        return metric, self._elicitor.report()


def _describe(classifier: RealisedClassifier) -> dict[str, Any]:
    """A realised classifier as plain values for the log: its rules, weights, rates and seed."""
    return {"gains": classifier.gains.tolist(), "weights": classifier.weights.tolist(), "fit_rates": classifier.fit_rates.tolist(),
            "heldout_rates": classifier.heldout_rates.tolist(), "seed": classifier.seed}


class PersonSession:
    """A live session: ``SessionState`` plus the data (questions realised as classifiers) and the store (answers committed first).

    Every method holds the session's lock, so a web server may call it from several threads.
    """

    def __init__(self, store: SessionStore, study: StudyRecord, space: RateSpace | GroupedRateSpace,
                 participant: Participant) -> None:
        self.store = store
        self.space = space
        self.state = SessionState(study, participant, store.events(participant.id))
        self._lock = threading.RLock()
        self._question: Question | None = None
        self._realised: dict[str, list[RealisedClassifier]] = {}  # side: one classifier per group (one for rates)
        self._shown_at = 0.0

    @property
    def participant(self) -> Participant:
        return self.state.participant

    def question(self) -> Question | None:
        """The current question, realised on the data (None when the session is finished)."""
        with self._lock:
            pair = self.state.next_pair()
            if pair is None:
                return None
            if self._question is None or self._question.number != pair.number:
                self._question = self._realise(pair)
                self._shown_at = time.time()
            return self._question

    def _realise(self, pair: _Pair) -> Question:
        settings, pid, space = self.state.study.settings, self.participant.id, self.space
        self._realised = {}
        for side, point in (("first", pair.first), ("second", pair.second)):
            seed = int(stream_seed(settings.seed, "person_classifier", pid, pair.number, side).generate_state(1)[0])
            if isinstance(space, GroupedRateSpace):  # one classifier per group, on that group's rows
                self._realised[side] = space.realise(np.reshape(point, space.shares.shape), seed=seed)
            else:
                self._realised[side] = [realise(space, point, seed=seed)]
        shown = []
        for name, side in zip("AB", ("first", "second") if pair.left_is_first else ("second", "first")):
            rates = np.stack([c.fit_rates for c in self._realised[side]])
            counts = np.stack([per_thousand(r, len(space.classes)) for r in rates])
            heldout = np.stack([c.heldout_rates for c in self._realised[side]])
            if not self.state.study.fair:
                rates, counts, heldout = rates[0], counts[0], heldout[0]
            shown.append(ShownClassifier(name, rates, heldout, counts))
        return Question(pair.number, space.classes, shown[0], shown[1], pair.left_is_first, pair.repeat_of,
                        self.state.study.groups)

    def answer(self, question_id: str, choice: str) -> Event:
        """Record an answer ("left", "right" or "equal") to the current question: committed to the store, then applied."""
        with self._lock:
            self.state.check_question(question_id)
            self.question()
            fair = self.state.study.fair
            classifiers = {side: [_describe(c) for c in group] if fair else _describe(group[0])
                           for side, group in self._realised.items()}
            payload = self.state.answer_payload(question_id, choice, classifiers, self._shown_at)
            event = self.store.append(self.participant.id, "answer", payload)
            self.state.apply("answer", event.payload)
            return event

    def undo(self) -> bool:
        """Take back the last answer (logged as an undo event); False when there is none."""
        with self._lock:
            if not self.state.answers:
                return False
            last = self.state.answers[-1]
            event = self.store.append(self.participant.id, "undo", {"participant": self.participant.name, "question": last["question"]})
            self.state.apply("undo", event.payload)
            return True

    def progress(self) -> Progress:
        with self._lock:
            return self.state.progress()

    def result(self) -> PersonResult:
        with self._lock:
            return self.state.result(log_path=str(self.store.path))
