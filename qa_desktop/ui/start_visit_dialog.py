"""Starting a visit: setting, date, level, announced or not, officers, reason (Section 11).

The rules are the visit service's (``ws.visits.start``, with ``check_officers``): an unannounced visit
with fewer than two officers is refused there, and the refusal is shown in the dialog, which stays
open with everything typed, so the officer adds the second name and presses Start again.

An embargo in force on the chosen setting's provider, the property itself or the provider's foster
carers is shown at the top in a bordered warning box, in words ("FORMAL EMBARGO on …"), whenever the
setting or the date changes. It warns rather than refuses: a visit to an embargoed provider is often
exactly what is needed (Section 12).
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from qa_desktop.domain.visits import VisitLevel, VisitReason, VisitRuleError
from qa_desktop.ui.palette import warning_colour, warning_style
from qa_desktop.ui.typed_dates import date_problems, day_edit
from qa_desktop.ui.visit_kind import UnannouncedPresets
from qa_desktop.workspace import Workspace


class OfficerPicker(QComboBox):
    """An officer's name, picked from the team list (synced, the same on every laptop) with the
    keyboard: type the first letters and choose. Reads like the line it replaced (``text``)."""

    def __init__(self, team: list[str], name: str, accessible: str, hint: str = "") -> None:
        super().__init__()
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setAccessibleName(accessible)
        self.addItems(team)
        finder = QCompleter(team, self)
        finder.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        finder.setFilterMode(Qt.MatchFlag.MatchContains)
        self.setCompleter(finder)
        typing = self.lineEdit()
        if typing is not None and hint:
            typing.setPlaceholderText(hint)
        self.setText(name)

    def text(self) -> str:
        return self.currentText()

    def setText(self, name: str) -> None:  # noqa: N802 (as QLineEdit's)
        at = self.findText(name, Qt.MatchFlag.MatchFixedString) if name else -1
        if at >= 0:
            self.setCurrentIndex(at)
        else:
            self.setCurrentIndex(-1)
            self.setEditText(name)


class StartVisitDialog(QDialog):
    def __init__(self, workspace: Workspace, *, provider_id: str | None = None, today: dt.date | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.visit_id: str | None = None
        self.setWindowTitle("Start a visit")

        self.setting = QComboBox()
        self.setting.setAccessibleName("Setting")
        for choice in workspace.visits.settings_to_visit(provider_id):
            self.setting.addItem(choice.label, choice.id)
        # thousands of settings: type any part of the name, owner, town or postcode to narrow the list
        self.setting.setEditable(True)
        self.setting.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        typing = self.setting.lineEdit()
        if typing is not None:
            typing.setPlaceholderText("Type part of the name, town or postcode")
        finder = QCompleter(self.setting.model(), self.setting)
        finder.setFilterMode(Qt.MatchFlag.MatchContains)
        finder.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        finder.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        finder.setMaxVisibleItems(12)
        self.setting.setCompleter(finder)
        if provider_id is None and self.setting.count() > 1:
            self.setting.setCurrentIndex(-1)  # nothing chosen for the officer: they type to find it
            self.setting.setEditText("")
        self.date = day_edit(today or workspace.clock.today(), "Visit date")
        self.level = QComboBox()
        self.level.setAccessibleName("Visit level")
        for level in VisitLevel:
            self.level.addItem(level.label, level.value)  # Qt hands a StrEnum back as plain text
        self.announced = QRadioButton("&Announced")
        self.unannounced = QRadioButton("&Unannounced (two officers)")
        self.announced.setChecked(True)
        kind = QButtonGroup(self)
        kind.addButton(self.announced)
        kind.addButton(self.unannounced)
        self.team = [member.name for member in workspace.admin.team()]
        self.officer_one = OfficerPicker(self.team, workspace.user.name, "First officer")
        self.officer_two = OfficerPicker(self.team, "", "Second officer", "needed for an unannounced visit")
        self.reason = QComboBox()
        self.reason.setAccessibleName("Reason for the visit")
        for reason in VisitReason:
            self.reason.addItem(reason.label, reason.value)
        self.presets = UnannouncedPresets(self.unannounced, self.reason, self.level)  # "Concern raised"
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(warning_style())
        self.error.setAccessibleName("Problem")
        self.error.hide()
        self.embargo = QLabel()
        self.embargo.setWordWrap(True)
        self.embargo.setAccessibleName("Embargo warning")
        self.embargo.setStyleSheet(f"{warning_style()}; border: 2px solid {warning_colour().name()}; padding: 6px")
        self.embargo.hide()

        kinds = QHBoxLayout()
        kinds.addWidget(self.announced)
        kinds.addWidget(self.unannounced)
        form = QFormLayout()
        form.addRow("&Setting:", self.setting)
        form.addRow("&Date:", self.date)
        form.addRow("&Level:", self.level)
        form.addRow("Visit:", kinds)
        form.addRow("Officer &1:", self.officer_one)
        form.addRow("Officer &2:", self.officer_two)
        form.addRow("&Reason:", self.reason)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Start visit")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.embargo)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        if self.setting.count() == 0:
            self._show_error("There are no settings in the register yet: import providers first.")
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        self.setting.currentIndexChanged.connect(self._check_embargo)
        self.setting.currentTextChanged.connect(lambda _text: self._check_embargo())
        self.date.dateChanged.connect(self._check_embargo)
        self._check_embargo()

    def chosen_setting(self) -> str | None:
        """The setting whose name is in the box (typed or picked), or None."""
        typed = self.setting.currentText().strip()
        at = self.setting.findText(typed, Qt.MatchFlag.MatchFixedString) if typed else -1
        return self.setting.itemData(at) if at >= 0 else None

    def _check_embargo(self) -> None:
        setting_id = self.chosen_setting()
        warnings: list[str] = []
        if setting_id:  # in force on the day chosen, which need not be today
            warnings = self.workspace.oversight.embargo_warnings(setting_id, self._day())
        self.embargo.setText("⚠ " + "\n⚠ ".join(warnings) if warnings else "")
        self.embargo.setVisible(bool(warnings))

    def _day(self) -> dt.date:
        chosen = self.date.date()
        return dt.date(chosen.year(), chosen.month(), chosen.day())

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def _not_on_team(self) -> tuple[OfficerPicker, str] | None:
        """An officer's name typed that is not on the team list (a typo makes a new person)."""
        if not self.team:
            return None  # no team list yet (a new laptop before its first sync): names as typed
        known = {" ".join(n.split()).casefold() for n in self.team}
        for picker in (self.officer_one, self.officer_two):
            name = " ".join(picker.text().split())
            if name and name.casefold() not in known:
                return picker, name
        return None

    def accept(self) -> None:
        for field, problem in date_problems(self):  # 31/11/2026: refused in words, nothing started
            self._show_error(f"{field.accessibleName()}: {problem}")  # the field keeps what was typed
            return
        stranger = self._not_on_team()
        if stranger is not None:
            picker, name = stranger
            which = "Officer 1" if picker is self.officer_one else "Officer 2"
            self._show_error(f"{which}: \u201c{name}\u201d is not on the team list. Choose a name from the list, "
                             "or add them to the team first (File > Team and user…).")
            picker.setFocus()
            return
        setting_id = self.chosen_setting()
        if setting_id is None:
            typed = self.setting.currentText().strip()
            self._show_error(f"Setting: no setting is called \u201c{typed}\u201d; type part of its name, town or "
                             "postcode and choose it from the list." if typed else
                             "Setting: type part of the setting's name, town or postcode and choose it from the list.")
            self.setting.setFocus()
            return
        try:
            self.visit_id = self.workspace.visits.start(
                setting_id=setting_id, visit_date=self._day(),
                level=VisitLevel(self.level.currentData()), announced=self.announced.isChecked(),
                officers=[self.officer_one.text(), self.officer_two.text()],
                reason=VisitReason(self.reason.currentData())).value
        except VisitRuleError as error:
            self._show_error(str(error))
            (self.officer_two if "officer" in str(error).lower() else self.setting).setFocus()
            return
        super().accept()
