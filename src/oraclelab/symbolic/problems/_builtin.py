"""The built-in benchmark problems F00 to F12 (after the symrep project's data_1k set).

Formulas are our own plain-syntax strings, parsed by the whitelisted parser. Deviations
from the symrep files, kept on purpose:

- F05: the symrep data use ``log(abs(x3 + x3))`` (the notebook's text says ``x3 + x4``);
  we follow the data.
- F08: symrep's ``ut.triangle(x, 1.0, 1.5)`` is a triangle wave of period 3 between 0 and
  1.5 and ``ut.triangle_cos(x, 1.0, 1.5)`` its cosine counterpart. There is no triangle
  function in the formula grammar; ``1.5 - abs(1.5 - abs(abs(x0) - 3))`` equals the
  triangle wave exactly for ``|x0| <= 6`` (six standard deviations of the inputs), and
  ``0.75*(1 - cos(pi*x0/1.5))`` is the cosine wave exactly.
- F10: symrep ships no data for F10; its notebook defines (commented out) F10 as F02's
  outer function over F07's latents, which is what we use.
"""

from __future__ import annotations

import functools

from oraclelab.errors import ParameterError

from ._problem import InputSpec, Problem

__all__ = ["get_problem", "list_problems", "TRIANGLE_WAVE", "TRIANGLE_COS_WAVE"]

#: symrep's ut.triangle(x, 1.0, 1.5) in the formula grammar (exact for |x| <= 6).
TRIANGLE_WAVE = "1.5 - abs(1.5 - abs(abs({x}) - 3))"
#: symrep's ut.triangle_cos(x, 1.0, 1.5) in the formula grammar.
TRIANGLE_COS_WAVE = "0.75*(1 - cos(pi*{x}/1.5))"

_SUM3 = "G[:,0] + G[:,1] + G[:,2]"
_SQUARE_PLUS = "(G[:,0] + G[:,1] + G[:,2])**2 + G[:,0] + G[:,1] + G[:,2]"
_F00_LATENTS = ("x0**2", "cos(x1)", "x0*x1")
_F07_LATENTS = ("2.7*x0**2", "5*cos(3*x1)", "4.5*x0*x1")


def _normal(dim: int) -> InputSpec:
    return InputSpec("normal", dim)


def _definitions() -> list[Problem]:
    build = Problem.from_strings
    return [
        build("F00", _normal(2), _F00_LATENTS, outer=_SUM3),
        build("F01", _normal(2), ["x0**2 + cos(x1) + x0*x1"], outer="G[:,0]**2 + G[:,0]"),
        build("F02", _normal(2), _F00_LATENTS, outer=_SQUARE_PLUS),
        build("F03", _normal(3), ["sin(x0)*cos(x1) + x2**3 + exp(x2)"], outer="G[:,0]**2 + 2.745*G[:,0]"),
        build("F04", _normal(3), ["sin(x0)*cos(x1)", "x2**3", "exp(x2)"], outer="G[:,0]**2 + G[:,1]*G[:,2]"),
        build("F05", _normal(5), ["x0", "x1*x3**2", "log(abs(x3 + x3))"],
              outer="(G[:,0] + G[:,1])*exp(0.31*G[:,2])", note="log(abs(x3 + x3)) as in the symrep data"),
        build("F06", _normal(8), ["x0**2", "cos(x3)", "x5*x7"], outer=_SUM3),
        build("F07", _normal(2), _F07_LATENTS, outer=_SUM3),
        build("F08", _normal(1), [TRIANGLE_COS_WAVE.format(x="x0")], target=TRIANGLE_WAVE.format(x="x0"),
              note="triangle wave of period 3 (exact for |x0| <= 6); the latent is its cosine counterpart"),
        build("F09", _normal(2),
              ["1.5*x0**2", "3.5*sin(2.5*x1)", "3.0*x0*cos(0.5*x0)", "x0*x1", "0.5*x1*exp(x0)"],
              outer="G[:,0] + G[:,1] + G[:,2] + G[:,3] + G[:,4]"),
        build("F10", _normal(2), _F07_LATENTS, outer=_SQUARE_PLUS,
              note="no symrep data; the symrep notebook's commented-out definition"),
        build("F11", InputSpec("grid", 1, -3.0, 3.0),
              ["-0.08*(x0 + 0.165)**2 - 0.21", "0.0785*(x0 - 0.63)**2 - 0.252", "0.0895*(x0 + 0.21)**2 - 0.0375"],
              outer="G[:,0]*G[:,1] + sin(G[:,2])", default_n=700),
        build("F12", _normal(2),
              ["4.34*x0", "1.46*exp(x0)", "4.36*x0*cos(3*x0)", "2.90*x0**3*x1", "1.08*x0*x1**4"],
              outer="G[:,0] + G[:,1] + G[:,2] + G[:,3] + G[:,4]"),
    ]


@functools.cache
def _registry() -> dict[str, Problem]:
    return {problem.name: problem for problem in _definitions()}


def list_problems() -> list[Problem]:
    """Every built-in problem, by name."""
    return list(_registry().values())


def get_problem(name: str) -> Problem:
    """The built-in problem ``name`` (``"F00"`` ... ``"F12"``, case-insensitive)."""
    registry = _registry()
    problem = registry.get(str(name).upper())
    if problem is None:
        raise ParameterError(f"Unknown problem {name!r}. Built-in problems: {', '.join(registry)}.")
    return problem
