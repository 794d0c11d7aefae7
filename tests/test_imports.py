"""The import structure: ``oraclelab.runs`` is plumbing that loads nothing of the systems it
serves, and the package's modules import each other without a cycle.

What counts as an import edge (module A -> module B):

* an ``import`` or ``from ... import`` statement A executes when it is imported: at module
  level, also inside ``if``/``try``/``with`` blocks and class bodies, but not inside
  functions (those run later, when every module is loaded) and not under
  ``if TYPE_CHECKING:`` (never run);
* B is the module named; ``from pkg import name`` reaches ``pkg.name`` when that is a module
  (a submodule import, which does not read ``pkg``'s namespace) and ``pkg`` otherwise;
  relative imports are resolved against A's package.

Python also runs a package's ``__init__`` before any of its submodules, but that implicit
step is not an edge: a package ``__init__`` importing its own submodules is the normal
layout, not a cycle by itself. A cycle is a chain of explicit imports leading back to where
it started, e.g. ``pkg/__init__`` importing ``pkg._a`` which imports a name from ``pkg``
itself (not from ``pkg._b``): then ``pkg._a`` may run while ``pkg`` is half initialised.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import oraclelab

SOURCE = Path(oraclelab.__file__).parent
ROOT = "oraclelab"
SYSTEMS = ("oraclelab.cli", "oraclelab.elicit", "oraclelab.symbolic")


def module_files() -> dict[str, Path]:
    """Dotted module name -> file, for every module of the package."""
    modules = {}
    for path in sorted(SOURCE.rglob("*.py")):
        parts = path.relative_to(SOURCE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _import_statements(body: list[ast.stmt], *, in_functions: bool) -> list[ast.Import | ast.ImportFrom]:
    """The import statements executed with ``body`` (and, with ``in_functions``, those in its functions too)."""
    found: list[ast.Import | ast.ImportFrom] = []
    for node in body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if in_functions:
                found += _import_statements(node.body, in_functions=True)
        elif isinstance(node, ast.If) and _is_type_checking(node.test):
            found += _import_statements(node.orelse, in_functions=in_functions)
        else:
            for field in ("body", "orelse", "finalbody", "handlers"):
                for child in getattr(node, field, []) or []:
                    inner = child.body if isinstance(child, ast.ExceptHandler) else [child]
                    found += _import_statements(inner, in_functions=in_functions)
    return found


def imported_modules(name: str, path: Path, known: set[str], *, in_functions: bool = False) -> set[str]:
    """The package's modules that module ``name`` (file ``path``) imports, by the rules above."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()
    for statement in _import_statements(ast.parse(path.read_text(encoding="utf-8")).body, in_functions=in_functions):
        if isinstance(statement, ast.Import):
            targets.update(alias.name for alias in statement.names)
            continue
        base = statement.module or ""
        if statement.level:
            anchor = package.split(".")[:len(package.split(".")) - statement.level + 1]
            base = ".".join(anchor + ([base] if base else []))
        for alias in statement.names:
            submodule = f"{base}.{alias.name}"
            targets.add(submodule if submodule in known else base)
    return {target for target in targets if target in known}


def import_graph(*, in_functions: bool = False) -> dict[str, set[str]]:
    """Module -> the package's modules it imports."""
    files = module_files()
    return {name: imported_modules(name, path, set(files), in_functions=in_functions) for name, path in files.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module, and modules importing themselves (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10 * len(graph)))

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1 or node in graph[node]:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_cycle_finder_finds_a_cycle_and_accepts_a_chain():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []
    assert cycles({"a": {"a"}}) == [["a"]]


def test_the_graph_reads_relative_imports_and_skips_functions_and_type_checking(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("from ._a import A\n")
    (package / "_a.py").write_text(
        "from typing import TYPE_CHECKING\nfrom . import _b\nif TYPE_CHECKING:\n    from pkg import _c\n"
        "try:\n    import pkg._d\nexcept ImportError:\n    pass\ndef f():\n    from pkg import _e\n")
    known = {"pkg", "pkg._a", "pkg._b", "pkg._c", "pkg._d", "pkg._e"}
    assert imported_modules("pkg", package / "__init__.py", known) == {"pkg._a"}
    assert imported_modules("pkg", package / "__init__.py", known | {"pkg._a.A"}) == {"pkg._a.A"}
    assert imported_modules("pkg._a", package / "_a.py", known) == {"pkg._b", "pkg._d"}
    assert imported_modules("pkg._a", package / "_a.py", known, in_functions=True) == {"pkg._b", "pkg._d", "pkg._e"}


def test_no_import_cycle_among_the_packages_modules():
    graph = import_graph()
    assert len(graph) > 100 and sum(map(len, graph.values())) > 200 and "oraclelab.runs._sweep" in graph
    assert cycles(graph) == []


def test_no_module_of_runs_imports_cli_elicit_or_symbolic_even_inside_functions():
    graph = import_graph(in_functions=True)
    reached = {name: sorted(t for t in targets if t.startswith(SYSTEMS))
               for name, targets in graph.items() if name == "oraclelab.runs" or name.startswith("oraclelab.runs.")}
    assert reached and all(not targets for targets in reached.values()), reached


def test_importing_runs_loads_neither_cli_nor_symbolic_nor_elicit():
    code = ("import sys, oraclelab.runs; "
            f"print(sorted(m for m in sys.modules if m.startswith({SYSTEMS!r})))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
    loaded = ("import sys, oraclelab.cli; "
              f"print(sorted({{m.split('.')[1] for m in sys.modules if m.startswith({SYSTEMS!r})}}))")
    done = subprocess.run([sys.executable, "-c", loaded], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['cli', 'elicit', 'symbolic']"  # the same probe sees them when they load
