"""Starting a visit and filling it in, each change saved as it is made (autosave is the normal state).

``start_visit`` stores a snapshot of the exact text of every template the visit uses, and
``open_visit`` rebuilds the checklists from those snapshots, never from the library: a template
edited or upgraded afterwards cannot change a visit already begun or a report already issued.

Each ``OpenVisit`` method checks the input against the item first, then commits it in its own
unit of work through ``Changes`` (so it is recorded for sync), then updates the checklist in
memory: an answer the screen shows is an answer on disk.

An ``OpenVisit`` remembers, per field, which ops the values it holds came from (``seen``), and
every edit is written over those, not over whatever the database holds by then. If the other
officer's answer arrived (a sync, a bundle, another program) after the screen was drawn and the
screen never showed it, the edit is concurrent with it, and both are kept as a conflict.
``reload`` reads the visit again after such a change, keeping what the screen is still editing.

An edit is put in the checklist before it is written: if another program holds the data file
(``StoreBusy``), the screen still shows what the officer entered, the field stays ``pending`` with
what was seen when it was entered, and a later retry (or reload) keeps both, so a redraw, a change
arriving from elsewhere or a second edit never loses it or writes it over an unseen value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qa_desktop.domain.roles import NotAllowed, require_officer, require_visit_access
from qa_desktop.domain.timescales import ConcernLevel
from qa_desktop.domain.visits import (
    VisitCompleted,
    VisitLevel,
    VisitReason,
    VisitRuleError,
    VisitStatus,
    check_officers,
)
from qa_desktop.forms.checklist import Checklist, DocumentSeen, Evidence, RaisedAction, check_answer, make_action
from qa_desktop.forms.library import TemplateLibrary
from qa_desktop.forms.template import Audience, Item, ResponseType, Template, parse_template
from qa_desktop.services.council import framework
from qa_desktop.services.differences import count_differences
from qa_desktop.store.changes import Changes, derived_id
from qa_desktop.store.database import Store
from qa_desktop.store.driver import driver_rows
from qa_desktop.store.models import Answer, Setting, TemplateSnapshot, Visit, VisitAction, VisitTemplate
from qa_desktop.store.oplog import canonical, field_state, local_base, ops_of_entities, state_of


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
        provider = setting.provider
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


FieldKey = tuple[str, str, str]  # template key, item key, field ("value", "note", "evidence", "action")


@dataclass
class _Undo:
    """Puts an item's answer and note back as they were if a completed visit refuses the edit: the
    screen then shows what is saved, with the refusal in words, never an edit that was not saved."""

    visit: OpenVisit
    template_key: str
    item_key: str
    answer: Any
    note: str
    names: list[str]

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: object) -> None:
        if isinstance(error, VisitCompleted):
            record = self.visit.checklists[self.template_key].record(self.item_key)
            record.answer, record.note = self.answer, self.note
            self.visit.pending -= {(self.template_key, self.item_key, name) for name in self.names}
_ANSWER_FIELDS = ("value", "note", "evidence")
_ACTION_FIELDS = ("text", "level", "raised_at", "due_at")


#: The fields of a row that have several heads (``store.oplog.refresh_heads``).
_SEVERAL_HEADS = "SELECT field FROM field_heads WHERE entity = ? AND entity_id = ?"

#: Asked before every save of an answer, note or photo: by the driver (``store.driver``: the id and the
#: status, a ``VisitStatus`` value, are plain text), as SQLAlchemy's statement said it (its handling was
#: most of the look-up's 0.3 ms on a slow laptop: issue 22).
_VISIT_STATUS = "SELECT status FROM visits WHERE id = ?"
#: Whether an item's answer row is there yet (its id is plain text: by the driver, ``store.driver``).
_ANSWER_THERE = "SELECT 1 FROM answers WHERE id = ?"


@dataclass
class OpenVisit:
    """A visit being filled in: its checklists in template order, bound to the store.

    ``busy_ms``: how long a save waits for another program's write before ``StoreBusy`` (the
    window passes a short wait and retries; the command line waits as usual)."""

    store: Store
    visit_id: str
    visit_date: dt.date
    checklists: dict[str, Checklist]
    seen: dict[FieldKey, list[str]] = field(default_factory=dict)
    busy_ms: int | None = None
    #: Fields entered on screen but not yet written (another program held the data file).
    pending: set[FieldKey] = field(default_factory=set)
    #: A save made an answer or action row over the other officer's that had arrived in part
    #: (``Changes.remade``): the row holds their note, photos or words too, and maybe a difference,
    #: which this screen has not shown; read the visit again (``took_in_theirs``).
    brought_in: bool = False

    def took_in_theirs(self) -> bool:
        """Whether a save since the last ask brought the other officer's values in (``brought_in``)."""
        brought, self.brought_in = self.brought_in, False
        return brought

    def reload(self, keep: Iterable[FieldKey] = ()) -> set[tuple[str, str]]:
        """Read the visit's answers and actions again (after a change made elsewhere); returns the
        ``(template key, item key)`` whose shown record changed. Fields in ``keep`` (a note being
        typed) keep their value and what was seen of them, so saving them later is still written
        over only what the officer saw."""
        kept = set(keep) | self.pending
        fresh = open_visit(self.store, self.visit_id, only=list(self.checklists), busy_ms=self.busy_ms)
        changed: set[tuple[str, str]] = set()
        for key, checklist in fresh.checklists.items():
            mine = self.checklists.get(key)
            if mine is None:
                continue
            for item in checklist.template.items:
                new, old = checklist.record(item.key), mine.record(item.key)
                if (key, item.key, "note") in kept:
                    new.note = old.note
                if (key, item.key, "value") in kept:
                    new.answer = old.answer
                if any((key, item.key, name) in kept for name in _ACTION_FIELDS):
                    new.action = old.action
                if new != old:
                    changed.add((key, item.key))
            self.checklists[key] = checklist
        for field_key, heads in fresh.seen.items():
            if field_key not in kept:
                self.seen[field_key] = heads
        return changed

    def _seen(self, template_key: str, item_key: str, *names: str) -> dict[str, list[str]]:
        return {name: self.seen.get((template_key, item_key, name), []) for name in names}

    def _wrote(self, changes: Changes, entity: str, row_id: str, template_key: str, item_key: str,
               names: Sequence[str], as_name: str | None = None,
               alike: dict[str, list[str]] | None = None) -> None:
        """After a save the screen has seen its own edit, and the heads holding the same value
        (``_alike``), nothing else of the field."""
        for name in names:
            op_id = changes.written.get((entity, row_id, name))
            if op_id is not None:
                self.seen[(template_key, item_key, as_name or name)] = [op_id, *(alike or {}).get(name, [])]

    @staticmethod
    def _alike(changes: Changes, entity: str, row_id: str, names: Sequence[str]) -> dict[str, list[str]]:
        """Per field just written, the other heads that hold the value written: the other officer's
        identical words, arrived since the screen looked, are one value with the edit, so the screen
        has seen them too. Counted out of the screen's seen (review, session 7), the next edit was
        written over its own alone and reopened a "difference" between identical words. Read inside
        the unit of work, after its ops are written; only a field with several heads is looked at (a
        row of ``field_heads``: nearly never)."""
        changes.flush_ops()
        if (entity, row_id) in changes.fresh:  # its fields hold this unit's ops alone (``Changes.fresh``)
            return {}
        several = {row[0] for row in driver_rows(changes.session.connection(), _SEVERAL_HEADS, (entity, row_id))}
        alike: dict[str, list[str]] = {}
        for name in several.intersection(names):
            mine = changes.written.get((entity, row_id, name))
            state = state_of(changes.session, entity, row_id, name)
            written = next((h for h in state.heads if h.op_id == mine), None) if state else None
            if state is not None and written is not None:
                value = canonical(written.value)
                alike[name] = [h.op_id for h in state.heads if h.op_id != mine and canonical(h.value) == value]
        return alike

    def _item(self, template_key: str, item_key: str) -> tuple[Checklist, Item]:
        checklist = self.checklists[template_key]
        return checklist, checklist.template.item(item_key)

    def _still_open(self, changes: Changes) -> None:
        """Refuse an edit to a completed visit, inside the unit of work that would write it (so a
        completion that arrived a moment ago from another program is seen)."""
        found = driver_rows(changes.session.connection(), _VISIT_STATUS, (self.visit_id,))
        if found and found[0][0] == VisitStatus.COMPLETED.value:
            raise VisitCompleted()

    def _answer_row(self, changes: Changes, template_key: str, item_key: str) -> Answer:
        answer_id = derived_id("answer", self.visit_id, template_key, item_key)
        session = changes.session
        # an item's first answer (most answers are) has no row yet: one look-up by key says so, and the
        # ORM's load of the row (half a millisecond, issue 22) runs only for a row that is there, or when
        # this unit of work has made rows not yet in the file (the ORM knows of those)
        there = bool(session.new) or bool(driver_rows(session.connection(), _ANSWER_THERE, (answer_id,)))
        row = session.get(Answer, answer_id) if there else None
        if row is None:
            row = changes.create(Answer, id=answer_id, visit_id=self.visit_id, template_key=template_key,
                                 item_key=item_key, value=None, note=None, evidence=[])
            self.brought_in |= ("answers", answer_id) in changes.remade
        return row

    def _writing(self, template_key: str, item_key: str, names: Sequence[str]) -> set[FieldKey]:
        """Mark fields pending until their write is committed (``StoreBusy`` leaves them so)."""
        keys = {(template_key, item_key, name) for name in names}
        self.pending |= keys
        return keys

    def _save_answer(self, template_key: str, item_key: str, **fields: Any) -> None:
        keys = self._writing(template_key, item_key, list(fields))
        with self.store.write(busy_ms=self.busy_ms) as changes:
            self._still_open(changes)
            row = self._answer_row(changes, template_key, item_key)
            changes.update(row, seen=self._seen(template_key, item_key, *fields), **fields)
            alike = self._alike(changes, "answers", row.id, list(fields))
        self._wrote(changes, "answers", row.id, template_key, item_key, list(fields), alike=alike)
        self.pending -= keys

    def _kept_unless_refused(self, template_key: str, item_key: str, names: Sequence[str]) -> _Undo:
        """What to put back on screen if a completed visit refuses the edit (it was never saved)."""
        record = self.checklists[template_key].record(item_key)
        return _Undo(self, template_key, item_key, record.answer, record.note, list(names))

    def set_answer(self, template_key: str, item_key: str, value: Any) -> Any:
        checklist, item = self._item(template_key, item_key)
        clean = check_answer(item, value)
        with self._kept_unless_refused(template_key, item_key, ["value"]):
            checklist.record(item_key).answer = clean  # shown as entered, saved or not yet (see the docstring)
            self._save_answer(template_key, item_key, value=encode_value(item, clean))
        return clean

    def clear_answer(self, template_key: str, item_key: str) -> None:
        checklist, _ = self._item(template_key, item_key)
        with self._kept_unless_refused(template_key, item_key, ["value"]):
            checklist.clear_answer(item_key)
            self._save_answer(template_key, item_key, value=None)

    def set_note(self, template_key: str, item_key: str, text: str) -> None:
        require_officer(self.store.user, "or write officers' notes")
        checklist, _ = self._item(template_key, item_key)
        with self._kept_unless_refused(template_key, item_key, ["note"]):
            checklist.set_note(item_key, text)
            self._save_answer(template_key, item_key, note=text)

    def add_evidence(self, template_key: str, item_key: str, blob_hash: str, caption: str = "") -> None:
        require_officer(self.store.user, "or add photos")
        checklist, _ = self._item(template_key, item_key)
        with self.store.write(busy_ms=self.busy_ms) as changes:
            self._still_open(changes)
            row = self._answer_row(changes, template_key, item_key)
            stored = list(row.evidence or [])
            if all(e.get("blob") != blob_hash for e in stored):
                # a photo list merges rather than conflicts (``store.oplog``), so it is written over
                # what the database holds: the other officer's photos are kept either way
                changes.update(row, evidence=[*stored, {"blob": blob_hash, "caption": caption.strip()}])
                self._wrote(changes, "answers", row.id, template_key, item_key, ["evidence"])
        checklist.add_evidence(item_key, blob_hash, caption)

    def set_evidence(self, template_key: str, item_key: str, photos: Sequence[Evidence]) -> None:
        """The item's photos as the officer left them (one deleted, re-captioned or replaced):
        written over the photo list this screen showed, so a photo the other officer added meanwhile
        is kept beside it (a photo list merges, ``store.oplog``)."""
        require_officer(self.store.user, "or change photos")
        checklist, _ = self._item(template_key, item_key)
        record = checklist.record(item_key)
        record.evidence = list(photos)
        self._save_answer(template_key, item_key,
                          evidence=[{"blob": p.blob, "caption": p.caption.strip()} for p in photos])

    def replace_photo(self, template_key: str, item_key: str, blob: str, source: Path) -> str:
        """Another picture in the place of ``blob``, with its caption."""
        self._item(template_key, item_key)
        new = self.store.blobs.put_photo(source)
        photos = self.checklists[template_key].record(item_key).evidence
        self.set_evidence(template_key, item_key, [Evidence(new, p.caption) if p.blob == blob else p for p in photos])
        return new

    def recaption_photo(self, template_key: str, item_key: str, blob: str, caption: str) -> None:
        photos = self.checklists[template_key].record(item_key).evidence
        self.set_evidence(template_key, item_key,
                          [Evidence(p.blob, caption.strip()) if p.blob == blob else p for p in photos])

    def remove_photo(self, template_key: str, item_key: str, blob: str) -> None:
        photos = self.checklists[template_key].record(item_key).evidence
        self.set_evidence(template_key, item_key, [p for p in photos if p.blob != blob])

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
        with self.store.read() as session:
            figures = framework(session)  # the council's Figure 8 timescales as they are now
        action = make_action(text, level, raised_at, figures)
        action_id = derived_id("visit_action", self.visit_id, template_key, item_key)
        earlier = checklist.record(item_key).action
        checklist.record(item_key).action = action
        fields = {"text": action.text, "level": action.level, "raised_at": action.raised_at, "due_at": action.due_at}
        keys = self._writing(template_key, item_key, list(fields))
        try:
            with self.store.write(busy_ms=self.busy_ms) as changes:
                self._still_open(changes)
                row = changes.session.get(VisitAction, action_id)
                if row is None:
                    changes.create(VisitAction, id=action_id, visit_id=self.visit_id, template_key=template_key,
                                   item_key=item_key, **fields)
                    self.brought_in |= ("visit_actions", action_id) in changes.remade
                else:
                    if earlier is not None and level is earlier.level:
                        # the words edited, the level as shown: only the words are written. The action
                        # was raised when it was and is due when it was (Figure 8 runs from the concern,
                        # not from a typo mended a day later, which gave an urgent action another day:
                        # session 7's closing note); where the two officers' levels, times and due dates
                        # differ, both of each stay to be chosen between, as the words do (raised again
                        # "now" settled them with no one choosing: walk7). The words are written over the
                        # words shown (``_EDITED_FROM_SHOWN``). A level changed is the officer's choice:
                        # raised now, due by it, written over what was shown, as an answer is.
                        action = RaisedAction(action.text, earlier.level, earlier.raised_at, earlier.due_at)
                        checklist.record(item_key).action = action
                        fields = {"text": action.text}
                    changes.update(row, seen=self._seen(template_key, item_key, *fields), **fields)
                alike = self._alike(changes, "visit_actions", action_id, list(fields))
        except VisitCompleted:
            checklist.record(item_key).action = earlier
            self.pending -= keys
            raise
        self._wrote(changes, "visit_actions", action_id, template_key, item_key, list(fields), alike=alike)
        self.pending -= keys
        return action

    def problems_before_completion(self) -> list[str]:
        with self.store.read() as session:
            # a withdrawn Young Inspector form (an opt-out, nobody free) is not waited for (issue 16)
            withdrawn = set(session.scalars(select(VisitTemplate.template_key).where(
                VisitTemplate.visit_id == self.visit_id, VisitTemplate.deleted.is_(False),
                VisitTemplate.withdrawn_reason.is_not(None))).all())
            waiting = session.scalars(select(VisitTemplate.template_key).where(
                VisitTemplate.visit_id == self.visit_id, VisitTemplate.deleted.is_(False),
                VisitTemplate.accepted_by.is_(None), VisitTemplate.withdrawn_reason.is_(None))).all()
        problems = [f"{c.template.title}: {p}" for key, c in self.checklists.items() if key not in withdrawn
                    for p in c.problems_before_completion()]
        problems += [f"{self.checklists[key].template.title}: not yet reviewed and accepted by an officer"
                     for key in waiting if key in self.checklists
                     and self.checklists[key].template.audience is Audience.YOUNG_INSPECTOR]
        with self.store.read() as session:
            differ = count_differences(session, self.visit_id)
        if differ:  # a report would show one officer's value and drop the other's finding
            problems.insert(0, f"{differ} difference{'s' if differ != 1 else ''} between the two officers' "
                               "answers or notes to resolve (marked ⚠ on the visit screen)")
        return problems

    def complete(self) -> None:
        """Mark the visit completed; refused, with every reason, while anything is missing."""
        require_officer(self.store.user, "or complete visits")
        problems = self.problems_before_completion()
        if problems:
            raise VisitRuleError("The visit cannot be completed yet:\n" + "\n".join(problems))
        with self.store.write(busy_ms=self.busy_ms) as changes:
            visit = changes.session.get(Visit, self.visit_id)
            if visit is None:
                raise VisitRuleError("That visit does not exist (it may have been deleted).")
            changes.update(visit, status=VisitStatus.COMPLETED)


