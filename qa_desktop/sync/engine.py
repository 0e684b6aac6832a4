"""One sync with a shared store: push photos, push ops, pull and apply, fetch missing photos.

Each step is safe to cut off anywhere (a closed laptop lid, a dropped VPN, a killed process):

- photos go up before the ops that mention them, each whole or not at all;
- pushed ops are marked as pushed only after the store has them, so an interrupted push pushes
  them again, which changes nothing (every store ignores an op it already has);
- each pulled batch is applied in one local transaction together with the cursor that says it was
  applied: either both are saved or neither, so the next sync starts where this one really ended;
- a photo an op mentions but the store does not have yet is listed as missing and fetched by a
  later sync; the answer and its caption are there meanwhile, and reports show a placeholder.

With a shared folder (a ``SegmentedStore``) this laptop's ops go in numbered files of its own, and
real shared folders lose, damage and reorder files. So this laptop keeps a record of every file it
wrote there (``sync.segments.<store>``: number, the op-log rows it holds, size and sha256) and:

- numbers a new file from that record, never from the folder (a deleted file's number is never
  used again); the number and the rows are recorded before the file is written, so a sync cut off
  mid-write writes the same file (same number, same ops) next time;
- checks its files on every sync (a listing: present, and the size recorded) and writes again,
  under the same number and with the same ops, one that is missing, cut short, or reported
  unreadable by another laptop and found changed (its sha256). Readers that read it before do not
  read it again; readers that could not, do;
- says who uses it and which files it could not read (``SegmentedStore.publish``), and reads what
  the others say, so the status names, in words, what other laptops cannot read and whom to ask.

With a sealed store (``SharedStore.team``: the folder and PostgreSQL) everything sent is sealed and
everything received opened (``sync.sealing``): changes of records retention deletes under their
record's key (``sync.records``), photos likewise, under names the store cannot read. Each sync first
trades "shredded" markers with the store (records deleted here go there, records deleted elsewhere
are blanked and redacted here), checks every arriving change against its laptop's hash chain
(``store.chain``: a forged one is named and not applied), keeps changes whose record key has not
arrived yet and applies them when it does, and sends again any record key the store lacks. A store
converted from the previous version's plain files is read once more (``SharedStore.legacy``) and,
once everything this laptop holds is in the sealed store, the plain files it has read are removed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnClause, ColumnElement, Connection, Integer, func, literal_column, or_, select, text
from sqlalchemy.orm import Session

from qa_desktop.domain.roles import require_officer
from qa_desktop.store.blobs import BlobError, BlobStore
from qa_desktop.store.chain import check_arriving
from qa_desktop.store.database import Store
from qa_desktop.store.driver import driver_rows
from qa_desktop.store.hlc import Hlc
from qa_desktop.store.models import Answer, FieldHeads, LocalState, Op, PendingRow
from qa_desktop.store.oplog import CHUNK, OpRecord, op_record
from qa_desktop.store.purge import redact_purged, units_of
from qa_desktop.sync.held import held_count, held_summary, release_due
from qa_desktop.sync.merge import apply_ops
from qa_desktop.sync.records import Opened, RecordKeys, forget_waiting, keep_waiting, waiting
from qa_desktop.sync.sealing import SealError, TeamKey
from qa_desktop.sync.stores import FileProblem, PeerReport, SegmentedStore, SharedStore, Written
from qa_desktop.sync.wire import SyncFileError

PUSH_BATCH = 5000
#: A pull applies the store's batches (a shared folder's change files, PostgreSQL's rows) in units
#: of about this many changes, each in one local transaction with the cursor after its last batch.
#: Each unit rewrites (and encrypts) every page of the op log's indexes its changes land on, and
#: changes to rows spread at random (their ids are hashes) land on most of them: one unit per
#: change file of 5,000 rewrote the same pages twenty times in a pull of 100,000 (issue 22).
#: Larger units hold the write lock longer (a screen's save waits for it), hence not the whole pull.
PULL_OPS = 20_000
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
    #: This laptop's files the sync found missing or damaged in the shared store, and wrote again (words).
    rewritten: list[str] = field(default_factory=list)
    #: What laptops cannot read, this one or others (as they said at their last sync), naming the
    #: file and the laptop's user, and what happens next (words).
    unreadable: list[str] = field(default_factory=list)
    #: Changes refused because they do not fit their laptop's hash chain (``store.chain``), in words.
    forged: list[str] = field(default_factory=list)
    #: Changes kept until their record's key arrives (``sync.records``).
    waiting_for_keys: int = 0
    #: Records deleted under retention elsewhere, blanked here by this sync.
    shredded: int = 0
    #: Plain files (or rows) from before the store was encrypted that this sync removed.
    plain_removed: int = 0

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
        if self.rewritten:
            parts.append(f"{len(self.rewritten)} of this laptop's file(s) written again (missing or damaged there)")
        if self.forged:
            parts.append(f"{len(self.forged)} change(s) refused: they do not fit their laptop's audit chain")
        if self.waiting_for_keys:
            parts.append(f"{self.waiting_for_keys} change(s) waiting for their record's key (read at a later sync)")
        if self.shredded:
            parts.append(f"{self.shredded} record(s) deleted under retention elsewhere, deleted here too")
        if self.plain_removed:
            parts.append(f"{self.plain_removed} unencrypted file(s) from before removed from the shared store")
        if self.problems:
            parts.append(f"{len(self.problems)} problem(s)")
        return "; ".join(parts) + "."


@dataclass(frozen=True)
class SyncStatus:
    last_synced: dt.datetime | None
    waiting: int
    conflicts: int
    #: What of this laptop's is not (or was not) on the shared store, in words: the changes waiting
    #: to go, and its files the last sync found missing or damaged there and wrote again.
    unsent: tuple[str, ...] = ()
    #: What laptops cannot read, as of the last sync (this one's own failures, and what the others
    #: reported), naming the file, the laptop's user and whom to ask.
    unreadable: tuple[str, ...] = ()
    #: Changes held because their laptop's clock is far ahead of this one's (``sync.held``), in words.
    held: tuple[str, ...] = ()
    #: Changes kept until their record's key reaches this laptop (``sync.records``), in words.
    key_waiting: tuple[str, ...] = ()

    @property
    def problems(self) -> int:
        """How many files some laptop cannot read, and laptops whose changes are held: what the
        status bar flags."""
        return len(self.unreadable) + len(self.held)

    def lines(self) -> list[str]:
        """Everything above, one sentence a line (the status bar's tooltip)."""
        return [*self.unsent, *self.unreadable, *self.held, *self.key_waiting]


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


def status(store: Store, store_key: str | None = None, *, count_up_to: int | None = None) -> SyncStatus:
    """Last sync time, changes waiting to go, open conflicts: what the window's status bar shows.

    ``count_up_to``: count the changes waiting only that far ("more than 10,000"): the status bar,
    read again after every answer, then costs what it says rather than the length of the log. Read
    with plain SQL handed to the driver (``_STATUS_COUNTS``, ``store.driver``): it is read a moment
    after every answer, and seven statements built and run through the ORM were most of its 3 ms, and
    SQLAlchemy's handling of the plain ones still most of what was left (issue 22)."""
    require_officer(store.user, "the sync status")  # a Young Inspector's store is refused
    with store.read() as session:
        connection = session.connection()
        ((stored_key, conflicts, held_ops, kept),) = driver_rows(connection, _STATUS_COUNTS)
        key = store_key or (None if stored_key is None else str(stored_key))
        held = tuple(held_summary(session)) if held_ops else ()
        words = (f"{kept} change{'s' if kept != 1 else ''} received but waiting for the key of the record they "
                 "belong to (its file is still arriving in the shared store); applied when it comes.")
        key_waiting = (words,) if kept else ()
        if key is None:
            waiting = _count_ops(connection, "received_from IS NULL", (), count_up_to)
            return SyncStatus(None, waiting, conflicts, _waiting_words(waiting, count_up_to), held=held,
                              key_waiting=key_waiting)
        states = _local_states(connection, f"sync.pushed.{key}", f"sync.last.{key}", f"sync.health.{key}")
        mark = int(states.get(f"sync.pushed.{key}") or 0)
        # ``_unpushed``'s condition
        waiting = _count_ops(connection, "? < rowid AND (received_from IS NULL OR received_from != ?)", (mark, key),
                             count_up_to)
        last = states.get(f"sync.last.{key}")
        health = json.loads(states.get(f"sync.health.{key}") or "{}")
    return SyncStatus(dt.datetime.fromisoformat(last) if last else None, waiting, conflicts,
                      _waiting_words(waiting, count_up_to) + tuple(health.get("rewritten", ())),
                      tuple(health.get("unreadable", ())), held, key_waiting)


#: The status bar's first read in one statement: the shared store this laptop last synced with
#: (``sync.store``, as ``_state`` reads it), open conflicts (``open_conflicts``), ops held because
#: their laptop's clock is far ahead (``held_count``), ops waiting for their record's key.
_STATUS_COUNTS = ("SELECT (SELECT value FROM local_state WHERE \"key\" = 'sync.store'), "
                  '(SELECT count(*) FROM field_heads WHERE "conflict" = 1), (SELECT count(*) FROM held_ops), '
                  "(SELECT count(*) FROM key_waiting_ops)")


def _local_states(connection: Connection, *keys: str) -> dict[str, str]:
    """This laptop's sync bookkeeping (``_state``) for these keys, those it holds."""
    marks = ", ".join("?" * len(keys))
    found = driver_rows(connection, f'SELECT "key", value FROM local_state WHERE "key" IN ({marks})', keys)
    return {str(key): str(value) for key, value in found}


def _count_ops(connection: Connection, condition: str, parameters: tuple[object, ...], up_to: int | None) -> int:
    """The ops matching ``condition``; with ``up_to``, no more than one past it (SQLite stops there)."""
    if up_to is None:
        return driver_rows(connection, f"SELECT count(*) FROM ops WHERE {condition}", parameters)[0][0] or 0
    return driver_rows(connection, f"SELECT count(*) FROM (SELECT 1 FROM ops WHERE {condition} LIMIT ?)",
                        (*parameters, up_to + 1))[0][0] or 0


def last_store_key(store: Store) -> str | None:
    """The key of the shared store this laptop last synced with (``folder:<id>``, ``postgresql:<id>``)."""
    with store.read() as session:
        return _state(session, "sync.store")


def open_conflicts(session: Session) -> int:
    """How many fields hold a conflict to resolve (an indexed count of a small table)."""
    return session.scalar(select(func.count()).select_from(FieldHeads).where(FieldHeads.conflict)) or 0


def _waiting_words(waiting: int, up_to: int | None = None) -> tuple[str, ...]:
    if up_to is not None and waiting > up_to:
        return (f"More than {up_to:,} changes waiting to go.",)
    return (f"{waiting} change{'s' if waiting != 1 else ''} waiting to go.",) if waiting else ()


# -- the sync ---------------------------------------------------------------------------------------

def sync(store: Store, shared: SharedStore, progress: Progress | None = None, *,
         push: bool = True, pull: bool = True, remember: bool = True) -> SyncReport:
    """Push what this laptop has that the store has not, then pull and apply the rest.

    ``remember=False`` (a bundle import) leaves the status bar's store and last-sync time alone."""
    require_officer(store.user, "or sync with the shared store")  # a Young Inspector's store is refused
    report = SyncReport(shared.label)
    tell = progress or (lambda message, done, total: None)
    blobs = store.blobs
    if remember:
        with store.transaction() as session:
            _set_state(session, "sync.store", shared.key)
    sealing = _Sealing(RecordKeys(store, shared, shared.team) if shared.team is not None else None, shared.team)
    if sealing.keys is not None:
        report.shredded = len(sealing.keys.exchange_shredded())
        if report.shredded:
            redact_purged(store)  # before anything is sent: a record deleted elsewhere sends nothing from here
    legacy = shared.legacy() if push and pull else None
    if legacy is not None:  # what a store from before still holds in plain files: read once more
        _pull(store, legacy, report, tell, [], _Sealing(None, None))
        _fetch_photos(store, legacy, blobs, report, tell, [], _Sealing(None, None))
    segmented = shared if isinstance(shared, SegmentedStore) else None
    peers = segmented.peer_reports(store.device_id) if segmented is not None else []
    healed = _Healed()
    if push:
        if segmented is not None:
            _heal(store, segmented, blobs, report, peers, healed, sealing)
            _push_segments(store, segmented, blobs, report, tell, sealing)
        else:
            _push(store, shared, blobs, report, tell, sealing)
    if legacy is not None and _push_mark(store, shared.key)[1] == 0:
        report.plain_removed = _clear_legacy(store, shared, legacy, sealing)
    unreadable: list[FileProblem] = []
    if pull:
        _release_due(store, report)
        _pull(store, shared, report, tell, unreadable, sealing)
        _apply_waiting(store, shared, report, sealing)
        if push:
            _past_pulled(store, shared.key)
        _fetch_photos(store, shared, blobs, report, tell, unreadable, sealing)
        if report.pulled or legacy is not None:
            redact_purged(store)  # records another laptop deleted under retention: their old values go here too
    if sealing.keys is not None and push:
        sealing.keys.send_missing_keys()
    if segmented is not None:
        _tell_the_others(store, segmented, report, peers, healed, unreadable, publish=push and pull)
    report.finished_at = store.clock.now()
    if remember:
        with store.transaction() as session:
            _set_state(session, f"sync.last.{shared.key}", report.finished_at.isoformat())
    with store.read() as session:
        report.conflicts = open_conflicts(session)  # not the status: that counts the log too
    return report


def _push_mark(store: Store, store_key: str) -> tuple[int, int]:
    """Where the last push to this store ended in the op log, and how many ops wait after it."""
    with store.read() as session:
        mark = int(_state(session, f"sync.pushed.{store_key}") or 0)
        _, condition = _unpushed(store_key, mark)
        return mark, session.scalar(select(func.count()).select_from(Op).where(condition)) or 0


def _push(store: Store, shared: SharedStore, blobs: BlobStore, report: SyncReport, tell: Progress,
          sealing: _Sealing) -> None:
    """Push to a store that takes ops one by one (PostgreSQL)."""
    mark_key = f"sync.pushed.{shared.key}"
    start, total = _push_mark(store, shared.key)
    sent = 0
    with _cycles_collected_after() as tidy:
        for _, rows, ops in _unpushed_batches(store, shared, blobs, report, sealing, start):
            shared.push(store.device_id, sealing.seal(ops))
            with store.transaction() as session:
                _set_state(session, mark_key, str(rows[-1].seq))
            sent += len(ops)
            report.pushed = sent
            tidy()
            tell("Sending changes", sent, max(total, sent))


def _unpushed_batches(store: Store, shared: SharedStore, blobs: BlobStore, report: SyncReport, sealing: _Sealing,
                      mark: int) -> Iterator[tuple[int, list[Any], list[OpRecord]]]:
    """The ops to push after ``mark``, a batch at a time: where each starts, its log rows and its ops, the
    photos they mention already sent. The next batch is read after the last one's (the caller has
    sent it and moved the mark to its last row); when none is left the mark moves past what was
    received (``_past_received``)."""
    while True:
        rows, end = _unpushed_rows(store, shared.key, mark)
        if not rows:
            _past_received(store, shared.key, end)
            return
        ops = [op_record(r) for r in rows]
        _send_photos(store, shared, blobs, ops, report, sealing)
        yield mark, rows, ops
        mark = rows[-1].seq


def _unpushed_rows(store: Store, store_key: str, mark: int, limit: int = PUSH_BATCH) -> tuple[list[Any], int]:
    """The next ops to push after ``mark``, and where the log ended as they were read (one snapshot)."""
    with store.read() as session:
        rowid, condition = _unpushed(store_key, mark)
        rows = list(session.execute(select(rowid.label("seq"), Op.__table__).where(condition)
                                    .order_by(rowid).limit(limit)).all())
        return rows, (rows[-1].seq if rows else _log_end(session))


def _past_received(store: Store, store_key: str, end: int) -> None:
    """Nothing is left to push up to ``end`` (the log's end in the snapshot that found nothing): the
    push mark moves there, past the ops received from this store since this laptop last sent.
    Without it a laptop that only receives kept its mark where it last sent, and every sync (and
    the status bar's count) went through every op it had received since: O(history) for nothing to
    do (issue 22). An op saved after that snapshot has a larger rowid, so it is still pushed; a
    shared folder's record of files is untouched (``_adopt`` finds no op of this laptop's in the
    stretch the mark moved over)."""
    mark_key = f"sync.pushed.{store_key}"
    with store.transaction() as session:
        if end > int(_state(session, mark_key) or 0):
            _set_state(session, mark_key, str(end))


def _past_pulled(store: Store, store_key: str) -> None:
    """After a pull, the push mark moves past what it brought when nothing else waits to go (one
    look through the ops the pull added), so the next sync, idle, starts past them (issue 22)."""
    rows, end = _unpushed_rows(store, store_key, int(_state_of(store, f"sync.pushed.{store_key}") or 0), limit=1)
    if not rows:
        _past_received(store, store_key, end)


def _state_of(store: Store, key: str) -> str | None:
    with store.read() as session:
        return _state(session, key)


def _send_photos(store: Store, shared: SharedStore, blobs: BlobStore, ops: list[Any], report: SyncReport,
                 sealing: _Sealing) -> None:
    """Photos go up before the ops that mention them."""
    photos = sealing.photo_names(store, ops)
    for name in sorted(shared.missing_blobs(photos)):
        digest, unit = photos[name]
        try:
            shared.put_blob(name, sealing.seal_photo(name, digest, unit, blobs.read(digest)))
            report.photos_sent += 1
        except BlobError as error:
            report.problems.append(f"{error}; the other laptops will show a placeholder")


# -- this laptop's files in a shared folder: numbered from its record, checked, written again -------

@dataclass
class _File:
    """One file this laptop wrote: its number, the op-log rows it holds (``lo < rowid <= hi``, with
    the push filter: made here or received from elsewhere, never from this store), and its size and
    sha256 as written (``None`` while it is numbered but not yet written whole)."""

    number: int
    lo: int
    hi: int
    size: int | None = None
    sha256: str | None = None
    #: Why a file not yet written is to be written: ``None`` (a new file, or one cut off while it
    #: was written), "found" (found missing or damaged when the record was made from the folder),
    #: "uncovered" (changes no file in the folder held when the record was made).
    note: str | None = None


@dataclass
class _Record:
    next: int
    files: dict[int, _File]

    @classmethod
    def parse(cls, value: str) -> _Record:
        data = json.loads(value)
        return cls(int(data["next"]), {int(f[0]): _File(*f) for f in data["files"]})

    def dump(self) -> str:
        return json.dumps({"version": 1, "next": self.next,
                           "files": [[f.number, f.lo, f.hi, f.size, f.sha256, *([f.note] if f.note else [])]
                                     for _, f in sorted(self.files.items())]},
                          separators=(",", ":"))


@dataclass
class _Healed:
    """What the check of this laptop's files did (``checked``: it ran, this sync pushed): the numbers
    it has a record of, those written again, photos sent again."""

    checked: bool = False
    recorded: set[int] = field(default_factory=set)
    numbers: set[int] = field(default_factory=set)
    photos: set[str] = field(default_factory=set)


def _record_key(store_key: str) -> str:
    return f"sync.segments.{store_key}"


def _write_lock(session: Session) -> None:
    """Take the data file's write lock now, so what this transaction reads next cannot change before
    it commits (the window and ``qa-desktop sync`` may sync the same data folder at once)."""
    session.execute(text("UPDATE local_state SET value = value WHERE key = 'device_id'"))


def _load_record(session: Session, store_key: str) -> _Record | None:
    value = _state(session, _record_key(store_key))
    return _Record.parse(value) if value else None


def _in_range(store_key: str, lo: int, hi: int) -> ColumnElement[bool]:
    _, condition = _unpushed(store_key, lo)
    return condition & (hi >= _ROWID)


def _rows_between(store: Store, store_key: str, lo: int, hi: int) -> list[Any]:
    with store.read() as session:
        return list(session.execute(select(_ROWID.label("seq"), Op.__table__)
                                    .where(_in_range(store_key, lo, hi)).order_by(_ROWID)).all())


def _record(store: Store, shared: SegmentedStore) -> _Record:
    with store.read() as session:
        record = _load_record(session, shared.key)
    if record is not None:
        return record
    adopted = _adopt(store, shared)
    with store.transaction() as session:
        _write_lock(session)
        record = _load_record(session, shared.key)  # another program on this data folder was first
        if record is None:
            record = adopted
            _set_state(session, _record_key(shared.key), record.dump())
    return record


def _adopt(store: Store, shared: SegmentedStore) -> _Record:
    """The record of a laptop that has none for this store: a new one, or one that wrote files with
    a version that kept no record. Its own files are read once, and each whole one is recorded with
    the rows it holds. A damaged or missing number among them is written again (so no laptop keeps
    failing on it) with at most a file's worth of the rows after the whole file before it; the rows
    no whole file holds (a hole of several files, files deleted before the upgrade, a file the
    previous version numbered again) go in new files as well, so a laptop that had read a file of an
    old number gets them too (ops it has already are ignored). New numbers go on after the highest
    in the folder, the only trace left of what was written."""
    device, key = store.device_id, shared.key
    with store.read() as session:
        mark = int(_state(session, f"sync.pushed.{key}") or 0)
    present = shared.own_segments(device)
    highest = max(present, default=0)
    whole: dict[int, _File] = {}
    for number in sorted(present):
        try:
            ops, written = shared.read_own_segment(device, number)
        except SyncFileError:
            continue
        rowids = _rowids(store, [op.op_id for op in ops])
        if rowids:  # a file whose ops this laptop does not hold (a restored backup) cannot be written again
            whole[number] = _File(number, min(rowids) - 1, max(rowids), written.size, written.sha256)
    files, exact = dict(whole), list(whole.values())
    next_lo: dict[int, int | None] = {}  # per number, where the rows of the next whole file start
    lowest: int | None = None
    for number in range(highest, 0, -1):
        next_lo[number] = lowest
        if number in whole:
            lowest = whole[number].lo if lowest is None else min(lowest, whole[number].lo)
    below = 0
    for number in range(1, highest + 1):
        if number in whole:
            below = max(below, whole[number].hi)
            continue
        upper = next_lo[number]
        rowids = _rowids_between(store, key, below, mark if upper is None else upper, limit=shared.segment_ops + 1)
        if not rowids:
            continue
        files[number] = _File(number, below, rowids[:shared.segment_ops][-1], note="found")
        if (upper is not None and len(rowids) <= shared.segment_ops
                and (number == 1 or number - 1 in whole) and number + 1 in whole):
            exact.append(files[number])  # alone between two whole files: it held exactly the rows between them
    number = highest
    for lo, hi in _uncovered(exact, mark):
        rowids = _rowids_between(store, key, lo, hi)
        for start in range(0, len(rowids), shared.segment_ops):
            chunk = rowids[start:start + shared.segment_ops]
            number += 1
            files[number] = _File(number, (rowids[start - 1] if start else lo), chunk[-1], note="uncovered")
    return _Record(max([highest, *files]) + 1, files)


def _uncovered(files: list[_File], mark: int) -> list[tuple[int, int]]:
    """The stretches of ``(0, mark]`` no file's rows cover."""
    gaps, reached = [], 0
    for file in sorted(files, key=lambda f: f.lo):
        if file.lo > reached:
            gaps.append((reached, file.lo))
        reached = max(reached, file.hi)
    if mark > reached:
        gaps.append((reached, mark))
    return gaps


def _rowids(store: Store, op_ids: list[str]) -> list[int]:
    found: list[int] = []
    with store.read() as session:
        for start in range(0, len(op_ids), 500):
            found.extend(session.scalars(select(_ROWID).select_from(Op).where(Op.op_id.in_(op_ids[start:start + 500]))))
    return found


def _rowids_between(store: Store, store_key: str, lo: int, hi: int, limit: int | None = None) -> list[int]:
    with store.read() as session:
        return list(session.scalars(select(_ROWID).select_from(Op).where(_in_range(store_key, lo, hi))
                                    .order_by(_ROWID).limit(limit)))


def _reserve(store: Store, store_key: str, lo: int, hi: int) -> int:
    """Number the next file and record the rows it holds, before it is written."""
    with store.transaction() as session:
        _write_lock(session)
        record = _load_record(session, store_key) or _Record(1, {})
        number = record.next
        record.next += 1
        record.files[number] = _File(number, lo, hi)
        _set_state(session, _record_key(store_key), record.dump())
    return number


def _written(store: Store, store_key: str, number: int, written: Written, hi: int) -> None:
    """File ``number`` is whole in the store: its size and hash recorded, the push mark past its rows."""
    with store.transaction() as session:
        _write_lock(session)
        record = _load_record(session, store_key) or _Record(number + 1, {})
        file = record.files.get(number)
        if file is not None:
            file.size, file.sha256, file.note = written.size, written.sha256, None
            _set_state(session, _record_key(store_key), record.dump())
        mark_key = f"sync.pushed.{store_key}"
        _set_state(session, mark_key, str(max(hi, int(_state(session, mark_key) or 0))))


def _write_file(store: Store, shared: SegmentedStore, blobs: BlobStore, report: SyncReport, file: _File,
                sealing: _Sealing) -> int:
    """Write (again) one of this laptop's files: its photos first, then the file, then the record.
    Returns how many changes it holds."""
    ops = [op_record(r) for r in _rows_between(store, shared.key, file.lo, file.hi)]
    _send_photos(store, shared, blobs, ops, report, sealing)
    _written(store, shared.key, file.number, shared.write_segment(store.device_id, file.number, sealing.seal(ops)),
             file.hi)
    return len(ops)


def _heal(store: Store, shared: SegmentedStore, blobs: BlobStore, report: SyncReport,
          peers: list[PeerReport], healed: _Healed, sealing: _Sealing) -> None:
    """Check this laptop's files in the store (a listing: each recorded file there, at its size; one
    another laptop reports unreadable is hashed), and write again, same number and same ops, any
    that is not whole. Then send again the photos others report missing or damaged, if this laptop
    has them."""
    device = store.device_id
    record = _record(store, shared)
    healed.checked, healed.recorded = True, set(record.files)
    present = shared.own_segments(device)
    reported = {p.number for peer in peers for p in peer.problems if p.device == device and p.number is not None}
    for number, file in sorted(record.files.items()):
        name = shared.segment_name(device, number)
        if file.size is None and file.note is None:
            why = None  # numbered, then the sync was cut off while writing it: nothing went wrong there
        elif file.note == "uncovered":
            why = (f"Changes of mine that no file in the shared folder held (files deleted before this version "
                   f"kept a record of them): written again, in {name}.")
        elif number not in present:
            why = f"My file {name} was missing from the shared folder: written again."
        elif file.size is None or present[number] != file.size:
            why = f"My file {name} was damaged or incomplete in the shared folder: written again."
        elif number in reported and shared.segment_digest(device, number) != file.sha256:
            why = f"My file {name} was damaged in the shared folder (another laptop could not read it): written again."
        else:
            continue
        try:
            count = _write_file(store, shared, blobs, report, file, sealing)
        except OSError as error:  # e.g. a reader on Windows has it open: the next sync tries again
            report.problems.append(f"{name}: could not be written again now ({error.strerror or error}); "
                                   "this laptop tries again at its next sync")
            continue
        healed.numbers.add(number)
        if why:
            report.rewritten.append(why)
        else:  # its first writing, cut off last time: sent now
            report.pushed += count
    wanted = {p.photo for peer in peers for p in peer.problems if p.photo is not None}
    if wanted:
        mine = sealing.names_of(referenced_photos(store))
        for name in sorted(wanted):
            if name not in mine:
                continue  # not on this laptop either
            digest, unit = mine[name]
            try:
                shared.put_blob(name, sealing.seal_photo(name, digest, unit, blobs.read(digest)))
            except (BlobError, OSError):
                continue  # not readable here either
            report.photos_sent += 1
            healed.photos.add(name)


def _push_segments(store: Store, shared: SegmentedStore, blobs: BlobStore, report: SyncReport,
                   tell: Progress, sealing: _Sealing) -> None:
    """Push to a shared folder: new files, numbered from this laptop's record."""
    start, total = _push_mark(store, shared.key)
    sent = 0
    with _cycles_collected_after() as tidy:
        for mark, rows, ops in _unpushed_batches(store, shared, blobs, report, sealing, start):
            for chunk in _chunks(ops, shared.segment_ops, shared.segment_bytes):
                hi = rows[chunk][-1].seq
                number = _reserve(store, shared.key, mark, hi)
                _written(store, shared.key, number,
                         shared.write_segment(store.device_id, number, sealing.seal(ops[chunk])), hi)
                mark = hi
                sent += len(ops[chunk])
                report.pushed += len(ops[chunk])
                tell("Sending changes", sent, max(total, sent))
            tidy()


def _chunks(ops: list[OpRecord], most: int, size: int) -> list[slice]:
    """The ops cut into files of at most ``most`` ops and about ``size`` bytes (a single larger op
    still goes, alone)."""
    cuts, start, weight = [], 0, 0
    for at, op in enumerate(ops):
        this = 300 if op.value is None else 300 + len(json.dumps(op.value, ensure_ascii=False, default=str).encode())
        if at > start and (at - start >= most or weight + this > size):
            cuts.append(slice(start, at))
            start, weight = at, 0
        weight += this
    if start < len(ops):
        cuts.append(slice(start, len(ops)))
    return cuts


# -- what laptops cannot read, in words --------------------------------------------------------------

def _laptop(user: str | None, device: str | None) -> str:
    return f"{user}'s laptop" if user else f"The laptop {str(device)[:8]}"


def _reason(reason: str) -> str:
    return reason.removesuffix("; it was not used").strip()


def _ask(users: dict[str, str | None], device: str | None) -> str:
    user = users.get(device or "")
    return f"ask {user} to sync" if user else f"ask whoever uses the laptop {str(device)[:8]} to sync"


def _tell_the_others(store: Store, shared: SegmentedStore, report: SyncReport, peers: list[PeerReport],
                     healed: _Healed, unreadable: list[FileProblem], *, publish: bool) -> None:
    """Name what laptops cannot read (this one, and the others as they said), keep it for the
    status, and (after a full sync) say who uses this laptop and what it could not read."""
    device, key = store.device_id, shared.key
    users = {peer.device_id: peer.user for peer in peers}
    lines: list[str] = []
    for problem in unreadable:
        if problem.photo is not None:
            lines.append(f"This laptop cannot read photo {problem.file}: it {_reason(problem.reason)}; "
                         "a laptop that has it sends it again when it syncs.")
        else:
            lines.append(f"This laptop cannot read {problem.file}: it {_reason(problem.reason)}; "
                         f"{_ask(users, problem.device)}.")
    for peer in peers:
        who = _laptop(peer.user, peer.device_id)
        for problem in peer.problems:
            reason = _reason(problem.reason)
            if problem.photo is not None:
                lines.append(f"{who} could not read photo {problem.file}: it {reason}. Sent again from this laptop."
                             if problem.photo in healed.photos else
                             f"{who} cannot read photo {problem.file}: it {reason}; a laptop that has it sends "
                             "it again when it syncs.")
            elif problem.device == device and not healed.checked:
                lines.append(f"{who} could not read my file {problem.file}: it {reason}; this laptop checks it, "
                             "and writes it again if need be, at its next sync.")
            elif problem.device == device and problem.number in healed.numbers:
                lines.append(f"{who} could not read my file {problem.file}: it {reason}; written again, so "
                             "it reads it at its next sync.")
            elif problem.device == device and problem.number in healed.recorded:
                lines.append(f"{who} could not read my file {problem.file} at its last sync: it {reason}. The "
                             "file in the shared folder is whole, so it reads it at its next sync.")
            elif problem.device == device:
                lines.append(f"{who} cannot read {problem.file}: it {reason}. This laptop has no record of "
                             "writing it: someone may have put it there (it can be deleted).")
            elif problem.device is not None:
                lines.append(f"{who} cannot read {problem.file}: it {reason}; {_ask(users, problem.device)}.")
            else:
                lines.append(f"{who} cannot read {problem.file}: it {reason}.")
    report.unreadable = lines
    with store.transaction() as session:
        before = {(p["file"], p["reason"]): p["at"] for p in json.loads(_state(session, f"sync.unreadable.{key}")
                                                                         or "[]")}
        now = store.clock.now().isoformat()
        mine = [FileProblem(p.file, p.reason, before.get((p.file, p.reason), now), p.device, p.number, p.photo)
                for p in unreadable]
        for name, value in ((f"sync.unreadable.{key}",
                             json.dumps([{"file": p.file, "reason": p.reason, "at": p.at} for p in mine])),
                            (f"sync.health.{key}", json.dumps({"rewritten": report.rewritten, "unreadable": lines}))):
            if _state(session, name) != value:  # most syncs: nothing to say, nothing written
                _set_state(session, name, value)
    if publish:
        try:
            shared.publish(device, store.actor, mine)
        except OSError as error:  # said again at the next sync; nothing else depends on it
            report.problems.append(f"This laptop could not say in the shared store what it cannot read "
                                   f"({error.strerror or error}); it tries again at its next sync")


def _pull(store: Store, shared: SharedStore, report: SyncReport, tell: Progress,
          unreadable: list[FileProblem], sealing: _Sealing) -> None:
    cursor_key = f"sync.cursor.{shared.key}"
    with store.read() as session:
        cursor = _state(session, cursor_key)
    unit: list[OpRecord] = []
    unit_cursor: str | None = None  # the cursor after the batches read but not applied yet
    with _cycles_collected_after() as tidy:
        for batch in shared.pull(cursor, store.device_id):
            report.problems.extend(batch.problems)
            unreadable.extend(batch.unreadable)
            unit.extend(batch.ops)
            unit_cursor = batch.cursor
            if len(unit) >= PULL_OPS or batch.done >= batch.total:
                _apply_unit(store, shared.key, shared.label, cursor_key, unit_cursor, unit, report, sealing)
                unit, unit_cursor = [], None
                tidy()
            tell("Receiving changes", batch.done, batch.total)
        if unit_cursor is not None:  # a store whose last batch did not say it was the last
            _apply_unit(store, shared.key, shared.label, cursor_key, unit_cursor, unit, report, sealing)
    with store.read() as session:
        report.waiting_rows = session.scalar(select(func.count()).select_from(PendingRow)) or 0


@contextlib.contextmanager
def _cycles_collected_after() -> Iterator[Callable[[], None]]:
    """Python's collector of reference cycles paused while changes are received or sent, and run as
    usual after; gives ``tidy``, to call after each unit (a pull's unit, a push's batch): the cycles made
    since the last (the young objects alone, a small walk) are collected, so a long first sync of a
    whole history does not hold them all.

    A pull makes millions of small objects (each op read, checked, opened, stored), and the collector,
    run every few hundred of them, walked every object the program holds again and again: a tenth
    of a pull's time (issue 22). A push is the same (each op read back from the log, sealed and
    written): a push of 100,000 held eight full collections of 70-95 ms, about 0.65 s of it. Nothing
    else changes: an object no longer used is freed at once as ever. The switch is process-wide: a
    pause begun while the collector was already off (another pull) leaves it, and switching it
    back, to that one."""
    paused = gc.isenabled()

    def tidy() -> None:
        if paused:
            gc.collect(1)

    gc.disable()
    try:
        yield tidy
    finally:
        if paused:
            gc.enable()


def _apply_unit(store: Store, store_key: str, source: str, cursor_key: str, cursor: str, ops: list[OpRecord],
                report: SyncReport, sealing: _Sealing) -> None:
    """Open and apply the changes of one unit of batches, in one transaction with the cursor after
    them: either both are saved or neither, so the next sync starts where this one really ended."""
    opened = sealing.keys.open(ops) if sealing.keys is not None else Opened(ops=ops)
    report.problems.extend(opened.problems)
    with store.transaction() as session:
        _apply(store, session, store_key, source, opened, report)
        _set_state(session, cursor_key, cursor)


def _apply(store: Store, session: Session, store_key: str, source: str, opened: Opened, report: SyncReport) -> None:
    """Apply one batch of opened changes in the caller's transaction: each checked against its
    laptop's chain first (a forged one is named and left out), those waiting for a key kept."""
    pending = _pending(session)
    ready, forged = check_arriving(session, opened.ops, unopened=frozenset(opened.blanked))
    for finding in forged:
        words = f"Refused {finding.words} (from {source}): it does not fit that laptop's audit chain"
        report.forged.append(words)
        report.problems.append(words)
    applied = apply_ops(session, ready, store_key, source=source, blanked=opened.blanked)
    if opened.waiting:
        keep_waiting(session, opened.waiting, store_key, source)
        report.waiting_for_keys += len(opened.waiting)
    if applied.max_hlc:  # before commit: a local edit made over these ops must come after them
        store.hlc.observe(Hlc.parse(applied.max_hlc))
    report.changed |= applied.changed | (pending - _pending(session))
    report.pulled += applied.new_ops
    report.rows_made += applied.rows_made
    report.rows_updated += applied.rows_updated
    report.problems.extend(applied.problems)


def _apply_waiting(store: Store, shared: SharedStore, report: SyncReport, sealing: _Sealing) -> None:
    """Changes kept for their record's key: applied once it has come (or blank, if the record was
    deleted meanwhile); still waiting otherwise."""
    if sealing.keys is None:
        return
    with store.read() as session:
        kept = waiting(session)
    if not kept:
        return
    by_source: dict[tuple[str, str], list[OpRecord]] = {}
    for received_from, source, op in kept:
        by_source.setdefault((received_from, source), []).append(op)
    still = 0
    for (received_from, source), ops in by_source.items():
        opened = sealing.keys.open(ops)
        report.problems.extend(opened.problems)
        done = [op.op_id for op in ops if op not in opened.waiting]
        with store.transaction() as session:
            _apply(store, session, received_from, source, Opened(opened.ops, opened.blanked, [], []), report)
            forget_waiting(session, done)
        still += len(opened.waiting)
    report.waiting_for_keys = still


def _clear_legacy(store: Store, shared: SharedStore, legacy: SharedStore, sealing: _Sealing) -> int:
    """Everything this laptop holds is in the sealed store: remove the plain files (rows) of the store
    from before that it has read, and the plain photos now sealed there."""
    clear = getattr(legacy, "clear", None)
    if clear is None:
        return 0
    with store.read() as session:
        cursor = _state(session, f"sync.cursor.{legacy.key}")
    mine = sealing.names_of(referenced_photos(store))
    sealed = {digest for name, (digest, _) in mine.items() if name not in shared.missing_blobs([name])}
    try:
        removed = int(clear(cursor, store.device_id, sealed))
    except OSError:
        return 0  # a file held open elsewhere: the next sync tries again
    return removed


def _release_due(store: Store, report: SyncReport) -> None:
    """Changes held because their laptop's clock was far ahead (``sync.held``) apply once this
    laptop's clock has caught up with them: every sync looks (one indexed count when none are held)."""
    with store.transaction() as session:
        if not held_count(session):
            return
        released = release_due(session, store.clock.wall_ms())
        if released.max_hlc:
            store.hlc.observe(Hlc.parse(released.max_hlc))
    report.pulled += released.new_ops
    report.changed |= released.changed
    report.problems.extend(released.problems)


def _log_end(session: Session) -> int:
    return session.scalar(select(func.coalesce(func.max(_ROWID), 0)).select_from(Op)) or 0


def _pending(session: Session) -> set[tuple[str, str]]:
    """Records waiting for the rest of their ops: one that stops waiting appears on the screens."""
    return {(entity, entity_id) for entity, entity_id in session.execute(select(PendingRow.entity,
                                                                                PendingRow.entity_id))}


def referenced_photos(store: Store) -> set[tuple[str, str]]:
    """The photos answers here name: (hash, the visit whose answer names it)."""
    with store.read() as session:
        rows: Iterable[Any] = session.execute(select(Answer.evidence, Answer.visit_id).where(
            Answer.evidence.is_not(None)))
        return {(b, visit_id) for value, visit_id in rows for b in blobs_in("answers", "evidence", value)}


#: The photos this laptop still lacked at its last look (a JSON list of ``[hash, visit, answer]``),
#: and how far in the op log (rowid) it has looked for answers naming photos.
_PHOTOS_WANTED = "sync.photos_wanted"
_PHOTOS_LOOKED = "sync.photos_looked"

_Wanted = tuple[str, str, str]  # a photo's hash, the visit and the answer that hold it


def _answer_photos(session: Session, answer_ids: list[str] | None) -> set[_Wanted]:
    """The photos these answers hold now (every answer's, when ``None``)."""
    query = select(Answer.evidence, Answer.visit_id, Answer.id).where(Answer.evidence.is_not(None))
    rows: list[Any] = []
    if answer_ids is None:
        rows = list(session.execute(query))
    for start in range(0, len(answer_ids or ()), CHUNK):
        rows.extend(session.execute(query.where(Answer.id.in_((answer_ids or [])[start:start + CHUNK]))))
    return {(blob, visit_id, answer_id) for value, visit_id, answer_id in rows
            for blob in blobs_in("answers", "evidence", value)}


def _photos_lacking(store: Store, blobs: BlobStore) -> tuple[set[_Wanted], set[str] | None, int]:
    """The photos answers here name that this laptop lacks, the answers read to find them (``None``:
    every answer), and the op log's end they were found at.

    Only the answers whose photo list changed since the last look (an op on ``answers.evidence``
    after ``sync.photos_looked``, however it came: a sync, a bundle, held changes accepted, a
    recovery) and those holding a photo still missing then (``sync.photos_wanted``) are read;
    every answer is read once, at the first look. So a sync with nothing to do reads no photo list
    (issue 22: it decoded every answer's, 100,000 of them), and a photo that is not in the shared
    store yet is still looked for at every sync until it comes."""
    with store.read() as session:
        end = _log_end(session)
        looked = _state(session, _PHOTOS_LOOKED)
        if looked is None:
            return {w for w in _answer_photos(session, None) if not blobs.path(w[0]).is_file()}, None, end
        answers = {answer for _, _, answer in json.loads(_state(session, _PHOTOS_WANTED) or "[]")}
        # the rowid range alone picks the rows (the field is no index's first column): O(what is new)
        answers.update(entity_id for entity, entity_id in session.execute(
            select(Op.entity, Op.entity_id).where(int(looked) < _ROWID, end >= _ROWID, Op.field == "evidence"))
            if entity == "answers")
        found = _answer_photos(session, sorted(answers))
    return {w for w in found if not blobs.path(w[0]).is_file()}, answers, end


def _keep_lacking(store: Store, blobs: BlobStore, lacking: set[_Wanted], read: set[str] | None, end: int) -> None:
    """Keep the photos still missing for the next look: those found now, and those another program
    on this data folder kept meanwhile for answers this look did not read (``read`` None: it read
    every answer)."""
    with store.transaction() as session:
        before = {(b, v, a) for b, v, a in json.loads(_state(session, _PHOTOS_WANTED) or "[]")}
        kept = lacking | {w for w in before if read is not None and w[2] not in read}
        value = json.dumps(sorted(w for w in kept if not blobs.path(w[0]).is_file()), separators=(",", ":"))
        if _state(session, _PHOTOS_WANTED) != value:
            _set_state(session, _PHOTOS_WANTED, value)
        if end > int(_state(session, _PHOTOS_LOOKED) or -1):
            _set_state(session, _PHOTOS_LOOKED, str(end))


def _fetch_photos(store: Store, shared: SharedStore, blobs: BlobStore, report: SyncReport, tell: Progress,
                  unreadable: list[FileProblem], sealing: _Sealing) -> None:
    gone = sealing.keys.shredded if sealing.keys is not None else set()
    lacking, read, end = _photos_lacking(store, blobs)
    lacking = {w for w in lacking if w[1] not in gone}  # deleted under retention: never fetched back
    wanted = sealing.names_of({(digest, visit) for digest, visit, _ in lacking})
    named = shared.blob_name if isinstance(shared, SegmentedStore) else (lambda name: f"photo {name[:12]}")
    for position, name in enumerate(sorted(wanted), start=1):
        digest, _ = wanted[name]
        try:
            data = shared.get_blob(name)
            data = sealing.open_photo(name, digest, data, named(name)) if data is not None else None
        except SyncFileError as error:
            report.problems.append(str(error))
            unreadable.append(FileProblem(error.name, error.reason, photo=name))
            data = None
        if data is None:
            report.photos_missing.append(digest)
            if not unreadable or unreadable[-1].photo != name:
                unreadable.append(FileProblem(named(name), "is not in the shared store yet", photo=name))
        else:
            blobs.put_bytes(data)
            report.photos_fetched += 1
        tell("Receiving photos", position, len(wanted))
    _keep_lacking(store, blobs, lacking, read, end)


@dataclass
class _Sealing:
    """How this sync seals what it sends and opens what it receives: with a sealed store, record keys
    and the team key; with a bundle or a plain store from before, nothing (names are photos' hashes)."""

    keys: RecordKeys | None
    team: TeamKey | None

    def seal(self, ops: list[OpRecord]) -> list[OpRecord]:
        return self.keys.seal(ops) if self.keys is not None else ops

    def names_of(self, photos: Iterable[tuple[str, str | None]]) -> dict[str, tuple[str, str | None]]:
        """Each photo's name in the store: its hash, or (sealed) a keyed hash of it and its record."""
        if self.team is None:
            return {digest: (digest, unit) for digest, unit in photos}
        return {self.team.photo_name(digest, unit): (digest, unit) for digest, unit in photos}

    def photo_names(self, store: Store, ops: list[Any]) -> dict[str, tuple[str, str | None]]:
        """The photos these ops name (a record's photos under its record's name), by store name."""
        answers = [op for op in ops if blobs_in(op.entity, op.field, op.value)]
        if not answers:
            return {}
        with store.read() as session:
            units = units_of(session, [op_record(op) if not isinstance(op, OpRecord) else op for op in answers])
        gone = self.keys.shredded if self.keys is not None else set()
        return self.names_of({(b, units.get(op.op_id)) for op in answers
                              for b in blobs_in(op.entity, op.field, op.value) if units.get(op.op_id) not in gone})

    def seal_photo(self, name: str, digest: str, unit: str | None, data: bytes) -> bytes:
        if self.keys is None:
            return data
        return self.keys.seal_photo(name, unit, data)

    def open_photo(self, name: str, digest: str, data: bytes, where: str) -> bytes | None:
        """The photo's bytes, checked against its hash (``SyncFileError`` naming it if they do not
        match or cannot be opened); ``None`` while its record's key has not arrived."""
        if self.keys is not None:
            try:
                opened = self.keys.open_photo(name, data)
            except (SealError, ValueError):
                raise SyncFileError(where, "cannot be opened with the team key or its record's key (changed or "
                                           "damaged)") from None
            if opened is None:
                return None
            data = opened
        if hashlib.sha256(data).hexdigest() != digest:
            raise SyncFileError(where, "is a damaged photo (its hash does not match)")
        return data
