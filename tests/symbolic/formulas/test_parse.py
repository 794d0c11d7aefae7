"""Parsing templates into trees: grammar, both syntaxes, located one-line errors."""

from __future__ import annotations

import math

import pytest

from oraclelab.errors import FormulaError
from oraclelab.symbolic import parse_template
from oraclelab.symbolic.formulas import Binary, Coef, Const, Input, Neg, parse_expression


def test_plain_and_symrep_spellings_give_the_same_tree():
    plain = parse_expression("5*N0*sin(3*U0*x1) + abs(x0)")
    symrep = parse_expression("5*N0*np.sin(3*U0*X07[:,1]) + np.abs(X07[:, 0])")
    assert plain == symrep


def test_tree_structure_of_a_small_formula():
    tree = parse_expression("-N*x0**2 / U3 + pi")
    expected = Binary(
        "+",
        Binary("/", Binary("*", Neg(Coef("N")), Binary("**", Input(0), Const(2.0))), Coef("U3")),
        Const(math.pi),
    )
    assert tree == expected


def test_unary_plus_and_constant_negation():
    assert parse_expression("+x0") == Input(0)
    assert parse_expression("-3") == Const(-3.0)
    assert parse_expression("--x0") == Input(0)


def test_template_with_given_derivatives_and_columns():
    line = "2.7*N0*X07[:,0]**2; 2*2.7*N0*X07[:,0];0"
    template = parse_template(line, source="F.lib", line=4)
    assert len(template.given_derivatives) == 2
    assert template.given_derivatives[1] == Const(0.0)
    assert template.segment_columns == (1, 21, 39)
    assert template.location(2) == "F.lib:4:39"
    assert template.min_inputs == 2
    assert template.coefficients == ("N0",)


def test_min_inputs_from_highest_column():
    assert parse_template("x3 + x0").min_inputs == 4
    assert parse_template("N0").min_inputs == 0


def test_coefficients_are_sorted_and_deduplicated():
    assert parse_template("U1*N0 + N0*U + N").coefficients == ("N", "N0", "U", "U1")


@pytest.mark.parametrize(
    ("text", "column", "fragment"),
    [
        ("x0 + foo", 6, "unknown name 'foo'"),
        ("x0 +", 5, "invalid syntax"),
        ("x0 2", 4, "invalid syntax"),
        ("np.sin(x0) + os.system(1)", 14, "unknown function attribute 'system'"),
        ("__import__('os')", 1, "unknown function '__import__'"),
        ("x0.real", 1, "attributes are only allowed"),
        ("sin(x0, x1)", 1, "exactly one positional argument"),
        ("sin(x=x0)", 1, "exactly one positional argument"),
        ("x0 // 2", 1, "FloorDiv"),
        ("lambda: 1", 1, "Lambda"),
        ("[x0 for x0 in N]", 1, "ListComp"),
        ("'text'", 1, "not a real number"),
        ("True", 1, "not a real number"),
        ("1e999", 1, "not finite"),
        ("X07[0]", 1, "indexing is only allowed"),
        ("X07[:,0] + X08[:,0]", 12, "mixes input variables"),
        ("x0 + X07[:,2]", 6, "input column 2 out of range for 2 input(s)"),
        ("x7", 1, "input column 7 out of range"),
        ("", 1, "empty formula"),
    ],
)
def test_errors_name_source_line_and_column(text, column, fragment):
    with pytest.raises(FormulaError) as info:
        parse_template(text, n_inputs=2, source="lib.lib", line=3)
    message = str(info.value)
    assert message.startswith(f"lib.lib:3:{column}: "), message
    assert fragment in message
    assert "\n" not in message


def test_error_column_in_a_derivative_segment():
    with pytest.raises(FormulaError, match=r"^<string>:1:8: unknown name 'y'"):
        parse_template("x0**2; y", n_inputs=1)


def test_too_many_derivatives_for_the_inputs():
    with pytest.raises(FormulaError, match=r"^<string>:1:6: 2 derivatives given for 1 input"):
        parse_template("x0;1;0", n_inputs=1)


@pytest.mark.parametrize(
    "text",
    [
        "x0+" * 4000,
        "(" * 300 + "x0" + ")" * 300,
        "-" * 5000 + "x0",
        "+".join(["x0"] * 1500),
        "sin(" * 400 + "x0" + ")" * 400,
        "1" * 5000,
        "x0\x00",
        "x0\n+1",
    ],
)
def test_long_deep_and_malformed_inputs_fail_cleanly(text):
    with pytest.raises(FormulaError) as info:
        parse_template(text)
    assert "\n" not in str(info.value)
