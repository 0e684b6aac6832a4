"""What an existing document revision is made from (``services.documents.Source``): a visit's report
or Young Inspector report (``services.reports``), or a letter (``services.letters``)."""

from __future__ import annotations

from qa_desktop.domain.documents import DocumentKind, DocumentRuleError
from qa_desktop.reports.results import Progress, no_progress
from qa_desktop.services import documents
from qa_desktop.services.documents import Source
from qa_desktop.services.letters import letter_source
from qa_desktop.services.reports import visit_source
from qa_desktop.store.database import Store


def source_of(store: Store, revision_id: str, progress: Progress = no_progress) -> Source:
    """The records a revision is drawn from, as they are now (to submit, approve, issue or copy it)."""
    info = documents.document(store, revision_id)
    if info.kind in (DocumentKind.VISIT_REPORT, DocumentKind.YOUNG_INSPECTOR_REPORT):
        if info.visit_id is None:
            raise DocumentRuleError("That report revision names no visit.")
        return visit_source(store, info.visit_id, info.kind, progress)
    subject = info.subject_id or info.visit_id
    if subject is None:
        raise DocumentRuleError(f"That {info.kind.label.lower()} names no plan, embargo or visit.")
    return letter_source(store, info.kind, subject)
