"""Help > About: the version, the database schema, the data folder and the log file, for a support
call (``qa-desktop --version`` prints the same)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from qa_desktop.workspace import Workspace


class AboutDialog(QDialog):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About QA Desktop")
        self.about = workspace.admin.about()
        heading = QLabel(f"<b>QA Desktop {self.about.version}</b><br>"
                         "Quality assurance of commissioned children's services")
        form = QFormLayout()
        self.values: dict[str, QLabel] = {}
        for what, value in self.about.lines():
            label = QLabel(value)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                          | Qt.TextInteractionFlag.TextSelectableByKeyboard)
            label.setWordWrap(True)
            label.setAccessibleName(what)
            self.values[what] = label
            form.addRow(f"{what}:", label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = buttons.addButton("&Copy for a support call", QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy)
        self.folder_button = buttons.addButton("Open the &log folder", QDialogButtonBox.ButtonRole.ActionRole)
        self.folder_button.clicked.connect(self.open_log_folder)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(640, self.sizeHint().height())

    def text(self) -> str:
        return "\n".join(f"{what}: {value}" for what, value in self.about.lines())

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text())

    def open_log_folder(self) -> bool:
        log = self.about.log_file.split(" (")[0]
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(log).parent)))
