"""A bar chart drawn with QPainter: a figure broken down (meetings by kind, cases by source), this
year's bar beside the previous year's for each row, with the numbers written at the bars' ends.

Drawn by hand rather than with QtCharts: QtCharts is in PySide6-Addons, a second wheel of several
hundred megabytes that QA Desktop would ship for one screen, and these charts need nothing it adds.
Bars run across (the labels, "Access to Resources drop-in (weekly)", read in full on the left);
the two years are told apart by colour *and* by a pattern and the legend, never by colour alone,
and the chart's accessible description carries every number in words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

#: This year's bars, and the previous year's (light, hatched): readable in print and in grey.
CURRENT = QColor("#1f3b5b")
PREVIOUS = QColor("#8fa8c2")


@dataclass(frozen=True)
class ChartRow:
    label: str
    current: int
    previous: int


class BarChart(QWidget):
    """Rows of paired bars; ``set_data`` redraws it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = ""
        self.years = ("", "")
        self.rows: tuple[ChartRow, ...] = ()
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName("Chart")
        self.setMinimumHeight(160)

    def set_data(self, title: str, years: tuple[str, str], rows: Sequence[ChartRow]) -> None:
        self.title, self.years, self.rows = title, years, tuple(rows)
        self.setAccessibleName(title)
        self.setAccessibleDescription("; ".join(f"{r.label}: {r.current} in {years[0]}, {r.previous} in {years[1]}"
                                                for r in self.rows) or "No figures")
        self.setToolTip(self.accessibleDescription().replace("; ", "\n"))
        self.setMinimumHeight(self.sizeHint().height())
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        line = self.fontMetrics().height()
        return QSize(420, int(line * (3.6 + 2.4 * max(1, len(self.rows)))))

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt API)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        painter.fillRect(self.rect(), palette.base())
        text = palette.text().color()
        metrics = QFontMetrics(self.font())
        line = metrics.height()
        margin = line // 2
        bold = QFont(self.font())
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(text)
        painter.drawText(QRectF(margin, margin, self.width() - 2 * margin, line), Qt.AlignmentFlag.AlignLeft,
                         self.title)
        painter.setFont(self.font())
        # the legend, under the title
        top = margin + line * 1.3
        x = float(margin)
        for colour, hatched, year in ((CURRENT, False, self.years[0]), (PREVIOUS, True, self.years[1])):
            self._bar(painter, QRectF(x, top + line * 0.2, line * 1.2, line * 0.6), colour, hatched)
            x += line * 1.6
            painter.setPen(text)
            painter.drawText(QRectF(x, top, metrics.horizontalAdvance(year) + 4, line), Qt.AlignmentFlag.AlignLeft,
                             year)
            x += metrics.horizontalAdvance(year) + line
        top += line * 1.6
        if not self.rows:
            painter.drawText(QRectF(margin, top, self.width(), line), Qt.AlignmentFlag.AlignLeft, "Nothing to show")
            return
        label_width = min(max(metrics.horizontalAdvance(r.label) for r in self.rows) + line,
                          int(self.width() * 0.5))
        number_width = metrics.horizontalAdvance("00000") + line // 2
        bar_left = margin + label_width
        bar_room = max(10.0, self.width() - bar_left - number_width - margin)
        largest = max(1, *(max(r.current, r.previous) for r in self.rows))
        row_height = line * 2.4
        bar_height = min(line * 1.0, row_height / 2.6)
        for n, row in enumerate(self.rows):
            y = top + n * row_height
            painter.setPen(text)
            label = metrics.elidedText(row.label, Qt.TextElideMode.ElideRight, label_width - line // 2)
            painter.drawText(QRectF(margin, y, label_width - line // 2, bar_height * 2.2),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, label)
            for k, (value, colour, hatched) in enumerate(((row.current, CURRENT, False),
                                                          (row.previous, PREVIOUS, True))):
                bar_top = y + k * (bar_height * 1.15)
                width = bar_room * value / largest
                if value:
                    self._bar(painter, QRectF(bar_left, bar_top, max(width, 2.0), bar_height), colour, hatched)
                painter.setPen(text)
                number = QRectF(bar_left + width + 4, bar_top - line * 0.2, number_width, bar_height + line * 0.4)
                painter.drawText(number, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, str(value))
        painter.setPen(QPen(text, 1))
        painter.drawLine(int(bar_left), int(top - line * 0.2), int(bar_left), int(top + len(self.rows) * row_height))

    @staticmethod
    def _bar(painter: QPainter, rect: QRectF, colour: QColor, hatched: bool) -> None:
        painter.setPen(QPen(CURRENT, 1))
        painter.setBrush(QBrush(colour))
        painter.drawRect(rect)
        if hatched:
            painter.setBrush(QBrush(CURRENT, Qt.BrushStyle.BDiagPattern))
            painter.drawRect(rect)
        painter.setBrush(Qt.BrushStyle.NoBrush)
