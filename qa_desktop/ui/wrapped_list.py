"""A list view of wrapped words whose changed row is redrawn in place.

``QListView`` in its list mode lays out every row again, and repaints the whole list, for any change
of data (its list mode schedules a full layout on every ``dataChanged``). The visit screen's section
list changes one row's count at every answer ("3/10" becomes "4/10"): the layout and the whole list's
repaint were about 2.5 ms of CPU of each answer, a sixth of it (issue 22). Here a row that keeps the
height it was laid out with is only repainted; a row that needs another height (its words now wrap
onto another line, or one fewer) and any change of several rows are laid out as ``QListView`` does.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect
from PySide6.QtWidgets import QAbstractItemView, QListView, QStyleOptionViewItem

_Index = QModelIndex | QPersistentModelIndex


class WrappedListView(QListView):
    """A ``QListView`` (list mode, top to bottom, word wrap) that repaints a changed row of the same
    height in place instead of laying out the whole list again."""

    def dataChanged(self, top_left: _Index, bottom_right: _Index,  # noqa: N802 (Qt API)
                    roles: Sequence[int] = ()) -> None:
        if isinstance(top_left, QModelIndex) and top_left == bottom_right and self._keeps_its_height(top_left):
            QAbstractItemView.dataChanged(self, top_left, bottom_right, list(roles))  # the row repainted, no layout
            return
        super().dataChanged(top_left, bottom_right, list(roles))

    def _keeps_its_height(self, index: QModelIndex) -> bool:
        """Whether the row's words, as they are now, fit the height it was laid out with. The height
        laid out is read from where the next row starts (``rectForIndex`` gives a row's height from
        its words as they are now, not as laid out), so the last row is always laid out again. The
        words are measured a pixel narrower than the row: at the edge of wrapping this answers
        "another height", and the list is laid out, never the other way round."""
        model = self.model()
        if (not index.isValid() or self.viewMode() is not QListView.ViewMode.ListMode
                or self.flow() is not QListView.Flow.TopToBottom or self.isWrapping()
                or index.row() + 1 >= model.rowCount(index.parent())):
            return False
        here = self.rectForIndex(index)
        below = self.rectForIndex(model.index(index.row() + 1, index.column(), index.parent()))
        if not here.isValid() or not below.isValid():
            return False
        laid = below.top() - here.top() - 2 * self.spacing()
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        option.rect = QRect(0, 0, here.width() - 1, laid)
        return self.itemDelegateForIndex(index).sizeHint(option, index).height() == laid
