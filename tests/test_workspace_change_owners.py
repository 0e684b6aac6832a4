"""Whose screens a change concerns, as the change signal says it and as a mutation returns it.

A mutation's ``Done.changes`` and what the listeners hear are worked out together (the owners of the
records looked up once when both list the same records): they must still differ when something
else reached the log meanwhile (another program on the same data folder)."""

from __future__ import annotations

from sqlalchemy import select

from qa_desktop.domain.oversight import CaseSource
from qa_desktop.forms.checklist import MET
from qa_desktop.forms.template import ResponseType
from qa_desktop.services.demo import load_demo
from qa_desktop.store.database import Store
from qa_desktop.store.models import Setting, Visit
from qa_desktop.workspace import Workspace
from tests.conftest import TODAY


def _answer(workspace: Workspace, visit_id: str):
    editor = workspace.visits.open(visit_id)
    key, item = next((k, i) for k, c in editor.checklists.items() for i in c.visible_items()
                     if i.response is ResponseType.MET_NOT_MET and not c.is_answered(i))
    return editor.set_answer(key, item.key, MET)


def _provider_of(store: Store, visit_id: str) -> str:
    with store.read() as session:
        return session.scalar(select(Setting.provider_id).join(Visit, Visit.setting_id == Setting.id)
                              .where(Visit.id == visit_id))


def test_an_answer_names_its_visit_and_provider_to_listeners_and_in_what_it_returns(store) -> None:
    load_demo(store, today=TODAY)
    workspace = Workspace(store)
    visit_id = workspace.visits.in_progress()[0].id
    heard = []
    workspace.subscribe(heard.append)
    done = _answer(workspace, visit_id)
    provider = _provider_of(store, visit_id)
    assert done.changes.visits == {visit_id} and done.changes.providers == {provider}
    assert heard[-1].visits == {visit_id} and heard[-1].providers == {provider}


def test_what_arrived_meanwhile_is_heard_but_not_returned_as_the_answer_s(store) -> None:
    load_demo(store, today=TODAY)
    workspace = Workspace(store)
    visit_id = workspace.visits.in_progress()[0].id
    provider = _provider_of(store, visit_id)
    other = Store(store.data_dir, actor="other.program", key=store.key)  # same data folder, another program
    try:
        elsewhere = next(i for i in Workspace(other).register.due() if i.provider_id != provider).provider_id
        Workspace(other).oversight.log_case(elsewhere, opened_on=TODAY, source=next(iter(CaseSource)),
                                            category="Complaint", summary="Logged on another laptop window")
    finally:
        other.close()
    heard = []
    workspace.subscribe(heard.append)
    done = _answer(workspace, visit_id)
    assert done.changes.providers == {provider} and done.changes.visits == {visit_id}
    assert heard[-1].providers == {provider, elsewhere} and visit_id in heard[-1].visits



def _move_visit(store: Store, visit_id: str, provider_to_leave: str) -> str:
    """Move the visit to a setting of another provider (no screen does this; a row's owner link
    changing stands for any such move, as a placement's setting could): returns the new provider."""
    with store.write() as changes:
        setting = changes.session.scalars(select(Setting).where(Setting.provider_id != provider_to_leave)).first()
        assert setting is not None
        changes.update(changes.session.get(Visit, visit_id), setting_id=setting.id)
        return setting.provider_id


def test_a_moved_record_is_named_under_its_new_owner_after_its_links_were_kept(store) -> None:
    """The owner links read for one answer are kept for the next (``workspace.owners.OwnerLinks``);
    the visit moved since, by another program or on this one's store, the next answer names the
    provider it belongs to now, to the listeners and in what the save returns."""
    load_demo(store, today=TODAY)
    workspace = Workspace(store)
    visit_id = workspace.visits.in_progress()[0].id
    first = _provider_of(store, visit_id)
    _answer(workspace, visit_id)
    links = workspace._owner_links
    assert links is not None and links.get("visits", visit_id, "setting_id") is not None  # kept
    other = Store(store.data_dir, actor="other.program", key=store.key)  # same data folder, another program
    try:
        moved_to = _move_visit(other, visit_id, first)
    finally:
        other.close()
    heard = []
    workspace.subscribe(heard.append)
    done = _answer(workspace, visit_id)
    assert moved_to != first and _provider_of(store, visit_id) == moved_to
    assert done.changes.providers == {moved_to} and heard[-1].providers == {moved_to}
    back = _move_visit(store, visit_id, moved_to)  # this program's store, outside the workspace: heard on catch-up
    done = _answer(workspace, visit_id)
    assert done.changes.providers == {back} and heard[-1].providers == {back}


def test_the_kept_owner_links_are_forgotten_when_anything_may_have_changed(store) -> None:
    load_demo(store, today=TODAY)
    workspace = Workspace(store)
    visit_id = workspace.visits.in_progress()[0].id
    _answer(workspace, visit_id)
    assert workspace._owner_links is not None and len(workspace._owner_links) > 0
    workspace._describe([("answers", "any")], everything=True)  # a rebuilt log, a change too large to list
    assert len(workspace._owner_links) == 0
