"""The single write path for synced data.

Every create, update and delete of a synced row goes through ``Changes``, which (1) maintains the
bookkeeping columns (timestamps, who, which device, tombstone) and (2) records one ``Op`` per
changed field, stamped by the hybrid logical clock, in the same transaction as the change itself
(the ops are inserted by a ``before_commit`` hook, so a commit without its ops cannot happen).
Sync reads the op log; nothing else needs to remember to record anything.

Each op also names what it was written over (``base``: the heads of the field the officer saw), which
is how sync tells a later change from a concurrent one (``store.oplog``). A screen that knows which
heads it showed says so (``update(..., seen=...)``): an edit made over a value that arrived after
the screen was drawn, and was never shown, is then recorded as concurrent with it, so both values
are kept as a conflict instead of the unseen one being silently overwritten.

A unit of work's ``Changes`` also says what it changed (``touched``), which is what screens use to
decide whether to refresh, after Anki's ``OpChanges``.

**Many rows at once** (an Ofsted file of thousands of providers): ``create_many`` and ``update_many``
write the same rows and record what ``create`` and ``update`` row by row would (the same fields,
values, bases, clock order, actor and wall time, and places in the hash chain), but as one ``executemany`` per table
instead of the ORM's unit of work: the per-row and per-op bookkeeping was 90% of an import's time.
Their ops carry ids that sort by time (``ordered_ids``), so the op log's index on ``op_id`` grows at
its end instead of at random places. A new row has no heads to refresh (nothing was written over);
an updated field's base is worked out from its ops in one read per chunk of rows.

``create_many`` records each new row of a table retention never deletes from as **one op** holding
all its fields (``oplog.ROW_FIELD``; read as the per-field ops it stands for, ``oplog.expand``),
not one op per field: measured at 10,000 Ofsted rows, the 17 per-field ops of each provider
(each with its id, clock, base, chain link, value hash and three index entries) were 3.1 of the
import's 5.7 seconds and 110 MB of its database, the rows themselves a tenth of that. A new record
retention deletes (an imported regulatory alert) has one op for what retention keeps of it (its
ids, dates, kinds) and one op per field whose value retention removes (``_kept_apart``).
"""

from __future__ import annotations

import copy
import datetime as dt
import decimal
import enum
import hashlib
import json
import os
import re
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from itertools import repeat
from json.encoder import encode_basestring, encode_basestring_ascii  # json.dumps's own, in C
from operator import is_not
from typing import Any, TypeVar

from sqlalchemy import Column, event, insert, inspect
from sqlalchemy.orm import Session
from sqlalchemy.sql.schema import ColumnDefault

from qa_desktop.safe_text import check_value
from qa_desktop.store import chain, oplog
from qa_desktop.store.driver import driver_rows
from qa_desktop.store.hlc import HybridClock
from qa_desktop.store.models import Op, SyncedColumns, table_of

Row = TypeVar("Row", bound=SyncedColumns)

#: UUID namespace for ids derived from natural keys (see ``derived_id``).
ID_NAMESPACE = uuid.UUID("6f1f5a52-3c2e-4a8e-9a51-0c6b7f6d2a10")


def new_id() -> str:
    return str(uuid.uuid4())


def derived_id(*parts: str) -> str:
    """An id that every device computes alike for the same natural key.

    Two laptops importing the same Ofsted file, or two officers answering the same item, then
    meet on one row instead of making two that sync can never merge (DESIGN.md, Sync).
    """
    # ``str(uuid.uuid5(ID_NAMESPACE, name))`` without building a UUID object (an import derives tens
    # of thousands; a test holds the two equal): SHA-1 of namespace and name, version 5, RFC 4122 variant
    # (the version is the 13th hex digit, set to 5; the variant the top two bits of the 17th, set to 10)
    text = hashlib.sha1(_NAMESPACE_BYTES + "\x1f".join(parts).encode("utf-8")).hexdigest()
    return f"{text[:8]}-{text[8:12]}-5{text[13:16]}-{_VARIANT[text[16]]}{text[17:20]}-{text[20:32]}"


_NAMESPACE_BYTES = ID_NAMESPACE.bytes
#: A hex digit with its top two bits set to ``10`` (RFC 4122's variant).
_VARIANT = {f"{n:x}": f"{(n & 0x3) | 0x8:x}" for n in range(16)}


_RANDOM_BITS = 74


def _random_start() -> int:
    return int.from_bytes(os.urandom(10), "big") >> (80 - _RANDOM_BITS)


