"""The PostgreSQL store against a real server (Debian's postgresql, started by the tests)."""

from __future__ import annotations

import logging
import threading

import pytest
from PIL import Image

from qa_desktop.forms.checklist import MET, NOT_MET
from qa_desktop.services.visits import open_visit
from qa_desktop.sync.conflicts import list_conflicts, resolve
from qa_desktop.sync.engine import sync
from qa_desktop.sync.postgres import PostgresStore, parse_url
from qa_desktop.sync.stores import StoreUnavailable
from tests.sync.conftest import awkward_answers, first_items, make_visit, ops_of, snapshot


@pytest.fixture
def server_store(postgres_url, postgres_server):
    opened = []

    def open_() -> PostgresStore:
        opened.append(PostgresStore(postgres_url, postgres_server["password"]))
        return opened[-1]

    yield open_
    for store in opened:
        store.close()


def test_two_laptops_sync_through_postgresql_with_a_conflict_and_a_photo(laptops, server_store, library, tmp_path):
    alex, jo = laptops("alex", "jo")
    visit_id = make_visit(alex, library)
    shared_alex, shared_jo = server_store(), server_store()
    assert shared_alex.key == shared_jo.key  # the server's id, not its address
    sync(alex, shared_alex), sync(jo, shared_jo)
    (template, item), = first_items(alex, visit_id, 1)
    Image.new("RGB", (30, 20), "orange").save(tmp_path / "p.jpg")
    blob = open_visit(alex, visit_id).attach_photo(template, item, tmp_path / "p.jpg", "Stairs")
    open_visit(alex, visit_id).set_answer(template, item, MET)
    open_visit(jo, visit_id).set_answer(template, item, NOT_MET)
    sync(alex, shared_alex), sync(jo, shared_jo), sync(alex, shared_alex)
    assert snapshot(alex) == snapshot(jo)
    assert jo.blobs.is_intact(blob)
    (conflict,) = list_conflicts(jo)
    resolve(jo, conflict.short_id, MET)
    sync(jo, shared_jo), sync(alex, shared_alex)
    assert list_conflicts(alex) == [] and snapshot(alex) == snapshot(jo)
    assert [sync(alex, shared_alex).pulled, sync(jo, shared_jo).pulled] == [0, 0]


def test_pushing_the_same_ops_twice_and_concurrently_stores_each_once(laptops, server_store, library):
    alex, = laptops("alex")
    make_visit(alex, library)
    store = server_store()
    from sqlalchemy import func, select

    from qa_desktop.store.models import Op
    from qa_desktop.store.oplog import op_record
    with alex.read() as session:
        ops = [op_record(r) for r in session.execute(select(Op.__table__))]
    errors = []

    def push() -> None:
        try:
            server_store().push(alex.device_id, ops)
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    threads = [threading.Thread(target=push) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    from qa_desktop.sync.postgres import sealed_ops
    with store.engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(sealed_ops)) == len(ops)


def test_a_wrong_password_or_a_server_that_is_down_is_said_plainly(postgres_url):
    with pytest.raises(StoreUnavailable, match="refused the password"):
        PostgresStore(postgres_url, "wrong")
    with pytest.raises(StoreUnavailable, match="cannot be reached"):
        PostgresStore("postgresql://qa@127.0.0.1:1/qa", "x", connect_timeout=2)


def test_addresses_with_a_password_are_refused():
    with pytest.raises(ValueError, match="keyring"):
        parse_url("postgresql://qa:secret@db.example/qa")
    with pytest.raises(ValueError, match="Only PostgreSQL"):
        parse_url("mysql://qa@db.example/qa")
    assert parse_url("postgresql://qa@db.example/qa").drivername == "postgresql+psycopg"


def test_a_laptop_two_days_fast_is_held_through_postgresql_too_and_converges_once_accepted(
        server_store, library, tmp_path):
    """The clock bound holds for the server store as for the folder: the fast laptop's changes are
    held (not applied, the correct laptop's clock not moved) until an officer accepts them."""
    import datetime as dt

    from qa_desktop.clock import Clock
    from qa_desktop.store.database import Store
    from qa_desktop.sync.engine import status
    from qa_desktop.workspace import Workspace
    from tests.conftest import CLOCK_START

    alex = Store(tmp_path / "alex", actor="alex")
    jo = Store(tmp_path / "jo", actor="jo", clock=Clock.starting_at(CLOCK_START + dt.timedelta(days=2)))
    try:
        visit_id = make_visit(alex, library)
        sync(alex, server_store()), sync(jo, server_store())
        (template, item), = first_items(jo, visit_id, 1)
        open_visit(jo, visit_id).set_answer(template, item, NOT_MET)
        sync(jo, server_store())
        report = sync(alex, server_store())
        assert report.pulled == 0 and any("held" in p for p in report.problems)
        assert status(alex).held and open_visit(alex, visit_id).checklists[template].answer(item) is None
        Workspace(alex).sync.accept_held()
        for laptop in (alex, jo, alex):
            sync(laptop, server_store())
        assert snapshot(alex) == snapshot(jo)
        assert alex.hlc.last.wall_ms < int((CLOCK_START + dt.timedelta(days=1)).timestamp() * 1000)
    finally:
        alex.close()
        jo.close()


def test_changes_pulled_through_postgresql_are_stored_as_their_laptop_stored_them(laptops, server_store, library):
    """A pull reads the server's sealed rows in its binary form, straight from the driver (issue 22):
    the receiving laptop's log holds the same text as the laptop that made the changes (values with
    quotes, accents and a line separator, bases, links, hashes), and the same rows."""
    alex, jo = laptops("alex", "jo")
    awkward_answers(alex, library)
    sync(alex, server_store()), sync(jo, server_store())
    made = ops_of(alex, alex.device_id)
    assert len(made) > 30 and ops_of(jo, alex.device_id) == made
    assert snapshot(jo) == snapshot(alex)



def test_a_pulls_read_failing_on_the_server_is_said_as_sqlalchemy_says_it(postgres_url, postgres_server, caplog):
    """The pull's read goes straight to the driver (issue 22); its errors still come as SQLAlchemy's, so a
    server gone away mid-pull is an ``OperationalError`` (said as "cannot be reached") as before, and its
    dead connection is thrown away quietly (kept, the pool's rollback on it logged an ERROR traceback)."""
    from sqlalchemy import create_engine, exc, text

    from qa_desktop.sync import postgres

    engine = create_engine(parse_url(postgres_url).set(password=postgres_server["password"]))
    try:
        with engine.connect() as connection, pytest.raises(exc.ProgrammingError, match="qa_sync_sealed_ops"):
            postgres._sealed_after(connection, 0)  # no such table in an empty database
        with engine.connect() as reading, engine.connect() as other:
            pid = reading.scalar(text("SELECT pg_backend_pid()"))
            reading.rollback()
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            with caplog.at_level(logging.ERROR), pytest.raises(exc.OperationalError) as raised:
                postgres._sealed_after(reading, 0)  # its server process is gone
            assert raised.value.connection_invalidated and reading.invalidated
        assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    finally:
        engine.dispose()
