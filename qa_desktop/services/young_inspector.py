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

from qa_desktop.domain.roles import NotAllowed, require_officer, require_visit_access
from qa_desktop.domain.visits import VisitRuleError
from qa_desktop.domain.young_inspectors import Comfort, Tint, Typeface, WithdrawalReason
from qa_desktop.forms.checklist import Checklist
from qa_desktop.forms.template import Audience, Section, parse_template
from qa_desktop.services.visits import OpenVisit, open_visit
from qa_desktop.store.database import Store
from qa_desktop.store.models import Visit, VisitTemplate, YoungInspector


@dataclass
class YoungInspectorForm:
    place: str
    visit_date: dt.date
    accepted_by: str | None
    _visit: OpenVisit
    _key: str
    young_inspector_id: str | None = None
    withdrawn: Withdrawal | None = None

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
        if self.withdrawn:
            raise VisitRuleError(f"This form was withdrawn by {self.withdrawn.by}, so it can no longer be changed.")
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
        key, accepted_by, withdrawn = part.template_key, part.accepted_by, _withdrawal(part)
        if withdrawn is not None and not store.user.is_officer:
            raise VisitRuleError("This Young Inspector form was withdrawn, so it can no longer be filled in.")
        place = visit.setting.name
        young_inspector_id = part.young_inspector_id
    form = open_visit(store, visit_id, only=[key], busy_ms=busy_ms)
    return YoungInspectorForm(place, visit.visit_date, accepted_by, form, key, young_inspector_id, withdrawn)


def accept_young_inspector_form(store: Store, visit_id: str, officer: str,
                                now: dt.datetime | None = None) -> None:
    """The officer has reviewed the form: it becomes part of the visit. Refused while questions
    the form needs are unanswered (the officer hands the laptop back rather than guessing)."""
    require_officer(store.user, "or accept forms into a visit")
    officer = officer.strip()
    if not officer:
        raise VisitRuleError("Say which officer is accepting the form.")
    form = open_young_inspector_form(store, visit_id)
    if form.withdrawn:
        raise VisitRuleError(f"This form was withdrawn by {form.withdrawn.by}: there is nothing to accept.")
    if form.accepted_by:
        raise VisitRuleError(f"This form was already accepted by {form.accepted_by}.")
    missing = form.unanswered()
    if missing:
        raise VisitRuleError("The Young Inspector has not answered yet:\n" + "\n".join(f"• {m}" for m in missing))
    with store.write() as changes:
        part = _form_part(changes.session, visit_id)
        changes.update(part, accepted_by=officer, accepted_at=now or changes.now())


# -- withdrawing a form (issue 16, item 6) -------------------------------------------------------------

@dataclass(frozen=True)
class Withdrawal:
    """Why a Young Inspector form was withdrawn, by whom and when."""

    reason: WithdrawalReason
    detail: str
    by: str
    at: dt.datetime


def _withdrawal(part: VisitTemplate) -> Withdrawal | None:
    if part.withdrawn_reason is None:
        return None
    return Withdrawal(part.withdrawn_reason, part.withdrawn_detail or "", part.withdrawn_by or "",
                      part.withdrawn_at or part.updated_at)


def young_inspector_withdrawal(store: Store, visit_id: str) -> Withdrawal | None:
    """Whether the visit's Young Inspector form was withdrawn (``None`` also when it has none)."""
    require_officer(store.user, "or see whether a Young Inspector took part")
    with store.read() as session:
        try:
            return _withdrawal(_form_part(session, visit_id))
        except VisitRuleError:
            return None


def withdraw_young_inspector_form(store: Store, visit_id: str, *, reason: WithdrawalReason, detail: str,
                                  officer: str, now: dt.datetime) -> None:
    """An officer withdraws the visit's Young Inspector form (the young person opted out, or none was
    free), so the visit can complete without it. Recorded with the reason, who and when: it syncs and
    is in the audit trail. Answers already given are kept, never deleted; the report then says a
    Young Inspector was due but did not take part. Refused once the form was accepted."""
    require_officer(store.user, "or withdraw a Young Inspector form")
    officer, detail = officer.strip(), detail.strip()
    if not officer:
        raise VisitRuleError("Say which officer is withdrawing the form.")
    if reason is WithdrawalReason.OTHER and not detail:
        raise VisitRuleError("Say why the form is withdrawn (the reason is 'another reason').")
    with store.write() as changes:
        part = _form_part(changes.session, visit_id)
        if part.accepted_by:
            raise VisitRuleError(f"This form was accepted into the visit by {part.accepted_by}, so it cannot be "
                                 "withdrawn.")
        if part.withdrawn_reason is not None:
            raise VisitRuleError(f"This form was already withdrawn by {part.withdrawn_by}.")
        changes.update(part, withdrawn_reason=reason, withdrawn_detail=detail or None, withdrawn_by=officer,
                       withdrawn_at=now)


