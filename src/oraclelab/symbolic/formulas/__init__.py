"""Formula templates: whitelisted parsing, expression trees, derivatives, torch and sympy.

``parse_template`` and the tree are pure Python; ``CompiledTemplate`` and the derivative
check load torch, ``to_sympy`` loads sympy, each on first access.
"""

from __future__ import annotations

from oraclelab._lazy import lazy_exports

from ._derivative import differentiate
from ._parse import MAX_DEPTH, MAX_LENGTH, parse_expression
from ._template import Template, parse_template
from ._tree import Binary, Call, Coef, Const, Input, Neg, Node, functions_of, operators_of

# Private module (relative to this package) -> the public names it defines, loaded on first use (PEP 562).
_LAZY: dict[str, tuple[str, ...]] = {
    "._torch": ("compile_tree", "CompiledTemplate", "sample_coefficients"),
    "._check": ("DerivativeMismatchWarning", "mismatched_derivatives", "check_derivatives"),
    "._sympy": ("to_sympy",),
}

__all__ = [
    "Binary",
    "Call",
    "Coef",
    "Const",
    "Input",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "Neg",
    "Node",
    "Template",
    "differentiate",
    "functions_of",
    "operators_of",
    "parse_expression",
    "parse_template",
    *sorted(name for names in _LAZY.values() for name in names),
]

__getattr__, __dir__ = lazy_exports(__name__, _LAZY)
