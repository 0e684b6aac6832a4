"""The register as the table shows it: the rows kept by the search and filters, in the order chosen.

A ``QSortFilterProxyModel`` asks the model for every row's text through Python, once per row to
filter and many times per row to sort: on 20,000 providers each key typed cost a second. This
proxy instead holds the positions of the rows shown, in order, and works them out in Python over
the rows themselves (``RegisterFilter.select``: one substring test per row and word, narrowed to
the rows a shorter search kept when one more letter is typed), then tells the view in one reset.
What the last few searches kept is remembered (``KEPT_SEARCHES``) until the rows or their order
change: a key deleted shows what the shorter search kept without looking at a row, and the next
letter typed after it narrows that. Sort keys
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
from qa_desktop.ui.rows_model import ANSWERED_ROLES, sort_key
from qa_desktop.workspace.register import RegisterFilter

_Index = QModelIndex | QPersistentModelIndex
#: How many searches' results are remembered: a word or two typed and deleted key by key (each at
#: most a list of the register's positions, 160 kB at 20,000 rows).
KEPT_SEARCHES = 32
#: A register cell's flags, as ``QAbstractTableModel`` gives them for the source's.
_CELL_FLAGS = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemNeverHasChildren


class RegisterProxy(QAbstractProxyModel):
    def __init__(self, source: ProviderTableModel, parent: Any = None) -> None:
        super().__init__(parent)
        self._source = source
        self._filter = RegisterFilter()
        self._shown: list[int] = []          # source rows shown, in order
        #: what recent filters kept, in the present order of the present rows (most recent last)
        self._kept: dict[RegisterFilter, list[int]] = {}
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
        self._recompute()

    # -- what is shown -----------------------------------------------------------------------------

    @property
    def filter(self) -> RegisterFilter:
        return self._filter

    def set_filter(self, wanted: RegisterFilter) -> None:
        """Show the rows ``wanted`` keeps: what it kept when last asked, if the rows and their order
        have not changed since; otherwise worked out from what a search it narrows kept (only those
        rows are looked at), or from every row."""
        self._filter = wanted
        self.beginResetModel()
        kept = self._kept.pop(wanted, None)
        if kept is None:
            wider = [rows for done, rows in self._kept.items() if wanted.narrows(done)]
            candidates = min(wider, key=len) if wider else self._ordered()
            kept = wanted.select(self._source.rows, candidates)
        self._remember(wanted, kept)
        self._shown = kept
        self._proxy_row = None
        self.endResetModel()

    def _remember(self, done: RegisterFilter, kept: list[int]) -> None:
        self._kept[done] = kept  # last: the most recent
        while len(self._kept) > KEPT_SEARCHES:
            del self._kept[next(iter(self._kept))]

    def refilter(self) -> None:
        """Work the filter out again over every row (after rows changed in place)."""
        self._reset()

    def source_rows(self) -> list[int]:
        return list(self._shown)

    def _reset(self) -> None:
        self.beginResetModel()
        self._recompute()
        self.endResetModel()

    def _recompute(self) -> None:
        self._shown = self._filter.select(self._source.rows, self._ordered())
        self._kept.clear()  # rows changed, or the order: what other searches kept is out of date
        self._remember(self._filter, self._shown)
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
        self._reset()

    def _rows_inserted(self, parent: _Index, first: int, last: int) -> None:
        for column, keys in self._keys.items():
            keys[first:first] = [self._key(row, column) for row in range(first, last + 1)]
        self._order = None
        self._reset()

    def _rows_removed(self, parent: _Index, first: int, last: int) -> None:
        for keys in self._keys.values():
            del keys[first:last + 1]
        self._order = None
        self._reset()

    def _data_changed(self, top_left: QModelIndex, bottom_right: QModelIndex, roles: Any = ()) -> None:
        for column, keys in self._keys.items():
            for row in range(top_left.row(), bottom_right.row() + 1):
                keys[row] = self._key(row, column)
        self._order = None
        self._kept.clear()  # the window works the filter out again (``refilter``) after a change
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
        self._kept.clear()  # kept in the order before
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        sources = [self.mapToSource(index) for index in before]
        if column >= 0:
            ranks = {row: n for n, row in enumerate(self._ordered())}
            self._shown.sort(key=ranks.__getitem__)
        else:
            self._shown.sort()
        self._proxy_row = None
        self._remember(self._filter, self._shown)
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
        """Asked for every cell painted: the columns are counted without a call through Qt."""
        if parent.isValid() or not (0 <= row < len(self._shown)) or not (0 <= column < len(self._source.columns)):
            return QModelIndex()
        return self.createIndex(row, column)

    def parent(self, index: _Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        return QModelIndex()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else self._source.columnCount()

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Asked seven times for each cell painted, for roles most of which no row sets: those are
        answered before anything else is looked at."""
        if role not in ANSWERED_ROLES:
            return None
        row = index.row()
        if not 0 <= row < len(self._shown) or not index.isValid():
            return None
        return self._source.cell(self._shown[row], index.column(), role)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        """What the source's cells are (selectable, enabled, no children), without mapping each
        painted cell to the source through Python to ask it."""
        return _CELL_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return self._source.headerData(section, orientation, role)
