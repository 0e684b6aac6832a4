"""Whether the key that just moved a view's cursor is held down (the keyboard repeating it).

A screen that follows a list's cursor with a costly read (the provider page under the register) reads
at once for a key pressed, however fast the presses come, and waits for the cursor to rest while a key
is held: an officer tapping Down is never kept waiting, and holding it does not read the page of every
provider passed. The keyboard marks its repeats itself (``QKeyEvent.isAutoRepeat``).

Anything else that moves the cursor ends the hold: the key let go, a click (on the view's viewport,
where a scroll area's mouse presses go), the view losing focus. Otherwise a click after holding Down
would be taken for a held key and keep the officer waiting for the page."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractScrollArea

#: Events that end a hold.
_ENDS_HOLD = (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick, QEvent.Type.FocusOut,
              QEvent.Type.TouchBegin)


class KeyRepeatWatch(QObject):
    """Watches ``widget``'s key presses; ``held`` is true while the latest was a repeat and nothing
    else (a key let go, a click, the focus leaving) has happened since."""

    def __init__(self, widget: QObject) -> None:
        super().__init__(widget)
        self.held = False
        widget.installEventFilter(self)
        if isinstance(widget, QAbstractScrollArea):
            widget.viewport().installEventFilter(self)  # a table's clicks go to its viewport

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        kind = event.type()
        if kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            self.held = event.isAutoRepeat()
        elif kind == QEvent.Type.KeyRelease and isinstance(event, QKeyEvent):
            if not event.isAutoRepeat():  # the key let go (a repeat's own release is marked as one)
                self.held = False
        elif kind in _ENDS_HOLD:
            self.held = False
        return False  # only watched: the widget handles the event as ever
