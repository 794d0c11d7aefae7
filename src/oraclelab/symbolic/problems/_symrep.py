"""Load symrep-style problem folders: ``Xnn.gz``, ``Gnn.gz`` + ``.info``, ``Fnn.gz`` + ``.info``.

The ``.info`` files hold one formula per line (``2.7*X07[:,0]**2``; F refers to the G
columns, or directly to the X columns) and a last line with the noise level. Formulas are
parsed by the whitelisted parser, never evaluated as Python. symrep's helpers
``ut.triangle(x, 1.0, 1.5)`` and ``ut.triangle_cos(x, 1.0, 1.5)`` are rewritten, at the
syntax-tree level, into the equivalent formulas of :mod:`._builtin`.
"""

from __future__ import annotations

import ast
import logging
import re
import warnings
import zlib
from pathlib import Path

import numpy as np

from oraclelab.errors import DataFileError, FormulaError
from oraclelab.symbolic.problems._table import split_indices
from oraclelab.symbolic.formulas import Node, parse_expression

from ._builtin import TRIANGLE_COS_WAVE, TRIANGLE_WAVE
from ._evaluate import substitute
from ._problem import InputSpec, Problem, ProblemData

__all__ = ["load_symrep_problem", "read_info"]

logger = logging.getLogger(__name__)

_HELPERS = {"triangle": TRIANGLE_WAVE, "triangle_cos": TRIANGLE_COS_WAVE}
_NAME = re.compile(r"F?(\d+)", re.IGNORECASE)


def read_info(path: str | Path) -> tuple[list[str], float]:
    """Formula lines and noise level (the last line) of a symrep ``.info`` file."""
    path = Path(path)
    try:
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    except (OSError, UnicodeDecodeError) as error:
        raise DataFileError(f"{path}: cannot read ({type(error).__name__}: {error}).") from None
    lines = [line for line in lines if line]
    if len(lines) < 2:
        raise DataFileError(f"{path}: expected formula lines and a last line with the noise level.")
    try:
        noise = float(lines[-1])
    except ValueError:
        raise DataFileError(f"{path}: last line {lines[-1]!r} is not a noise level (a number).") from None
    return lines[:-1], noise


def load_symrep_problem(folder: str | Path, name: str, *, seed: int = 0) -> tuple[Problem, ProblemData]:
    """Load problem ``name`` (``"F07"``) from a symrep data folder.

    Parameters
    ----------
    folder : str or Path
        Folder with ``Xnn.gz``, ``Gnn.gz``, ``Gnn.info``, ``Fnn.gz``, ``Fnn.info``.
    name : str
        ``"F07"`` or ``"07"``.
    seed : int
        Seed of the train / validation / test splits.

    Returns
    -------
    problem : Problem
        Parsed latent formulas, and the outer formula when ``Fnn.info`` refers to the G
        columns (otherwise ``outer`` is None and ``target`` comes from the file).
    data : ProblemData
        The stored arrays: X of shape (n, d), G of shape (n, k), F of shape (n,).
    """
    folder = Path(folder)
    match = _NAME.fullmatch(str(name).strip())
    if match is None:
        raise DataFileError(f"{folder}: problem name {name!r} is not of the form F07.")
    number = match.group(1).zfill(2)
    x_name, g_name, f_name = f"X{number}", f"G{number}", f"F{number}"
    X = _load_array(folder / f"{x_name}.gz")
    G = _load_array(folder / f"{g_name}.gz")
    F = _load_array(folder / f"{f_name}.gz")
    if not (len(X) == len(G) == len(F)) or F.shape[1] != 1:
        raise DataFileError(f"{folder}: {x_name}, {g_name}, {f_name} have shapes {X.shape}, {G.shape}, {F.shape}; "
                            "expected the same number of rows and one F column.")
    latent_lines, g_noise = read_info(folder / f"{g_name}.info")
    latents = [_parse_info_formula(text, folder / f"{g_name}.info", line, {x_name: X.shape[1]})
               for line, text in enumerate(latent_lines, start=1)]
    if len(latents) != G.shape[1]:
        raise DataFileError(f"{folder / f'{g_name}.info'}: {len(latents)} formula(s) for {G.shape[1]} G column(s).")
    target_lines, f_noise = read_info(folder / f"{f_name}.info")
    if len(target_lines) != 1:
        raise DataFileError(f"{folder / f'{f_name}.info'}: expected one formula line, got {len(target_lines)}.")
    variable, target = _parse_info_formula(target_lines[0], folder / f"{f_name}.info", 1,
                                           {g_name: G.shape[1], x_name: X.shape[1]})
    outer = target if variable == g_name else None
    problem = Problem(
        name=f_name,
        inputs=InputSpec("file", X.shape[1]),
        latent_strings=tuple(latent_lines),
        latents=tuple(tree for _, tree in latents),
        outer_string=target_lines[0] if outer is not None else None,
        outer=outer,
        target=substitute(outer, [tree for _, tree in latents]) if outer is not None else target,
        target_string=None if outer is not None else target_lines[0],
        note=f"loaded from {folder} (noise levels: G {g_noise:g}, F {f_noise:g})",
        default_n=len(X),
    )
    logger.info("loaded symrep problem %s from %s: X %s, G %s", f_name, folder, X.shape, G.shape)
    data = ProblemData(X=X, G=G, F=F[:, 0], splits=split_indices(len(X), seed, key=f"symrep {f_name} splits"))
    return problem, data


