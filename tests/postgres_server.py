"""Start a real PostgreSQL server for tests and benchmarks: Debian's ``postgresql`` package, on a
temporary directory and a free loopback port, stopped and removed afterwards.

``initdb`` refuses to run as root, so as root the server runs as the ``postgres`` user (and its
folder is outside pytest's 0700 temporary folders, which that user could not enter).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text

OFFICER_PASSWORD = "officer pass"


class PostgresNotAvailable(RuntimeError):
    pass


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running_postgres() -> Iterator[dict[str, object]]:
    """Yields ``port``, an ``admin`` URL prefix (superuser, with password) and the password of
    ``qa_officer``, a login role that owns the databases tests create."""
    binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not binaries:
        raise PostgresNotAvailable("PostgreSQL is not installed (apt-get install postgresql); ./test installs it")
    bin_dir = Path(binaries[-1]).parent
    root = Path(tempfile.mkdtemp(prefix="qa-desktop-postgres-"))
    data, sockets = root / "data", root / "sockets"
    sockets.mkdir()
    (root / "pw").write_text("superpass\n")
    prefix: list[str] = []
    if os.geteuid() == 0:
        for path in (root, sockets, root / "pw"):
            shutil.chown(path, "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    port = _free_port()

    def run(*command: str) -> None:
        done = subprocess.run([*prefix, *command], capture_output=True, text=True)
        if done.returncode:
            raise PostgresNotAvailable(f"{Path(command[0]).name} failed: {done.stderr or done.stdout}")

    try:
        run(str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=scram-sha-256",
            f"--pwfile={root / 'pw'}", "-E", "UTF8", "--no-instructions")
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-w", "start",
            "-o", f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1")
        admin_prefix = f"postgresql+psycopg://postgres:superpass@127.0.0.1:{port}"
        admin = create_engine(f"{admin_prefix}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f"CREATE ROLE qa_officer LOGIN PASSWORD '{OFFICER_PASSWORD}'"))
        admin.dispose()
        yield {"port": port, "admin": admin_prefix, "password": OFFICER_PASSWORD}
    finally:
        subprocess.run([*prefix, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def create_database(server: dict[str, object], name: str) -> str:
    """A fresh database owned by ``qa_officer``; returns its URL without a password."""
    admin = create_engine(f"{server['admin']}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}" OWNER qa_officer'))
    admin.dispose()
    return f"postgresql://qa_officer@127.0.0.1:{server['port']}/{name}"
