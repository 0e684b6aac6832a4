"""Starting again on a laptop whose data cannot be read (its key is lost from the keyring, or the
database file is damaged): the unreadable files are put aside, never deleted, and a fresh store
fills itself from the team's shared store by an ordinary sync.

What was synced comes back; what was changed on this laptop after its last sync is only in the
files put aside, which can be opened again if the key turns up (put them back in place).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from qa_desktop.atomic import replace
from qa_desktop.paths import DATABASE_NAME
from qa_desktop.store.blobs import BLOBS_FOLDER

ASIDE_PREFIX = "unreadable-"


def put_aside(data_dir: Path, now: dt.datetime) -> Path:
    """Move the database (with its WAL) and the photos into ``unreadable-<when>/``; returns it.
    ``now`` is the clock's local time (the store cannot be opened to ask it)."""
    stamp = now.strftime("%Y%m%d-%H%M%S")
    aside = data_dir / f"{ASIDE_PREFIX}{stamp}"
    aside.mkdir(parents=True, exist_ok=False)
    for name in (DATABASE_NAME, f"{DATABASE_NAME}-wal", f"{DATABASE_NAME}-shm", BLOBS_FOLDER):
        source = data_dir / name
        if source.exists():
            replace(source, aside / name)
    return aside
