"""The placement check of the selected provider (Placement check… on its page): the one sentence
that matters first, then every matter with its weight, and "Save as PDF…" for the one printed page
the Access to Resources team keeps (``workspace.oversight.placement_check``).

The check is read again when a change touches the provider (an embargo issued while it is open
shows at once); the weight is said in words as well as in colour.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QFileDialog, QHBoxLayout, QLabel, QMessageBox, QPushButton, QVBoxLayout, QWidget

from qa_desktop.ui.change_hub import ChangeHub
from qa_desktop.ui.file_names import safe_file_name, start_folder
from qa_desktop.ui.palette import warning_colour
from qa_desktop.ui.rows_model import Column, RowsModel, table_view
from qa_desktop.workspace import COUNCIL, OpChanges, Workspace
from qa_desktop.workspace.oversight import CheckLine, PlacementCheck, Weight

COLUMNS: list[Column[CheckLine]] = [
    Column("Weight", lambda line: line.weight.label, sort=lambda line: list(Weight).index(line.weight)),
    Column("About", lambda line: line.topic),
    Column("What QA holds", lambda line: line.words, tooltip=lambda line: line.words),
]


def _flag(line: CheckLine) -> str | None:
    return {Weight.STOP: "stops a placement", Weight.CONCERN: "a concern"}.get(line.weight)


class PlacementCheckDialog(QDialog):
    def __init__(self, workspace: Workspace, hub: ChangeHub, provider_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.provider_id = provider_id
        self.setWindowTitle("Placement check")
        self.setAccessibleName("Placement check")
        self.resize(1000, 560)
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 15pt; font-weight: bold")
        self.facts = QLabel()
        self.facts.setWordWrap(True)
        self.headline = QLabel()
        self.headline.setWordWrap(True)
        self.headline.setAccessibleName("What the check found")
        self.model: RowsModel[CheckLine] = RowsModel(COLUMNS, self, flag=_flag)
        self.view = table_view(self.model, "Matters checked")
        self.view.setWordWrap(True)
        self.pdf_button = QPushButton("Save as &PDF for Access to Resources…")
        self.pdf_button.clicked.connect(lambda: self.save_pdf())
        close = QPushButton("&Close")
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.pdf_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.facts)
        layout.addWidget(self.headline)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.check: PlacementCheck | None = None
        self.refresh()
        hub.changed.connect(self._on_changes)

    def refresh(self) -> None:
        check = self.workspace.oversight.placement_check(self.provider_id)
        self.check = check
        self.title.setText(f"{check.provider}" + (f"  ·  URN {check.urn}" if check.urn else ""))
        self.facts.setText(" · ".join(part for part in (check.service_type, check.regulator, check.owner,
                                                         check.address) if part)
                           + f"\nChecked {check.checked_on:%d %B %Y} by {check.checked_by}")
        if check.stops:
            colour, words = warning_colour().name(), "DO NOT PLACE without the senior manager's agreement. "
        elif check.concerns:
            colour, words = "#8a5a00", "PLACE ONLY WITH CARE. "
        else:
            colour, words = "#1b6e1b", ""
        self.headline.setText(words + check.headline)
        self.headline.setStyleSheet(f"font-size: 12pt; font-weight: bold; color: {colour}; border: 2px solid {colour};"
                                    " padding: 8px")
        self.model.set_rows(check.lines)
        self.view.resizeColumnsToContents()
        self.view.setColumnWidth(2, max(self.view.columnWidth(2), 600))
        self.view.resizeRowsToContents()

    def _on_changes(self, changes: OpChanges) -> None:
        if changes.touches_provider(self.provider_id) or COUNCIL in changes.named:  # due and rating by the figures
            self.refresh()

    def save_pdf(self, path: str | None = None) -> Path | None:
        """The check as one printed page; opened afterwards so it can be printed."""
        check = self.check
        if check is None:
            return None
        asked = path is None
        if path is None:
            name = safe_file_name(f"Placement check {check.urn or check.provider} {check.checked_on:%Y-%m-%d}", ".pdf")
            path, _ = QFileDialog.getSaveFileName(self, "Save the placement check", str(Path(start_folder()) / name),
                                                  "PDF (*.pdf)")
            if not path:
                return None
        target = Path(path) if Path(path).suffix.lower() == ".pdf" else Path(f"{path}.pdf")
        try:
            written = self.workspace.oversight.placement_check_pdf(check, target)
        except OSError as error:
            QMessageBox.warning(self, "Not saved", f"{target} could not be written: {error.strerror or error}")
            return None
        if asked:  # chosen in the dialog: open it, to print
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(written)))
        return written
