"""Where things live: the user's data folder (or ``--data-dir``) and the repository's resources."""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_NAME = "qa-desktop"
DATABASE_NAME = "qa-desktop.sqlite3"


def default_data_dir() -> Path:
    """The per-user data folder (XDG on Linux, AppData on Windows, Application Support on macOS)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def resources_dir() -> Path:
    """``resources/`` beside the package: the app runs from its checkout (installed editable)."""
    return Path(__file__).resolve().parent.parent / "resources"
