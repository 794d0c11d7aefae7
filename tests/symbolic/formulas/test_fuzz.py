"""Safety fuzz: >= 10,000 random and mutated template strings reach only FormulaError or a
tree, and nothing in them is executed."""

from __future__ import annotations

import builtins
import gc
import random
import string
import sys
import threading
import unicodedata  # noqa: F401  (the tokenizer imports it for non-ASCII names)
from pathlib import Path

import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oraclelab.errors import FormulaError
from oraclelab.symbolic import FunctionLibrary, list_builtin_libraries, parse_template
from oraclelab.symbolic.formulas import CompiledTemplate, to_sympy

SYMREP_FUNS = Path(__file__).resolve().parents[3] / "shared" / "reference" / "symrep" / "funs"

TOKENS = [
    "x0", "x1", "x9", "N", "N0", "N1", "U", "U0", "pi", "X07[:,0]", "X07[:,1]", "X07", "[:,", "]", "np.",
    "sin", "cos", "exp", "log", "abs", "sqrt", "tanh", "np.sin", "np.exp", "(", ")", "+", "-", "*", "/", "**",
    "//", "%", "@", ",", ";", ":", ".", "0", "1", "2.5", "1e308", "1e-320", "0x1f", "1_000", "3j", "'s'",
    "lambda", "for", "in", "if", "else", "not", "and", "or", "is", "==", "<", "=", ":=", "{", "}", "[", "]",
    "__import__", "__class__", "__builtins__", "__subclasses__", "os", "system", "eval", "exec", "open",
    "getattr", "globals", "yield", "await", "*", "**", "...", "None", "True", "#", "\\", "\t", " ", "é", "\x00",
]


def _payloads(sentinel: Path) -> list[str]:
    touch = f"__import__('pathlib').Path({str(sentinel)!r}).touch()"
    return [
        touch,
        f"x0 + {touch}",
        f"np.sin({touch})",
        f"eval({touch!r})",
        f"exec({touch!r})",
        f"open({str(sentinel)!r}, 'w')",
        "().__class__.__bases__[0].__subclasses__()",
        "x0.__class__.__mro__",
        "np.__dict__['sin'](x0)",
        "np.os.system('true')",
        "getattr(np, 'sin')(x0)",
        "(lambda: 0)()",
        "[x0 for x0 in (1, 2)]",
        "{x0: 1}",
        "f'{x0}'",
        "(y := 1)",
        "x0 if N0 else U0",
        "sin(*[x0])",
        "sin(**{'x': x0})",
        "X07[:, 0:1]",
        "X07[..., 0]",
        "np[:, 0]",
        "__builtins__['eval']('1')",
    ]


def _seed_lines() -> list[str]:
    lines = ["N0*0.05*(x0 + 0.5*N1)**2 + 0.15*N2; 2*N0*0.05*(x0 + 0.5*N1)", "5*N0*np.sin(3*U0*X07[:,0]);0;0"]
    for path in sorted(SYMREP_FUNS.glob("*.lib")) if SYMREP_FUNS.is_dir() else []:
        lines += [line for line in path.read_text().splitlines() if line.strip()]
    for name in list_builtin_libraries():
        lines += [t.text for t in FunctionLibrary.builtin(name).templates]
    return lines


def _mutate(text: str, rng: random.Random, extra: list[str]) -> str:
    for _ in range(rng.randint(1, 4)):
        position = rng.randint(0, len(text))
        action = rng.randrange(5)
        if action == 0:
            text = text[:position] + text[position + 1 :]
        elif action == 1:
            text = text[:position] + rng.choice(TOKENS) + text[position:]
        elif action == 2:
            text = text[:position] + rng.choice(string.printable) + text[position + 1 :]
        elif action == 3:
            text = text[:position] + rng.choice(extra) + text[position:]
        else:
            cut = rng.randint(0, len(text))
            text = text[:cut] + text[position:]
    return text


def _cases(rng: random.Random, sentinel: Path) -> list[str]:
    payloads = _payloads(sentinel)
    seeds = _seed_lines()
    cases = list(payloads)
    cases += [_mutate(rng.choice(seeds), rng, payloads) for _ in range(6000)]
    cases += ["".join(rng.choice(TOKENS) for _ in range(rng.randint(1, 25))) for _ in range(3000)]
    alphabet = string.printable + "éπ∑\u200b\x00\x7f"
    cases += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60))) for _ in range(1500)]
    cases += [rng.choice(seeds) * rng.randint(50, 400) for _ in range(20)]
    return cases


class _Forbidden(BaseException):
    """Raised by the patched eval, exec, __import__ and open; a BaseException so that no
    ``except Exception`` can hide it."""


def _check(text: str, successes: list) -> None:
    try:
        template = parse_template(text, n_inputs=3)
    except FormulaError as exc:
        message = str(exc)
        assert message.startswith("<string>:1:") and "\n" not in message, message
        return
    successes.append(template)


def test_fuzz_random_and_mutated_templates(tmp_path):
    sentinel = tmp_path / "sentinel"
    cases = _cases(random.Random(20261123), sentinel)
    assert len(cases) >= 10_000
    # everything the parser legitimately loads is imported before the builtins are patched
    CompiledTemplate.build(parse_template("x0"), 1)
    to_sympy(parse_template("x0").value)

    successes: list = []
    calls: list[str] = []
    originals = {name: getattr(builtins, name) for name in ("eval", "exec", "__import__", "open")}
    this_thread = threading.get_ident()

    def guarded(name):
        # only the parser's thread is watched: threads left by other tests (dask, wandb
        # monitors) may open files meanwhile
        def call(*args, **kwargs):
            if threading.get_ident() != this_thread:
                return originals[name](*args, **kwargs)
            calls.append(name)
            raise _Forbidden()
        return call

    real_import = originals["__import__"]
    loaded = set(sys.modules)
    forbidden_import = guarded("__import__")

    def import_loaded_only(name, *args, **kwargs):
        # the tokenizer imports unicodedata for non-ASCII names; nothing new may load
        if name not in loaded:
            return forbidden_import(name, *args, **kwargs)
        return real_import(name, *args, **kwargs)

    # finalizers of objects other tests left behind (clients, connections) run on this thread
    # when the collector does: collect them now and keep the collector off while guarded
    gc.collect()
    gc.disable()
    try:
        for name in originals:
            setattr(builtins, name, guarded(name))
        builtins.__import__ = import_loaded_only
        for text in cases:
            _check(text, successes)
    finally:
        for name, original in originals.items():
            setattr(builtins, name, original)
        gc.enable()
    assert calls == []
    assert not sentinel.exists()
    assert len(successes) > 100  # the mutations leave many valid templates
    x = torch.randn(5, 3, generator=torch.Generator().manual_seed(0))
    for template in successes[:300]:
        values, grads = CompiledTemplate.build(template, 3).sample(2, x, torch.Generator().manual_seed(1))
        assert values.shape == (2, 5) and grads.shape == (2, 5, 3)
    for template in successes[:50]:
        to_sympy(template.value)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TOKENS), max_size=30).map("".join))
def test_hypothesis_token_strings_parse_or_raise_formula_error(text):
    _check(text, [])


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_hypothesis_any_text_parses_or_raises_formula_error(text):
    _check(text, [])
