"""The hand-over screen: a kiosk that keeps a Young Inspector in their own form (issue 15, point 4).

While the Young Inspector has the laptop, this window is all of QA Desktop there is:

- **Full screen, on top, application-modal, without a frame**: no title bar to close it with, no
  other window of the program to click.
- **The officer's windows are hidden** (the register, the visit, any dialog) and given back only
  after the unlock, so nothing of theirs shows even behind the kiosk or in the task bar. A window the
  program opens meanwhile (a message from a sync in the background) is hidden the moment it shows,
  and shown again after the unlock.
- **Input reaches nothing else**: an application-wide event filter drops every key, shortcut and
  mouse event meant for anything that is not this window (so an application shortcut such as
  Ctrl+D for the Oversight window, or a click on a window behind, does nothing).
- **It cannot be closed**: Alt+F4 or the system's close ask for the officer instead; Esc does
  nothing. Only the officer's unlock PIN or password (``workspace.hand_over``) ends it; after too
  many wrong tries the next must wait.

It runs on the Young Inspector's own workspace (role ``YOUNG_INSPECTOR``, assigned to the visit),
so even what it can call is their form and their reading settings alone.

What it cannot stop is the operating system itself: Ctrl+Alt+Del, the Windows key, switching to
another program. So the officer closes other programs first (the hand-over dialog says so); if QA
Desktop is ended from the Task Manager it opens again on this locked screen; Windows' Assigned Access
(a kiosk account) is the way to close the rest, for a team that wants it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QWindow
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from qa_desktop.ui.palette import warning_style
from qa_desktop.ui.speech import Speaker
from qa_desktop.ui.young_inspector_window import YoungInspectorWindow
from qa_desktop.workspace import Workspace
from qa_desktop.workspace.hand_over import Comfort, TooManyTries
from qa_desktop.workspace.visits import YoungInspectorSession

#: Events that are someone using the program: dropped unless they are for the kiosk.
INPUT_EVENTS = {QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.ShortcutOverride, QEvent.Type.Shortcut,
                QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease, QEvent.Type.MouseButtonDblClick,
                QEvent.Type.MouseMove, QEvent.Type.Wheel, QEvent.Type.ContextMenu, QEvent.Type.TouchBegin,
                QEvent.Type.TouchUpdate, QEvent.Type.TouchEnd, QEvent.Type.TabletPress, QEvent.Type.DragEnter,
                QEvent.Type.Drop, QEvent.Type.InputMethod, QEvent.Type.NativeGesture}

FORGOTTEN = ("Forgotten your PIN? Nobody can unlock this screen without it, and there is no way round it in "
             "QA Desktop. Sign out of Windows (Ctrl+Alt+Del, then Sign out) and sign in again with your own "
             "Windows password, then open QA Desktop: the hand-over ends (every answer is saved) and you can "
             "choose a new PIN.")


class HandOverKiosk(QWidget):
    """The locked, full-screen hand-over; ``unlocked`` once the officer's secret has ended it."""

    unlocked = Signal()

    def __init__(self, young: Workspace, form: YoungInspectorSession | None, *, unlock: Callable[[str], bool],
                 officer: str, locked: bool = False, speaker: Speaker | None = None) -> None:
        super().__init__(None, Qt.WindowType.Window | Qt.WindowType.FramelessWindowHint
                         | Qt.WindowType.WindowStaysOnTopHint)
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.setWindowTitle("Young Inspector")
        self.setObjectName("handOver")
        self.young, self._unlock, self.officer = young, unlock, officer
        self.is_unlocked = False
        self.hidden_windows: list[QWidget] = []
        self.form = self._form(young, form, speaker) if form is not None else None
        self.stack = QStackedWidget()
        self.stack.addWidget(self.form or QWidget())
        self.stack.addWidget(self._lock_page())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        if locked or self.form is None:
            self.lock("The laptop is waiting for the officer.")
        self.carry_on.setVisible(self.form is not None)

    def _form(self, young: Workspace, form: YoungInspectorSession, speaker: Speaker | None) -> YoungInspectorWindow:
        """The Young Inspector's form, in their reading settings, kept with them as they change them."""
        who = form.young_inspector_id
        comfort = young.hand_over.reading_comfort(who) if who else Comfort()

        def keep(chosen: Comfort) -> None:
            if who:
                young.hand_over.set_reading_comfort(who, chosen)

        shown = YoungInspectorWindow(form, comfort=comfort, keep_comfort=keep, speaker=speaker)
        shown.finished.connect(lambda: self.lock("Thank you! Please give the laptop back to the officer."))
        shown.break_wanted.connect(lambda: self.lock("Time for a break. Your answers are saved. Please give the "
                                                     "laptop to the officer."))
        return shown

    # -- the locked page -------------------------------------------------------------------------------

    def _lock_page(self) -> QWidget:
        page = QFrame()
        page.setObjectName("lockPage")
        font = page.font()
        font.setPointSizeF(font.pointSizeF() * 1.45)
        page.setFont(font)
        self.lock_title = QLabel()
        self.lock_title.setWordWrap(True)
        title_font = page.font()
        title_font.setPointSizeF(title_font.pointSizeF() * 1.4)
        title_font.setBold(True)
        self.lock_title.setFont(title_font)
        self.carry_on = QPushButton("Carry on with my form")
        self.carry_on.setAccessibleName("Carry on with my form (Young Inspector)")
        self.carry_on.clicked.connect(self.resume)
        officer_box = QFrame()
        officer_box.setObjectName("officerBox")
        self.secret = QLineEdit()
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setAccessibleName(f"Unlock PIN or password of {self.officer}")
        self.secret.setPlaceholderText("PIN or password")
        self.secret.returnPressed.connect(self.try_unlock)
        self.unlock_button = QPushButton("Unlock")
        self.unlock_button.setAccessibleName("Unlock and go back to the officer's screens")
        self.unlock_button.clicked.connect(self.try_unlock)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(warning_style())
        self.problem.setAccessibleName("Problem")
        self.forgot_button = QPushButton("Forgotten the PIN?")
        self.forgot_button.setObjectName("link")
        self.forgotten = QLabel(FORGOTTEN)
        self.forgot_button.clicked.connect(lambda: self.forgotten.setVisible(True))
        self.forgotten.setWordWrap(True)
        self.forgotten.setVisible(False)
        row = QHBoxLayout()
        row.addWidget(self.secret, 1)
        row.addWidget(self.unlock_button)
        box = QVBoxLayout(officer_box)
        box.addWidget(QLabel(f"<b>Officer ({self.officer})</b>: type your unlock PIN or password."))
        box.addLayout(row)
        box.addWidget(self.problem)
        box.addWidget(self.forgot_button, 0, Qt.AlignmentFlag.AlignLeft)
        box.addWidget(self.forgotten)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(60, 60, 60, 60)
        layout.addWidget(self.lock_title)
        layout.addWidget(self.carry_on, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addSpacing(30)
        layout.addWidget(officer_box)
        layout.addStretch(1)
        page.setStyleSheet("QFrame#officerBox { border: 1px solid palette(mid); border-radius: 8px; padding: 10px; }"
                           "QPushButton { padding: 8px 18px; }"
                           "QPushButton#link { border: none; text-decoration: underline; color: palette(link); }")
        for child in page.findChildren(QWidget):  # large text throughout (a style sheet stops it being inherited)
            if child is not self.lock_title:
                child.setFont(font)
        return page

    @property
    def locked(self) -> bool:
        return self.stack.currentIndex() == 1

    def lock(self, words: str) -> None:
        """Show the locked page: the Young Inspector may carry on; only the officer's secret leaves."""
        self.lock_title.setText(words)
        self.stack.setCurrentIndex(1)
        self.secret.clear()
        self.forgotten.setVisible(False)
        self.secret.setFocus()

    def resume(self) -> None:
        if self.form is None:
            return
        self.problem.clear()
        self.stack.setCurrentIndex(0)
        self.form.go(self.form.page)

    def try_unlock(self) -> None:
        secret = self.secret.text()
        self.secret.clear()
        if not secret:
            self.problem.setText("Type the officer's PIN or password.")
            return
        if self.form is not None and not self.form.saved_all():
            self.problem.setText("The Young Inspector's last answer is still being saved: try again in a moment.")
            return
        try:
            matched = self._unlock(secret)
        except TooManyTries as error:
            self.problem.setText(str(error))
            self.secret.setEnabled(False)
            self.unlock_button.setEnabled(False)
            wait_ms = max(1000, int((error.until - self.young.clock.now()).total_seconds() * 1000))
            QTimer.singleShot(wait_ms, self._may_try_again)
            return
        if not matched:
            self.problem.setText("That is not the officer's PIN or password.")
            self.secret.setFocus()
            return
        self.is_unlocked = True
        self.end()

    def _may_try_again(self) -> None:
        self.secret.setEnabled(True)
        self.unlock_button.setEnabled(True)
        self.problem.clear()

    # -- being a kiosk ---------------------------------------------------------------------------------

    def start(self) -> None:
        """Hide every other window of the program, go full screen, and let input reach only this."""
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        for window in app.topLevelWidgets():
            if window is not self and window.isVisible():
                self.hidden_windows.append(window)
                window.hide()
        app.installEventFilter(self)
        self.showFullScreen()
        self.raise_()
        self.activateWindow()
        if not self.locked and self.form is not None:
            self.form.go(self.form.page)

    def end(self) -> None:
        """The officer has unlocked: stop filtering, give their windows back, close."""
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        if self.form is not None:
            self.form.speaker.stop()
        self.close()
        for window in self.hidden_windows:
            try:
                window.show()
            except RuntimeError:  # closed and deleted meanwhile
                continue
        self.hidden_windows = []
        self.unlocked.emit()

    def _ours(self, target: QObject) -> bool:
        """Whether ``target`` (a widget, its window, a shortcut or action) belongs to this kiosk."""
        if isinstance(target, QWindow):
            return target is self.windowHandle()
        node: QObject | None = target
        while node is not None:
            if node is self:
                return True
            node = node.parent()
        return False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        kind = event.type()
        if kind in INPUT_EVENTS:
            return not self._ours(watched)  # dropped: it was meant for something of the officer's
        if (kind == QEvent.Type.Show and isinstance(watched, QWidget) and watched.isWindow()
                and not self._ours(watched) and type(watched).__name__ != "QTipLabel"):
            if watched not in self.hidden_windows:
                self.hidden_windows.append(watched)
            QTimer.singleShot(0, watched.hide)  # a window of the officer's opened meanwhile: out of sight
        return False

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt API)
        if event.key() == Qt.Key.Key_Escape:
            event.accept()  # Esc does not leave the hand-over
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        if not self.is_unlocked:
            event.ignore()  # Alt+F4, the system's close: the officer must unlock
            if not self.locked and self.form is not None and self.form.saved_all():
                self.lock("Please give the laptop to the officer.")
            return
        super().closeEvent(event)
