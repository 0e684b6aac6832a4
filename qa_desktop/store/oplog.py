"""The local op log read as fields: who wrote what over what, the heads, and the winner.

The state of a field is a function of the *set* of its ops and nothing else, so every device that
holds the same ops shows the same thing, whatever order they arrived in (DESIGN.md, Sync):

- an op is written *over* the ops in its ``base`` (what its writer saw as the field's value), and
  nothing else: two programs on one data folder (the window and ``qa-desktop`` in a terminal)
  share a device id, and neither may silently write over what the other wrote unseen. Only an op
  recorded before bases were kept (``base`` None) is taken to be written over every earlier op of
  its device;
- the **heads** are the ops nothing was written over: usually one; two or more when officers
  changed the field without seeing each other's change;
- the **winner** is the greatest ``(hlc, device_id)`` *among the heads*. An op written over another
  is not a head however large its clock value: a laptop whose clock ran fast (or a second program
  on the same data folder whose clock had not yet seen a pulled change) must not make the value an
  officer deliberately replaced come back;
- heads with different values are a **conflict**: the others are kept, listed, and shown beside the
  winner until an officer chooses (the choice is an op written over all heads, and syncs);
- fields in ``MERGED_FIELDS`` are not conflicts: their heads are merged (a photo list: both
  officers' photos are kept). Better than the DESIGN's plain last-writer-wins for these: two
  officers photographing the same item is normal, not a disagreement.

**A created row in one op** (``ROW_FIELD``): the write path's ``create_many`` (an Ofsted file of
thousands of providers) records a new row as one op whose value holds every field it was created with,
instead of one op per field: the op log of an import was 17 ops per provider, and its ids, clocks,
bases, chain links and index entries, not the values, were most of an import's time and of the
database's size. Such an op is, to everything that reads fields, the per-field ops it stands for:
``expand`` gives one record per field, each with the row op's id, clock, device and (empty) base,
and every reader of fields (``ops_of_entities``, ``state_of``, conflicts, the audit trail) reads
through it. A later edit of a field is written over the row op's id as it would be over a field's
own op, so heads, conflicts and merging are those of per-field ops, op for op. The row op is one op
in the hash chain (its value's hash covers every field). It never holds a field whose value retention
removes (``store.purge.content_fields``): retention removes some fields' values of a record, which a
single value could not give up without changing its hash; and what seals a record's content under
its own key (``sync.records``) and blanks content arriving for a deleted record
(``store.purge.blank_arrivals``) reads per-field ops. So a new row of a table retention never deletes
from is one op; a new record retention deletes (an imported alert) is one op for what retention keeps
of it and one op per field retention removes (``store.changes._kept_apart``).

This is the store's part of the merge (the write path needs it to say what an edit is written
over); applying ops that arrive from elsewhere is ``sync.merge``.
"""


from __future__ import annotations

import datetime as dt
import json
import operator
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from json.encoder import encode_basestring
from typing import Any

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.orm import Session

from qa_desktop.store.driver import driver_rows
from qa_desktop.store.hlc import Hlc
from qa_desktop.store.models import FieldHeads, Op

_encode_text = encode_basestring  # what ``json.dumps(text, ensure_ascii=False)`` writes, in C

#: SQLite allows 32k bound parameters; chunks keep every ``IN (...)`` well inside that.
CHUNK = 500

Key = tuple[str, str, str]  # entity, entity_id, field


