"""Whether the key that just moved a view's cursor is held down (the keyboard repeating it).

A screen that follows a list's cursor with a costly read (the provider page under the register) reads
at once for a key pressed, however fast the presses come, and waits for the cursor to rest while a key
is held: an officer tapping Down is never kept waiting, and holding it does not read the page of every
provider passed. The keyboard marks its repeats itself (``QKeyEvent.isAutoRepeat``)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QKeyEvent


class KeyRepeatWatch(QObject):
    """Watches ``widget``'s key presses; ``held`` is true while the latest was a repeat."""

    def __init__(self, widget: QObject) -> None:
        super().__init__(widget)
        self.held = False
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            self.held = event.isAutoRepeat()
        return False  # only watched: the widget handles the key as ever
