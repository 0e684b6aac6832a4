"""An action the two officers raised differently on one item, edited by one of them: its words stay in
dispute (the edit is written over the words shown only), and so do its concern level and due date
unless the officer changed the level (user walk, session 7: the words stayed in dispute, but the other
officer's level and due date went, though no one chose). And with no dispute, words mended later keep
when the action was raised and is due."""

from __future__ import annotations

import datetime as dt

from qa_desktop.domain.timescales import ConcernLevel
from qa_desktop.forms.library import TemplateLibrary
from qa_desktop.services.differences import visit_differences
from qa_desktop.services.visits import open_visit
from qa_desktop.store.database import Store
from qa_desktop.sync.engine import sync
from qa_desktop.sync.folder import FolderStore
from tests.sync.conftest import first_items, make_visit


def _two_actions(tmp_path):
    alex, jo = Store(tmp_path / "alex", actor="Alex Patel"), Store(tmp_path / "jo", actor="Jo Morgan")
    shared = FolderStore(tmp_path / "shared")
    visit_id = make_visit(alex, TemplateLibrary.load())
    sync(alex, shared), sync(jo, shared)
    (template, item), = first_items(alex, visit_id, 1)
    open_visit(alex, visit_id).raise_action(template, item, "Replace the bed", ConcernLevel.LOW, alex.clock.now())
    open_visit(jo, visit_id).raise_action(template, item, "Fix the fire door", ConcernLevel.HIGH, jo.clock.now())
    sync(jo, shared), sync(alex, shared), sync(jo, shared)
    # the laptop that shows the other officer's action (each field's winner is the same on both)
    store = next(s for s in (alex, jo) if open_visit(s, visit_id).checklists[template].record(item).action.text
                 != {"Alex Patel": "Replace the bed", "Jo Morgan": "Fix the fire door"}[s.user.name])
    return (alex, jo), store, visit_id, template, item


def _disputed(store, visit_id):
    with store.read() as session:
        return {d.field: sorted(str(side.value) for side in d.sides) for d in visit_differences(session, visit_id)}


def test_editing_the_words_of_an_action_in_dispute_keeps_both_levels_and_due_dates(tmp_path):
    laptops, store, visit_id, template, item = _two_actions(tmp_path)
    before = _disputed(store, visit_id)
    assert {"text", "level", "due_at"} <= set(before)
    visit = open_visit(store, visit_id)
    shown = visit.checklists[template].record(item).action
    edited = visit.raise_action(template, item, f"{shown.text} this week", shown.level, store.clock.now())
    after = _disputed(store, visit_id)
    assert sorted(after["text"]) != sorted(before["text"]) and len(after["text"]) == 2  # words: as before
    assert after["level"] == before["level"]       # both officers' levels, for one to be kept by choice
    assert after["due_at"] == before["due_at"]     # and both due dates (and times raised)
    assert after["raised_at"] == before["raised_at"]
    assert (edited.level, edited.due_at) == (shown.level, shown.due_at)  # shown as they were
    assert open_visit(store, visit_id).checklists[template].record(item).action == edited
    for laptop in laptops:
        laptop.close()


def test_a_level_the_officer_changes_is_their_choice(tmp_path):
    laptops, store, visit_id, template, item = _two_actions(tmp_path)
    visit = open_visit(store, visit_id)
    shown = visit.checklists[template].record(item).action
    level = ConcernLevel.MEDIUM
    assert level != shown.level
    visit.raise_action(template, item, shown.text, level, store.clock.now())
    after = _disputed(store, visit_id)
    assert "level" not in after and "due_at" not in after
    assert open_visit(store, visit_id).checklists[template].record(item).action.level is level
    for laptop in laptops:
        laptop.close()


def test_mending_an_actions_words_a_day_later_keeps_when_it_was_raised_and_is_due(tmp_path):
    """One officer, no dispute: an urgent action's words mended the next day (session 7's closing note:
    it was raised again "now", and its due date moved a day later without anyone choosing it)."""
    store = Store(tmp_path / "alex", actor="Alex Patel")
    visit_id = make_visit(store, TemplateLibrary.load())
    (template, item), = first_items(store, visit_id, 1)
    raised = open_visit(store, visit_id).raise_action(template, item, "Fix the fire dor", ConcernLevel.HIGH,
                                                      store.clock.now())
    store.clock.advance(dt.timedelta(days=1))
    mended = open_visit(store, visit_id).raise_action(template, item, "Fix the fire door", ConcernLevel.HIGH,
                                                      store.clock.now())
    assert (mended.text, mended.raised_at, mended.due_at) == ("Fix the fire door", raised.raised_at, raised.due_at)
    assert open_visit(store, visit_id).checklists[template].record(item).action == mended  # as stored
    now = store.clock.now()
    relevelled = open_visit(store, visit_id).raise_action(template, item, "Fix the fire door", ConcernLevel.MEDIUM, now)
    assert relevelled.raised_at == now and relevelled.due_at != raised.due_at  # the level: the officer's choice
    store.close()
