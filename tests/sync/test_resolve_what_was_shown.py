"""Resolving a conflict writes over the values the officer was shown, not over one that arrived after
the list was drawn: that one stays beside the choice, still a conflict, never dropped unseen."""

from __future__ import annotations

from qa_desktop.forms.checklist import MET, NOT_APPLICABLE, NOT_MET
from qa_desktop.services.visits import open_visit
from qa_desktop.sync.conflicts import list_conflicts, resolve
from qa_desktop.sync.engine import sync
from tests.sync.conftest import first_items, make_visit


def test_a_choice_made_over_the_values_shown_keeps_a_value_that_arrived_since(laptops, folder, library):
    alex, jo, sam = laptops("alex", "jo", "sam")
    visit_id = make_visit(alex, library)
    for laptop in (alex, jo, sam):
        sync(laptop, folder)
    (template, item), = first_items(alex, visit_id, 1)
    open_visit(alex, visit_id).set_answer(template, item, MET)
    open_visit(jo, visit_id).set_answer(template, item, NOT_MET)
    sync(jo, folder)
    sync(alex, folder)
    (shown,) = list_conflicts(alex)                     # Alex's list shows Met and Not met
    open_visit(sam, visit_id).set_answer(template, item, NOT_APPLICABLE)
    sync(sam, folder)
    sync(alex, folder)                                  # Sam's N/A arrives while the list is open
    resolve(alex, shown.key, NOT_MET, shown=[v.op_id for v in shown.values])
    (left,) = list_conflicts(alex)
    assert sorted(v.value for v in left.values) == sorted([NOT_MET, NOT_APPLICABLE])  # Sam's kept, not lost
    resolve(alex, left.key, NOT_APPLICABLE)            # a choice made over everything closes it
    assert list_conflicts(alex) == []
