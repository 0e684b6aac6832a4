"""Migrations: a laptop left at the first revision, with data in it, comes up to head intact."""

import datetime as dt

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import DatabaseError

from qa_desktop.paths import DATABASE_NAME
from qa_desktop.store.database import Store, make_engine, migrate, schema_head
from qa_desktop.store.models import Base, Provider, Setting


def test_database_at_first_revision_with_rows_migrates_to_head(tmp_path):
    engine = make_engine(tmp_path / DATABASE_NAME)
    migrate(engine, "0001")
    assert "visits" not in inspect(engine).get_table_names()
    stamp = dt.datetime(2025, 1, 2, 3, 4, 5)
    with engine.begin() as connection:
        common = {"created_at": stamp, "updated_at": stamp, "changed_by": "old", "device_id": "dev-1", "deleted": False}
        connection.execute(text(
            "INSERT INTO providers (id, name, service_type, urn, judgement, judgement_date, created_at, updated_at,"
            " changed_by, device_id, deleted) VALUES ('p1', 'Maple Lodge', 'residential', 'SC700101', 'good',"
            " '2024-05-14', :created_at, :updated_at, :changed_by, :device_id, :deleted)"), common)
        connection.execute(text(
            "INSERT INTO settings (id, provider_id, name, town, postcode, created_at, updated_at, changed_by,"
            " device_id, deleted) VALUES ('s1', 'p1', 'Maple Lodge', 'Rochester', 'ME1 2DQ', :created_at,"
            " :updated_at, :changed_by, :device_id, :deleted)"), common)
        connection.execute(text(
            "INSERT INTO ops (op_id, entity, entity_id, field, value, hlc, device_id, actor) VALUES"
            " ('o1', 'providers', 'p1', 'name', '\"Maple Lodge\"', '0001735787045000:00000', 'dev-1', 'old')"))
    engine.dispose()

    store = Store(tmp_path, actor="new")  # opening the store migrates to head
    with store.read() as session:
        provider = session.get(Provider, "p1")
        assert provider.name == "Maple Lodge" and provider.urn == "SC700101"
        assert provider.judgement_date == dt.date(2024, 5, 14)
        assert provider.created_at == stamp.replace(tzinfo=dt.UTC)
        assert session.scalars(select(Setting.town)).all() == ["Rochester"]
        assert session.execute(text("SELECT version_num FROM alembic_version")).scalar() == schema_head()
    assert {"visits", "compliance_reviews", "placements"} <= set(inspect(store.engine).get_table_names())
    with store.read() as session:  # opening recorded the fields no op held (``store.repair``), after the old op
        repaired = session.execute(text("SELECT field, hlc FROM ops WHERE op_id != 'o1' AND entity_id = 'p1'")).all()
    assert {"urn", "judgement", "judgement_date", "deleted"} <= {field for field, _ in repaired}
    assert all(hlc > "0001735787045000:00000" for _, hlc in repaired)  # the clock resumed after the old ops
    with pytest.raises(DatabaseError, match="audit trail"), store.transaction() as session:
        session.execute(text("DELETE FROM ops"))  # the audit guard survives the later migrations


def _head() -> str:
    """The newest revision (each new migration moves it, so the test need not be edited for one)."""
    from alembic.script import ScriptDirectory

    from qa_desktop.store.database import alembic_config

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_models_and_migrations_describe_the_same_schema(store):
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_opening_twice_migrates_once(tmp_path):
    Store(tmp_path).close()
    store = Store(tmp_path)
    with store.read() as session:
        assert session.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1


def test_the_audit_chain_migration_keeps_old_ops_and_guards_the_chain(tmp_path):
    """From revision 0009 with an op in it: the op keeps its value and has no place in a chain (it is
    from before); new ops are chained; the guard refuses changing a link, and still lets retention
    remove a value."""
    engine = make_engine(tmp_path / DATABASE_NAME)
    migrate(engine, "0009")
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO ops (op_id, entity, entity_id, field, value, hlc, device_id, actor, base, wall) VALUES"
            " ('o1', 'providers', 'p1', 'name', '\"Maple Lodge\"', '0001735787045000:00000', 'dev-1', 'old', '[]',"
            " 1735787045000)"))
    engine.dispose()
    store = Store(tmp_path, actor="new")
    try:
        with store.read() as session:
            row = session.execute(text("SELECT value, dseq, chain, vhash FROM ops WHERE op_id = 'o1'")).one()
            assert row == ('"Maple Lodge"', None, None, None)
            assert {"record_keys", "shredded_units", "key_waiting_ops"} <= set(inspect(session.connection())
                                                                             .get_table_names())
        from qa_desktop.domain.service_types import ServiceType
        with store.write() as changes:
            changes.create(Provider, name="Oak House", service_type=ServiceType.RESIDENTIAL)
        with store.read() as session:
            chained = session.execute(text("SELECT op_id, dseq FROM ops WHERE dseq IS NOT NULL ORDER BY dseq")).all()
        assert [n for _, n in chained] == list(range(1, len(chained) + 1))
        with pytest.raises(DatabaseError, match="audit trail"), store.transaction() as session:
            session.execute(text("UPDATE ops SET chain = :c WHERE op_id = :id"), {"c": "0" * 64, "id": chained[0][0]})
        with store.transaction() as session:  # retention's redaction still passes
            session.execute(text("UPDATE ops SET value = NULL, redacted = 1 WHERE op_id = :id"), {"id": chained[0][0]})
    finally:
        store.close()
