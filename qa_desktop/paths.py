"""Where things live: the user's data folder (or ``--data-dir``) and the package's resources."""

from __future__ import annotations

import importlib.resources
import ntpath
import os
from pathlib import Path

import platformdirs

APP_NAME = "qa-desktop"
DATABASE_NAME = "qa-desktop.sqlite3"

#: Windows refuses a path of 260 characters or more (MAX_PATH; 248 for a folder being created)
#: unless it is written in its ``\\?\`` form, or the machine has long paths switched on, which a
#: council laptop rarely has. A shared folder deep in a OneDrive tree gets there easily.
WINDOWS_PATH_LIMIT = 248
_EXTENDED = "\\\\?\\"


def default_data_dir() -> Path:
    """The per-user data folder (XDG on Linux, AppData on Windows, Application Support on macOS)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def resources_dir() -> Path:
    """The package's own data (templates, fonts, branding defaults, demo data): ``qa_desktop/resources``.

    Package data, found through ``importlib.resources``, so an installed wheel or a frozen build
    finds it as an editable checkout does. The top-level ``resources/`` holds what builds the app
    for a council laptop (icon, installer script), not what the app reads."""
    return Path(str(importlib.resources.files("qa_desktop") / "resources"))


def extended(path: str, room: int = 0) -> str:
    r"""A Windows path in the ``\\?\`` form when it (with ``room`` characters more for what will be
    put inside it) is too long for Windows' usual limit; as it was otherwise. ``path`` must be
    absolute. The ``\\?\`` form is not normalised by Windows, so it is normalised here first (no
    ``..``, no forward slashes); a network path ``\\server\share`` becomes ``\\?\UNC\server\share``."""
    if path.startswith(_EXTENDED) or len(path) + room < WINDOWS_PATH_LIMIT:
        return path
    path = ntpath.normpath(path)
    if path.startswith("\\\\"):
        return _EXTENDED + "UNC\\" + path[2:]
    return _EXTENDED + path


def long_path(path: Path, room: int = 0) -> Path:
    """``path`` as Windows can open it whatever its length (``extended``); unchanged elsewhere, where
    paths of thousands of characters work as they are."""
    if os.name != "nt":
        return path
    return Path(extended(str(path.absolute()), room))
