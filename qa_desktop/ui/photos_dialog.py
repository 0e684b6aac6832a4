"""An item's photos: each one large enough to see, full size on demand, and replace, re-caption or
delete it (a photo taken of the wrong door, a caption mistyped on site).

The dialog changes nothing itself: it hands each change to the visit screen (``PhotoActions``),
which saves it through the visit service like any other edit, then shows the item's photos again.
A photo deleted by one officer while the other added one on their laptop: both officers' photos
are kept by sync (a photo list merges, ``store.oplog``), the deleted one is gone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from qa_desktop.ui.file_names import start_folder
from qa_desktop.workspace.visits import Evidence

PICTURES = "Pictures (*.jpg *.jpeg *.png *.heic *.webp)"
THUMB = 160


@dataclass(frozen=True)
class PhotoActions:
    """What the visit screen does for the dialog; each returns the item's photos afterwards."""

    photos: Callable[[], list[Evidence]]
    image: Callable[[str], QPixmap]          # a photo's picture (null when it is not on this laptop)
    add: Callable[[str, str], list[Evidence]]       # path, caption
    replace: Callable[[str, str], list[Evidence]]   # blob, path of the new picture
    recaption: Callable[[str, str], list[Evidence]]  # blob, caption
    delete: Callable[[str], list[Evidence]]          # blob


class FullSizeDialog(QDialog):
    def __init__(self, pixmap: QPixmap, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(caption or "Photo")
        picture = QLabel()
        picture.setPixmap(pixmap)
        picture.setAccessibleName(f"Photo: {caption or 'no caption'}")
        scroll = QScrollArea()
        scroll.setWidget(picture)
        scroll.setAlignment(Qt.AlignmentFlag.AlignCenter)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(QLabel(caption))
        layout.addWidget(buttons)
        self.resize(min(pixmap.width() + 40, 1200), min(pixmap.height() + 90, 800))


class PhotosDialog(QDialog):
    def __init__(self, label: str, actions: PhotoActions, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Photos: {label}")
        self.photo_actions = actions
        self.list = QListWidget()
        self.list.setAccessibleName("Photos")
        self.list.setViewMode(QListWidget.ViewMode.IconMode)
        self.list.setIconSize(QSize(THUMB, THUMB))
        self.list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.list.setWordWrap(True)
        self.list.setSpacing(8)
        self.list.itemActivated.connect(lambda _item: self.view_full_size())
        self.view_button = QPushButton("&View full size")
        self.add_button = QPushButton("&Add…")
        self.replace_button = QPushButton("&Replace…")
        self.caption_button = QPushButton("Change &caption…")
        self.delete_button = QPushButton("&Delete")
        for button, slot in ((self.view_button, self.view_full_size), (self.add_button, self.add),
                             (self.replace_button, self.replace), (self.caption_button, self.recaption),
                             (self.delete_button, self.delete)):
            button.clicked.connect(lambda _=False, s=slot: s())
        deleting = QShortcut(QKeySequence(Qt.Key.Key_Delete), self.list)
        deleting.activated.connect(lambda: self.delete())
        row = QHBoxLayout()
        for button in (self.view_button, self.add_button, self.replace_button, self.caption_button,
                       self.delete_button):
            row.addWidget(button)
        row.addStretch(1)
        closing = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        closing.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addLayout(row)
        layout.addWidget(closing)
        self.resize(760, 460)
        self.show_photos(actions.photos())

    def show_photos(self, photos: list[Evidence]) -> None:
        chosen = self.list.currentRow()
        self.list.clear()
        for photo in photos:
            picture = self.photo_actions.image(photo.blob)
            entry = QListWidgetItem(photo.caption or "(no caption)")
            if picture.isNull():
                entry.setText(f"{photo.caption or '(no caption)'}\n[not on this laptop yet]")
            else:
                entry.setIcon(QIcon(picture.scaled(THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio,
                                                   Qt.TransformationMode.SmoothTransformation)))
            entry.setData(Qt.ItemDataRole.UserRole, photo.blob)
            entry.setData(Qt.ItemDataRole.AccessibleTextRole, f"Photo: {photo.caption or 'no caption'}")
            self.list.addItem(entry)
        if photos:
            self.list.setCurrentRow(min(max(chosen, 0), len(photos) - 1))
        for button in (self.view_button, self.replace_button, self.caption_button, self.delete_button):
            button.setEnabled(bool(photos))

    def _chosen(self) -> tuple[str, str] | None:
        if self.list.currentRow() < 0:
            return None
        entry = self.list.currentItem()
        blob = entry.data(Qt.ItemDataRole.UserRole)
        caption = next((p.caption for p in self.photo_actions.photos() if p.blob == blob), "")
        return blob, caption

    def view_full_size(self) -> FullSizeDialog | None:
        chosen = self._chosen()
        if chosen is None:
            return None
        picture = self.photo_actions.image(chosen[0])
        if picture.isNull():
            QMessageBox.information(self, "Photo not here yet", "This photo is not on this laptop yet: it arrives "
                                    "with the next sync from the laptop that took it.")
            return None
        dialog = FullSizeDialog(picture, chosen[1], self)
        dialog.open()
        return dialog

    def add(self, path: str | None = None, caption: str | None = None) -> None:
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, "Add a photo", start_folder("Pictures"), PICTURES)
            if not path:
                return
        if caption is None:
            caption, ok = QInputDialog.getText(self, "Photo caption", "What does the photo show?")
            if not ok:
                return
        self.show_photos(self.photo_actions.add(path, caption))

    def replace(self, path: str | None = None) -> None:
        chosen = self._chosen()
        if chosen is None:
            return
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, "Replace the photo", start_folder("Pictures"), PICTURES)
            if not path:
                return
        self.show_photos(self.photo_actions.replace(chosen[0], path))

    def recaption(self, caption: str | None = None) -> None:
        chosen = self._chosen()
        if chosen is None:
            return
        if caption is None:
            caption, ok = QInputDialog.getText(self, "Photo caption", "What does the photo show?", text=chosen[1])
            if not ok:
                return
        self.show_photos(self.photo_actions.recaption(chosen[0], caption))

    def delete(self, confirm: bool = True) -> None:
        chosen = self._chosen()
        if chosen is None:
            return
        if confirm and QMessageBox.question(
                self, "Delete the photo", f"Delete the photo \u201c{chosen[1] or 'no caption'}\u201d from this item?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No) != QMessageBox.StandardButton.Yes:
            return
        self.show_photos(self.photo_actions.delete(chosen[0]))
