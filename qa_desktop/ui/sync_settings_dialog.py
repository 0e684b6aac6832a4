"""Sync settings: the team's shared folder, or a PostgreSQL server; and the team's sync key.

Passwords and the key go to the system keyring (``workspace.sync``) when OK is pressed and are
never shown again or written to the settings file; leaving a password box empty keeps the stored one.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from qa_desktop.workspace import Workspace
from qa_desktop.workspace.sync import FOLDER, POSTGRESQL, CredentialsError, SyncSettings


class SyncSettingsDialog(QDialog):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.setWindowTitle("Sync settings")
        sync = workspace.sync
        try:
            current = sync.settings()
        except ValueError as error:
            QMessageBox.warning(self, "Sync settings", str(error))
            current = sync.default_settings()

        self.use_folder = QRadioButton("A shared &folder (network drive, synced folder or USB stick)")
        self.use_postgres = QRadioButton("A &PostgreSQL server (larger teams)")
        group = QButtonGroup(self)
        group.addButton(self.use_folder)
        group.addButton(self.use_postgres)
        self.folder = QLineEdit(current.folder or "")
        self.folder.setAccessibleName("Shared folder")
        browse = QPushButton("&Browse…")
        browse.clicked.connect(self._browse)
        self.url = QLineEdit(current.url or "", placeholderText="postgresql://user@server:5432/database")
        self.url.setAccessibleName("PostgreSQL address")
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("PostgreSQL password")
        self.team_key = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.team_key.setAccessibleName("Team sync key")
        self.team_key.setPlaceholderText("stored in the keyring" if _stored(sync.has_team_key) else "optional")
        (self.use_postgres if current.kind == POSTGRESQL else self.use_folder).setChecked(True)
        if current.kind == POSTGRESQL and current.url and _stored(lambda: sync.has_password(current)):
            self.password.setPlaceholderText("stored in the keyring")

        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        form = QFormLayout()
        form.addRow(self.use_folder)
        form.addRow("Folder:", folder_row)
        form.addRow(self.use_postgres)
        form.addRow("Address:", self.url)
        form.addRow("Password:", self.password)
        form.addRow(QLabel("The team's sync key signs shared files and bundles, so a file changed outside "
                           "QA Desktop is refused. Every laptop of the team needs the same key."))
        form.addRow("Team sync key:", self.team_key)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.use_folder.toggled.connect(self._enable)
        self._enable()

    def _enable(self) -> None:
        folder = self.use_folder.isChecked()
        self.folder.setEnabled(folder)
        for widget in (self.url, self.password):
            widget.setEnabled(not folder)

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Choose the team's shared folder", self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    def settings(self) -> SyncSettings:
        if self.use_folder.isChecked():
            return SyncSettings(FOLDER, self.folder.text())
        return SyncSettings(POSTGRESQL, url=self.url.text())

    def accept(self) -> None:
        """Check, store the secrets in the keyring, save; on a problem say what and keep the dialog open.
        An empty password or key box keeps the one stored."""
        try:
            self.workspace.sync.save_settings(self.settings(), password=self.password.text() or None,
                                              team_key=self.team_key.text() or None)
        except (ValueError, CredentialsError, OSError) as error:
            QMessageBox.warning(self, "Sync settings", str(error))
            return
        finally:
            self.password.clear()
            self.team_key.clear()
        super().accept()


def _stored(check: Callable[[], bool]) -> bool:
    """Whether a secret is in the keyring; a keyring that cannot be read is said on OK, not here."""
    try:
        return check()
    except CredentialsError:
        return False
