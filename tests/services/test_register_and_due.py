"""Searching the register, adding to it, and the due list across it (Figures 1 and 2)."""

import datetime as dt

import pytest

from qa_desktop.domain.schedule import DueKind, DueStatus
from qa_desktop.domain.service_types import ServiceType
from qa_desktop.domain.visits import VisitLevel, VisitReason, VisitStatus
from qa_desktop.services.demo import is_loaded, load_demo
from qa_desktop.services.due import due_items
from qa_desktop.services.register import RegisterError, add_provider, add_setting, search_providers
from qa_desktop.store.models import ComplianceReview, Placement, Visit
from tests.conftest import TODAY


@pytest.fixture
def demo_store(store):
    load_demo(store, today=TODAY)
    return store


def names(store, text="", service_type=None):
    with store.read() as session:
        return [r.name for r in search_providers(session, text, service_type)]


@pytest.mark.parametrize(("query", "expected"), [
    ("maple", ["Maple Lodge"]),
    ("SC700102", ["Harbour View"]),
    ("sc700102", ["Harbour View"]),
    ("ME12DQ", ["Maple Lodge"]),
    ("me1 2dq", ["Maple Lodge"]),
    ("gillingham", ["Willow House"]),
    ("rochester harbour", ["Harbour View"]),
    ("evergreen", ["Maple Lodge", "Willow House"]),
    ("zoë", ["Zoë Ní Bhriain House"]),
    ("nothing-like-this", []),
])
def test_search_by_name_urn_postcode_town_and_owner(demo_store, query, expected):
    assert names(demo_store, query) == expected


def test_filter_by_service_type(demo_store):
    assert names(demo_store, "", ServiceType.SUPPORTED_ACCOMMODATION) == ["Stepping Stones Supported Living"]
    assert len(names(demo_store)) == 13


def test_tiers_shown_for_framework_homes_only(demo_store):
    with demo_store.read() as session:
        rows = {r.name: r for r in search_providers(session)}
    assert rows["Maple Lodge"].tier == "A" and rows["Harbour View"].tier == "B"
    assert rows["Willow House"].tier is None  # spot purchase: not on the framework


def test_a_urn_cannot_be_added_twice(demo_store):
    with demo_store.write() as changes:
        with pytest.raises(RegisterError, match="SC700101 is already"):
            add_provider(changes, name="Copy", service_type=ServiceType.RESIDENTIAL, urn="sc700101")
        with pytest.raises(RegisterError, match="needs a name"):
            add_provider(changes, name="  ", service_type=ServiceType.RESIDENTIAL)


def items_for(store, name, today=TODAY):
    with store.read() as session:
        return [i for i in due_items(session, today, include_scheduled=True) if i.provider_name == name]


def test_due_list_puts_overdue_first_and_explains_each_item(demo_store):
    with demo_store.read() as session:
        items = due_items(session, TODAY)
    statuses = [i.due.status for i in items]
    assert statuses == sorted(statuses, key=[DueStatus.OVERDUE, DueStatus.DUE].index)
    harbour = {i.due.kind: i.due for i in items if i.provider_name == "Harbour View"}
    assert harbour[DueKind.VISIT].is_overdue and "every 3 years" in harbour[DueKind.VISIT].reason
    assert harbour[DueKind.REVIEW].is_overdue and "every 2 years" in harbour[DueKind.REVIEW].reason


def test_placement_without_a_visit_is_due_within_48_hours(demo_store):
    willow = {i.due.kind: i.due for i in items_for(demo_store, "Willow House")}
    assert willow[DueKind.VISIT].due_on == TODAY + dt.timedelta(days=1)
    assert "24-48 hours" in willow[DueKind.VISIT].reason
    # the minimum urgent review does not complete the full compliance review
    assert willow[DueKind.REVIEW].due_on == TODAY + dt.timedelta(days=1)
    assert items_for(demo_store, "Willow House", TODAY + dt.timedelta(days=2))[0].due.is_overdue


