"""Migration 0012 (the tracker's tables): a laptop at 0011 with data in it comes up with its data
intact and the new tables empty and usable; and it goes back down cleanly."""

import datetime as dt

from sqlalchemy import inspect, select, text

from qa_desktop.domain.partnership import MeetingKind
from qa_desktop.paths import DATABASE_NAME
from qa_desktop.store.database import Store, make_engine, migrate
from qa_desktop.store.models import Meeting, Provider

TABLES = {"meetings", "meeting_topics", "meeting_actions", "funding_requests", "unregulated_notifications",
          "notification_updates", "registration_applications", "planning_applications", "address_intelligence",
          "young_inspectors", "young_inspector_visits", "young_inspector_incentives"}


def test_a_laptop_at_0011_with_data_gains_the_tracker_tables(tmp_path):
    engine = make_engine(tmp_path / DATABASE_NAME)
    migrate(engine, "0011")
    assert not TABLES & set(inspect(engine).get_table_names())
    stamp = dt.datetime(2026, 1, 2, 3, 4, 5)
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO providers (id, name, service_type, created_at, updated_at, changed_by, device_id, deleted)"
            " VALUES ('p1', 'Maple Lodge', 'residential', :s, :s, 'old', 'dev-1', 0)"), {"s": stamp})
        connection.execute(text(
            "INSERT INTO regulatory_alerts (id, provider_id, regulator, kind, received_on, summary, created_at,"
            " updated_at, changed_by, device_id, deleted) VALUES ('a1', 'p1', 'ofsted', 'restriction', '2026-01-02',"
            " 'Restriction on accommodation', :s, :s, 'old', 'dev-1', 0)"), {"s": stamp})
    engine.dispose()

    store = Store(tmp_path, actor="new")
    try:
        assert set(inspect(store.engine).get_table_names()) >= TABLES
        with store.write() as changes:
            changes.create(Meeting, held_on=dt.date(2026, 1, 5), kind=MeetingKind.LADO, attendees=["Alex Patel"])
        with store.read() as session:
            assert session.get(Provider, "p1").name == "Maple Lodge"
            assert session.scalars(select(Meeting.kind)).all() == [MeetingKind.LADO]
            assert session.execute(text("SELECT count(*) FROM regulatory_alerts")).scalar() == 1
    finally:
        store.close()

    engine = make_engine(tmp_path / DATABASE_NAME, store.key)
    with engine.begin() as connection:
        from alembic import command

        from qa_desktop.store.database import alembic_config

        config = alembic_config(engine)
        config.attributes["connection"] = connection
        command.downgrade(config, "0011")
    assert not TABLES & set(inspect(engine).get_table_names())
    engine.dispose()
