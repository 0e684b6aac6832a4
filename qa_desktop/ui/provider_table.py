"""The provider register as a Qt table model.

The rows come from ``services.register.search_providers``, the same search the CLI runs, so the
window and ``qa-desktop providers`` always agree; the model only presents them. Sorting is done
by a ``QSortFilterProxyModel`` on ``SORT_ROLE`` (raw values, so "Tier" sorts A, B, C and blank last).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from qa_desktop.services.register import ProviderRow

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2

_COLUMNS: tuple[tuple[str, Any], ...] = (
    ("Name", lambda r: r.name),
    ("URN", lambda r: r.urn or ""),
    ("Service type", lambda r: r.service_type.label),
    ("Judgement", lambda r: r.judgement.label if r.judgement else ""),
    ("Tier", lambda r: r.tier.value if r.tier else ""),
    ("Town", lambda r: r.towns),
    ("Postcode", lambda r: r.postcodes),
    ("Settings", lambda r: r.settings),
)

Index = QModelIndex | QPersistentModelIndex


class ProviderTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[ProviderRow] = []

    def set_rows(self, rows: list[ProviderRow]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def row_at(self, row: int) -> ProviderRow:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _COLUMNS[section][0]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        value = _COLUMNS[index.column()][1](row)
        if role == Qt.ItemDataRole.DisplayRole:
            return str(value)
        if role == SORT_ROLE:
            return value.lower() if isinstance(value, str) else value
        if role == ID_ROLE:
            return row.id
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 0 and row.organisation:
            return f"{row.name}\nOwned by {row.organisation}"
        return None
