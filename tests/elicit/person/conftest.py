"""A small study on breast_cancer (k = 2) and a scripted person with a hidden linear metric."""

from __future__ import annotations

import numpy as np
import pytest

from oraclelab.elicit.person import PersonSettings, PersonStudy


def hidden_score(a: np.ndarray, rates: np.ndarray) -> float:
    """A linear hidden metric <a, r>, written here without the library."""
    return float(np.dot(a, rates))


def answer_as(a: np.ndarray, question) -> str:
    """The noise-free person's choice: the side whose realised rates score higher under ``a``."""
    left, right = hidden_score(a, question.left.rates), hidden_score(a, question.right.rates)
    return "left" if left > right else "right"


@pytest.fixture
def make_study(tmp_path):
    """Create a breast_cancer study folder with the given settings; closes it afterwards."""
    opened = []

    def make(name: str = "study", **settings) -> PersonStudy:
        settings.setdefault("dataset", "breast_cancer")
        study = PersonStudy(tmp_path / name, PersonSettings(**settings))
        opened.append(study)
        return study

    yield make
    for study in opened:
        study.close()
