"""Starting the window: the QApplication, its identity (for QSettings), the crash reporter and the
event loop."""

from __future__ import annotations

import gc
import logging
import sys
from typing import TYPE_CHECKING

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from qa_desktop.domain.visits import VisitRuleError
from qa_desktop.paths import resources_dir
from qa_desktop.ui.crash import CrashReporter, show_startup_crash
from qa_desktop.ui.main_window import MainWindow
from qa_desktop.workspace import Workspace

if TYPE_CHECKING:  # the hand-over screen, imported when a hand-over is resumed
    from qa_desktop.ui.kiosk import HandOverKiosk


def make_application(argv: list[str] | None = None) -> QApplication:
    running = QApplication.instance()
    app = running if isinstance(running, QApplication) else QApplication(argv if argv is not None else sys.argv[:1])
    app.setOrganizationName("QA Desktop")
    app.setApplicationName("qa-desktop")
    app.setApplicationDisplayName("QA Desktop")
    app.setWindowIcon(QIcon(str(resources_dir() / "icons" / "qa-desktop.png")))
    return app


def show_startup_error(message: str) -> None:
    """Why the window cannot open (the data cannot be read), in a dialog rather than a traceback."""
    from PySide6.QtWidgets import QMessageBox

    make_application()
    QMessageBox.critical(None, "QA Desktop cannot open your data", message)


def show_crash(error: BaseException) -> None:
    """An unexpected error stopped the window from opening: the crash dialog, in plain words."""
    show_startup_crash(error)


def run_app(workspace: Workspace) -> int:
    """Show the register over ``workspace`` until the window closes; its exit status. Any error
    nobody expected, from then on, is logged and shown in words (``ui.crash``), and the window
    carries on. A Young Inspector hand-over the program was ended in the middle of comes first
    (``resume_hand_over``)."""
    app = make_application()
    reporter = CrashReporter(app).install()
    try:
        logging.getLogger(__name__).info("window opening on device %s", workspace.device_id)
        window = MainWindow(workspace)
        # a store read by its first look was in no hand-over (``store.first_look``), and is opened
        # after the window's first paint: asking would open it now
        kiosk = resume_hand_over(workspace, window) if workspace.first_look is None else None
        if kiosk is None:  # the locked hand-over comes first
            window.show()
            if workspace.admin.needs_setup():  # a new laptop: who uses it, and the team, asked in the window
                window.team_and_user(first_run=True)
        # What start-up made (modules, mappers, the register's rows) lives as long as the window: out
        # of the collector's sight, a full collection no longer walks it (190-230 ms once, landing
        # on some key press early in the session, at 20,000 providers: issue 22).
        gc.freeze()
        return app.exec()
    finally:
        reporter.uninstall()


def resume_hand_over(workspace: Workspace, window: QWidget) -> HandOverKiosk | None:
    """The program was ended during a hand-over (Task Manager, a crash, a flat battery). Started
    again in the same login session, it opens on the locked hand-over, never on the officer's data;
    in a new login session (the officer signed in to the operating system again: how a forgotten
    PIN is got past) the hand-over ends, every answer saved, and the officer is told. ``window``
    is shown once unlocked."""
    left = workspace.hand_over.in_progress()
    if left is None:
        return None
    if not left.same_login:
        workspace.hand_over.end_from_earlier_login()
        QMessageBox.information(None, "Young Inspector hand-over ended",
                                "The Young Inspector hand-over ended when you signed in again. Every answer they "
                                "gave is saved: open the visit to review it. To choose a new unlock PIN, use "
                                "Young Inspector > Hand over on the visit.")
        return None
    young = workspace.hand_over.young_inspector_workspace(left.visit_id, left.young_inspector_id)
    try:
        form = young.visits.young_inspector_form(left.visit_id)
    except VisitRuleError:  # withdrawn or deleted meanwhile (a sync): the locked page alone, the PIN still needed
        form = None
    from qa_desktop.ui.kiosk import HandOverKiosk

    kiosk = HandOverKiosk(young, form, unlock=workspace.hand_over.unlock, officer=left.officer or workspace.user.name,
                          locked=True)
    kiosk.unlocked.connect(young.close)
    kiosk.unlocked.connect(window.show)
    kiosk.start()
    return kiosk
