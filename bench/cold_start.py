"""Benchmark: cold start to a shown main window over a large register, against a bare window.

Each start runs in a fresh process (nothing imported, nothing cached in the interpreter; the
database file is in the operating system's cache after the first run, as it is on a laptop that
opened it yesterday), offscreen at 1280x720, and ends at the first paint of the register's rows.
Per start: the wall time from launching the process to that paint (as the officer waits for it),
the CPU time of the process (``RUSAGE_SELF``: what the machine's other work cannot inflate), and
its peak memory (max RSS). The app starts as ``qa-desktop`` does (``cli.cmd_gui``):
``Workspace.open_for_window``, whose first look reads the register with plain SQL before
SQLAlchemy is imported, then the main window; a register too large to work out what is due before
the first paint (``ui.main_window.DUE_IN_BACKGROUND_FROM``) gets it in the background after (which
also opens the store, when it was left for later): the same three figures are printed again when it
is shown.

The floor, measured in the same run on the same data file: a bare PySide6 window (a
``QTableView`` over a minimal ``QAbstractTableModel``) showing the same register columns, read with
one plain ``SELECT`` through the same SQLCipher driver and key. Goal: at most twice the floor.

    .venv/bin/python bench/cold_start.py [PROVIDERS] [--runs N]
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 3


def _figures(suffix: str = "") -> dict[str, float]:
    """The process's CPU time, peak memory and the wall time since the parent launched it
    (``time.monotonic`` is the system's monotonic clock, the same in both processes)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {f"cpu{suffix}": usage.ru_utime + usage.ru_stime, f"rss_mb{suffix}": usage.ru_maxrss / 1024,
            f"wall{suffix}": time.monotonic() - LAUNCHED}


def _finish(started_cpu: float, app: object, widget: object) -> None:
    """Print the process's CPU time, peak memory and wall time at the first paint of ``widget``."""
    print(json.dumps(_figures()), flush=True)


LAUNCHED = 0.0


def child_app(data_dir: str, key_hex: str) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from PySide6.QtCore import QEvent, QObject, QSettings
    from PySide6.QtWidgets import QApplication

    from qa_desktop.ui.app import make_application
    from qa_desktop.ui.main_window import MainWindow
    from qa_desktop.workspace import Workspace

    # the window's own way in (``cli.cmd_gui``): on a tree from before it, the store opened first
    opening = getattr(Workspace, "open_for_window", Workspace.open)
    workspace = opening(Path(data_dir), actor="Alex Patel", key=bytes.fromhex(key_hex))
    app = make_application([sys.argv[0]])
    window = MainWindow(workspace, settings=QSettings(str(Path(data_dir).parent / "window.ini"),
                                                      QSettings.Format.IniFormat))
    _until_painted(app, window, window.table.viewport(), QEvent, QObject, QApplication)
    # then what is due across the register, worked out in the background after the first paint:
    # the register as it is meant to be seen (due column, overdue count) is said too
    # (the header says "working out" until it is shown; after a first paint from the register's first
    # look, the background read, which opens the store, starts just after the paint)
    from settle import due_working_out  # bench/ is the script's folder, first on the path

    while due_working_out(window):
        app.processEvents()
        time.sleep(0.002)
    app.processEvents()
    print(json.dumps(_figures("_due")), flush=True)
    window.close()


def child_floor(data_dir: str, key_hex: str) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import sqlcipher3.dbapi2 as sqlcipher
    from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QObject, Qt
    from PySide6.QtWidgets import QApplication, QTableView

    columns = ("name", "urn", "service_type", "judgement", "organisation", "registration_status", "local_authority")

    class Model(QAbstractTableModel):
        def __init__(self, rows: list[tuple[object, ...]]) -> None:
            super().__init__()
            self.rows = rows

        def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
            return 0 if parent.isValid() else len(self.rows)

        def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
            return len(columns)

        def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
            return self.rows[index.row()][index.column()] if role == Qt.ItemDataRole.DisplayRole else None

        def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                       role: int = Qt.ItemDataRole.DisplayRole) -> object:
            horizontal = orientation == Qt.Orientation.Horizontal
            return columns[section] if role == Qt.ItemDataRole.DisplayRole and horizontal else None

    connection = sqlcipher.connect(str(Path(data_dir) / "qa-desktop.sqlite3"))
    connection.execute(f"PRAGMA key = \"x'{key_hex}'\"")
    rows = connection.execute(f"SELECT {', '.join(columns)} FROM providers p LEFT JOIN "
                              "(SELECT provider_id, min(town) AS town FROM settings GROUP BY provider_id) s "
                              "ON s.provider_id = p.id WHERE NOT deleted ORDER BY name").fetchall()
    app = QApplication([sys.argv[0]])
    view = QTableView()
    model = Model(rows)  # held here: a model without a parent is freed with its last Python reference
    view.setModel(model)
    _until_painted(app, view, view.viewport(), QEvent, QObject, QApplication)


