"""The register as the table shows it: the rows kept by the search and filters, in the order chosen.

A ``QSortFilterProxyModel`` asks the model for every row's text through Python, once per row to
filter and many times per row to sort: on 20,000 providers each key typed cost a second. This
proxy instead holds the positions of the rows shown, in order, and works them out in Python over
the rows themselves (``RegisterFilter.select``: one substring test per row and word, narrowed to
the rows already shown when one more letter is typed), then tells the view in one reset. Sort keys
are worked out once per column and row, and kept up to date as rows change, so a sort is one
``sorted`` of positions.

The source model (``ProviderTableModel``) holds every provider of the register and is kept current
by the change signal (``update_rows``); when its rows change this proxy works the filter out again,
so a changed provider appears, moves or goes at once. The window restores the selection and the
scroll position by provider id after a reset.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractProxyModel, QModelIndex, QPersistentModelIndex, Qt

from qa_desktop.ui.provider_table import ProviderTableModel
from qa_desktop.ui.rows_model import sort_key
from qa_desktop.workspace.register import RegisterFilter

_Index = QModelIndex | QPersistentModelIndex


class RegisterProxy(QAbstractProxyModel):
    def __init__(self, source: ProviderTableModel, parent: Any = None) -> None:
        super().__init__(parent)
        self._source = source
        self._filter = RegisterFilter()
        self._shown: list[int] = []          # source rows shown, in order
        self._proxy_row: dict[int, int] | None = None  # source row -> shown row, when first needed
        self._keys: dict[int, list[str]] = {}  # column -> each source row's sort key
        self._order: list[int] | None = None   # every source row in the sort order
        self._column = -1
        self._descending = False
        self.setSourceModel(source)
        source.modelReset.connect(self._source_reset)
        source.rowsInserted.connect(self._rows_inserted)
        source.rowsRemoved.connect(self._rows_removed)
        source.dataChanged.connect(self._data_changed)
        self._recompute(narrowing=False)

    # -- what is shown -----------------------------------------------------------------------------

    @property
    def filter(self) -> RegisterFilter:
        return self._filter

    def set_filter(self, wanted: RegisterFilter) -> None:
        """Show the rows ``wanted`` keeps (only those shown are looked at when it narrows the last)."""
        narrowing = wanted.narrows(self._filter)
        self._filter = wanted
        self._reset(narrowing)

    def refilter(self) -> None:
        """Work the filter out again over every row (after rows changed in place)."""
        self._reset(narrowing=False)

    def source_rows(self) -> list[int]:
        return list(self._shown)

    def _reset(self, narrowing: bool) -> None:
        self.beginResetModel()
        self._recompute(narrowing)
        self.endResetModel()

    def _recompute(self, narrowing: bool) -> None:
        rows = self._source.rows
        candidates = self._shown if narrowing else self._ordered()
        self._shown = self._filter.select(rows, candidates)
        self._proxy_row = None

    def _ordered(self) -> list[int]:
        if self._order is None:
            count = len(self._source.rows)
            if self._column < 0 or (self._column == 0 and not self._descending and self._source.in_name_order):
                self._order = list(range(count))  # as they came, or already by name: nothing to sort
            else:
                keys = self._keys_of(self._column)
                self._order = sorted(range(count), key=keys.__getitem__, reverse=self._descending)
        return self._order

    def _keys_of(self, column: int) -> list[str]:
        keys = self._keys.get(column)
        if keys is None:
            keys = self._keys[column] = [self._key(row, column) for row in range(len(self._source.rows))]
        return keys

    def _key(self, row: int, column: int) -> str:
        spec = self._source.columns[column]
        value = self._source.rows[row]
        return sort_key(spec.sort(value) if spec.sort else spec.text(value))

    # -- the source changed ------------------------------------------------------------------------

    def _source_reset(self) -> None:
        self._keys.clear()
        self._order = None
        self._reset(narrowing=False)

    def _rows_inserted(self, parent: _Index, first: int, last: int) -> None:
        for column, keys in self._keys.items():
            keys[first:first] = [self._key(row, column) for row in range(first, last + 1)]
        self._order = None
        self._reset(narrowing=False)

    def _rows_removed(self, parent: _Index, first: int, last: int) -> None:
        for keys in self._keys.values():
            del keys[first:last + 1]
        self._order = None
        self._reset(narrowing=False)

    def _data_changed(self, top_left: QModelIndex, bottom_right: QModelIndex, roles: Any = ()) -> None:
        for column, keys in self._keys.items():
            for row in range(top_left.row(), bottom_right.row() + 1):
                keys[row] = self._key(row, column)
        self._order = None
        shown = self._proxy_rows()
        for row in range(top_left.row(), bottom_right.row() + 1):
            at = shown.get(row)
            if at is not None:
                self.dataChanged.emit(self.index(at, 0), self.index(at, self.columnCount() - 1))

    # -- sorting -----------------------------------------------------------------------------------

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._column = column
        self._descending = order == Qt.SortOrder.DescendingOrder
        self._order = None
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        sources = [self.mapToSource(index) for index in before]
        if column >= 0:
            ranks = {row: n for n, row in enumerate(self._ordered())}
            self._shown.sort(key=ranks.__getitem__)
        else:
            self._shown.sort()
        self._proxy_row = None
        self.changePersistentIndexList(before, [self.mapFromSource(s) for s in sources])
        self.layoutChanged.emit()

    # -- QAbstractProxyModel -----------------------------------------------------------------------

    def _proxy_rows(self) -> dict[int, int]:
        if self._proxy_row is None:
            self._proxy_row = {source: n for n, source in enumerate(self._shown)}
        return self._proxy_row

    def mapToSource(self, proxy_index: _Index) -> QModelIndex:  # noqa: N802 (Qt's name)
        if not proxy_index.isValid() or proxy_index.row() >= len(self._shown):
            return QModelIndex()
        return self._source.index(self._shown[proxy_index.row()], proxy_index.column())

    def mapFromSource(self, source_index: _Index) -> QModelIndex:  # noqa: N802
        if not source_index.isValid():
            return QModelIndex()
        at = self._proxy_rows().get(source_index.row())
        return QModelIndex() if at is None else self.index(at, source_index.column())

    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if parent.isValid() or not (0 <= row < len(self._shown)) or not (0 <= column < self.columnCount()):
            return QModelIndex()
        return self.createIndex(row, column)

    def parent(self, index: _Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        return QModelIndex()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else self._source.columnCount()

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._shown):
            return None
        return self._source.cell(self._shown[index.row()], index.column(), role)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return self._source.headerData(section, orientation, role)
