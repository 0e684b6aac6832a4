"""The register's first look (issue 22's cold start): read with plain SQL before SQLAlchemy is
imported, it must give exactly the rows ``register.search`` gives with ``register.context(due=False)``:
the same providers in the same order, names, tiers, towns, ratings, sanctions and search text. Held
to them here on data with every sanction case (``test_sanctions_in_force.every_case``), QA cases of
this year (significant or not) and of last year, a tier set by hand, settings with and without
towns, a deleted provider and a deleted setting, under the built-in and a council's own Figure 6.
And a store the first look cannot read as it is gives no first look (the store is opened first)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import text

from qa_desktop.domain.framework import MEDWAY
from qa_desktop.domain.oversight import AlertKind, CaseSource, PlanKind
from qa_desktop.domain.risk import Rag
from qa_desktop.domain.roles import Role
from qa_desktop.domain.tiers import Tier
from qa_desktop.services import oversight as qa
from qa_desktop.services.register import find_by_urn, register_context, search_providers
from qa_desktop.services.register_first_look import register_first_look
from qa_desktop.store.first_look import read_first_look
from qa_desktop.store.models import ActionPlan, Provider, QaCase, RegulatoryAlert, Setting
from qa_desktop.store.schema import schema_head
from tests.conftest import TODAY
from tests.services.test_sanctions_in_force import (
    NOW,
    every_case,  # noqa: F401 (a fixture)
)

DAY = dt.timedelta(days=1)


@pytest.fixture
def every_row(every_case):  # noqa: F811 (the fixture imported above)
    store = every_case
    with store.read() as session:
        ids = {urn: find_by_urn(session, urn).id for urn in ("SC700101", "SC700102", "SC700104", "SC700106")}
    for urn, opened, significant in (("SC700101", TODAY - 3 * DAY, False), ("SC700101", TODAY - 50 * DAY, False),
                                     ("SC700102", TODAY - DAY, True), ("SC700104", TODAY - 400 * DAY, False),
                                     ("SC700106", dt.date(TODAY.year, 1, 1), False)):
        qa.log_case(store, ids[urn], opened_on=opened, source=CaseSource.SOCIAL_WORKER, category="Staffing",
                           summary="Logged", significant=significant)
    deleted_case = qa.log_case(store, ids["SC700104"], opened_on=TODAY - DAY, source=CaseSource.POLICE,
                               category="Staffing", summary="Logged in error", significant=True)
    deleted_plan = qa.issue_action_plan(store, ids["SC700104"], kind=PlanKind.QA, issued_on=TODAY, reason="x",
                                        actions=[], raised_at=NOW)
    with store.write() as changes:
        changes.update(changes.session.get(Provider, ids["SC700104"]), tier_override=Tier.A,
                       tier_override_reason="Agreed at panel")
        setting = changes.session.query(Setting).filter_by(provider_id=ids["SC700106"]).first()
        changes.delete(setting)
        changes.delete(changes.session.get(QaCase, deleted_case))
        changes.delete(changes.session.get(ActionPlan, deleted_plan))
        # a lifting left open (as an older version, or another laptop, may have written it): never a sanction
        lifted = changes.session.query(RegulatoryAlert).filter_by(kind=AlertKind.LIFTED).one()
        changes.update(lifted, closed_on=None)
    return store


def the_registers(store, day):
    with store.read() as session:
        context = register_context(session, day, due=False)
        return context, search_providers(session, context=context, today=day)


def same_rows(first, rows):
    assert first == rows  # every field but the search text (not compared by the dataclass)
    assert [r.search_text for r in first] == [r.search_text for r in rows]


@pytest.mark.parametrize("day", [TODAY, TODAY + 5 * DAY, TODAY - 4 * DAY, dt.date(TODAY.year + 1, 1, 2)])
def test_the_first_look_gives_the_registers_rows(every_row, day):
    look = read_first_look(every_row.data_dir, every_row.key, day)
    assert look is not None
    first = register_first_look(look, "Alex Patel")
    context, rows = the_registers(every_row, day)
    assert first.context == context
    same_rows(first.rows, rows)
    if day == TODAY:  # the comparison compared something of each kind
        assert {r.risk for r in rows} >= {Rag.NONE, Rag.HIGH, Rag.LOW}
        assert len({r.sanctions for r in rows}) > 4
        assert {r.tier for r in rows} > {None}
        assert any(not r.towns for r in rows) and any(r.towns for r in rows)
    with every_row.read() as session:
        assert look.position == session.scalar(text("SELECT max(rowid) FROM ops"))


def test_a_councils_own_figure_6_is_the_one_used(every_row):
    from qa_desktop.workspace import Workspace

    lead = Workspace(every_row)
    lead.council.set_framework(dataclasses.replace(MEDWAY, name="Ours", rag_from=(1, 2, 3)).to_dict())
    look = read_first_look(every_row.data_dir, every_row.key, TODAY)
    context, rows = the_registers(every_row, TODAY)
    assert register_first_look(look, "Alex Patel").context == context
    same_rows(register_first_look(look, "Alex Patel").rows, rows)
    assert {r.risk for r in rows} >= {Rag.MEDIUM}  # two cases: medium from 2 under these figures


def test_the_user_is_the_laptops_unless_given(store):
    look = read_first_look(store.data_dir, store.key, TODAY)
    assert register_first_look(look) is None  # opened with a name given, none kept: the store's opening makes it
    given = register_first_look(look, "Alex Patel", Role.QA_LEAD)
    assert (given.user.name, given.user.role, given.device_id) == ("Alex Patel", Role.QA_LEAD, store.device_id)
    assert register_first_look(look, role=Role.YOUNG_INSPECTOR) is None  # a Young Inspector sees no register
    assert not given.user_confirmed
    store.set_user("Sam Officer")
    first = register_first_look(read_first_look(store.data_dir, store.key, TODAY))
    assert (first.user.name, first.user.role, first.user_confirmed) == ("Sam Officer", Role.QA_OFFICER, True)


def test_a_store_it_cannot_read_as_it_is_gets_no_first_look(store, tmp_path):
    assert read_first_look(store.data_dir, store.key, TODAY) is not None
    assert read_first_look(store.data_dir, bytes(32), TODAY) is None  # another key
    assert read_first_look(tmp_path / "nothing here", store.key, TODAY) is None
    with store.write() as changes:  # a Young Inspector hand-over in progress: its locked screen comes first
        changes.session.execute(text("INSERT INTO local_state (key, value) VALUES ('hand_over', '{}')"))
    assert read_first_look(store.data_dir, store.key, TODAY) is None
    with store.write() as changes:
        changes.session.execute(text("DELETE FROM local_state WHERE key = 'hand_over'"))
        changes.session.execute(text("UPDATE alembic_version SET version_num = 'older'"))  # to be migrated
    assert read_first_look(store.data_dir, store.key, TODAY) is None
    with store.write() as changes:
        changes.session.execute(text("UPDATE alembic_version SET version_num = :head"), {"head": schema_head()})
        changes.session.execute(text("DELETE FROM local_state WHERE key = 'device_id'"))  # to be made
    assert read_first_look(store.data_dir, store.key, TODAY) is None


def test_a_row_is_made_as_the_dataclass_makes_it():
    """``make_row`` sets a row's fields in one step (not through the frozen dataclass's ``__init__``):
    the row is the one the constructor makes, every field of it."""
    from qa_desktop.domain.service_types import ServiceType
    from qa_desktop.services.register_rows import ProviderRow, RegisterContext, make_row

    record = ("p1", "Maple House", "SC1", "residential", "Maple Ltd", "good", "framework", "ofsted", "Active",
              "Medway", 1, "Placed by us", None)
    places = [("p1", "Maple", "Rochester", "ME1 1AA"), ("p1", "Oak", "Chatham", "ME4 2BB")]
    context = RegisterContext({}, {"p1": Rag.HIGH}, {"p1": ("Action plan",)})
    for settings in (places, places[:1], []):
        made = make_row(record, settings, "text", context)
        expected = ProviderRow(
            id="p1", name="Maple House", urn="SC1", service_type=ServiceType.RESIDENTIAL, organisation="Maple Ltd",
            judgement=made.judgement, tier=made.tier, towns=", ".join(sorted(s[2] for s in settings)),
            postcodes=", ".join(sorted(s[3] for s in settings)), settings=len(settings),
            registration_status="Active", due=None, risk=Rag.HIGH, sanctions=("Action plan",),
            local_authority="Medway", monitored=True, monitored_reason="Placed by us", search_text="text")
        assert made == expected and vars(made) == vars(expected) and repr(made) == repr(expected)
        assert hash(made) == hash(expected) and made.judgement is not None and made.tier is not None
        with pytest.raises(dataclasses.FrozenInstanceError):
            made.name = "changed"  # type: ignore[misc]


def test_the_first_looks_rows_are_made_when_read_and_are_the_registers(every_row):
    """The first look's rows are made one by one as they are read (a first paint reads a screenful
    of 20,000): each, read in any order, a part, or all at once, is the register's own row."""
    _, rows = the_registers(every_row, TODAY)
    first = register_first_look(read_first_look(every_row.data_dir, every_row.key, TODAY), "Alex Patel").rows
    assert len(first) == len(rows) > 4 and not first.all_made
    assert first[3] == rows[3] and first[3].search_text == rows[3].search_text
    assert first[3] is first[3]  # made once, kept
    assert first[-1] == rows[-1] and first[1:3] == rows[1:3]
    assert first.local_authorities() == {r.local_authority for r in rows}  # the filter's list, no row made for it
    assert not first.all_made
    assert not first.make_some(1) or len(rows) == 5
    assert first.make_some(len(rows)) and first.all_made
    same_rows(first, rows)
    again = register_first_look(read_first_look(every_row.data_dir, every_row.key, TODAY), "Alex Patel").rows
    assert list(again) == rows and again.all_made  # read whole: every row made