def _until_painted(app, window, viewport, QEvent, QObject, QApplication) -> None:  # noqa: ANN001, N803
    class Painted(QObject):
        done = False

        def eventFilter(self, watched: object, event: object) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Paint and not self.done:
                self.done = True
                _finish(0.0, app, window)
                QApplication.exit(0)
            return False

    watcher = Painted()
    viewport.installEventFilter(watcher)
    window.resize(1280, 720)
    window.show()
    app.exec()


def run(kind: str, data_dir: Path, key: bytes) -> dict[str, float]:
    # as installed: modules compiled once and their bytecode kept (this machine's environment says
    # otherwise, which would make every start compile the app's and SQLAlchemy's sources again)
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    done = subprocess.run([sys.executable, __file__, f"--child-{kind}", str(data_dir), key.hex(),
                           repr(time.monotonic())], check=True, capture_output=True, text=True, env=environment)
    figures: dict[str, float] = {}
    for line in done.stdout.strip().splitlines():
        if line.startswith("{"):
            figures.update(json.loads(line))
    return figures


def measure(data_dir: Path, key: bytes, runs: int = RUNS) -> dict[str, dict[str, float]]:
    """Median of ``runs`` cold starts of the app and of the floor, alternated (the load shifts)."""
    found: dict[str, list[dict[str, float]]] = {"app": [], "floor": []}
    for kind in ("app", "floor"):  # bytecode written, and the file in the operating system's cache, for both
        run(kind, data_dir, key)
    for _ in range(runs):
        for kind in ("app", "floor"):
            found[kind].append(run(kind, data_dir, key))
    return {kind: {name: statistics.median(r[name] for r in results) for name in results[0]}
            for kind, results in found.items()}


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1].startswith("--child-"):
        global LAUNCHED
        LAUNCHED = float(sys.argv[4])
        (child_app if sys.argv[1] == "--child-app" else child_floor)(sys.argv[2], sys.argv[3])
        return
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from scale_data import scale_data

    providers = next((int(a) for a in sys.argv[1:] if a.isdigit()), 20_000)
    with tempfile.TemporaryDirectory() as folder:
        data = scale_data(providers).copy_to(Path(folder) / "data")  # opening migrates: never the kept copy
        figures = measure(data.data_dir, data.key)
    app, floor = figures["app"], figures["floor"]
    load = os.getloadavg()[0]
    print(f"cold start to a shown main window, {providers:,} providers (median of {RUNS}; load average {load:.1f})")
    print(f"  app:   {app['wall']:5.2f} s wall, {app['cpu']:5.2f} s CPU, peak {app['rss_mb']:4.0f} MB")
    if "cpu_due" in app:
        print(f"    and what is due shown (worked out after the first paint, in the background): "
              f"{app['wall_due']:5.2f} s wall, {app['cpu_due']:5.2f} s CPU, peak {app['rss_mb_due']:4.0f} MB")
    print(f"  floor: {floor['wall']:5.2f} s wall, {floor['cpu']:5.2f} s CPU, peak {floor['rss_mb']:4.0f} MB "
          "(bare QTableView, one SELECT)")
    print(f"  app/floor: {app['cpu'] / floor['cpu']:.1f}x CPU, {app['wall'] / floor['wall']:.1f}x wall, "
          f"{app['rss_mb'] / floor['rss_mb']:.1f}x memory; goal <= 2x: "
          f"{'met' if app['cpu'] <= 2 * floor['cpu'] and app['rss_mb'] <= 2 * floor['rss_mb'] else 'NOT met'}")


if __name__ == "__main__":
    main()
