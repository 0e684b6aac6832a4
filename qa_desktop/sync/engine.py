"""One sync with a shared store: push photos, push ops, pull and apply, fetch missing photos.

Each step is safe to cut off anywhere (a closed laptop lid, a dropped VPN, a killed process):

- photos go up before the ops that mention them, each whole or not at all;
- pushed ops are marked as pushed only after the store has them, so an interrupted push pushes
  them again, which changes nothing (every store ignores an op it already has);
- each pulled batch is applied in one local transaction together with the cursor that says it was
  applied: either both are saved or neither, so the next sync starts where this one really ended;
- a photo an op mentions but the store does not have yet is listed as missing and fetched by a
  later sync; the answer and its caption are there meanwhile, and reports show a placeholder.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnClause, ColumnElement, Integer, func, literal_column, or_, select
from sqlalchemy.orm import Session

from qa_desktop.store.blobs import BlobError, BlobStore
from qa_desktop.store.database import Store
from qa_desktop.store.hlc import Hlc
from qa_desktop.store.models import Answer, FieldHeads, LocalState, Op, PendingRow
from qa_desktop.store.oplog import op_record
from qa_desktop.store.purge import redact_purged
from qa_desktop.sync.merge import apply_ops
from qa_desktop.sync.stores import SharedStore
from qa_desktop.sync.wire import SyncFileError

PUSH_BATCH = 5000
_BLOB = re.compile(r"[0-9a-f]{64}")

Progress = Callable[[str, int, int], None]

#: The op log's commit order (SQLite's rowid): how far a push got, and which ops a batch added.
_ROWID: ColumnClause[int] = literal_column("ops.rowid", Integer)


def blobs_in(entity: str, field_name: str, value: Any) -> list[str]:
    """The photos an op's value refers to (only well-formed hashes: an op read from outside must not
    name a path)."""
    if (entity, field_name) != ("answers", "evidence") or not isinstance(value, list):
        return []
    return [e["blob"] for e in value
            if isinstance(e, dict) and isinstance(e.get("blob"), str) and _BLOB.fullmatch(e["blob"])]


@dataclass
class SyncReport:
    store: str
    pushed: int = 0
    pulled: int = 0
    rows_made: int = 0
    rows_updated: int = 0
    waiting_rows: int = 0
    photos_sent: int = 0
    photos_fetched: int = 0
    photos_missing: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    conflicts: int = 0
    finished_at: dt.datetime | None = None
    #: The ``(table, id)`` of every record the pulled ops brought in or changed here: what the
    #: workspace tells the screens. Pulled ops bypass ``Changes`` (they are already in the log),
    #: so the engine names them itself rather than leaving it to whoever reads the log next.
    changed: set[tuple[str, str]] = field(default_factory=set)

    def summary(self) -> str:
        parts = [f"Synced with {self.store}: {self.pushed} change(s) sent, {self.pulled} received"]
        if self.photos_sent or self.photos_fetched:
            parts.append(f"{self.photos_sent} photo(s) sent, {self.photos_fetched} received")
        if self.photos_missing:
            parts.append(f"{len(self.photos_missing)} photo(s) not in the shared store yet (fetched on a later sync)")
        if self.waiting_rows:
            parts.append(f"{self.waiting_rows} record(s) waiting for the rest of their changes")
        if self.conflicts:
            parts.append(f"{self.conflicts} conflict(s) to resolve")
        if self.problems:
            parts.append(f"{len(self.problems)} problem(s)")
        return "; ".join(parts) + "."


@dataclass(frozen=True)
class SyncStatus:
    last_synced: dt.datetime | None
    waiting: int
    conflicts: int


# -- local bookkeeping of a store's sync -------------------------------------------------------------

def _state(session: Session, key: str) -> str | None:
    row = session.get(LocalState, key)
    return row.value if row else None


def _set_state(session: Session, key: str, value: str) -> None:
    row = session.get(LocalState, key)
    if row is None:
        session.add(LocalState(key=key, value=value))
    else:
        row.value = value


def _unpushed(store_key: str, mark: int) -> tuple[ColumnClause[int], ColumnElement[bool]]:
    return _ROWID, (mark < _ROWID) & or_(Op.received_from.is_(None), Op.received_from != store_key)


def status(store: Store, store_key: str | None = None) -> SyncStatus:
    """Last sync time, changes waiting to go, open conflicts: what the window's status bar shows."""
    with store.read() as session:
        key = store_key or _state(session, "sync.store")
        conflicts = session.scalar(select(func.count()).select_from(FieldHeads).where(FieldHeads.conflict)) or 0
        if key is None:
            waiting = session.scalar(select(func.count()).select_from(Op).where(Op.received_from.is_(None))) or 0
            return SyncStatus(None, waiting, conflicts)
        mark = int(_state(session, f"sync.pushed.{key}") or 0)
        _, condition = _unpushed(key, mark)
        waiting = session.scalar(select(func.count()).select_from(Op).where(condition)) or 0
        last = _state(session, f"sync.last.{key}")
    return SyncStatus(dt.datetime.fromisoformat(last) if last else None, waiting, conflicts)


# -- the sync ---------------------------------------------------------------------------------------

