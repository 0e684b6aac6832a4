"""Benchmark: one answer on the visit screen as the officer feels it, with a large register open.

The main window is open over the register (as on a laptop in the field) and the visit screen over
the visit in progress that ``scale_data`` made. Item after item is answered as the officer does it:
a key ("1", Met) on the item's row, then the next item (Down). Per answer:

- at once: the key handled, the answer saved, every screen told through the change signal, and the
  events it posted (the repaint) processed;
- a moment later: what the answer sets off on the UI thread after a pause (the status bar's "your
  latest work is not on the shared store yet", 300 ms after the last change; the change signal's
  poll): timers are let run for 400 ms after each answer and the CPU time they take is counted.

"As felt" is the sum: a key pressed during that later work waits for it. Wall time and the CPU time
of this process are both printed: on a shared 2-core machine the wall time is many times the work.
The 400 ms loop costs a few ms of CPU with nothing to do (wake-ups, idle event processing): that is
measured before the first answer and printed, and the figure net of it beside the figure.

The floor, in the same run: the same screen over a small store (the demo data: a dozen providers),
answered the same way.

    .venv/bin/python bench/visit_answer.py [PROVIDERS] [--answers N]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from scale_data import pin_clock, scale_data
from settle import due_shown

from qa_desktop.ui.main_window import MainWindow
from qa_desktop.ui.visit_window import VisitWindow
from qa_desktop.workspace import Workspace

ANSWERS = int(sys.argv[sys.argv.index("--answers") + 1]) if "--answers" in sys.argv else 40
LATER_MS = 400
TARGET_MS = 16.0
#: Per run of ``answer_items``, its five slowest answers (felt CPU ms, what was answered).
SLOWEST: list[list[tuple[float, str]]] = []


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def answer_items(app: QApplication, workspace: Workspace, visit_id: str, base: Path) -> dict[str, list[float]]:
    """Answer ``ANSWERS`` unanswered items with the keyboard; per answer, wall and CPU ms."""
    main = MainWindow(workspace, settings=QSettings(str(base / "window.ini"), QSettings.Format.IniFormat))
    main.resize(1280, 720)
    main.show()
    due_shown(app, main)
    window = VisitWindow(workspace, main.hub, visit_id)
    window.resize(1280, 720)
    window.show()
    app.processEvents()
    found: dict[str, list[float]] = {"now_wall": [], "now_cpu": [], "later_cpu": [], "felt_cpu": [], "felt_wall": [],
                                     "idle_cpu": [idle_loop(app) for _ in range(5)]}
    kinds: list[str] = []  # per answer, what it was (printed beside the slowest; not timed)
    for _ in range(ANSWERS):
        row = window.section_list.currentIndex().row()
        if not window.next_unanswered():
            break
        app.processEvents()
        widget = next(w for w in window.items if w.hasFocus() or w.isAncestorOf(window.focusWidget()))
        shown = len(window.items)
        kinds.append(f"{widget.item.key} ({widget.item.response.name.lower()}"
                     f"{', after a section move' if window.section_list.currentIndex().row() != row else ''}")
        wall, cpu = time.perf_counter(), time.process_time()
        QTest.keyClick(widget, Qt.Key.Key_1)
        app.processEvents()
        now_wall, now_cpu = (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000
        later_cpu = idle_loop(app)
        found["now_wall"].append(now_wall)
        found["now_cpu"].append(now_cpu)
        found["later_cpu"].append(later_cpu)
        found["felt_cpu"].append(now_cpu + later_cpu)
        found["felt_wall"].append(now_wall + later_cpu)
        kinds[-1] += f"{', shows or hides items' if len(window.items) != shown else ''})"
    window.close()
    main.close()
    SLOWEST.append(sorted(zip(found["felt_cpu"], kinds, strict=True), reverse=True)[:5])
    return found


def idle_loop(app: QApplication) -> float:
    """CPU ms of the UI thread's next ``LATER_MS``, events processed every 5 ms as the loop does.
    Measured also with nothing to do (before the first answer): the loop itself costs a few ms of
    wake-ups and idle ``processEvents``, counted in every answer's "later" and printed beside it."""
    later = time.process_time()
    until = time.perf_counter() + LATER_MS / 1000
    while time.perf_counter() < until:
        app.processEvents()
        time.sleep(0.005)
    return (time.process_time() - later) * 1000


def small_store(base: Path) -> tuple[Workspace, str]:
    workspace = Workspace.open(base / "small", actor="Alex Patel", key=os.urandom(32))
    workspace.admin.load_demo()
    return workspace, workspace.visits.in_progress()[0].id


def line(name: str, found: dict[str, list[float]]) -> str:
    return (f"{name:26} p50 {statistics.median(found['felt_cpu']):6.1f} ms CPU "
            f"p99 {percentile(found['felt_cpu'], 0.99):6.1f} ms CPU | at once p50 "
            f"{statistics.median(found['now_cpu']):6.1f} ms CPU ({statistics.median(found['now_wall']):6.1f} wall), "
            f"later p50 {statistics.median(found['later_cpu']):6.1f} ms CPU (of it the loop idle: "
            f"{statistics.median(found['idle_cpu']):4.1f}); {len(found['felt_cpu'])} answers")


def main() -> None:
    pin_clock()
    providers = next((int(a) for a in sys.argv[1:] if a.isdigit()), 20_000)
    data = scale_data(providers)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        copy = data.copy_to(base / "large")
        workspace = copy.open()
        large = answer_items(app, workspace, copy.visit_in_progress, base)
        workspace.close()
        workspace, visit_id = small_store(base)
        small = answer_items(app, workspace, visit_id, base)
        workspace.close()
    p99 = percentile(large["felt_cpu"], 0.99)
    print(f"one answer on the visit screen, as felt (at once + the UI thread's work in the next {LATER_MS} ms); "
          f"load average {os.getloadavg()[0]:.1f}")
    print(line(f"{providers:,} providers", large))
    print(line("floor: demo data (13)", small))
    idle = statistics.median(large["idle_cpu"])
    net = [felt - idle for felt in large["felt_cpu"]]
    print(f"  {providers:,}, net of the loop's idle cost: p50 {statistics.median(net):6.1f} ms CPU, "
          f"p99 {percentile(net, 0.99):6.1f} ms CPU")
    print(f"  goal p99 <= {TARGET_MS:.0f} ms (CPU): {'met' if p99 <= TARGET_MS else 'NOT met'}; "
          f"large/small p50: {statistics.median(large['felt_cpu']) / statistics.median(small['felt_cpu']):.1f}x")
    for name, slowest in zip((f"{providers:,}", "demo"), SLOWEST, strict=True):
        print(f"  slowest at {name}: " + "; ".join(f"{felt:.1f} {what}" for felt, what in slowest))


if __name__ == "__main__":
    main()
