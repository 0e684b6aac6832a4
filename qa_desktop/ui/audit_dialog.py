"""The audit trail of a visit or a provider, read-only: who changed what and when, on which device.

"When" is the time by the clock of the laptop that made the change (``services.audit``); the rows
are in the order the changes were made, which the sync clock keeps right even where a laptop's
clock was wrong."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from qa_desktop.ui.rows_model import Column, RowsModel, table_view
from qa_desktop.workspace.register import AuditLine

AUDIT_COLUMNS = (
    Column[AuditLine]("When", lambda a: a.when_words(), sort=lambda a: a.order),
    Column[AuditLine]("Who", lambda a: a.who),
    Column[AuditLine]("Laptop", lambda a: a.device),
    Column[AuditLine]("What", lambda a: a.what),
    Column[AuditLine]("Field", lambda a: a.label or a.field),
    Column[AuditLine]("Value", lambda a: a.words or a.value, tooltip=lambda a: a.words or a.value),
)


class AuditDialog(QDialog):
    def __init__(self, title: str, lines: list[AuditLine], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Audit trail: {title}")
        self.model = RowsModel(AUDIT_COLUMNS, self)
        self.model.set_rows(lines)
        self.view = table_view(self.model, "Audit trail")
        self.view.resizeColumnsToContents()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        note = QLabel(f"{len(lines)} changes, newest first. The trail is kept for every change on every laptop and "
                      "cannot be edited. Times are by the clock of the laptop that made the change"
                      + ("; \"about\" marks a change made before that was recorded, timed by the sync clock."
                         if any(a.estimated for a in lines) else "."))
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        self.resize(1000, 600)