def sync(store: Store, shared: SharedStore, progress: Progress | None = None, *,
         push: bool = True, pull: bool = True, remember: bool = True) -> SyncReport:
    """Push what this laptop has that the store has not, then pull and apply the rest.

    ``remember=False`` (a bundle import) leaves the status bar's store and last-sync time alone."""
    report = SyncReport(shared.label)
    tell = progress or (lambda message, done, total: None)
    blobs = store.blobs
    if remember:
        with store.transaction() as session:
            _set_state(session, "sync.store", shared.key)
    if push:
        _push(store, shared, blobs, report, tell)
    if pull:
        _pull(store, shared, report, tell)
        _fetch_photos(store, shared, blobs, report, tell)
        if report.pulled:
            redact_purged(store)  # records another laptop deleted under retention: their old values go here too
    report.finished_at = store.clock.now()
    if remember:
        with store.transaction() as session:
            _set_state(session, f"sync.last.{shared.key}", report.finished_at.isoformat())
    report.conflicts = status(store, shared.key).conflicts
    return report


def _push(store: Store, shared: SharedStore, blobs: BlobStore, report: SyncReport, tell: Progress) -> None:
    mark_key = f"sync.pushed.{shared.key}"
    with store.read() as session:
        mark = int(_state(session, mark_key) or 0)
        _, condition = _unpushed(shared.key, mark)
        total = session.scalar(select(func.count()).select_from(Op).where(condition)) or 0
    sent = 0
    while True:
        with store.read() as session:
            rowid, condition = _unpushed(shared.key, mark)
            rows = session.execute(select(rowid.label("seq"), Op.__table__).where(condition)
                                   .order_by(rowid).limit(PUSH_BATCH)).all()
        if not rows:
            break
        ops = [op_record(r) for r in rows]
        photos = {b for op in ops for b in blobs_in(op.entity, op.field, op.value)}
        for blob in sorted(shared.missing_blobs(photos)):
            try:
                shared.put_blob(blob, blobs.read(blob))
                report.photos_sent += 1
            except BlobError as error:
                report.problems.append(f"{error}; the other laptops will show a placeholder")
        shared.push(store.device_id, ops)
        mark = rows[-1].seq
        with store.transaction() as session:
            _set_state(session, mark_key, str(mark))
        sent += len(ops)
        report.pushed = sent
        tell("Sending changes", sent, max(total, sent))


def _pull(store: Store, shared: SharedStore, report: SyncReport, tell: Progress) -> None:
    cursor_key = f"sync.cursor.{shared.key}"
    with store.read() as session:
        cursor = _state(session, cursor_key)
    for batch in shared.pull(cursor, store.device_id):
        report.problems.extend(batch.problems)
        with store.transaction() as session:
            log_end, pending = _log_end(session), _pending(session)
            applied = apply_ops(session, batch.ops, shared.key)
            if applied.max_hlc:  # before commit: a local edit made over these ops must come after them
                store.hlc.observe(Hlc.parse(applied.max_hlc))
            _set_state(session, cursor_key, batch.cursor)
            report.changed |= _logged_after(session, log_end, shared.key) | (pending - _pending(session))
        report.pulled += applied.new_ops
        report.rows_made += applied.rows_made
        report.rows_updated += applied.rows_updated
        report.problems.extend(applied.problems)
        tell("Receiving changes", batch.done, batch.total)
    with store.read() as session:
        report.waiting_rows = session.scalar(select(func.count()).select_from(PendingRow)) or 0


def _log_end(session: Session) -> int:
    return session.scalar(select(func.coalesce(func.max(_ROWID), 0)).select_from(Op)) or 0


def _logged_after(session: Session, position: int, store_key: str) -> set[tuple[str, str]]:
    """The records of the ops received from ``store_key`` that reached the log after ``position``:
    this batch's new ops (a local edit saved meanwhile is not one of them)."""
    return {(entity, entity_id) for entity, entity_id in session.execute(
        select(Op.entity, Op.entity_id).where(position < _ROWID, Op.received_from == store_key))}


def _pending(session: Session) -> set[tuple[str, str]]:
    """Records waiting for the rest of their ops: one that stops waiting appears on the screens."""
    return {(entity, entity_id) for entity, entity_id in session.execute(select(PendingRow.entity,
                                                                                PendingRow.entity_id))}


def referenced_photos(store: Store) -> set[str]:
    with store.read() as session:
        values: Iterable[Any] = session.scalars(select(Answer.evidence).where(Answer.evidence.is_not(None)))
        return {b for value in values for b in blobs_in("answers", "evidence", value)}


def _fetch_photos(store: Store, shared: SharedStore, blobs: BlobStore, report: SyncReport, tell: Progress) -> None:
    wanted = sorted(b for b in referenced_photos(store) if not blobs.path(b).is_file())
    for position, blob in enumerate(wanted, start=1):
        try:
            data = shared.get_blob(blob)
        except SyncFileError as error:
            report.problems.append(str(error))
            data = None
        if data is None:
            report.photos_missing.append(blob)
        else:
            blobs.put_bytes(data)
            report.photos_fetched += 1
        tell("Receiving photos", position, len(wanted))
