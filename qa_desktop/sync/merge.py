"""From ops to rows: last writer wins per field, and nothing typed is ever dropped.

The state of a field is a function of the *set* of its ops and nothing else, so every device that
holds the same ops shows the same thing, whatever order they arrived in (DESIGN.md, Sync):

- an op is written *over* the ops in its ``base`` (what its writer saw as the field's value) and
  over every earlier op of the same device (a laptop always sees its own writes);
- the **heads** are the ops nothing was written over: usually one; two or more when officers
  changed the field without seeing each other's change;
- the **winner** is the greatest ``(hlc, device_id)``. It is always a head (an op written over
  another has a later clock), and its value is the field's current value on every device;
- heads with different values are a **conflict**: the others are kept, listed, and shown beside the
  winner until an officer chooses (the choice is an op written over all heads, and syncs);
- fields in ``MERGED_FIELDS`` are not conflicts: their heads are merged (a photo list: both
  officers' photos are kept). Better than the DESIGN's plain last-writer-wins for these: two
  officers photographing the same item is normal, not a disagreement.

Rows are made or updated from the merged field values. A row whose required fields, or whose
parent row, have not arrived yet (a sync cut off half-way, a visit's answers pulled before the
visit) is recorded in ``pending_rows`` and made when they come: its ops are safe in the log.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Boolean, Date, Integer, delete, insert, select, update
from sqlalchemy.orm import Session

from qa_desktop.store.models import SYNCED_MODELS, FieldHeads, Op, PendingRow, SyncedColumns
from qa_desktop.store.types import EnumText, UtcDateTime
from qa_desktop.sync.hlc import Hlc

#: SQLite allows 32k bound parameters; chunks keep every ``IN (...)`` well inside that.
CHUNK = 500

Key = tuple[str, str, str]  # entity, entity_id, field


@dataclass(frozen=True)
class OpRecord:
    """An op as merge needs it (from the local log, a shared store or a bundle)."""

    op_id: str
    entity: str
    entity_id: str
    field: str
    value: Any
    hlc: str
    device_id: str
    actor: str
    base: tuple[str, ...] | None = None

    @property
    def order(self) -> tuple[str, str, str]:
        return (self.hlc, self.device_id, self.op_id)

    def as_dict(self) -> dict[str, Any]:
        """The op as a row of the local log, a line of a change file, or a row on the server."""
        return {"op_id": self.op_id, "entity": self.entity, "entity_id": self.entity_id, "field": self.field,
                "value": self.value, "hlc": self.hlc, "device_id": self.device_id, "actor": self.actor,
                "base": list(self.base) if self.base is not None else None}

    @property
    def at(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(Hlc.parse(self.hlc).wall_ms / 1000, tz=dt.timezone.utc)


def canonical(value: Any) -> str:
    """Values compare by their JSON text, so ``1`` and ``1.0`` or key order never make a conflict."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def merge_evidence(heads_newest_first: list[Any]) -> list[dict[str, Any]]:
    """Every photo any head holds, once: the newest head's list first (its captions win), then the
    photos only older heads hold, in their order."""
    merged: list[dict[str, Any]] = []
    seen: set[str] = set()
    for value in heads_newest_first:
        for entry in value or []:
            blob = entry.get("blob") if isinstance(entry, dict) else None
            if blob and blob not in seen:
                seen.add(blob)
                merged.append(entry)
    return merged


#: Fields whose concurrent values merge instead of conflicting (entity, field) -> merge of head values.
MERGED_FIELDS: dict[tuple[str, str], Callable[[list[Any]], Any]] = {
    ("answers", "evidence"): merge_evidence,
}


@dataclass(frozen=True)
class FieldState:
    winner: OpRecord
    heads: tuple[OpRecord, ...]  # newest first
    value: Any
    conflict: bool


def field_state(ops: Iterable[OpRecord]) -> FieldState:
    """The state of one field from all of its ops (see the module docstring)."""
    ops = sorted(ops, key=lambda o: o.order, reverse=True)
    written_over: set[str] = set()
    newest_of_device: set[str] = set()
    for op in ops:
        written_over.update(op.base or ())
        if op.device_id in newest_of_device:
            written_over.add(op.op_id)  # an older op of a device that wrote again
        newest_of_device.add(op.device_id)
    heads = tuple(op for op in ops if op.op_id not in written_over)
    winner = ops[0]
    merge = MERGED_FIELDS.get((winner.entity, winner.field))
    if merge is not None and len(heads) > 1:
        return FieldState(winner, heads, merge([h.value for h in heads]), conflict=False)
    distinct = {canonical(h.value) for h in heads}
    return FieldState(winner, heads, winner.value, conflict=len(distinct) > 1)