def test_only_completed_visits_count(store):
    with store.write() as changes:
        provider = add_provider(changes, name="Stepping Stones", service_type=ServiceType.SUPPORTED_ACCOMMODATION)
        setting = add_setting(changes, provider, name="Stepping Stones", postcode="me87hs")
        changes.create(Visit, setting_id=setting.id, visit_date=TODAY, level=VisitLevel.FULL, announced=True,
                       reason=VisitReason.ROUTINE, status=VisitStatus.IN_PROGRESS, officers=["A"])
    visit = next(i.due for i in items_for(store, "Stepping Stones") if i.due.kind is DueKind.VISIT)
    assert visit.due_on is None and visit.status is DueStatus.BEFORE_PLACEMENT  # a visit begun is not one done
    with store.write() as changes:
        changes.create(Visit, setting_id=setting.id, visit_date=TODAY - dt.timedelta(days=400),
                       level=VisitLevel.FULL, announced=True, reason=VisitReason.ROUTINE,
                       status=VisitStatus.COMPLETED, officers=["A"])
    visit = next(i.due for i in items_for(store, "Stepping Stones") if i.due.kind is DueKind.VISIT)
    assert visit.is_overdue


def test_deleted_rows_do_not_count(store):
    with store.write() as changes:
        provider = add_provider(changes, name="Gone Home", service_type=ServiceType.RESIDENTIAL)
        setting = add_setting(changes, provider, name="Gone Home")
        review = changes.create(ComplianceReview, provider_id=provider.id, review_date=TODAY, reviewed_by="A")
        start = changes.create(Placement, setting_id=setting.id,
                               started_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC))
    assert any(i.due.is_overdue for i in items_for(store, "Gone Home"))
    with store.write() as changes:
        changes.delete(changes.session.get(Placement, start.id))
        changes.delete(changes.session.get(ComplianceReview, review.id))
    reasons = [i.due.reason for i in items_for(store, "Gone Home")]
    assert all("before a child" in r for r in reasons)
    with store.write() as changes:
        changes.delete(changes.session.get(type(provider), provider.id))
    assert items_for(store, "Gone Home") == []


def test_demo_loads_once(store):
    assert not is_loaded(store)
    assert load_demo(store, today=TODAY).added == 10
    assert load_demo(store, today=TODAY) is None
    assert len(names(store)) == 13  # and three typed in: unregulated, floating support, a bespoke package


def test_demo_has_an_unannounced_visit_in_progress_with_answers(demo_store):
    from sqlalchemy import select

    from qa_desktop.domain.visits import VisitStatus
    from qa_desktop.services.visits import open_visit

    with demo_store.read() as session:
        [visit] = session.scalars(select(Visit).where(Visit.status == VisitStatus.IN_PROGRESS)).all()
        assert not visit.announced and len(visit.officers) == 2
    opened = open_visit(demo_store, visit.id)
    assert set(opened.checklists) == {"compliance_areas", "property_standards", "voice_of_child"}
    property_list = opened.checklists["property_standards"]
    assert property_list.progress().answered == 6
    assert property_list.records["kitchen_co_detector"].action.level == "high"


def test_what_is_due_for_some_providers_is_what_the_whole_list_says_of_them(demo_store):
    from qa_desktop.services.due import provider_due

    with demo_store.read() as session:
        every = due_items(session, TODAY, include_scheduled=True)
        chosen = {every[0].provider_id, every[-1].provider_id}
        some = due_items(session, TODAY, include_scheduled=True, provider_ids=chosen)
        most_urgent = provider_due(session, TODAY, provider_ids=chosen)
        whole = provider_due(session, TODAY)
    assert some == [item for item in every if item.provider_id in chosen]
    assert most_urgent == {k: v for k, v in whole.items() if k in chosen} and set(most_urgent) == chosen