# -- the Young Inspectors the team works with, and how they like to read ----------------------------------

@dataclass(frozen=True)
class YoungInspectorProfile:
    id: str
    name: str
    comfort: Comfort


def _profile(row: YoungInspector) -> YoungInspectorProfile:
    return YoungInspectorProfile(row.id, row.name, Comfort(Tint(row.tint), Typeface(row.typeface), row.text_size,
                                                           row.line_spacing))


def young_inspectors(store: Store) -> list[YoungInspectorProfile]:
    """The Young Inspectors on the programme's roster a form can be handed to (not those who opted out
    of the programme), by name."""
    require_officer(store.user, "the list of Young Inspectors")
    with store.read() as session:
        rows = session.scalars(select(YoungInspector).where(YoungInspector.deleted.is_(False),
                                                            YoungInspector.opted_out_on.is_(None))).all()
        return sorted((_profile(r) for r in rows), key=lambda p: p.name.lower())


def add_young_inspector(store: Store, name: str) -> str:
    """Add a Young Inspector by the name the officers know them by; their id."""
    require_officer(store.user, "or add Young Inspectors")
    name = " ".join(name.split())
    if not name:
        raise VisitRuleError("Type the Young Inspector's name (a first name is enough).")
    with store.write() as changes:
        taken = changes.session.scalars(select(YoungInspector.name).where(YoungInspector.deleted.is_(False))).all()
        if any(other.lower() == name.lower() for other in taken):
            raise VisitRuleError(f"{name} is already on the list of Young Inspectors: choose them there.")
        return changes.create(YoungInspector, name=name).id


def hand_form_to(store: Store, visit_id: str, young_inspector_id: str) -> None:
    """Record which Young Inspector the visit's form is handed to (their reading comfort follows)."""
    require_officer(store.user, "or hand the laptop over")
    with store.write() as changes:
        part = _form_part(changes.session, visit_id)
        person = changes.session.get(YoungInspector, young_inspector_id)
        if person is None or person.deleted:
            raise VisitRuleError("That Young Inspector is not on this laptop's list (sync, or add them).")
        if part.withdrawn_reason is not None:
            raise VisitRuleError(f"This form was withdrawn by {part.withdrawn_by}, so it cannot be handed over.")
        if part.accepted_by:
            raise VisitRuleError(f"This form was already accepted by {part.accepted_by}.")
        changes.update(part, young_inspector_id=young_inspector_id)


def _may_see_profile(store: Store, session: Any, young_inspector_id: str) -> None:
    """Officers see anyone's; a Young Inspector only their own: the one their visit's form was handed to."""
    if store.user.is_officer:
        return
    visit_id = store.user.assigned_visit
    part = _form_part(session, visit_id) if visit_id else None
    if part is None or part.young_inspector_id != young_inspector_id:
        raise NotAllowed("A Young Inspector can change only their own reading settings.")


def reading_comfort(store: Store, young_inspector_id: str) -> Comfort:
    with store.read() as session:
        _may_see_profile(store, session, young_inspector_id)
        row = session.get(YoungInspector, young_inspector_id)
        if row is None or row.deleted:
            raise VisitRuleError("That Young Inspector is not on this laptop's list.")
        return _profile(row).comfort


def set_reading_comfort(store: Store, young_inspector_id: str, comfort: Comfort) -> None:
    """Keep how this Young Inspector likes to read (their own screen may change it, for them only)."""
    with store.write() as changes:
        _may_see_profile(store, changes.session, young_inspector_id)
        row = changes.session.get(YoungInspector, young_inspector_id)
        if row is None or row.deleted:
            raise VisitRuleError("That Young Inspector is not on this laptop's list.")
        changes.update(row, tint=comfort.tint, typeface=comfort.typeface, text_size=comfort.text_size,
                       line_spacing=comfort.line_spacing)
