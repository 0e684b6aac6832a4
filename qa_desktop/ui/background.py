"""Long work (a report with forty photos, an import of thousands of providers) off the UI thread,
with a progress dialog that says what is happening, and errors in words.

The one runner for work that takes time: a report, an import, an export, retention, a sync. The
work is a plain function of the workspace (the same one the CLI calls) taking a
``progress(message, done, total)`` callback; ``total`` 0 shows a busy bar. The store takes
writes from any thread, so the officer can keep reading the window while it runs.

Most work shows a window-modal progress dialog (it is all-or-nothing and short). Work the officer
should carry on beside, a sync, runs with ``dialog=False`` and shows ``progress`` where the caller
wants it (the status bar). ``failed(message)`` says what went wrong in words; ``raised(error)``
hands over the expected exception itself, for a caller that answers some of them (a sync that
needs a password asks for it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

Progress = Callable[[str, int, int], None]

#: Shown only if the work takes longer than this, so a quick report doesn't flash a dialog.
SHOW_AFTER_MS = 300


class _Worker(QObject):
    progress = Signal(str, int, int)
    finished = Signal(object)
    failed = Signal(str, object)

    def __init__(self, work: Callable[[Progress], Any], expected: tuple[type[BaseException], ...]) -> None:
        super().__init__()
        self.work = work
        self.expected = expected

    @Slot()
    def run(self) -> None:
        try:
            result = self.work(lambda message, done, total: self.progress.emit(message, done, total))
        except self.expected as error:
            self.failed.emit(str(error), error)
        except Exception as error:  # noqa: BLE001 (said in words; the services never leave half a change)
            self.failed.emit(f"This stopped unexpectedly ({type(error).__name__}: {error}). Nothing that was "
                             "saved has been lost; try again, and tell the QA lead if it happens again.", None)
        else:
            self.finished.emit(result)
        finally:
            # the thread ends as soon as the work does, so ``wait()`` on the UI thread (closing a
            # window) returns without needing the UI thread's event loop to deliver a quit
            self.thread().quit()


class BackgroundTask(QObject):
    """One run of ``work`` in a thread; ``finished(result)`` or ``failed(message)`` (and, for an
    expected error, ``raised(error)`` first) on the UI thread."""

    finished = Signal(object)
    failed = Signal(str)
    raised = Signal(object)
    progress = Signal(str, int, int)

    def __init__(self, parent: QObject, title: str, work: Callable[[Progress], Any],
                 expected: tuple[type[BaseException], ...] = (ValueError, OSError), *, dialog: bool = True) -> None:
        super().__init__(parent)
        #: The progress dialog (``None`` for work shown elsewhere, e.g. a sync in the status bar).
        self.dialog: QProgressDialog | None = None
        if dialog:
            self.dialog = QProgressDialog(title, "", 0, 0, parent if isinstance(parent, QWidget) else None)
            self.dialog.setWindowTitle(title)
            self.dialog.setCancelButton(None)  # the work is all-or-nothing and short; nothing to cancel half-way
            self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
            self.dialog.setMinimumDuration(SHOW_AFTER_MS)
            self.dialog.setAutoReset(False)
            self.dialog.setAutoClose(False)
            self.dialog.setAccessibleName(title)
            self.dialog.setValue(0)
        self._thread = QThread(self)
        self._worker = _Worker(work, expected)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.progress.connect(self._on_progress)
        self._worker.finished.connect(self._on_finished)
        self._worker.failed.connect(self._on_failed)
        self.running = False

    def start(self) -> BackgroundTask:
        self.running = True
        self._thread.start()
        return self

    def wait(self) -> None:
        if self.running:
            self._thread.wait()

    def _on_progress(self, message: str, done: int, total: int) -> None:
        self.progress.emit(message, done, total)
        if self.dialog is None:
            return
        self.dialog.setMaximum(total)
        self.dialog.setValue(done if total else 0)
        self.dialog.setLabelText(f"{message} {done} of {total}" if total else f"{message} {done}")

    def _end(self) -> None:
        self.running = False
        self._thread.quit()
        self._thread.wait()
        if self.dialog is not None:
            self.dialog.reset()
            self.dialog.hide()

    def _on_finished(self, result: object) -> None:
        self._end()
        self.finished.emit(result)

    def _on_failed(self, message: str, error: object) -> None:
        self._end()
        if error is not None:
            self.raised.emit(error)
        self.failed.emit(message)
