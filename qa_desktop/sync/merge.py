"""Applying ops that arrive from elsewhere (a shared store, a bundle): into the log once each, and
the rows they touch brought up to date from their fields' winners (``store.oplog``).

Rows are made or updated from the merged field values. A row whose required fields, or whose
parent row, have not arrived yet (a sync cut off half-way, a visit's answers pulled before the
visit) is recorded in ``pending_rows`` and made when they come: its ops are safe in the log.

An op whose clock value is more than ``MAX_AHEAD`` (24 hours) ahead of this laptop's wall clock
(``store.hlc``: one laptop set to the wrong day must not move every laptop's clock) is *held*: kept
in ``held_ops`` with where it came from, not applied, and not counted in ``Applied.max_hlc``, so
the engine's ``observe`` never sees it. What is held is said in words naming the laptop's user and
how far ahead its clock is; everything else in the batch applies as normal. ``sync.held`` applies
held ops later (this laptop's clock caught up, or an officer accepts them) through ``apply_held``.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select
from sqlalchemy.orm import Session

from qa_desktop.store.changes import base_text, json_text
from qa_desktop.store.database import session_clock
from qa_desktop.store.hlc import (
    MAX_AHEAD_MS,
    Hlc,
    ahead_ms,
    beyond_bound,
    datetime_of_ms,
    is_date_ms,
    wall_beyond_bound,
)
from qa_desktop.store.models import (
    SYNCED_MODELS,
    FieldHeads,
    HeldOp,
    Op,
    PendingRow,
    ShreddedUnit,
    SyncedColumns,
    table_of,
)
from qa_desktop.store.oplog import (
    CHUNK,
    FieldState,
    OpRecord,
    field_state,
    newest_clocks,
    ops_of_fields,
)
from qa_desktop.store.purge import blank_arrivals
from qa_desktop.store.rows import _DECODED, Made, _update_rows, decode, materialise


@dataclass
class Applied(Made):
    """What one batch of incoming ops did (``Made``: the rows it made, updated and left waiting)."""

    new_ops: int = 0
    #: The largest clock value applied, for the engine's ``observe``: never a held op's, and
    #: ``None`` for ops an officer accepted (``sync.held.accept_held``).
    max_hlc: str | None = None
    #: Ops held by this batch because their clock is too far ahead, in words, one line per laptop
    #: (also in ``problems``, so a sync report shows them).
    held: list[str] = field(default_factory=list)
    #: How many ops this batch held (ops already held, or already in the log, are not counted).
    held_ops: int = 0
    #: The ``(table, id)`` of the records the applied ops belong to (what the screens should redraw).
    changed: set[tuple[str, str]] = field(default_factory=set)


def apply_ops(session: Session, ops: list[OpRecord], received_from: str, *, source: str = "",
              now_ms: int | None = None, blanked: Iterable[str] = ()) -> Applied:
    """Add ops from elsewhere to the log (each once) and bring the rows they touch up to date.

    Ops whose clock is beyond the bound are held instead (module docstring). ``source`` says for
    people where the ops came from (a change file, a bundle; the store's key when not given);
    ``now_ms`` is this laptop's wall clock (read from the session's clock when not given: tests
    pass it).

    ``blanked``: ops whose value could not be opened because their record was deleted under
    retention (its key destroyed): kept in the log as redacted. Any other op that would put content
    back into such a record is redacted as it arrives (``store.purge.blank_arrivals``).

    Runs inside the caller's transaction: the caller commits it together with its sync cursor, so
    an interrupted sync leaves either all of a batch or none of it.
    """
    result = Applied()
    wall = session_clock(session).wall_ms() if now_ms is None else now_ms
    unique: dict[str, OpRecord] = {}
    stamps: dict[str, int] = {}  # each op's wall part: ``Hlc.parse(op.hlc).wall_ms``, without making the Hlc
    unusable: list[OpRecord] = []
    for op in ops:
        if op.op_id in unique:
            continue
        try:
            stamp: int | None = Hlc.wall_of(op.hlc)
        except ValueError:
            stamp = None
        if stamp is None or not is_date_ms(stamp):  # from a shared store that does not check (``wire`` does)
            unusable.append(op)
        else:
            unique[op.op_id], stamps[op.op_id] = op, stamp
    for device_id, refused in _by_device(unusable).items():
        result.problems.append(f"{len(refused)} change(s) from {_laptop(refused, device_id)} (from "
                               f"{source or received_from}) have a clock value that cannot be a date; they were "
                               "not used")
    known = _in_log(session, list(unique))
    fresh = [op for op in unique.values() if op.op_id not in known]
    ahead = [op for op in fresh if wall_beyond_bound(stamps[op.op_id], wall)]
    if ahead:
        _hold(session, ahead, received_from, source or received_from, wall, result)
    far = {op.op_id for op in ahead}
    _add_to_log(session, [(received_from, [op for op in fresh if op.op_id not in far])], result, adopt=True,
                blanked=set(blanked))
    return result


def apply_held(session: Session, batches: Iterable[tuple[str, list[OpRecord]]], *, adopt: bool) -> Applied:
    """Apply ops taken from ``held_ops`` (``sync.held``): each batch is ``(received_from, ops)``.
    ``adopt=False`` (an officer accepted them): ``max_hlc`` stays ``None``, so the clock does not
    move to them."""
    result = Applied()
    batches = [(received_from, list(ops)) for received_from, ops in batches]
    ids = [op.op_id for _, ops in batches for op in ops]
    known = _in_log(session, ids)
    fresh = [(received_from, [op for op in ops if op.op_id not in known]) for received_from, ops in batches]
    _forget_held(session, ids)  # already in the log (it came again within the bound): held no longer
    _add_to_log(session, fresh, result, adopt=adopt)
    return result


def _in_log(session: Session, ids: list[str]) -> set[str]:
    """Which of these ops the log holds already (straight to the driver: SQLAlchemy named each of the
    ``IN``'s parameters anew for every chunk of every pull)."""
    known: set[str] = set()
    connection = session.connection()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        known.update(op_id for op_id, in connection.exec_driver_sql(
            f"SELECT op_id FROM ops WHERE op_id IN ({','.join('?' * len(chunk))})", tuple(chunk)))
    return known


def _add_to_log(session: Session, batches: list[tuple[str, list[OpRecord]]], result: Applied, *,
                adopt: bool, blanked: set[str] | frozenset[str] = frozenset()) -> None:
    """The ops (not in the log yet) into the log, out of ``held_ops``, and their rows made."""
    touched: dict[str, set[str]] = defaultdict(set)
    applied: list[OpRecord] = []
    newest_before = session.scalar(select(func.max(Op.hlc)))  # the clock's index: one look
    last_before = session.connection().exec_driver_sql("SELECT max(rowid) FROM ops").scalar() or 0
    for received_from, ops in batches:
        if ops:
            _insert_ops(session, ops, received_from, blanked)
            applied.extend(ops)
    redacted: set[str] = set()
    if applied:
        redacted = blank_arrivals(session, [op for op in applied if op.op_id not in blanked])
    if applied:
        _forget_held(session, [op.op_id for op in applied])
        if adopt:
            result.max_hlc = max(o.hlc for o in applied)
    result.new_ops = len(applied)
    updated = set() if blanked or redacted else update_fields(session, applied, result, newest_before,
                                                               added_after=last_before)
    rows = {(op.entity, op.entity_id) for op in applied}
    for entity, entity_id in rows - updated:
        touched[entity].add(entity_id)
    result.changed |= rows
    for pending in session.scalars(select(PendingRow)):
        touched[pending.entity].add(pending.entity_id)
    materialise(session, touched, result)


#: The op log's index by row and field (``ix_ops_field``), as a sort key read by C.
_INDEX_ORDER = operator.attrgetter("entity", "entity_id", "field")
#: ``OpRecord.order``, as a sort key read by C.
_ORDER = operator.attrgetter("hlc", "device_id", "op_id")
_BY_ROWID = operator.itemgetter("rowid")

_INSERT_OPS = ("INSERT INTO ops (op_id, entity, entity_id, field, value, hlc, device_id, actor, base, received_from, "
               "redacted, wall, dseq, chain, vhash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")


def _insert_ops(session: Session, ops: list[OpRecord], received_from: str, blanked: set[str] | frozenset[str]) -> None:
    """The ops into the log as the ORM's JSON columns store them (``json.dumps``: ``json_text``), in one
    ``executemany`` straight to the driver: SQLAlchemy's processing of each row's fourteen parameters
    was a tenth of a pull (issue 22). In the order of the log's index by row and field, where nearly
    every op lands at a random place (rows' ids are hashes): each page of it is then written once, while
    it is in memory, rather than read back (and decrypted) again after others pushed it out."""
    text = json_text
    rows = [(o.op_id, o.entity, o.entity_id, o.field, text(o.value), o.hlc, o.device_id, o.actor,
             base_text(o.base), received_from, int(o.op_id in blanked), o.wall,
             o.dseq, o.chain, o.vhash) for o in sorted(ops, key=_INDEX_ORDER)]
    session.connection().exec_driver_sql(_INSERT_OPS, rows)


def _forget_held(session: Session, ids: list[str]) -> None:
    if session.scalar(select(HeldOp.op_id).limit(1)) is None:  # nearly always: nothing is held
        return
    for start in range(0, len(ids), CHUNK):
        session.execute(delete(HeldOp.__table__).where(HeldOp.op_id.in_(ids[start:start + CHUNK])))


def _hold(session: Session, ops: list[OpRecord], received_from: str, source: str, wall: int,
          result: Applied) -> None:
    """Keep ops whose clock is too far ahead in ``held_ops`` (each once), and say so."""
    ids = [op.op_id for op in ops]
    already: set[str] = set()
    for start in range(0, len(ids), CHUNK):
        already.update(session.scalars(select(HeldOp.op_id).where(HeldOp.op_id.in_(ids[start:start + CHUNK]))))
    new = [op for op in ops if op.op_id not in already]
    if not new:
        return
    held_at = datetime_of_ms(wall)
    session.execute(insert(HeldOp.__table__), [
        {"op_id": op.op_id, "received_from": received_from, "hlc": op.hlc, "device_id": op.device_id,
         "actor": op.actor[:120], "op": op.as_dict(), "source": source[:300], "held_at": held_at} for op in new])
    result.held_ops += len(new)
    for device_id, of_device in _by_device(new).items():
        words = held_words(len(of_device), _laptop(of_device, device_id), max(o.hlc for o in of_device),
                           wall, [source])
        result.held.append(words)
        result.problems.append(words)


# -- held ops in words ------------------------------------------------------------------------------

def _by_device(ops: Iterable[OpRecord]) -> dict[str, list[OpRecord]]:
    grouped: dict[str, list[OpRecord]] = defaultdict(list)
    for op in ops:
        grouped[op.device_id].append(op)
    return dict(sorted(grouped.items()))


def _laptop(ops: list[OpRecord], device_id: str) -> str:
    """A laptop in words: its user (the actor of its newest op) and a short device id."""
    actor = max(ops, key=lambda o: o.hlc).actor.strip()
    return laptop_words(actor, device_id)


def laptop_words(actor: str, device_id: str) -> str:
    return f"{actor}'s laptop (device {device_id[:8]})" if actor else f"laptop {device_id[:8]}"


def duration_words(ms: int) -> str:
    """A time span in round words: "26 hours", "2 days", "10 years"."""
    hours = ms / 3_600_000
    days = hours / 24
    if hours < 1.5:
        return _plural(round(ms / 60_000), "minute")
    if hours < 36:
        return _plural(round(hours), "hour")
    if days < 60:
        return _plural(round(days), "day")
    if days < 548:
        return _plural(round(days / 30.44), "month")
    return _plural(round(days / 365.25), "year")


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


def held_words(count: int, laptop: str, newest_hlc: str, wall_ms: int, sources: list[str]) -> str:
    """One laptop's held ops in words: whose, how far ahead its clock is of ``wall_ms`` (this
    laptop's clock), and when they apply."""
    newest = Hlc.parse(newest_hlc)
    named = sorted({s for s in sources if s})
    where = ""
    if len(named) == 1:
        where = f" (from {named[0]})"
    elif named:
        where = f" (from {named[0]} and {len(named) - 1} other(s))"
    changes, verb, they = ("1 change", "is", "it") if count == 1 else (f"{count} changes", "are", "they")
    if not beyond_bound(newest, wall_ms):  # this laptop's clock has caught up since
        return (f"{changes} from {laptop}{where} {verb} held: its clock was far ahead of this laptop's, which has "
                f"caught up. {they.capitalize()} {'is' if count == 1 else 'are'} applied at the next sync.")
    due = datetime_of_ms(newest.wall_ms - MAX_AHEAD_MS)
    then = "it then applies" if count == 1 else "they then apply"
    return (f"{changes} from {laptop}{where} {verb} held: its clock is "
            f"{duration_words(ahead_ms(newest, wall_ms))} ahead of this laptop's. {they.capitalize()} "
            f"{'is' if count == 1 else 'are'} kept, and applied when this laptop's clock reaches {_local_words(due)}, "
            f"or sooner if an officer accepts {'it' if count == 1 else 'them'}. If this laptop's own date and time "
            "are wrong, correct them: "
            f"{then} at the next sync.")


def _local_words(when: dt.datetime) -> str:
    try:
        local = when.astimezone()
    except (OverflowError, ValueError, OSError):  # the last days of the year 9999, east of Greenwich
        local = when
    return f"{local:%d %b %Y %H:%M}"


def update_fields(session: Session, ops: list[OpRecord], result: Applied,
                  newest_before: str | None = None, *, added_after: int | None = None) -> set[tuple[str, str]]:
    """Bring existing rows up to date from the fields these ops touch alone, where that gives what
    ``materialise`` would: returns the ``(table, id)`` of the rows done; the others are left to it.

    ``materialise`` reads every op of every field of a touched row, which made a pull cost the
    history of the rows it touched (issue 22: 7 ops read for each changed answer, 700,000 at 100,000
    answers). Here only the touched fields' ops are read. A row is done here when each touched
    field's value decodes and the newest winner among the touched fields is newer than every op of
    the other fields (nearly always: newer than every op in the log before these came,
    ``newest_before``; else their largest clock value is counted by SQLite): the row's
    bookkeeping (who changed it last, when, on which laptop) is then that winner's, exactly as
    ``materialise`` finds it, and the other fields' values, untouched, stay as they are. Anything
    else (a record deleted under retention anywhere here, a value that does not decode, an older
    change arriving late, a row not made yet, a row with an op of a field that is none of its
    table's columns: one standing for several fields, or a newer schema's) goes the whole way
    through ``materialise``, which reads every op as the fields it stands for.

    ``added_after``: the log's largest rowid before ``ops`` were added (SQLite gives each new row the
    next one): their fields' older ops are read from the log, and ``ops`` themselves are taken as
    they are rather than read back (issue 22). Not when an op's value is a bare number: SQLite's
    NUMERIC affinity may store ``1.0`` as ``1``, and the row must get what the log holds."""
    if not ops or session.scalar(select(ShreddedUnit.unit).limit(1)) is not None:
        return set()
    if added_after is not None and (added_after >= 2**63 - 1 - len(ops) or any(
            type(op.value) in (int, float) for op in ops)):
        added_after = None
    fields_of: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    fresh_of: dict[str, dict[str, list[OpRecord]]] = defaultdict(lambda: defaultdict(list))
    for op in ops:
        fields_of[op.entity][op.entity_id].add(op.field)
        fresh_of[op.entity][op.entity_id].append(op)
    waiting = session.scalar(select(PendingRow.entity).limit(1)) is not None
    done: set[tuple[str, str]] = set()
    for model in SYNCED_MODELS:
        rows = fields_of.get(model.__tablename__)
        ids = sorted(rows or ())
        fresh = fresh_of[model.__tablename__] if added_after is not None else None
        updates: list[dict[str, Any]] = []
        for start in range(0, len(ids), CHUNK):
            chunk = {entity_id: (rows or {})[entity_id] for entity_id in ids[start:start + CHUNK]}
            done.update((model.__tablename__, entity_id) for entity_id in _update_fields_chunk(
                session, model, chunk, result, updates, newest_before, waiting=waiting, added_after=added_after,
                fresh=fresh))
        # all of the table's rows at once, in the order they are stored (SQLite's rowid), each found by
        # it: one pass over the table's pages rather than a random page per row, and no look-up of
        # its id (issue 22: at 100,000 answers the table's pages no longer stay in the page cache)
        updates.sort(key=_BY_ROWID)
        _update_rows(session, table_of(model), updates, key="rowid")
    return done


def _update_fields_chunk(session: Session, model: type[SyncedColumns], fields_of: dict[str, set[str]],
                         result: Applied, updates: list[dict[str, Any]], newest_before: str | None, *,
                         waiting: bool = True,
                         added_after: int | None = None, fresh: dict[str, list[OpRecord]] | None = None) -> list[str]:
    """``update_fields`` for at most ``CHUNK`` rows of one table: their new values are added to
    ``updates`` (each with its row's ``rowid``), for the caller to write. Its look-ups by row go
    straight to the driver (SQLAlchemy built and named each ``IN``'s 500 parameters anew for every
    chunk: issue 22)."""
    table = table_of(model)
    name = table.name
    columns = {c.name: c for c in table.columns if c.name not in SyncedColumns.BOOKKEEPING}
    connection = session.connection()
    rowids: dict[str, int] = dict(connection.exec_driver_sql(
        f'SELECT id, rowid FROM "{name}" WHERE id IN ({",".join("?" * len(fields_of))})', tuple(fields_of)).all())
    ids = sorted(rowids)
    if not ids:
        return []
    # left to ``materialise``: a row waiting for ops (its waiting fields are applied there from all its
    # ops), and a row whose change points at another row (a foreign key): that row may arrive in the
    # same batch, and ``materialise`` makes parents first; written here first, the foreign key fails
    # and the whole pull stops on it, sync after sync (found in review)
    pending: set[str] = set()
    if waiting:  # ``update_fields`` looked: some row of some table waits
        pending = {row_id for row_id, in connection.exec_driver_sql(
            f"SELECT entity_id FROM pending_rows WHERE entity = ? AND entity_id IN ({','.join('?' * len(ids))})",
            (name, *ids))}
    linked = {c.name for c in table.columns if c.foreign_keys}
    ids = [i for i in ids if i not in pending and not (linked & fields_of[i])]
    if not ids:
        return []
    grouped = ops_of_fields(session, name, ids, sorted({f for i in ids for f in fields_of[i]}), sorted(columns),
                            up_to=added_after)
    if fresh is not None:  # the ops just added, as they are (``update_fields``)
        for entity_id in ids:
            of_row = grouped[entity_id]
            for op in fresh[entity_id]:  # every op of the row just added: of a touched field, or of no column
                of_row[op.field].append(op)
    names = columns.keys()
    as_is = {n for n, c in columns.items() if not isinstance(c.type, _DECODED)}  # ``decode`` gives the value
    newest: dict[str, dict[str, str]] | None = None
    heads_rows: list[dict[str, Any]] = []
    done: list[str] = []
    for entity_id in ids:
        touched = fields_of[entity_id]
        if not (names >= touched and names >= grouped[entity_id].keys()):
            continue  # an op that stands for several fields (a created row's one op), or a newer schema's
        states: dict[str, FieldState] = {}
        values: dict[str, Any] = {}
        try:
            for field_name in touched:
                state = states[field_name] = field_state(grouped[entity_id][field_name])
                values[field_name] = state.value if field_name in as_is else decode(columns[field_name], state.value)
        except (ValueError, TypeError, KeyError, IndexError):  # materialise says what is wrong
            continue
        latest = max((state.winner for state in states.values()), key=_ORDER) if len(states) > 1 else \
            next(iter(states.values())).winner
        if newest_before is not None and latest.hlc <= newest_before:
            if newest is None:  # some change here may be newer: the other fields' newest, for this chunk
                newest = newest_clocks(session, name, ids)
            others = [hlc for field_name, hlc in newest[entity_id].items() if field_name not in touched]
            if others and latest.hlc <= max(others):
                continue
        updates.append({**values, "updated_at": latest.at, "changed_by": latest.actor, "device_id": latest.device_id,
                        "rowid": rowids[entity_id]})
        for field_name, state in states.items():
            if len(state.heads) > 1:
                heads_rows.append({"entity": name, "entity_id": entity_id, "field": field_name,
                                   "heads": [h.op_id for h in state.heads], "conflict": state.conflict})
        done.append(entity_id)
    if not done:
        return []
    heads = FieldHeads.__table__
    listed = [(entity_id, field_name) for entity_id, field_name in connection.exec_driver_sql(
        f"SELECT entity_id, field FROM field_heads WHERE entity = ? AND entity_id IN ({','.join('?' * len(done))})",
        (name, *done)) if field_name in fields_of[entity_id]]
    if listed:  # only fields that had several heads have a row there
        session.execute(delete(heads).where(heads.c.entity == name, heads.c.entity_id == bindparam("row_id"),
                                            heads.c.field == bindparam("row_field")),
                        [{"row_id": entity_id, "row_field": field_name} for entity_id, field_name in listed])
    if heads_rows:
        session.execute(insert(heads), heads_rows)
    # (no row done here waits in ``pending_rows``: those were left to ``materialise`` above)
    result.rows_updated += len(done)
    return done
