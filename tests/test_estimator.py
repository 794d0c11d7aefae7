"""keep_parameters: every __init__ argument becomes an attribute of the same name, nothing else."""

from __future__ import annotations

from oraclelab._estimator import keep_parameters
from oraclelab.elicit import ActiveMetricElicitor, QuadraticMetricElicitor


class _Example:
    def __init__(self, *, alpha: float = 1.0, beta: str = "b") -> None:
        keep_parameters(self, locals())


def test_arguments_become_attributes_and_nothing_more():
    example = _Example(alpha=0.5)
    assert vars(example) == {"alpha": 0.5, "beta": "b"}


def test_the_elicitors_keep_their_parameters_unchanged():
    rng = object()
    active = ActiveMetricElicitor(tol=0.1, budget=5, noise="auto", rng=rng)
    assert (active.tol, active.budget, active.noise, active.kind, active.rng, active.n_midpoints) == (0.1, 5, "auto", "quadratic", rng, 24)
    quadratic = QuadraticMetricElicitor(mode="efficient")
    assert vars(quadratic) == {"tol": 1e-2, "mode": "efficient", "well_formed": False, "small_radius": 5e-3}
