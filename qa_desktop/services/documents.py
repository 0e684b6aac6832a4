"""The lifecycle of the documents that go out (``domain.documents``): made as a draft, submitted,
approved by the QA lead, issued; and reopening a completed visit (issue 21).

Every state is a field of the revision's row (``ReportRevision``), written through ``Changes``: it
syncs to every laptop and is in the audit trail with who and when. The file is made on each laptop
from the records (``Source``): a revision approved on the lead's laptop is drawn the same on the
officer's, with the lead's name and date on its sign-off.

Files are kept as the reports are (``store.report_files``, issue 15 point 2): laid out in memory and
kept encrypted in ``DATA_DIR/reports/<owner>/`` (the owner: the visit, else the plan or embargo the
letter is about, so retention deletes a record's documents with it on every laptop). A
``ReportResult.path`` or ``DocumentInfo.path`` names the kept file: it is read through a viewing copy
(removed when the program closes) or "Save as…" (``services.reports``); the only plain copies are
those written where the officer chose (a Word copy, the e-mail draft of an issued revision).

Rules kept here, not in the buttons:

- A draft says why it is one on every page (the visit is in progress and how many answers remain;
  or it is not yet submitted). A visit's report is submitted only once the visit is complete.
- Only the QA lead approves (``store.access``); only an approved revision is issued; an issued
  revision is never changed. Records changed after a revision was issued (a reopened visit, or an
  edit that arrived by sync) make the next revision, saying what it corrects.
- Records changed after a revision was submitted or approved, but before it was issued, send it
  back to draft: an approval is of what the lead read, nothing else.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from qa_desktop.domain.documents import (
    DocumentKind,
    DocumentRuleError,
    DocumentStatus,
    check_approve,
    check_issue,
    check_submit,
)
from qa_desktop.domain.roles import require_lead, require_officer
from qa_desktop.domain.visits import VisitRuleError, VisitStatus
from qa_desktop.reports.results import ReportResult, Standing
from qa_desktop.store.changes import Changes, derived_id
from qa_desktop.store.database import Store
from qa_desktop.store.models import Provider, ReportRecipient, ReportRevision, Setting, Visit
from qa_desktop.store.report_files import REPORTS_FOLDER, UNFILED

#: Where a document is drawn: a binary stream (laid out in memory, then kept encrypted) or a plain
#: file the officer chose.
Target = Path | IO[bytes]


@dataclass(frozen=True)
class Source:
    """What a document is made from, worked out from the records now.

    ``fingerprint``: a hash of everything the document says (a changed record makes a new one);
    ``in_progress``: why the records are not final yet, in words (a visit in progress, with how many
    answers remain), or ``None``; ``build(standing, revision, target)`` writes the file."""

    kind: DocumentKind
    reference: str
    fingerprint: str
    build: Callable[[Standing, int, Target], ReportResult]
    visit_id: str | None = None
    provider_id: str | None = None
    subject_id: str | None = None
    in_progress: str | None = None
    photos: int = 0
    provider_name: str = ""
    setting_name: str = ""
    #: The same document as Word (``reports.word``), drawn on request.
    build_word: Callable[[Standing, int, Target], ReportResult] | None = None


@dataclass(frozen=True)
class SentTo:
    name: str
    email: str | None
    role: str
    sent_at: dt.datetime


@dataclass(frozen=True)
class DocumentInfo:
    """A revision as screens and commands show it."""

    id: str
    kind: DocumentKind
    revision: int
    status: DocumentStatus
    file_name: str
    path: Path | None  # the kept (encrypted) file on this laptop, if it has been made here
    visit_id: str | None
    provider_id: str | None
    subject_id: str | None
    corrects: str | None
    submitted_by: str | None
    submitted_at: dt.datetime | None
    approved_by: str | None
    approved_at: dt.datetime | None
    issued_by: str | None
    issued_at: dt.datetime | None
    reply_due_on: dt.date | None
    reply_received_on: dt.date | None
    reply_note: str | None
    sent_to: tuple[SentTo, ...]

    @property
    def label(self) -> str:
        return f"{self.kind.label}, revision {self.revision}: {self.status.label.lower()}"


def folder(store: Store) -> Path:
    return store.data_dir / REPORTS_FOLDER


def owner_of(visit_id: str | None, subject_id: str | None, provider_id: str | None) -> str:
    """The record a document's files are kept under (``store.report_files``): its visit, else the plan
    or embargo it is about, else its provider; what retention removes them with."""
    return visit_id or subject_id or provider_id or UNFILED


def kept(store: Store, row: ReportRevision) -> Path | None:
    """Where a revision's file is kept (encrypted) on this laptop; ``None`` before it was drawn."""
    if not row.file_name:
        return None
    try:
        return store.reports.path(owner_of(row.visit_id, row.subject_id, row.provider_id), row.file_name)
    except ValueError:
        return None  # a name from another version this one would not write


