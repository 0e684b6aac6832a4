"""The data folder is its owner's alone: on POSIX its folders are 0700 and its files 0600, so another
account on the same computer (a shared Linux machine, a support login) cannot read even the
encrypted files or learn what is in them. Windows ignores these modes (a user's AppData is already
theirs alone), and nothing here fails there.

New files are made 0600 (``atomic.writing_atomically`` uses ``mkstemp``; the database file is
created 0600 before SQLite opens it, and its WAL and shared-memory files take its mode); new
folders 0700. A data folder from before, or one whose modes were loosened, is tightened, all of it,
when a store opens on it.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

PRIVATE_FOLDER = 0o700
PRIVATE_FILE = 0o600


def is_posix() -> bool:
    return os.name == "posix"


def private_folder(path: Path) -> None:
    """Make ``path`` (and what is missing above it) and keep it and everything in it private."""
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_FOLDER)
    if is_posix() and stat.S_IMODE(path.stat().st_mode) != PRIVATE_FOLDER:
        tighten(path)


def tighten(root: Path) -> int:
    """Folders 0700 and files 0600 under ``root`` (itself included); how many were changed. Links are
    left alone (never followed out of the folder)."""
    if not is_posix():
        return 0
    changed = 0
    for folder, folders, files in os.walk(root, followlinks=False):
        for name, mode in ([(folder, PRIVATE_FOLDER)] + [(os.path.join(folder, d), PRIVATE_FOLDER) for d in folders]
                           + [(os.path.join(folder, f), PRIVATE_FILE) for f in files]):
            try:
                found = os.lstat(name)
                if stat.S_ISLNK(found.st_mode) or stat.S_IMODE(found.st_mode) == mode:
                    continue
                os.chmod(name, mode)
                changed += 1
            except OSError:
                continue  # gone meanwhile, or not ours: nothing to tighten
    return changed


def private_file(path: Path) -> None:
    """Create ``path`` empty and 0600 if it is not there (before a program that would make it 0644)."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
