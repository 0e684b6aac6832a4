"""Benchmark: the provider page as the officer moves down the register, and the Oversight window
opening, on a large register.

The main window is open offscreen at 1280x720 over a working copy of the ``scale_data`` register.

- Provider page: the first row is selected, then Down is pressed in the register N times; per key,
  the time on the UI thread until the page below shows the next provider (its page read, its
  tables filled, the repaint). Goal: flat with the register's size, under 16 ms.
- Oversight window (Oversight > Due and overdue, Ctrl+D): built, shown and painted; then its
  sanctions tab first shown (the list is made then); then each of its tabs' reads alone
  (``ws.oversight``), to say which part costs what. Goal: under 200 ms.

Wall time and this process's CPU time are both printed (a shared 2-core machine inflates the wall
time many times over). The floor for the page: the same keys over the demo data (13 providers),
in the same run.

    .venv/bin/python bench/screens_open.py [PROVIDERS] [--keys N]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from PySide6.QtCore import QEvent, QSettings, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from scale_data import pin_clock, scale_data
from settle import due_shown

from qa_desktop.ui.main_window import MainWindow
from qa_desktop.workspace import Workspace

KEYS = int(sys.argv[sys.argv.index("--keys") + 1]) if "--keys" in sys.argv else 30
PAGE_TARGET_MS, OVERSIGHT_TARGET_MS = 16.0, 200.0


def timed(app: QApplication, work: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU milliseconds of ``work`` and of the events it posted."""
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    app.processEvents()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def page_keys(app: QApplication, window: MainWindow) -> tuple[list[float], list[float]]:
    window.table.setFocus()
    window.table.selectRow(0)
    app.processEvents()
    walls, cpus = [], []
    for _ in range(KEYS):
        shown = window.panel.overview.id if window.panel.overview else None
        wall, cpu = timed(app, lambda: QTest.keyClick(window.table, Qt.Key.Key_Down))
        assert window.panel.overview is not None and window.panel.overview.id != shown  # the next provider's page
        walls.append(wall)
        cpus.append(cpu)
    return walls, cpus


def held_keys(app: QApplication, window: MainWindow) -> tuple[list[float], float]:
    """Down held (the keyboard repeating it, ``KEYS`` repeats): CPU ms per repeated key, then the CPU
    ms from letting go until the page shows the provider the cursor rests on (while a key is held the
    page waits for the cursor to rest: ``ui.provider_panel.ProviderPanel.follow``)."""
    window.table.setFocus()
    window.table.selectRow(0)
    app.processEvents()
    cpus = []
    for repeat in [False] + [True] * KEYS:
        cpu = time.process_time()
        QApplication.sendEvent(window.table, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Down,
                                                       Qt.KeyboardModifier.NoModifier, "", repeat))
        app.processEvents()
        cpus.append((time.process_time() - cpu) * 1000)
    cpu = time.process_time()
    QApplication.sendEvent(window.table, QKeyEvent(QEvent.Type.KeyRelease, Qt.Key.Key_Down,
                                                   Qt.KeyboardModifier.NoModifier))
    rests_on = window.selected_provider_id()
    while window.panel.overview is None or window.panel.overview.id != rests_on:
        app.processEvents()
        time.sleep(0.002)
    return cpus[1:], (time.process_time() - cpu) * 1000


def oversight(app: QApplication, workspace: Workspace, window: MainWindow) -> dict[str, float]:
    found: dict[str, float] = {}
    found["window_wall"], found["window_cpu"] = timed(app, window.show_oversight)
    # the sanctions list's tab, first shown (made then, when the window opened on another tab)
    found["sanctions_tab_wall"], found["sanctions_tab_cpu"] = timed(
        app, lambda: window.oversight.tabs.setCurrentIndex(1))
    window.oversight.close()
    reads = [("due and overdue", workspace.oversight.dashboard), ("sanctions", workspace.oversight.sanctions),
             ("open actions", workspace.oversight.tracked_actions),
             ("past retention", workspace.oversight.past_retention)]
    if hasattr(workspace.oversight, "sanctions_count"):  # the tab's count, read at open instead of the list
        reads.append(("sanctions count", workspace.oversight.sanctions_count))
    for name, read in reads:
        cpu = time.process_time()
        read()
        found[name] = (time.process_time() - cpu) * 1000
    return found


def main_window(workspace: Workspace, base: Path) -> MainWindow:
    window = MainWindow(workspace, settings=QSettings(str(base / "window.ini"), QSettings.Format.IniFormat))
    window.resize(1280, 720)
    window.show()
    return window


def main() -> None:
    pin_clock()
    providers = next((int(a) for a in sys.argv[1:] if a.isdigit()), 20_000)
    data = scale_data(providers)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        workspace = data.copy_to(base / "large").open()
        window = main_window(workspace, base)
        due_shown(app, window)
        page_wall, page_cpu = page_keys(app, window)
        board = oversight(app, workspace, window)
        held_cpu, rested_cpu = held_keys(app, window)  # Down held: see held_keys
        window.close()
        workspace.close()
        small = Workspace.open(base / "small", actor="Alex Patel", key=os.urandom(32))
        small.admin.load_demo()
        window = main_window(small, base)
        app.processEvents()
        floor_wall, floor_cpu = page_keys(app, window) if window.proxy.rowCount() > KEYS else page_keys_few(app, window)
        window.close()
        small.close()
    print(f"{providers:,} providers; load average {os.getloadavg()[0]:.1f}")
    print(f"provider page, Down in the register ({KEYS} keys): median {statistics.median(page_cpu):6.1f} ms CPU "
          f"({statistics.median(page_wall):6.1f} wall), max {max(page_cpu):6.1f} ms CPU; "
          f"goal < {PAGE_TARGET_MS:.0f} ms: "
          f"{'met' if statistics.median(page_cpu) < PAGE_TARGET_MS else 'NOT met'}")
    print(f"  floor, demo data ({len(floor_cpu)} keys): median {statistics.median(floor_cpu):6.1f} ms CPU "
          f"({statistics.median(floor_wall):6.1f} wall)")
    print(f"  Down held ({KEYS} repeats): median {statistics.median(held_cpu):6.1f} ms CPU per key, max "
          f"{max(held_cpu):6.1f}; then the page where it rests: {rested_cpu:6.1f} ms CPU (from letting go)")
    print(f"Oversight window opens: {board['window_cpu']:7.1f} ms CPU ({board['window_wall']:7.1f} wall); goal < "
          f"{OVERSIGHT_TARGET_MS:.0f} ms: {'met' if board['window_cpu'] < OVERSIGHT_TARGET_MS else 'NOT met'}")
    print("  each tab read alone (ms CPU): " + ", ".join(f"{name} {board[name]:.0f}" for name in
                                                       ("due and overdue", "sanctions", "open actions",
                                                        "past retention", "sanctions count") if name in board))
    print(f"  the sanctions tab, first shown: {board['sanctions_tab_cpu']:7.1f} ms CPU "
          f"({board['sanctions_tab_wall']:7.1f} wall)")


def page_keys_few(app: QApplication, window: MainWindow) -> tuple[list[float], list[float]]:
    """Down through a small register, then Up back, as many keys as it has rows."""
    global KEYS
    keys, KEYS = KEYS, window.proxy.rowCount() - 1
    try:
        return page_keys(app, window)
    finally:
        KEYS = keys


if __name__ == "__main__":
    main()
