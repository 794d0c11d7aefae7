"""Function libraries: many formula templates, sampled as batches of random functions."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import torch

from oraclelab.errors import DataFileError, FormulaError, ParameterError

from ._template import Template, parse_template
from ._tree import functions_of, operators_of
from ._check import check_derivatives
from ._generated import generated_templates, is_generated
from ._torch import CompiledTemplate

__all__ = ["FunctionLibrary", "LibrarySample", "list_builtin_libraries"]



@dataclass(frozen=True)
class LibrarySample:
    """Random functions drawn from a library, evaluated on a point set.

    Attributes
    ----------
    values : Tensor of shape (n, P)
        Function values at the P points.
    gradients : Tensor of shape (n, P, d)
        Partial derivatives with respect to the d input columns.
    template_ids : LongTensor of shape (n,)
        Index into ``FunctionLibrary.templates`` of each function's template.
    """

    values: torch.Tensor
    gradients: torch.Tensor
    template_ids: torch.Tensor


def _check_n_inputs(n_inputs: int | None) -> None:
    if n_inputs is not None and (not isinstance(n_inputs, int) or isinstance(n_inputs, bool) or n_inputs < 1):
        raise ParameterError(
            f"The 'n_inputs' parameter of FunctionLibrary must be an int >= 1 or None. Got {n_inputs!r} instead."
        )


def _builtin_folder() -> Traversable:
    return resources.files("oraclelab.symbolic.formulas") / "libraries"


def list_builtin_libraries() -> list[str]:
    """Names of the libraries shipped with oraclelab (``FunctionLibrary.builtin(name)``)."""
    folder = _builtin_folder()
    return sorted(p.name[: -len(".lib")] for p in folder.iterdir() if p.name.endswith(".lib"))


class FunctionLibrary:
    """Formula templates with random coefficients, compiled once to batched torch.

    Parameters
    ----------
    templates : list of Template
        At least one template.
    n_inputs : int, optional
        Input dimension d; default the smallest that fits every template.
    name : str
        Label (the file stem for files).

    Attributes
    ----------
    templates : list of Template
    n_inputs : int
    name : str
    mismatched_derivatives : list of tuple (int, int)
        ``(template index, input column)`` of each written derivative that disagreed with
        the automatic one (a :class:`DerivativeMismatchWarning` was issued).

    Notes
    -----
    Gradients are always the exact symbolic derivatives of each template's value. Written
    derivatives (``value;d/dx0;d/dx1`` lines, symrep style) are only checked against them
    at load time; a line may give fewer than d of them.
    """

    def __init__(self, templates: list[Template], *, n_inputs: int | None = None, name: str = "library") -> None:
        _check_n_inputs(n_inputs)
        if not templates:
            raise ParameterError(f"function library {name!r} has no templates")
        needed = max(t.min_inputs for t in templates)
        if n_inputs is None:
            n_inputs = max(needed, 1)
        elif n_inputs < needed:
            worst = max(templates, key=lambda t: t.min_inputs)
            raise FormulaError(f"{worst.location()}: template needs {needed} input(s), library has {n_inputs}")
        self.templates = list(templates)
        self.n_inputs = n_inputs
        self.name = name
        self.mismatched_derivatives = [
            (index, column) for index, t in enumerate(self.templates) for column in check_derivatives(t, n_inputs)
        ]
        self._compiled = [CompiledTemplate.build(t, n_inputs) for t in self.templates]

    @property
    def functions(self) -> tuple[str, ...]:
        """The one-argument functions (sin, exp, ...) the templates' values call, sorted."""
        return tuple(sorted(set().union(*(functions_of(t.value) for t in self.templates))))

    @property
    def operators(self) -> tuple[str, ...]:
        """The binary operators (+, -, *, /, **) the templates' values use, sorted."""
        return tuple(sorted(set().union(*(operators_of(t.value) for t in self.templates))))

    def __repr__(self) -> str:
        return f"FunctionLibrary(name={self.name!r}, n_templates={len(self.templates)}, n_inputs={self.n_inputs})"

    @classmethod
    def from_strings(
        cls, lines: list[str], n_inputs: int | None = None, *, source: str = "<string>", name: str = "strings"
    ) -> FunctionLibrary:
        """Library from template strings, one template each (plain or symrep syntax).

        Empty lines and lines starting with ``#`` are skipped; line numbers in errors count
        every line.
        """
        _check_n_inputs(n_inputs)
        templates = [
            parse_template(text.strip(), n_inputs=n_inputs, source=source, line=number)
            for number, text in enumerate(lines, start=1)
            if text.strip() and not text.lstrip().startswith("#")
        ]
        return cls(templates, n_inputs=n_inputs, name=name)

    @classmethod
    def from_file(cls, path: str | Path, *, n_inputs: int | None = None) -> FunctionLibrary:
        """Library from a ``.lib`` file: one template per line, ``#`` comments allowed."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise DataFileError(f"cannot read function library {str(path)!r}: {exc}") from None
        return cls.from_strings(text.splitlines(), n_inputs, source=path.name, name=path.stem)

    @classmethod
    def builtin(cls, name: str, *, n_inputs: int | None = None) -> FunctionLibrary:
        """A library shipped with oraclelab; see :func:`list_builtin_libraries`."""
        available = list_builtin_libraries()
        if name not in available:
            raise ParameterError(f"unknown built-in library {name!r} (available: {', '.join(available)})")
        resource = _builtin_folder() / f"{name}.lib"
        lines = resource.read_text(encoding="utf-8").splitlines()
        return cls.from_strings(lines, n_inputs, source=f"{name}.lib", name=name)

    @classmethod
    def load(cls, spec: str, *, n_inputs: int | None = None) -> FunctionLibrary:
        """A built-in library by name (``"F11"``), a generated one (``"terms:3"``) or a ``.lib`` file by path.

        ``KIND:D`` names a library generated for D inputs (:mod:`._generated`). A spec naming an existing file, or ending in ``.lib``, or containing a path
        separator is read as a file; anything else must be a built-in name.
        """
        if is_generated(spec):
            return cls.from_strings(generated_templates(spec), n_inputs, source=f"{spec} (generated)", name=spec)
        path = Path(spec)
        if path.is_file() or spec.endswith(".lib") or "/" in spec or "\\" in spec:
            if not path.is_file():
                raise DataFileError(f"function library file {spec!r} does not exist")
            return cls.from_file(path, n_inputs=n_inputs)
        return cls.builtin(spec, n_inputs=n_inputs)

    def check_finite(self, points: torch.Tensor, generator: torch.Generator, *, n_draws: int = 16) -> None:
        """Raise ``FormulaError`` naming the template's file and line unless each template, for
        ``n_draws`` coefficient draws from ``generator``, has finite values and input-gradients
        at every point of ``points`` (P, d): a critic cannot learn from inf or nan."""
        for template, compiled in zip(self.templates, self._compiled):
            values, gradients = compiled.sample(n_draws, points, generator)
            for what, tensor in (("values", values), ("input-gradients", gradients)):
                if not bool(torch.isfinite(tensor).all()):
                    raise FormulaError(f"{template.location()}: template {template.text!r} has non-finite {what} "
                                       f"on the point set; change the template or the points.")

    def sample(self, n: int, points: torch.Tensor, generator: torch.Generator) -> LibrarySample:
        """Draw ``n`` random functions and evaluate them with their gradients.

        Each function's template is uniform over ``templates``; its coefficients are drawn
        from ``generator`` (template choices first, then the coefficients of each used
        template in template order). Evaluation is batched per template.

        Parameters
        ----------
        n : int
            Number of functions.
        points : Tensor of shape (P, d)
            Floating-point inputs; they decide device and dtype of the result.
        generator : torch.Generator

        Returns
        -------
        LibrarySample
            ``values`` (n, P), ``gradients`` (n, P, d), ``template_ids`` (n,).
        """
        if not isinstance(n, int) or n < 0:
            raise ParameterError(f"The 'n' parameter of FunctionLibrary.sample must be an int >= 0. Got {n!r} instead.")
        if not (isinstance(points, torch.Tensor) and points.ndim == 2 and points.is_floating_point()):
            got = tuple(points.shape) if isinstance(points, torch.Tensor) else type(points).__name__
            raise ParameterError(f"points must be a floating tensor of shape (P, {self.n_inputs}); got {got}")
        if points.shape[1] != self.n_inputs:
            raise ParameterError(
                f"points must have shape (P, {self.n_inputs}) for library {self.name!r}; got {tuple(points.shape)}"
            )
        n_points = points.shape[0]
        ids = torch.randint(len(self.templates), (n,), generator=generator, device=generator.device)
        values = points.new_empty(n, n_points)
        gradients = points.new_empty(n, n_points, self.n_inputs)
        ids_here = ids.to(points.device)
        for index in torch.unique(ids).tolist():
            rows = torch.nonzero(ids_here == index).squeeze(1)
            values[rows], gradients[rows] = self._compiled[index].sample(rows.numel(), points, generator)
        return LibrarySample(values=values, gradients=gradients, template_ids=ids_here)
