"""The provider register's columns.

The rows come from the workspace's ``register.search``, the same search the CLI runs, so the
window and ``qa-desktop providers`` always agree; the model only presents them (and takes a change
to a few of them by id, ``update_rows``). A provider with a visit or review overdue is flagged
(bold, dark red, and "Overdue" in words).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt

from qa_desktop.domain.risk import Rag
from qa_desktop.domain.schedule import DueStatus
from qa_desktop.ui.rows_model import ID_ROLE, SORT_ROLE, Column, RowsModel
from qa_desktop.workspace.register import ProviderRow, RowsOnDemand

if TYPE_CHECKING:
    from qa_desktop.workspace.register import DueItem

__all__ = ["ID_ROLE", "SORT_ROLE", "DueState", "ProviderTableModel", "due_words"]


class DueState(enum.Enum):
    """Whether the rows' "Next due" is known. A large register is shown before what is due is
    worked out (in the background): until then, or when that read failed, a blank in the column
    must not read as "nothing due", so the header says which it is."""

    KNOWN = "known"
    WORKING_OUT = "working out"
    NOT_WORKED_OUT = "not worked out"


def due_words(item: DueItem | None) -> str:
    """"Overdue: QA visit, 22 Jul 2026" and the like; blank when nothing is required."""
    if item is None or item.due.status is DueStatus.NOT_REQUIRED:
        return ""
    when = f"{item.due.due_on:%d %b %Y}" if item.due.due_on else "before the first placement"
    prefix = {DueStatus.OVERDUE: "Overdue: ", DueStatus.DUE: "Due: "}.get(item.due.status, "")
    return f"{prefix}{item.what}, {when}"


def _due_sort(row: ProviderRow) -> Any:
    if row.due is None or row.due.due.status is DueStatus.NOT_REQUIRED:
        return None
    return row.due.due.due_on or dt.date.min  # needed before the first placement: first


COLUMNS: tuple[Column[ProviderRow], ...] = (
    Column("Name", lambda r: r.name,
           tooltip=lambda r: f"{r.name}\nOwned by {r.organisation}" if r.organisation else None),
    Column("URN", lambda r: r.urn or ""),
    # third, so a red row's reason is on screen on a 1280-pixel laptop
    Column("Next due (Figures 1, 2)", lambda r: due_words(r.due), sort=_due_sort,
           tooltip=lambda r: r.due.due.reason if r.due else None),
    Column("Monitored", lambda r: "Monitored" if r.monitored else "",
           tooltip=lambda r: f"Monitored by us: {r.monitored_reason}" if r.monitored else None),
    Column("Sanctions", lambda r: "; ".join(r.sanctions)),
    Column("Risk (Figure 6)", lambda r: r.risk.label if r.risk and r.risk is not Rag.NONE else "",
           sort=lambda r: -r.risk.rank if r.risk else None),
    Column("Service type", lambda r: r.service_type.label),
    Column("Judgement", lambda r: r.judgement.label if r.judgement else ""),
    Column("Tier", lambda r: r.tier.value if r.tier else ""),
    Column("Town", lambda r: r.towns),
    Column("Postcode", lambda r: r.postcodes),
    Column("Local authority", lambda r: r.local_authority or ""),
    Column("Settings", lambda r: str(r.settings), sort=lambda r: r.settings),
)


#: The "Next due" column's place.
DUE_COLUMN = next(n for n, column in enumerate(COLUMNS) if column.header.startswith("Next due"))


def _overdue(row: ProviderRow) -> bool:
    return row.due is not None and row.due.due.status is DueStatus.OVERDUE


def _flag(row: ProviderRow) -> str | None:
    """Why a provider stands out: an embargo first (an officer must not miss it), then overdue."""
    reasons = [s for s in row.sanctions if s.startswith("Embargo")]
    if _overdue(row):
        reasons.append("Overdue")
    return "; ".join(reasons) or None


class ProviderTableModel(RowsModel[ProviderRow]):
    """The register's rows; keeps count of those overdue (the status bar's "12 overdue") as rows
    change, rather than count 20,000 rows again for each one that changed."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(COLUMNS, parent, row_id=lambda r: r.id, flag=_flag)
        self.overdue = 0
        self._overdue_rows: set[int] | None = None  # worked out when first counted after a change
        #: The rows are in the order of the Name column's sort key: ``register.search`` gives them by
        #: name, case-folded, which is that key (``rows_model.sort_key``). The register's proxy then
        #: need not sort 20,000 rows through Python at start (issue 22). A change to some rows
        #: (``update_rows``) may move or add them, after which the proxy sorts as usual.
        self.in_name_order = False
        #: What is due is being worked out (in the background, for a large register), or could not be:
        #: the column's header says so, so that its blanks are not read as nothing due.
        self.due_state = DueState.KNOWN
        #: Why what is due could not be worked out (the header's tooltip), when it could not.
        self.due_failure = ""

    def set_due_state(self, state: DueState, why: str = "") -> None:
        if (state, why) != (self.due_state, self.due_failure):
            self.due_state, self.due_failure = state, why
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, DUE_COLUMN, DUE_COLUMN)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 (Qt's name)
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if section == DUE_COLUMN and orientation == Qt.Orientation.Horizontal:
            if self.due_state is DueState.WORKING_OUT and role == Qt.ItemDataRole.DisplayRole:
                return "Next due: working out…"
            if self.due_state is DueState.NOT_WORKED_OUT:
                if role == Qt.ItemDataRole.DisplayRole:
                    return "Next due: not known"
                if role == Qt.ItemDataRole.ToolTipRole:
                    why = self.due_failure.rstrip(".")
                    return (f"What is due across the register could not be worked out: {why}. A blank here "
                            "does not mean nothing is due.")
        return super().headerData(section, orientation, role)

    def set_rows(self, rows: Sequence[ProviderRow], *, in_name_order: bool = False) -> None:
        """All the rows; ``in_name_order`` when they come from ``register.search`` as it gives them."""
        self.in_name_order = in_name_order
        super().set_rows(rows)
        # rows made when first read (the register's first look) carry nothing due: none made to count
        self.overdue = 0 if isinstance(rows, RowsOnDemand) and not rows.context.due else sum(map(_overdue, rows))
        self._overdue_rows = None

    def local_authorities(self) -> set[str | None]:
        """Every row's local authority (without making rows not yet made)."""
        rows = self.rows
        return rows.local_authorities() if isinstance(rows, RowsOnDemand) else {row.local_authority for row in rows}

    def make_rows(self, count: int) -> bool:
        """Make up to ``count`` more rows when they are made when first read (the first look's): whether
        every row is made now (always, for rows given made)."""
        rows = self.rows
        return rows.make_some(count) if isinstance(rows, RowsOnDemand) else True

    def update_rows(self, ids: Collection[str], rows: Sequence[ProviderRow]) -> None:
        self.in_name_order = False
        self.overdue -= sum(map(_overdue, self.rows_with(ids)))
        super().update_rows(ids, rows)
        self.overdue += sum(map(_overdue, rows))
        self._overdue_rows = None

    def overdue_among(self, rows: Collection[int]) -> int:
        """How many of these model rows are overdue (the count under a search)."""
        if self._overdue_rows is None:
            self._overdue_rows = {n for n, row in enumerate(self.rows) if _overdue(row)}
        return len(self._overdue_rows.intersection(rows)) if len(rows) > len(self._overdue_rows) else \
            sum(1 for n in rows if n in self._overdue_rows)
