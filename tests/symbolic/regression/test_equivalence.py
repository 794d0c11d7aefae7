"""Equivalence (SRBench rule, then identities), constant rounding and composition on known pairs."""

from __future__ import annotations

import threading

import pytest
import sympy

from oraclelab.symbolic.regression import are_equivalent, compose, round_constants
from oraclelab.symbolic.regression._equivalence import check_equivalence, exact_constants

x, y = sympy.symbols("x0 x1", real=True)
g0, g1 = sympy.symbols("g0 g1", real=True)
F = sympy.Float

EQUAL = [
    ((x + 1) ** 4, x**4 + 4 * x**3 + 6 * x**2 + 4 * x + 1),
    (2 * x, F(2.0003) * x),
    (sympy.sin(x) + 0, sympy.sin(x)),
    (x**2 + 1, x**2 + 7),  # constant difference
    (sympy.cos(x), F(3.5) * sympy.cos(x)),  # constant ratio
    # pyoperon-style output: factors that only combine after expanding, a 1e-8 weight
    (F(0.6407226) * x * (F(1.5607377) * x) - F(-1.0), x**2 + 1),
    (x**2 + 1, F(0.99999997) * x**2 + sympy.exp(F(1.5e-8) * x)),
    (F(17.5722141) * x * (F(0.15365167) * x + F(0.25608611) * y) + F(5.0) * sympy.cos(F(3.0) * y),
     F(2.7) * x**2 + F(4.5) * x * y + 5 * sympy.cos(3 * y)),
    # a cosine is a sine shifted by pi/2: the phase is compared where the sine puts it
    (sympy.cos(F(0.0895) * x**2 + F(0.03759) * x - F(1.604349377)) + x,
     sympy.sin(F(0.0895) * x**2 + F(0.03759) * x - F(0.03355305)) + x),
    (sympy.sin(x + F(2 * 3.141592653589793 - 0.25)), sympy.sin(x - F(0.25))),
    (x**2 - F(2.0) * sympy.cos(F(0.0895) * x**2 + F(1.53724327679467)), x**2 + 2 * sympy.sin(F(0.0895) * x**2 - F(0.03355305))),
    # tiny constants drop first, then like terms combine, then constants round
    (F(0.019371) * x**2 * sympy.exp(F(9.78e-7) * x) - F(0.015748) * x**2 + 1, F(0.003623) * x**2 + 1),
]
UNEQUAL = [
    (x**2, x**3),
    (sympy.sin(x), sympy.cos(x)),
    (x**2 + x, x**2 + F(1.02) * x),
    (sympy.exp(x), sympy.exp(F(1.01) * x)),
    (x * y, x + y),
    (sympy.cos(x - F(1.5)), sympy.sin(x - F(0.0336))),  # pi/2 - 1.5 = 0.0708
    (sympy.sin(x + F(3.0)), sympy.sin(x - F(3.0))),
]


@pytest.mark.parametrize("a, b", EQUAL)
def test_equal_pairs(a, b):
    assert are_equivalent(a, b) and are_equivalent(b, a)


@pytest.mark.parametrize("a, b", UNEQUAL)
def test_unequal_pairs(a, b):
    assert not are_equivalent(a, b) and not are_equivalent(b, a)


def test_more_digits_can_tell_close_constants_apart():
    a, b = x**2 + 2 * x, x**2 + F(2.0003) * x
    assert are_equivalent(a, b) and not are_equivalent(a, b, digits=6)


def test_round_constants_significant_digits():
    rounded = round_constants(F(1234.5678) * x + F(0.00123456) * y + F(2.0000001), 3)
    assert rounded == 1230 * x + F(0.00123, 3) * y + 2
    assert round_constants(F(0.000012) * x + y, 3, zero_below=1e-4) == y
    assert round_constants(F(2.7) * x, 3, rational=True) == sympy.Rational(27, 10) * x


def test_compose_substitutes_and_simplifies():
    composed = compose(g0 * g1 + sympy.sin(g1), [x**2, y + 1])
    assert sympy.simplify(composed - (x**2 * (y + 1) + sympy.sin(y + 1))) == 0
    assert compose(g0 + g1, {g0: sympy.sin(x) ** 2, g1: sympy.cos(x) ** 2}) == 1


