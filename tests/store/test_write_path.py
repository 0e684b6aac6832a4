"""The local store: pragmas, the single write path and its op log, device identity."""

import datetime as dt

import pytest
from sqlalchemy import select, text

from qa_desktop.domain.service_types import ServiceType
from qa_desktop.store.changes import derived_id
from qa_desktop.store.database import Store
from qa_desktop.store.hlc import Hlc
from qa_desktop.store.models import Op, Provider, Setting


def ops_for(store, entity_id):
    with store.read() as session:
        return session.scalars(select(Op).where(Op.entity_id == entity_id).order_by(Op.hlc)).all()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(store):
    with store.read() as session:
        assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert session.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL


def test_create_stamps_bookkeeping_and_records_an_op_per_field(store):
    with store.write() as changes:
        provider = changes.create(Provider, name="Maple Lodge", service_type=ServiceType.RESIDENTIAL, urn="SC700101")
    assert len(provider.id) == 36
    assert provider.changed_by == "officer.test" and provider.device_id == store.device_id
    assert provider.created_at.tzinfo is dt.UTC and not provider.deleted
    ops = ops_for(store, provider.id)
    assert {(o.field, o.value) for o in ops} == {("name", "Maple Lodge"), ("service_type", "residential"),
                                                 ("urn", "SC700101"), ("deleted", False)}
    assert all(o.entity == "providers" and o.device_id == store.device_id and o.actor == "officer.test" for o in ops)


def test_update_records_only_fields_that_changed(store):
    with store.write() as changes:
        provider = changes.create(Provider, name="Maple Lodge", service_type=ServiceType.RESIDENTIAL)
    before = len(ops_for(store, provider.id))
    with store.write() as changes:
        row = changes.session.get(Provider, provider.id)
        assert changes.update(row, name="Maple Lodge", capacity=4) == {"capacity"}
        assert changes.update(row, capacity=4) == set()
    after = ops_for(store, provider.id)
    assert len(after) == before + 1 and after[-1].field == "capacity" and after[-1].value == 4


def test_delete_is_a_tombstone_that_syncs(store):
    with store.write() as changes:
        provider = changes.create(Provider, name="Gone", service_type=ServiceType.RESIDENTIAL)
    with store.write() as changes:
        changes.delete(changes.session.get(Provider, provider.id))
    with store.read() as session:
        assert session.get(Provider, provider.id).deleted is True
    assert ops_for(store, provider.id)[-1].field == "deleted" and ops_for(store, provider.id)[-1].value is True


def test_failed_unit_of_work_leaves_neither_rows_nor_ops(store):
    with pytest.raises(RuntimeError), store.write() as changes:
        provider = changes.create(Provider, name="Half", service_type=ServiceType.RESIDENTIAL)
        raise RuntimeError("power cut")
    with store.read() as session:
        assert session.get(Provider, provider.id) is None
        assert session.scalar(select(Op).where(Op.entity_id == provider.id)) is None


def test_bookkeeping_columns_cannot_be_set_by_callers(store):
    with store.write() as changes:
        with pytest.raises(TypeError, match="changed_by"):
            changes.create(Provider, name="X", service_type=ServiceType.RESIDENTIAL, changed_by="someone else")
        with pytest.raises(TypeError, match="settings"):
            changes.create(Provider, name="X", service_type=ServiceType.RESIDENTIAL, settings=[])


def test_foreign_keys_are_enforced(store):
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), store.write() as changes:
        changes.create(Setting, provider_id="no-such-provider", name="Orphan")


def test_device_id_and_clock_survive_a_restart(tmp_path):
    first = Store(tmp_path, actor="a")
    with first.write() as changes:
        changes.create(Provider, name="One", service_type=ServiceType.RESIDENTIAL)
    device, last = first.device_id, first.hlc.last
    first.close()
    again = Store(tmp_path, actor="a")
    assert again.device_id == device
    assert again.hlc.last == last
    assert again.hlc.now() > last


def test_derived_ids_are_the_same_on_every_device():
    assert derived_id("provider", "urn", "SC1") == derived_id("provider", "urn", "SC1")
    assert derived_id("provider", "urn", "SC1") != derived_id("provider", "urn", "SC2")


def test_ops_are_ordered_by_their_clock_even_when_the_wall_clock_goes_back(store):
    ticks = iter([5_000, 4_000, 4_000, 6_000])
    store.hlc._wall = lambda: next(ticks)
    store.hlc._last = Hlc(0, 0)
    stamps = [store.hlc.now() for _ in range(4)]
    assert stamps == sorted(stamps) and len(set(stamps)) == 4


def _made_with_defaults(store):
    """A compliance review and a duty-log case relying on their columns' defaults (False)."""
    from qa_desktop.domain.oversight import CaseSource, CaseStatus
    from qa_desktop.store.models import ComplianceReview, QaCase

    with store.write() as changes:
        provider = changes.create(Provider, name="Maple Lodge", service_type=ServiceType.RESIDENTIAL, urn="SC700101")
        review = changes.create(ComplianceReview, provider_id=provider.id, review_date=dt.date(2026, 11, 22),
                                reviewed_by="Alex Patel")
        case = changes.create(QaCase, provider_id=provider.id, opened_on=dt.date(2026, 11, 22),
                              source=CaseSource.LADO, category="Allegation", summary="Referred to the LADO",
                              status=CaseStatus.OPEN, closed_on=None)
    return review.id, case.id


def test_create_records_an_op_for_every_field_its_default_fills_but_none_for_a_blank(store):
    review_id, case_id = _made_with_defaults(store)
    review = {o.field: o.value for o in ops_for(store, review_id)}
    case = {o.field: o.value for o in ops_for(store, case_id)}
    assert review["minimum_only"] is False
    assert case["safeguarding"] is False and case["significant"] is False
    assert "closed_on" not in case and "outcome" not in case  # given as None, or left out with no default
    from qa_desktop.store.models import ComplianceReview, QaCase
    with store.read() as session:
        assert session.get(ComplianceReview, review_id).minimum_only is False
        row = session.get(QaCase, case_id)
        assert row.safeguarding is False and row.significant is False


def test_a_row_made_with_defaults_arrives_whole_on_another_laptop(tmp_path):
    """The demo's compliance reviews never reached another laptop: "6 records waiting for the rest of
    their changes", because a default filled at flush was never an op."""
    from qa_desktop.sync.engine import sync
    from qa_desktop.sync.folder import FolderStore
    from tests.sync.conftest import snapshot

    alex, jo = Store(tmp_path / "alex", actor="alex"), Store(tmp_path / "jo", actor="jo")
    try:
        review_id, case_id = _made_with_defaults(alex)
        shared = FolderStore(tmp_path / "shared")
        sync(alex, shared)
        report = sync(jo, FolderStore(tmp_path / "shared"))
        assert report.waiting_rows == 0
        on_alex, on_jo = snapshot(alex), snapshot(jo)
        for key in (("compliance_reviews", review_id), ("qa_cases", case_id)):
            assert key in on_jo and on_jo[key] == on_alex[key]
    finally:
        alex.close(), jo.close()


def test_synced_models_have_no_default_only_the_database_knows():
    """``Changes.create`` records the defaults it can work out in Python; a column filled by the
    database (``server_default``, a SQL expression) would never travel, so none may have one."""
    from sqlalchemy import inspect

    from qa_desktop.store.models import SYNCED_MODELS

    for model in SYNCED_MODELS:
        for name, column in inspect(model).columns.items():
            assert column.server_default is None, f"{model.__name__}.{name}"
            default = column.default
            assert default is None or default.is_scalar or default.is_callable, f"{model.__name__}.{name}"
