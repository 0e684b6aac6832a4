"""The records policy: case information is kept for up to 5 years (Section 11), then deleted.

What is past retention, counted from when the record ended:
- a completed visit, from its date (with its answers, notes, photos, actions, report revisions,
  their files and whom they were sent to);
- a closed QA case, from its closing;
- a removed action plan (and its actions), an ended embargo and a closed regulatory alert, from
  the day they ended, with the letters about them (their revisions, files and distribution);
- a compliance review of a provider's essential documents (Figure 1: "essential provider
  information"), completed, from its date, with its items and actions;
- an ended placement (its case reference leads to a child's record), from its end;
- the tracker's records (meetings, funding requests, notifications, applications, planning,
  intelligence, the Young Inspectors programme) as ``services.tracker_retention`` says.
Open cases, plans in place and embargoes in force are never past retention, however old.

Deleting is done so that it reaches everywhere and cannot be undone by a sync:
1. every content field of each record is blanked and the record marked deleted, through
   ``Changes``: ordinary ops, so every laptop that syncs blanks and tombstones it too;
2. the record is marked deleted for good here (``shredded_units``) and its record keys destroyed
   (crypto-shredding, ``sync.records``); at the next sync the shared store's copy of the keys is
   replaced by a "shredded" marker, so every copy of the record's old changes anywhere in the store
   (change files no one can rewrite, a retired laptop's, a sync client's version history, a
   PostgreSQL backup) is noise;
3. its earlier values are redacted in this laptop's log (the value removed, the fact of the change
   kept for the audit trail: the only change the log's triggers allow), its photos (if no other
   record uses them) and its report files deleted.
Every laptop that syncs sees the marker (or the blanks) and does the same to its own copy, and from
then on takes any change to the record as blank, whenever it arrives: an edit made on a laptop
that was offline when the record was deleted brings nothing back, there or anywhere
(``store.purge``, ``sync.merge``).

Why crypto-shredding rather than compacting the store (rewriting it without the purged values): in
a shared folder each laptop writes only its own files, and a laptop that never syncs again (lost,
retired, reinstalled) would keep its copy of the values there for good; sync clients and backups
keep old versions of rewritten files; a compaction needs every laptop's part. Destroying one small
key per record is done by whichever laptop deletes it, reaches every copy at once, and leaves the
rest of the log (and its audit chain, ``store.chain``) whole. What it cannot reach: a copy of a key
taken before the deletion by someone with the team key, or a shared folder's own version history
of the key file (kept by OneDrive or SharePoint for 30 to 93 days); the README says so.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from qa_desktop.domain.compliance import ReviewStatus
from qa_desktop.domain.roles import require_officer
from qa_desktop.domain.visits import VisitStatus
from qa_desktop.services.tracker_retention import tracker_expired, tracker_rows
from qa_desktop.store.database import Store
from qa_desktop.store.models import (
    ActionPlan,
    Answer,
    ComplianceReview,
    Embargo,
    Placement,
    PlanAction,
    Provider,
    QaCase,
    RecordKeyRow,
    RegulatoryAlert,
    ReportRecipient,
    ReportRevision,
    ReviewAction,
    ReviewItem,
    Setting,
    SyncedColumns,
    Visit,
    VisitAction,
    VisitTemplate,
)
from qa_desktop.store.oplog import CHUNK
from qa_desktop.store.purge import blank_fields, mark_shredded, redact_purged, units_of_rows

RETENTION_YEARS = 5


def cutoff(today: dt.date, years: int = RETENTION_YEARS) -> dt.date:
    """The day ``years`` before ``today`` (29 February falls back to the 28th)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


@dataclass(frozen=True)
class Expired:
    kind: str  # "visit", "case", "plan", "embargo", "alert", "review", "placement", or a tracker record's
    id: str
    provider: str
    description: str
    ended_on: dt.date


def _ended(day: dt.date | None) -> dt.date:
    """An end date the query has already required: ``< limit`` leaves out the records without one."""
    return cast(dt.date, day)


