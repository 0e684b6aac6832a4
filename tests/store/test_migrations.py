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


def test_a_laptop_at_0012_with_reviews_placements_and_contacts_comes_up_with_its_caseload(tmp_path):
    """0013 (the caseload): rows from before keep their meaning. A review recorded then has no status
    and counts as complete; a placement has no kind (an emergency, as the 24-48 hour rule took it);
    a provider is not monitored until someone says so; a contact keeps its job title."""
    from qa_desktop.domain.schedule import DueKind
    from qa_desktop.services.due import due_items
    from qa_desktop.store.models import ComplianceReview, Contact, Placement

    engine = make_engine(tmp_path / DATABASE_NAME)
    migrate(engine, "0012")  # the revision before the caseload's
    stamp = dt.datetime(2026, 1, 2, 3, 4, 5)
    common = {"created_at": stamp, "updated_at": stamp, "changed_by": "old", "device_id": "dev-1", "deleted": False}
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO providers (id, name, service_type, urn, created_at, updated_at, changed_by, device_id,"
            " deleted) VALUES ('p1', 'Maple Lodge', 'residential', 'SC700101', :created_at, :updated_at,"
            " :changed_by, :device_id, :deleted)"), common)
        connection.execute(text(
            "INSERT INTO settings (id, provider_id, name, created_at, updated_at, changed_by, device_id, deleted)"
            " VALUES ('s1', 'p1', 'Maple Lodge', :created_at, :updated_at, :changed_by, :device_id, :deleted)"), common)
        connection.execute(text(
            "INSERT INTO contacts (id, provider_id, name, role, created_at, updated_at, changed_by, device_id, deleted)"
            " VALUES ('c1', 'p1', 'Dana', 'Registered manager', :created_at, :updated_at, :changed_by, :device_id,"
            " :deleted)"), common)
        connection.execute(text(
            "INSERT INTO compliance_reviews (id, provider_id, review_date, minimum_only, reviewed_by, created_at,"
            " updated_at, changed_by, device_id, deleted) VALUES ('r1', 'p1', '2026-01-02', 0, 'Alex', :created_at,"
            " :updated_at, :changed_by, :device_id, :deleted)"), common)
        connection.execute(text(
            "INSERT INTO placements (id, setting_id, started_at, reference, created_at, updated_at, changed_by,"
            " device_id, deleted) VALUES ('pl1', 's1', '2026-11-21 16:30:00', 'PL-1', :created_at, :updated_at,"
            " :changed_by, :device_id, :deleted)"), common)
    engine.dispose()

    store = Store(tmp_path, actor="new")
    with store.read() as session:
        assert session.execute(text("SELECT version_num FROM alembic_version")).scalar() == _head()
        provider = session.get(Provider, "p1")
        assert provider.monitored is None and provider.tier_override is None
        assert session.get(Contact, "c1").role == "Registered manager" and session.get(Contact, "c1").kind is None
        assert session.get(ComplianceReview, "r1").status is None and session.get(Placement, "pl1").kind is None
        items = {i.due.kind: i.due for i in due_items(session, dt.date(2026, 11, 22), include_scheduled=True)}
    assert items[DueKind.REVIEW].due_on == dt.date(2028, 1, 2)  # the old review counts as a full one
    assert items[DueKind.VISIT].due_on == dt.date(2026, 11, 23)  # the placement: within 48 hours
    assert {"review_items", "review_actions", "package_elements"} <= set(inspect(store.engine).get_table_names())
    store.close()


