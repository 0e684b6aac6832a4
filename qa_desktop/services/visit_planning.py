"""Planning visits: a planned visit with its date and time, level, announced or not, and the officers
assigned; "my visits" for the laptop's user; the calendar invitation of each planned visit; and
the list of visits by provider, status, officer and dates, with the short reference that
``report``, ``export-visit`` and ``audit --visit`` accept.

A planned visit is a ``Visit`` with status PLANNED and no checklists yet: beginning it on the day
adds the checklists of its level and service type (as ``services.visits.start_visit`` does) and
makes it in progress. Section 11's two-officer rule for unannounced visits is checked when it is
planned, and again when its officers change. Secure units, short breaks and activity provisions
(no routine visit in Figure 2) are visited this way, when a concern is raised or the team asks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qa_desktop.atomic import write_atomically
from qa_desktop.domain.framework import Framework
from qa_desktop.domain.schedule import is_visited
from qa_desktop.domain.visits import VisitLevel, VisitReason, VisitRuleError, VisitStatus, check_officers
from qa_desktop.forms.library import TemplateLibrary
from qa_desktop.forms.template import Template
from qa_desktop.services.council import framework
from qa_desktop.services.invitation import Appointment, calendar_text
from qa_desktop.services.reports import report_reference
from qa_desktop.services.visits import _snapshot
from qa_desktop.store.access import officer
from qa_desktop.store.changes import derived_id
from qa_desktop.store.database import Store
from qa_desktop.store.models import Provider, Setting, Visit, VisitTemplate

#: How long a visit is expected to take when the planner does not say (a Full visit takes a day).
DEFAULT_MINUTES = {VisitLevel.FULL: 360, VisitLevel.ASSURANCE_MONITORING: 180, VisitLevel.PROPERTY_ONLY: 120}
#: The start of a planned visit whose time is not given.
DEFAULT_START = dt.time(10, 0)


def _templates(library: TemplateLibrary, level: VisitLevel, setting: Setting, figures: Framework) -> list[Template]:
    service_type = setting.provider.service_type
    if not is_visited(service_type, figures):
        raise VisitRuleError(f"QA does not visit a {service_type.label}: only services that accommodate children "
                             "(Sections 2 and 11).")
    chosen = library.for_visit(level, service_type)
    if not chosen:
        raise VisitRuleError(f"No visit template covers a {level.label} visit to a {service_type.label}.")
    return chosen


def _setting(session: Session, setting_id: str) -> Setting:
    setting = session.get(Setting, setting_id)
    if setting is None or setting.deleted or setting.provider.deleted:
        raise VisitRuleError("Setting: that setting is not in the register (it may have been deleted).")
    return setting


def _check_duration(minutes: int | None) -> int | None:
    if minutes is not None and not 15 <= minutes <= 24 * 60:
        raise VisitRuleError("Duration: a visit takes between 15 minutes and a day.")
    return minutes


def plan_visit(store: Store, library: TemplateLibrary, *, setting_id: str, visit_date: dt.date, level: VisitLevel,
               announced: bool, officers: Sequence[str], reason: VisitReason, starts_at: dt.datetime | None = None,
               duration_minutes: int | None = None, today: dt.date | None = None) -> str:
    """Plan a visit (status planned); its id. ``starts_at``: when it starts (on ``visit_date``)."""
    names = check_officers(announced, officers)
    _check_duration(duration_minutes)
    if today is not None and visit_date < today:
        raise VisitRuleError(f"Date: a visit is planned for today or later, not {visit_date:%d/%m/%Y}.")
    with store.write() as changes:
        officer(changes.session, "or plan visits")
        setting = _setting(changes.session, setting_id)
        _templates(library, level, setting, framework(changes.session))
        visit = changes.create(Visit, setting_id=setting.id, visit_date=visit_date, level=level, announced=announced,
                               reason=reason, status=VisitStatus.PLANNED, officers=names, planned_at=starts_at,
                               duration_minutes=duration_minutes)
        return visit.id


_PLAN_FIELDS = {"visit_date", "planned_at", "duration_minutes", "level", "announced", "officers", "reason"}


def edit_planned_visit(store: Store, visit_id: str, fields: Mapping[str, Any],
                       seen: Mapping[str, Sequence[str]] | None = None) -> set[str]:
    """Move a planned visit, change its level, or the officers assigned (the two-officer rule holds)."""
    if set(fields) - _PLAN_FIELDS:
        raise TypeError(f"not fields of a planned visit: {', '.join(sorted(set(fields) - _PLAN_FIELDS))}")
    clean = dict(fields)
    with store.write() as changes:
        officer(changes.session, "or plan visits")
        visit = _planned(changes.session, visit_id)
        announced = clean.get("announced", visit.announced)
        if "officers" in clean or "announced" in clean:
            clean["officers"] = check_officers(announced, clean.get("officers", visit.officers))
        _check_duration(clean.get("duration_minutes"))
        shown = {name: list(seen[name]) for name in clean if seen and name in seen}
        return changes.update(visit, seen=shown or None, **clean)


def cancel_planned_visit(store: Store, visit_id: str) -> None:
    with store.write() as changes:
        officer(changes.session, "or plan visits")
        changes.delete(_planned(changes.session, visit_id))


def _planned(session: Session, visit_id: str) -> Visit:
    visit = session.get(Visit, visit_id)
    if visit is None or visit.deleted:
        raise VisitRuleError("That visit does not exist (it may have been deleted).")
    if visit.status is not VisitStatus.PLANNED:
        raise VisitRuleError(f"That visit is {visit.status.value.replace('_', ' ')}, no longer planned.")
    return visit


def begin_visit(store: Store, library: TemplateLibrary, visit_id: str, on: dt.date) -> str:
    """Begin a planned visit on the day: its checklists are added and it is in progress."""
    with store.write() as changes:
        officer(changes.session, "or start visits")
        visit = _planned(changes.session, visit_id)
        setting = _setting(changes.session, visit.setting_id)
        chosen = _templates(library, visit.level, setting, framework(changes.session))
        check_officers(visit.announced, visit.officers)
        for position, template in enumerate(chosen):
            changes.create(VisitTemplate, id=derived_id("visit_template", visit.id, template.key), visit_id=visit.id,
                           snapshot_id=_snapshot(changes, template).id, template_key=template.key,
                           scope=visit.level.value, position=position)
        changes.update(visit, status=VisitStatus.IN_PROGRESS, visit_date=on)
        return visit.id


# -- lists --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class VisitSummary:
    """A visit as lists show it, with the reference commands accept."""

    id: str
    reference: str
    provider_id: str
    provider: str
    setting_id: str
    setting: str
    address: str
    visit_date: dt.date
    starts_at: dt.datetime | None
    duration_minutes: int | None
    level: VisitLevel
    announced: bool
    reason: VisitReason
    status: VisitStatus
    officers: tuple[str, ...]

    @property
    def when(self) -> str:
        if self.starts_at is not None:
            return f"{self.starts_at.astimezone():%a %d %b %Y %H:%M}"
        return f"{self.visit_date:%a %d %b %Y}"


def _summary(visit: Visit, setting: Setting, provider: Provider) -> VisitSummary:
    return VisitSummary(visit.id, report_reference(visit), provider.id, provider.name, setting.id, setting.name,
                        setting.address, visit.visit_date, visit.planned_at, visit.duration_minutes, visit.level,
                        visit.announced, visit.reason, visit.status, tuple(visit.officers))


def visit_list(session: Session, *, provider_id: str | None = None, status: VisitStatus | None = None,
               officer_name: str | None = None, since: dt.date | None = None,
               until: dt.date | None = None) -> list[VisitSummary]:
    """Visits by date (planned ones soonest first, then the rest newest first), filtered."""
    officer(session, "visits")
    query = (select(Visit, Setting, Provider).join(Setting, Visit.setting_id == Setting.id)
             .join(Provider, Setting.provider_id == Provider.id).where(Visit.deleted.is_(False)))
    if provider_id is not None:
        query = query.where(Provider.id == provider_id)
    if status is not None:
        query = query.where(Visit.status == status)
    if since is not None:
        query = query.where(Visit.visit_date >= since)
    if until is not None:
        query = query.where(Visit.visit_date <= until)
    wanted = (officer_name or "").casefold().strip()
    found = [_summary(v, s, p) for v, s, p in session.execute(query)
             if not wanted or any(wanted in name.casefold() for name in v.officers)]
    ahead = sorted((v for v in found if v.status is VisitStatus.PLANNED), key=lambda v: (v.visit_date, v.when))
    rest = sorted((v for v in found if v.status is not VisitStatus.PLANNED), key=lambda v: v.visit_date, reverse=True)
    return ahead + rest


def my_visits(session: Session, user_name: str) -> list[VisitSummary]:
    """The visits planned or in progress with this officer assigned (by name, whatever the capitals)."""
    mine = user_name.casefold().strip()
    return [v for v in visit_list(session) if v.status is not VisitStatus.COMPLETED
            and any(name.casefold().strip() == mine for name in v.officers)]


def visit_summary(session: Session, visit_id: str) -> VisitSummary:
    officer(session, "visits")
    visit = session.get(Visit, visit_id)
    if visit is None or visit.deleted:
        raise VisitRuleError("That visit does not exist (it may have been deleted).")
    setting = session.get(Setting, visit.setting_id)
    provider = session.get(Provider, setting.provider_id) if setting is not None else None
    if setting is None or provider is None:
        raise VisitRuleError("That visit's setting or provider is not on this laptop yet; sync, then try again.")
    return _summary(visit, setting, provider)


# -- the invitation --------------------------------------------------------------------------------------

def appointment(summary: VisitSummary, updated_at: dt.datetime, stamp: dt.datetime) -> Appointment:
    start = summary.starts_at or dt.datetime.combine(summary.visit_date, DEFAULT_START).astimezone()
    minutes = summary.duration_minutes or DEFAULT_MINUTES[summary.level]
    kind = "Announced" if summary.announced else "UNANNOUNCED"
    lines = [f"{summary.level.label} QA visit, {kind.lower()}: {summary.provider}, {summary.setting}.",
             f"Officers: {', '.join(summary.officers)}.", f"Reason: {summary.reason.label}.",
             f"Reference: {summary.reference} (qa-desktop report / export-visit / audit --visit).",
             "Planned in QA Desktop."]
    if not summary.announced:
        lines.insert(1, "Unannounced (Section 11): do not share this invitation with the provider.")
    return Appointment(uid=f"{summary.id}@qa-desktop", summary=f"QA visit ({kind}): {summary.setting}",
                       location=summary.address or summary.setting, description="\n".join(lines), starts_at=start,
                       ends_at=start + dt.timedelta(minutes=minutes), stamp=stamp,
                       sequence=int(updated_at.timestamp() // 60) % 2_000_000_000, private=True)


def invitation_text(session: Session, visit_id: str, now: dt.datetime) -> str:
    summary = visit_summary(session, visit_id)
    if summary.status is not VisitStatus.PLANNED:
        raise VisitRuleError("Only a planned visit has an invitation.")
    visit = session.get(Visit, visit_id)
    assert visit is not None  # read just above
    return calendar_text([appointment(summary, visit.updated_at, now)])


def invitation_file_name(summary: VisitSummary) -> str:
    """A name every system accepts (no ``: ? * " < > |``): QA-20261128-1A2B3C4D.ics."""
    return f"{summary.reference}.ics"


def write_invitation(store: Store, visit_id: str, path: Path | None, now: dt.datetime) -> Path:
    """Write a planned visit's .ics (to ``path``, or ``DATA_DIR/invitations/REFERENCE.ics``)."""
    with store.read() as session:
        text = invitation_text(session, visit_id, now)
        summary = visit_summary(session, visit_id)
    target = path if path is not None else store.data_dir / "invitations" / invitation_file_name(summary)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(target, text.encode("utf-8"))
    return target


def record_past_visit(store: Store, *, setting_id: str, visit_date: dt.date, level: VisitLevel, announced: bool,
                      officers: Sequence[str], reason: VisitReason, today: dt.date) -> str:
    """A visit done before QA Desktop was used (from the team's tracker), recorded as completed so
    the Figure 2 cycle runs from it: it has no checklists, and says so. Its id."""
    names = check_officers(announced, officers)
    if visit_date > today:
        raise VisitRuleError(f"Date: a visit already done is dated today or earlier, not {visit_date:%d/%m/%Y}.")
    with store.write() as changes:
        officer(changes.session, "or record visits")
        setting = _setting(changes.session, setting_id)
        return changes.create(Visit, setting_id=setting.id, visit_date=visit_date, level=level, announced=announced,
                              reason=reason, status=VisitStatus.COMPLETED, officers=names).id