@pytest.mark.parametrize(("text", "filters"), [
    ("", {}), ("rochester", {}), ("me1", {}), ("sc7001", {}), ("nothing like it", {}),
    ("", {"service_type": "first"}), ("", {"judgement": "first"}), ("", {"local_authority": "first"}),
    ("", {"monitored": True}), ("", {"monitored": False}), ("", {"limit": 2}),
])
def test_a_search_once_from_the_first_look_is_the_registers_search(every_row, text, filters):
    """``qa-desktop providers`` searches the first look (no SQLAlchemy, the store not opened): the
    same rows as ``register.search``, in the same order, filters and all."""
    from qa_desktop.workspace import Workspace

    opened = Workspace(every_row)
    rows = opened.register.search()
    wanted = {name: getattr(rows[0], name) if value == "first" else value for name, value in filters.items()}
    expected = opened.register.search(text, **wanted)
    for register_only in (False, True):  # the command reads the providers and places alone
        first = Workspace.open_for_window(every_row.data_dir, actor="Alex Patel", key=every_row.key,
                                          clock=every_row.clock, register_only=register_only)
        try:
            assert first.first_look is not None
            found = first.register.search_once(text, **wanted)
            assert not first.is_open  # answered from the first look
            same_rows(found, expected)
            if not text and not filters:
                assert len(found) > 4
        finally:
            first.close()
        assert not first.is_open
