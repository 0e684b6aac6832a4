"""Whole or absent: files written to a temporary name beside the target, synced, then renamed.

A rename within a folder is atomic on local disks and on SMB/NFS shares, so a reader (another
laptop, a report viewer) never sees half a file, and a crash or a pulled USB stick leaves the old
file or none, never a torn one. Temporary names start with ``.writing-`` so readers skip them.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

TEMPORARY_PREFIX = ".writing-"


def write_atomically(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=TEMPORARY_PREFIX, dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