def _load_array(path: Path) -> np.ndarray:
    if not path.is_file():
        raise DataFileError(f"{path}: file not found.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            array = np.loadtxt(path, ndmin=2, dtype=float)
    except (OSError, ValueError, EOFError, zlib.error) as error:
        raise DataFileError(f"{path}: cannot read numbers ({type(error).__name__}: {error}).") from None
    if array.size == 0 or not np.all(np.isfinite(array)):
        raise DataFileError(f"{path}: expected a non-empty table of finite numbers.")
    return array


def _parse_info_formula(text: str, path: Path, line: int, variables: dict[str, int]) -> tuple[str, Node]:
    """The variable a formula reads (``X07``) and its tree; ``variables`` maps allowed names to widths."""
    try:
        syntax = ast.parse(text, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        syntax = None  # the parser below reports it with a position
    names = set() if syntax is None else {
        node.value.id for node in ast.walk(syntax) if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name)
    }
    if len(names) > 1 or (names and not names <= set(variables)):
        raise FormulaError(f"{path}:{line}: formula reads {', '.join(sorted(names))}; "
                           f"expected one of {', '.join(variables)}.")
    variable = names.pop() if names else next(iter(variables))
    if syntax is not None and "ut." in text:
        try:
            text = ast.unparse(_HelperRewriter(path, line).visit(syntax))
        except (RecursionError, MemoryError):
            raise FormulaError(f"{path}:{line}: formula nested too deeply to read.") from None
    return variable, parse_expression(text, n_inputs=variables[variable], source=str(path), line=line)


class _HelperRewriter(ast.NodeTransformer):
    """Replace ``ut.triangle(arg, 1.0, 1.5)`` and ``ut.triangle_cos(...)`` by grammar formulas."""

    def __init__(self, path: Path, line: int) -> None:
        self.where = f"{path}:{line}"

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        func = node.func
        if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "ut"):
            return node
        if func.attr not in _HELPERS:
            raise FormulaError(f"{self.where}: unknown symrep helper ut.{func.attr} "
                               f"(known: {', '.join('ut.' + h for h in _HELPERS)}).")
        constants = [arg.value for arg in node.args[1:] if isinstance(arg, ast.Constant)]
        if len(node.args) != 3 or node.keywords or constants != [1.0, 1.5]:
            raise FormulaError(f"{self.where}: ut.{func.attr} is supported only as ut.{func.attr}(x, 1.0, 1.5).")
        argument = ast.unparse(node.args[0])
        return ast.parse(_HELPERS[func.attr].format(x=f"({argument})"), mode="eval").body
