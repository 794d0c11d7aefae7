"""A real ``oraclelab elicit serve`` in a subprocess on a free port, and a small JSON client, for the web tests.

Shared by the API, browser and command tests: each starts the command exactly as a person
would, reads the links it prints, and talks HTTP to it on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: The last line ``serve`` prints before it serves.
READY = "API documentation:"


def free_port() -> int:
    """A port that nothing listens on now (the kernel's choice)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def call(method: str, url: str, body: Any = None, *, raw: bytes | None = None, timeout: float = 60) -> tuple[int, Any]:
    """(status, decoded JSON body) of one HTTP request; ``raw`` sends bytes as they are (JSON content type)."""
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, text = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read().decode()
    return status, json.loads(text)


def fetch(url: str, timeout: float = 30) -> tuple[int, dict[str, str], str]:
    """(status, headers, text) of a GET."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def logged_events(store: Path, name: str) -> list[tuple[str, dict]]:
    """(kind, payload) of every event of participant ``name``, read straight from the SQLite file."""
    with sqlite3.connect(f"file:{store}?mode=ro", uri=True) as db:
        rows = db.execute("SELECT e.kind, e.payload FROM events e JOIN participants p ON p.id = e.participant "
                          "WHERE p.name = ? ORDER BY e.id", (name,)).fetchall()
    return [(kind, json.loads(payload)) for kind, payload in rows]


def stored_study(store: Path) -> dict:
    """The study's record as its store keeps it (settings, classes, a fair study's groups), read straight from the SQLite file."""
    with sqlite3.connect(f"file:{store}?mode=ro", uri=True) as db:
        (value,) = db.execute("SELECT value FROM meta WHERE key = 'study'").fetchone()
    return json.loads(value)


@dataclass
class Server:
    """A running ``elicit serve``: its process, port, the links it printed and everything it wrote."""

    process: subprocess.Popen
    port: int
    out: Path
    links: dict[str, str] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def organiser(self) -> str:
        return self.links["Organiser"]

    @property
    def organiser_api(self) -> str:
        return f"{self.base}/api/organiser/{self.organiser.rsplit('/', 1)[1]}"

    def token(self, name: str) -> str:
        return self.links[name].rsplit("/", 1)[1]

    def session_api(self, name: str) -> str:
        return f"{self.base}/api/sessions/{self.token(name)}"

    def kill(self) -> None:
        """SIGKILL, as a crash or a power cut would stop it."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self, sig: int = signal.SIGINT, timeout: float = 30) -> int:
        """Stop it with ``sig`` (Ctrl-C by default); returns the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        return self.process.returncode


def _reader(process: subprocess.Popen, lines: queue.Queue) -> None:
    for line in process.stdout:
        lines.put(line.rstrip("\n"))
    lines.put(None)


def start_server(out: Path, *args: str, port: int | None = None, timeout: float = 90) -> Server:
    """Run ``oraclelab elicit serve --out OUT --port PORT ARGS`` until it prints its links; AssertionError with its output if it exits."""
    port = free_port() if port is None else port
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "ORACLELAB_PROGRESS": "0"}
    process = subprocess.Popen([sys.executable, "-m", "oraclelab", "elicit", "serve", "--out", str(out), "--port", str(port), *args],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    server = Server(process, port, Path(out))
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=_reader, args=(process, lines), daemon=True).start()
    deadline = time.monotonic() + timeout
    while True:
        try:
            line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            server.kill()
            raise AssertionError(f"elicit serve printed no links in {timeout} s: {server.lines}") from None
        if line is None:
            process.wait(timeout=30)
            raise AssertionError(f"elicit serve exited with {process.returncode}: {server.lines}")
        server.lines.append(line)
        if line.startswith(READY):
            break
        name, _, link = line.rpartition(": ")
        if link.startswith("http://"):
            server.links[name] = link
    threading.Thread(target=lambda: [server.lines.append(x) for x in iter(lines.get, None)], daemon=True).start()
    return server
