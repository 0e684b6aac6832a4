"""Resolving conflicts: the list of fields two officers changed differently, and for the chosen one
both values side by side with who wrote each and when; the officer keeps one (or, for text, both).

Choosing is ``workspace.sync.resolve``: an op that syncs and closes the conflict on every laptop.
The list is read again after a choice and, given the window's ``ChangeHub``, whenever a change
may have opened or closed a conflict (a sync, a bundle, an answer given over one, a choice made on
another screen or by another program).
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from qa_desktop.ui.change_hub import ChangeHub
from qa_desktop.workspace import OpChanges, Workspace
from qa_desktop.workspace.sync import Conflict, ConflictError, ConflictValue
from qa_desktop.workspace.visits import join_attributed

ANSWER_WORDS = {"met": "Met", "not_met": "Not met", "not_applicable": "N/A", "yes": "Yes", "no": "No"}
_Index = QModelIndex | QPersistentModelIndex


def value_words(value: Any) -> str:
    """A stored value as the visit screen would show it."""
    if value is None:
        return "(no answer)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, str):
        return ANSWER_WORDS.get(value, value) or "(empty)"
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ", ".join(value) or "(none)"
    if isinstance(value, dict) and "seen" in value:
        seen = "Seen" if value.get("seen") else "Not seen"
        return f"{seen}" + (f", expires {value['expires']}" if value.get("expires") else "")
    return json.dumps(value, ensure_ascii=False)


def who_when(value: ConflictValue) -> str:
    return f"{value.actor}, {value.at.astimezone():%d %b %Y %H:%M}"


class ConflictTableModel(QAbstractTableModel):
    HEADERS = ("Where", "Shown now", "Other value", "Changed by")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.conflicts: list[Conflict] = []

    def set_conflicts(self, conflicts: list[Conflict]) -> None:
        self.beginResetModel()
        self.conflicts = conflicts
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802 (Qt API)
        return 0 if parent.isValid() else len(self.conflicts)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        conflict = self.conflicts[index.row()]
        current, *others = conflict.values
        column = index.column()
        if column == 0:
            return conflict.what
        if column == 1:
            return value_words(current.value)
        if column == 2:
            return " / ".join(value_words(o.value) for o in others)
        return ", ".join(sorted({v.actor for v in conflict.values}))


class ValueCard(QFrame):
    """One side of a conflict: the value, who and when, and a button to keep it."""

    chosen = Signal(object)

    def __init__(self, value: ConflictValue, number: int) -> None:
        super().__init__()
        self.setFrameShape(QFrame.Shape.StyledPanel)
        title = QLabel(f"<b>{'Shown now' if value.current else 'Also written'}</b>")
        text = QLabel(value_words(value.value))
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = text.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        text.setFont(font)
        who = QLabel(who_when(value))
        self.keep = QPushButton(f"&{number}  Keep this")
        self.keep.setAccessibleName(f"Keep {value_words(value.value)} by {value.actor}")
        self.keep.clicked.connect(lambda: self.chosen.emit(value.value))
        layout = QVBoxLayout(self)
        for widget in (title, text, who):
            layout.addWidget(widget)
        layout.addStretch(1)
        layout.addWidget(self.keep)


class ConflictsDialog(QDialog):
    resolved = Signal()

    def __init__(self, workspace: Workspace, parent: QWidget | None = None, hub: ChangeHub | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.setWindowTitle("Conflicts to resolve")
        self.resize(900, 520)
        self.model = ConflictTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setAccessibleName("Conflicts")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.explain = QLabel("Two officers changed these without seeing each other's change. Every laptop "
                              "shows the value marked \u201cShown now\u201d until someone chooses; nothing is lost "
                              "meanwhile.")
        self.explain.setWordWrap(True)
        self.detail = QWidget()
        self.cards = QGridLayout(self.detail)
        self.empty = QLabel("No conflicts: every laptop agrees.")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explain)
        layout.addWidget(self.empty)
        layout.addWidget(split, 1)
        layout.addWidget(buttons)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_detail())
        if hub is not None:  # listens while open: a closed dialog is not read again
            hub.changed.connect(self._on_changes)
            self.finished.connect(lambda _result: hub.changed.disconnect(self._on_changes))
        self.refresh()

    def refresh(self) -> None:
        """Read the open conflicts again, keeping the one selected selected while it is still open."""
        selected = self.selected()
        self.model.set_conflicts(self.workspace.sync.conflicts())
        self._fit_columns()
        has_any = bool(self.model.conflicts)
        self.empty.setVisible(not has_any)
        if has_any:
            self.table.selectRow(self._row_of(selected.key) if selected is not None else 0)
            self.table.setFocus()
        self._show_detail()

    def _fit_columns(self) -> None:
        """Each column after "Where" at least as wide as its heading and, up to a fifth of the table, its
        values (walk6: at large text the headings read "hown now", "ther valu"); the full value is in
        the cards below."""
        header = self.table.horizontalHeader()
        widest = max(self.table.viewport().width() // 5, 120)
        for column in range(1, self.proxy.columnCount()):
            self.table.resizeColumnToContents(column)
            header.resizeSection(column, max(header.sectionSizeHint(column), min(header.sectionSize(column), widest)))

    def _on_changes(self, changes: OpChanges) -> None:
        """Any change to a record may open a conflict or close one; a named change (who uses the
        laptop, the sync settings) cannot."""
        if changes.records or changes.everything:
            self.refresh()

    def _row_of(self, key: str) -> int:
        """The table row of the conflict with this key, or the first row once it is resolved."""
        for row in range(self.proxy.rowCount()):
            if self.model.conflicts[self.proxy.mapToSource(self.proxy.index(row, 0)).row()].key == key:
                return row
        return 0

    def selected(self) -> Conflict | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.conflicts[self.proxy.mapToSource(index).row()]

    def _show_detail(self) -> None:
        while self.cards.count():
            item = self.cards.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        conflict = self.selected()
        if conflict is None:
            return
        heading = QLabel(f"<b>{conflict.what}</b>")
        heading.setWordWrap(True)
        self.cards.addWidget(heading, 0, 0, 1, len(conflict.values))
        for column, value in enumerate(conflict.values):
            card = ValueCard(value, column + 1)
            card.chosen.connect(self.choose)
            self.cards.addWidget(card, 1, column)
        if all(isinstance(v.value, str) for v in conflict.values) and conflict.field in ("note", "notes", "text"):
            both = QPushButton("Keep &both (each under its author)")
            both.clicked.connect(lambda: self.choose(join_attributed((v.value, v.actor, v.at.astimezone())
                                                                     for v in conflict.values)))
            self.cards.addWidget(both, 2, 0)

    def choose(self, value: Any) -> None:
        conflict = self.selected()
        if conflict is None:
            return
        try:
            self.workspace.sync.resolve(conflict.key, value, shown=[v.op_id for v in conflict.values])
        except ConflictError as error:
            QMessageBox.information(self, "Already resolved", str(error))
        self.resolved.emit()
        self.refresh()
