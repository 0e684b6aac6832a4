"""Record keys: the values of records retention deletes are sealed a second time, under a key of
their own record, so destroying that key (crypto-shredding) destroys every copy of them in the
shared store (``sync.sealing`` says why this and not rewriting the store).

**Which values.** Those retention removes (``store.purge.blank_fields``: notes, answers, photos,
summaries, names...); what it keeps of a record (its ids, dates, kinds and flags) is sealed under the
team key alone, so every laptop can still tell which record a change belongs to, and a deleted
record stays a deleted record everywhere, not a hole.

**Which record.** ``store.purge.RECORD_OF`` says, per table, which record a row belongs to: a
visit's answers, actions, checklists and report revisions belong to the visit; a plan's actions to
the plan; a case, an embargo, an alert, a visit, a plan to itself. Everything else (providers,
settings, reviews...) is never deleted by retention and is sealed under the team key alone. A
change to a row whose record this laptop cannot tell (its visit's id has not arrived) is sealed
under a key of the row's own id, which retention destroys too (it shreds the ids of every row of a
deleted record).

**Keys.** Made by the first laptop that sends a change of the record, kept in its local database,
and sent to the shared store wrapped under the team key before the changes they seal; a laptop
that receives a change takes the key from the store the first time. Two laptops that each start a
record before they meet make a key each: a value names the key it was sealed with
(``unit:key_id:...``), so both are kept. The store keeps a "shredded" marker where a destroyed
key was; a laptop that sees one destroys its own copy, blanks and redacts the record here, and
from then on takes any change to it as blank (``sync.merge``): an edit made offline after the
purge brings nothing back.

**Waiting.** A change whose key has not reached this laptop yet (a sync client delivering the
key's file after the change file) is kept in ``key_waiting_ops`` and applied when the key comes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from qa_desktop.store.database import Store
from qa_desktop.store.models import KeyWaitingOp, Op, RecordKeyRow
from qa_desktop.store.oplog import CHUNK, OpRecord
from qa_desktop.store.purge import content_fields, mark_shredded, shredded_units, units_of
from qa_desktop.sync.sealing import RecordKey, SealError, TeamKey, sealed_ref
from qa_desktop.sync.stores import SharedStore

#: The key id a value names when its record was already deleted where it was sent from.
SHREDDED = "shredded"


def value_aad(op: OpRecord) -> str:
    """What a sealed value is bound to: its own change (it cannot be moved onto another)."""
    return f"{op.op_id}|{op.entity}|{op.entity_id}|{op.field}"


@dataclass
class Opened:
    """What ``RecordKeys.open`` made of a batch of arriving ops."""

    ops: list[OpRecord] = field(default_factory=list)          # ready to apply (values opened)
    blanked: set[str] = field(default_factory=set)             # their record was deleted: applied blank
    waiting: list[OpRecord] = field(default_factory=list)      # their key has not arrived yet
    problems: list[str] = field(default_factory=list)


class RecordKeys:
    """Record keys for one sync with one sealed shared store (module docstring)."""

    def __init__(self, store: Store, shared: SharedStore, team: TeamKey) -> None:
        self._store, self._shared, self._team = store, shared, team
        self._keys: dict[str, RecordKey] = {}              # by ``unit:key_id``
        self._by_unit: dict[str, RecordKey] = {}           # the key this laptop seals a record with
        self._shredded: set[str] = set()
        self._store_shredded: set[str] | None = None
        self._asked: set[str] = set()                      # units already looked up in the store this sync
        with store.read() as session:
            for row in session.scalars(select(RecordKeyRow)):
                key = RecordKey(row.unit, row.key_id, bytes(row.secret))
                self._keys[key.ref] = key
                self._by_unit.setdefault(key.unit, key)
            self._shredded = shredded_units(session)

    # -- records deleted elsewhere, and here ---------------------------------------------------------

    def store_shredded(self) -> set[str]:
        if self._store_shredded is None:
            self._store_shredded = self._shared.shredded_units()
        return self._store_shredded

    def exchange_shredded(self) -> set[str]:
        """Take the records the store says were deleted (destroying this laptop's keys of them) and
        tell the store of those deleted here; returns the ones new to this laptop."""
        in_store = self.store_shredded()
        with self._store.transaction() as session:
            new = mark_shredded(session, in_store - self._shredded, self._store.clock.now())
        self._shredded |= in_store
        for unit in new:
            self._forget(unit)
        mine = self._shredded - in_store
        if mine:
            self._shared.shred(mine)
            in_store |= mine
        return new

    def _forget(self, unit: str) -> None:
        self._by_unit.pop(unit, None)
        for ref in [ref for ref, key in self._keys.items() if key.unit == unit]:
            del self._keys[ref]

    # -- sending -------------------------------------------------------------------------------------

    @property
    def shredded(self) -> set[str]:
        """The records deleted under retention, here or (as this sync learnt) elsewhere."""
        return self._shredded

    def _make_keys(self, units: Iterable[str]) -> None:
        """A key for each of these records that has none yet: kept here, then sent to the store,
        before anything sealed with it leaves."""
        made: list[RecordKey] = []
        for unit in sorted(set(units) - self._shredded):
            if unit not in self._by_unit:
                key = RecordKey.new(unit)
                self._by_unit[unit] = self._keys[key.ref] = key
                made.append(key)
        if made:
            with self._store.transaction() as session:
                session.execute(insert(RecordKeyRow.__table__), [{"key_id": k.key_id, "unit": k.unit,
                                                                  "secret": k.secret} for k in made])
            self._shared.put_record_keys([(k.unit, k.key_id, self._team.wrap(k)) for k in made])

    def seal(self, ops: list[OpRecord]) -> list[OpRecord]:
        """The ops with each record's values sealed under its record's key (made, kept here and sent to
        the store first when the record has none yet)."""
        with self._store.read() as session:
            units = units_of(session, ops)
        self._make_keys({unit for op in ops if (unit := units[op.op_id]) is not None
                         and op.field in content_fields(op.entity)})
        sealed = []
        for op in ops:
            record = units[op.op_id]
            if record is None or op.field not in content_fields(op.entity):
                sealed.append(op)  # what retention keeps of a record (its keys, dates, kinds, flags): team key alone
            elif record in self._shredded:  # deleted here already: nothing of its value leaves
                sealed.append(replace(op, value=None, sealed=f"{record}:{SHREDDED}:"))
            else:
                key = self._by_unit[record]
                sealed.append(replace(op, value=None, sealed=key.seal_value(op.value, value_aad(op))))
        return sealed

    def seal_photo(self, name: str, unit: str | None, data: bytes) -> bytes:
        """A photo as the store keeps it: ``QAP2 <key>`` then the photo sealed (under its record's key,
        or the team key when it belongs to no record), bound to its name."""
        if unit is None:
            return b"QAP2 team\n" + self._team.seal("photos", data, name)
        self._make_keys([unit])
        key = self._by_unit[unit]
        return f"QAP2 {key.ref}\n".encode() + key.seal_bytes(data, name)

    def open_photo(self, name: str, stored: bytes) -> bytes | None:
        """A photo's bytes from the store; ``None`` when its record's key has not arrived (or the
        record was deleted); ``SealError`` when it cannot be opened."""
        head, newline, body = stored.partition(b"\n")
        if not newline or not head.startswith(b"QAP2 "):
            raise SealError("not a sealed photo")
        ref = head[5:].decode("ascii", "replace")
        if ref == "team":
            return self._team.open("photos", body, name)
        unit, key_id = sealed_ref(ref + ":x")
        if unit in self._shredded or unit in self.store_shredded():
            return None
        if f"{unit}:{key_id}" not in self._keys:
            self._fetch({unit})
        key = self._keys.get(f"{unit}:{key_id}")
        return key.open_bytes(body, name) if key is not None else None

    def send_missing_keys(self) -> int:
        """Send the store any key of this laptop's it lacks (a key file tidied away); how many."""
        present = self._shared.record_key_ids()
        missing = [k for ref, k in self._keys.items() if ref not in present and k.unit not in self.store_shredded()]
        if missing:
            self._shared.put_record_keys([(k.unit, k.key_id, self._team.wrap(k)) for k in missing])
        return len(missing)

    # -- receiving -----------------------------------------------------------------------------------

    def open(self, ops: list[OpRecord]) -> Opened:
        """Open the sealed values of arriving ops (module docstring)."""
        result = Opened()
        refs: dict[str, tuple[str, str]] = {}
        for op in ops:
            if op.sealed is not None:
                try:
                    refs[op.op_id] = sealed_ref(op.sealed) if not op.sealed.endswith(f":{SHREDDED}:") \
                        else (op.sealed.split(":")[0], SHREDDED)
                except SealError:
                    result.problems.append(f"a change to {op.entity} {op.entity_id[:8]} has a damaged sealed value; "
                                           "it was not used")
        self._fetch({unit for unit, key_id in refs.values()
                     if key_id != SHREDDED and f"{unit}:{key_id}" not in self._keys and unit not in self._shredded})
        for op in ops:
            if op.sealed is None:
                result.ops.append(op)
                continue
            if op.op_id not in refs:
                continue
            unit, key_id = refs[op.op_id]
            if key_id == SHREDDED or unit in self._shredded or unit in self.store_shredded():
                result.ops.append(op.with_value(None))
                result.blanked.add(op.op_id)
                continue
            key = self._keys.get(f"{unit}:{key_id}")
            if key is None:
                result.waiting.append(op)
                continue
            try:
                value = key.open_value(op.sealed, value_aad(op))
            except (SealError, ValueError):
                result.problems.append(f"a change to {op.entity} {op.entity_id[:8]} cannot be opened with its "
                                       "record's key (changed or damaged); it was not used")
                continue
            result.ops.append(op.with_value(value))
        return result

    def _fetch(self, units: set[str]) -> None:
        """Take from the store the keys of these records this laptop lacks, and keep them here."""
        units -= self._asked
        if not units:
            return
        self._asked |= units
        found = []
        for unit, key_id, wrapped in self._shared.get_record_keys(units):
            try:
                key = self._team.unwrap(unit, key_id, wrapped)
            except SealError:
                continue  # a damaged key file: another laptop that holds the key sends it again
            if key.ref not in self._keys:
                self._keys[key.ref] = key
                self._by_unit.setdefault(unit, key)
                found.append(key)
        if found:
            with self._store.transaction() as session:
                known = set(session.scalars(select(RecordKeyRow.key_id).where(
                    RecordKeyRow.key_id.in_([k.key_id for k in found]))))
                rows = [{"key_id": k.key_id, "unit": k.unit, "secret": k.secret}
                        for k in found if k.key_id not in known]
                if rows:
                    session.execute(insert(RecordKeyRow.__table__), rows)


def keep_waiting(session: Session, ops: list[OpRecord], received_from: str, source: str) -> None:
    """Keep changes whose record key has not arrived (each once)."""
    ids = [op.op_id for op in ops]
    known: set[str] = set()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        known.update(session.scalars(select(KeyWaitingOp.op_id).where(KeyWaitingOp.op_id.in_(chunk))))
        known.update(session.scalars(select(Op.op_id).where(Op.op_id.in_(chunk))))
    rows = [{"op_id": op.op_id, "received_from": received_from, "unit": str(op.sealed).split(":")[0],
             "op": op.wire_dict(), "source": source[:300]} for op in ops if op.op_id not in known]
    if rows:
        session.execute(insert(KeyWaitingOp.__table__), rows)


def waiting(session: Session) -> list[tuple[str, str, OpRecord]]:
    """The changes kept for their key: (received from, where from, op)."""
    from qa_desktop.sync.wire import op_from_wire

    found = []
    for row in session.scalars(select(KeyWaitingOp)):
        try:
            found.append((row.received_from, row.source, op_from_wire(row.op)))
        except ValueError:
            continue
    return found


def forget_waiting(session: Session, ids: list[str]) -> None:
    for start in range(0, len(ids), CHUNK):
        session.execute(delete(KeyWaitingOp.__table__).where(KeyWaitingOp.op_id.in_(ids[start:start + CHUNK])))


