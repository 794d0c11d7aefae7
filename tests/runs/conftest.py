"""Real services for the runs tests: a throwaway PostgreSQL server and a 2-worker Dask cluster."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import textwrap
import uuid
from pathlib import Path

import pytest


def _postgres_bin() -> Path | None:
    """The folder holding initdb and pg_ctl: on PATH, else Debian's /usr/lib/postgresql/NN/bin."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    return Path(candidates[-1]).parent if candidates else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL cluster in a temp folder on a free localhost port; yields its base URL.

    Postgres refuses to run as root, so as root the cluster belongs to (and runs as) the
    ``postgres`` system user. Skipped only when no postgres binaries exist
    (scripts/ensure_postgres.sh installs them).
    """
    pytest.importorskip("psycopg2", reason="psycopg2 not installed (pip install 'oraclelab[sweep]')")
    bin_dir = _postgres_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) not found; run scripts/ensure_postgres.sh")
    run_as: list[str] = []
    base = Path(tempfile.mkdtemp(prefix="oraclelab-pg-"))
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and no 'postgres' user to run the server as")
        os.chown(base, owner.pw_uid, owner.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]
    data, port = base / "data", _free_port()

    def call(*command: str) -> None:
        subprocess.run([*run_as, *command], check=True, capture_output=True, text=True, cwd=base)

    try:
        call(str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")
        options = f"-h 127.0.0.1 -p {port} -k {base} -c fsync=off -c max_connections=50"
        call(str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(base / "log"), "-w", "start")
    except subprocess.CalledProcessError as error:
        shutil.rmtree(base, ignore_errors=True)
        raise RuntimeError(f"could not start PostgreSQL: {error.stderr or error.stdout}") from error
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run([*run_as, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], capture_output=True, cwd=base)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server) -> str:
    """A fresh, empty database on the session's server."""
    import psycopg2

    name = f"sweep_{uuid.uuid4().hex[:12]}"
    connection = psycopg2.connect(f"{postgres_server}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {name}")
    connection.close()
    return f"{postgres_server}/{name}"


@pytest.fixture(scope="session")
def dask_scheduler():
    """The address of a local Dask cluster: 2 worker processes with 1 thread each."""
    distributed = pytest.importorskip("dask.distributed", reason="dask[distributed] not installed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        yield cluster.scheduler_address


@pytest.fixture
def write_sweep(tmp_path):
    """Write a sweep.yaml over a tiny `elicit study` (about a second per trial); returns its path."""

    def write(name: str = "sweep.yaml", *, n_trials: int = 4, sampler: str = "random", study: str = "tiny",
              options: str = "{trials: 5, formed: well}", extra: str = "") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(f"""\
            study: {study}
            command: [elicit, study, --classes, "2"]
            options: {options}
            space:
              tol: {{type: float, low: 0.001, high: 0.1, log: true}}
              mode: {{type: categorical, choices: [classic, efficient]}}
            objective: {{key: rows.0.B_err_median, direction: minimize}}
            n_trials: {n_trials}
            sampler: {sampler}
            seed: 3
            """) + extra)
        return path

    return write
