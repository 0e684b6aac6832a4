"""Waiting for the main window to settle before measuring on it."""

from __future__ import annotations

import time
from typing import Any


def due_shown(app: Any, window: Any) -> None:
    """Wait until the main window shows what is due across the register: a large register's is
    worked out in the background after the first paint (``ui.main_window.DUE_IN_BACKGROUND_FROM``),
    and a figure measured meanwhile would count that work too (a process's CPU time is every
    thread's). A window without it (an earlier tree) has nothing to wait for."""
    while due_working_out(window):
        app.processEvents()
        time.sleep(0.005)
    app.processEvents()


def due_working_out(window: Any) -> bool:
    """Whether the window is still working out what is due: its register says so (from the reload
    on, also before the background read starts, which after a first paint from the register's first
    look waits for that paint), or the read still runs. Read by attribute, so that earlier trees
    (``due_pending``, a task kept after it ended) are measured the same way."""
    state = getattr(window.model, "due_state", None)
    if getattr(window.model, "due_pending", False) or (state is not None and state.name == "WORKING_OUT"):
        return True
    task = getattr(window, "due_task", None)  # None once done and released
    return task is not None and bool(task.running)
