"""Whole or absent: files written to a temporary name beside the target, synced, then renamed.

A rename within a folder is atomic on local disks and on SMB/NFS shares, so a reader (another
laptop, a report viewer) never sees half a file, and a crash or a pulled USB stick leaves the old
file or none, never a torn one. Temporary names start with ``.writing-`` so readers skip them.

On Windows a rename fails for a moment while another program has the file open without sharing
it: the antivirus scanning a file just written, OneDrive or a backup client uploading it, the
search indexer, a PDF viewer showing the last report. ``replace`` waits and tries again for about
two seconds before it gives up (with the error the last try raised). Every rename in QA Desktop
goes through it (``tests/test_windows_proof.py`` checks that).

Paths longer than Windows' 260 characters (a shared folder deep inside a OneDrive tree) are
written through their ``\\\\?\\`` form (``paths.long_path``).
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from qa_desktop.paths import long_path

TEMPORARY_PREFIX = ".writing-"

#: Windows errors that pass: ERROR_ACCESS_DENIED (5: the target is open without delete sharing, or
#: marked for deletion), ERROR_SHARING_VIOLATION (32), ERROR_LOCK_VIOLATION (33).
TRANSIENT_WINERRORS = frozenset({5, 32, 33})
#: Waits between tries, in seconds: about two seconds in all, which outlasts an antivirus scan
#: or a sync client's read of a small file, and is short enough for an officer to wait through.
RETRY_WAITS = (0.02, 0.05, 0.1, 0.15, 0.25, 0.4, 0.5, 0.6)


def is_transient(error: OSError) -> bool:
    """A sharing violation that another program will end in a moment (never true off Windows,
    where a rename does not care who has the file open)."""
    return isinstance(error, PermissionError) and getattr(error, "winerror", None) in TRANSIENT_WINERRORS


def replace(source: Path | str, target: Path | str) -> None:
    """``os.replace(source, target)``, tried again for a moment while another program holds either file."""
    for wait in (*RETRY_WAITS, None):
        try:
            os.replace(source, target)
            return
        except OSError as error:
            if wait is None or not is_transient(error):
                raise
            time.sleep(wait)


def write_atomically(target: Path, data: bytes) -> None:
    with writing_atomically(target) as out:
        out.write(data)


@contextmanager
def writing_atomically(target: Path) -> Iterator[BinaryIO]:
    """The file to write, a piece at a time (a bundle of gigabytes is never held whole); it takes
    ``target``'s place when the block ends, or is removed if the block raises.

    On POSIX the file is the owner's alone (0600, as ``mkstemp`` makes it) and a folder made for it
    is too (0700); Windows ignores both."""
    target = long_path(target)
    _make_folders(target.parent)
    handle, temporary = tempfile.mkstemp(prefix=TEMPORARY_PREFIX, dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _make_folders(folder: Path) -> None:
    """Make ``folder`` and any folder missing above it, each 0700 (``mkdir``'s ``parents`` would make
    the ones above with the default mode)."""
    missing = []
    while not folder.is_dir():
        missing.append(folder)
        folder = folder.parent
    for each in reversed(missing):
        each.mkdir(mode=0o700, exist_ok=True)