def _ordered(now_ms: int, start: int, count: int) -> Iterator[str]:
    """Ids in the form of a UUID (version 7: the time in milliseconds, then random bits), consecutive
    from a random ``start``: they sort in the order they were made, so a B-tree index on them grows
    at its end. As unique as a random UUID (74 random bits per run of ids)."""
    high = (now_ms & 0xFFFF_FFFF_FFFF) << 16 | 0x7 << 12  # time, version: the first 64 bits with 12 of random
    mask = (1 << _RANDOM_BITS) - 1
    n, left = start & mask, count
    while left:
        # the first 80 bits (time, version, 12 random bits, variant, 14 more) are fixed until the
        # last 48 bits run over: one format per id
        a, b = n >> 62, n & ((1 << 62) - 1)
        head = f"{high | a:016x}{0b10 << 14 | b >> 48:04x}"
        prefix = f"{head[:8]}-{head[8:12]}-{head[12:16]}-{head[16:]}-"
        low = b & 0xFFFF_FFFF_FFFF
        run = min(left, (1 << 48) - low)
        for value in range(low, low + run):
            yield f"{prefix}{value:012x}"
        left -= run
        n = (n + run) & mask


#: As many ids as one unit of work's run can give one at a time (``Changes._record_op``): more than
#: any unit makes; ``_ordered`` is lazy, so the number costs nothing.
_RUN = 1 << 62


def ordered_ids(count: int, now_ms: int) -> list[str]:
    """``count`` fresh ids that sort in the order they were made (``_ordered``)."""
    return list(_ordered(now_ms, _random_start(), count))


