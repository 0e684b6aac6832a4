"""Shared fixtures. Qt runs offscreen (no display on CI); every test gets its own data folder."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import atexit
import datetime as dt
import shutil
import tempfile
from pathlib import Path

import pytest

from qa_desktop.store.database import Store
from tests.postgres_server import PostgresNotAvailable, create_database, running_postgres


def pytest_configure(config: pytest.Config) -> None:
    """The user's folders for settings, data and caches: one of the run's own, before any test (a
    window made without settings of its own used ``QSettings()``, the real
    ``~/.config/QA Desktop/qa-desktop.conf``: the suite overwrote a developer's window layout, and
    CI's two runs side by side shared the file, whose lock looks a year old to the run under
    faketime: review8). Commands run in a subprocess inherit them."""
    folders = tempfile.mkdtemp(prefix="qa-desktop-tests-")
    atexit.register(shutil.rmtree, folders, ignore_errors=True)
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        os.environ[name] = os.path.join(folders, name.lower())


OFSTED_HEADER = ("URN,Provision type,Registration status,Sector,Name,Address 1,Address 2,Town,County,Postcode,"
                 "Local authority,Places,Organisation which owns the provider,Latest full inspection date,"
                 "Overall experiences and progress of children and young people")

TODAY = dt.date(2026, 11, 22)
#: When every test's clock starts (``qa_desktop.clock``): the day the test data was written for.
CLOCK_START = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch: pytest.MonkeyPatch):
    """The one place the tests set "now": every clock a test opens (and every command it runs in a
    subprocess, which inherits the environment) starts at ``CLOCK_START`` and runs on from there.
    Nothing in the suite depends on the calendar of the machine that runs it."""
    from qa_desktop.clock import ENVIRONMENT_VARIABLE

    monkeypatch.setenv(ENVIRONMENT_VARIABLE, CLOCK_START.isoformat())
    return CLOCK_START


@pytest.fixture(autouse=True)
def log_folder(tmp_path_factory, monkeypatch: pytest.MonkeyPatch):
    """Every test logs into a folder of its own (never the machine's log folder); a command run in a
    subprocess inherits it."""
    from qa_desktop import logs

    folder = tmp_path_factory.mktemp("logs")
    monkeypatch.setenv(logs.ENVIRONMENT_VARIABLE, str(folder))
    yield folder
    logs.stop_logging()


@pytest.fixture(autouse=True)
def memory_keyring():
    """An in-memory keyring for every test: none reads or writes the machine's real keyring."""
    import keyring
    from keyring.backend import KeyringBackend
    from keyring.errors import PasswordDeleteError

    class Backend(KeyringBackend):
        priority = 1

        def __init__(self) -> None:
            super().__init__()
            self.secrets: dict[tuple[str, str], str] = {}

        def get_password(self, service, username):
            return self.secrets.get((service, username))

        def set_password(self, service, username, password):
            self.secrets[(service, username)] = password

        def delete_password(self, service, username):
            if self.secrets.pop((service, username), None) is None:
                raise PasswordDeleteError(username)

        def passwords(self) -> dict[tuple[str, str], str]:
            """The secrets other than data folders' encryption keys and team keys (which every open store
            and every new shared store makes)."""
            return {k: v for k, v in self.secrets.items() if not k[1].startswith(("database-key:", "team-key:"))}

    backend = Backend()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opened = Store(tmp_path / "data", actor="officer.test")
    yield opened
    opened.close()


@pytest.fixture
def lead(store: Store) -> Store:
    """The same data opened by the QA lead (who alone may issue a formal embargo)."""
    from qa_desktop.domain.roles import Role

    opened = Store(store.data_dir, actor="lead.test", key=store.key, role=Role.QA_LEAD)
    yield opened
    opened.close()


@pytest.fixture
def write_csv(tmp_path: Path):
    """Write CSV text to a file in the given encoding; returns its path."""

    def write(text: str, name: str = "providers.csv", encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return write


# -- a real PostgreSQL server --------------------------------------------------------------------------

@pytest.fixture(scope="session")
def postgres_server():
    """Debian's PostgreSQL on a temporary directory and a loopback port, for the whole test run."""
    try:
        with running_postgres() as server:
            yield server
    except PostgresNotAvailable as error:
        pytest.fail(str(error))


@pytest.fixture
def postgres_url(postgres_server, request):
    """A fresh database for one test, owned by ``qa_officer``; its URL has no password in it."""
    import re

    return create_database(postgres_server, "qa_" + re.sub(r"[^a-z0-9]", "_", request.node.name.lower())[:50])
