"""The root ``oraclelab`` app: its groups, and ``main``, which turns user errors into one line.

Commands stay thin: they parse options, call the library and hand results to
``oraclelab.runs``. Every user mistake ends as one line on stderr and exit code 2.
"""

from __future__ import annotations

import sys
from typing import Any, Mapping, Sequence

import typer

from oraclelab.cli import ask, critics, discovery, fair, fair_simulate, serve
from oraclelab.cli.elicit import app as elicit_app
from oraclelab.cli.sweep import app as sweep_app
from oraclelab.errors import OracleLabError, RunExistsError

app = typer.Typer(
    name="oraclelab",
    help="Learning from a judge: metric elicitation and symbolic critics.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
symbolic_app = typer.Typer(help="Symbolic critics and discovery: libraries, critics, problems, symbolic regression.",
                           no_args_is_help=True)
critics.register(symbolic_app)
discovery.register(symbolic_app)
fair.register(elicit_app)
fair_simulate.register(elicit_app)
ask.register(elicit_app)
serve.register(elicit_app)
app.add_typer(elicit_app, name="elicit")
app.add_typer(symbolic_app, name="symbolic")
app.add_typer(sweep_app, name="sweep")

USER_ERROR = 2

def _one_line(message: str) -> str:
    return " ".join(str(message).split())


def variadic_options(command: Any, name: str = "") -> dict[str, tuple[str, ...]]:
    """Command name -> its options that take several values (``multiple``), read off the (click) command tree."""
    if hasattr(command, "commands"):
        return {key: value for sub_name, sub in command.commands.items()
                for key, value in variadic_options(sub, sub_name).items()}
    flags = tuple(flag for param in command.params if getattr(param, "multiple", False)
                  for flag in param.opts)
    return {name: flags} if flags else {}


def expand_variadic(args: Sequence[str], variadic_by_command: Mapping[str, tuple[str, ...]]) -> list[str]:
    """Rewrite ``--opt a b c`` as ``--opt a --opt b --opt c`` for the variadic options of the command named in ``args``.

    Click options take one value per flag; the documented commands use the shorter form.
    """
    expanded: list[str] = []
    variadic: tuple[str, ...] = ()
    current: str | None = None
    for token in args:
        variadic = variadic_by_command.get(token, variadic) if current is None else variadic
        if token in variadic:
            current = token
            continue
        if current is not None and not token.startswith("-"):
            expanded += [current, token]
            continue
        current = None
        expanded.append(token)
    return expanded


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI on ``argv`` and return the exit code (0 ok, 2 user error)."""
    command = typer.main.get_command(app)
    args = expand_variadic(sys.argv[1:] if argv is None else argv, variadic_options(command))
    try:
        result = command.main(args=args, prog_name="oraclelab", standalone_mode=False)
    except OracleLabError as error:
        hint = " Pass --resume to continue it." if isinstance(error, RunExistsError) else ""
        print(f"oraclelab: error: {_one_line(str(error))}{hint}", file=sys.stderr)
        return USER_ERROR
    except typer.TyperException as error:
        code = getattr(error, "exit_code", 1)
        print(f"oraclelab: error: {_one_line(error.format_message())}", file=sys.stderr)
        return USER_ERROR if code == USER_ERROR else code
    except typer.Exit as stop:
        return stop.exit_code
    except (typer.Abort, KeyboardInterrupt):
        print("oraclelab: interrupted; finished work is saved (rerun with --resume where offered).", file=sys.stderr)
        return 130
    return result if isinstance(result, int) else 0


def entry() -> None:
    """Console-script entry point."""
    sys.exit(main())


if __name__ == "__main__":
    entry()
