"""A provider's facts as two columns of "label  value" pairs, in plain-text labels kept from one
provider to the next.

The page showed them as one rich-text label holding an HTML table: laying out that document again
for every provider was about half of the page's repaint as the officer moved down the register
(issue 22). Here each fact is a pair of plain labels in a grid, made once and reused: a provider
with the same fact as the last (a service type, a regulator) leaves its label alone, and only the
labels whose words changed are laid out and painted again. Values stay selectable with the mouse
(a URN copied into Ofsted's search) and each value's accessible name is its label, so a screen
reader says "URN, SC100004" rather than a table's cells."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

#: Space after a value before the next column's label (as the table's padding was).
COLUMN_GAP = 18


class FactsGrid(QWidget):
    """``set_facts([(label, value), ...])``: the first half down the left column, the rest down the right."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Provider facts")
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(10)
        self._grid.setVerticalSpacing(1)
        self._grid.setColumnMinimumWidth(2, COLUMN_GAP - 10)
        # the room shared by the two values: a long value wraps in its half rather than squeezing the others
        self._grid.setColumnStretch(1, 1)
        self._grid.setColumnStretch(4, 1)
        self._pairs: list[tuple[QLabel, QLabel]] = []
        self._facts: list[tuple[str, str]] = []

    def set_facts(self, facts: Sequence[tuple[str, str]]) -> None:
        facts = list(facts)
        if facts == self._facts:
            return
        self._facts = facts
        while len(self._pairs) < len(facts):
            self._add_pair()
        half = (len(facts) + 1) // 2
        order = [*range(half), *range(half, len(facts))]
        for at, (key_label, value_label) in enumerate(self._pairs):
            shown = at < len(facts)
            if shown:
                key, value = facts[order[at]]
                if key_label.text() != key:
                    key_label.setText(key)
                    value_label.setAccessibleName(key)
                if value_label.text() != value:
                    value_label.setText(value)
            self._place(at, key_label, value_label, half, shown)

    def _add_pair(self) -> None:
        key_label, value_label = QLabel(self), QLabel(self)
        bold = QFont(key_label.font())
        bold.setBold(True)
        key_label.setFont(bold)
        for label in (key_label, value_label):
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        value_label.setWordWrap(True)
        value_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._pairs.append((key_label, value_label))

    def _place(self, at: int, key_label: QLabel, value_label: QLabel, half: int, shown: bool) -> None:
        """In the left column's rows first, then the right's; a pair moves only when the number of
        facts changes the split."""
        row, column = (at, 0) if at < half else (at - half, 3)
        if shown:
            index = self._grid.indexOf(key_label)
            placed = self._grid.getItemPosition(index) if index >= 0 else None
            if placed is None or (placed[0], placed[1]) != (row, column):  # type: ignore[index]
                self._grid.addWidget(key_label, row, column)
                self._grid.addWidget(value_label, row, column + 1)
        if key_label.isVisibleTo(self) != shown:
            key_label.setVisible(shown)
            value_label.setVisible(shown)

    def facts(self) -> list[tuple[str, str]]:
        return list(self._facts)

    def text(self) -> str:
        """The facts in words, a line each ("URN: SC100004")."""
        return "\n".join(f"{key}: {value}" for key, value in self._facts)

    def clear(self) -> None:
        self.set_facts([])