def open_visit(store: Store, visit_id: str, only: Sequence[str] | None = None, *,
               busy_ms: int | None = None) -> OpenVisit:
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
                raise NotAllowed("A Young Inspector can open only the Young Inspector form, "
                                 "not the officers' checklists.")
            checklists[part.template_key] = Checklist(template, part.scope, visit.visit_date)
        keys = list(checklists)
        answers = session.scalars(select(Answer).where(Answer.visit_id == visit_id, Answer.deleted.is_(False),
                                                       Answer.template_key.in_(keys))).all()
        actions = session.scalars(select(VisitAction).where(VisitAction.visit_id == visit_id,
                                                            VisitAction.deleted.is_(False),
                                                            VisitAction.template_key.in_(keys))).all()
        seen = _shown_heads(session, "answers", {a.id: (a.template_key, a.item_key) for a in answers},
                            store.device_id)
        seen.update(_shown_heads(session, "visit_actions", {a.id: (a.template_key, a.item_key) for a in actions},
                                 store.device_id))
        for row in answers:
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
        for action_row in actions:
            if action_row.template_key in checklists:
                checklists[action_row.template_key].record(action_row.item_key).action = RaisedAction(
                    action_row.text, action_row.level, action_row.raised_at, action_row.due_at)
        return OpenVisit(store, visit_id, visit.visit_date, checklists, seen, busy_ms)


