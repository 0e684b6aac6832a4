"""Making a visit's report: gather the facts from the register and the visit, build the PDF, and keep
it encrypted in the data folder (``store.report_files``: laid out in memory, never written there in
plain text). The report reads the visit's own template snapshots (``open_visit``), so it shows the
questions the officers answered, whatever the library holds today.

A report's ``ReportResult.path`` names the kept, encrypted file; ``viewing_copy`` (for the system's
viewer, removed later) and ``save_report_copy`` ("Save report as…", the one plain copy kept, where
the officer chooses) give it back readable. Given a ``path``, a report is written there in plain
text instead (the command line's ``--out``)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qa_desktop.domain.documents import DocumentKind
from qa_desktop.domain.roles import require_officer
from qa_desktop.domain.visits import VisitRuleError, VisitStatus
from qa_desktop.forms.checklist import Checklist
from qa_desktop.forms.template import Audience
from qa_desktop.reports.results import Progress, ReportResult, Standing, no_progress
from qa_desktop.services import documents
from qa_desktop.services.council import branding
from qa_desktop.services.differences import count_differences
from qa_desktop.services.documents import Source, Target
from qa_desktop.services.visits import open_visit
from qa_desktop.store.database import Store
from qa_desktop.store.models import Visit, VisitTemplate

if TYPE_CHECKING:  # the builders (ReportLab, python-docx) are imported when a report is made, not at start
    from qa_desktop.reports.visit_report import VisitFacts

REPORTS_FOLDER = documents.REPORTS_FOLDER


def report_reference(visit: Visit) -> str:
    return f"QA-{visit.visit_date:%Y%m%d}-{visit.id[:8].upper()}"


def visit_facts(store: Store, visit_id: str) -> VisitFacts:
    from qa_desktop.reports.visit_report import VisitFacts

    require_officer(store.user, "or make reports")
    brand = branding(store)  # the council's name, service and marking: the one place reports read them
    with store.read() as session:
        visit = session.get(Visit, visit_id)
        if visit is None or visit.deleted:
            raise VisitRuleError("That visit does not exist (it may have been deleted).")
        setting = visit.setting
        provider = setting.provider
        return VisitFacts(
            council_name=brand.council_name, service_name=brand.service_name, reference=report_reference(visit),
            provider=provider.name, setting=setting.name, address=setting.address, urn=provider.urn or "",
            service_type=provider.service_type.label, tier=provider.tier.value if provider.tier else "",
            visit_date=visit.visit_date, level=visit.level.label, announced=visit.announced,
            officers=list(visit.officers), reason=visit.reason.label, marking=brand.protective_marking,
            address_block=brand.address_block, logo=brand.logo,
            young_inspector=_young_inspector_absent(session, visit_id))


def _young_inspector_absent(session: Session, visit_id: str) -> str:
    """The cover's sentence when the visit's Young Inspector form was withdrawn: a Young Inspector
    was due but did not take part, and in general words why (never the officer's detail, which may
    be about the young person)."""
    part = session.scalars(select(VisitTemplate).where(VisitTemplate.visit_id == visit_id,
                                                       VisitTemplate.deleted.is_(False),
                                                       VisitTemplate.withdrawn_reason.is_not(None))).first()
    if part is None or part.withdrawn_reason is None:
        return ""
    return f"A Young Inspector was due to take part in this visit but did not: {part.withdrawn_reason.in_report}."


def fingerprint(facts: VisitFacts, checklists: list[Checklist], photo_intact: Callable[[str], bool]) -> str:
    """A hash of everything a report says, to tell whether a new revision is needed.

    Whether each photo is on this laptop is part of it: a report made while a photo had not yet
    synced shows a placeholder, and must be remade once the photo arrives.
    """
    content: list[Any] = [asdict(facts) | {"revision": None}]
    for checklist in checklists:
        content.append([checklist.template.key, checklist.template.version, checklist.template.digest])
        for key in sorted(checklist.records):
            record = checklist.records[key]
            evidence = [asdict(e) | {"intact": photo_intact(e.blob)} for e in record.evidence]
            content.append([key, repr(record.answer), record.note, evidence, repr(record.action)])
    return hashlib.sha256(json.dumps(content, default=str, sort_keys=True).encode("utf-8")).hexdigest()


def _in_progress(store: Store, visit_id: str, checklists: list[Checklist]) -> str | None:
    """Why the visit's report is still a draft, in words, or ``None`` when the visit is complete:
    how many required answers remain and how many differences between the two officers (issue 21)."""
    with store.read() as session:
        visit = session.get(Visit, visit_id)
        if visit is None or visit.status is VisitStatus.COMPLETED:
            return None
        differences = count_differences(session, visit_id)
    remaining = sum(len(c.missing_required()) for c in checklists)
    reasons = []
    if remaining:
        reasons.append(f"{remaining} required answer{'s' if remaining != 1 else ''} remain")
    if differences:
        reasons.append(f"{differences} difference{'s' if differences != 1 else ''} between the officers to resolve")
    if reasons:
        return "the visit is still in progress: " + " and ".join(reasons)
    return "the visit is still in progress (not yet completed)"


def visit_source(store: Store, visit_id: str, kind: DocumentKind = DocumentKind.VISIT_REPORT,
                 progress: Progress = no_progress) -> Source:
    """What a visit's report (or its Young Inspector report) is made from, as the records are now."""
    from qa_desktop.reports.visit_report import build_visit_report
    from qa_desktop.reports.word import build_visit_docx, build_young_inspector_docx
    from qa_desktop.reports.young_inspector_report import build_young_inspector_report

    require_officer(store.user, "or make reports")  # a Young Inspector's store is refused
    facts = visit_facts(store, visit_id)
    opened = open_visit(store, visit_id)
    officers = [c for c in opened.checklists.values() if c.template.audience is not Audience.YOUNG_INSPECTOR]
    photos = store.blobs.read
    with store.read() as session:
        visit = session.get(Visit, visit_id)
        provider_id = visit.setting.provider_id if visit is not None else None
    build_word = None
    if kind is DocumentKind.VISIT_REPORT:
        def build(standing: Standing, revision: int, path: Target) -> ReportResult:
            return build_visit_report(replace(facts, revision=revision), officers, path, photos, progress, standing)

        def build_word(standing: Standing, revision: int, path: Target) -> ReportResult:
            return build_visit_docx(replace(facts, revision=revision), officers, path, photos, standing)
        content = officers
    else:
        form = next((c for c in opened.checklists.values() if c.template.audience is Audience.YOUNG_INSPECTOR), None)
        if form is None:
            raise VisitRuleError("This visit has no Young Inspector form.")
        if facts.young_inspector:
            raise VisitRuleError("The Young Inspector form of this visit was withdrawn: there is no Young Inspector "
                                 "report. The visit report says a Young Inspector was due but did not take part.")

        def build(standing: Standing, revision: int, path: Target) -> ReportResult:
            return build_young_inspector_report(replace(facts, revision=revision), form, path, progress, standing)

        def build_word(standing: Standing, revision: int, path: Target) -> ReportResult:
            return build_young_inspector_docx(replace(facts, revision=revision), form, path, standing)
        content = [form]
    in_progress = _in_progress(store, visit_id, officers)
    # what the draft line says is part of what the document says (a difference can arrive by sync
    # without changing the answer shown)
    stamp = hashlib.sha256((fingerprint(facts, content, store.blobs.is_intact) + (in_progress or "")).encode())
    return Source(kind, facts.reference, stamp.hexdigest(), build, visit_id=visit_id,
                  provider_id=provider_id, in_progress=in_progress,
                  photos=sum(len(r.evidence) for c in content for r in c.records.values()),
                  provider_name=facts.provider, setting_name=facts.setting, build_word=build_word)