def json_text(value: Any) -> str:
    """``json.dumps(value)``, which is what the op log's JSON columns store, with the common cases
    done without its machinery (a test holds the two equal)."""
    if isinstance(value, str):
        return encode_basestring_ascii(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if type(value) is int:
        return int.__repr__(value)
    return json.dumps(value)


def base_text(base: tuple[str, ...] | list[str] | None) -> str:
    """``json_text(list(base))`` (``"null"`` for no base) of an op's base, the ids it was written over:
    a list of text written without ``json.dumps``'s machinery, once per op a pull stores (issue 22; a
    test holds the two equal)."""
    if base is None:
        return "null"
    if all(type(op_id) is str for op_id in base):
        return "[" + ", ".join(map(encode_basestring_ascii, base)) + "]"
    return json_text(list(base))


def op_value_text(value: Any) -> str:
    """``json_text(json_value(value))`` in one step, for the bulk verbs."""
    return _value_text(value, encode_basestring_ascii, lambda other: json_text(json_value(other)), _OP_ENUM_TEXTS)


def canonical_text(value: Any) -> str:
    """``oplog.canonical(json_value(value))`` (the text a value's hash in the chain is taken over), with
    the common cases done without ``json.dumps``'s machinery (a test holds the two equal)."""
    return _value_text(value, encode_basestring, lambda other: oplog.canonical(json_value(other)), _ENUM_TEXTS)


def _value_text(value: Any, encode: Callable[[str], str], otherwise: Callable[[Any], str],
                enum_texts: dict[enum.Enum, str]) -> str:
    """A value's JSON text, the common kinds (text, flags, whole numbers, enums, dates) without
    ``json.dumps``'s machinery: ``encode`` writes text, ``otherwise`` the rest."""
    kind = type(value)
    if kind is str:
        return encode(value)
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return int.__repr__(value)
    if isinstance(value, enum.Enum):
        text = enum_texts.get(value)
        if text is None:  # ``Enum.value`` is a property, slow at an import's hundred thousand values
            text = enum_texts[value] = _value_text(value.value, encode, otherwise, enum_texts)
        return text
    if isinstance(value, (dt.date, dt.datetime)):
        return encode(value.isoformat())
    return otherwise(value)


_ENUM_TEXTS: dict[enum.Enum, str] = {}
_OP_ENUM_TEXTS: dict[enum.Enum, str] = {}


def json_value(value: Any) -> Any:
    """A field value as it travels in an op: enums by value, dates and times as ISO text."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        # text as it is without a call per item (an import's change report: 13,000 lines of 7 texts)
        return [v if type(v) is str else json_value(v) for v in value]
    return value


#: Per model, its fields with a default SQLAlchemy fills in at flush: (field, default), in column order.
_DEFAULTS: dict[type[SyncedColumns], tuple[tuple[str, ColumnDefault], ...]] = {}


def column_defaults(model: type[SyncedColumns], given: Mapping[str, Any]) -> dict[str, Any]:
    """The values SQLAlchemy would give the fields left out of ``given`` at flush, worked out the
    way it does (a scalar as it is; a callable called, with no execution context): so the write path
    can set them on the row and record them as ops before the flush.

    Only Python-side defaults exist on synced models: a default the database computes
    (``server_default``, a SQL expression) could not be known before the insert, and a test
    (``tests/store/test_write_path.py``) keeps synced models free of them."""
    defaults = _DEFAULTS.get(model)
    if defaults is None:
        found = []
        for name, column in inspect(model).columns.items():
            default = column.default
            if (name in SyncedColumns.BOOKKEEPING or name == "deleted" or not isinstance(default, ColumnDefault)
                    or not (default.is_scalar or default.is_callable)):
                continue
            found.append((name, default))
        defaults = _DEFAULTS[model] = tuple(found)
    values: dict[str, Any] = {}
    for name, default in defaults:
        if name not in given:
            # a scalar is copied: set on the row, a shared list or dict would be one object for every row
            values[name] = default.arg(None) if default.is_callable else copy.deepcopy(default.arg)
    return values


class Changes:
    """One unit of work's writes. Made by ``Store.write()``; use it, not the session, to change rows."""

    def __init__(self, session: Session, *, actor: str, device_id: str, clock: HybridClock,
                 now: Callable[[], dt.datetime]) -> None:
        self.session = session
        self.actor = actor
        self.device_id = device_id
        self._clock = clock
        self._now = now  # the workspace clock's (``qa_desktop.clock``)
        self._pending: list[dict[str, Any]] = []
        self.touched: set[tuple[str, str]] = set()
        #: The newest op this unit of work wrote per (table, id, field): what a screen has now "seen".
        self.written: dict[tuple[str, str, str], str] = {}
        #: Fields edited over what a screen showed rather than what the database held: they may
        #: now have two heads (a conflict), so their heads are worked out when the ops are written.
        self._concurrent: set[tuple[str, str, str]] = set()
        #: Rows ``create`` made whose id the log held no op of before this unit's own: every field of
        #: such a row holds this unit's latest op alone (one head, no conflict), so its heads are not
        #: worked out again (a visit's first answer to an item, most answers: a read of the field's ops
        #: and two look-ups of its heads, half a millisecond of each answer's save, issue 22). A row
        #: whose id the log knows already (the other officer's answer arrived only in part: a pending
        #: row, ``store.rows``) is not: it is made again from all its ops (``_remake``).
        self.fresh: set[tuple[str, str]] = set()
        #: Rows ``create`` made over ops the log held already, made again from them (``_remake``): what
        #: this unit wrote brought in the other officer's values too, which a screen should read.
        self.remade: set[tuple[str, str]] = set()
        #: Ops of ``create_many``/``update_many`` waiting to be written: (entity, id, field, value
        #: JSON, base JSON); the updated fields among them, whose heads may need refreshing; and the
        #: ids given to those written, as runs (first ms, start, count) rather than 36-character
        #: strings, so a unit of 10,000 new providers does not hold 240,000 of them.
        self._bulk: list[tuple[str, str, str, str, str]] = []
        self._bulk_updated: set[tuple[str, str, str]] = set()
        self._bulk_ranges: list[tuple[int, int, int]] = []
        #: The ids of this unit's ops made one at a time (``_record_op``): a run that sorts in the
        #: order they were made (``_ordered``), started at the first op's clock.
        self._op_ids: Iterator[str] | None = None
        event.listen(session, "before_commit", self._before_commit)

    def now(self) -> dt.datetime:
        """Now, by the workspace's clock (the time this unit of work stamps its rows with)."""
        return self._now()

    def today(self) -> dt.date:
        """Today on this laptop, by the workspace's clock."""
        return self._now().astimezone().date()

    # -- the three verbs -------------------------------------------------------------------------

    def create(self, model: type[Row], *, id: str | None = None, **fields: Any) -> Row:
        """Add a new row. ``id`` may be given (a ``derived_id``); otherwise a fresh UUID.

        Every field the row ends up with travels: one left out takes its column's default here, set
        on the row and recorded as an op like a field given (``column_defaults``), so that another
        laptop never waits for a value that SQLAlchemy would have filled in only at flush."""
        self._check_fields(model, fields)
        _check_text(model, fields)
        fields = {**column_defaults(model, fields), **fields}
        now = self._now()
        row = model(id=id or new_id(), created_at=now, updated_at=now, changed_by=self.actor,
                    device_id=self.device_id, deleted=False, **fields)
        self.session.add(row)
        for name, value in fields.items():
            if value is not None:  # a blank is no one's answer: no op, so it never conflicts with one
                self._record(row, name, value, base=[])
        self._record(row, "deleted", False, base=[])
        key = (row.__tablename__, row.id)
        if driver_rows(self.session.connection(), _ANY_OP, key):  # (this unit's own ops are not in the log yet)
            self._remake(row)
        else:
            self.fresh.add(key)
        return row

    def _remake(self, row: SyncedColumns) -> None:
        """A row created over ops the log holds already (the other officer's answer or action arrived
        in part: a pending row) made again from all its ops, as sync makes a row (``store.rows``): the
        other officer's note and photos are in it, a field both officers wrote has its heads in
        ``field_heads`` (a conflict between their words shows as a difference and stops the visit's
        completion), and it waits in ``pending_rows`` no more. Made from this laptop's values alone,
        it showed none of theirs and no difference until a later sync made it again (review 8, A).

        Done at once, not at the unit's end: an edit that follows in the same unit reads the row (a
        photo added here is written over the photo list the row holds, so theirs must be in it). Rare:
        a row whose id the log knows nothing of (``fresh``, nearly every row) costs nothing more. The
        other officer's problems with a value (one that does not decode) were said at their sync."""
        from qa_desktop.store.rows import Made, materialise  # not at the top: rows reads purge, which reads the store

        self.remade.add((row.__tablename__, row.id))
        self.flush_ops()  # the row, then this unit's ops of it, in the file
        materialise(self.session, {row.__tablename__: {row.id}}, Made())
        self.session.refresh(row)  # what the file now holds (``materialise`` writes past the ORM)

    def update(self, row: SyncedColumns, *, seen: Mapping[str, Sequence[str]] | None = None,
               **fields: Any) -> set[str]:
        """Set fields on a row; returns the names that really changed (no op for an equal value).

        ``seen`` gives, per field, the op ids whose value the officer's screen showed: the edit is
        written over those only (see the module docstring). A field not in it is written over
        what the database holds now. With ``seen``, an equal value is still recorded when the
        database holds a value the screen did not show (the officer confirmed theirs)."""
        self._check_fields(type(row), fields)
        seen = seen or {}
        changed = {name for name, value in fields.items()
                   if getattr(row, name) != value or (name in seen and self._unseen(row, name, seen[name]))}
        if not changed:
            return changed
        _check_text(type(row), {name: fields[name] for name in changed})
        for name in sorted(changed):
            setattr(row, name, fields[name])
            base = list(seen[name]) if name in seen else self._base(row, name)
            if name in seen:
                self._concurrent.add((row.__tablename__, row.id, name))
            self._record(row, name, fields[name], base=base)
        self._stamp(row)
        return changed

    def resolve(self, row: SyncedColumns, name: str, value: Any, *, over: Sequence[str] | None = None) -> None:
        """An officer's choice between conflicting values: written over every head of the field, so
        the conflict closes here and on every device that receives this op. ``over``: the heads the
        officer was shown (a value that arrived since stays beside the choice, as a conflict)."""
        self._check_fields(type(row), {name: value})
        if over is None:
            self._flush_bulk()
            state = oplog.state_of(self.session, row.__tablename__, row.id, name)
            over = [h.op_id for h in state.heads] if state else []
        else:
            self._concurrent.add((row.__tablename__, row.id, name))
        setattr(row, name, value)
        self._record(row, name, value, base=list(over))
        self._stamp(row)

    def delete(self, row: SyncedColumns) -> None:
        """Tombstone: the row stays, marked deleted, so the deletion syncs and nothing resurrects it."""
        if row.deleted:
            return
        row.deleted = True
        self._record(row, "deleted", True, base=self._base(row, "deleted"))
        self._stamp(row)

    def restore(self, row: SyncedColumns) -> None:
        """A tombstoned row brought back by the officer (a team member added again): ``delete``'s
        opposite, recorded the same way (``deleted`` is no field ``update`` may set)."""
        if not row.deleted:
            return
        row.deleted = False
        self._record(row, "deleted", False, base=self._base(row, "deleted"))
        self._stamp(row)

    # -- many rows at once (module docstring) ------------------------------------------------------

    def create_many(self, model: type[Row], rows: Sequence[Mapping[str, Any]], ids: Sequence[str]) -> None:
        """Add new rows, ``rows[i]`` with id ``ids[i]``: the rows ``create`` would make, and what its ops
        record: as one op per row (``oplog.ROW_FIELD``), read by everything as the per-field ops it
        stands for, holding the fields retention never removes (``_kept_apart``: the fields retention
        removes keep one op each; a part of another's record keeps one op per field)."""
        if not rows:
            return
        self.session.flush()  # rows made through the ORM earlier in this unit exist before these refer to them
        table = table_of(model)
        entity = model.__tablename__
        now = self._now()
        bookkeeping = {"created_at": now, "updated_at": now, "changed_by": self.actor, "device_id": self.device_id,
                       "deleted": False}
        shapes = dict.fromkeys(map(tuple, rows))
        for shape in shapes:  # each shape of row checked once (nearly all alike)
            self._check_fields(model, dict.fromkeys(shape))
        if column_defaults(model, {}):
            full: Sequence[Mapping[str, Any]] = [{**column_defaults(model, fields), **fields} for fields in rows]
            shapes = dict.fromkeys(map(tuple, full))
        else:  # (a table whose fields have no defaults: nothing to add)
            full = rows
        # the fields in the order they first appear, looked for in each shape of row
        names = list(dict.fromkeys(name for shape in shapes for name in shape))
        # the rows a field at a time (each field's values over every row): the insert's columns, and the
        # row op's parts (``_field_texts``)
        get: Callable[[Any, str], Any] = dict.get if all(type(fields) is dict for fields in full) else _get
        by_name = {name: list(map(get, full, repeat(name))) for name in names}
        columns = ["id", *bookkeeping, *names]
        convert = _converters(table, columns, self.session)
        count = len(rows)
        same = []  # one value for every row: converted once, not per row
        for index, value in enumerate(bookkeeping.values(), start=1):
            processor, convert[index] = convert[index], None
            same.append([processor(value) if processor is not None else value] * count)
        quoted = ", ".join(f'"{name}"' for name in columns)
        self._execute_columns(f'INSERT INTO "{table.name}" ({quoted}) VALUES ({", ".join("?" * len(columns))})',
                              convert, [list(ids), *same, *by_name.values()])
        add = self._bulk.append
        apart = _kept_apart(entity)
        if apart is not None:
            # the value is written as its canonical text (``oplog.canonical``: keys in order, no spaces), which
            # is what its hash in the chain is taken over, so ``_flush_bulk`` hashes it as it is
            ordered = sorted(name for name in [*names, "deleted"] if name not in apart)
            alone = [name for name in names if name in apart]
            self.touched.update(zip(repeat(entity), ids))
            # built a field at a time over every row (``_field_texts``), then joined a row at a time: as
            # ``create``, a blank is no one's answer, not recorded; the tombstone's field recorded as
            # ``create`` records it (false)
            texts = [_field_texts(f"{encode_basestring(name)}:", by_name[name]) if name != "deleted"
                     else [f"{encode_basestring(name)}:false"] * count for name in ordered]
            if not alone:
                for row_id, parts in zip(ids, zip(*texts, strict=True), strict=True):
                    add((entity, row_id, oplog.ROW_FIELD, "{" + ",".join(filter(None, parts)) + "}", "[]"))
                return
            kept_apart = [by_name[name] for name in alone]
            for row_id, parts, values in zip(ids, zip(*texts, strict=True), zip(*kept_apart, strict=True),
                                             strict=True):
                add((entity, row_id, oplog.ROW_FIELD, "{" + ",".join(filter(None, parts)) + "}", "[]"))
                for name, value in zip(alone, values, strict=True):
                    if value is not None:
                        add((entity, row_id, name, op_value_text(value), "[]"))
            return
        for row_id, complete in zip(ids, full, strict=True):
            self.touched.add((entity, row_id))
            for name, value in complete.items():
                if value is not None:  # as ``create``: a blank is no one's answer, no op
                    add((entity, row_id, name, op_value_text(value), "[]"))
            add((entity, row_id, "deleted", "false", "[]"))

    def update_many(self, model: type[Row], updates: Sequence[tuple[str, Mapping[str, Any]]]) -> None:
        """Set fields on existing rows, each written over what the database holds (``update`` with
        no ``seen``). ``updates``: (row id, fields whose values differ from the row's); the caller
        compared them, so every field given is recorded."""
        updates = [(row_id, fields) for row_id, fields in updates if fields]
        if not updates:
            return
        self.session.flush()
        table = table_of(model)
        entity = model.__tablename__
        bases = self._bases(entity, {(row_id, name) for row_id, fields in updates for name in fields})
        now = self._now()
        stamp = {"updated_at": now, "changed_by": self.actor, "device_id": self.device_id}
        by_columns: dict[tuple[str, ...], list[tuple[str, Mapping[str, Any]]]] = defaultdict(list)
        for row_id, fields in updates:
            self._check_fields(model, fields)
            by_columns[tuple(sorted(fields))].append((row_id, fields))
        for names, group in by_columns.items():
            columns = [*names, *stamp]
            convert = _converters(table, [*columns, "id"], self.session)
            values = [[*(fields[name] for name in names), *stamp.values(), row_id] for row_id, fields in group]
            assignments = ", ".join(f'"{name}" = ?' for name in columns)
            self._execute(f'UPDATE "{table.name}" SET {assignments} WHERE id = ?', convert, values)
        for row_id, fields in updates:
            self.touched.add((entity, row_id))
            for name in sorted(fields):
                self._bulk.append((entity, row_id, name, op_value_text(fields[name]),
                                   json_text(bases.get((row_id, name), []))))
                self._bulk_updated.add((entity, row_id, name))
        self.session.expire_all()  # ORM rows read earlier in this unit must not show the old values

    def op_ids(self) -> Iterator[str]:
        """Every op this unit of work has written (those of the bulk verbs from their id ranges)."""
        yield from self.written.values()
        for first_ms, start, count in self._bulk_ranges:
            yield from _ordered(first_ms, start, count)

    def _bases(self, entity: str, keys: set[tuple[str, str]]) -> dict[tuple[str, str], list[str]]:
        """What each (row, field) is written over: the heads as this officer sees them (``_base``),
        from the rows' ops read a chunk of rows at a time."""
        self._flush_bulk()  # earlier bulk writes in this unit are part of what is seen
        found: dict[tuple[str, str], list[str]] = {}
        row_ids = sorted({row_id for row_id, _ in keys})
        names = {name for _, name in keys}
        for start in range(0, len(row_ids), oplog.CHUNK):
            grouped = oplog.ops_of_entities(self.session, entity, row_ids[start:start + oplog.CHUNK], only=names)
            for row_id, fields in grouped.items():
                for name, ops in fields.items():
                    if (row_id, name) in keys:
                        found[(row_id, name)] = oplog.local_base(oplog.field_state(ops), self.device_id)
        return found

    def _execute(self, sql: str, convert: list[Callable[[Any], Any] | None], values: list[list[Any]]) -> None:
        """``sql`` run for every row of ``values`` (``_execute_columns``)."""
        if not values:
            return
        self._execute_columns(sql, convert, [list(column) for column in zip(*values, strict=True)])

    def _execute_columns(self, sql: str, convert: list[Callable[[Any], Any] | None], columns: list[list[Any]]) -> None:
        """``sql`` run for every row (``columns[i]``: the values of its ``i``-th ``?`` in every row; and no
        other ``?`` in it: a name or a literal holding one would be taken for a value's place), each value
        converted as SQLAlchemy converts it (``_converters``). A column that is ``None`` in every row is
        written as the literal ``NULL`` rather than bound: the SQLCipher driver binds a ``None`` through its
        adapter look-up (about 1 microsecond each, five times the stdlib's), and an import's rows have
        whole columns of them (a created row's unset fields, every op's ``received_from``)."""
        nulls = {index for index, column in enumerate(columns) if not any(map(is_not, column, repeat(None)))}
        kept = [column if processor is None else _converted(processor, column)
                for index, (processor, column) in enumerate(zip(convert, columns, strict=True)) if index not in nulls]
        rows = list(zip(*kept, strict=True))
        self.session.connection().exec_driver_sql(_null_literals(sql, nulls) if nulls else sql, rows)

    def _flush_bulk(self) -> None:
        """Write the ops of ``create_many`` and ``update_many``: stamped in the order they were made,
        with ids in time order, in one ``executemany``."""
        if not self._bulk:
            return
        self.session.flush()  # the rows before their ops, as the chain's read of its last link did with the ORM
        count = len(self._bulk)
        first_ms, start = self._clock.last.wall_ms, _random_start()
        hlcs = self._clock.stamps(count)
        wall = int(self._now().timestamp() * 1000)
        self._bulk_ranges.append((first_ms, start, count))
        bulk, self._bulk = self._bulk, []
        # each op's place and link in this device's chain, as ``flush_ops`` gives the ORM verbs' ops
        # (before these were chained, a laptop holding this one's earlier changes refused them as
        # forged): the rows to insert, made with their links in one pass
        rows = chain.chained_rows(self.session, self.device_id, self.actor, wall, zip(
            _ordered(first_ms, start, count), hlcs, bulk, strict=True))
        self.session.connection().exec_driver_sql(  # received from nowhere: NULL written, not bound (``_execute``)
            "INSERT INTO ops (op_id, entity, entity_id, field, value, hlc, device_id, actor, base, received_from, "
            "redacted, wall, dseq, chain, vhash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, 0, ?, ?, ?, ?)", rows)
        keys, self._bulk_updated = self._bulk_updated, set()
        oplog.refresh_heads(self.session, keys)  # an updated field with several heads: worked out again

    # -- plumbing -------------------------------------------------------------------------------

    def flush_ops(self) -> None:
        """Write the pending ops now (they are written at commit anyway).

        A Core insert on the session's own connection: same transaction, without the ORM's
        per-row bookkeeping, which is most of the cost of a large import otherwise.
        """
        self._flush_bulk()
        if self._pending:
            self.session.flush()  # the rows before their ops, as the chain's read of its last link did with the ORM
            chain.stamp(self.session, self.device_id, self._pending)  # each op's place and link in this device's chain
            self.session.connection().execute(_INSERT_OP, self._pending)
            fresh = self.fresh
            keys = {(op["entity"], op["entity_id"], op["field"]) for op in self._pending
                    if (op["entity"], op["entity_id"]) not in fresh}
            self._pending = []
            oplog.refresh_heads(self.session, keys, also={k for k in self._concurrent if k[:2] not in fresh})
            self._concurrent = set()

    def _before_commit(self, session: Session) -> None:
        self.flush_ops()

    def _stamp(self, row: SyncedColumns) -> None:
        row.updated_at = self._now()
        row.changed_by = self.actor
        row.device_id = self.device_id

    def _base(self, row: SyncedColumns, name: str) -> list[str]:
        """The heads of the field as this officer sees it (earlier ops of this unit of work need not
        be listed: a device's newer op is always written over its older ones)."""
        self._flush_bulk()  # a field written by a bulk verb in this unit: its op is what is seen
        entity = row.__tablename__
        # not "the op with the greatest clock": an op written over by a later edit from a laptop whose
        # clock was behind is not a head (``store.oplog``), so the heads are worked out from the field's ops
        return oplog.local_base(oplog.state_of(self.session, entity, row.id, name), self.device_id)

    def _unseen(self, row: SyncedColumns, name: str, seen: Sequence[str]) -> bool:
        """Whether the field's value in the database rests on an op the screen never showed."""
        return bool(set(self._base(row, name)) - set(seen))

    def record_unrecorded(self, entity: str, entity_id: str, name: str, value: Any, *, actor: str,
                          wall: dt.datetime) -> None:
        """An op for a value a row already holds but no op recorded (``store.repair``: rows made by
        an earlier version, whose default-filled fields were never logged). Written over nothing
        (``base=[]``): it is the field's first op. ``actor`` and ``wall`` say who last changed the
        row and when it was made, the nearest the database knows to who set the value and when."""
        self._record_op(entity, entity_id, name, value, [], actor=actor, wall=wall)

    def _record(self, row: SyncedColumns, name: str, value: Any, base: list[str]) -> None:
        self._record_op(row.__tablename__, row.id, name, value, base)

    def _record_op(self, entity: str, entity_id: str, name: str, value: Any, base: list[str], *,
                   actor: str | None = None, wall: dt.datetime | None = None) -> None:
        self.touched.add((entity, entity_id))
        hlc = self._clock.now()
        if self._op_ids is None:
            # time-ordered, as the bulk verbs' (``_flush_bulk``): every laptop that receives these ops
            # adds them at the end of its log's index on ``op_id`` rather than at random places in
            # it, which was a random B-tree insert (and look-up) per op in every pull (issue 22)
            self._op_ids = _ordered(hlc.wall_ms, _random_start(), _RUN)
        op_id = next(self._op_ids)
        earlier = self.written.get((entity, entity_id, name))
        if earlier is not None and earlier not in base:
            base = [*base, earlier]  # a later write of the same field in this unit of work is over the earlier
        self.written[(entity, entity_id, name)] = op_id
        self._pending.append({
            "op_id": op_id, "entity": entity, "entity_id": entity_id, "field": name,
            "value": json_value(value), "hlc": hlc.encode(),
            "device_id": self.device_id, "actor": actor or self.actor, "base": base, "received_from": None,
            "wall": int((wall or self._now()).timestamp() * 1000),
        })

    @staticmethod
    def _check_fields(model: type[SyncedColumns], fields: Mapping[str, Any]) -> None:
        allowed = _SETTABLE.get(model)
        if allowed is None:
            allowed = _SETTABLE[model] = frozenset(inspect(model).columns.keys()) - SyncedColumns.BOOKKEEPING \
                - {"deleted"}
        for name in fields:
            if name not in allowed:
                raise TypeError(f"{model.__name__}.{name} is not a field the write path may set")


#: Built once: every save inserts its ops with it (``store.oplog``'s statements say why).
_INSERT_OP = insert(Op.__table__)
#: Whether the log holds any op of a row (the index on ops' row and field: ``ix_ops_field``).
_ANY_OP = "SELECT 1 FROM ops WHERE entity = ? AND entity_id = ? LIMIT 1"

#: Per model, the fields the write path may set (``Changes._check_fields``), worked out once.
_SETTABLE: dict[type[SyncedColumns], frozenset[str]] = {}


#: Values converted each time rather than once per distinct value: a list or a dict cannot be looked up, and
#: a number with a fraction can equal another whose text differs (``0.0 == -0.0``).
_UNREMEMBERED = frozenset({list, dict, float, decimal.Decimal})


def _get(fields: Mapping[str, Any], name: str) -> Any:
    return fields.get(name)


def _converted(processor: Callable[[Any], Any], values: list[Any]) -> list[Any]:
    """``values`` as ``processor`` converts them, each distinct value converted once (an import's rows
    share a few kinds, judgements and dates): equal values convert alike; a list or a dict (JSON) is
    converted each time, and so is a number with a fraction (0.0 == -0.0); ``None`` stays ``None``."""
    memo: dict[Any, Any] = {}
    found: list[Any] = []
    add = found.append
    for value in values:
        if value is None:
            add(None)
            continue
        if type(value) in _UNREMEMBERED:
            add(processor(value))
            continue
        try:
            converted = memo.get(value)
        except TypeError:
            add(processor(value))
            continue
        if converted is None:
            converted = memo[value] = processor(value)
        add(converted)
    return found


def _field_texts(prefix: str, values: list[Any]) -> list[str | None]:
    """Per row, ``prefix`` and the canonical text of the field's value (``canonical_text``) as a part of
    a row op's text, ``None`` where the row has no value: text written as it is, any other value (an
    enum, a date, a whole number, a flag) worked out once per value (by type and value, as ``True == 1``),
    the rest (``_UNREMEMBERED``) each time."""
    text = encode_basestring  # ``canonical_text`` of text, without its calls (most values are text)
    known: dict[tuple[type, Any], str] = {}
    found: list[str | None] = []
    add = found.append
    for value in values:
        kind = type(value)
        if kind is str:
            add(prefix + text(value))
        elif value is None:
            add(None)
        elif kind in _UNREMEMBERED:
            add(prefix + canonical_text(value))
        else:
            part = known.get((kind, value))
            if part is None:
                part = known[(kind, value)] = prefix + canonical_text(value)
            add(part)
    return found


def _kept_apart(entity: str) -> frozenset[str] | None:
    """The fields ``create_many`` records as one op each beside a new row's one op (``oplog.ROW_FIELD``),
    or ``None`` for no row op (one op per field).

    - A table retention never deletes from: none (every field in the row op).
    - A record retention deletes (an alert, a case...): the fields whose values retention removes
      (``store.purge.content_fields``). It removes them op by op, keeping the fact of each change and
      its hash in the chain, which a row op could not do for some of its fields; and they are sealed
      under the record's own key for the shared store (``sync.records``), which destroying that key
      shreds. The row op holds only what retention keeps of a record (its ids, dates, kinds and flags),
      which is sealed under the team key alone either way: nothing it holds is ever redacted.
    - A part of another's record (a visit's answers): one op per field, since the op naming the
      record a row belongs to is looked for by its field (``store.purge.units_of``)."""
    from qa_desktop.store.purge import RECORD_OF, content_fields  # not at the top: purge reads the store

    if entity not in RECORD_OF:
        return frozenset()
    if RECORD_OF[entity] is not None:
        return None
    return content_fields(entity)


def _converters(table: Any, columns: list[str], session: Session) -> list[Callable[[Any], Any] | None]:
    """Per column, what SQLAlchemy does to a value before the driver sees it (an enum to its text, a
    date to ISO text, an aware time to naive UTC and then to SQLite's text, JSON to text), so rows
    written by the bulk path are stored exactly as the ORM stores them: the dialect's own type's
    processor (``dialect_impl``), not the generic type's, which left dates and times to the driver's
    adapters (a time on the second was stored without its ``.000000``, and each was adapted in Python)."""
    dialect = session.get_bind().dialect
    found: list[Callable[[Any], Any] | None] = []
    for name in columns:
        column: Column[Any] = table.c[name]
        found.append(column.type.dialect_impl(dialect).bind_processor(dialect))
    return found


def _null_literals(sql: str, nulls: set[int]) -> str:
    """``sql`` with its ``?`` at the positions ``nulls`` (counted from 0) written as ``NULL``."""
    parts = sql.split("?")
    return "".join(part + ("" if index == len(parts) - 1 else "NULL" if index in nulls else "?")
                   for index, part in enumerate(parts))


def _check_text(model: type[SyncedColumns], fields: Mapping[str, Any]) -> None:
    """Refuse text with control characters in it (``qa_desktop.safe_text``), naming the field, before
    anything is written: typed or pasted, it cannot be shown, printed or exported. (Only what an edit
    sets: an unchanged old value, or a conflict's kept value, is never refused.)"""
    for name, value in fields.items():
        check_value(f"{re.sub(r'(?<!^)(?=[A-Z])', ' ', model.__name__).capitalize().replace('Qa ', 'QA ')} "
                    f"{name.replace('_', ' ')}",
                    value)
