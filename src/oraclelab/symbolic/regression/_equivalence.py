"""Symbolic equivalence the SRBench way, then by identities: no false negatives on rewritten formulas.

Two formulas are equivalent when, after rounding their constants to 3 significant digits
(and dropping constants below 1e-4, as SRBench does), ``a - b`` or ``a / b`` simplifies
to a constant. Constants are combined (``expand``) before rounding, so that
``(0.64*x)*(1.5625*x)`` rounds as ``1.0*x**2`` rather than factor by factor, and
sinusoids are written one way, ``cos(u + c)`` as ``sin(u + c + pi/2)`` and a negative
sine term ``-a*sin(v)`` as ``a*sin(v + pi)``, with phases in (-pi, pi], so that a phase is rounded where it is, not where the other function puts it.
A third comparison drops the tiny constants first and combines like terms before rounding
(``0.0194*x**2*exp(1e-6*x) - 0.0158*x**2`` is ``0.0036*x**2``).

Rounding also splits values on either side of a rounding boundary: F10's ``x0**2*x1**2``
coefficient is 4.5**2 = 20.25, which rounds to 20.2, and a fit's 20.2529 rounds to 20.3.
So the expanded forms are also compared term by term: the same terms (their inner
constants rounded), and top-level coefficients that agree to a relative 10**-digits (1e-3
for 3 digits: at most one unit of the last kept digit, so no wider than one rounding bin,
and 0.5 against 0.502 stays unequal), a constant term aside.

Rounding alone misses identities: ``0.5 - 0.5*cos(2*x)`` is ``sin(x)**2``, but the
sine rewrite turns the exact phase ``pi/2`` into ``1.57``. So when the SRBench rule says no,
each float constant becomes the simplest exact number that rounds like it (a fraction
``p/q`` or ``p*pi/q`` with ``q <= 12``, else the rounded decimal: ``0.3333`` is ``1/3``,
``1.5708`` is ``pi/2``, ``0.51`` stays ``51/100``), and the difference (ratio) is tried
with ``expand``, ``trigsimp``, the ``fu`` rules, ``expand_trig``, ``powsimp`` and
``simplify``, in that order.

``sympy.simplify`` can take minutes on the long formulas symbolic regression returns, so
a candidate is first evaluated at fixed random points: a difference (ratio) that varies
there cannot simplify to a constant, and sympy only confirms the remaining cases. That
work is bounded by a number of operations and a time limit (a hard ``SIGALRM`` limit in
the main thread, a check between steps elsewhere); :func:`check_equivalence` reports
every bound that cut it short, and :func:`are_equivalent` logs them as a warning.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import math
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy

from ._compose import drop_tiny_constants, round_constants

__all__ = ["are_equivalent", "check_equivalence", "Equivalence", "exact_constants",
           "SRBENCH_DIGITS", "SRBENCH_ZERO_BELOW"]

_LOG = logging.getLogger(__name__)

#: Significant digits kept before comparing.
SRBENCH_DIGITS = 3
#: Constants smaller than this in magnitude are treated as zero.
SRBENCH_ZERO_BELOW = 1e-4
#: A difference or ratio the numerical check cannot decide is only handed to sympy up to
#: this many operations; a longer one (thousands of nodes from a composition of long SR
#: answers, too deep even to compile) counts as not constant, and the check says so.
_SIMPLIFY_MAX_OPS = 400
#: Default time limit of one check, in seconds.
_MAX_SECONDS = 10.0
#: The numerical pre-check only compiles formulas nested at most this deep: sympy prints and
#: Python compiles recursively, and running into the recursion limit leaves finalizers that
#: fire meanwhile failing (unraisable RecursionErrors), so deeper ones are left undecided.
_EVALUATE_MAX_DEPTH = 64
#: Random points of the numerical pre-check, and its relative tolerance.
_PROBE_POINTS = 32
_PROBE_RTOL = 1e-7
#: Largest denominator of the exact numbers (p/q, p*pi/q) a float constant may become.
_MAX_DENOMINATOR = 12


def _expand_trig(expression: sympy.Expr) -> sympy.Expr:
    """Multiple angles and sums in sines and cosines expanded, then trigonometric simplification."""
    return sympy.trigsimp(sympy.expand(sympy.expand_trig(expression)))


def _fu(expression: sympy.Expr) -> sympy.Expr:
    """The Fu et al. trigonometric rules (sympy.simplify.fu)."""
    from sympy.simplify.fu import fu

    return fu(expression)


def _powsimp(expression: sympy.Expr) -> sympy.Expr:
    """Powers and exponentials combined after expanding them (``exp(a + b)`` as ``exp(a)*exp(b)``)."""
    return sympy.powsimp(sympy.expand(sympy.expand_power_exp(expression)), force=False)


#: The rewrites tried, in order, on a difference (ratio) the numerical check finds constant.
_IDENTITY_STEPS: tuple[tuple[str, Callable[[sympy.Expr], sympy.Expr]], ...] = (
    ("expand", sympy.expand),
    ("trigsimp", sympy.trigsimp),
    ("fu", _fu),
    ("expand_trig", _expand_trig),
    ("powsimp", _powsimp),
    ("simplify", sympy.simplify),
)
_SIMPLIFY_STEPS = (("simplify", sympy.simplify),)


@dataclass(frozen=True)
class Equivalence:
    """The verdict of :func:`check_equivalence` and how it was reached.

    Attributes
    ----------
    equivalent : bool
    rule : str or None
        ``"srbench"`` (rounded constants, constant difference or ratio), ``"coefficients"``
        (the same expanded terms, coefficients within a relative 10**-digits) or ``"identity"``
        (exact constants and trigonometric / exponential rewrites); None when not equivalent.
    limits : tuple of str
        Each bound (operations, time, recursion) that cut the work short; a ``False`` with
        limits is undecided rather than proven unequal.
    """

    equivalent: bool
    rule: str | None = None
    limits: tuple[str, ...] = ()

    @property
    def undecided(self) -> bool:
        """True when the formulas were not shown equivalent because a bound cut the work short."""
        return not self.equivalent and bool(self.limits)


@dataclass
class _Budget:
    """Operations and time one check may spend, and the bounds it ran into."""

    max_ops: int
    seconds: float | None
    start: float = field(default_factory=time.monotonic)
    step: str = "start"
    limits: list[str] = field(default_factory=list)

    def expired(self) -> bool:
        """Whether the time limit has passed."""
        return self.seconds is not None and time.monotonic() - self.start > self.seconds

    def note(self, message: str) -> None:
        """Record a bound that cut the work short (once)."""
        if message not in self.limits:
            self.limits.append(message)


class _TimeUp(Exception):
    """Raised by the SIGALRM handler when a check runs out of time."""


def are_equivalent(a: sympy.Expr, b: sympy.Expr, **options: Any) -> bool:
    """Whether ``a`` and ``b`` differ by a constant term or factor after rounding, or by an identity.

    ``options`` are :func:`check_equivalence`'s (``digits``, ``zero_below``, ``max_seconds``,
    ``max_ops``). False also when a bound cut the work short; that is logged as a warning
    (:func:`check_equivalence` returns it).
    """
    verdict = check_equivalence(a, b, **options)
    if verdict.undecided:
        _LOG.warning("Equivalence undecided, counted as not equivalent: %s", "; ".join(verdict.limits))
    return verdict.equivalent


def check_equivalence(
    a: sympy.Expr,
    b: sympy.Expr,
    *,
    digits: int = SRBENCH_DIGITS,
    zero_below: float = SRBENCH_ZERO_BELOW,
    max_seconds: float | None = _MAX_SECONDS,
    max_ops: int = _SIMPLIFY_MAX_OPS,
) -> Equivalence:
    """:func:`are_equivalent` with the rule that decided and the bounds that were hit.

    Parameters
    ----------
    a, b : sympy.Expr
        Formulas over the same symbols (symbols are matched by name and assumptions).
    digits : int
        Significant digits kept by the rounding.
    zero_below : float
        Constants of smaller magnitude become 0.
    max_seconds : float or None
        Time limit of the symbolic work (None: unlimited).
    max_ops : int
        Longest difference or ratio (``sympy.count_ops``) handed to sympy.
    """
    budget = _Budget(max_ops=max_ops, seconds=max_seconds)
    rule = None
    try:
        with _alarm(max_seconds):
            if _srbench_equal(a, b, digits, zero_below, budget):
                rule = "srbench"
            elif _coefficients_agree(a, b, digits, zero_below, budget):
                rule = "coefficients"
            elif _identity_equal(a, b, digits, zero_below, budget):
                rule = "identity"
    except _TimeUp:
        budget.note(f"time limit of {max_seconds:g} s reached during {budget.step}")
    return Equivalence(equivalent=rule is not None, rule=rule, limits=tuple(budget.limits))


@contextlib.contextmanager
def _alarm(seconds: float | None) -> Iterator[None]:
    """Raise ``_TimeUp`` after ``seconds`` (main thread, no other timer running); else do nothing."""
    usable = (seconds is not None and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread()
              and signal.getitimer(signal.ITIMER_REAL)[0] == 0)
    if not usable:
        yield
        return

    def ring(signum: int, frame: object) -> None:
        raise _TimeUp

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, max(float(seconds), 1e-6))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@functools.lru_cache(maxsize=16)
def _combined(expression: sympy.Expr, zero_below: float) -> sympy.Expr:
    """Tiny constants dropped, sinusoids written one way, like terms combined (expanded once per check)."""
    return sympy.expand(_sinusoids_as_sin(drop_tiny_constants(expression, zero_below)))


def _srbench_equal(a: sympy.Expr, b: sympy.Expr, digits: int, zero_below: float, budget: _Budget) -> bool:
    """The SRBench rule on three preparations: rounded constants, a constant difference or ratio."""
    for prepare in (_sinusoids_as_sin, lambda e: sympy.expand(_sinusoids_as_sin(e)),
                    lambda e: _combined(e, zero_below)):
        budget.step = "the SRBench rounding"
        left = round_constants(prepare(a), digits, zero_below=zero_below, rational=True)
        right = round_constants(prepare(b), digits, zero_below=zero_below, rational=True)
        if _equal_up_to_constant(left, right, _SIMPLIFY_STEPS, budget, "SRBench"):
            return True
    return False


def _coefficients_agree(a: sympy.Expr, b: sympy.Expr, digits: int, zero_below: float, budget: _Budget) -> bool:
    """The same expanded terms with top-level coefficients within a relative 10**-digits (constant terms aside)."""
    budget.step = "the term-by-term comparison"

    def terms(expression: sympy.Expr) -> dict[sympy.Expr, float]:
        out: dict[sympy.Expr, sympy.Expr] = {}
        for term, coefficient in _combined(expression, zero_below).as_coefficients_dict().items():
            if term.free_symbols:
                key = round_constants(term, digits, zero_below=zero_below, rational=True)
                out[key] = out.get(key, sympy.Integer(0)) + coefficient
        # only decimal coefficients below zero_below vanish, as in the SRBench rounding; exact ones stay
        return {key: float(value) for key, value in out.items()
                if value != 0 and not (value.is_Float and abs(value) < zero_below)}

    left, right = terms(a), terms(b)
    return left.keys() == right.keys() and all(
        abs(left[k] - right[k]) <= 10.0**-digits * max(abs(left[k]), abs(right[k])) for k in left)


def _identity_equal(a: sympy.Expr, b: sympy.Expr, digits: int, zero_below: float, budget: _Budget) -> bool:
    """Exact constants, then a difference or ratio that rewrites to a constant."""
    budget.step = "exact constants"
    left = exact_constants(drop_tiny_constants(a, zero_below), digits)
    right = exact_constants(drop_tiny_constants(b, zero_below), digits)
    return _equal_up_to_constant(left, right, _IDENTITY_STEPS, budget, "identity")


def _equal_up_to_constant(left: sympy.Expr, right: sympy.Expr, steps, budget: _Budget, what: str) -> bool:
    """Whether ``left - right`` or ``left / right`` (nonzero) becomes a constant under ``steps``."""
    if _becomes_constant(left - right, steps, budget, f"{what} difference", zero_allowed=True):
        return True
    return right != 0 and _becomes_constant(left / right, steps, budget, f"{what} ratio", zero_allowed=False)


def _becomes_constant(expression: sympy.Expr, steps, budget: _Budget, what: str, *, zero_allowed: bool) -> bool:
    """Whether one of ``steps`` turns ``expression`` into a finite constant, within the budget."""
    if _is_constant(expression, zero_allowed) or _varies(expression):
        return _is_constant(expression, zero_allowed)
    operations = sympy.count_ops(expression)
    if operations > budget.max_ops:
        budget.note(f"{what} has {operations} operations (more than {budget.max_ops}); not simplified")
        return False
    for name, step in steps:
        if budget.expired():
            budget.note(f"time limit of {budget.seconds:g} s reached before {name} of the {what}")
            return False
        budget.step = f"{name} of the {what}"
        try:
            if _is_constant(step(expression), zero_allowed):
                return True
        except RecursionError:
            budget.note(f"{name} of the {what} ran into the recursion limit")
    return False


def _is_constant(expression: sympy.Expr, zero_allowed: bool) -> bool:
    """A finite number (nonzero unless ``zero_allowed``)."""
    return (not expression.free_symbols and expression.is_finite is not False
            and expression is not sympy.nan and (zero_allowed or expression != 0))


def exact_constants(expression: sympy.Expr, digits: int = SRBENCH_DIGITS) -> sympy.Expr:
    """Every float constant as the simplest exact number that rounds like it to ``digits`` significant digits.

    Candidates are ``p/q`` then ``p*pi/q`` for ``q = 1, 2, ..., 12``; the first whose rounding
    equals the constant's is taken, else the rounded decimal as a rational (``0.3333`` ->
    ``1/3``, ``1.5708`` -> ``pi/2``, ``0.51`` -> ``51/100``).
    """
    return expression.xreplace({c: _exact(float(c), digits) for c in expression.atoms(sympy.Float)})


def _exact(value: float, digits: int) -> sympy.Expr:
    """The simplest exact number rounding like ``value`` (see :func:`exact_constants`)."""
    target = _round(value, digits)
    if target == 0.0 or not math.isfinite(value):
        return sympy.Integer(0) if target == 0.0 else sympy.Float(value)
    for q in range(1, _MAX_DENOMINATOR + 1):
        for unit, symbol in ((1.0, sympy.Integer(1)), (math.pi, sympy.pi)):
            p = round(value * q / unit)
            if p != 0 and _round(p * unit / q, digits) == target:
                return sympy.Rational(p, q) * symbol
    return sympy.Rational(repr(target))


def _round(value: float, digits: int) -> float:
    """``value`` rounded to ``digits`` significant digits."""
    return float(f"{value:.{digits}g}")



def _sinusoids_as_sin(expression: sympy.Expr) -> sympy.Expr:
    """``cos(u)`` as ``sin(u + pi/2)``, ``-a*sin(u)`` as ``a*sin(u + pi)`` in a sum, phases wrapped into (-pi, pi]."""

    def sine(argument: sympy.Expr) -> sympy.Expr:
        phase, rest = argument.as_coeff_Add()
        if not (phase.is_Float or (phase.is_number and rest != 0 and not phase.is_zero)):
            return sympy.sin(argument)
        wrapped = math.pi - (math.pi - float(phase)) % (2 * math.pi)
        return sympy.sin(rest + sympy.Float(wrapped))

    def positive_amplitude(term: sympy.Expr) -> sympy.Expr:
        coefficient, rest = term.as_coeff_Mul()
        sines = [factor for factor in sympy.Mul.make_args(rest) if isinstance(factor, sympy.sin)]
        if not (coefficient.is_negative and len(sines) == 1):
            return term
        flipped = sine(sympy.expand(sines[0].args[0]) + sympy.Float(math.pi))
        return -coefficient * rest.xreplace({sines[0]: flipped})

    expression = expression.replace(sympy.cos, lambda argument: sine(sympy.expand(argument) + sympy.Float(math.pi / 2)))
    expression = expression.replace(sympy.sin, lambda argument: sine(sympy.expand(argument)))
    return sympy.Add(*(positive_amplitude(term) for term in sympy.Add.make_args(expression)))


def _varies(expression: sympy.Expr) -> bool:
    """True when the expression takes clearly different values at fixed random real points."""
    symbols = sorted(expression.free_symbols, key=str)
    if not symbols or _depth(expression) > _EVALUATE_MAX_DEPTH:
        return False
    points = np.random.default_rng(0).normal(size=(_PROBE_POINTS, len(symbols)))
    try:
        function = sympy.lambdify(symbols, expression, modules="numpy")
        with np.errstate(all="ignore"):
            values = np.broadcast_to(np.asarray(function(*points.T), dtype=complex), (_PROBE_POINTS,))
    except (TypeError, ValueError, ZeroDivisionError, OverflowError, RecursionError):
        return False  # undecided: let sympy decide
    values = values[np.isfinite(values)]
    if values.size < 2:
        return False
    spread = float(np.max(np.abs(values - values[0])))
    return spread > _PROBE_RTOL * (1.0 + float(np.max(np.abs(values))))


def _depth(expression: sympy.Expr) -> int:
    """Nesting depth of an expression tree, found without recursion."""
    deepest, stack = 0, [(expression, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in node.args)
    return deepest