def test_compose_rounds_when_asked():
    composed = compose(F(2.00004) * g0, [F(1.2345678) * x], digits=3)
    assert composed == F(2.47, 3) * x


def test_long_unequal_formula_is_decided_without_a_long_simplify():
    # a pyoperon answer for F11 on which sympy.simplify of the difference runs for minutes
    messy = ((F(0.2057818) * x - (F(0.3560621) * x - F(0.4955264)) * sympy.exp(sympy.sin(F(0.3180447) * x - F(1.2434102))))
             * (F(1.0014452) * x - F(1.4670182)) + F(0.2953054))
    truth = (F(0.0785) * (x - F(0.63)) ** 2 - F(0.252)) * (F(-0.08) * (x + F(0.165)) ** 2 - F(0.21)) + sympy.sin(
        F(0.0895) * (x + F(0.21)) ** 2 - F(0.0375))
    assert not are_equivalent(messy, truth)


def test_compose_leaves_long_formulas_unsimplified():
    long_outer = sum(sympy.sin(k * g0) * g1 for k in range(1, 30))
    composed = compose(long_outer, [x, y], max_ops=10)
    assert composed == long_outer.xreplace({g0: x, g1: y})


def test_a_formula_too_deep_to_evaluate_is_not_equivalent_and_does_not_crash():
    deep = x
    for k in range(150):  # deeper than lambdify can print and compile
        deep = sympy.sin(deep + F(0.5 + k % 7))
    assert not are_equivalent(deep, x**2)


x2 = sympy.Symbol("x2", real=True)
p = sympy.Symbol("p", positive=True)
pi = sympy.pi
sin, cos, exp, log = sympy.sin, sympy.cos, sympy.exp, sympy.log

#: Pairs equal by an identity the SRBench rounding alone does not see (a sine term keeps each
#: side from being a constant multiple of the other).
IDENTITIES = [
    # direct SR's answer to F04 and F04's formula (problems/_builtin.py: G0**2 + G1*G2)
    (x2**3 * exp(x2) + (F(0.5) - F(0.5) * cos(2 * x)) * cos(y) ** 2, x2**3 * exp(x2) + sin(x) ** 2 * cos(y) ** 2),
    (sin(x) ** 2 + y, (1 - cos(2 * x)) / 2 + y),
    (cos(x - pi / 2) + x**2, sin(x) + x**2),
    (sin(x + F(1.5708)) + x**2, cos(x) + x**2),  # a phase that rounds like pi/2
    (sin(2 * x) + y, 2 * sin(x) * cos(x) + y),
    (exp(x + y) + sin(x), exp(x) * exp(y) + sin(x)),
    (exp(2 * log(p)) + sin(p), p**2 + sin(p)),
    ((x + 1) ** 2 + sin(x), x**2 + 2 * x + 1 + sin(x)),
    (x * (y + x2) + sin(x), x * y + x * x2 + sin(x)),
    (F(0.3333) * x + sin(x), x / 3 + sin(x)),  # 0.3333 and 1/3 both round to 0.333
    (F(0.5) * x, x / 2),
    # 20.25 rounds to 20.2 and 20.2529 to 20.3: coefficients on either side of a rounding boundary
    (F(20.25) * x**2 * y**2 + sin(x), F(20.2529) * x**2 * y**2 + sin(x)),
]
NEAR_MISSES = [
    (sin(x), x - x**3 / 6),
    (exp(x), 1 + x + x**2 / 2),
    (F(0.5) * x + sin(x), F(0.51) * x + sin(x)),
    (F(0.334) * x + sin(x), x / 3 + sin(x)),  # 0.334 does not round like 1/3
    (sin(x) ** 2 + y, (1 - cos(2 * x)) / 3 + y),
    (sin(x + F(1.58)) + x**2, cos(x) + x**2),  # 1.58 does not round like pi/2
    (exp(x + y) + sin(x), exp(x) + exp(y) + sin(x)),
    (sin(2 * x) + y, 2 * sin(x) + y),
    (F(0.5) * x + sin(x), F(0.502) * x + sin(x)),  # unequal after rounding, and 4e-3 apart: not a boundary case
    (F(20.25) * x**2 + sin(x), F(20.2529) * x**2 + sin(x) + F(0.001) * y),  # an extra term
    (x + y / 100000 + sin(x), x + sin(x)),  # an exact small coefficient is not rounded away
]


