"""Asking people: sessions over a store and event log, questions realised on the user's data.

``PersonStudy`` opens or creates a study folder; each participant's ``PersonSession`` asks
``question()``s (two realised classifiers, shown as confusion matrices per 1,000 of each true
class) and records ``answer``s, committed to the store's append-only event log before the
session moves on. ``replay`` recomputes every metric from the log alone.
"""

from oraclelab._lazy import lazy_exports

_LAZY = {
    "oraclelab.elicit.person._settings": ("PersonSettings", "default_budget"),
    "oraclelab.elicit.person._store": ("SessionStore", "Participant", "Event"),
    "oraclelab.elicit.person._question": ("Question", "ShownClassifier", "per_thousand", "CHOICES"),
    "oraclelab.elicit.person._session": ("PersonSession", "SessionState", "StudyRecord", "PersonResult", "Progress", "AnswerRejected"),
    "oraclelab.elicit.person._agreement": ("Agreement", "agreement", "pooled_metric"),
    "oraclelab.elicit.person._study": ("PersonStudy", "STORE_NAME", "rank_candidates", "study_summary"),
    "oraclelab.elicit.person._replay": ("replay",),
}
__all__: list[str] = sorted(name for names in _LAZY.values() for name in names)
__getattr__, __dir__ = lazy_exports(__name__, _LAZY)
