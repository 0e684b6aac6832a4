"""The PostgreSQL store against a real server (Debian's postgresql, started by the tests)."""

from __future__ import annotations

import threading

import pytest
from PIL import Image

from qa_desktop.forms.checklist import MET, NOT_MET
from qa_desktop.services.visits import open_visit
from qa_desktop.sync.conflicts import list_conflicts, resolve
from qa_desktop.sync.engine import sync
from qa_desktop.sync.postgres import PostgresStore, parse_url
from qa_desktop.sync.stores import StoreUnavailable
from tests.sync.conftest import first_items, make_visit, snapshot


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
    from qa_desktop.sync.postgres import sync_ops
    with store.engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(sync_ops)) == len(ops)


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
