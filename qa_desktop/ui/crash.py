"""When something goes wrong that nobody expected: say so in plain words, never just vanish.

A windowed Windows program has no console, so an uncaught error would be printed nowhere and the
officer would see the app stop or a button do nothing. ``CrashReporter`` catches every uncaught
error of the window: in a slot or an event handler on the UI thread (PySide6 hands those to
``sys.excepthook`` and carries on), and in any Python thread (``threading.excepthook``); the work
of the one runner (``ui.background``) already reports its own errors in words. Each is written to
the log (``qa_desktop.logs``: where, and its type, never its message) and shown in a dialog that
says what happened, that what was saved is safe, what to do, and where the log file is, with
buttons to open its folder or copy its path for IT support.

The dialog is not modal and one at a time: errors that come while it is open (a paint handler
failing on every repaint) are counted in it, not stacked.
"""

from __future__ import annotations

import sys
import threading
from types import TracebackType
from typing import Any

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from qa_desktop.logs import describe_error, log_file, log_uncaught, where_the_log_is

TITLE = "QA Desktop: something went wrong"
WHAT_HAPPENED = "Something went wrong in QA Desktop, and what you were doing may not have finished."
WHAT_TO_DO = (
    "Everything already saved is safe: answers, notes and photos are saved as you enter them.\n\n"
    "What to do: close this message and check that what you were doing shows as you expect; if it "
    "does not, do it again. If this keeps happening, close QA Desktop, open it again, and send the log "
    "file to IT support or your QA lead.")


def crash_text(log: str) -> str:
    """The dialog's words under its heading (also used at start-up, before the window exists)."""
    return f"{WHAT_TO_DO}\n\nThe log file is:\n{log}"


class CrashDialog(QMessageBox):
    """The plain-words dialog, with the log file's folder a click away."""

    def __init__(self, error: BaseException, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setIcon(QMessageBox.Icon.Critical)
        self.setWindowTitle(TITLE)
        self.setText(WHAT_HAPPENED)
        self.log = where_the_log_is()
        self.setInformativeText(crash_text(self.log))
        # on screen only (the log never holds messages, which may name people): for IT support
        self.setDetailedText(f"{describe_error(error)}: {error}")
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_folder = self.addButton("Open the log folder", QMessageBox.ButtonRole.ActionRole)
        self.copy_path = self.addButton("Copy the log file's path", QMessageBox.ButtonRole.ActionRole)
        self.close_button = self.addButton(QMessageBox.StandardButton.Close)
        self.setDefaultButton(self.close_button)
        self.setEscapeButton(self.close_button)
        # the action buttons do their job and leave the dialog open
        self.open_folder.clicked.disconnect()
        self.copy_path.clicked.disconnect()
        self.open_folder.clicked.connect(self.show_log_folder)
        self.copy_path.clicked.connect(self.copy_log_path)
        self.more = 0

    def show_log_folder(self) -> bool:
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(log_file().parent)))

    def copy_log_path(self) -> None:
        QGuiApplication.clipboard().setText(str(log_file()))

    def count_another(self) -> None:
        self.more += 1
        self.setText(f"{WHAT_HAPPENED}\n\nIt happened {self.more + 1} times in a row.")


class CrashReporter(QObject):
    """Installed for the life of the window (``install``/``uninstall``); errors from other threads
    reach the dialog through a queued signal, on the UI thread."""

    _report = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.dialog: CrashDialog | None = None
        self.caught: list[BaseException] = []
        self._previous: tuple[Any, Any] | None = None
        self._report.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def install(self) -> CrashReporter:
        self._previous = (sys.excepthook, threading.excepthook)
        sys.excepthook = self._on_error
        threading.excepthook = self._on_thread_error
        return self

    def uninstall(self) -> None:
        if self._previous is not None:
            sys.excepthook, threading.excepthook = self._previous
            self._previous = None

    def _on_error(self, kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
        if isinstance(error, KeyboardInterrupt):  # Ctrl+C in the terminal that started the window
            QApplication.quit()
            return
        log_uncaught((kind, error, trace), "window")
        self.caught.append(error)
        self._report.emit(error)

    def _on_thread_error(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None or isinstance(args.exc_value, SystemExit):
            return
        thread = args.thread.name if args.thread is not None else "a thread"
        log_uncaught((args.exc_type, args.exc_value, args.exc_traceback), f"window ({thread})")
        self.caught.append(args.exc_value)
        self._report.emit(args.exc_value)

    def _show(self, error: BaseException) -> None:
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.count_another()
            return
        parent = QApplication.activeWindow()
        self.dialog = CrashDialog(error, parent)
        self.dialog.setWindowModality(Qt.WindowModality.NonModal)
        self.dialog.show()


def show_startup_crash(error: BaseException) -> None:
    """The window could not open because of an unexpected error: say so (the event loop is not
    running, so this dialog waits for the officer)."""
    if QApplication.instance() is None:
        QApplication(sys.argv[:1])
    CrashDialog(error).exec()
