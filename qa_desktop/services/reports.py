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
import io
import json
from collections.abc import Callable
from dataclasses import asdict, replace
from pathlib import Path
from typing import IO, Any

from sqlalchemy import select

from qa_desktop.domain.roles import require_officer
from qa_desktop.domain.visits import VisitRuleError
from qa_desktop.forms.checklist import Checklist
from qa_desktop.forms.template import Audience
from qa_desktop.reports.visit_report import Progress, ReportResult, VisitFacts, build_visit_report, no_progress
from qa_desktop.reports.young_inspector_report import build_young_inspector_report
from qa_desktop.services.council import branding
from qa_desktop.services.visits import open_visit
from qa_desktop.store.database import Store
from qa_desktop.store.models import ReportRevision, Visit


def report_reference(visit: Visit) -> str:
    return f"QA-{visit.visit_date:%Y%m%d}-{visit.id[:8].upper()}"


def visit_facts(store: Store, visit_id: str) -> VisitFacts:
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
            officers=list(visit.officers), reason=visit.reason.label, marking=brand.protective_marking)


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


def _revision(store: Store, visit_id: str, kind: str, facts: VisitFacts, checklists: list[Checklist],
              build: Callable[[VisitFacts, IO[bytes]], ReportResult]) -> ReportResult:
    """Reuse the latest revision if nothing changed (and this laptop holds its file); otherwise build
    the next one in a new file, kept encrypted."""
    files = store.reports
    stamp = fingerprint(facts, checklists, store.blobs.is_intact)
    suffix = "" if kind == "visit" else f"-{kind.replace('_', '-')}"
    with store.read() as session:
        latest = session.scalars(select(ReportRevision).where(ReportRevision.visit_id == visit_id,
                                                              ReportRevision.kind == kind,
                                                              ReportRevision.deleted.is_(False))
                                 .order_by(ReportRevision.revision.desc())).first()
        latest_number = latest.revision if latest else 0
        if latest is not None and latest.fingerprint == stamp and files.exists(files.path(visit_id, latest.file_name)):
            photos = sum(len(r.evidence) for c in checklists for r in c.records.values())
            return ReportResult(files.path(visit_id, latest.file_name), latest.pages, photos, (), reused=True)
    number = latest_number + 1
    name = f"{facts.reference}{suffix}-r{number}.pdf"
    laid_out = io.BytesIO()
    result = build(replace(facts, revision=number), laid_out)
    path = files.put(visit_id, name, laid_out.getvalue())
    with store.write() as changes:
        changes.create(ReportRevision, visit_id=visit_id, kind=kind, revision=number, fingerprint=stamp,
                       file_name=name, pages=result.pages)
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
    """The visit's report: a new numbered revision kept (encrypted) in the data folder when the visit
    changed since the last one (the earlier one is kept), the same file when it did not; or a plain
    copy at ``path``."""
    facts = visit_facts(store, visit_id)
    checklists = [c for c in open_visit(store, visit_id).checklists.values()
                  if c.template.audience is not Audience.YOUNG_INSPECTOR]
    photos = store.blobs.read
    if path is not None:
        return build_visit_report(facts, checklists, path, photos, progress)
    return _revision(store, visit_id, "visit", facts, checklists,
                     lambda f, target: build_visit_report(f, checklists, target, photos, progress))


def find_visit_id(store: Store, text: str) -> str:
    """A visit id from the full id or its first characters (as in the report reference)."""
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
    """The Young Inspector report of a visit, from its Young Inspector form only (revised like the
    visit report)."""
    facts = visit_facts(store, visit_id)
    form = next((c for c in open_visit(store, visit_id).checklists.values()
                 if c.template.audience is Audience.YOUNG_INSPECTOR), None)
    if form is None:
        raise VisitRuleError("This visit has no Young Inspector form.")
    if path is not None:
        return build_young_inspector_report(facts, form, path, progress)
    return _revision(store, visit_id, "young_inspector", facts, [form],
                     lambda f, target: build_young_inspector_report(f, form, target, progress))
