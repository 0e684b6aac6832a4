"""The section list's view: a row whose words change but keep their height is repainted alone; a row
that needs another height is laid out again, and after any run of changes the rows sit where a fresh
layout puts them (none overlaps the next, none leaves a gap)."""

import random

from PySide6.QtCore import QAbstractListModel, QEvent, QModelIndex, QObject, Qt
from PySide6.QtWidgets import QListView

from qa_desktop.ui.wrapped_list import WrappedListView


class Words(QAbstractListModel):
    def __init__(self, words: list[str]) -> None:
        super().__init__()
        self.words = words

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008, N802 (Qt API)
        return 0 if parent.isValid() else len(self.words)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        return self.words[index.row()] if role == Qt.ItemDataRole.DisplayRole else None

    def say(self, row: int, words: str) -> None:
        self.words[row] = words
        self.dataChanged.emit(self.index(row), self.index(row))


class Paints(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.rects: list[tuple[int, int]] = []

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.Paint:
            self.rects.append((event.rect().width(), event.rect().height()))
        return False


def shown(qtbot, words: list[str], view: QListView) -> Words:
    model = Words(words)
    view.setModel(model)
    view.setWordWrap(True)
    view.setSpacing(2)
    qtbot.addWidget(view)
    view.resize(230, 600)
    view.show()
    qtbot.waitExposed(view)
    qtbot.wait(50)  # laid out and painted once
    return model


def tops(view: QListView, model: Words) -> list[int]:
    return [view.rectForIndex(model.index(row)).top() for row in range(model.rowCount())]


def painted_after_a_count_changes(qtbot, view: QListView) -> tuple[Words, Paints]:
    """Twelve sections shown, then one's count changed: the model and what was repainted."""
    model = shown(qtbot, [f"Section {n}  3/10" for n in range(12)], view)
    paints = Paints()
    view.viewport().installEventFilter(paints)
    model.say(4, "Section 4  10/10")
    qtbot.waitUntil(lambda: bool(paints.rects))
    qtbot.wait(20)  # any further repaint it set off
    return model, paints


def test_a_count_that_keeps_its_height_repaints_its_row_alone(qtbot):
    view = WrappedListView()
    model, paints = painted_after_a_count_changes(qtbot, view)
    row = view.visualRect(model.index(4))
    assert paints.rects == [(row.width(), row.height())]  # not the whole list
    # the same change on Qt's own view lays out and repaints every row
    _, whole = painted_after_a_count_changes(qtbot, QListView())
    assert whole.rects[0][1] > 3 * row.height()


def test_rows_sit_where_a_fresh_layout_puts_them_after_any_changes(qtbot):
    view = WrappedListView()
    model = shown(qtbot, [f"Section {n} about the home {n}/10" for n in range(20)], view)
    choices = ["Home", "Section about the home", "Section about the home and its garden and the road outside",
               "Section about the home and its garden and the road outside and the bus stop and the shops"]
    chance = random.Random(22)
    for _ in range(40):
        row = chance.randrange(20)
        model.say(row, f"{'✓ ' if chance.random() < 0.3 else ''}{chance.choice(choices)} {chance.randrange(12)}/10")
        qtbot.wait(1)
        kept = tops(view, model)
        view.doItemsLayout()  # what Qt's own view would have laid out
        assert tops(view, model) == kept
