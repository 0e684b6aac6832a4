"""The officer's review of a Young Inspector's form: read it through with them, then accept it
into the visit. Their answers are shown as they gave them (faces in words) and cannot be edited
here; if something is missing, the laptop goes back to the Young Inspector."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from qa_desktop.domain.visits import VisitRuleError
from qa_desktop.ui.palette import warning_style
from qa_desktop.workspace import Workspace
from qa_desktop.workspace.visits import StoreBusy, YoungInspectorSession, answer_text


def form_as_html(form: YoungInspectorSession) -> str:
    parts = []
    for section in form.pages():
        parts.append(f"<h3>{escape(section.title)}</h3><ul>")
        for item in form.checklist.visible_items(section):
            value = form.checklist.answer(item.key)
            words = "<i>not answered</i>" if value is None else escape(answer_text(item, value)[0])
            parts.append(f"<li><b>{escape(item.label)}</b><br>{words}</li>")
        parts.append("</ul>")
    return "".join(parts)


class YoungInspectorReview(QDialog):
    accepted_form = Signal()

    def __init__(self, workspace: Workspace, visit_id: str, form: YoungInspectorSession, officers: list[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace, self.visit_id, self.form = workspace, visit_id, form
        self.setWindowTitle("Review the Young Inspector's form")
        self.answers = QTextBrowser()
        self.answers.setAccessibleName("The Young Inspector's answers")
        self.answers.setHtml(form_as_html(form))
        self.officer = QComboBox()
        self.officer.setEditable(True)
        self.officer.addItems(officers)
        self.officer.setAccessibleName("Officer accepting the form")
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(warning_style())
        self.error.setAccessibleName("Problem")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.accept_button = buttons.addButton("&Accept into the visit", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept_form)
        buttons.rejected.connect(self.reject)
        form_layout = QFormLayout()
        form_layout.addRow("Accepted &by:", self.officer)
        layout = QVBoxLayout(self)
        if form.accepted_by:
            layout.addWidget(QLabel(f"Accepted by {escape(form.accepted_by)}."))
            self.accept_button.setEnabled(False)
        layout.addWidget(QLabel(f"<b>{escape(form.place)}</b>, {form.visit_date:%d %B %Y}"))
        layout.addWidget(self.answers, 1)
        layout.addLayout(form_layout)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(640, 720)

    def accept_form(self) -> None:
        try:
            self.workspace.visits.accept_young_inspector_form(self.visit_id, self.officer.currentText())
        except (VisitRuleError, StoreBusy) as error:
            self.error.setText(str(error))  # the dialog stays open; nothing is changed
            return
        self.accepted_form.emit()
        self.accept()
