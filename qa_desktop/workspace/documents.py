"""Documents that go out, through the workspace: their revisions, submitting, the QA lead's approval,
issuing, and the provider's reply (``services.documents`` holds the rules)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from qa_desktop.domain.documents import DocumentKind, DocumentRuleError, DocumentStatus, add_working_days
from qa_desktop.reports.results import Progress, ReportResult, no_progress
from qa_desktop.services import distribution, documents
from qa_desktop.services.distribution import Issued
from qa_desktop.services.documents import Addressee, DocumentInfo, ReplyDue, SentTo
from qa_desktop.services.letters import LETTER_KINDS, letter_source
from qa_desktop.services.reports import save_report_copy, viewing_copy
from qa_desktop.services.sources import source_of
from qa_desktop.workspace.changes import Done
from qa_desktop.workspace.guard import Service

__all__ = ["DocumentService", "DocumentInfo", "SentTo", "Addressee", "DocumentKind", "DocumentStatus",
           "DocumentRuleError", "ReportResult", "Issued", "ReplyDue", "LETTER_KINDS"]


class DocumentService(Service):
    area = "documents"

    def get(self, revision_id: str) -> DocumentInfo:
        return documents.document(self._ws._store, revision_id)

    def of_visit(self, visit_id: str) -> list[DocumentInfo]:
        """Every revision of the visit's report and Young Inspector report, oldest first."""
        return documents.documents_of_visit(self._ws._store, visit_id)

    def of_provider(self, provider_id: str) -> list[DocumentInfo]:
        """The letters and plans made from the provider's records."""
        return documents.documents_of_provider(self._ws._store, provider_id)

    def latest(self, visit_id: str, kind: DocumentKind = DocumentKind.VISIT_REPORT) -> DocumentInfo | None:
        found = [d for d in self.of_visit(visit_id) if d.kind is kind]
        return found[-1] if found else None

    def letter(self, kind: DocumentKind, subject_id: str) -> Done[ReportResult]:
        """A letter or plan (its latest revision, drawn again if the records changed): ``subject_id``
        is the action plan's, the embargo's, or the visit's (Young Inspector feedback)."""
        store = self._ws._store
        return self._ws._mutation(lambda: documents.make(store, letter_source(store, kind, subject_id)))

    def letters_of(self, kind: DocumentKind, subject_id: str) -> list[DocumentInfo]:
        """Every revision of one letter, oldest first."""
        found = self.of_provider_or_visit(subject_id)
        return [d for d in found if d.kind is kind and (d.subject_id == subject_id)]

    def of_provider_or_visit(self, subject_id: str) -> list[DocumentInfo]:
        return documents.documents_of_subject(self._ws._store, subject_id)

    def submit(self, revision_id: str, progress: Progress = no_progress) -> Done[ReportResult]:
        """An officer submits a draft for the QA lead's approval."""
        store = self._ws._store
        return self._ws._mutation(lambda: documents.submit(store, revision_id, source_of(store, revision_id, progress)))

    def approve(self, revision_id: str, progress: Progress = no_progress) -> Done[ReportResult]:
        """The QA lead approves a submitted revision (refused to anyone else)."""
        store = self._ws._store
        return self._ws._mutation(lambda: documents.approve(store, revision_id,
                                                            source_of(store, revision_id, progress)))

    def word(self, revision_id: str, path: Path | None = None) -> ReportResult:
        """The revision as a Word document (.docx): a plain copy at ``path`` (where the officer chose),
        or kept encrypted beside its PDF (read it through ``viewing_copy``)."""
        store = self._ws._store
        return documents.word(store, revision_id, source_of(store, revision_id), path)

    def viewing_copy(self, kept: Path) -> Path:
        """A plain copy of a kept document (``ReportResult.path``, ``DocumentInfo.path``) for the system's
        viewer, in the data folder's viewing area: removed when the program closes."""
        return viewing_copy(self._ws._store, kept)

    def save_copy(self, kept: Path, target: Path) -> Path:
        """"Save as…": a plain copy of a kept document at ``target``, where the officer chose."""
        return save_report_copy(self._ws._store, kept, target)

    def default_reply_due(self) -> dt.date:
        """When a provider's reply is due if the document is issued today (the team's working days)."""
        return add_working_days(self._ws.clock.today(), distribution.reply_working_days(self._ws.data_dir))

    def distribution(self, provider_id: str) -> list[Addressee]:
        """Everyone the provider's documents may go to, by role (its contacts, its lead commissioner,
        Access to Resources)."""
        return distribution.distribution_list(self._ws._store, provider_id)

    def issue(self, revision_id: str, to: Sequence[Addressee], eml_folder: Path,
              reply_due_on: dt.date | None = None) -> Done[Issued]:
        """Issue an approved revision to these people: recorded, and an e-mail draft (``.eml``) with
        the PDF attached written to ``eml_folder``, to open in Outlook and send. The draft is a plain
        copy of the report: ``eml_folder`` is where the officer chose (the data folder is refused)."""
        store = self._ws._store
        return self._ws._mutation(lambda: distribution.issue(store, revision_id, source_of(store, revision_id), to,
                                                             eml_folder, reply_due_on))

    def replies_due(self, provider_id: str | None = None) -> list[ReplyDue]:
        """Providers' replies awaited (issued documents with a due date and no reply), earliest first."""
        return documents.replies_due(self._ws._store, self._ws.clock.today(), provider_id)

    def record_reply(self, revision_id: str, received_on: dt.date, note: str = "") -> Done[None]:
        return self._ws._mutation(lambda: documents.record_reply(self._ws._store, revision_id, received_on, note))

    def set_reply_due(self, revision_id: str, due_on: dt.date | None) -> Done[None]:
        return self._ws._mutation(lambda: documents.set_reply_due(self._ws._store, revision_id, due_on))
