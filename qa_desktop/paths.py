"""Where things live: the user's data folder (or ``--data-dir``) and the package's resources."""

from __future__ import annotations

import importlib.resources
from pathlib import Path

import platformdirs

APP_NAME = "qa-desktop"
DATABASE_NAME = "qa-desktop.sqlite3"


def default_data_dir() -> Path:
    """The per-user data folder (XDG on Linux, AppData on Windows, Application Support on macOS)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def resources_dir() -> Path:
    """The package's own data (templates, fonts, branding defaults, demo data): ``qa_desktop/resources``.

    Package data, found through ``importlib.resources``, so an installed wheel or a frozen build
    finds it as an editable checkout does. The top-level ``resources/`` holds what builds the app
    for a council laptop (icon, installer script), not what the app reads."""
    return Path(str(importlib.resources.files("qa_desktop") / "resources"))