def test_report_revisions_from_before_the_lifecycle_migrate_as_drafts_and_keep_their_files(tmp_path):
    """A laptop at 0014 with a visit and a report revision in it: after 0015 the revision is still there,
    read as a draft (its PDF may never have been checked by the QA lead), and a letter row can have no visit."""
    from qa_desktop.domain.documents import DocumentStatus
    from qa_desktop.store.models import ReportRevision, Visit

    engine = make_engine(tmp_path / DATABASE_NAME)
    migrate(engine, "0014")  # the revision before the lifecycle's
    stamp = dt.datetime(2026, 1, 2, 3, 4, 5)
    common = {"created_at": stamp, "updated_at": stamp, "changed_by": "old", "device_id": "dev-1", "deleted": False}
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO providers (id, name, service_type, created_at, updated_at, changed_by, device_id, deleted)"
            " VALUES ('p1', 'Maple Lodge', 'residential', :created_at, :updated_at, :changed_by, :device_id,"
            " :deleted)"), common)
        connection.execute(text(
            "INSERT INTO settings (id, provider_id, name, created_at, updated_at, changed_by, device_id, deleted)"
            " VALUES ('s1', 'p1', 'Maple Lodge', :created_at, :updated_at, :changed_by, :device_id, :deleted)"),
            common)
        connection.execute(text(
            "INSERT INTO visits (id, setting_id, visit_date, level, announced, reason, status, officers, created_at,"
            " updated_at, changed_by, device_id, deleted) VALUES ('v1', 's1', '2026-01-02', 'full', 1, 'routine',"
            " 'completed', '[\"Alex Patel\"]', :created_at, :updated_at, :changed_by, :device_id, :deleted)"), common)
        connection.execute(text(
            "INSERT INTO report_revisions (id, visit_id, kind, revision, fingerprint, file_name, pages, created_at,"
            " updated_at, changed_by, device_id, deleted) VALUES ('r1', 'v1', 'visit', 1, 'abc', "
            "'QA-20260102-V1-r1.pdf', 9, :created_at, :updated_at, :changed_by, :device_id, :deleted)"), common)
    engine.dispose()

    store = Store(tmp_path, actor="new")
    with store.write() as changes:
        old = changes.session.get(ReportRevision, "r1")
        assert old.visit_id == "v1" and old.file_name == "QA-20260102-V1-r1.pdf" and old.pages == 9
        assert old.status is None and old.state is DocumentStatus.DRAFT
        assert changes.session.get(Visit, "v1").reopen_reason is None
        letter = changes.create(ReportRevision, visit_id=None, provider_id="p1", subject_id="plan-1",
                                kind="action_plan", revision=1, fingerprint="x", file_name="plan.pdf", pages=1,
                                status=DocumentStatus.DRAFT)
    with store.read() as session:
        assert session.get(ReportRevision, letter.id).visit_id is None
    store.close()


def test_young_inspector_hand_over_migrates_from_0015_with_a_visit_and_a_young_inspector_in_it(tmp_path):
    """0016: a laptop at 0015 with a visit, its Young Inspector form and a Young Inspector on the
    roster comes up with all intact, nothing withdrawn, and the Young Inspector reading as they were."""
    from alembic import command

    from qa_desktop.forms.library import TemplateLibrary
    from qa_desktop.services.visits import add_young_inspector_form, open_visit
    from qa_desktop.store.models import VisitTemplate, YoungInspector
    from tests.sync.conftest import make_visit

    store = Store(tmp_path, actor="old")
    visit_id = make_visit(store, TemplateLibrary.load())
    add_young_inspector_form(store, TemplateLibrary.load(), visit_id)
    open_visit(store, visit_id).set_answer("young_inspector", "yi_welcome", 4)
    from qa_desktop.services.young_inspector import add_young_inspector
    sam = add_young_inspector(store, "Sam")
    key = store.key
    with store.engine.begin() as connection:
        from qa_desktop.store.database import alembic_config
        config = alembic_config(store.engine)
        config.attributes["connection"] = connection
        command.downgrade(config, "0015")
    store.close()
    with make_engine(tmp_path / DATABASE_NAME, key).connect() as connection:
        assert "tint" not in {c["name"] for c in inspect(connection).get_columns("young_inspectors")}
        assert "withdrawn_reason" not in {c["name"] for c in inspect(connection).get_columns("visit_templates")}

    reopened = Store(tmp_path, actor="new", key=key)
    with reopened.read() as session:
        parts = session.scalars(select(VisitTemplate).where(VisitTemplate.visit_id == visit_id)).all()
        assert {p.template_key for p in parts} >= {"young_inspector"}
        assert all(p.withdrawn_reason is None and p.young_inspector_id is None for p in parts)
        (person,) = session.scalars(select(YoungInspector)).all()
        assert person.id == sam and person.name == "Sam"
        assert (person.tint.value, person.typeface.value, person.text_size, person.line_spacing) == (
            "none", "standard", 100, 100)
    assert open_visit(reopened, visit_id).checklists["young_inspector"].answer("yi_welcome") == 4
    reopened.close()


