"""The window's Sync: runs a sync in a worker thread, shows progress and the result, and keeps the
status bar's "last synced / waiting / conflicts" up to date.

The sync itself is ``sync.engine.sync``, the same function the CLI calls; this only moves it off
the UI thread (an officer keeps working while it runs: the local store takes both) and turns its
progress callback into signals.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QObject, QThread, Signal, Slot
from PySide6.QtWidgets import QInputDialog, QLabel, QLineEdit, QMessageBox, QProgressBar, QWidget

from qa_desktop.store.database import Store
from qa_desktop.credentials import CredentialsError, set_secret
from qa_desktop.sync.engine import SyncReport, SyncStatus, status, sync
from qa_desktop.sync.settings import NeedsPassword, load_settings, open_shared_store
from qa_desktop.sync.stores import StoreUnavailable


class SyncWorker(QObject):
    progress = Signal(str, int, int)
    finished = Signal(object)  # SyncReport
    failed = Signal(str)
    needs_password = Signal(str, str)  # keyring account, label

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store

    @Slot()
    def run(self) -> None:
        try:
            shared = open_shared_store(load_settings(self.store.data_dir))
            try:
                report = sync(self.store, shared, lambda message, done, total: self.progress.emit(message, done, total))
            finally:
                shared.close()
        except NeedsPassword as needed:
            self.needs_password.emit(needed.account, needed.label)
        except (StoreUnavailable, CredentialsError, ValueError, OSError) as error:
            self.failed.emit(str(error))
        except Exception as error:  # noqa: BLE001 (shown in words; the data is safe: nothing half-applied)
            self.failed.emit(f"The sync stopped unexpectedly ({type(error).__name__}: {error}). Nothing was lost; "
                             "try again, and tell the QA lead if it happens again.")
        else:
            self.finished.emit(report)


class SyncController(QObject):
    """Owns the Sync action's state; the main window wires its widgets to it."""

    synced = Signal(object)    # SyncReport, after a sync that finished
    status_changed = Signal()

    def __init__(self, store: Store, parent: QWidget) -> None:
        super().__init__(parent)
        self.store = store
        self._parent = parent
        self.label = QLabel()
        self.label.setAccessibleName("Sync status")
        self.bar = QProgressBar()
        self.bar.setAccessibleName("Sync progress")
        self.bar.setMaximumWidth(220)
        self.bar.hide()
        self._thread: QThread | None = None
        self._worker: SyncWorker | None = None
        self.last_report: SyncReport | None = None
        self.last_error: str | None = None
        self._restart = False  # a password was just given: sync again when this attempt has ended
        self.state: SyncStatus = status(store)
        self.refresh_status()

    @property
    def running(self) -> bool:
        return self._thread is not None

    def refresh_status(self) -> None:
        self.state = state = status(self.store)
        when = "never" if state.last_synced is None else _when(state.last_synced, self.store.clock.today())
        parts = [f"Last synced: {when}", f"{state.waiting} change{'s' if state.waiting != 1 else ''} waiting"]
        if state.conflicts:
            parts.append(f"{state.conflicts} conflict{'s' if state.conflicts != 1 else ''} to resolve")
        self.label.setText(" · ".join(parts))
        self.status_changed.emit()

    def start(self) -> None:
        if self.running:
            return
        self.last_error = None
        self.bar.setRange(0, 0)
        self.bar.setFormat("Syncing")
        self.bar.show()
        self._thread = QThread(self)
        self._worker = SyncWorker(self.store)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.progress.connect(self._on_progress)
        self._worker.finished.connect(self._on_finished)
        self._worker.failed.connect(self._on_failed)
        self._worker.needs_password.connect(self._on_needs_password)
        for signal in (self._worker.finished, self._worker.failed, self._worker.needs_password):
            signal.connect(self._thread.quit)
        self._thread.finished.connect(self._cleanup)
        self._thread.start()
        self.status_changed.emit()

    def wait(self) -> None:
        """Block until a running sync ends (closing the window waits rather than cutting it off)."""
        if self._thread is not None:
            self._thread.wait()

    def _on_progress(self, message: str, done: int, total: int) -> None:
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)
        self.bar.setFormat(f"{message} {done}/{total}")

    def _on_finished(self, report: SyncReport) -> None:
        self.last_report = report
        self.synced.emit(report)
        if report.problems:
            details = "\n".join(f"• {p}" for p in report.problems[:20])
            QMessageBox.warning(self._parent, "Sync finished with problems",
                                f"{report.summary()}\n\nThese were skipped; everything else synced:\n{details}")

    def _on_failed(self, message: str) -> None:
        self.last_error = message
        QMessageBox.warning(self._parent, "Sync did not run", message)

    def _on_needs_password(self, account: str, label: str) -> None:
        password, ok = QInputDialog.getText(self._parent, "Password needed",
                                            f"Password for {label} (kept in the system keyring):",
                                            QLineEdit.EchoMode.Password)
        if ok and password:
            try:
                set_secret(account, password)
            except CredentialsError as error:
                self._on_failed(str(error))
                return
            self._restart = True

    def _cleanup(self) -> None:
        self.bar.hide()
        if self._worker is not None:
            self._worker.deleteLater()
        if self._thread is not None:
            self._thread.deleteLater()
        self._thread = self._worker = None
        self.refresh_status()
        if self._restart:
            self._restart = False
            self.start()


def _when(moment: dt.datetime, today: dt.date) -> str:
    local = moment.astimezone()
    return f"today {local:%H:%M}" if local.date() == today else f"{local:%d %b %Y %H:%M}"
