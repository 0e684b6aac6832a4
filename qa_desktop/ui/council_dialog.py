"""File > Council settings: the council's details on reports and letters, and the framework's figures.

Two tabs. "Council" (any officer): name, service, protective marking, the letters' address block,
and a logo (PNG or JPEG). "Framework" (the QA lead; read-only for others, saying so): how often
each service type is visited (Figure 2) and reviewed (Figure 1), the Figure 6 bands and the
Figure 8 timescales, with "Back to the built-in framework". Save checks everything first (the
services do: ``workspace.council``); a refusal is shown in the dialog in one sentence naming the
field, and what was typed stays. What is saved syncs to the team and is in the audit trail.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from qa_desktop.domain.framework import MAX_CASES, MAX_HOURS, MAX_MONTHS
from qa_desktop.domain.roles import NotAllowed, Role
from qa_desktop.domain.service_types import ServiceType
from qa_desktop.domain.timescales import ConcernLevel
from qa_desktop.workspace import Workspace
from qa_desktop.workspace.council import CouncilSettingError, CouncilView, FrameworkError


def _spin(low: int, high: int, value: int, name: str, none: str | None = None) -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    if none is not None:
        box.setSpecialValueText(none)  # shown at the lowest value (0): no routine visit or review
    box.setValue(value)
    box.setAccessibleName(name)
    return box


class CouncilDialog(QDialog):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.setWindowTitle("Council settings")
        self.view: CouncilView = workspace.council.settings()
        self.lead = workspace.user.role is Role.QA_LEAD
        self.tabs = QTabWidget()
        self.tabs.addTab(self._council_tab(), "&Council")
        self.tabs.addTab(self._framework_tab(), "&Framework")
        self._shown_figures = self.figures()  # saved only when the lead changed one
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #a00000; font-weight: bold")
        self.error.setAccessibleName("What needs changing")
        self.error.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(720, 620)

    # -- the council's details ---------------------------------------------------------------------

    def _council_tab(self) -> QWidget:
        brand = self.view.branding
        self.council_name = QLineEdit(brand.council_name)
        self.service_name = QLineEdit(brand.service_name)
        self.marking = QLineEdit(brand.protective_marking)
        self.address = QPlainTextEdit("\n".join(brand.address_block))
        self.address.setTabChangesFocus(True)
        self.address.setMaximumHeight(self.address.fontMetrics().lineSpacing() * 10)
        self.address.setPlaceholderText("The address letters are sent from, one line per line")
        for widget, name in ((self.council_name, "Council name"), (self.service_name, "Service name"),
                             (self.marking, "Protective marking"), (self.address, "Address block for letters")):
            widget.setAccessibleName(name)
        self.logo_bytes: bytes | None = brand.logo
        self.logo_cleared = False
        self.logo_preview = QLabel()
        self.logo_preview.setMinimumSize(160, 80)
        self.logo_preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.logo_preview.setAccessibleName("Logo")
        choose = QPushButton("Choose a &logo…")
        choose.clicked.connect(lambda: self.choose_logo())
        remove = QPushButton("&No logo")
        remove.clicked.connect(self.remove_logo)
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo_preview)
        logo_row.addWidget(choose)
        logo_row.addWidget(remove)
        logo_row.addStretch(1)
        self._show_logo()
        form = QFormLayout()
        form.addRow("Council &name:", self.council_name)
        form.addRow("&Service name:", self.service_name)
        form.addRow("Protective &marking:", self.marking)
        form.addRow("&Address block for letters:", self.address)
        form.addRow("Logo:", logo_row)
        note = QLabel("Shown on every report and letter. Saved for the whole team: every laptop has it after its "
                      "next sync.")
        note.setWordWrap(True)
        form.addRow(note)
        page = QWidget()
        page.setLayout(form)
        return page

    def choose_logo(self, path: str | None = None) -> None:
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, "Choose a logo", "", "Pictures (*.png *.jpg *.jpeg)")
        if not path:
            return
        try:
            self.logo_bytes = Path(path).read_bytes()
        except OSError as error:
            self._refuse(f"logo: {error.strerror}.")
            return
        self.logo_cleared = False
        self._show_logo()

    def remove_logo(self) -> None:
        self.logo_bytes = None
        self.logo_cleared = True
        self._show_logo()

    def _show_logo(self) -> None:
        picture = QPixmap()
        if self.logo_bytes and picture.loadFromData(self.logo_bytes):
            self.logo_preview.setPixmap(picture.scaled(160, 80, Qt.AspectRatioMode.KeepAspectRatio,
                                                       Qt.TransformationMode.SmoothTransformation))
        else:
            self.logo_preview.setPixmap(QPixmap())
            self.logo_preview.setText("No logo" if not self.logo_bytes else "Not a picture")

    # -- the framework's figures -------------------------------------------------------------------

    def _framework_tab(self) -> QWidget:
        figures = self.view.framework
        self.framework_name = QLineEdit(figures.name)
        self.framework_name.setAccessibleName("Framework name")
        grid = QGridLayout()
        grid.addWidget(QLabel("<b>Service type</b>"), 0, 0)
        grid.addWidget(QLabel("<b>QA visit every (months)</b><br>Figure 2"), 0, 1)
        grid.addWidget(QLabel("<b>Compliance review every (months)</b><br>Figure 1"), 0, 2)
        self.visit_months: dict[ServiceType, QSpinBox] = {}
        self.review_months: dict[ServiceType, QSpinBox] = {}
        for row, service_type in enumerate(ServiceType, start=1):
            grid.addWidget(QLabel(service_type.label), row, 0)
            self.visit_months[service_type] = _spin(0, MAX_MONTHS, figures.visit_months.get(service_type, 0),
                                                    f"{service_type.label}: QA visit every (months)", "none")
            self.review_months[service_type] = _spin(0, MAX_MONTHS, figures.review_months.get(service_type, 0),
                                                     f"{service_type.label}: compliance review every (months)", "none")
            grid.addWidget(self.visit_months[service_type], row, 1)
            grid.addWidget(self.review_months[service_type], row, 2)
        bands = QHBoxLayout()
        self.rag_from = [_spin(1, MAX_CASES, value, f"QA cases in a year rated {word} from")
                         for value, word in zip(figures.rag_from, ("LOW", "MEDIUM", "HIGH"), strict=True)]
        for box, word in zip(self.rag_from, ("LOW from", "MEDIUM from", "HIGH from"), strict=True):
            bands.addWidget(QLabel(word))
            bands.addWidget(box)
        bands.addStretch(1)
        timescales = QGridLayout()
        timescales.addWidget(QLabel("<b>Concern level</b>"), 0, 0)
        timescales.addWidget(QLabel("<b>Shortest (hours)</b>"), 0, 1)
        timescales.addWidget(QLabel("<b>Longest (hours): the due date</b>"), 0, 2)
        self.action_hours: dict[ConcernLevel, tuple[QSpinBox, QSpinBox]] = {}
        for row, level in enumerate(ConcernLevel, start=1):
            shortest, longest = figures.action_hours[level]
            pair = (_spin(0, MAX_HOURS, shortest, f"{level.label}: shortest hours"),
                    _spin(0, MAX_HOURS, longest, f"{level.label}: longest hours"))
            self.action_hours[level] = pair
            timescales.addWidget(QLabel(level.label), row, 0)
            timescales.addWidget(pair[0], row, 1)
            timescales.addWidget(pair[1], row, 2)
        self.builtin_button = QPushButton("&Back to the built-in framework")
        self.builtin_button.clicked.connect(self.back_to_builtin)
        self.back_to_builtin_chosen = False
        who = QLabel("Changes apply to what is due at once, here and on every laptop after its next sync." if self.lead
                     else "Only the QA lead can change these figures; they are shown here as they apply.")
        who.setWordWrap(True)
        inner = QVBoxLayout()
        name_row = QFormLayout()
        name_row.addRow("Framework &name:", self.framework_name)
        inner.addLayout(name_row)
        inner.addWidget(who)
        inner.addLayout(grid)
        inner.addWidget(QLabel("<b>Figure 6</b>: QA cases in a year for each risk rating"))
        inner.addLayout(bands)
        inner.addWidget(QLabel("<b>Figure 8</b>: time to complete an action"))
        inner.addLayout(timescales)
        inner.addWidget(self.builtin_button)
        inner.addStretch(1)
        content = QWidget()
        content.setLayout(inner)
        content.setEnabled(self.lead)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        return scroll

    def figures(self) -> dict[str, Any]:
        """The figures as typed, in the stored form (checked by the service on save)."""
        return {
            "name": self.framework_name.text(),
            "figure_1_review_months": {t.value: box.value() or None for t, box in self.review_months.items()},
            "figure_2_visit_months": {t.value: box.value() or None for t, box in self.visit_months.items()},
            "figure_6_rag_from": dict(zip(("low", "medium", "high"), (b.value() for b in self.rag_from), strict=True)),
            "figure_8_action_hours": {level.value: [pair[0].value(), pair[1].value()]
                                      for level, pair in self.action_hours.items()},
        }

    def back_to_builtin(self) -> None:
        self.back_to_builtin_chosen = True
        self.builtin_button.setText("The built-in framework will be used (Save)")
        self.builtin_button.setEnabled(False)

    # -- saving ------------------------------------------------------------------------------------

    def _refuse(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def save(self) -> None:
        """Save what changed; on a refusal say why in the dialog and keep everything typed."""
        brand = self.view.branding
        details: dict[str, Any] = {}
        for name, typed, before in (("council_name", self.council_name.text(), brand.council_name),
                                    ("service_name", self.service_name.text(), brand.service_name),
                                    ("protective_marking", self.marking.text(), brand.protective_marking),
                                    ("address_block", self.address.toPlainText(), "\n".join(brand.address_block))):
            if typed.strip() != before.strip():
                details[name] = typed
        if self.logo_bytes and self.logo_bytes != brand.logo:
            details["logo"] = self.logo_bytes
        clear = frozenset({"logo"}) if self.logo_cleared and brand.logo else frozenset()
        try:
            if details or clear:
                self.view = self.workspace.council.set_details(**details, clear=clear).value
            if self.lead and self.back_to_builtin_chosen:
                self.view = self.workspace.council.set_framework(None).value
            elif self.lead and self.figures() != self._shown_figures:
                self.view = self.workspace.council.set_framework(self.figures()).value
        except (CouncilSettingError, FrameworkError, NotAllowed) as error:
            self._refuse(str(error))
            return
        self.accept()
