"""Before the laptop goes to a Young Inspector: who they are, the officer's unlock PIN, and what to
close first; and withdrawing a Young Inspector form with the reason (issue 16, item 6)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from qa_desktop.domain.visits import VisitRuleError
from qa_desktop.safe_text import ControlCharacters
from qa_desktop.ui.palette import warning_style
from qa_desktop.workspace import Workspace
from qa_desktop.workspace.hand_over import UnlockError
from qa_desktop.workspace.visits import StoreBusy, WithdrawalReason

BEFORE = ("Before you hand over: close any other program that shows the visit (a report open in a PDF "
          "viewer, your e-mail). QA Desktop hides all of its own windows until you unlock with your PIN.")


class HandOverDialog(QDialog):
    """Choose (or add) the Young Inspector and make sure the officer has an unlock PIN; ``chosen``
    then holds the Young Inspector's id."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.chosen: str | None = None
        self.setWindowTitle("Hand over to a Young Inspector")
        self.who = QComboBox()
        self.who.setAccessibleName("Young Inspector")
        self.new_name = QLineEdit()
        self.new_name.setAccessibleName("A new Young Inspector's name")
        self.new_name.setPlaceholderText("Or type a new name (a first name is enough)")
        add = QPushButton("&Add")
        add.setAccessibleName("Add this Young Inspector to the list")
        add.clicked.connect(self.add_young_inspector)
        self.has_secret = workspace.hand_over.unlock_is_set()
        self.change = QCheckBox("Choose a new unlock PIN or password")
        self.change.setVisible(self.has_secret)
        self.secret = QLineEdit()
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setAccessibleName("Your unlock PIN or password")
        self.again = QLineEdit()
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        self.again.setAccessibleName("Your unlock PIN or password again")
        for field in (self.secret, self.again):
            field.setEnabled(not self.has_secret)
        self.change.toggled.connect(self.secret.setEnabled)
        self.change.toggled.connect(self.again.setEnabled)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(warning_style())
        self.error.setAccessibleName("Problem")
        new_row = QHBoxLayout()
        new_row.addWidget(self.new_name, 1)
        new_row.addWidget(add)
        form = QFormLayout()
        form.addRow("&Young Inspector:", self.who)
        form.addRow("", new_row)
        form.addRow("", self.change)
        form.addRow("Your unlock &PIN or password:", self.secret)
        form.addRow("The same &again:", self.again)
        note = QLabel("Only this PIN (6 digits or more) or password (8 characters or more) brings your screens "
                       "back. It is kept on this laptop, scrambled (hashed), never as typed.\n\n" + BEFORE)
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.go_button = buttons.addButton("&Hand over", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.hand_over)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self._fill()

    def _fill(self, select: str | None = None) -> None:
        self.who.clear()
        for person in self.workspace.hand_over.young_inspectors():
            self.who.addItem(person.name, person.id)
            if person.id == select:
                self.who.setCurrentIndex(self.who.count() - 1)

    def add_young_inspector(self) -> None:
        try:
            added = self.workspace.hand_over.add_young_inspector(self.new_name.text()).value
        except (VisitRuleError, ControlCharacters, StoreBusy) as error:
            self.error.setText(str(error))
            return
        self.new_name.clear()
        self.error.clear()
        self._fill(added)

    def hand_over(self) -> None:
        if self.new_name.text().strip():
            self.add_young_inspector()
            if self.error.text():
                return
        if self.who.currentData() is None:
            self.error.setText("Choose the Young Inspector, or type their name and press Add.")
            return
        if not self.has_secret or self.change.isChecked():
            if self.secret.text() != self.again.text():
                self.error.setText("The two PINs are not the same: type it again in both boxes.")
                return
            try:
                self.workspace.hand_over.set_unlock(self.secret.text())
            except (UnlockError, ControlCharacters) as error:
                self.error.setText(str(error))  # what was typed stays
                return
        self.chosen = self.who.currentData()
        self.accept()


class WithdrawDialog(QDialog):
    """An officer withdraws the visit's Young Inspector form, with the reason (an opt-out, nobody
    free): recorded, synced and audited; the visit can then complete without it."""

    def __init__(self, workspace: Workspace, visit_id: str, officers: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace, self.visit_id = workspace, visit_id
        self.setWindowTitle("Withdraw the Young Inspector form")
        self.reasons = QButtonGroup(self)
        reasons = QVBoxLayout()
        for reason in WithdrawalReason:
            button = QRadioButton(reason.label)
            button.setProperty("reason", reason.value)
            self.reasons.addButton(button)
            reasons.addWidget(button)
        self.reasons.buttons()[0].setChecked(True)
        self.detail = QPlainTextEdit()
        self.detail.setAccessibleName("Details (kept in the record, not put in the report)")
        self.detail.setTabChangesFocus(True)
        self.officer = QComboBox()
        self.officer.setEditable(True)
        self.officer.addItems(officers)
        self.officer.setAccessibleName("Officer withdrawing the form")
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(warning_style())
        self.error.setAccessibleName("Problem")
        form = QFormLayout()
        form.addRow("Why:", reasons)
        form.addRow("&Details:", self.detail)
        form.addRow("Withdrawn &by:", self.officer)
        note = QLabel("Answers already given are kept. The visit report will say a Young Inspector was due to take "
                      "part but did not; the details stay in the visit's record.")
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.withdraw_button = buttons.addButton("&Withdraw the form", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.withdraw)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def withdraw(self) -> None:
        checked = self.reasons.checkedButton()
        if checked is None:
            self.error.setText("Choose why the form is withdrawn.")
            return
        reason = WithdrawalReason(checked.property("reason"))
        try:
            self.workspace.visits.withdraw_young_inspector_form(
                self.visit_id, reason=reason, detail=self.detail.toPlainText(), officer=self.officer.currentText())
        except (VisitRuleError, ControlCharacters, StoreBusy) as error:
            self.error.setText(str(error))  # nothing changed; what was typed stays
            return
        self.accept()
