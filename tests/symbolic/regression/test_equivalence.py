"""Equivalence (SRBench rule), constant rounding and composition on known pairs."""

from __future__ import annotations

import pytest
import sympy

from oraclelab.symbolic.regression import are_equivalent, compose, round_constants

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