def _made(store: Store, source: Source, path: Path | None) -> ReportResult:
    """The latest revision (made or reused), kept encrypted (``store.reports``); with ``path``, also a
    plain copy there (the command line's ``--out``: a place the officer chose, like "Save report as…")."""
    result = documents.make(store, source, documents.reopen_reason(source.visit_id or ""))
    if path is None:
        return result
    store.reports.save_copy(result.path, path)
    return replace(result, path=path)


def viewing_copy(store: Store, path: Path) -> Path:
    """A plain copy of a kept report for the system's viewer, removed later (``store.report_files``)."""
    require_officer(store.user, "or read reports")
    return store.reports.viewing_copy(path)


def save_report_copy(store: Store, path: Path, target: Path) -> Path:
    """"Save report as…": a plain copy of a kept report at ``target``, where the officer chose."""
    require_officer(store.user, "or save reports")
    return store.reports.save_copy(path, target)


def write_visit_report(store: Store, visit_id: str, path: Path | None = None,
                       progress: Progress = no_progress) -> ReportResult:
    """The visit's report: the latest revision's file when nothing changed since it was made, a
    redrawn draft, or the next revision when the latest was issued (``services.documents``);
    kept encrypted (``ReportResult.path`` names it: read it through ``viewing_copy`` or
    ``save_report_copy``); with ``path``, a plain copy there."""
    return _made(store, visit_source(store, visit_id, DocumentKind.VISIT_REPORT, progress), path)


def find_visit_id(store: Store, text: str) -> str:
    """A visit id from the full id or its first characters (as in the report reference)."""
    require_officer(store.user, "other visits")  # a Young Inspector's store is refused
    parts = text.strip().lower().split("-")
    # a reference or report file name: QA-20261122-1A2B3C4D[-young-inspector][-r2]
    prefix = parts[2] if len(parts) >= 3 and parts[0] == "qa" else text.strip().lower()
    with store.read() as session:
        ids = session.scalars(select(Visit.id).where(Visit.deleted.is_(False), Visit.id.like(f"{prefix}%"))).all()
    if len(ids) != 1:
        raise VisitRuleError(f"No single visit matches {text!r}: give more of its id, "
                             "or its report reference (QA-YYYYMMDD-XXXXXXXX).")
    return ids[0]


def write_young_inspector_report(store: Store, visit_id: str, path: Path | None = None,
                                 progress: Progress = no_progress) -> ReportResult:
    """The Young Inspector report of a visit, from its Young Inspector form only (with the same
    lifecycle as the visit report)."""
    return _made(store, visit_source(store, visit_id, DocumentKind.YOUNG_INSPECTOR_REPORT, progress), path)
