"""The one-off repair of a database made by an earlier version: fields no op recorded.

Before every field of a created row was recorded, a field a model default filled in at flush never
reached the op log, so the row never arrived whole on another laptop (the demo's compliance
reviews: "records waiting for the rest of their changes", for good). Opening the store now records
an op for each such field, once."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select, text

from qa_desktop.paths import DATABASE_NAME
from qa_desktop.services.demo import load_demo
from qa_desktop.store import changes as changes_module
from qa_desktop.store.database import Store, make_engine, migrate
from qa_desktop.store.models import ComplianceReview, LocalState, Op, Provider
from qa_desktop.store.repair import UNRECORDED_FIELDS_DONE
from qa_desktop.sync.engine import sync
from qa_desktop.sync.folder import FolderStore
from tests.sync.conftest import snapshot


def _ops(store: Store, entity_id: str) -> dict[str, list[Op]]:
    found: dict[str, list[Op]] = {}
    with store.read() as session:
        for op in session.scalars(select(Op).where(Op.entity_id == entity_id)):
            found.setdefault(op.field, []).append(op)
    return found


def _op_count(store: Store) -> int:
    with store.read() as session:
        return session.scalar(select(func.count()).select_from(Op)) or 0


def _demo_by_the_old_code_path(tmp_path, monkeypatch) -> set[str]:
    """A data folder whose demo was loaded by the write path as it was before: a field its default
    filled was set at flush and never logged (``column_defaults`` worked out nothing)."""
    store = Store(tmp_path / "alex", actor="alex")
    with monkeypatch.context() as patched:
        patched.setattr(changes_module, "column_defaults", lambda model, given: {})
        load_demo(store)
        # the demo now gives every review's fields itself: a review recorded as the old version did
        # (its ``minimum_only`` left to the default) stands for the rows it made so
        with store.write() as changes:
            provider = changes.session.scalars(select(Provider.id).order_by(Provider.name)).first()
            changes.create(ComplianceReview, provider_id=provider, review_date=dt.date(2026, 3, 2),
                           reviewed_by="Alex Patel")
    with store.transaction() as session:  # as if the repair had never run: the old version had none
        session.execute(text("DELETE FROM local_state WHERE key = :k"), {"k": UNRECORDED_FIELDS_DONE})
    with store.read() as session:
        reviews = session.scalars(select(ComplianceReview.id)).all()
    unlogged = {r for r in reviews if "minimum_only" not in _ops(store, r)}
    assert unlogged  # the old state: never logged
    store.close()
    return unlogged


def test_old_rows_get_ops_for_their_unrecorded_fields_once_and_arrive_whole_elsewhere(tmp_path, monkeypatch):
    unlogged = _demo_by_the_old_code_path(tmp_path, monkeypatch)
    # what the old version showed: the reviews never arrive
    before = Store(tmp_path / "before", actor="jo")
    try:
        with monkeypatch.context() as patched:  # the old laptop syncs before it is updated
            patched.setattr(Store, "_repair", lambda self: None)
            old = Store(tmp_path / "alex", actor="alex")
            sync(old, FolderStore(tmp_path / "old-shared"))
            old.close()
        assert sync(before, FolderStore(tmp_path / "old-shared")).waiting_rows > 0
    finally:
        before.close()

    alex = Store(tmp_path / "alex", actor="alex")  # updated: opening repairs
    jo = Store(tmp_path / "jo", actor="jo")
    try:
        with alex.read() as session:
            reviews = session.scalars(select(ComplianceReview)).all()
            marker = session.get(LocalState, UNRECORDED_FIELDS_DONE)
        assert marker is not None and int(marker.value) > 0
        for review in reviews:
            ops = _ops(alex, review.id)
            assert [o.value for o in ops["minimum_only"]] == [review.minimum_only]
            if review.id not in unlogged:
                continue  # given when it was made (as the demo does now): its op is the original one
            repaired = ops["minimum_only"][0]
            assert repaired.base == [] and repaired.actor == review.changed_by
            assert repaired.wall == int(review.created_at.timestamp() * 1000)  # when the row was made
        count = _op_count(alex)
        alex.close()
        alex = Store(tmp_path / "alex", actor="alex")  # once: opening again records nothing
        assert _op_count(alex) == count

        sync(alex, FolderStore(tmp_path / "shared"))
        report = sync(jo, FolderStore(tmp_path / "shared"))
        assert report.waiting_rows == 0
        on_alex, on_jo = snapshot(alex), snapshot(jo)
        assert on_jo == on_alex  # every row whole, the compliance reviews included
        assert any(key[0] == "compliance_reviews" for key in on_jo)
    finally:
        alex.close(), jo.close()


def test_a_database_migrated_from_an_earlier_revision_is_repaired(tmp_path):
    """A row written by an earlier revision's code straight into the tables (the migration fixture's
    way): its unlogged fields get ops when the store first opens."""
    engine = make_engine(tmp_path / DATABASE_NAME)
    migrate(engine, "0009")
    stamp = dt.datetime(2025, 3, 4, 9, 0)
    with engine.begin() as connection:
        common = {"created_at": stamp, "updated_at": stamp, "changed_by": "old.officer", "device_id": "dev-1",
                  "deleted": False}
        connection.execute(text(
            "INSERT INTO providers (id, name, service_type, created_at, updated_at, changed_by, device_id, deleted)"
            " VALUES ('p1', 'Maple Lodge', 'residential', :created_at, :updated_at, :changed_by, :device_id,"
            " :deleted)"), common)
        connection.execute(text(
            "INSERT INTO compliance_reviews (id, provider_id, review_date, minimum_only, reviewed_by, created_at,"
            " updated_at, changed_by, device_id, deleted) VALUES ('r1', 'p1', '2025-03-04', 0, 'Jo Morgan',"
            " :created_at, :updated_at, :changed_by, :device_id, :deleted)"), common)
        for op_id, entity, entity_id, field, value in (
                ("o1", "providers", "p1", "name", '"Maple Lodge"'),
                ("o2", "providers", "p1", "service_type", '"residential"'),
                ("o3", "compliance_reviews", "r1", "provider_id", '"p1"'),
                ("o4", "compliance_reviews", "r1", "review_date", '"2025-03-04"'),
                ("o5", "compliance_reviews", "r1", "reviewed_by", '"Jo Morgan"')):
            connection.execute(text(
                "INSERT INTO ops (op_id, entity, entity_id, field, value, hlc, device_id, actor, base) VALUES"
                " (:op_id, :entity, :entity_id, :field, :value, '0001741078800000:00000', 'dev-1', 'old.officer',"
                " '[]')"), {"op_id": op_id, "entity": entity, "entity_id": entity_id, "field": field,
                            "value": value})
    engine.dispose()

    alex = Store(tmp_path, actor="alex")
    jo = Store(tmp_path / "jo", actor="jo")
    try:
        review_ops = _ops(alex, "r1")
        assert [o.value for o in review_ops["minimum_only"]] == [False]
        assert [o.value for o in review_ops["deleted"]] == [False]
        assert [o.value for o in review_ops["reviewed_by"]] == ["Jo Morgan"]  # had an op: left alone
        assert [o.value for o in _ops(alex, "p1")["deleted"]] == [False]
        sync(alex, FolderStore(tmp_path / "shared"))
        assert sync(jo, FolderStore(tmp_path / "shared")).waiting_rows == 0
        with jo.read() as session:
            review = session.get(ComplianceReview, "r1")
            assert review is not None and review.minimum_only is False and review.reviewed_by == "Jo Morgan"
    finally:
        alex.close(), jo.close()
