"""Rows made from their ops: every field's value as the log's heads say, the fields with several heads
in ``field_heads``, and a row that cannot be made yet (a required field or its parent row not here)
in ``pending_rows``.

Sync (``sync.merge``) makes the rows that ops arriving from elsewhere touch this way. So does the
write path (``store.changes``), for a row this laptop creates over ops the log holds already: the
other officer's answer or action that arrived in part (a pending row), which the row made from this
laptop's values alone left out (their note and photos unseen, a conflict between the two officers'
words in the log but not in ``field_heads``, so no difference shown and the visit could be
completed: review 8). One piece of code for both, so the two cannot differ: it lives here, below
sync, because the store may not import sync (``tests/test_layering.py``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Boolean, Date, Integer, delete, insert, select
from sqlalchemy.orm import Session

from qa_desktop.store.models import SYNCED_MODELS, FieldHeads, PendingRow, SyncedColumns, table_of
from qa_desktop.store.oplog import CHUNK, OpRecord, field_state, ops_of_entities
from qa_desktop.store.purge import RECORD_OF, blank_fields, shredded_units
from qa_desktop.store.types import EnumText, UtcDateTime


@dataclass
class Made:
    """What making rows from their ops did (``sync.merge.Applied`` adds what a batch of incoming ops did)."""

    rows_made: int = 0
    rows_updated: int = 0
    pending: int = 0
    problems: list[str] = field(default_factory=list)


#: The column types ``decode`` turns an op's JSON value into another Python value for; any other
#: column's value is the op's as it is.
_DECODED = (EnumText, UtcDateTime, Date, Boolean, Integer)


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


def materialise(session: Session, touched: dict[str, set[str]], result: Made) -> None:
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


def _materialise_chunk(session: Session, model: type[SyncedColumns], ids: list[str], result: Made) -> None:
    table = table_of(model)
    name = table.name
    columns = {c.name: c for c in table.columns if c.name not in SyncedColumns.BOOKKEEPING}
    required = {n for n, c in columns.items() if not c.nullable and not c.primary_key}
    parents = {n: next(iter(c.foreign_keys)).column.table for n, c in columns.items() if c.foreign_keys}
    grouped = ops_of_entities(session, name, ids)
    existing = set(session.scalars(select(table.c.id).where(table.c.id.in_(ids))))
    parent_column = RECORD_OF.get(name, "")
    gone = _shredded_rows(session, grouped, parent_column) if parent_column != "" else set()
    blanks = blank_fields(model) if gone else {}
    session.execute(delete(FieldHeads.__table__).where(FieldHeads.entity == name, FieldHeads.entity_id.in_(ids)))
    heads_rows: list[dict[str, Any]] = []
    made: dict[str, dict[str, Any]] = {}
    updates: list[dict[str, Any]] = []
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
        if entity_id in gone:  # deleted under retention: whatever arrived, it stays blank and deleted
            values.update(blanks, deleted=True)
        bookkeeping = {"updated_at": latest.at, "changed_by": latest.actor, "device_id": latest.device_id}
        result.problems.extend(problems)
        if entity_id in existing:
            updates.append({**values, **bookkeeping, "id": entity_id})
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
    _update_rows(session, table, updates)
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


def _update_rows(session: Session, table: Any, rows: list[dict[str, Any]], *, key: str = "id") -> None:
    """Write the rows' new values (each a dict of columns with its ``id``, or with its ``rowid`` when
    ``key`` says so): one prepared UPDATE per set of columns, run for all its rows at once
    (``executemany``), rather than one statement built, compiled and run per row (issue 22: that was
    most of a pull's time)."""
    by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_columns[tuple(sorted(row))].append(row)
    dialect = session.get_bind().dialect
    for names, group in by_columns.items():
        changed = [n for n in names if n != key]
        # each value as SQLAlchemy binds it (an enum as its text, a time as naive UTC text, JSON as
        # text), then straight to the driver: its processing of every parameter of every row was
        # most of this (issue 22)
        convert = [(n, _bind_processor(table.c[n].type, dialect)) for n in changed]
        assignments = ", ".join(f'"{n}" = ?' for n in changed)
        names_of = [n for n, _ in convert] + [key]
        processes = [process for _, process in convert] + [None]
        if not any(processes):
            parameters = [tuple([row[n] for n in names_of]) for row in group]
        else:
            pairs = list(zip(names_of, [_remembering(process) for process in processes], strict=True))
            parameters = [tuple([row[n] if process is None else process(row[n]) for n, process in pairs])
                          for row in group]
        session.connection().exec_driver_sql(f'UPDATE "{table.name}" SET {assignments} WHERE {key} = ?', parameters)


#: SQLite's text of a date-time, as SQLAlchemy's ``DATETIME`` writes it (its default storage format).
_DATETIME_TEXT = "%04d-%02d-%02d %02d:%02d:%02d.%06d"


def _bind_processor(column_type: Any, dialect: Any) -> Callable[[Any], Any] | None:
    """A column's bind processor for ``_update_rows``: SQLAlchemy's, except for a UTC date-time on SQLite,
    whose value (an aware UTC date-time: every row a pull brings up to date has its ``updated_at``) is
    written as SQLAlchemy writes it without its three steps (zone converted, zone dropped, a dictionary
    of seven parts formatted by name) once per row (issue 22); any other value goes through
    SQLAlchemy's (a test holds the two equal)."""
    process = column_type.dialect_impl(dialect).bind_processor(dialect)
    if not isinstance(column_type, UtcDateTime) or dialect.name != "sqlite" or process is None:
        return process
    utc, text, datetime = dt.UTC, _DATETIME_TEXT, dt.datetime

    def bound(value: Any) -> Any:
        if type(value) is datetime and value.tzinfo is utc:
            return text % (value.year, value.month, value.day, value.hour, value.minute, value.second,
                           value.microsecond)
        return process(value)
    return bound


#: Values whose bound form ``_remembering`` keeps: equal values of these types are the same value.
_PLAIN_TYPES = frozenset({str, int, bool, type(None)})


def _remembering(process: Callable[[Any], Any] | None) -> Callable[[Any], Any] | None:
    """A column's bind processor that gives a plain value's (text, whole number, flag, nothing) bound
    form once per distinct value, for one ``_update_rows``: an answer column's processor is
    ``json.dumps`` (SQLAlchemy's JSON type), run per row of a pull, and a pull's answers are mostly the
    same few values (issue 22). Any other value is processed every time, as before. A processor is a
    function of its value alone, and the key holds the type, so ``True`` and ``1`` stay apart."""
    if process is None:
        return None
    known: dict[tuple[type, Any], Any] = {}
    plain = _PLAIN_TYPES

    def remembered(value: Any) -> Any:
        kind = type(value)
        if kind not in plain:
            return process(value)
        key = (kind, value)
        found = known.get(key, known)
        if found is known:
            found = known[key] = process(value)
        return found
    return remembered


def _shredded_rows(session: Session, grouped: dict[str, dict[str, list[OpRecord]]],
                   parent_column: str | None) -> set[str]:
    """The rows (of those whose ops are in ``grouped``) that belong to records deleted under retention."""
    units: dict[str, str] = {}
    for entity_id, fields in grouped.items():
        unit = entity_id
        if parent_column is not None:
            named = [op.value for op in fields.get(parent_column, []) if isinstance(op.value, str)]
            unit = named[0] if named else entity_id
        units[entity_id] = unit
    gone = shredded_units(session, set(units.values()) | set(units))
    return {entity_id for entity_id, unit in units.items() if unit in gone or entity_id in gone}


def _pend(session: Session, entity: str, entity_id: str) -> None:
    if session.get(PendingRow, (entity, entity_id)) is None:
        session.add(PendingRow(entity=entity, entity_id=entity_id))
        session.flush()