def _latest(session: Session, source: Source) -> ReportRevision | None:
    query = select(ReportRevision).where(ReportRevision.kind == source.kind.value, ReportRevision.deleted.is_(False))
    if source.visit_id is not None:
        query = query.where(ReportRevision.visit_id == source.visit_id)
    if source.subject_id is not None:
        query = query.where(ReportRevision.subject_id == source.subject_id)
    return session.scalars(query.order_by(ReportRevision.revision.desc())).first()


def _info(session: Session, row: ReportRevision, store: Store) -> DocumentInfo:
    sent = session.scalars(select(ReportRecipient).where(ReportRecipient.revision_id == row.id,
                                                         ReportRecipient.deleted.is_(False))
                           .order_by(ReportRecipient.sent_at, ReportRecipient.name)).all()
    path = kept(store, row)
    return DocumentInfo(
        row.id, DocumentKind(row.kind), row.revision, row.state, row.file_name,
        path if path is not None and path.exists() else None,
        row.visit_id, row.provider_id, row.subject_id, row.corrects, row.submitted_by, row.submitted_at,
        row.approved_by, row.approved_at, row.issued_by, row.issued_at, row.reply_due_on, row.reply_received_on,
        row.reply_note, tuple(SentTo(r.name, r.email, r.role, r.sent_at) for r in sent))


def document(store: Store, revision_id: str) -> DocumentInfo:
    require_officer(store.user, "documents")
    with store.read() as session:
        row = session.get(ReportRevision, revision_id)
        if row is None or row.deleted:
            raise DocumentRuleError("That document revision does not exist (it may have been deleted).")
        return _info(session, row, store)


def _documents_where(store: Store, condition: ColumnElement[bool]) -> list[DocumentInfo]:
    """Every revision (not deleted) that ``condition`` picks, by kind then revision."""
    require_officer(store.user, "documents")
    with store.read() as session:
        rows = session.scalars(select(ReportRevision).where(condition, ReportRevision.deleted.is_(False))
                               .order_by(ReportRevision.kind, ReportRevision.revision)).all()
        return [_info(session, row, store) for row in rows]


def documents_of_visit(store: Store, visit_id: str) -> list[DocumentInfo]:
    return _documents_where(store, ReportRevision.visit_id == visit_id)


def documents_of_provider(store: Store, provider_id: str) -> list[DocumentInfo]:
    """The letters and plans made from a provider's records (its visits' reports are on the visits)."""
    return _documents_where(store, ReportRevision.provider_id == provider_id)


def documents_of_subject(store: Store, subject_id: str) -> list[DocumentInfo]:
    """Every revision of the letters about one plan, embargo or visit."""
    return _documents_where(store, ReportRevision.subject_id == subject_id)


def _standing(row: ReportRevision, source: Source, now: dt.datetime) -> Standing:
    state = row.state
    draft = None
    if state is DocumentStatus.DRAFT:
        draft = source.in_progress or "not yet submitted for the QA lead's approval"
    return Standing(made_at=now, draft=draft, submitted_by=row.submitted_by,
                    submitted_on=row.submitted_at.date() if row.submitted_at else None,
                    approved_by=row.approved_by if state in (DocumentStatus.APPROVED, DocumentStatus.ISSUED) else None,
                    approved_on=row.approved_at.date() if row.approved_at and row.approved_by else None,
                    corrects=row.corrects)


