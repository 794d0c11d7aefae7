"""What "every trial accounted for exactly once" means for a sweep, as one reusable assertion."""

from __future__ import annotations

from collections import Counter


def assert_each_planned_trial_complete_once(trials, planned: int) -> None:
    """The accounting rule: trial numbers 0..planned-1 are the plan; every trial ended COMPLETE
    or FAIL; a FAIL is retried exactly once (a new trial whose ``failed_trial`` names it, same
    parameters); and each planned number is COMPLETE exactly once, by itself or by its retry."""
    assert {t.state.name for t in trials} <= {"COMPLETE", "FAIL"}
    originals = [t for t in trials if "failed_trial" not in t.system_attrs]
    assert [t.number for t in originals] == list(range(planned))
    retries = Counter(t.system_attrs["failed_trial"] for t in trials if "failed_trial" in t.system_attrs)
    assert sorted(retries) == [t.number for t in originals if t.state.name == "FAIL"]
    assert set(retries.values()) <= {1}
    by_number = {t.number: t for t in trials}
    for t in trials:
        if "failed_trial" in t.system_attrs:
            assert t.params == by_number[t.system_attrs["failed_trial"]].params
    complete = Counter(t.system_attrs.get("failed_trial", t.number) for t in trials if t.state.name == "COMPLETE")
    assert complete == Counter(range(planned))