def past_retention(session: Session, today: dt.date) -> list[Expired]:
    """Everything whose retention has run out, oldest first. The names are read of the providers
    found only, not of the whole register (issue 22: the Oversight window reads this at open)."""
    limit = cutoff(today)
    found: list[tuple[str, str, str | None, str, dt.date]] = []  # kind, id, provider id, description, ended
    for visit, setting in session.execute(
            select(Visit, Setting).join(Setting, Visit.setting_id == Setting.id)
            .where(Visit.deleted.is_(False), Visit.status == VisitStatus.COMPLETED, Visit.visit_date < limit)):
        found.append(("visit", visit.id, setting.provider_id, f"{visit.level.label} visit to {setting.name}",
                      visit.visit_date))
    for case in session.scalars(select(QaCase).where(QaCase.deleted.is_(False), QaCase.closed_on < limit)):
        found.append(("case", case.id, case.provider_id, f"QA case: {case.category}", _ended(case.closed_on)))
    for plan in session.scalars(select(ActionPlan).where(ActionPlan.deleted.is_(False), ActionPlan.removed_on < limit)):
        found.append(("plan", plan.id, plan.provider_id, plan.kind.label, _ended(plan.removed_on)))
    for embargo in session.scalars(select(Embargo).where(Embargo.deleted.is_(False), Embargo.end_on < limit)):
        found.append(("embargo", embargo.id, embargo.provider_id, f"{embargo.kind.label} embargo",
                      _ended(embargo.end_on)))
    for alert in session.scalars(select(RegulatoryAlert).where(RegulatoryAlert.deleted.is_(False),
                                                               RegulatoryAlert.closed_on < limit)):
        found.append(("alert", alert.id, alert.provider_id, f"{alert.regulator.label}: {alert.kind.label}",
                      _ended(alert.closed_on)))
    for review in session.scalars(select(ComplianceReview).where(
            ComplianceReview.deleted.is_(False), ComplianceReview.review_date < limit,
            or_(ComplianceReview.status.is_(None), ComplianceReview.status == ReviewStatus.COMPLETED))):
        found.append(("review", review.id, review.provider_id,
                      "Minimum urgent compliance review" if review.minimum_only else "Compliance review",
                      review.review_date))
    midnight = dt.datetime.combine(limit, dt.time(0), dt.UTC)  # ended on a day before ``limit`` (UTC, as stored)
    for placement, setting in session.execute(
            select(Placement, Setting).join(Setting, Placement.setting_id == Setting.id)
            .where(Placement.deleted.is_(False), Placement.ended_at.is_not(None), Placement.ended_at < midnight)):
        assert placement.ended_at is not None
        ended = placement.ended_at.date()
        if ended < limit:
            found.append(("placement", placement.id, setting.provider_id, f"Placement at {setting.name}", ended))
    found += tracker_expired(session, limit)
    names = _provider_names(session, {provider_id for _, _, provider_id, _, _ in found if provider_id})
    return sorted((Expired(kind, record_id, names.get(provider_id or "", ""), description, ended_on)
                   for kind, record_id, provider_id, description, ended_on in found), key=lambda e: e.ended_on)


def _provider_names(session: Session, provider_ids: set[str]) -> dict[str, str]:
    wanted = sorted(provider_ids)
    names: dict[str, str] = {}
    for start in range(0, len(wanted), CHUNK):
        names.update((provider_id, name) for provider_id, name in session.execute(
            select(Provider.id, Provider.name).where(Provider.id.in_(wanted[start:start + CHUNK]))))
    return names