def test_tombstone_indexes_go_and_open_lists_get_partial_indexes(tmp_path):
    """Revision 0018 on a laptop at 0017 with rows: every ``ix_*_deleted`` index is dropped, the
    open alerts and open visit actions get their partial indexes (used by the lists), rows stay."""
    engine = make_engine(tmp_path / DATABASE_NAME)
    migrate(engine, "0017")
    stamp = dt.datetime(2025, 1, 2, 3, 4, 5)
    common = {"created_at": stamp, "updated_at": stamp, "changed_by": "old", "device_id": "dev-1", "deleted": False}
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO providers (id, name, service_type, created_at, updated_at, changed_by, device_id, deleted)"
            " VALUES ('p1', 'Maple Lodge', 'residential', :created_at, :updated_at, :changed_by, :device_id,"
            " :deleted)"), common)
        for alert, closed in (("a1", None), ("a2", "2025-03-01")):
            connection.execute(text(
                "INSERT INTO regulatory_alerts (id, provider_id, regulator, kind, received_on, summary, closed_on,"
                " created_at, updated_at, changed_by, device_id, deleted) VALUES (:id, 'p1', 'ofsted', 'restriction',"
                " '2025-01-01', 'Restriction', :closed, :created_at, :updated_at, :changed_by, :device_id, :deleted)"),
                {**common, "id": alert, "closed": closed})
        before = {name for (name,) in connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'index'"))}
    assert {"ix_providers_deleted", "ix_settings_deleted", "ix_regulatory_alerts_deleted"} <= before
    migrate(engine, "0018")
    with engine.connect() as connection:
        after = {name for (name,) in connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'index'"))}
        plan = connection.execute(text("EXPLAIN QUERY PLAN SELECT id FROM regulatory_alerts WHERE closed_on IS NULL "
                                       "AND provider_id = 'p1'")).all()
        assert connection.execute(text("SELECT id FROM regulatory_alerts WHERE closed_on IS NULL")).scalars().all() == [
            "a1"]
    assert not {name for name in after if name.endswith("_deleted")}
    assert {"ix_regulatory_alerts_open", "ix_visit_actions_open", "ix_providers_name"} <= after
    assert "ix_regulatory_alerts_open" in " ".join(str(row[-1]) for row in plan)
    engine.dispose()


def test_the_head_read_from_the_revision_files_is_alembics():
    """A start with nothing to migrate reads the head from the files, without Alembic: the same."""
    from alembic.script import ScriptDirectory

    from qa_desktop.store.database import alembic_config

    assert schema_head() == ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_the_audit_chain_migration_keeps_old_ops_and_guards_the_chain(tmp_path):
    """0019 from revision 0018 with a provider and its op in it: the op keeps its value and has no place
    in a chain (it is from before); the row is untouched; new ops are chained; the guard refuses
    changing a link, and still lets retention remove a value."""
    engine = make_engine(tmp_path / DATABASE_NAME)
    migrate(engine, "0018")  # the revision before the sealed store's
    stamp = dt.datetime(2025, 1, 2, 3, 4, 5)
    common = {"created_at": stamp, "updated_at": stamp, "changed_by": "old", "device_id": "dev-1", "deleted": False}
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO providers (id, name, service_type, created_at, updated_at, changed_by, device_id, deleted)"
            " VALUES ('p1', 'Maple Lodge', 'residential', :created_at, :updated_at, :changed_by, :device_id,"
            " :deleted)"), common)
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
            assert session.get(Provider, "p1").name == "Maple Lodge"
            assert session.execute(text("SELECT version_num FROM alembic_version")).scalar() == _head()
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
