"""The visit report's lifecycle on the visit screen (issue 18): where the report stands, in words,
and the next steps: submit for approval, approve (the QA lead), issue to the distribution list (an
e-mail draft with the PDF attached), save it as Word, record the provider's reply. Every step is
the workspace's (``ws.documents``), which checks roles and states itself: a button here never
decides what is allowed, it only offers it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QStandardPaths, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QInputDialog,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from qa_desktop.domain.documents import DocumentKind, DocumentRuleError, DocumentStatus
from qa_desktop.domain.roles import NotAllowed, Role
from qa_desktop.ui.background import BackgroundTask
from qa_desktop.ui.palette import warning_style
from qa_desktop.ui.typed_dates import date_problems, day_edit
from qa_desktop.workspace import Workspace

if TYPE_CHECKING:  # the documents' service imports SQLAlchemy: not before the window's first paint (issue 22)
    from qa_desktop.workspace.documents import Addressee, DocumentInfo, ReportResult


def open_with_system_viewer(path: Path) -> None:
    """Show a made file in the program the system opens it with (a PDF viewer, Word, Outlook)."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def documents_folder() -> str:
    """Where files an officer saves start: their Documents folder (never the program's folder)."""
    return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())


def status_words(info: DocumentInfo | None) -> str:
    """Where the visit report stands, in words an officer reads at a glance."""
    if info is None:
        return "Not made yet"
    words = f"{info.kind.label}, revision {info.revision}: {info.status.label.lower()}"
    if info.status is DocumentStatus.SUBMITTED and info.submitted_by:
        words += f" by {info.submitted_by}, awaiting the QA lead's approval"
    elif info.status is DocumentStatus.APPROVED and info.approved_by:
        words += f" by {info.approved_by}"
    elif info.status is DocumentStatus.ISSUED and info.issued_at:
        words += f" on {info.issued_at:%d %b %Y} to {len(info.sent_to)} "
        words += "person" if len(info.sent_to) == 1 else "people"
        if info.reply_received_on:
            words += f"; reply received {info.reply_received_on:%d %b %Y}"
        elif info.reply_due_on:
            words += f"; reply due {info.reply_due_on:%d %b %Y}"
    return words


#: Who on a distribution list is the provider itself (``services.distribution.ROLE_NAMES``).
PROVIDER_ROLES = frozenset({"Provider", "Registered manager"})