@dataclass(frozen=True, init=False)
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
    #: When the edit was made by the editing device's wall clock (ms since the epoch), for the audit
    #: trail; ``None`` for ops from before it was recorded. The hybrid clock ``hlc`` only orders.
    wall: int | None = None
    #: Its place in its device's hash chain, the link, and its value's hash (``store.chain``);
    #: ``None`` for ops from before the chain.
    dseq: int | None = None
    chain: str | None = None
    vhash: str | None = None
    #: In a shared store, the value sealed under its record's key (``sync.records``): ``value`` is
    #: then ``None`` until this laptop opens it. Never in the local log.
    sealed: str | None = None

    def __init__(self, op_id: str, entity: str, entity_id: str, field: str, value: Any, hlc: str, device_id: str,
                 actor: str, base: tuple[str, ...] | None = None, wall: int | None = None, dseq: int | None = None,
                 chain: str | None = None, vhash: str | None = None, sealed: str | None = None) -> None:
        """The dataclass's own ``__init__`` with the fields put straight into the instance's dictionary:
        a frozen dataclass sets each of its fourteen through ``object.__setattr__``, and a pull makes
        about three records per change (read, opened, an older op read back: issue 22). The same
        attributes in the same order (a test holds the two equal); one at a time, in that order, so
        the instances still share their keys (a dictionary built whole and merged in took twice the
        memory)."""
        found = self.__dict__
        found["op_id"] = op_id
        found["entity"] = entity
        found["entity_id"] = entity_id
        found["field"] = field
        found["value"] = value
        found["hlc"] = hlc
        found["device_id"] = device_id
        found["actor"] = actor
        found["base"] = base
        found["wall"] = wall
        found["dseq"] = dseq
        found["chain"] = chain
        found["vhash"] = vhash
        found["sealed"] = sealed

    @property
    def order(self) -> tuple[str, str, str]:
        return (self.hlc, self.device_id, self.op_id)

    def as_dict(self) -> dict[str, Any]:
        """The op as a row of the local log (and as it travels, with ``wire_dict``)."""
        return {"op_id": self.op_id, "entity": self.entity, "entity_id": self.entity_id, "field": self.field,
                "value": self.value, "hlc": self.hlc, "device_id": self.device_id, "actor": self.actor,
                "base": list(self.base) if self.base is not None else None, "wall": self.wall,
                "dseq": self.dseq, "chain": self.chain, "vhash": self.vhash}

    def wire_dict(self) -> dict[str, Any]:
        """The op as it travels: a line of a change file or a bundle, a row on the server (with its
        sealed value when it has one)."""
        found = self.as_dict()
        if self.sealed is not None:
            found["sealed"] = self.sealed
        return found

    def with_value(self, value: Any) -> OpRecord:
        """The op holding ``value`` and nothing sealed (an arriving op opened): ``dataclasses.replace``
        without its look-ups of every field by name, once per op of a pull."""
        return OpRecord(self.op_id, self.entity, self.entity_id, self.field, value, self.hlc, self.device_id,
                        self.actor, self.base, self.wall, self.dseq, self.chain, self.vhash)

    @property
    def at(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(Hlc.wall_of(self.hlc) / 1000, tz=dt.UTC)


#: The field of an op that records a created row whole (module docstring). A name no column has
#: (a test holds it so) that an older version's wire check accepts: a laptop not yet updated keeps
#: such an op in its log and the row waiting (``pending_rows``) until it is updated.
ROW_FIELD = "row_created"


def expand(op: OpRecord, only: frozenset[str] | set[str] | None = None) -> list[OpRecord]:
    """The per-field records an op stands for: itself, or one per field of a created row's op
    (module docstring). A row op whose value is not an object (removed, or damaged) stands for none.
    ``only``: of a row op, the records of these fields alone (an op of one field is given as it is)."""
    if op.field != ROW_FIELD:
        return [op]
    if not isinstance(op.value, dict):
        return []
    if only is not None:
        op = OpRecord(op.op_id, op.entity, op.entity_id, op.field, {k: v for k, v in op.value.items() if k in only},
                      op.hlc, op.device_id, op.actor, op.base, op.wall, op.dseq, op.chain, op.vhash, op.sealed)
    # ``replace(op, field=name, value=value)`` per field, built directly: ``replace`` reads every field
    # of the op by name, and an update of 1,500 imported providers expanded 30,000 of them (a test
    # holds the two equal)
    op_id, entity, entity_id, hlc, device_id, actor = op.op_id, op.entity, op.entity_id, op.hlc, op.device_id, op.actor
    base, wall, dseq, chain, vhash, sealed = op.base, op.wall, op.dseq, op.chain, op.vhash, op.sealed
    return [OpRecord(op_id, entity, entity_id, name, value, hlc, device_id, actor, base, wall, dseq, chain, vhash,
                     sealed) for name, value in op.value.items()]


def canonical(value: Any) -> str:
    """Values compare by their JSON text, so ``1`` and ``1.0`` or key order never make a conflict.

    Text, flags, whole numbers, nothing, and lists of text (an op's base) are written here as
    ``json.dumps`` writes them (a test holds the two equal), without its machinery: every op a pull
    receives has its value and its base written so to check its hash and its link (issue 22)."""
    kind = type(value)
    if kind is str:
        return _encode_text(value)
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return int.__repr__(value)
    if kind is list and all(type(item) is str for item in value):
        return "[" + ",".join(map(_encode_text, value)) + "]"
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


#: ``OpRecord.order`` as a sort key, read by C (a pull sorts the ops of every field it touches).
_ORDER = operator.attrgetter("hlc", "device_id", "op_id")


def field_state(ops: Iterable[OpRecord]) -> FieldState:
    """The state of one field from all of its ops (see the module docstring)."""
    if type(ops) is list and len(ops) == 2:  # nearly every field a pull touches: its older op and the one
        # written over it; put in order by one comparison rather than a sort (issue 22)
        newer, older = ops
        if _ORDER(newer) < _ORDER(older):
            newer, older = older, newer
        ops = [newer, older]
    else:
        ops = sorted(ops, key=_ORDER, reverse=True)
    if len(ops) == 2:
        newer, older = ops
        if newer.base is not None and older.op_id in newer.base and newer.op_id not in newer.base and (
                older.base is None or newer.op_id not in older.base):
            return FieldState(newer, (newer,), newer.value, conflict=False)  # as below (a test holds it)
    return _field_state(ops)


def _field_state(ops: list[OpRecord]) -> FieldState:
    """``field_state`` of ops sorted newest first."""
    written_over: set[str] = set()
    rewritten_without_base: set[str] = set()  # devices with a newer op recorded before bases were kept
    for op in ops:
        written_over.update(op.base or ())
        if op.device_id in rewritten_without_base:
            written_over.add(op.op_id)  # an older op of a device that wrote again (an op from before bases)
        if op.base is None:
            rewritten_without_base.add(op.device_id)
    heads = tuple(op for op in ops if op.op_id not in written_over)
    winner = heads[0]  # the newest head: an op written over by another never wins (module docstring)
    merge = MERGED_FIELDS.get((winner.entity, winner.field))
    if merge is not None and len(heads) > 1:
        return FieldState(winner, heads, merge([h.value for h in heads]), conflict=False)
    if len(heads) == 1:  # nearly always: nothing to compare
        return FieldState(winner, heads, winner.value, conflict=False)
    distinct = {canonical(h.value) for h in heads}
    return FieldState(winner, heads, winner.value, conflict=len(distinct) > 1)


def local_base(state: FieldState | None, device_id: str | None = None) -> list[str]:
    """What a local edit of a field is written over: the heads the officer saw as its value.

    That is the winner and every head agreeing with it (or all heads of a merged field), and the
    heads this laptop wrote itself (``device_id``: its officer's own earlier answer, which a new
    answer replaces). Another laptop's losing value of a conflict is *not* included, so editing
    the field does not quietly resolve it. The laptop's own heads are named in the base, rather
    than assumed (``field_state``), so an edit made on a screen that was drawn before another
    program on the same data folder wrote is not taken to have seen that write.
    """
    if state is None:
        return []
    if (state.winner.entity, state.winner.field) in MERGED_FIELDS:
        return [h.op_id for h in state.heads]
    shown = canonical(state.winner.value)
    return [h.op_id for h in state.heads if canonical(h.value) == shown or h.device_id == device_id]


# -- reading ops from the local log ------------------------------------------------------------------

def op_record(row: Any) -> OpRecord:
    """An op from any row with the op columns (the local log, the server's table)."""
    return OpRecord(row.op_id, row.entity, row.entity_id, row.field, row.value, row.hlc, row.device_id,
                    row.actor, tuple(row.base) if row.base is not None else None, getattr(row, "wall", None),
                    getattr(row, "dseq", None), getattr(row, "chain", None), getattr(row, "vhash", None))


def ops_of_field(rows: Iterable[Any], field_name: str) -> list[OpRecord]:
    """The records of one field among rows of the log (``expand``: a created row's op gives its value)."""
    return [op for row in rows for op in expand(op_record(row)) if op.field == field_name]


def ops_of_entities(session: Session, entity: str, entity_ids: list[str], *,
                    only: frozenset[str] | set[str] | None = None) -> dict[str, dict[str, list[OpRecord]]]:
    """All ops of these rows, grouped by row and field; ``only``: of a created row's one op, only the
    records of these fields (the write path's bases of an update need no others)."""
    grouped: dict[str, dict[str, list[OpRecord]]] = defaultdict(lambda: defaultdict(list))
    for start in range(0, len(entity_ids), CHUNK):
        chunk = entity_ids[start:start + CHUNK]
        for entity_id, field_name, op in _lean_ops(session, entity, chunk):
            if field_name == ROW_FIELD:  # a created row's one op: the per-field records it stands for
                for one in expand(op, only):
                    grouped[entity_id][one.field].append(one)
            else:
                grouped[entity_id][field_name].append(op)
    return grouped


def ops_of_fields(session: Session, entity: str, entity_ids: list[str], fields: list[str],
                  columns: list[str], *, up_to: int | None = None) -> dict[str, dict[str, list[OpRecord]]]:
    """The ops of these fields of these rows (at most ``CHUNK`` rows), and their ops of any field that
    is none of the table's ``columns`` (one that stands for several fields, or a newer schema's),
    grouped by row and field. ``up_to``: only the ops the log held up to that rowid (its commit
    order): a pull holds the ops it just added in memory, and reading them back was half of this
    (issue 22); SQLite checks the rowid in the index's entry without reading the op's row.
    The ops are read without their place in their laptop's chain (``wall``, ``dseq``, ``chain`` and
    ``vhash`` are ``None``): what a field's state needs, for a pull's rows brought up to date."""
    grouped: dict[str, dict[str, list[OpRecord]]] = defaultdict(lambda: defaultdict(list))
    for entity_id, field_name, op in _lean_ops(session, entity, entity_ids, fields, columns, up_to, links=False):
        grouped[entity_id][field_name].append(op)
    return grouped


def newest_clocks(session: Session, entity: str, entity_ids: list[str]) -> dict[str, dict[str, str]]:
    """The largest clock value among the ops of each field of these rows (at most ``CHUNK`` rows),
    by row and field: counted by SQLite, no op read into Python."""
    table = Op.__table__
    found: dict[str, dict[str, str]] = defaultdict(dict)
    for entity_id, field_name, hlc in session.execute(
            select(table.c.entity_id, table.c.field, func.max(table.c.hlc))
            .where(table.c.entity == entity, table.c.entity_id.in_(entity_ids))
            .group_by(table.c.entity_id, table.c.field)):
        found[entity_id][field_name] = hlc
    return found


def _marks(count: int) -> str:
    return ",".join("?" * count)


def _lean_ops(session: Session, entity: str, entity_ids: list[str], fields: list[str] | None = None,
              columns: list[str] | None = None, up_to: int | None = None, *,
              links: bool = True) -> Iterable[tuple[str, str, OpRecord]]:
    """The ops of these rows as plain tuples, their JSON decoded here once: a pull reads every op of
    every row it touches, and SQLAlchemy's per-column processing and ``op_record``'s attribute look-ups
    were a third of its time (issue 22). The statement goes to the driver as it is: SQLAlchemy built
    and named 500 parameters of ``IN`` anew for each chunk. (The stored JSON text is read as it is:
    a JSON column's NUMERIC affinity keeps a number as a number, not as its JSON text.)"""
    chained = "wall, dseq, chain, vhash" if links else "NULL, NULL, NULL, NULL"
    sql = (f"SELECT entity_id, field, value, op_id, hlc, device_id, actor, base, {chained} FROM ops "
           f"WHERE entity = ? AND entity_id IN ({_marks(len(entity_ids))})")
    parameters: list[Any] = [entity, *entity_ids]
    if fields is not None:
        named = columns or []
        sql += f" AND (field IN ({_marks(len(fields))}) OR field NOT IN ({_marks(len(named))}))"
        parameters += [*fields, *named]
    if up_to is not None:
        sql += " AND rowid <= ?"
        parameters.append(up_to)
    rows = session.connection().exec_driver_sql(sql, tuple(parameters)).all()
    stored = stored_json
    for entity_id, field_name, value, op_id, hlc, device_id, actor, base, wall, dseq, chain, vhash in rows:
        listed = stored(base)
        yield entity_id, field_name, OpRecord(
            op_id, entity, entity_id, field_name, stored(value), hlc, device_id,
            actor, tuple(listed) if listed is not None else None, wall, dseq, chain, vhash)


def stored_json(stored: Any) -> Any:
    """A JSON column's stored value as SQLAlchemy reads it (``json.loads`` of its text; a number is kept
    as a number by the column's NUMERIC affinity). Text with nothing escaped, and a list of one such
    text (a base), are read without the decoder: a pull reads two of them per op of every field it
    touches (issue 22). The log's text is ``json.dumps``'s, which escapes every quote, backslash,
    control and non-ASCII character, so text without a backslash or an inner quote is its own value."""
    if type(stored) is not str:
        return stored
    if "\\" not in stored:
        if len(stored) >= 2 and stored[0] == '"' and stored[-1] == '"' and '"' not in stored[1:-1]:
            return stored[1:-1]
        if stored == "[]":
            return []
        if stored[:2] == '["' and stored[-2:] == '"]' and '"' not in stored[2:-2]:
            return [stored[2:-2]]
    return json.loads(stored)


#: The write path's statements of one field, built once. Building a statement and its cache key in
#: Python, and the ORM session's handling of it, cost more than SQLite's work for it: about a third
#: of one answer's save on the visit screen (issue 22). They run on the session's connection, in its
#: transaction, with SQLAlchemy's type processing (a JSON column's value decoded as before).
_OPS = Op.__table__
_FIELD_OPS = select(_OPS).where(_OPS.c.entity == bindparam("entity"), _OPS.c.entity_id == bindparam("entity_id"),
                                _OPS.c.field.in_([bindparam("field"), bindparam("row_field")]))
_HEADS = FieldHeads.__table__
#: These two by the driver (``store.driver``: keys are plain text), as SQLAlchemy said them.
_LISTED_HEADS = "SELECT entity, entity_id, field FROM field_heads WHERE entity = ? AND entity_id IN "
_FORGET_HEADS = "DELETE FROM field_heads WHERE entity = ? AND entity_id = ? AND field = ?"
_KEEP_HEADS = insert(_HEADS)


def state_of(session: Session, entity: str, entity_id: str, field_name: str) -> FieldState | None:
    rows = session.connection().execute(_FIELD_OPS, {"entity": entity, "entity_id": entity_id, "field": field_name,
                                                     "row_field": ROW_FIELD}).all()
    ops = ops_of_field(rows, field_name)
    return field_state(ops) if ops else None


def refresh_heads(session: Session, keys: set[Key], *, also: set[Key] | frozenset[Key] = frozenset()) -> None:
    """Recompute the heads of fields that had several (after a local edit or a resolution), and of
    the fields in ``also``, which may now have several (an edit written over only what a screen
    showed, while a value it never showed had arrived)."""
    if not keys:
        return
    by_entity: dict[str, set[str]] = defaultdict(set)
    for entity, entity_id, _ in keys:
        by_entity[entity].add(entity_id)
    listed: set[Key] = set()
    for entity, entity_ids in by_entity.items():
        ids = sorted(entity_ids)
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start:start + CHUNK]
            found = driver_rows(session.connection(), f"{_LISTED_HEADS}({_marks(len(chunk))})", (entity, *chunk))
            listed.update((row[0], row[1], row[2]) for row in found)
    for key in keys & (listed | set(also)):
        state = state_of(session, *key)
        _store_heads(session, key, state)


def _store_heads(session: Session, key: Key, state: FieldState | None) -> None:
    entity, entity_id, field_name = key
    connection = session.connection()
    driver_rows(connection, _FORGET_HEADS, (entity, entity_id, field_name))
    if state is not None and len(state.heads) > 1:
        connection.execute(_KEEP_HEADS, {"entity": entity, "entity_id": entity_id, "field": field_name,
                                         "heads": [h.op_id for h in state.heads], "conflict": state.conflict})
