"""Applying ops that arrive from elsewhere (a shared store, a bundle): into the log once each, and
the rows they touch brought up to date from their fields' winners (``store.oplog``).

Rows are made or updated from the merged field values. A row whose required fields, or whose
parent row, have not arrived yet (a sync cut off half-way, a visit's answers pulled before the
visit) is recorded in ``pending_rows`` and made when they come: its ops are safe in the log.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Boolean, Date, Integer, delete, insert, select, update
from sqlalchemy.orm import Session

from qa_desktop.store.models import SYNCED_MODELS, FieldHeads, Op, PendingRow, SyncedColumns, table_of
from qa_desktop.store.oplog import CHUNK, OpRecord, field_state, ops_of_entities
from qa_desktop.store.types import EnumText, UtcDateTime


@dataclass
class Applied:
    """What one batch of incoming ops did."""

    new_ops: int = 0
    rows_made: int = 0
    rows_updated: int = 0
    pending: int = 0
    problems: list[str] = field(default_factory=list)
    max_hlc: str | None = None


def apply_ops(session: Session, ops: list[OpRecord], received_from: str) -> Applied:
    """Add ops from elsewhere to the log (each once) and bring the rows they touch up to date.

    Runs inside the caller's transaction: the caller commits it together with its sync cursor, so
    an interrupted sync leaves either all of a batch or none of it.
    """
    result = Applied()
    unique = {op.op_id: op for op in ops}
    known: set[str] = set()
    ids = list(unique)
    for start in range(0, len(ids), CHUNK):
        known.update(session.scalars(select(Op.op_id).where(Op.op_id.in_(ids[start:start + CHUNK]))))
    fresh = [op for op_id, op in unique.items() if op_id not in known]
    if fresh:
        session.execute(insert(Op.__table__), [{**o.as_dict(), "received_from": received_from} for o in fresh])
        result.max_hlc = max(o.hlc for o in fresh)
    result.new_ops = len(fresh)
    touched: dict[str, set[str]] = defaultdict(set)
    for op in fresh:
        touched[op.entity].add(op.entity_id)
    for pending in session.scalars(select(PendingRow)):
        touched[pending.entity].add(pending.entity_id)
    materialise(session, touched, result)
    return result



def decode(column: Any, value: Any) -> Any:
    """An op's JSON value as the column's Python value (the inverse of ``changes.json_value``)."""
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, EnumText):
        return kind.enum_type(value)
    if isinstance(kind, UtcDateTime):
        parsed = dt.datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            raise ValueError(f"time without a zone: {value!r}")
        return parsed
    if isinstance(kind, Date):
        return dt.date.fromisoformat(value)
    if isinstance(kind, Boolean):
        if not isinstance(value, bool):
            raise ValueError(f"not true or false: {value!r}")
        return value
    if isinstance(kind, Integer):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"not a whole number: {value!r}")
        return value
    return value


_MODELS_BY_TABLE = {model.__tablename__: model for model in SYNCED_MODELS}


def materialise(session: Session, touched: dict[str, set[str]], result: Applied) -> None:
    """Make or update the touched rows from their ops, parents before children (``SYNCED_MODELS``
    is in dependency order); rows that cannot be made yet go to ``pending_rows``."""
    for model in SYNCED_MODELS:
        name = model.__tablename__
        ids = sorted(touched.get(name, ()))
        for start in range(0, len(ids), CHUNK):
            _materialise_chunk(session, model, ids[start:start + CHUNK], result)
    unknown = set(touched) - set(_MODELS_BY_TABLE)
    for entity in sorted(unknown):  # from a newer version of the app: kept in the log, shown nowhere yet
        result.problems.append(f"{len(touched[entity])} record(s) of kind '{entity}' come from a newer "
                               "version of QA Desktop; they are kept and will show after updating")


def _materialise_chunk(session: Session, model: type[SyncedColumns], ids: list[str], result: Applied) -> None:
    table = table_of(model)
    name = table.name
    columns = {c.name: c for c in table.columns if c.name not in SyncedColumns.BOOKKEEPING}
    required = {n for n, c in columns.items() if not c.nullable and not c.primary_key}
    parents = {n: next(iter(c.foreign_keys)).column.table for n, c in columns.items() if c.foreign_keys}
    grouped = ops_of_entities(session, name, ids)
    existing = set(session.scalars(select(table.c.id).where(table.c.id.in_(ids))))
    session.execute(delete(FieldHeads.__table__).where(FieldHeads.entity == name, FieldHeads.entity_id.in_(ids)))
    heads_rows: list[dict[str, Any]] = []
    made: dict[str, dict[str, Any]] = {}
    for entity_id in ids:
        fields = grouped.get(entity_id)
        if not fields:
            continue
        values: dict[str, Any] = {}
        latest: OpRecord | None = None
        first: OpRecord | None = None
        problems: list[str] = []
        for field_name, field_ops in fields.items():
            state = field_state(field_ops)
            if len(state.heads) > 1:
                heads_rows.append({"entity": name, "entity_id": entity_id, "field": field_name,
                                   "heads": [h.op_id for h in state.heads], "conflict": state.conflict})
            oldest = min(field_ops, key=lambda o: o.order)
            first = oldest if first is None or oldest.order < first.order else first
            latest = state.winner if latest is None or state.winner.order > latest.order else latest
            column = columns.get(field_name)
            if column is None:
                continue  # a field of a newer schema: kept in the log
            try:
                values[field_name] = decode(column, state.value)
            except (ValueError, TypeError, KeyError) as error:
                values.pop(field_name, None)
                problems.append(f"{name} {entity_id[:8]}: field '{field_name}' has an unreadable value ({error}); "
                                "the rest of the record is kept")
        assert latest is not None and first is not None
        bookkeeping = {"updated_at": latest.at, "changed_by": latest.actor, "device_id": latest.device_id}
        result.problems.extend(problems)
        if entity_id in existing:
            session.execute(update(table).where(table.c.id == entity_id).values(**values, **bookkeeping))
            result.rows_updated += 1
            continue
        missing = [n for n in required if values.get(n) is None]
        if problems or missing:
            _pend(session, name, entity_id)
            result.pending += 1
            continue
        row = {n: values.get(n) for n in columns}
        row.update(id=entity_id, created_at=first.at, **bookkeeping)
        made[entity_id] = row
    # parents first: a row whose parent row is absent waits (its parent may come in a later batch)
    for column_name, parent_table in parents.items():
        wanted = {r[column_name] for r in made.values() if r[column_name] is not None}
        present: set[str] = set()
        wanted_list = sorted(wanted)
        for start in range(0, len(wanted_list), CHUNK):
            present.update(session.scalars(select(parent_table.c.id).where(
                parent_table.c.id.in_(wanted_list[start:start + CHUNK]))))
        for entity_id in [i for i, r in made.items() if r[column_name] is not None and r[column_name] not in present]:
            del made[entity_id]
            _pend(session, name, entity_id)
            result.pending += 1
    if made:
        session.execute(insert(table), list(made.values()))
        result.rows_made += len(made)
        session.execute(delete(PendingRow.__table__).where(PendingRow.entity == name,
                                                           PendingRow.entity_id.in_(list(made))))
    done = [i for i in ids if i in existing]
    if done:
        session.execute(delete(PendingRow.__table__).where(PendingRow.entity == name, PendingRow.entity_id.in_(done)))
    if heads_rows:
        session.execute(insert(FieldHeads.__table__), heads_rows)


def _pend(session: Session, entity: str, entity_id: str) -> None:
    if session.get(PendingRow, (entity, entity_id)) is None:
        session.add(PendingRow(entity=entity, entity_id=entity_id))
        session.flush()
