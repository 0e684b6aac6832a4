"""Starting again on a laptop whose data cannot be read (its key is lost from the keyring, or the
database file is damaged): the unreadable files are put aside, never deleted, and a fresh store
fills itself from the team's shared store by an ordinary sync.

What was synced comes back. A damaged file (whose key this keyring still holds) gives up what it
can still read (``salvage``): every change in its op log that can be read and is not in the fresh
store yet (this laptop's changes since its last sync) is merged in as if it had come from another
laptop, and goes to the shared store at the next sync; photos likewise. Read a range of the log at
a time, halving a range that fails down to single changes, so one damaged page loses only what is
on it. With the key lost, nothing can be read: the files put aside can be opened again if the key
turns up (put them back in place).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher

from qa_desktop.atomic import replace
from qa_desktop.paths import DATABASE_NAME
from qa_desktop.store.blobs import BLOBS_FOLDER, BlobError, BlobStore
from qa_desktop.store.database import Store
from qa_desktop.store.keys import FOLDER_ID_FILE, photo_key, stored_key
from qa_desktop.store.oplog import OpRecord
from qa_desktop.store.report_files import REPORTS_FOLDER
from qa_desktop.sync.merge import apply_ops
from qa_desktop.sync.wire import op_from_wire

ASIDE_PREFIX = "unreadable-"


def put_aside(data_dir: Path, now: dt.datetime) -> Path:
    """Move the database (with its WAL), the photos and report files, and the folder's id (which
    names its key in the keyring) into ``unreadable-<when>/``; returns it. ``now`` is the clock's
    local time (the store cannot be opened to ask it)."""
    stamp = now.strftime("%Y%m%d-%H%M%S")
    aside = data_dir / f"{ASIDE_PREFIX}{stamp}"
    aside.mkdir(parents=True, exist_ok=False, mode=0o700)
    for name in (DATABASE_NAME, f"{DATABASE_NAME}-wal", f"{DATABASE_NAME}-shm", BLOBS_FOLDER, REPORTS_FOLDER,
                 FOLDER_ID_FILE):
        source = data_dir / name
        if source.exists():
            replace(source, aside / name)
    return aside


@dataclass(frozen=True)
class Salvaged:
    """What ``salvage`` brought back from a damaged file put aside."""

    changes: int = 0      # changes merged in that the fresh store did not have
    unreadable: int = 0   # changes (rows of its log) that could not be read
    photos: int = 0       # photos copied across
    readable: bool = True  # False: its key is not in this keyring, so nothing could be read

    def summary(self) -> str:
        if not self.readable:
            return "The files put aside cannot be read without their key, so nothing could be brought back from them."
        lost = f"; {self.unreadable} change(s) could not be read" if self.unreadable else ""
        return (f"Brought back from the damaged file: {self.changes} change(s) not yet in the shared store and "
                f"{self.photos} photo(s){lost}.")


#: Log rows read at a time from a damaged file (a range that fails is halved).
SALVAGE_RANGE = 2000
#: Past the last row a damaged file's log could name, when even its size cannot be read.
SALVAGE_SCAN_LIMIT = 5_000_000
_OP_COLUMNS = ("op_id", "entity", "entity_id", "field", "value", "hlc", "device_id", "actor", "base", "wall",
               "redacted", "dseq", "chain", "vhash")


def salvage(aside: Path, store: Store) -> Salvaged:
    """Merge into ``store`` what can still be read of the damaged data file put aside in ``aside``
    (module docstring)."""
    key = stored_key(aside)
    if key is None or not (aside / DATABASE_NAME).exists():
        return Salvaged(readable=False)
    connection = sqlcipher.connect(str(aside / DATABASE_NAME))
    try:
        connection.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        connection.execute("PRAGMA cipher_log_level = NONE")
        connection.execute("PRAGMA query_only = ON")  # never written: it is kept as it was
        ops, unreadable = _readable_ops(connection)
    except sqlcipher.DatabaseError:
        return Salvaged(readable=False)
    finally:
        connection.close()
    changes = 0
    for start in range(0, len(ops), SALVAGE_RANGE):
        with store.transaction() as session:
            changes += apply_ops(session, ops[start:start + SALVAGE_RANGE], RECOVERED,
                                 source=f"the damaged file put aside in {aside.name}").new_ops
    photos = 0
    old_photos = BlobStore(aside, photo_key(key))
    for path in sorted((aside / BLOBS_FOLDER).glob("??/*")):
        if store.blobs.is_intact(path.name):
            continue
        try:
            store.blobs.put_bytes(old_photos.read(path.name))
            photos += 1
        except BlobError:
            continue
    return Salvaged(changes, unreadable, photos)


#: Where salvaged changes are marked as coming from: not a shared store, so they are sent to it.
RECOVERED = "recovered"


def _readable_ops(connection: sqlcipher.Connection) -> tuple[list[OpRecord], int]:
    """Every op of the log that can be read (redacted ones left out: their value is gone), and how
    many rows could not be."""
    try:
        last = connection.execute("SELECT max(rowid) FROM ops").fetchone()[0] or 0
    except sqlcipher.DatabaseError:
        last = SALVAGE_SCAN_LIMIT
    try:  # a file from before a column was added has fewer (its chain, ``store.chain``)
        present = {row[1] for row in connection.execute("PRAGMA table_info(ops)").fetchall()}
    except sqlcipher.DatabaseError:
        present = set(_OP_COLUMNS)
    columns = ", ".join(c if c in present else f"NULL AS {c}" for c in _OP_COLUMNS)
    ops: list[OpRecord] = []
    unreadable = 0
    pending = [(start, min(start + SALVAGE_RANGE - 1, last)) for start in range(1, last + 1, SALVAGE_RANGE)]
    while pending:
        low, high = pending.pop(0)
        try:
            rows = connection.execute(f"SELECT {columns} FROM ops WHERE rowid BETWEEN ? AND ?",
                                      (low, high)).fetchall()
        except sqlcipher.DatabaseError:
            if low == high:
                unreadable += 1
            else:
                middle = (low + high) // 2
                pending[:0] = [(low, middle), (middle + 1, high)]
            continue
        for row in rows:
            try:
                op = _op(row)
            except (ValueError, TypeError):
                unreadable += 1
                continue
            if op is not None:
                ops.append(op)
    return ops, unreadable


def _op(row: tuple[Any, ...]) -> OpRecord | None:
    op_id, entity, entity_id, field, value, hlc, device_id, actor, base, wall, redacted, dseq, chain, vhash = row
    if redacted:
        return None
    return op_from_wire({"op_id": op_id, "entity": entity, "entity_id": entity_id, "field": field,
                         "value": json.loads(value) if value is not None else None, "hlc": hlc,
                         "device_id": device_id, "actor": actor, "base": json.loads(base) if base else None,
                         "wall": wall, "dseq": dseq, "chain": chain, "vhash": vhash})