@pytest.mark.parametrize("a, b", IDENTITIES)
def test_identities_are_equivalent_both_ways(a, b):
    assert are_equivalent(a, b) and are_equivalent(b, a)


@pytest.mark.parametrize("a, b", NEAR_MISSES)
def test_near_misses_are_not_equivalent_both_ways(a, b):
    assert not are_equivalent(a, b) and not are_equivalent(b, a)


def test_the_srbench_rule_alone_misses_the_f04_answer():
    answer = x2**3 * exp(x2) + (F(0.5) - F(0.5) * cos(2 * x)) * cos(y) ** 2
    verdict = check_equivalence(answer, x2**3 * exp(x2) + sin(x) ** 2 * cos(y) ** 2)
    assert verdict.equivalent and verdict.rule == "identity" and verdict.limits == ()
    assert check_equivalence(x**2 + 1, x**2 + 7).rule == "srbench"


def test_direct_srs_f10_answer_is_equivalent_term_by_term():
    # F10 = s**2 + s, s = 2.7*x0**2 + 5*cos(3*x1) + 4.5*x0*x1 (problems/_builtin.py), and a
    # formula direct SR returned for it, s/5 * (5*s + 5) with fitted constants: the
    # x0**2*x1**2 coefficient is 4.5**2 = 20.25 against 20.2529, which round apart
    s = F(2.7) * x**2 + 5 * cos(3 * y) + F(4.5) * x * y
    answer = ((F(6.655) * x * (F(0.08114) * x + F(0.1352) * y) + cos(3 * y))
              * (F(154.7) * x * (F(0.08727) * x + F(0.1455) * y) + 25 * cos(3 * y) + 5) + F(1.144e-6))
    verdict = check_equivalence(answer, s**2 + s)
    assert verdict.equivalent and verdict.rule == "coefficients"


def test_a_constant_ratio_is_equivalent_by_the_srbench_rule():
    # SRBench counts a constant factor as equivalent, so a bare 0.5*x vs 0.51*x is a match
    assert are_equivalent(F(0.5) * x, F(0.51) * x)


@pytest.mark.parametrize("value, exact", [
    (0.5, sympy.Rational(1, 2)), (0.3333, sympy.Rational(1, 3)), (1.5708, pi / 2), (3.1416, pi),
    (0.51, sympy.Rational(51, 100)), (0.0895, sympy.Rational(179, 2000)), (-0.75, sympy.Rational(-3, 4)),
    (2.0, sympy.Integer(2)),
])
def test_exact_constants_rounds_like_srbench(value, exact):
    assert exact_constants(F(value) * x) == exact * x
    assert float(f"{float(exact):.3g}") == float(f"{value:.3g}")


def test_too_long_a_difference_is_reported_not_silent(caplog):
    a = sum(sin(k * x) ** 2 for k in range(1, 4))
    b = sum((1 - cos(2 * k * x)) / 2 for k in range(1, 4))
    verdict = check_equivalence(a, b, max_ops=20)
    assert not verdict.equivalent and verdict.undecided
    assert any("operations (more than 20)" in limit for limit in verdict.limits)
    with caplog.at_level("WARNING"):
        assert not are_equivalent(a, b, max_ops=20)
    assert "Equivalence undecided" in caplog.text
    assert check_equivalence(a, b).equivalent  # with the default bound it is proven


def test_a_time_limit_is_reported_not_silent():
    a = x2**3 * exp(x2) + (F(0.5) - F(0.5) * cos(2 * x)) * cos(y) ** 2
    verdict = check_equivalence(a, x2**3 * exp(x2) + sin(x) ** 2 * cos(y) ** 2, max_seconds=1e-4)
    assert not verdict.equivalent and verdict.undecided
    assert any("time limit of 0.0001 s" in limit for limit in verdict.limits), verdict.limits


def test_the_time_limit_holds_outside_the_main_thread():
    a = x2**3 * exp(x2) + (F(0.5) - F(0.5) * cos(2 * x)) * cos(y) ** 2
    results = []
    worker = threading.Thread(target=lambda: results.append(
        check_equivalence(a, x2**3 * exp(x2) + sin(x) ** 2 * cos(y) ** 2, max_seconds=0.0)))
    worker.start()
    worker.join(timeout=60)
    assert results and results[0].undecided and "time limit of 0 s" in " ".join(results[0].limits)
