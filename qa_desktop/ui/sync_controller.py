"""The window's Sync: runs a sync in a worker thread, shows progress and the result, and keeps the
status bar's "last synced / waiting / conflicts" up to date.

The status bar's text keeps one short line; what is behind it in words (changes waiting to go, this
laptop's files written again, files a laptop cannot read and whom to ask) is its tooltip.

The sync itself is ``workspace.sync.run``, the same call the CLI makes, run off the UI thread by
the one runner (``background.BackgroundTask``) without its modal dialog: an officer keeps working
while it runs (the local store takes both), and progress goes to a small bar in the status bar.

What the sync brought in reaches the screens through the workspace's change signal (the window's
``ChangeHub``), not through this controller. The status bar's counts are read again by
``refresh_status``, a slot with no arguments: the window calls it after a change (connect
``hub.changed`` to it, through a short timer so a burst of answers counts once).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QInputDialog, QLabel, QLineEdit, QMessageBox, QProgressBar, QWidget

from qa_desktop.ui.background import BackgroundTask
from qa_desktop.workspace import Done, Workspace

if TYPE_CHECKING:  # the sync's module imports SQLAlchemy: imported when a sync starts, not before the first paint
    from qa_desktop.workspace.sync import NeedsTeamKey, SyncReport, SyncStatus

#: The status bar's tooltip counts the changes waiting this far ("More than 1,000 changes waiting"):
#: it is read again after every answer, and must not count a long history each time. The bar itself
#: says only whether work is waiting; past a thousand field changes the exact number tells an officer
#: nothing more, and counting to 10,000 was most of the status's 3 ms after each answer on a register
#: of 20,000 that had never synced.
WAITING_COUNTED = 1_000


class SyncController(QObject):
    """Owns the Sync action's state; the main window wires its widgets to it."""

    synced = Signal(object)    # SyncReport, after a sync that finished
    status_changed = Signal()

    def __init__(self, workspace: Workspace, parent: QWidget) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self._parent = parent
        self.label = QLabel()
        self.label.setAccessibleName("Sync status")
        self.bar = QProgressBar()
        self.bar.setAccessibleName("Sync progress")
        self.bar.setMaximumWidth(220)
        self.bar.hide()
        self._task: BackgroundTask | None = None
        self.last_report: SyncReport | None = None
        self.last_error: str | None = None
        self.last_words = ""
        self._restart = False  # a password was just given: sync again when this attempt has ended
        self._needs_password: str | None = None  # the server a password is needed for
        self._needs_team_key: NeedsTeamKey | None = None  # the store this laptop must join first
        self.state: SyncStatus | None = None  # None: not read yet
        if workspace.is_open:
            self.refresh_status()
        else:  # the window's first paint comes from the register's first look: read when the store opens
            self.label.setText("Sync status: reading…")

    @property
    def running(self) -> bool:
        return self._task is not None

    def refresh_status(self) -> None:
        """Count again what the status bar says: last sync, changes waiting, conflicts, and (when a
        laptop cannot read a file) how many, with the details in the tooltip."""
        self.state = state = self.workspace.sync.status(count_up_to=WAITING_COUNTED)
        when = "never" if state.last_synced is None else _when(state.last_synced, self.workspace.clock.today())
        # in words, not a count of field changes ("66644 changes waiting" meant nothing to anyone)
        parts = [f"Last synced: {when}",
                 "your latest work is not on the shared store yet" if state.waiting else "all your work is shared"]
        if state.conflicts:
            parts.append(f"{state.conflicts} conflict{'s' if state.conflicts != 1 else ''} to resolve")
        if state.problems:
            parts.append(f"{state.problems} file{'s' if state.problems != 1 else ''} a laptop cannot read")
        self.label.setText(" · ".join(parts))
        self.label.setToolTip("\n".join(state.lines()))
        self.status_changed.emit()

    def start(self) -> None:
        if self.running:
            return
        self.last_error = None
        self.bar.setRange(0, 0)
        self.bar.setFormat("Syncing")
        self.bar.show()
        from qa_desktop.workspace.sync import CredentialsError, NeedsPassword, NeedsTeamKey, StoreUnavailable

        task = BackgroundTask(self, "Syncing", lambda progress: self.workspace.sync.run(progress),
                              expected=(NeedsPassword, NeedsTeamKey, StoreUnavailable, CredentialsError,
                                        ValueError, OSError),
                              dialog=False)
        task.progress.connect(self._on_progress)
        task.finished.connect(self._on_finished)
        task.raised.connect(self._on_raised)
        task.failed.connect(self._on_failed)
        for signal in (task.finished, task.failed):
            signal.connect(self._cleanup)
        self._task = task.start()
        self.status_changed.emit()

    def wait(self) -> None:
        """Block until a running sync ends (closing the window waits rather than cutting it off)."""
        if self._task is not None:
            self._task.wait()

    def _on_progress(self, message: str, done: int, total: int) -> None:
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)
        self.bar.setFormat(f"{message} {done}/{total}")

    def _on_finished(self, done: Done[SyncReport]) -> None:
        report = self.last_report = done.value
        self.last_words = self.workspace.admin.in_words(done.changes) or "Synced: nothing new arrived."
        status_bar = getattr(self._parent, "statusBar", None)
        if callable(status_bar):
            status_bar().showMessage(self.last_words, 20000)
        self.synced.emit(report)
        if report.problems:
            details = "\n".join(f"• {p}" for p in report.problems[:20])
            QMessageBox.warning(self._parent, "Sync finished with problems",
                                f"{report.summary()}\n\nThese were skipped; everything else synced:\n{details}")

    def _on_raised(self, error: object) -> None:
        from qa_desktop.workspace.sync import NeedsPassword, NeedsTeamKey

        if isinstance(error, NeedsPassword):
            self._needs_password = error.label  # asked for instead of reporting a failure
        if isinstance(error, NeedsTeamKey):
            self._needs_team_key = error

    def _on_failed(self, message: str) -> None:
        if self._needs_password is not None:
            label, self._needs_password = self._needs_password, None
            self._on_needs_password(label)
            return
        if self._needs_team_key is not None:
            needs, self._needs_team_key = self._needs_team_key, None
            self._on_needs_team_key(needs)
            return
        self.last_error = message
        QMessageBox.warning(self._parent, "Sync did not run", message)

    def _on_needs_password(self, label: str) -> None:
        password, ok = QInputDialog.getText(self._parent, "Password needed",
                                            f"Password for {label} (kept in the system keyring):",
                                            QLineEdit.EchoMode.Password)
        if ok and password:
            from qa_desktop.workspace.sync import CredentialsError

            try:
                self.workspace.sync.set_password(password)
            except (CredentialsError, ValueError) as error:
                self._on_failed(str(error))
                return
            self._restart = True

    def _on_needs_team_key(self, needs: NeedsTeamKey) -> None:
        """This laptop has not joined the team yet: ask for the code another laptop shows (Add a
        laptop…), take the key, and sync again."""
        code, ok = QInputDialog.getText(
            self._parent, "Join the team",
            f"The {needs.label} is encrypted with the team key, which this laptop does not hold yet.\n\n"
            "On a laptop that already syncs with it, choose Sync > Sync settings… > Add a laptop…, then type "
            "the code it shows here:")
        if not ok or not code.strip():
            self.last_error = str(needs)
            return
        from qa_desktop.workspace.sync import CredentialsError, JoinError, NeedsPassword, StoreUnavailable

        try:
            self.workspace.sync.join(code)
        except (JoinError, StoreUnavailable, NeedsPassword, CredentialsError, OSError) as error:
            self._on_failed(str(error))
            return
        self._restart = True

    def _cleanup(self) -> None:
        self.bar.hide()
        if self._task is not None:
            self._task.deleteLater()
        self._task = None
        self.refresh_status()
        if self._restart:
            self._restart = False
            self.start()


def _when(moment: dt.datetime, today: dt.date) -> str:
    local = moment.astimezone()
    return f"today {local:%H:%M}" if local.date() == today else f"{local:%d %b %Y %H:%M}"
