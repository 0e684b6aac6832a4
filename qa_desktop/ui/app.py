"""Starting the window: the QApplication, its identity (for QSettings), the crash reporter and the
event loop."""

from __future__ import annotations

import logging
import sys

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from qa_desktop.paths import resources_dir
from qa_desktop.ui.crash import CrashReporter, show_startup_crash
from qa_desktop.ui.main_window import MainWindow
from qa_desktop.workspace import Workspace


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
    carries on."""
    app = make_application()
    reporter = CrashReporter(app).install()
    try:
        logging.getLogger(__name__).info("window opening on device %s", workspace.device_id)
        window = MainWindow(workspace)
        window.show()
        if workspace.admin.needs_setup():  # a new laptop: who uses it, and the team, asked in the window
            window.team_and_user(first_run=True)
        return app.exec()
    finally:
        reporter.uninstall()
