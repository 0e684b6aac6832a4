"""Sync settings: the team's shared folder, or a PostgreSQL server; and the team key.

Passwords go to the system keyring (``workspace.sync``) when OK is pressed and are never shown again
or written to the settings file; leaving a password box empty keeps the stored one. The team key is
never shown at all: "Add a laptop…" makes a one-time code (and an invitation in the shared store, or
a key file for a USB stick) for a laptop joining the team; "Join the team…" takes the key with such
a code. Both need nothing from IT.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from qa_desktop.workspace import Workspace
from qa_desktop.workspace.sync import (
    FOLDER,
    POSTGRESQL,
    CredentialsError,
    Invitation,
    JoinError,
    NeedsPassword,
    NeedsTeamKey,
    StoreUnavailable,
    SyncSettings,
)


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
        self.add_laptop_button = QPushButton("&Add a laptop…")
        self.add_laptop_button.setAccessibleName("Add a laptop to the team")
        self.add_laptop_button.clicked.connect(lambda: self.add_laptop())
        self.join_button = QPushButton("&Join the team…")
        self.join_button.setAccessibleName("Join the team with a code")
        self.join_button.clicked.connect(lambda: self.join_team())
        self.join_file_button = QPushButton("Join with a &key file…")
        self.join_file_button.setAccessibleName("Join the team with a key file and its code")
        self.join_file_button.clicked.connect(self._join_with_file)
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
        explained = QLabel("Everything in the shared store is encrypted with the team key, which only the team's "
                           "laptops hold. A new laptop joins with a one-time code from a laptop that has it.")
        explained.setWordWrap(True)
        form.addRow(explained)
        team_row = QHBoxLayout()
        team_row.addWidget(self.add_laptop_button)
        team_row.addWidget(self.join_button)
        team_row.addWidget(self.join_file_button)
        team_row.addStretch(1)
        form.addRow("Team key:", team_row)
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
            self.workspace.sync.save_settings(self.settings(), password=self.password.text() or None)
        except (ValueError, CredentialsError, OSError) as error:
            QMessageBox.warning(self, "Sync settings", str(error))
            return
        finally:
            self.password.clear()
        super().accept()

    def add_laptop(self, key_file: str | None = None, *, ask: bool = True) -> Invitation | None:
        """Make a one-time code for a laptop joining the team and show it (with the invitation in the
        shared store; or, when the officer chooses, in a key file for a USB stick)."""
        if ask and key_file is None:
            choice = QMessageBox.question(
                self, "Add a laptop",
                "Put the invitation in the shared store (the new laptop must reach it)?\n\nChoose No to write it "
                "to a key file instead, for a USB stick.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No | QMessageBox.StandardButton.Cancel)
            if choice == QMessageBox.StandardButton.Cancel:
                return None
            if choice == QMessageBox.StandardButton.No:
                key_file, _ = QFileDialog.getSaveFileName(self, "Write the key file", "qa-desktop-team.qakey",
                                                          "QA Desktop key files (*.qakey)")
                if not key_file:
                    return None
        try:
            made = self.workspace.sync.add_laptop(Path(key_file) if key_file else None).value
        except (StoreUnavailable, NeedsTeamKey, NeedsPassword, CredentialsError, OSError) as error:
            QMessageBox.warning(self, "Add a laptop", str(error))
            return None
        where = (f"The key file is {made.key_file}. Take it to the new laptop; there, choose "
                 "Sync > Sync settings… > Join with a key file… and pick the file." if made.key_file else
                 "On the new laptop choose the same shared store, then Sync > Sync settings… > Join the team….")
        self.last_code = made.code
        QMessageBox.information(self, "Add a laptop",
                                f"Code: {made.code}\n\n{where}\n\nTell the officer the code; do not write it on "
                                f"the stick or send it with the file. It works once, until "
                                f"{made.expires.astimezone():%d %b %Y %H:%M}.")
        return made

    def _join_with_file(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, "The key file from the other laptop", "",
                                                "QA Desktop key files (*.qakey);;All files (*)")
        if chosen:
            self.join_team(key_file=chosen)

    def join_team(self, code: str | None = None, key_file: str | None = None) -> bool:
        """Take the team key with the code shown on a laptop of the team (and its key file, if any)."""
        if code is None:
            code, ok = QInputDialog.getText(self, "Join the team",
                                            "Code shown on the laptop that added this one (e.g. 7KQ2-M9XD-4PTA):")
            if not ok or not code.strip():
                return False
        try:
            label = self.workspace.sync.join(code, Path(key_file) if key_file else None).value
        except (JoinError, StoreUnavailable, NeedsPassword, CredentialsError, OSError) as error:
            QMessageBox.warning(self, "Join the team", str(error))
            return False
        QMessageBox.information(self, "Join the team", f"This laptop now holds the team key of the {label}.")
        return True


def _stored(check: Callable[[], bool]) -> bool:
    """Whether a secret is in the keyring; a keyring that cannot be read is said on OK, not here."""
    try:
        return check()
    except CredentialsError:
        return False
