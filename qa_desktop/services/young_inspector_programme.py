"""The Young Inspectors programme as services (scrutiny report sections 4.10, 5 and 7): the roster,
training and DBS dates and what falls due, the visits each Young Inspector joins with the briefing
before and the debrief after (or their opting out), incentives given, and the feedback to providers
that their visits produced (counted from the reports made, which the documents build).

Officers only: a Young Inspector sees their own form on the hand-over screen and nothing of this.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qa_desktop.domain.young_inspector_programme import (
    DebriefBy,
    Due,
    DueKind,
    ProgrammeError,
    check_name,
    check_support_dates,
    renewal_due,
    visit_support_due,
)
from qa_desktop.services.record_checks import existing, optional, words
from qa_desktop.store.access import officer
from qa_desktop.store.changes import derived_id
from qa_desktop.store.database import Store
from qa_desktop.store.models import (
    Incentive,
    Provider,
    ReportRevision,
    Setting,
    Visit,
    YoungInspector,
    YoungInspectorVisit,
)

#: Report kinds that are feedback to a provider from a Young Inspector's visit: the Young Inspector
#: report, and any letter the documents add under a ``young_inspector…`` kind.
FEEDBACK_KIND_PREFIX = "young_inspector"


def _unique_name(session: Session, name: str, but: str | None = None) -> None:
    for other in session.scalars(select(YoungInspector).where(YoungInspector.deleted.is_(False))):
        if other.id != but and other.name.casefold() == name.casefold():
            raise ProgrammeError(f"{name} is already on the roster.")


def add_young_inspector(store: Store, *, name: str, joined_on: dt.date, trained_on: dt.date | None = None,
                        dbs_checked_on: dt.date | None = None, notes: str | None = None) -> str:
    """Put a Young Inspector on the roster under the name they are known by; their id."""
    name = check_name(name)
    with store.write() as changes:
        officer(changes.session, "or change the Young Inspectors roster")
        _unique_name(changes.session, name)
        return changes.create(YoungInspector, name=name, joined_on=joined_on, trained_on=trained_on,
                              dbs_checked_on=dbs_checked_on, notes=optional(notes)).id


def update_young_inspector(store: Store, inspector_id: str, *, name: str | None = None,
                           trained_on: dt.date | None = None, dbs_checked_on: dt.date | None = None,
                           notes: str | None = None) -> set[str]:
    """Record training, a DBS check or a new name; the fields that changed."""
    with store.write() as changes:
        inspector = existing(changes, YoungInspector, inspector_id, "Young Inspector", ProgrammeError)
        fields: dict[str, Any] = {}
        if name is not None:
            fields["name"] = check_name(name)
            _unique_name(changes.session, fields["name"], but=inspector_id)
        for field, day in (("trained_on", trained_on), ("dbs_checked_on", dbs_checked_on)):
            if day is not None:
                if inspector.joined_on is not None and day < inspector.joined_on - dt.timedelta(days=366):
                    raise ProgrammeError("That date is more than a year before they joined: check the year.")
                fields[field] = day
        if notes is not None:
            fields["notes"] = optional(notes)
        return changes.update(inspector, **fields)


def opt_out(store: Store, inspector_id: str, on: dt.date, *, reason: str | None = None) -> None:
    """A Young Inspector leaves the programme (section 7: "Option to Opt-Out"); they stay on the record."""
    with store.write() as changes:
        inspector = existing(changes, YoungInspector, inspector_id, "Young Inspector", ProgrammeError)
        if inspector.joined_on is not None and on < inspector.joined_on:
            raise ProgrammeError("They cannot opt out before they joined.")
        notes = inspector.notes
        if optional(reason):
            notes = "\n".join(n for n in (notes, f"Opted out {on:%d %b %Y}: {optional(reason)}") if n)
        changes.update(inspector, opted_out_on=on, notes=notes)


def rejoin(store: Store, inspector_id: str) -> None:
    with store.write() as changes:
        changes.update(existing(changes, YoungInspector, inspector_id, "Young Inspector", ProgrammeError),
                       opted_out_on=None)


def join_visit(store: Store, inspector_id: str, visit_id: str, *, briefed_on: dt.date | None = None) -> str:
    """A Young Inspector joins a visit (one record per inspector and visit, whichever laptop adds it)."""
    with store.write() as changes:
        inspector = existing(changes, YoungInspector, inspector_id, "Young Inspector", ProgrammeError)
        visit = existing(changes, Visit, visit_id, "visit", ProgrammeError)
        if inspector.opted_out_on is not None and inspector.opted_out_on <= visit.visit_date:
            raise ProgrammeError(f"{inspector.name} opted out of the programme on "
                                 f"{inspector.opted_out_on:%d %b %Y}.")
        check_support_dates(visit.visit_date, briefed_on, None)
        row_id = derived_id("young-inspector-visit", inspector_id, visit_id)
        row = changes.session.get(YoungInspectorVisit, row_id)
        if row is not None and not row.deleted:
            raise ProgrammeError(f"{inspector.name} has already joined this visit.")
        if row is not None:
            raise ProgrammeError(f"{inspector.name} was taken off this visit; that cannot be undone.")
        return changes.create(YoungInspectorVisit, id=row_id, young_inspector_id=inspector_id, visit_id=visit_id,
                              briefed_on=briefed_on, opted_out=False).id


def record_visit_support(store: Store, joined_id: str, *, briefed_on: dt.date | None = None,
                         debriefed_on: dt.date | None = None, debrief_by: DebriefBy | None = None,
                         opted_out: bool | None = None, notes: str | None = None) -> set[str]:
    """The briefing before a visit, the debrief after it (and who gave it), or opting out of it."""
    with store.write() as changes:
        joined = existing(changes, YoungInspectorVisit, joined_id, "Young Inspector's visit", ProgrammeError)
        visit = changes.session.get(Visit, joined.visit_id)
        assert visit is not None
        check_support_dates(visit.visit_date, briefed_on, debriefed_on)
        if debriefed_on is not None and debrief_by is None and joined.debrief_by is None:
            raise ProgrammeError("Say who gave the debrief (a personal adviser, the team manager or the QA lead).")
        fields: dict[str, Any] = {}
        for name, value in (("briefed_on", briefed_on), ("debriefed_on", debriefed_on), ("debrief_by", debrief_by),
                            ("opted_out", opted_out)):
            if value is not None:
                fields[name] = value
        if notes is not None:
            fields["notes"] = optional(notes)
        return changes.update(joined, **fields)


def leave_visit(store: Store, joined_id: str) -> None:
    """Taken off a visit entered by mistake (opting out is ``record_visit_support(opted_out=True)``)."""
    with store.write() as changes:
        changes.delete(existing(changes, YoungInspectorVisit, joined_id, "Young Inspector's visit", ProgrammeError))


def give_incentive(store: Store, inspector_id: str, *, given_on: dt.date, description: str,
                   value_pence: int | None = None) -> str:
    if value_pence is not None and value_pence < 0:
        raise ProgrammeError("An incentive's value cannot be below nothing.")
    with store.write() as changes:
        existing(changes, YoungInspector, inspector_id, "Young Inspector", ProgrammeError)
        return changes.create(Incentive, young_inspector_id=inspector_id, given_on=given_on,
                              description=words(description, "what was given", ProgrammeError),
                              value_pence=value_pence).id


@dataclass(frozen=True)
class JoinedVisit:
    """A visit a Young Inspector joined, with the support around it."""

    id: str
    young_inspector_id: str
    name: str
    visit_id: str
    visit_date: dt.date
    provider: str
    setting: str
    briefed_on: dt.date | None
    debriefed_on: dt.date | None
    debrief_by: DebriefBy | None
    opted_out: bool
    notes: str | None
    feedback: int  # reports and letters to the provider made from the visit's Young Inspector form


@dataclass(frozen=True)
class IncentiveLine:
    id: str
    young_inspector_id: str
    name: str
    given_on: dt.date
    description: str
    value_pence: int | None


@dataclass(frozen=True)
class InspectorLine:
    """A Young Inspector on the roster, with what they have done and what falls due."""

    id: str
    name: str
    joined_on: dt.date | None
    trained_on: dt.date | None
    dbs_checked_on: dt.date | None
    opted_out_on: dt.date | None
    notes: str | None
    visits: int
    incentives: int
    due: tuple[Due, ...]

    @property
    def active(self) -> bool:
        return self.opted_out_on is None



def _feedback_by_visit(session: Session, visit_ids: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(visit_ids), 500):
        rows = session.execute(
            select(ReportRevision.visit_id, func.count(func.distinct(ReportRevision.kind))).where(
                ReportRevision.visit_id.in_(visit_ids[start:start + 500]), ReportRevision.deleted.is_(False),
                ReportRevision.kind.like(f"{FEEDBACK_KIND_PREFIX}%")).group_by(ReportRevision.visit_id)).all()
        # a letter's revision can name no visit (report_revisions.visit_id is nullable since 0013)
        found.update({visit_id: count for visit_id, count in rows if visit_id is not None})
    return found


def joined_visits(session: Session, *, inspector_id: str | None = None, first: dt.date | None = None,
                  last: dt.date | None = None) -> list[JoinedVisit]:
    """Visits Young Inspectors joined, newest first (of one inspector, or between two dates)."""
    officer(session, "the Young Inspectors programme")
    query = (select(YoungInspectorVisit, YoungInspector.name, Visit.visit_date, Setting.name, Provider.name)
             .join(YoungInspector, YoungInspectorVisit.young_inspector_id == YoungInspector.id)
             .join(Visit, YoungInspectorVisit.visit_id == Visit.id)
             .join(Setting, Visit.setting_id == Setting.id).join(Provider, Setting.provider_id == Provider.id)
             .where(YoungInspectorVisit.deleted.is_(False), Visit.deleted.is_(False)))
    if inspector_id is not None:
        query = query.where(YoungInspectorVisit.young_inspector_id == inspector_id)
    if first is not None:
        query = query.where(Visit.visit_date >= first)
    if last is not None:
        query = query.where(Visit.visit_date <= last)
    rows = session.execute(query.order_by(Visit.visit_date.desc(), YoungInspector.name)).all()
    feedback = _feedback_by_visit(session, sorted({j.visit_id for j, *_ in rows}))
    return [JoinedVisit(j.id, j.young_inspector_id, name, j.visit_id, visit_date, provider, setting, j.briefed_on,
                        j.debriefed_on, j.debrief_by, j.opted_out, j.notes, feedback.get(j.visit_id, 0))
            for j, name, visit_date, setting, provider in rows]


def incentives(session: Session, *, inspector_id: str | None = None) -> list[IncentiveLine]:
    officer(session, "the Young Inspectors programme")
    query = (select(Incentive, YoungInspector.name)
             .join(YoungInspector, Incentive.young_inspector_id == YoungInspector.id)
             .where(Incentive.deleted.is_(False)))
    if inspector_id is not None:
        query = query.where(Incentive.young_inspector_id == inspector_id)
    return [IncentiveLine(i.id, i.young_inspector_id, name, i.given_on, i.description, i.value_pence)
            for i, name in session.execute(query.order_by(Incentive.given_on.desc()))]


def roster(session: Session, today: dt.date, *, include_opted_out: bool = True) -> list[InspectorLine]:
    """The roster by name, each with their visits, incentives and what falls due."""
    officer(session, "the Young Inspectors programme")
    joined = joined_visits(session)
    visits: dict[str, list[JoinedVisit]] = defaultdict(list)
    for j in joined:
        visits[j.young_inspector_id].append(j)
    given: dict[str, int] = defaultdict(int)
    for i in incentives(session):
        given[i.young_inspector_id] += 1
    found = []
    for y in session.scalars(select(YoungInspector).where(YoungInspector.deleted.is_(False))):
        if y.opted_out_on is not None and not include_opted_out:
            continue
        due: list[Due] = []
        if y.opted_out_on is None:
            for kind, last in ((DueKind.DBS, y.dbs_checked_on), (DueKind.TRAINING, y.trained_on)):
                item = renewal_due(kind, last, today)
                if item is not None:
                    due.append(item)
            for j in visits[y.id]:
                if not j.opted_out:
                    due += visit_support_due(j.visit_date, j.briefed_on, j.debriefed_on, today)
        found.append(InspectorLine(y.id, y.name, y.joined_on, y.trained_on, y.dbs_checked_on,
                                   y.opted_out_on, y.notes, sum(1 for j in visits[y.id] if not j.opted_out),
                                   given[y.id], tuple(sorted(due, key=lambda d: d.due_on))))
    return sorted(found, key=lambda line: (not line.active, line.name.casefold()))


@dataclass(frozen=True)
class ProgrammeDue:
    """Something due for a Young Inspector, as the due list shows it."""

    young_inspector_id: str
    name: str
    due: Due


def programme_due(session: Session, today: dt.date) -> list[ProgrammeDue]:
    """DBS checks and training expiring (or expired), briefings and debriefs owed: most urgent first."""
    found = [ProgrammeDue(line.id, line.name, due) for line in roster(session, today) for due in line.due]
    return sorted(found, key=lambda d: (not d.due.overdue, d.due.due_on))
