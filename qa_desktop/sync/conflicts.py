"""Conflicts: fields two officers changed differently without seeing each other's change.

Every device lists the same conflicts (they are worked out from the op log alone, ``merge``) and
shows the same current value. Nothing is decided for the officer: both values stay until someone
chooses, and the choice (one of the values, or new text such as both notes joined) is an op that
syncs like any other change and closes the conflict everywhere.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qa_desktop.domain.roles import require_officer
from qa_desktop.forms.template import TemplateInvalid, parse_template
from qa_desktop.store.database import Store
from qa_desktop.store.models import (
    SYNCED_MODELS,
    Answer,
    FieldHeads,
    Op,
    Provider,
    Setting,
    TemplateSnapshot,
    Visit,
    VisitAction,
    VisitTemplate,
)
from qa_desktop.store.oplog import field_state, ops_of_field
from qa_desktop.sync.merge import decode

_MODELS = {model.__tablename__: model for model in SYNCED_MODELS}

FIELD_WORDS = {"value": "answer", "note": "note", "evidence": "photos", "text": "action", "level": "risk level",
               "officers": "officers", "status": "status", "notes": "notes"}


class ConflictError(LookupError):
    """No such conflict (already resolved here or on another laptop), or a value it cannot take."""


@dataclass(frozen=True)
class ConflictValue:
    op_id: str
    value: Any
    actor: str
    device_id: str
    at: dt.datetime
    current: bool  # the value every device shows until the conflict is resolved


@dataclass(frozen=True)
class Conflict:
    entity: str
    entity_id: str
    field: str
    what: str                   # for people: "Harbour View, visit 22 Nov 2026: Fire doors close fully - answer"
    values: tuple[ConflictValue, ...]  # the current value first

    @property
    def key(self) -> str:
        return f"{self.entity}/{self.entity_id}/{self.field}"

    @property
    def short_id(self) -> str:
        return hashlib.sha1(self.key.encode()).hexdigest()[:8]


def list_conflicts(store: Store) -> list[Conflict]:
    require_officer(store.user, "the conflicts between officers' edits")  # a Young Inspector's store is refused
    with store.read() as session:
        conflicts = []
        for heads in session.scalars(select(FieldHeads).where(FieldHeads.conflict)):
            conflicts.append(_conflict(session, heads))
    return sorted(conflicts, key=lambda c: (c.what, c.key))


def find_conflict(store: Store, key_or_id: str) -> Conflict:
    require_officer(store.user, "the conflicts between officers' edits")  # a Young Inspector's store is refused
    for conflict in list_conflicts(store):
        if key_or_id in (conflict.key, conflict.short_id):
            return conflict
    raise ConflictError(f"There is no open conflict {key_or_id} (it may have been resolved already).")


def resolve(store: Store, key_or_id: str, value: Any, *, shown: Sequence[str] | None = None) -> None:
    """Settle a conflict with ``value`` (as stored: an answer's JSON, a note's text). ``shown``: the
    op ids of the values the officer chose between; a value that arrived after the list was drawn is
    not written over unseen (it stays, beside the choice, as a conflict to look at again)."""
    require_officer(store.user, "or resolve conflicts between officers' edits")  # a Young Inspector's store is refused
    conflict = find_conflict(store, key_or_id)
    model = _MODELS[conflict.entity]
    column = model.__table__.c[conflict.field]  # type: ignore[attr-defined]
    try:
        python_value = decode(column, value)
    except (ValueError, TypeError, KeyError) as error:
        raise ConflictError(f"That value does not fit this field ({error}).") from None
    with store.write() as changes:
        row = changes.session.get(model, conflict.entity_id)
        if row is None:  # its ops are here but the record is still waiting for the rest of them
            raise ConflictError(f"{conflict.what} is not complete on this laptop yet; sync, then try again.")
        changes.resolve(row, conflict.field, python_value, over=shown)


def _conflict(session: Session, heads: FieldHeads) -> Conflict:
    rows = session.execute(select(Op.__table__).where(Op.op_id.in_(heads.heads))).all()
    state = field_state(ops_of_field(rows, heads.field))  # a created row's op: its field's value
    values = tuple(ConflictValue(h.op_id, h.value, h.actor, h.device_id, h.at, h.op_id == state.winner.op_id)
                   for h in state.heads)
    return Conflict(heads.entity, heads.entity_id, heads.field, describe(session, heads.entity, heads.entity_id,
                                                                          heads.field), values)


def describe(session: Session, entity: str, entity_id: str, field_name: str) -> str:
    """Where the conflict is, in the words of the screens."""
    field_words = FIELD_WORDS.get(field_name, field_name.replace("_", " "))
    row = session.get(_MODELS[entity], entity_id) if entity in _MODELS else None
    if isinstance(row, (Answer, VisitAction)):
        visit = session.get(Visit, row.visit_id)
        item_text = _item_text(session, row.visit_id, row.template_key, row.item_key)
        prefix = _visit_words(session, visit) if visit else "A visit"
        kind = "action on " if isinstance(row, VisitAction) else ""
        return f"{prefix}: {kind}{item_text} - {field_words}"
    if isinstance(row, Visit):
        return f"{_visit_words(session, row)} - {field_words}"
    if isinstance(row, Provider):
        return f"{row.name} - {field_words}"
    if isinstance(row, Setting):
        return f"{row.name} (setting) - {field_words}"
    return f"{entity.replace('_', ' ')} {entity_id[:8]} - {field_words}"


def _visit_words(session: Session, visit: Visit) -> str:
    setting = session.get(Setting, visit.setting_id)
    return f"{setting.name if setting else 'A setting'}, visit {visit.visit_date:%d %b %Y}"


def _item_text(session: Session, visit_id: str, template_key: str, item_key: str) -> str:
    part = session.scalar(select(VisitTemplate).where(VisitTemplate.visit_id == visit_id,
                                                      VisitTemplate.template_key == template_key))
    snapshot = session.get(TemplateSnapshot, part.snapshot_id) if part else None
    if snapshot is not None:
        try:
            return parse_template(snapshot.text, source=snapshot.key).item(item_key).label
        except (TemplateInvalid, KeyError):
            pass
    return item_key.replace("_", " ")
