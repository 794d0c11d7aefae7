"""A question as a person sees it: two classifiers as confusion matrices in counts per 1,000 of each true class
(one matrix per group in a fair study, each group's classifier on that group's rows).

Rates are the off-diagonal entries of the row-normalised confusion matrix (``_rate_space``);
a row of the matrix is a true class, so "of 1,000 malignant cases, A calls 83 benign" reads
straight off it. Counts are rounded so that every row sums to exactly 1,000 (largest
remainders), and classifier A is always the one on the left.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from oraclelab.elicit._rate_space import rate_pairs

__all__ = ["ShownClassifier", "Question", "per_thousand", "CHOICES"]

#: What a person can answer: the left classifier, the right one, or "can't tell".
CHOICES = ("left", "right", "equal")


def per_thousand(rates: np.ndarray, n_classes: int) -> np.ndarray:
    """Confusion counts per 1,000 of each true class (k, k) for rates (q,); every row sums to 1,000."""
    true, pred = rate_pairs(n_classes)
    matrix = np.zeros((n_classes, n_classes))
    matrix[true, pred] = np.clip(np.asarray(rates, dtype=np.float64), 0.0, 1.0)
    matrix[np.arange(n_classes), np.arange(n_classes)] = np.clip(1.0 - matrix.sum(axis=1), 0.0, None)
    matrix *= 1000.0 / matrix.sum(axis=1, keepdims=True)
    counts = np.floor(matrix).astype(np.int64)
    for i in range(n_classes):
        short = 1000 - counts[i].sum()
        order = np.argsort(-(matrix[i] - counts[i]), kind="stable")
        counts[i, order[:short]] += 1
    return counts


@dataclass(frozen=True)
class Question:
    """The question a participant is on.

    Attributes
    ----------
    number : int, 1 for the first question (undo asks the same number again)
    classes : tuple of k str
    left, right : ShownClassifier, A and B
    left_is_first : bool, whether A is the elicitor's first rate point (drawn per question)
    repeat_of : int or None, the earlier question this one repeats with sides swapped
    groups : tuple of m str, a fair study's groups (empty otherwise: one population)
    """

    number: int
    classes: tuple[str, ...]
    left: ShownClassifier
    right: ShownClassifier
    left_is_first: bool
    repeat_of: int | None = None
    groups: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        """The question's id in answers and the API ("q7")."""
        return f"q{self.number}"

    def sentences(self) -> list[str]:
        """Where A and B differ, in words: "Of 1,000 'malignant' cases, A calls 83 'benign', B calls 41."
        (in a fair study each sentence names its group first: "Group 'young': of 1,000 ...")."""
        lines = []
        true, pred = rate_pairs(len(self.classes))
        left, right = (np.reshape(c.counts, (-1,) + c.counts.shape[-2:]) for c in (self.left, self.right))
        for g, (left_counts, right_counts) in enumerate(zip(left, right)):
            prefix = f"Group '{self.groups[g]}': of" if self.groups else "Of"
            for i, j in zip(true, pred):
                a, b = int(left_counts[i, j]), int(right_counts[i, j])
                if a != b:
                    lines.append(f"{prefix} 1,000 '{self.classes[i]}' cases, A calls {a} '{self.classes[j]}', B calls {b}.")
        return lines

    def public(self) -> dict:
        """What the participant's page is given (nothing that tells a repeat from a new question)."""
        return {
            "id": self.id,
            "number": self.number,
            "classes": list(self.classes),
            "groups": list(self.groups),
            "left": {"name": self.left.name, "counts": self.left.counts.tolist()},
            "right": {"name": self.right.name, "counts": self.right.counts.tolist()},
            "sentences": self.sentences(),
        }


@dataclass(frozen=True)
class ShownClassifier:
    """One side of a question: its name ("A" left, "B" right), rates and counts per 1,000.

    Attributes
    ----------
    name : "A" or "B"
    rates : ndarray of shape (q,), the realised classifier's validation rates ((m, q): per group)
    heldout_rates : ndarray of shape (q,), its rates on the held-out rows ((m, q): per group)
    counts : ndarray of shape (k, k), per 1,000 of each true class (rows: true, columns: predicted);
        (m, k, k) in a fair study, one matrix per group
    """

    name: str
    rates: np.ndarray
    heldout_rates: np.ndarray
    counts: np.ndarray