class IssueDialog(QDialog):
    """Choose who receives it (the provider's distribution list, by role), when the reply is due,
    and where the e-mail draft is written."""

    def __init__(self, people: list[Addressee], due: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Issue the report")
        self.people = people
        #: Said when nobody of the provider's own can receive it (``None`` when someone can).
        self.provider_missing: QLabel | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Send to (the provider's distribution list):"))
        self.boxes: list[QCheckBox] = []
        for person in people:
            box = QCheckBox(f"{person.name} ({person.role})" + (f" <{person.email}>" if person.email
                                                                 else ": no e-mail address recorded"))
            box.setChecked(bool(person.email))
            box.setEnabled(bool(person.email))
            self.boxes.append(box)
            layout.addWidget(box)
        if not people:
            layout.addWidget(QLabel("Nobody is on the distribution list yet: add the provider's contacts first."))
        elif not any(person.email and person.role in PROVIDER_ROLES for person in people):
            # Section 11: the report is "distributed to the provider and key professionals"; issued to the
            # professionals alone it would be recorded as sent, the reply awaited from a provider that
            # never had it (walk6)
            missing = QLabel("The provider is not on this list: no contact of the provider or its registered "
                             "manager has an e-mail address. Add one on the provider's page (Contacts) before "
                             "issuing, or send the report to the provider yourself.")
            missing.setWordWrap(True)
            missing.setStyleSheet(warning_style())
            missing.setAccessibleName("The provider is not on the distribution list")
            self.provider_missing = missing
            layout.addWidget(missing)
        form = QFormLayout()
        self.due = day_edit(due, "Provider's reply due")
        form.addRow("Provider's reply &due", self.due)
        layout.addLayout(form)
        self.date_problem = QLabel()
        self.date_problem.setWordWrap(True)
        self.date_problem.setStyleSheet(warning_style())
        self.date_problem.setAccessibleName("Problem")
        self.date_problem.hide()
        layout.addWidget(self.date_problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Issue")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def accept(self) -> None:
        for _field, problem in date_problems(self):  # 31/11: said in the form, nothing issued
            self.date_problem.setText(problem)
            self.date_problem.show()  # the field keeps what was typed
            return
        super().accept()

    def chosen(self) -> list[Addressee]:
        return [person for person, box in zip(self.people, self.boxes, strict=True) if box.isChecked()]

    def reply_due(self) -> dt.date:
        chosen = self.due.date()
        return dt.date(chosen.year(), chosen.month(), chosen.day())


class DocumentsButton(QPushButton):
    """"Report status" with the lifecycle's steps in its menu; its label says where the report stands."""

    changed = Signal()

    def __init__(self, workspace: Workspace, visit_id: str | None, parent: QWidget | None = None, *,
                 latest: Callable[[], DocumentInfo | None] | None = None, words: str = "Report s&tatus") -> None:
        """Of a visit's report; or, with ``latest``, of whatever document it gives (a letter)."""
        super().__init__(words, parent)
        self.workspace = workspace
        self.visit_id = visit_id
        self._latest = latest
        self.task: BackgroundTask | None = None
        menu = QMenu(self)
        self.submit_action = menu.addAction("&Submit for the QA lead's approval", self.submit)
        self.approve_action = menu.addAction("&Approve for issue (QA lead)", self.approve)
        self.issue_action = menu.addAction("&Issue to the provider and professionals…", self.issue)
        menu.addSeparator()
        self.word_action = menu.addAction("Save as &Word…", self.save_word)
        self.reply_action = menu.addAction("Record the provider's &reply…", self.record_reply)
        menu.aboutToShow.connect(self.refresh)
        self.setMenu(menu)
        self.refresh()

    def latest(self) -> DocumentInfo | None:
        if self._latest is not None:
            return self._latest()
        assert self.visit_id is not None
        return self.workspace.documents.latest(self.visit_id, DocumentKind.VISIT_REPORT)

    def refresh(self) -> None:
        info = self.latest()
        words = status_words(info)
        self.setToolTip(words)
        self.setAccessibleDescription(words)
        status = info.status if info else None
        self.submit_action.setEnabled(status is DocumentStatus.DRAFT)
        self.approve_action.setEnabled(status is DocumentStatus.SUBMITTED
                                       and self.workspace.user.role is Role.QA_LEAD)
        self.issue_action.setEnabled(status is DocumentStatus.APPROVED)
        self.word_action.setEnabled(info is not None)
        self.reply_action.setEnabled(status is DocumentStatus.ISSUED and info is not None
                                     and info.reply_received_on is None)

    def _step(self, title: str, step: str) -> DocumentInfo | None:
        info = self.latest()
        if info is None:
            QMessageBox.information(self, title, "Make it first (Report, Ctrl+R, for a visit's report; Letter… "
                                    "for a letter).")
        return info

    def _refused(self, title: str, error: Exception) -> None:
        QMessageBox.information(self, title, str(error))

    def submit(self) -> None:
        info = self._step("Submit the report", "submit")
        if info is None:
            return
        try:
            self.workspace.documents.submit(info.id)
        except (DocumentRuleError, NotAllowed, ValueError) as error:
            self._refused("The report was not submitted", error)
            return
        self.refresh()
        self.changed.emit()

    def approve(self) -> None:
        info = self._step("Approve the report", "approve")
        if info is None:
            return
        try:
            self.workspace.documents.approve(info.id)
        except (DocumentRuleError, NotAllowed, ValueError) as error:
            self._refused("The report was not approved", error)
            return
        self.refresh()
        self.changed.emit()

    def issue(self, folder: str | None = None, dialog: IssueDialog | None = None) -> Path | None:
        info = self._step("Issue the report", "issue")
        if info is None:
            return None
        provider_id = info.provider_id or (self.workspace.visits.header(info.visit_id).provider_id
                                           if info.visit_id else "")
        people = self.workspace.documents.distribution(provider_id)
        dialog = dialog or IssueDialog(people, self.workspace.documents.default_reply_due(), self)
        if not dialog.isVisible() and dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        if folder is None:
            folder = QFileDialog.getExistingDirectory(self, "Where to save the e-mail draft", documents_folder())
            if not folder:
                return None
        try:
            issued = self.workspace.documents.issue(info.id, dialog.chosen(), Path(folder), dialog.reply_due()).value
        except (DocumentRuleError, NotAllowed, ValueError, OSError) as error:
            self._refused("The report was not issued", error)
            return None
        self.refresh()
        self.changed.emit()
        QMessageBox.information(self, "Issued",
                                f"Recorded as sent to {', '.join(p.name for p in issued.to)}; the provider's reply "
                                f"is due {issued.reply_due_on:%d %B %Y}.\n\nThe e-mail, with the report attached, is "
                                f"ready to open in Outlook and send:\n{issued.eml}")
        return issued.eml

    def save_word(self, path: str | None = None) -> BackgroundTask | None:
        info = self._step("Save as Word", "word")
        if info is None:
            return None
        if path is None:
            suggested = str(Path(documents_folder()) / (Path(info.file_name).stem + ".docx"))
            path, _ = QFileDialog.getSaveFileName(self, "Save the report as Word", suggested, "Word (*.docx)")
            if not path:
                return None
        target = Path(path if path.lower().endswith(".docx") else f"{path}.docx")
        task = BackgroundTask(self, "Making the Word copy", lambda progress: self.workspace.documents.word(info.id,
                                                                                                            target),
                              expected=(DocumentRuleError, ValueError, OSError))
        task.finished.connect(lambda result: self._word_made(result))
        task.failed.connect(lambda message: QMessageBox.warning(self, "The Word copy was not made", message))
        self.task = task.start()
        return task

    def _word_made(self, result: ReportResult) -> None:
        self.setToolTip(f"{status_words(self.latest())}. Word copy: {result.path}")
        # said where it went (walk6: only the tooltip changed, so nothing seemed to happen)
        QMessageBox.information(self, "Word copy saved", f"The Word copy of the report is saved as {result.path}.")

    def record_reply(self, note: str | None = None) -> None:
        info = self._step("Record the reply", "reply")
        if info is None:
            return
        if note is None:
            note, ok = QInputDialog.getMultiLineText(self, "The provider's reply",
                                                     "What did the provider say (briefly)? It is recorded as "
                                                     "received today.")
            if not ok:
                return
        try:
            self.workspace.documents.record_reply(info.id, self.workspace.clock.today(), note)
        except (DocumentRuleError, ValueError) as error:
            self._refused("The reply was not recorded", error)
            return
        self.refresh()
        self.changed.emit()
