"""Where the two officers of one visit differ: items they answered (or noted, or raised an action
on) differently without seeing each other's, read from the op log for that visit alone.

These are the visit's share of the sync conflicts (``sync.conflicts``): the same fields, the same
values, the same choice when an officer resolves one (an op over the values shown, which syncs and
closes it on every laptop). Here they are keyed by checklist and item, so the visit screen can mark
each disputed item and show both values side by side with who and when; completing the visit is
refused while any remains, and a report can say how many there are (``count_differences``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qa_desktop.store.hlc import datetime_of_ms
from qa_desktop.store.models import Answer, FieldHeads, Op, VisitAction
from qa_desktop.store.oplog import CHUNK, field_state, ops_of_field

#: What each field is, in the screens' words.
FIELD_WORDS = {"value": "answer", "note": "note", "text": "action", "level": "action's concern level",
               "raised_at": "action's time", "due_at": "action's due date"}


@dataclass(frozen=True)
class DifferenceSide:
    """One officer's value of a disputed field."""

    op_id: str
    value: Any          # as stored (an answer's JSON, a note's text)
    who: str
    at: dt.datetime     # when they wrote it, by their laptop's clock (aware UTC)
    current: bool       # the value every laptop shows until someone chooses


@dataclass(frozen=True)
class Difference:
    key: str            # the conflict's key (``sync.conflicts``): what resolving it names
    template_key: str
    item_key: str
    field: str          # "value", "note", or an action's field
    sides: tuple[DifferenceSide, ...]  # the value shown first

    @property
    def what(self) -> str:
        return FIELD_WORDS.get(self.field, self.field.replace("_", " "))

    @property
    def text(self) -> bool:
        """A note or an action's words: both can be kept, attributed (``attributed_notes``)."""
        return self.field in ("note", "text") and all(isinstance(s.value, str) for s in self.sides)


def visit_differences(session: Session, visit_id: str) -> list[Difference]:
    """The visit's open differences, in no particular order (the screen orders them by item)."""
    rows: dict[tuple[str, str], tuple[str, str]] = {}
    for entity, model in (("answers", Answer), ("visit_actions", VisitAction)):
        for row_id, template_key, item_key in session.execute(
                select(model.id, model.template_key, model.item_key).where(model.visit_id == visit_id)):
            rows[(entity, row_id)] = (template_key, item_key)
    if not rows:
        return []
    by_entity: dict[str, list[str]] = defaultdict(list)
    for entity, row_id in rows:
        by_entity[entity].append(row_id)
    found: list[Difference] = []
    for entity, ids in by_entity.items():
        for start in range(0, len(ids), CHUNK):
            for heads in session.scalars(select(FieldHeads).where(
                    FieldHeads.entity == entity, FieldHeads.entity_id.in_(ids[start:start + CHUNK]),
                    FieldHeads.conflict.is_(True))):
                found.append(_difference(session, heads, *rows[(entity, heads.entity_id)]))
    return found


def count_differences(session: Session, visit_id: str) -> int:
    return len(visit_differences(session, visit_id))


def _difference(session: Session, heads: FieldHeads, template_key: str, item_key: str) -> Difference:
    ops = session.execute(select(Op.__table__).where(Op.op_id.in_(heads.heads))).all()
    state = field_state(ops_of_field(ops, heads.field))  # a created row's op: its field's value
    sides = sorted((DifferenceSide(h.op_id, h.value, h.actor, datetime_of_ms(h.wall) if h.wall else h.at,
                                   h.op_id == state.winner.op_id) for h in state.heads),
                   key=lambda side: not side.current)
    return Difference(f"{heads.entity}/{heads.entity_id}/{heads.field}", template_key, item_key, heads.field,
                      tuple(sides))
