"""Starting a visit and filling it in, each change saved as it is made (autosave is the normal state).

``start_visit`` stores a snapshot of the exact text of every template the visit uses, and
``open_visit`` rebuilds the checklists from those snapshots, never from the library: a template
edited or upgraded afterwards cannot change a visit already begun or a report already issued.

Each ``OpenVisit`` method checks the input against the item first, then commits it in its own
unit of work through ``Changes`` (so it is recorded for sync), then updates the checklist in
memory: an answer the screen shows is an answer on disk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from qa_desktop.domain.roles import NotAllowed, require_officer, require_visit_access
from qa_desktop.domain.timescales import ConcernLevel
from qa_desktop.domain.visits import VisitLevel, VisitReason, VisitRuleError, VisitStatus, check_officers
from qa_desktop.forms.checklist import Checklist, DocumentSeen, Evidence, RaisedAction, check_answer, make_action
from qa_desktop.forms.library import TemplateLibrary
from qa_desktop.forms.template import Audience, Item, ResponseType, Template, parse_template
from qa_desktop.store.changes import Changes, derived_id
from qa_desktop.store.database import Store
from qa_desktop.store.models import Answer, Provider, Setting, TemplateSnapshot, Visit, VisitAction, VisitTemplate


def encode_value(item: Item, value: Any) -> Any:
    """An answer as JSON for the database and the op log."""
    if value is None:
        return None
    if item.response is ResponseType.DOCUMENT:
        return {"seen": value.seen, "dated": value.dated.isoformat() if value.dated else None,
                "expires": value.expires.isoformat() if value.expires else None}
    if item.response is ResponseType.DATE:
        return value.isoformat()
    return value


def decode_value(item: Item, stored: Any) -> Any:
    if stored is None:
        return None
    if item.response is ResponseType.DOCUMENT:
        def day(text: str | None) -> dt.date | None:
            return dt.date.fromisoformat(text) if text else None
        return DocumentSeen(bool(stored["seen"]), day(stored.get("dated")), day(stored.get("expires")))
    if item.response is ResponseType.DATE:
        return dt.date.fromisoformat(stored)
    return stored


def start_visit(store: Store, library: TemplateLibrary, *, setting_id: str, visit_date: dt.date,
                level: VisitLevel, announced: bool, officers: Sequence[str], reason: VisitReason,
                templates: Sequence[Template] | None = None) -> str:
    """Create a visit with its checklists; returns its id. Refuses what the framework forbids."""
    require_officer(store.user, "or start visits")
    names = check_officers(announced, officers)
    with store.write() as changes:
        setting = changes.session.get(Setting, setting_id)
        if setting is None or setting.deleted:
            raise VisitRuleError("That setting is not in the register (it may have been deleted).")
        provider = changes.session.get(Provider, setting.provider_id)
        chosen = list(templates) if templates is not None else library.for_visit(level, provider.service_type)
        if not chosen:
            raise VisitRuleError(f"No visit template covers a {level.label} visit to a {provider.service_type.label}.")
        for template in chosen:
            if level.value not in template.scopes:
                raise VisitRuleError(f"{template.title} is not used on a {level.label} visit.")
        visit = changes.create(Visit, setting_id=setting.id, visit_date=visit_date, level=level, announced=announced,
                               reason=reason, status=VisitStatus.IN_PROGRESS, officers=names)
        for position, template in enumerate(chosen):
            snapshot = _snapshot(changes, template)
            changes.create(VisitTemplate, id=derived_id("visit_template", visit.id, template.key),
                           visit_id=visit.id, snapshot_id=snapshot.id, template_key=template.key,
                           scope=level.value, position=position)
        return visit.id


def add_young_inspector_form(store: Store, library: TemplateLibrary, visit_id: str) -> str:
    """Add the Young Inspector form to a visit (the officer assigns it); returns the template key."""
    require_officer(store.user, "or add forms to visits")
    form = next((t for t in library.latest() if t.audience is Audience.YOUNG_INSPECTOR), None)
    if form is None:
        raise VisitRuleError("No Young Inspector form is installed.")
    with store.write() as changes:
        visit = changes.session.get(Visit, visit_id)
        if visit is None or visit.deleted:
            raise VisitRuleError("That visit does not exist (it may have been deleted).")
        if visit.level.value not in form.scopes:
            raise VisitRuleError(f"Young Inspectors do not take part in a {visit.level.label} visit.")
        parts = changes.session.scalars(select(VisitTemplate).where(VisitTemplate.visit_id == visit_id)).all()
        if any(p.template_key == form.key for p in parts):
            return form.key
        changes.create(VisitTemplate, id=derived_id("visit_template", visit_id, form.key), visit_id=visit_id,
                       snapshot_id=_snapshot(changes, form).id, template_key=form.key, scope=visit.level.value,
                       position=len(parts))
    return form.key


def _snapshot(changes: Changes, template: Template) -> TemplateSnapshot:
    snapshot_id = derived_id("template", template.key, str(template.version), template.digest)
    existing = changes.session.get(TemplateSnapshot, snapshot_id)
    if existing is not None:
        return existing
    return changes.create(TemplateSnapshot, id=snapshot_id, key=template.key, version=template.version,
                          digest=template.digest, text=template.text)


@dataclass
class OpenVisit:
    """A visit being filled in: its checklists in template order, bound to the store."""

    store: Store
    visit_id: str
    visit_date: dt.date
    checklists: dict[str, Checklist]

    def _item(self, template_key: str, item_key: str) -> tuple[Checklist, Item]:
        checklist = self.checklists[template_key]
        return checklist, checklist.template.item(item_key)

    def _answer_row(self, changes: Changes, template_key: str, item_key: str) -> Answer:
        answer_id = derived_id("answer", self.visit_id, template_key, item_key)
        row = changes.session.get(Answer, answer_id)
        if row is None:
            row = changes.create(Answer, id=answer_id, visit_id=self.visit_id, template_key=template_key,
                                 item_key=item_key, value=None, note=None, evidence=[])
        return row

    def set_answer(self, template_key: str, item_key: str, value: Any) -> Any:
        checklist, item = self._item(template_key, item_key)
        clean = check_answer(item, value)
        with self.store.write() as changes:
            changes.update(self._answer_row(changes, template_key, item_key), value=encode_value(item, clean))
        checklist.record(item_key).answer = clean
        return clean

    def clear_answer(self, template_key: str, item_key: str) -> None:
        checklist, _ = self._item(template_key, item_key)
        with self.store.write() as changes:
            changes.update(self._answer_row(changes, template_key, item_key), value=None)
        checklist.clear_answer(item_key)

    def set_note(self, template_key: str, item_key: str, text: str) -> None:
        require_officer(self.store.user, "or write officers' notes")
        checklist, _ = self._item(template_key, item_key)
        with self.store.write() as changes:
            changes.update(self._answer_row(changes, template_key, item_key), note=text)
        checklist.set_note(item_key, text)

    def add_evidence(self, template_key: str, item_key: str, blob_hash: str, caption: str = "") -> None:
        require_officer(self.store.user, "or add photos")
        checklist, _ = self._item(template_key, item_key)
        with self.store.write() as changes:
            row = self._answer_row(changes, template_key, item_key)
            stored = list(row.evidence or [])
            if all(e.get("blob") != blob_hash for e in stored):
                changes.update(row, evidence=[*stored, {"blob": blob_hash, "caption": caption.strip()}])
        checklist.add_evidence(item_key, blob_hash, caption)

    def attach_photo(self, template_key: str, item_key: str, source: Path, caption: str = "") -> str:
        """Store a photo from disk (upright, shrunk, hashed) and attach it with its caption."""
        self._item(template_key, item_key)
        blob = self.store.blobs.put_photo(source)
        self.add_evidence(template_key, item_key, blob, caption)
        return blob

    def raise_action(self, template_key: str, item_key: str, text: str, level: ConcernLevel,
                     raised_at: dt.datetime) -> RaisedAction:
        require_officer(self.store.user, "or raise actions")
        checklist, _ = self._item(template_key, item_key)
        action = make_action(text, level, raised_at)
        action_id = derived_id("visit_action", self.visit_id, template_key, item_key)
        with self.store.write() as changes:
            row = changes.session.get(VisitAction, action_id)
            fields = {"text": action.text, "level": action.level, "raised_at": action.raised_at,
                      "due_at": action.due_at}
            if row is None:
                changes.create(VisitAction, id=action_id, visit_id=self.visit_id, template_key=template_key,
                               item_key=item_key, **fields)
            else:
                changes.update(row, **fields)
        checklist.record(item_key).action = action
        return action

    def problems_before_completion(self) -> list[str]:
        problems = [f"{c.template.title}: {p}" for c in self.checklists.values() for p in c.problems_before_completion()]
        with self.store.read() as session:
            waiting = session.scalars(select(VisitTemplate.template_key).where(
                VisitTemplate.visit_id == self.visit_id, VisitTemplate.deleted.is_(False),
                VisitTemplate.accepted_by.is_(None))).all()
        problems += [f"{self.checklists[key].template.title}: not yet reviewed and accepted by an officer"
                     for key in waiting if key in self.checklists
                     and self.checklists[key].template.audience is Audience.YOUNG_INSPECTOR]
        return problems

    def complete(self) -> None:
        """Mark the visit completed; refused, with every reason, while anything is missing."""
        require_officer(self.store.user, "or complete visits")
        problems = self.problems_before_completion()
        if problems:
            raise VisitRuleError("The visit cannot be completed yet:\n" + "\n".join(problems))
        with self.store.write() as changes:
            changes.update(changes.session.get(Visit, self.visit_id), status=VisitStatus.COMPLETED)


def open_visit(store: Store, visit_id: str, only: Sequence[str] | None = None) -> OpenVisit:
    """Rebuild a visit's checklists from its own template snapshots and saved answers; with
    ``only``, just those templates' (nothing of the others is read). A Young Inspector gets only
    the Young Inspector form of the visit they are assigned to."""
    young_inspector = not store.user.is_officer
    require_visit_access(store.user, visit_id, young_inspector_form_only=only is not None)
    with store.read() as session:
        visit = session.get(Visit, visit_id)
        if visit is None or visit.deleted:
            raise VisitRuleError("That visit does not exist (it may have been deleted).")
        wanted = [VisitTemplate.template_key.in_(only)] if only is not None else []
        parts = session.scalars(select(VisitTemplate).where(VisitTemplate.visit_id == visit_id,
                                                            VisitTemplate.deleted.is_(False), *wanted)
                                .order_by(VisitTemplate.position)).all()
        checklists: dict[str, Checklist] = {}
        for part in parts:
            snapshot = part.snapshot
            template = parse_template(snapshot.text, f"{snapshot.key} v{snapshot.version} (as started)")
            if young_inspector and template.audience is not Audience.YOUNG_INSPECTOR:
                raise NotAllowed("A Young Inspector can open only the Young Inspector form, not the officers' checklists.")
            checklists[part.template_key] = Checklist(template, part.scope, visit.visit_date)
        keys = list(checklists)
        for row in session.scalars(select(Answer).where(Answer.visit_id == visit_id, Answer.deleted.is_(False),
                                                        Answer.template_key.in_(keys))):
            checklist = checklists.get(row.template_key)
            if checklist is None:
                continue
            try:
                item = checklist.template.item(row.item_key)
            except KeyError:
                continue
            record = checklist.record(row.item_key)
            record.answer = decode_value(item, row.value)
            record.note = row.note or ""
            record.evidence = [Evidence(e["blob"], e.get("caption", "")) for e in row.evidence or []]
        for row in session.scalars(select(VisitAction).where(VisitAction.visit_id == visit_id,
                                                             VisitAction.deleted.is_(False),
                                                             VisitAction.template_key.in_(keys))):
            if row.template_key in checklists:
                checklists[row.template_key].record(row.item_key).action = RaisedAction(
                    row.text, row.level, row.raised_at, row.due_at)
        return OpenVisit(store, visit_id, visit.visit_date, checklists)


