"""First run on a laptop, in the window: who uses it (name and role, recorded with every change) and
the team list the visit forms pick officers from (synced, so every laptop has the same names).

A new laptop used to show "root (QA officer)" until someone ran ``qa-desktop user`` in a terminal.
Here the officer types their name, says whether they are the QA lead, and adds or checks the
team's names; the same dialog is Team and user… on the File menu later.
"""

from __future__ import annotations

import getpass

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from qa_desktop.domain.roles import Role
from qa_desktop.ui.palette import warning_style
from qa_desktop.workspace import Workspace
from qa_desktop.workspace.admin import TeamError


class SetupDialog(QDialog):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None, *, first_run: bool = False) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.setWindowTitle("Welcome to QA Desktop" if first_run else "Team and user")
        user = workspace.user
        # the computer's account name ("root") is no one's name: asked for, not offered
        unset = first_run and workspace.admin.needs_setup() and user.name == getpass.getuser()
        #: No one has said who uses this laptop yet: an officer added to the team now would be recorded
        #: as added by the computer's account (``add_member`` sets the name first).
        self._unset = unset
        self.name = QLineEdit("" if unset else user.name)
        self.name.setPlaceholderText("Your name as it should appear on visits and reports")
        self.name.setAccessibleName("Your name")
        self.role = QComboBox()
        self.role.setAccessibleName("Your role")
        for role in (Role.QA_OFFICER, Role.QA_LEAD):
            self.role.addItem(role.label, role.value)
        self.role.setCurrentIndex(max(self.role.findData(user.role.value), 0))
        self.members = QListWidget()
        self.members.setAccessibleName("The QA team")
        self.new_member = QLineEdit()
        self.new_member.setPlaceholderText("Another officer's name")
        self.new_member.setAccessibleName("Officer to add")
        self.new_member.installEventFilter(self)  # Enter adds the officer (``eventFilter``)
        add = QPushButton("&Add to the team")
        add.clicked.connect(self.add_member)
        self.remove_button = QPushButton("&Remove")
        self.remove_button.clicked.connect(self.remove_member)
        self.error = QLabel()
        self.error.setStyleSheet(warning_style())
        self.error.setWordWrap(True)
        self.error.hide()
        intro = QLabel("Your name is recorded with every change you make, and printed on reports. The team list is "
                       "shared with every laptop when you sync; the officer boxes of a visit choose from it, so "
                       "each officer is one name everywhere." if first_run else
                       "Who uses this laptop, and the team the visit forms choose officers from (shared by sync).")
        intro.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Your &name:", self.name)
        form.addRow("Your &role:", self.role)
        adding = QHBoxLayout()
        adding.addWidget(self.new_member, 1)
        adding.addWidget(add)
        adding.addWidget(self.remove_button)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(QLabel("<b>The QA team</b>"))
        layout.addWidget(self.members, 1)
        layout.addLayout(adding)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(520, 460)
        self.show_team()

    def show_team(self) -> None:
        self.members.clear()
        for member in self.workspace.admin.team():
            entry = QListWidgetItem(f"{member.name} ({member.role.label})")
            entry.setData(Qt.ItemDataRole.UserRole, member.id)
            self.members.addItem(entry)

    def _say(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        """Enter in "Another officer's name" adds them and nothing more: the line edit passed the key
        on to the dialog, whose Save closed it after each name (walk6)."""
        if watched is self.new_member and event.type() == QEvent.Type.KeyPress and \
                isinstance(event, QKeyEvent) and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.add_member()
            return True
        return super().eventFilter(watched, event)

    def add_member(self) -> None:
        if self._unset:
            # who adds them is recorded with the change: the officer's name first, not the computer's
            # account name (walk6: the team's first names came to the other laptops "from root")
            name = " ".join(self.name.text().split())
            if not name:
                self._say("Your name: type it first; it is recorded with every officer you add.")
                self.name.setFocus()
                return
            # the laptop is set up from here on, so a Cancel now must not leave its officer off the list (review6)
            if not self._become(name):
                return
            self._unset = False
        try:
            self.workspace.admin.add_team_member(self.new_member.text())
        except ValueError as error:  # TeamError, or control characters pasted into the name
            self._say(str(error))
            return
        self._say("")
        self.new_member.clear()
        self.show_team()

    def remove_member(self) -> None:
        if self.members.currentRow() < 0:
            return
        entry = self.members.currentItem()
        try:
            self.workspace.admin.remove_team_member(entry.data(Qt.ItemDataRole.UserRole))
        except TeamError as error:
            self._say(str(error))
        self.show_team()

    def accept(self) -> None:
        name = " ".join(self.name.text().split())
        if not name:
            self._say("Your name: type it as it should appear on visits and reports.")
            self.name.setFocus()
            return
        if self._become(name):
            super().accept()

    def _become(self, name: str) -> bool:
        """This laptop's officer from now on, and on the team the forms pick from; False (said in
        words) when refused: a TeamError, or control characters pasted into the name."""
        role = Role(self.role.currentData())
        try:
            self.workspace.admin.set_user(name, role)
            self.workspace.admin.add_team_member(name, role)
        except ValueError as error:
            self._say(str(error))
            return False
        return True