def _file_name(source: Source, row: ReportRevision, fingerprint: str) -> str:
    suffix = "" if source.kind is DocumentKind.VISIT_REPORT else f"-{source.kind.value.replace('_', '-')}"
    state = row.state
    if state is DocumentStatus.DRAFT:
        # a draft is made again as the visit changes: a new name each time, so a copy open in a
        # viewer (Windows locks it) never stops the next one being written
        return f"{source.reference}{suffix}-r{row.revision}-draft-{fingerprint[:8]}.pdf"
    if state is DocumentStatus.SUBMITTED:
        return f"{source.reference}{suffix}-r{row.revision}-submitted.pdf"
    return f"{source.reference}{suffix}-r{row.revision}.pdf"


@dataclass(frozen=True)
class _Drawing:
    """A revision's file to be written, as its state says (worked out inside a unit of work; written
    after it, so a report taking seconds never holds the data file from the officers' screens)."""

    row_id: str
    revision: int
    name: str
    standing: Standing


def _drawing(store: Store, row: ReportRevision, source: Source) -> _Drawing:
    return _Drawing(row.id, row.revision, _file_name(source, row, source.fingerprint),
                    _standing(row, source, store.clock.now()))


def _draw(store: Store, drawing: _Drawing, source: Source) -> ReportResult:
    """Lay the file out in memory and keep it encrypted (never plain in the data folder), then record
    on the revision which file it is and what it says."""
    laid_out = io.BytesIO()
    result = source.build(drawing.standing, drawing.revision, laid_out)
    path = store.reports.put(owner_of(source.visit_id, source.subject_id, source.provider_id), drawing.name,
                             laid_out.getvalue())
    with store.write() as changes:
        row = _row(changes, drawing.row_id)
        changes.update(row, file_name=drawing.name, fingerprint=source.fingerprint, pages=result.pages)
    return replace(result, path=path)


def _reused(store: Store, row: ReportRevision, source: Source) -> ReportResult | None:
    path = kept(store, row)
    if (row.fingerprint == source.fingerprint and row.file_name == _file_name(source, row, source.fingerprint)
            and path is not None and store.reports.exists(path)):
        return ReportResult(path, row.pages, source.photos, (), reused=True)
    return None


def _new_revision(changes: Changes, source: Source, number: int, corrects: str | None) -> ReportRevision:
    row_id = derived_id("report_revision", source.kind.value, source.visit_id or "", source.subject_id or "",
                        str(number))
    existing = changes.session.get(ReportRevision, row_id)
    if existing is not None:  # made on another laptop at the same time: the same row
        return existing
    return changes.create(ReportRevision, id=row_id, visit_id=source.visit_id, provider_id=source.provider_id,
                          subject_id=source.subject_id, kind=source.kind.value, revision=number,
                          fingerprint="", file_name="", pages=0, status=DocumentStatus.DRAFT, corrects=corrects)


def _back_to_draft(changes: Changes, row: ReportRevision) -> None:
    changes.update(row, status=DocumentStatus.DRAFT, submitted_by=None, submitted_at=None, approved_by=None,
                   approved_at=None)


def make(store: Store, source: Source, reopen_reason: Callable[[Session], str | None] = lambda s: None) -> ReportResult:
    """The document as the records say now: the latest revision's file when nothing changed, a
    redrawn draft, or the next revision when the latest was issued and the records changed since."""
    require_officer(store.user, "or make documents")
    with store.read() as session:
        latest = _latest(session, source)
        if latest is not None and (reused := _reused(store, latest, source)) is not None:
            return reused
    with store.write() as changes:
        row = _latest(changes.session, source)
        if row is None:
            row = _new_revision(changes, source, 1, None)
        elif row.state is DocumentStatus.ISSUED and row.fingerprint != source.fingerprint:
            why = reopen_reason(changes.session) or "changes made to the records after it was issued"
            row = _new_revision(changes, source, row.revision + 1, f"revision {row.revision}: {why}")
        elif row.state in (DocumentStatus.SUBMITTED, DocumentStatus.APPROVED) and row.fingerprint != source.fingerprint:
            _back_to_draft(changes, row)  # what was submitted is not what the records say now
        drawing = _drawing(store, row, source)
    return _draw(store, drawing, source)


