"""A read-only table model over a list of the services' row objects, described by its columns.

The register, and the provider page's settings, visits, due items and actions, are all lists of
frozen dataclasses from the services; each table only says which columns it shows. Sorting is
done by a ``QSortFilterProxyModel`` on ``SORT_ROLE`` (``sort_key``: dates sort as dates, blanks
last). A row can be *flagged* (overdue, expired): it is then shown in bold, dark red, and its
accessible text says why, so the flag is not carried by colour alone.

A model whose rows have an id (``row_id``) can also take a change to a few of them
(``update_rows``): just those rows are replaced, added or removed, so a view keeps its selection,
its scroll position and its sort, and 20,000 rows are not laid out again for one that changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from qa_desktop.ui.palette import warning_colour

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2

Row = TypeVar("Row")
#: The roles a ``RowsModel`` answers (as plain numbers, the way a view asks): any other is None.
ANSWERED_ROLES = frozenset(int(role) for role in (
    Qt.ItemDataRole.DisplayRole, SORT_ROLE, ID_ROLE, Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.FontRole,
    Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.ToolTipRole))
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
        self._rows: Sequence[Row] = []  # a list, or rows made when read until a change comes
        self._flag = flag      # why a row is flagged, in words, or None
        self._row_id = row_id
        self._positions: dict[str, int] | None = None  # row id -> row, worked out when first needed

    def set_rows(self, rows: Sequence[Row]) -> None:
        """Show ``rows`` (copied; rows made when first read, ``made_when_read``, are kept as they
        are, and copied into a list of their own only when a change comes: a view reads the rows it
        shows)."""
        self.beginResetModel()
        self._rows = rows if getattr(rows, "made_when_read", False) else list(rows)
        self._positions = None
        self.endResetModel()

    def _own_rows(self) -> list[Row]:
        """The rows as a list this model may change (rows made when read, made and copied now)."""
        if not isinstance(self._rows, list):
            self._rows = list(self._rows)
        return self._rows

    def replace_rows(self, rows: Sequence[Row]) -> bool:
        """``set_rows`` unless these are the rows shown already: then False, nothing redrawn, and the
        selection and scroll kept (moving down the register, most of a provider page's tables are as
        empty, or as they were, for the next provider too)."""
        rows = list(rows)
        if rows == self._rows:
            return False
        self.set_rows(rows)
        return True

    def update_rows(self, ids: Collection[str], rows: Sequence[Row]) -> None:
        """Take a change to the rows of ``ids``: ``rows`` are their new versions (those still
        listed); a row of ``ids`` without one is removed, a new one is added at the end (the view's
        sort proxy puts it in its place)."""
        positions = self._row_positions()
        fresh = {self._id_of(row): row for row in rows}
        own = self._own_rows()
        for row_id, row in fresh.items():
            at = positions.get(row_id)
            if at is not None:
                own[at] = row
                self.dataChanged.emit(self.index(at, 0), self.index(at, len(self.columns) - 1))
        self._remove(sorted((positions[i] for i in ids if i in positions and i not in fresh), reverse=True))
        self._append([row for row_id, row in fresh.items() if row_id not in positions])

    def _remove(self, rows_last_first: list[int]) -> None:
        for at in rows_last_first:
            self.beginRemoveRows(QModelIndex(), at, at)
            del self._own_rows()[at]
            self.endRemoveRows()
        if rows_last_first:
            self._positions = None  # the rows after them moved up

    def _append(self, rows: list[Row]) -> None:
        if not rows:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self._own_rows().extend(rows)
        if self._positions is not None:
            self._positions.update((self._id_of(row), first + n) for n, row in enumerate(rows))
        self.endInsertRows()

    def _row_positions(self) -> dict[str, int]:
        if self._positions is None:
            self._positions = {self._id_of(row): n for n, row in enumerate(self._rows)}
        return self._positions

    def _id_of(self, row: Row) -> str:
        if self._row_id is None:
            raise TypeError("This model's rows have no id: give row_id to update rows by id.")
        return self._row_id(row)

    def position_of(self, row_id: str) -> int | None:
        """The model's row of this id, or None when the model does not hold it."""
        return self._row_positions().get(row_id)

    def row_at(self, row: int) -> Row:
        return self._rows[row]

    @property
    def rows(self) -> Sequence[Row]:
        """Every row, in the model's order (not the view's)."""
        return self._rows

    def rows_with(self, ids: Collection[str]) -> list[Row]:
        """The rows of these ids that the model holds."""
        positions = self._row_positions()
        return [self._rows[positions[i]] for i in ids if i in positions]

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
        return self.cell(index.row(), index.column(), role)

    def cell(self, at: int, column_number: int, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """What ``data`` gives for this row and column (a proxy asks without making an index).
        A view asks for some nine roles per cell as it paints: those this model never sets are
        answered first, without looking at the row."""
        if role not in ANSWERED_ROLES:
            return None
        row = self._rows[at]
        column = self.columns[column_number]
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
            return _bold()
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{column.header}: {column.text(row)}" + (f" ({flag})" if flag and column_number == 0 else "")
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = column.tooltip(row) if column.tooltip else None
            return "\n".join(t for t in (tip, flag) if t) or None
        return None


def _bold() -> QFont:
    font = QFont()
    font.setBold(True)
    return font


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


def source_row(index: Index) -> int:
    """The model's row under a view's index (the view shows it through a sort proxy)."""
    proxy = index.model()
    return proxy.mapToSource(index).row() if isinstance(proxy, QSortFilterProxyModel) else index.row()


def selected_row(view: QTableView, model: RowsModel):  # noqa: ANN201 (the model's row type)
    """The row object under the view's current index, or None (focus goes to the view to choose one)."""
    index = view.currentIndex()
    if not index.isValid():
        view.setFocus()
        return None
    return model.row_at(source_row(index))


def fit_columns(view: QTableView, characters: int = 40) -> None:
    """Columns fitted to what they hold, none wider than about ``characters`` characters of the
    table's font (the last one stretches): one long value (a service type far down the list) made
    its column half the table and pushed the sanction itself off a 1280-pixel screen at large text
    (walk6). Counted in characters, not a share of the table, because the table is often filled
    before it is shown at its size; a value cut short ends in "…" and is whole on its record's page."""
    view.resizeColumnsToContents()
    header = view.horizontalHeader()
    most = view.fontMetrics().averageCharWidth() * characters
    for column in range(header.count() - 1):
        if header.sectionSize(column) > most:
            header.resizeSection(column, max(most, header.sectionSizeHint(column)))