#: Text the officer edits starting from the words shown (a note, an action's text), rather than
#: replaces by a choice. See ``_shown_heads``.
_EDITED_FROM_SHOWN = frozenset({("answers", "note"), ("visit_actions", "text")})


def _shown_heads(session: Session, entity: str, rows: dict[str, tuple[str, str]],
                 device_id: str) -> dict[FieldKey, list[str]]:
    """For each field of these rows, the ops whose value is the one shown, and this laptop's own
    (``oplog.local_base``): what an edit made on this screen is written over.

    Text edited from the words shown (``_EDITED_FROM_SHOWN``) is written over the shown value only.
    Where the two officers' notes differ and the other officer's is the one shown, this laptop's
    own note is not in the editor: an addition to the shown words written over both would close the
    difference with this officer's own note gone from the visit (walk6, session 6). Written over the
    shown one only, the officer's own note stays beside the edited one, as a difference to resolve.
    A choice (an answer) replaces this laptop's own earlier answer as before (``local_base``)."""
    heads: dict[FieldKey, list[str]] = {}
    for row_id, fields in ops_of_entities(session, entity, list(rows)).items():
        template_key, item_key = rows[row_id]
        for name, ops in fields.items():
            own = None if (entity, name) in _EDITED_FROM_SHOWN else device_id
            heads[(template_key, item_key, name)] = local_base(field_state(ops), own)
    return heads