@dataclass(frozen=True)
class RetentionReport:
    """What a deletion did, for the officer to read (``summary``)."""

    records: int = 0
    rows: int = 0
    ops_redacted: int = 0
    photos_deleted: int = 0
    reports_deleted: int = 0
    by_kind: Mapping[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        kinds = ", ".join(f"{n} {kind}{'s' if n != 1 else ''}" for kind, n in sorted(self.by_kind.items()))
        return (f"Deleted {self.records} record(s) past retention ({kinds or 'none'}): {self.rows} rows blanked and "
                f"marked deleted, {self.ops_redacted} earlier changes redacted, {self.photos_deleted} photo(s) and "
                f"{self.reports_deleted} report file(s) deleted.")


#: What belongs to a visit, deleted with it: each part and its column naming the visit.
_VISIT_PARTS: tuple[tuple[type[SyncedColumns], InstrumentedAttribute[str] | InstrumentedAttribute[str | None]], ...] = (
    (Answer, Answer.visit_id), (VisitAction, VisitAction.visit_id), (ReportRevision, ReportRevision.visit_id),
    (VisitTemplate, VisitTemplate.visit_id))
#: The records with nothing of their own, by their kind.
_SINGLE: dict[str, type[SyncedColumns]] = {"case": QaCase, "embargo": Embargo, "alert": RegulatoryAlert,
                                           "placement": Placement}


def _rows(session: Session, item: Expired) -> list[SyncedColumns | None]:
    """The record and everything that belongs to it, children first (None: not on this laptop)."""
    if item.kind == "visit":
        parts = [row for model, visit_id in _VISIT_PARTS
                 for row in session.scalars(select(model).where(visit_id == item.id))]
        revisions = [row.id for row in parts if isinstance(row, ReportRevision)]
        sent = session.scalars(select(ReportRecipient).where(ReportRecipient.revision_id.in_(revisions))).all()
        return [*sent, *parts, session.get(Visit, item.id)]
    tracker = tracker_rows(session, item.kind, item.id)  # the tracker's records (issue 19)
    if tracker is not None:
        return tracker
    if item.kind == "review":
        return [*session.scalars(select(ReviewItem).where(ReviewItem.review_id == item.id)),
                *session.scalars(select(ReviewAction).where(ReviewAction.review_id == item.id)),
                session.get(ComplianceReview, item.id)]
    letters = _letters_about(session, item.id)  # a plan's or embargo's letters go with it
    if item.kind == "plan":
        return [*letters, *session.scalars(select(PlanAction).where(PlanAction.plan_id == item.id)),
                session.get(ActionPlan, item.id)]
    return [*letters, session.get(_SINGLE[item.kind], item.id)]


def _letters_about(session: Session, subject_id: str) -> list[SyncedColumns]:
    """The revisions of the letters about a record (a plan, an embargo) and whom they were sent to."""
    revisions = session.scalars(select(ReportRevision).where(ReportRevision.subject_id == subject_id,
                                                             ReportRevision.visit_id.is_(None))).all()
    sent = session.scalars(select(ReportRecipient).where(
        ReportRecipient.revision_id.in_([row.id for row in revisions]))).all() if revisions else []
    return [*sent, *revisions]


def apply_retention(store: Store, items: list[Expired]) -> RetentionReport:
    """Delete ``items`` (from ``past_retention``, after the user confirmed) as the module describes."""
    require_officer(store.user, "or delete records")
    rows = 0
    with store.write() as changes:
        ids: set[str] = set()
        units: set[str] = {item.id for item in items}
        for item in items:
            for row in _rows(changes.session, item):
                if row is None:
                    continue
                ids.add(row.id)
                units |= units_of_rows(type(row), [row])  # a letter is a record of its own, its recipients its parts
                blanks: dict[str, Any] = blank_fields(type(row))
                changes.update(row, **blanks)
                changes.delete(row)
                rows += 1
        # the records' keys destroyed here (and in the shared store at the next sync: crypto-shredding);
        # a part of a record sealed under a key of its own (``sync.records``) goes with it
        keyed = set(changes.session.scalars(select(RecordKeyRow.unit).where(RecordKeyRow.unit.in_(sorted(ids)))))
        mark_shredded(changes.session, units | keyed, changes.now())
    purged = redact_purged(store)
    return RetentionReport(records=len(items), rows=rows, ops_redacted=purged.ops, photos_deleted=purged.photos,
                           reports_deleted=purged.reports, by_kind=dict(Counter(item.kind for item in items)))


