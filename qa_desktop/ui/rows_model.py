"""A read-only table model over a list of the services' row objects, described by its columns.

The register, and the provider page's settings, visits, due items and actions, are all lists of
frozen dataclasses from the services; each table only says which columns it shows. Sorting is
done by a ``QSortFilterProxyModel`` on ``SORT_ROLE`` (``sort_key``: dates sort as dates, blanks
last). A row can be *flagged* (overdue, expired): it is then shown in bold, dark red, and its
accessible text says why, so the flag is not carried by colour alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from qa_desktop.ui.palette import warning_colour

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2

Row = TypeVar("Row")
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column(Generic[Row]):
    header: str
    text: Callable[[Row], str]
    sort: Callable[[Row], Any] | None = None  # default: the text, case-folded
    tooltip: Callable[[Row], str | None] | None = None


def sort_key(value: Any) -> str:
    """A text key Qt compares natively (fast on 10,000 rows): dates as ISO text, numbers padded,
    and blanks after everything else in ascending order."""
    if value is None or value == "":
        return "\uffff"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, (int, float)):
        return f"{value + 1e12:020.4f}"
    return str(value).casefold()


class RowsModel(QAbstractTableModel, Generic[Row]):
    def __init__(self, columns: Sequence[Column[Row]], parent: Any = None, *,
                 flag: Callable[[Row], str | None] | None = None, row_id: Callable[[Row], str] | None = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._rows: list[Row] = []
        self._flag = flag      # why a row is flagged, in words, or None
        self._row_id = row_id

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> Row:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].header
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == SORT_ROLE:
            return sort_key(column.sort(row) if column.sort else column.text(row))
        if role == ID_ROLE and self._row_id is not None:
            return self._row_id(row)
        flag = self._flag(row) if self._flag is not None else None
        if role == Qt.ItemDataRole.ForegroundRole and flag:
            return QBrush(warning_colour())
        if role == Qt.ItemDataRole.FontRole and flag:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{column.header}: {column.text(row)}" + (f" ({flag})" if flag and index.column() == 0 else "")
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = column.tooltip(row) if column.tooltip else None
            return "\n".join(t for t in (tip, flag) if t) or None
        return None


def table_view(model: RowsModel, name: str) -> QTableView:
    """A read-only, sortable table of ``model`` (through a sort proxy), rows selected whole; Tab
    leaves it and the arrows move in it. Rows keep the services' order until a header is clicked."""
    proxy = QSortFilterProxyModel(model)
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    view = QTableView()
    view.setModel(proxy)
    view.setAccessibleName(name)
    view.setSortingEnabled(True)
    view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setTabKeyNavigation(False)
    view.verticalHeader().hide()
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return view


def selected_row(view: QTableView, model: RowsModel):  # noqa: ANN201 (the model's row type)
    """The row object under the view's current index, or None (focus goes to the view to choose one)."""
    index = view.currentIndex()
    if not index.isValid():
        view.setFocus()
        return None
    return model.row_at(view.model().mapToSource(index).row())