def _row(changes: Changes, revision_id: str) -> ReportRevision:
    row = changes.session.get(ReportRevision, revision_id)
    if row is None or row.deleted:
        raise DocumentRuleError("That document revision does not exist (it may have been deleted).")
    return row


def _unchanged(row: ReportRevision, source: Source, step: str) -> None:
    if row.fingerprint != source.fingerprint:
        raise DocumentRuleError(f"The records changed since this revision was made, so it cannot be {step} as it "
                                "is: make it again and check it first.")


def submit(store: Store, revision_id: str, source: Source) -> ReportResult:
    """An officer submits a draft for the QA lead's approval (a visit's report: once the visit is complete)."""
    require_officer(store.user, "or submit documents")
    with store.write() as changes:
        row = _row(changes, revision_id)
        check_submit(row.state, visit_complete=None if source.visit_id is None else source.in_progress is None)
        changes.update(row, status=DocumentStatus.SUBMITTED, submitted_by=store.user.name,
                       submitted_at=changes.now())
        drawing = _drawing(store, row, source)
    return _draw(store, drawing, source)


def approve(store: Store, revision_id: str, source: Source) -> ReportResult:
    """The QA lead approves a submitted revision: their name and the date go on its sign-off."""
    require_lead(store.user, "approve documents for issue")
    with store.write() as changes:
        row = _row(changes, revision_id)
        check_approve(row.state)
        _unchanged(row, source, "approved")
        changes.update(row, status=DocumentStatus.APPROVED, approved_by=store.user.name, approved_at=changes.now())
        drawing = _drawing(store, row, source)
    return _draw(store, drawing, source)


@dataclass(frozen=True)
class Addressee:
    name: str
    email: str | None
    role: str


def mark_issued(store: Store, revision_id: str, source: Source, to: Sequence[Addressee],
                reply_due_on: dt.date | None) -> Path:
    """Record an approved revision as issued to these people now; its kept (encrypted) file, made again
    on this laptop first if it was approved on another."""
    require_officer(store.user, "or issue documents")
    if not to:
        raise DocumentRuleError("Choose at least one person to send it to.")
    with store.read() as session:
        row = session.get(ReportRevision, revision_id)
        if row is None or row.deleted:
            raise DocumentRuleError("That document revision does not exist (it may have been deleted).")
        check_issue(row.state)
        _unchanged(row, source, "issued")
        found = kept(store, row)
        drawing = None if found is not None and store.reports.exists(found) else _drawing(store, row, source)
    if drawing is not None:
        found = _draw(store, drawing, source).path
    assert found is not None
    with store.write() as changes:
        row = _row(changes, revision_id)
        check_issue(row.state)  # again: another laptop's issue may have arrived meanwhile
        now = changes.now()
        changes.update(row, status=DocumentStatus.ISSUED, issued_by=store.user.name, issued_at=now,
                       reply_due_on=reply_due_on)
        for person in to:
            changes.create(ReportRecipient, revision_id=row.id, name=person.name, email=person.email, role=person.role,
                           sent_at=now)
    return found


def word(store: Store, revision_id: str, source: Source, path: Path | None = None) -> ReportResult:
    """The revision as Word (.docx), saying what its PDF says (its state, approval and corrections).

    At ``path`` (where the officer chose: "Save as Word…", ``--word FILE``) it is a plain copy, theirs
    to protect; without one it is kept beside its PDF, encrypted like it (``store.report_files``), and
    read through a viewing copy."""
    require_officer(store.user, "documents")
    if source.build_word is None:
        raise DocumentRuleError(f"{source.kind.label} documents are not made in Word yet.")
    with store.read() as session:
        row = session.get(ReportRevision, revision_id)
        if row is None or row.deleted:
            raise DocumentRuleError("That document revision does not exist (it may have been deleted).")
        if row.state is not DocumentStatus.DRAFT:
            _unchanged(row, source, "copied to Word")
        standing = _standing(row, source, store.clock.now())
        number = row.revision
        name = _file_name(source, row, source.fingerprint).removesuffix(".pdf") + ".docx"
    if path is not None:
        return source.build_word(standing, number, path)
    laid_out = io.BytesIO()
    result = source.build_word(standing, number, laid_out)
    return replace(result, path=store.reports.put(owner_of(source.visit_id, source.subject_id, source.provider_id),
                                                  name, laid_out.getvalue()))


