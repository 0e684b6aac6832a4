"""The Young Inspector's form, and the officer's acceptance of it into the visit.

A Young Inspector (a care leaver) fills in their own short form on the officer's laptop. What
they are handed is a ``YoungInspectorForm``: the questions and their own answers for one visit,
the setting's name and the date, and nothing else. It is loaded with ``open_visit(only=...)``,
so the officers' findings, notes, photos and actions of the same visit are never even read into
it, and it can change only its own answers. (Issue 8 adds roles on top of this.)

Once the officer has read the form with the Young Inspector and accepted it, it is part of the
visit's record: it counts towards completing the visit, feeds the Young Inspector report, and
can no longer be changed from the Young Inspector's screen.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from qa_desktop.domain.roles import require_officer, require_visit_access
from qa_desktop.domain.visits import VisitRuleError
from qa_desktop.forms.checklist import Checklist
from qa_desktop.forms.template import Audience, Section, parse_template
from qa_desktop.services.visits import OpenVisit, open_visit
from qa_desktop.store.database import Store
from qa_desktop.store.models import Visit, VisitTemplate


@dataclass
class YoungInspectorForm:
    place: str
    visit_date: dt.date
    accepted_by: str | None
    _visit: OpenVisit
    _key: str

    @property
    def checklist(self) -> Checklist:
        return self._visit.checklists[self._key]

    @property
    def title(self) -> str:
        return self.checklist.template.title

    def pages(self) -> list[Section]:
        """One short page per section of the form, in order."""
        return [s for s in self.checklist.sections() if self.checklist.visible_items(s)]

    def _check_open(self) -> None:
        if self.accepted_by:
            raise VisitRuleError(f"This form was accepted by {self.accepted_by}, so it can no longer be changed.")

    def set_answer(self, item_key: str, value: Any) -> Any:
        self._check_open()
        return self._visit.set_answer(self._key, item_key, value)

    def clear_answer(self, item_key: str) -> None:
        self._check_open()
        self._visit.clear_answer(self._key, item_key)

    def unanswered(self) -> list[str]:
        """The questions that must be answered, in the form's own words, still without an answer."""
        return [item.label for item in self.checklist.missing_required()]


def _form_part(session: Any, visit_id: str) -> VisitTemplate:
    parts = session.scalars(select(VisitTemplate).where(VisitTemplate.visit_id == visit_id,
                                                        VisitTemplate.deleted.is_(False))).all()
    for part in parts:  # the audience is in the snapshot the visit was started with
        if parse_template(part.snapshot.text, part.template_key).audience is Audience.YOUNG_INSPECTOR:
            return part
    raise VisitRuleError("This visit has no Young Inspector form. An officer can add one from the visit screen.")


def has_young_inspector_form(store: Store, visit_id: str) -> bool:
    with store.read() as session:
        try:
            _form_part(session, visit_id)
        except VisitRuleError:
            return False
    return True


def open_young_inspector_form(store: Store, visit_id: str, *, busy_ms: int | None = None) -> YoungInspectorForm:
    require_visit_access(store.user, visit_id, young_inspector_form_only=True)
    with store.read() as session:
        visit = session.get(Visit, visit_id)
        if visit is None or visit.deleted:
            raise VisitRuleError("That visit does not exist (it may have been deleted).")
        part = _form_part(session, visit_id)
        key, accepted_by = part.template_key, part.accepted_by
        place = visit.setting.name
    form = open_visit(store, visit_id, only=[key], busy_ms=busy_ms)
    return YoungInspectorForm(place, visit.visit_date, accepted_by, form, key)


def accept_young_inspector_form(store: Store, visit_id: str, officer: str,
                                now: dt.datetime | None = None) -> None:
    """The officer has reviewed the form: it becomes part of the visit. Refused while questions
    the form needs are unanswered (the officer hands the laptop back rather than guessing)."""
    require_officer(store.user, "or accept forms into a visit")
    officer = officer.strip()
    if not officer:
        raise VisitRuleError("Say which officer is accepting the form.")
    form = open_young_inspector_form(store, visit_id)
    if form.accepted_by:
        raise VisitRuleError(f"This form was already accepted by {form.accepted_by}.")
    missing = form.unanswered()
    if missing:
        raise VisitRuleError("The Young Inspector has not answered yet:\n" + "\n".join(f"• {m}" for m in missing))
    with store.write() as changes:
        part = _form_part(changes.session, visit_id)
        changes.update(part, accepted_by=officer, accepted_at=now or changes.now())