def local_base(state: FieldState | None) -> list[str]:
    """What a local edit of a field is written over: the heads the officer saw as its value.

    That is the winner and every head agreeing with it (or all heads of a merged field). A losing
    value of a conflict is *not* included, so editing the field does not quietly resolve it.
    """
    if state is None:
        return []
    if (state.winner.entity, state.winner.field) in MERGED_FIELDS:
        return [h.op_id for h in state.heads]
    shown = canonical(state.winner.value)
    return [h.op_id for h in state.heads if canonical(h.value) == shown]


# -- reading ops from the local log ------------------------------------------------------------------

def op_record(row: Any) -> OpRecord:
    """An op from any row with the op columns (the local log, the server's table)."""
    return OpRecord(row.op_id, row.entity, row.entity_id, row.field, row.value, row.hlc, row.device_id,
                    row.actor, tuple(row.base) if row.base is not None else None)


def ops_of_entities(session: Session, entity: str, entity_ids: list[str]) -> dict[str, dict[str, list[OpRecord]]]:
    """All ops of these rows, grouped by row and field."""
    grouped: dict[str, dict[str, list[OpRecord]]] = defaultdict(lambda: defaultdict(list))
    table = Op.__table__
    for start in range(0, len(entity_ids), CHUNK):
        chunk = entity_ids[start:start + CHUNK]
        rows = session.execute(select(table).where(table.c.entity == entity, table.c.entity_id.in_(chunk)))
        for row in rows:
            grouped[row.entity_id][row.field].append(op_record(row))
    return grouped


def state_of(session: Session, entity: str, entity_id: str, field_name: str) -> FieldState | None:
    table = Op.__table__
    rows = session.execute(select(table).where(table.c.entity == entity, table.c.entity_id == entity_id,
                                               table.c.field == field_name)).all()
    return field_state(op_record(r) for r in rows) if rows else None


# -- applying ops ------------------------------------------------------------------------------------

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


def refresh_heads(session: Session, keys: set[Key]) -> None:
    """Recompute the heads of fields that had several (after a local edit or a resolution)."""
    if not keys:
        return
    by_entity: dict[str, set[str]] = defaultdict(set)
    for entity, entity_id, _ in keys:
        by_entity[entity].add(entity_id)
    listed: set[Key] = set()
    for entity, entity_ids in by_entity.items():
        ids = sorted(entity_ids)
        for start in range(0, len(ids), CHUNK):
            query = select(FieldHeads.entity, FieldHeads.entity_id, FieldHeads.field).where(
                FieldHeads.entity == entity, FieldHeads.entity_id.in_(ids[start:start + CHUNK]))
            listed.update(tuple(row) for row in session.execute(query))
    for key in keys & listed:
        state = state_of(session, *key)
        _store_heads(session, key, state)


def _store_heads(session: Session, key: Key, state: FieldState | None) -> None:
    entity, entity_id, field_name = key
    table = FieldHeads.__table__
    session.execute(delete(table).where(table.c.entity == entity, table.c.entity_id == entity_id,
                                        table.c.field == field_name))
    if state is not None and len(state.heads) > 1:
        session.execute(insert(table).values(entity=entity, entity_id=entity_id, field=field_name,
                                             heads=[h.op_id for h in state.heads], conflict=state.conflict))


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


_MODELS_BY_TABLE = {model.__tablename__: model for model in SYNCED_MODELS}  # type: ignore[attr-defined]


def materialise(session: Session, touched: dict[str, set[str]], result: Applied) -> None:
    """Make or update the touched rows from their ops, parents before children (``SYNCED_MODELS``
    is in dependency order); rows that cannot be made yet go to ``pending_rows``."""
    for model in SYNCED_MODELS:
        name = model.__tablename__  # type: ignore[attr-defined]
        ids = sorted(touched.get(name, ()))
        for start in range(0, len(ids), CHUNK):
            _materialise_chunk(session, model, ids[start:start + CHUNK], result)
    unknown = set(touched) - set(_MODELS_BY_TABLE)
    for entity in sorted(unknown):  # from a newer version of the app: kept in the log, shown nowhere yet
        result.problems.append(f"{len(touched[entity])} record(s) of kind '{entity}' come from a newer "
                               "version of QA Desktop; they are kept and will show after updating")


def _materialise_chunk(session: Session, model: type[SyncedColumns], ids: list[str], result: Applied) -> None:
    table = model.__table__  # type: ignore[attr-defined]
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
        present = set()
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