def record_reply(store: Store, revision_id: str, received_on: dt.date, note: str) -> None:
    """The provider's reply to an issued revision arrived (factual accuracy comments, its plan response)."""
    require_officer(store.user, "or record replies")
    with store.write() as changes:
        row = _row(changes, revision_id)
        if row.state is not DocumentStatus.ISSUED:
            raise DocumentRuleError("A reply can be recorded only for a document that was issued.")
        changes.update(row, reply_received_on=received_on, reply_note=note.strip() or None)


def set_reply_due(store: Store, revision_id: str, due_on: dt.date | None) -> None:
    require_officer(store.user, "or change reply dates")
    with store.write() as changes:
        changes.update(_row(changes, revision_id), reply_due_on=due_on)


def reopen_visit(store: Store, visit_id: str, reason: str) -> None:
    """Open a completed visit again, with the reason (audited). Its report revisions not yet issued
    go back to draft; an issued one stays as it was, and the next report says what it corrects."""
    require_officer(store.user, "or reopen visits")
    reason = reason.strip()
    if not reason:
        raise VisitRuleError("Say why the visit is being reopened: the reason is kept in the audit trail and "
                             "the next report revision says what it corrects.")
    with store.write() as changes:
        visit = changes.session.get(Visit, visit_id)
        if visit is None or visit.deleted:
            raise VisitRuleError("That visit does not exist (it may have been deleted).")
        if visit.status is not VisitStatus.COMPLETED:
            raise VisitRuleError("Only a completed visit can be reopened; this one is still in progress.")
        changes.update(visit, status=VisitStatus.IN_PROGRESS, reopen_reason=reason)
        latest: dict[str, ReportRevision] = {}
        for row in changes.session.scalars(select(ReportRevision).where(ReportRevision.visit_id == visit_id,
                                                                        ReportRevision.deleted.is_(False))):
            if row.kind not in latest or row.revision > latest[row.kind].revision:
                latest[row.kind] = row
        for row in latest.values():
            if row.state in (DocumentStatus.SUBMITTED, DocumentStatus.APPROVED):
                _back_to_draft(changes, row)


def reopen_reason(visit_id: str) -> Callable[[Session], str | None]:
    """Why the visit was last reopened: what the revision after an issued one corrects."""
    def read(session: Session) -> str | None:
        visit = session.get(Visit, visit_id)
        return visit.reopen_reason if visit is not None else None
    return read


@dataclass(frozen=True)
class ReplyDue:
    """A provider's reply to an issued document, not yet received: shown with what is due."""

    revision_id: str
    provider_id: str | None
    provider: str
    document: str  # "QA visit report, revision 1"
    issued_on: dt.date | None
    due_on: dt.date
    overdue: bool


def replies_due(store: Store, today: dt.date, provider_id: str | None = None) -> list[ReplyDue]:
    """Replies awaited from providers (issued documents with a due date and no reply yet), the
    earliest due first; overdue when the due date has passed."""
    require_officer(store.user, "what is due")
    query = select(ReportRevision).where(ReportRevision.deleted.is_(False),
                                         ReportRevision.status == DocumentStatus.ISSUED,
                                         ReportRevision.reply_due_on.is_not(None),
                                         ReportRevision.reply_received_on.is_(None))
    found = []
    with store.read() as session:
        for row in session.scalars(query):
            owner = row.provider_id
            if owner is None and row.visit_id is not None:
                visit = session.get(Visit, row.visit_id)
                setting = session.get(Setting, visit.setting_id) if visit is not None else None
                owner = setting.provider_id if setting is not None else None
            if provider_id is not None and owner != provider_id:
                continue
            provider = session.get(Provider, owner) if owner else None
            assert row.reply_due_on is not None
            found.append(ReplyDue(row.id, owner, provider.name if provider else "(not on this laptop yet)",
                                  f"{DocumentKind(row.kind).label}, revision {row.revision}",
                                  row.issued_at.date() if row.issued_at else None, row.reply_due_on,
                                  row.reply_due_on < today))
    return sorted(found, key=lambda r: (r.due_on, r.provider.lower()))
