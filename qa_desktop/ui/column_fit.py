"""Column widths that fit the text as it is drawn now, and fit again when the text size changes.

Officers enlarge the text (Windows' "Make text bigger", 150% and more): widths saved in pixels at
one text size cut URNs and overlap headers at another. So a table's widths are worked out from the
font's own metrics (its header, and the text of the rows on screen, at most ``SAMPLE`` of them:
20,000 rows are never measured), each column capped at a few ems so one long name cannot push the
rest off a 1280-pixel screen; widths saved by the officer are kept only for the text size they were
saved at (``settings_key``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QTableView

#: Rows measured per column (the first ones shown).
SAMPLE = 60
#: Room for the cell's margins and the header's sort arrow, in ems.
PADDING_EMS = 1.6


def fit_columns(view: QTableView, caps_ems: Mapping[int, float] | None = None, default_cap_ems: float = 24,
                first: Sequence[int] = ()) -> None:
    """Set each column of ``view`` to its header's and its shown text's width, at most its cap (in
    ems of the view's font); the header's own text is never cut. Room left over goes to the capped
    columns, those in ``first`` before the others."""
    model = view.model()
    body = QFontMetrics(view.font())
    head = QFontMetrics(view.horizontalHeader().font())
    em = body.horizontalAdvance("M")
    rows = min(model.rowCount(), SAMPLE)
    top = max(view.rowAt(0) if model.rowCount() else 0, 0)
    natural: dict[int, int] = {}
    given: dict[int, int] = {}
    for column in range(model.columnCount()):
        if view.isColumnHidden(column):
            continue
        title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
        header = head.horizontalAdvance(title) + round(PADDING_EMS * em) + em  # and the sort arrow
        widest = 0
        for row in range(top, min(top + rows, model.rowCount())):
            text = model.index(row, column).data()
            if text:
                widest = max(widest, body.horizontalAdvance(str(text)))
        cap = round((caps_ems or {}).get(column, default_cap_ems) * em)
        natural[column] = max(header, widest + round(PADDING_EMS * em))
        given[column] = max(header, min(natural[column], cap))
    # room left on screen goes to the capped columns, in order, up to their whole text
    room = view.viewport().width() - sum(given.values())
    for column in [*(c for c in first if c in given), *(c for c in given if c not in first)]:
        width = given[column]
        if room <= 0:
            break
        extra = min(room, natural[column] - width)
        if extra > 0:
            given[column] += extra
            room -= extra
    for column, width in given.items():
        view.setColumnWidth(column, width)


def settings_key(view: QTableView) -> str:
    """Saved widths belong to one text size: ``columns@<size>``."""
    size = view.font().pointSizeF()
    if size <= 0:
        size = float(view.font().pixelSize())
    return f"columns@{size:g}"
