"""Waiting for the main window to settle before measuring on it."""

from __future__ import annotations

import time
from typing import Any


def due_shown(app: Any, window: Any) -> None:
    """Wait until the main window shows what is due across the register: a large register's is
    worked out in the background after the first paint (``ui.main_window.DUE_IN_BACKGROUND_FROM``),
    and a figure measured meanwhile would count that work too (a process's CPU time is every
    thread's). A window without it (an earlier tree) has nothing to wait for."""
    while getattr(window, "due_task", None) is not None and window.due_task.running:  # None once done and released
        app.processEvents()
        time.sleep(0.005)
    app.processEvents()
