"""The window's end of the change signal (after Anki's ``operation_did_execute``).

One ``ChangeHub`` per window process, over the workspace. The workspace tells its listeners of every
change on whatever thread made it (a sync runs in a worker thread); the hub re-emits each as
``changed(OpChanges)`` on the UI thread, where every open screen is connected and decides for
itself what to redraw. No screen pokes another.

Changes made by another program on the same data folder (``qa-desktop sync`` in a terminal, a
second window) reach the op log without passing through this process: the hub asks the workspace
to catch up every ``POLL_MS``, which costs one indexed look-up when nothing happened.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from qa_desktop.workspace import OpChanges, Workspace

#: How often to look for changes made by other programs on the same data folder.
POLL_MS = 1500


class ChangeHub(QObject):
    #: Every change, from anywhere, on the UI thread.
    changed = Signal(object)

    def __init__(self, workspace: Workspace, parent: QObject | None = None, *, poll_ms: int = POLL_MS) -> None:
        super().__init__(parent)
        self.workspace = workspace
        # emitted from the thread that made the change; Qt queues it to the hub's (UI) thread
        self._unsubscribe = workspace.subscribe(self.changed.emit)
        self._poll = QTimer(self, interval=poll_ms)
        self._poll.timeout.connect(self.catch_up)
        if poll_ms:
            self._poll.start()

    def catch_up(self) -> OpChanges:
        """Look now for changes made elsewhere (also what the timer does). Not while the store is
        still to be opened after the window's first paint (``Workspace.open_for_window``): nothing
        is missed: the first catch-up once it is open tells every change since the register was read."""
        if not self.workspace.is_open:
            return OpChanges()
        return self.workspace.catch_up()

    def close(self) -> None:
        self._poll.stop()
        self._unsubscribe()
