"""Fixtures for sync: several laptops (stores) and the stores they share."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from qa_desktop.domain.service_types import ServiceType
from qa_desktop.domain.visits import VisitLevel, VisitReason
from qa_desktop.forms.library import TemplateLibrary
from qa_desktop.services.register import add_provider, add_setting
from qa_desktop.services.visits import open_visit, start_visit
from qa_desktop.store.database import Store
from qa_desktop.store.models import SYNCED_MODELS, FieldHeads
from qa_desktop.sync.folder import FolderStore

DAY = dt.date(2026, 11, 22)


@pytest.fixture
def laptops(tmp_path: Path):
    """``laptops("alex", "jo")`` opens one store per officer, each in its own folder."""
    opened: list[Store] = []

    def open_(*actors: str) -> list[Store]:
        for actor in actors:
            opened.append(Store(tmp_path / f"laptop-{actor}", actor=actor))
        return opened[-len(actors):]

    yield open_
    for store in opened:
        store.close()


@pytest.fixture
def folder(tmp_path: Path) -> FolderStore:
    return FolderStore(tmp_path / "shared")


@pytest.fixture(scope="session")
def library() -> TemplateLibrary:
    return TemplateLibrary.load()


def make_visit(store: Store, library: TemplateLibrary, *, announced: bool = False) -> str:
    with store.write() as changes:
        provider = add_provider(changes, name="Harbour View", service_type=ServiceType.RESIDENTIAL, urn="SC700105")
        setting = add_setting(changes, provider, name="Harbour View", postcode="CT9 1AA")
    return start_visit(store, library, setting_id=setting.id, visit_date=DAY, level=VisitLevel.FULL,
                       announced=announced, officers=["Alex Patel", "Jo Morgan"], reason=VisitReason.CONCERN_RAISED)


def first_items(store: Store, visit_id: str, count: int) -> list[tuple[str, str]]:
    """(template, item) keys of the first choice items of a visit."""
    visit = open_visit(store, visit_id)
    keys = []
    for key, checklist in visit.checklists.items():
        for item in checklist.template.items:
            if item.response.value == "met_not_met":
                keys.append((key, item.key))
    return keys[:count]


def snapshot(store: Store) -> dict:
    """Everything synced a laptop shows, without bookkeeping: equal snapshots = same state."""
    state = {}
    with store.read() as session:
        for model in SYNCED_MODELS:
            table = model.__table__
            columns = [c for c in table.columns if c.name not in ("created_at", "updated_at", "changed_by", "device_id")]
            for row in session.execute(select(*columns)):
                state[(table.name, row.id)] = tuple(row)
        state["conflicts"] = sorted((h.entity, h.entity_id, h.field, tuple(sorted(h.heads)), h.conflict)
                                    for h in session.scalars(select(FieldHeads)))
    return state


# -- a real PostgreSQL server --------------------------------------------------------------------------

def _free_port() -> int:
    import socket
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def postgres_server():
    """Debian's PostgreSQL, started on a temporary directory and a loopback port for this test run.

    ``initdb`` refuses to run as root, so as root it runs as the ``postgres`` user. Yields the URL
    of an empty database and the password of its owner (``qa_officer``), which tests hand to the
    store the way the app does: from the keyring, never in the URL."""
    import glob
    import os
    import shutil
    import subprocess
    import tempfile

    from sqlalchemy import create_engine, text

    binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not binaries:
        pytest.fail("PostgreSQL is not installed (apt-get install postgresql); ./test installs it")
    bin_dir = Path(binaries[-1]).parent
    root = Path(tempfile.mkdtemp(prefix="qa-desktop-postgres-"))  # postgres cannot enter pytest's 0700 folders
    data, sockets = root / "data", root / "sockets"
    sockets.mkdir()
    (root / "pw").write_text("superpass\n")
    prefix: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(sockets, "postgres")
        shutil.chown(root / "pw", "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    port = _free_port()

    def run(*command: str) -> None:
        done = subprocess.run([*prefix, *command], capture_output=True, text=True)
        if done.returncode:
            pytest.fail(f"{Path(command[0]).name} failed: {done.stderr or done.stdout}")

    run(str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=scram-sha-256",
        f"--pwfile={root / 'pw'}", "-E", "UTF8", "--no-instructions")
    run(str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-w", "start",
        "-o", f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off")
    try:
        admin = create_engine(f"postgresql+psycopg://postgres:superpass@127.0.0.1:{port}/postgres",
                              isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text("CREATE ROLE qa_officer LOGIN PASSWORD 'officer pass'"))
        admin.dispose()
        yield {"port": port, "admin": f"postgresql+psycopg://postgres:superpass@127.0.0.1:{port}",
               "password": "officer pass"}
    finally:
        subprocess.run([*prefix, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server, request):
    """A fresh database for one test, owned by ``qa_officer``; returns its URL (no password in it)."""
    import re

    from sqlalchemy import create_engine, text

    name = "qa_" + re.sub(r"[^a-z0-9]", "_", request.node.name.lower())[:50]
    admin = create_engine(f"{postgres_server['admin']}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}" OWNER qa_officer'))
    admin.dispose()
    return f"postgresql://qa_officer@127.0.0.1:{postgres_server['port']}/{name}"
