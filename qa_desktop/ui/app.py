"""Starting the window: the QApplication, its identity (for QSettings) and the event loop."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication

from qa_desktop.store.database import Store
from qa_desktop.ui.main_window import MainWindow


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setOrganizationName("QA Desktop")
    app.setApplicationName("qa-desktop")
    app.setApplicationDisplayName("QA Desktop")
    return app  # type: ignore[return-value]


def show_startup_error(message: str) -> None:
    """Why the window cannot open (the data cannot be read), in a dialog rather than a traceback."""
    from PySide6.QtWidgets import QMessageBox

    make_application()
    QMessageBox.critical(None, "QA Desktop cannot open your data", message)


def run_app(store: Store) -> int:
    app = make_application()
    window = MainWindow(store)
    window.show()
    return app.exec()
