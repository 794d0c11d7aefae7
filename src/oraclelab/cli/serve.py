"""``oraclelab elicit serve``: people answer in the browser, each through their own link, over the study's event log.

The command opens (or creates) the study in ``--out`` as ``elicit ask`` does, adds the
``--participants``, binds the port itself (so a port in use is one line and exit code 2),
prints the organiser's link and every participant's, and runs the web app with uvicorn.
Answers are committed before the server acknowledges them, so a server killed at any moment
and started again with ``--resume`` continues every session at its question; the links stay
the same. On a clean stop (Ctrl-C) it writes ``summary.json`` and each finished
participant's ``metric_<name>.json``.
"""

from __future__ import annotations

import errno
import socket
from pathlib import Path
from typing import Any, Optional

import typer

from oraclelab.cli._options import with_config_options
from oraclelab.cli._study_folder import open_study, save_results, study_lock
from oraclelab.elicit.person import PersonSettings
from oraclelab.errors import ParameterError, RunError

__all__ = ["register", "bind", "base_url"]


#: Exit code of a server stopped by Ctrl-C (128 + SIGINT), as the shell reports an interrupted command.
INTERRUPTED = 130


def _check_port(port: int) -> None:
    if not 1 <= port <= 65535:
        raise ParameterError(f"The --port of elicit serve must be in 1..65535. Got {port}.")


def bind(host: str, port: int) -> socket.socket:
    """A socket listening on (host, port), address reuse on as uvicorn has it; a taken port or unknown host is one clear error."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
    except socket.gaierror as error:
        raise ParameterError(f"The --host {host!r} of elicit serve is not an address here ({error.strerror}).") from None
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(128)
    except OSError as error:
        sock.close()
        if error.errno == errno.EADDRINUSE:
            raise RunError(f"Port {port} on {host} is in use; stop what uses it or choose another --port.") from None
        raise ParameterError(f"elicit serve cannot listen on {host} port {port}: {error.strerror}.") from None
    return sock


def base_url(host: str, port: int) -> str:
    """The address the links start with (an IPv6 host in brackets)."""
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _names(participants: str | None) -> list[str]:
    return list(dict.fromkeys(name.strip() for name in (participants or "").split(",") if name.strip()))


def _web() -> tuple[Any, Any]:
    """The web app's factory and uvicorn, or one line saying which extra to install."""
    try:
        import uvicorn

        from oraclelab.elicit.person import web
    except ImportError as error:
        raise RunError(f"elicit serve needs the 'web' extra ({error.name} is missing): pip install 'oraclelab[web]'.") from None
    return web, uvicorn


def serve(
    context: typer.Context,
    out: Path = typer.Option(..., "--out", help="The study's folder (its event log is study.sqlite there)."),
    participants: Optional[str] = typer.Option(None, "--participants", help="Participants to add (comma separated); "
                                                                            "the organiser page adds more."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (only this machine by default)."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    resume: bool = typer.Option(False, "--resume", help="Continue the study in --out (data options may then be left out)."),
    **options: Any,
) -> None:
    """Ask people in the browser: prints the organiser's link and one private link per participant, then serves until Ctrl-C."""
    _check_port(port)
    web, uvicorn = _web()
    sock = bind(host, port)
    try:
        with study_lock(out), open_study(context, out, resume, options) as study:
            for name in _names(participants):
                study.participant(name)
            token = web.organiser_token(study)
            app = web.create_app(study, token)
            root = base_url(host, port)
            typer.echo(f"Organiser: {root}/o/{token}")
            for participant in study.participants():
                typer.echo(f"{participant.name}: {root}/s/{participant.token}")
            typer.echo(f"API documentation: {root}/docs. Every answer is saved as it is given; Ctrl-C stops.")
            try:
                uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False)).run(sockets=[sock])
            except KeyboardInterrupt:  # uvicorn re-raises the Ctrl-C it shut down on; handled below either way
                pass
            finally:
                save_results(study, out)
                typer.echo(f"Stopped. Study summary in {out / 'summary.json'}; continue with --resume.")
    finally:
        sock.close()
    raise typer.Exit(INTERRUPTED)  # serving ends only on a signal: the shell's code for Ctrl-C, however it arrived


def register(app: typer.Typer) -> None:
    """Add ``serve`` to ``app`` (the ``elicit`` group)."""
    app.command("serve")(with_config_options(serve, PersonSettings))
