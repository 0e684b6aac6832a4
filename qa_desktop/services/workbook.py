"""Everything to Excel: the team's master spreadsheet, made from the records (Section 11's tracker,
Section 15's "QA Master Spreadsheet"), and any list of the Tracker window as it is shown.

One workbook, a sheet each: the register, settings, visits, compliance reviews, QA cases, meetings,
actions (from visits, action plans and meetings), regulatory alerts (with whether each affects
children we have placed), embargoes, action plans, funding requests, Ofsted notifications,
registration applications, the planning list, intelligence, the Young Inspectors programme, and the
year's figures beside the previous year's. Every sheet has its header row frozen with filters on
it, dates as dates (DD/MM/YYYY), numbers as numbers, yes/no as words, OFFICIAL-SENSITIVE in the
footer; every text cell is text by its type, through the shared safe-cell module
(``qa_desktop.safe_text``: never a formula, control characters removed).

Read with plain column selects rather than ORM rows, and written by the streaming writer
(``services.xlsx_stream``), so 20,000 providers and 50,000 cases take seconds
(``bench/annual_figures.py``); then written atomically.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from qa_desktop.domain.annual_figures import AnnualFigures, Count
from qa_desktop.domain.regulation import ContractRoute
from qa_desktop.domain.tiers import provider_tier
from qa_desktop.services.alert_impact import AlertLine, alert_lines
from qa_desktop.services.partnership import FundingRequestLine, MeetingLine, funding_requests, meetings
from qa_desktop.services.unregistered import (
    ApplicationLine,
    IntelligenceLine,
    NotificationLine,
    PlanningLine,
    applications,
    intelligence,
    notifications,
    planning_applications,
)
from qa_desktop.services.xlsx_stream import SheetColumn, XlsxStream
from qa_desktop.services.young_inspector_programme import (
    IncentiveLine,
    InspectorLine,
    JoinedVisit,
    incentives,
    joined_visits,
    roster,
)
from qa_desktop.store.access import officer
from qa_desktop.store.models import (
    ActionPlan,
    ComplianceReview,
    Embargo,
    Meeting,
    MeetingAction,
    PlanAction,
    Provider,
    QaCase,
    ReviewAction,
    Setting,
    Visit,
    VisitAction,
)

MARKING = "OFFICIAL-SENSITIVE"


@dataclass(frozen=True)
class Column:
    """A column of a sheet: its heading, how a row gives its value, what kind of value, how wide."""

    header: str
    value: Callable[[Any], Any]
    kind: str = "text"  # text, date, moment, number, money (pence in, pounds out), yes
    width: float = 16


def _yes(value: object) -> str:
    return "Yes" if value else "No"


def _label(value: Any) -> str:
    return "" if value is None else str(getattr(value, "label", value))


# -- the sheets of the window's lists, by the row type each list holds ---------------------------------

MEETING_COLUMNS = (
    Column("Held", lambda m: m.held_on, "date", 12),
    Column("Kind", lambda m: m.kind.label, width=30),
    Column("Title", lambda m: m.title, width=30),
    Column("Property", lambda m: m.setting, width=24),
    Column("Attendees", lambda m: ", ".join(m.attendees), width=36),
    Column("Discussed", lambda m: m.discussed, width=40),
    Column("Actions", lambda m: len(m.actions), "number", 9),
    Column("Open actions", lambda m: m.open_actions, "number", 9),
    Column("Notes", lambda m: m.notes, width=50))
FUNDING_COLUMNS = (
    Column("Received", lambda r: r.received_on, "date", 12),
    Column("Reference", lambda r: r.reference, width=14),
    Column("Provider", lambda r: r.provider, width=30),
    Column("Service type", lambda r: _label(r.service_type), width=24),
    Column("Requested by", lambda r: r.requested_by, width=22),
    Column("Request", lambda r: r.summary, width=40),
    Column("QA's view", lambda r: _label(r.recommendation) or "Awaiting feedback", width=22),
    Column("Feedback", lambda r: r.feedback, width=40),
    Column("Fed back", lambda r: r.feedback_on, "date", 12))
NOTIFICATION_COLUMNS = (
    Column("Notified", lambda n: n.notified_on, "date", 12),
    Column("Provider", lambda n: n.provider, width=30),
    Column("Property", lambda n: n.setting, width=24),
    Column("Placement", lambda n: n.placement_reference, width=14),
    Column("Ofsted reference", lambda n: n.ofsted_reference, width=16),
    Column("Updates sent", lambda n: len(n.updates), "number", 9),
    Column("Last told", lambda n: n.last_update, "date", 12),
    Column("Placement ended", lambda n: n.placement_ended_on, "date", 12),
    Column("Summary", lambda n: n.summary, width=40),
    Column("Updates", lambda n: "; ".join(f"{u.sent_on:%d/%m/%Y}: {u.summary}" for u in n.updates), width=50))
APPLICATION_COLUMNS = (
    Column("Provider", lambda a: a.provider, width=30),
    Column("Stage", lambda a: a.stage.label, width=24),
    Column("Support began", lambda a: a.support_began_on, "date", 12),
    Column("Submitted", lambda a: a.submitted_on, "date", 12),
    Column("Ended", lambda a: a.ended_on, "date", 12),
    Column("URN", lambda a: a.urn, width=12),
    Column("Notes", lambda a: a.notes, width=40))
PLANNING_COLUMNS = (
    Column("Listed", lambda a: a.listed_on, "date", 12),
    Column("Reference", lambda a: a.reference, width=16),
    Column("Address", lambda a: a.address, width=32),
    Column("Postcode", lambda a: a.postcode, width=10),
    Column("Applicant", lambda a: a.applicant, width=20),
    Column("Use from", lambda a: a.use_from, width=8),
    Column("Use to", lambda a: a.use_to, width=8),
    Column("Proposal", lambda a: a.proposal, width=40),
    Column("Decision", lambda a: a.decision.label, width=10),
    Column("QA's feedback", lambda a: a.qa_feedback, width=40),
    Column("Feedback sent", lambda a: a.feedback_sent_on, "date", 12),
    Column("Provider", lambda a: a.provider, width=28),
    Column("Intelligence at the address", lambda a: a.intelligence, "number", 10))
INTELLIGENCE_COLUMNS = (
    Column("Received", lambda i: i.received_on, "date", 12),
    Column("Source", lambda i: i.source.label, width=18),
    Column("Address", lambda i: i.address, width=32),
    Column("Postcode", lambda i: i.postcode, width=10),
    Column("Provider", lambda i: i.provider, width=28),
    Column("What was shared", lambda i: i.summary, width=44),
    Column("QA's response", lambda i: i.response, width=40),
    Column("Responded", lambda i: i.responded_on, "date", 12))
INSPECTOR_COLUMNS = (
    Column("Young Inspector", lambda y: y.name, width=16),
    Column("Joined", lambda y: y.joined_on, "date", 12),
    Column("Trained", lambda y: y.trained_on, "date", 12),
    Column("DBS checked", lambda y: y.dbs_checked_on, "date", 12),
    Column("Opted out", lambda y: y.opted_out_on, "date", 12),
    Column("Visits", lambda y: y.visits, "number", 8),
    Column("Incentives", lambda y: y.incentives, "number", 9),
    Column("Due", lambda y: "; ".join(d.words for d in y.due), width=50))
JOINED_COLUMNS = (
    Column("Visit", lambda j: j.visit_date, "date", 12),
    Column("Young Inspector", lambda j: j.name, width=14),
    Column("Provider", lambda j: j.provider, width=28),
    Column("Setting", lambda j: j.setting, width=24),
    Column("Briefed", lambda j: j.briefed_on, "date", 12),
    Column("Debriefed", lambda j: j.debriefed_on, "date", 12),
    Column("Debrief by", lambda j: _label(j.debrief_by), width=20),
    Column("Opted out", lambda j: _yes(j.opted_out), width=9),
    Column("Feedback to provider", lambda j: j.feedback, "number", 10),
    Column("Notes", lambda j: j.notes, width=30))
INCENTIVE_COLUMNS = (
    Column("Given", lambda i: i.given_on, "date", 12),
    Column("Young Inspector", lambda i: i.name, width=14),
    Column("What", lambda i: i.description, width=30),
    Column("Value", lambda i: i.value_pence, "money", 10))
ALERT_COLUMNS = (
    Column("Received", lambda a: a.received_on, "date", 12),
    Column("Provider", lambda a: a.provider, width=30),
    Column("URN", lambda a: a.urn, width=11),
    Column("Service type", lambda a: a.service_type.label, width=24),
    Column("Regulator", lambda a: a.regulator.label, width=12),
    Column("Alert", lambda a: a.kind.label, width=34),
    Column("Review due", lambda a: a.review_on, "date", 12),
    Column("Closed", lambda a: a.closed_on, "date", 12),
    Column("Affects children we have placed", lambda a: _yes(a.affects_our_children), width=12),
    Column("Our placements", lambda a: ", ".join(a.placements), width=20),
    Column("Summary", lambda a: a.summary, width=40))
COUNT_COLUMNS = (
    Column("Figure", lambda c: c.label, width=48),
    Column("This year", lambda c: c.current, "number", 12),
    Column("Previous year", lambda c: c.previous, "number", 12),
    Column("Change", lambda c: c.change, "number", 10),
    Column("Change in words", lambda c: c.change_words, width=26))

#: The sheet of each list the window can export, by the row type the list holds.
LIST_COLUMNS: dict[type, tuple[Column, ...]] = {
    MeetingLine: MEETING_COLUMNS, FundingRequestLine: FUNDING_COLUMNS, NotificationLine: NOTIFICATION_COLUMNS,
    ApplicationLine: APPLICATION_COLUMNS, PlanningLine: PLANNING_COLUMNS, IntelligenceLine: INTELLIGENCE_COLUMNS,
    InspectorLine: INSPECTOR_COLUMNS, JoinedVisit: JOINED_COLUMNS, IncentiveLine: INCENTIVE_COLUMNS,
    AlertLine: ALERT_COLUMNS, Count: COUNT_COLUMNS,
}


# -- writing ----------------------------------------------------------------------------------------

class Sheets:
    """A workbook being filled sheet by sheet (``services.xlsx_stream``); ``save`` writes it atomically."""

    def __init__(self, title: str, as_at: dt.date) -> None:
        self.book = XlsxStream(title)
        self.as_at = as_at
        self.rows = 0

    def sheet(self, name: str, columns: Sequence[Column], rows: Iterable[Any], *, what: str = "") -> int:
        """A sheet of ``rows`` (objects the columns read); how many rows it has."""
        getters = [column.value for column in columns]
        count = self.book.sheet(name, [SheetColumn(c.header, c.kind, c.width) for c in columns],
                                ([get(row) for get in getters] for row in rows),
                                footer=f"{MARKING} · {what or name} · as at {self.as_at:%d/%m/%Y}")
        self.rows += count
        return count

    def save(self, path: Path) -> None:
        self.book.save(path)


def export_list(rows: Sequence[Any], path: Path, title: str, as_at: dt.date) -> int:
    """One list as the window shows it (filtered, in its order) to a workbook of one sheet; its rows."""
    if path.suffix.lower() != ".xlsx":
        raise ValueError(f"{path.name}: export to an Excel workbook (.xlsx).")
    columns = LIST_COLUMNS.get(type(rows[0])) if rows else next(iter(LIST_COLUMNS.values()))
    if columns is None:
        raise ValueError(f"The list {title!r} cannot be exported.")
    sheets = Sheets(f"{title} {as_at:%d/%m/%Y}", as_at)
    count = sheets.sheet(title, columns, rows, what=title)
    sheets.save(path)
    return count


# -- the whole workbook ------------------------------------------------------------------------------

@dataclass(frozen=True)
class WorkbookReport:
    """What the workbook holds: rows per sheet, by sheet name."""

    path: Path
    sheets: dict[str, int]

    @property
    def rows(self) -> int:
        return sum(self.sheets.values())


def _register(session: Session) -> list[tuple[Any, ...]]:
    settings = dict(session.execute(select(Setting.provider_id, func.count()).where(Setting.deleted.is_(False))
                                    .group_by(Setting.provider_id)).all())
    rows = []
    for p in session.execute(select(
            Provider.id, Provider.name, Provider.urn, Provider.service_type, Provider.provision_type,
            Provider.registration_status, Provider.judgement, Provider.judgement_date, Provider.contract_route,
            Provider.regulator, Provider.organisation, Provider.local_authority, Provider.capacity,
            Provider.ceased_operating_on).where(Provider.deleted.is_(False)).order_by(Provider.name)):
        tier = provider_tier(p.service_type, p.contract_route is ContractRoute.FRAMEWORK, p.regulator, p.judgement)
        rows.append((*p, tier.value if tier else "", settings.get(p.id, 0)))
    return rows


REGISTER_COLUMNS = (
    Column("Provider", lambda r: r[1], width=34),
    Column("URN", lambda r: r[2], width=11),
    Column("Service type", lambda r: r[3].label, width=26),
    Column("Provision type", lambda r: r[4], width=22),
    Column("Registration status", lambda r: r[5], width=14),
    Column("Judgement", lambda r: _label(r[6]), width=22),
    Column("Judgement date", lambda r: r[7], "date", 12),
    Column("Tier (Section 3)", lambda r: r[14], width=9),
    Column("Contract route", lambda r: _label(r[8]), width=14),
    Column("Regulator", lambda r: _label(r[9]), width=14),
    Column("Organisation", lambda r: r[10], width=28),
    Column("Local authority", lambda r: r[11], width=16),
    Column("Places", lambda r: r[12], "number", 8),
    Column("Properties", lambda r: r[15], "number", 9),
    Column("Ceased operating", lambda r: r[13], "date", 12))


def _settings(session: Session) -> list[Any]:
    return list(session.execute(
        select(Provider.name, Provider.urn, Setting.name, Setting.address_line1, Setting.address_line2, Setting.town,
               Setting.county, Setting.postcode, Setting.capacity)
        .join(Provider, Setting.provider_id == Provider.id)
        .where(Setting.deleted.is_(False), Provider.deleted.is_(False)).order_by(Provider.name, Setting.name)))


SETTING_COLUMNS = (
    Column("Provider", lambda r: r[0], width=34),
    Column("URN", lambda r: r[1], width=11),
    Column("Property", lambda r: r[2], width=28),
    Column("Address", lambda r: r[3], width=28),
    Column("Address 2", lambda r: r[4], width=20),
    Column("Town", lambda r: r[5], width=16),
    Column("County", lambda r: r[6], width=12),
    Column("Postcode", lambda r: r[7], width=10),
    Column("Places", lambda r: r[8], "number", 8))


def _visits(session: Session) -> list[Any]:
    actions = dict(session.execute(select(VisitAction.visit_id, func.count()).where(VisitAction.deleted.is_(False))
                                   .group_by(VisitAction.visit_id)).all())
    return [(*v, actions.get(v.id, 0)) for v in session.execute(
        select(Visit.id, Visit.visit_date, Provider.name, Provider.urn, Setting.name, Visit.level, Visit.announced,
               Visit.reason, Visit.status, Visit.officers)
        .join(Setting, Visit.setting_id == Setting.id).join(Provider, Setting.provider_id == Provider.id)
        .where(Visit.deleted.is_(False)).order_by(Visit.visit_date.desc()))]


VISIT_COLUMNS = (
    Column("Date", lambda r: r[1], "date", 12),
    Column("Provider", lambda r: r[2], width=30),
    Column("URN", lambda r: r[3], width=11),
    Column("Setting", lambda r: r[4], width=24),
    Column("Level", lambda r: r[5].label, width=20),
    Column("Announced", lambda r: _yes(r[6]), width=10),
    Column("Reason", lambda r: r[7].label, width=24),
    Column("Status", lambda r: r[8].value.replace("_", " "), width=12),
    Column("Officers", lambda r: ", ".join(r[9] or ()), width=28),
    Column("Actions", lambda r: r[10], "number", 8))


def _reviews(session: Session) -> list[Any]:
    return list(session.execute(
        select(ComplianceReview.review_date, Provider.name, Provider.urn, Provider.service_type,
               ComplianceReview.minimum_only, ComplianceReview.reviewed_by, ComplianceReview.outcome)
        .join(Provider, ComplianceReview.provider_id == Provider.id)
        .where(ComplianceReview.deleted.is_(False)).order_by(ComplianceReview.review_date.desc())))


REVIEW_COLUMNS = (
    Column("Date", lambda r: r[0], "date", 12),
    Column("Provider", lambda r: r[1], width=30),
    Column("URN", lambda r: r[2], width=11),
    Column("Service type", lambda r: r[3].label, width=26),
    Column("Review", lambda r: "Minimum urgent set" if r[4] else "Full", width=18),
    Column("Reviewed by", lambda r: r[5], width=18),
    Column("Outcome", lambda r: r[6], width=44))


def _cases(session: Session) -> list[Any]:
    return list(session.execute(
        select(QaCase.opened_on, Provider.name, Provider.urn, Provider.service_type, QaCase.source, QaCase.category,
               QaCase.summary, QaCase.safeguarding, QaCase.significant, QaCase.status, QaCase.closed_on, QaCase.outcome)
        .join(Provider, QaCase.provider_id == Provider.id)
        .where(QaCase.deleted.is_(False)).order_by(QaCase.opened_on.desc())))


CASE_COLUMNS = (
    Column("Opened", lambda r: r[0], "date", 12),
    Column("Provider", lambda r: r[1], width=30),
    Column("URN", lambda r: r[2], width=11),
    Column("Service type", lambda r: r[3].label, width=24),
    Column("Source", lambda r: r[4].label, width=18),
    Column("Category", lambda r: r[5], width=20),
    Column("Summary", lambda r: r[6], width=44),
    Column("Safeguarding", lambda r: _yes(r[7]), width=12),
    Column("Significant", lambda r: _yes(r[8]), width=11),
    Column("Status", lambda r: r[9].label, width=9),
    Column("Closed", lambda r: r[10], "date", 12),
    Column("Outcome", lambda r: r[11], width=36))


@dataclass(frozen=True)
class ActionRow:
    """An action of any kind, as the Actions sheet lists it."""

    kind: str
    provider: str
    source: str
    text: str
    level: Any
    raised_at: dt.datetime
    due_at: dt.datetime | None
    extended_to: dt.datetime | None
    extension_reason: str | None
    completed_at: dt.datetime | None
    evidence: str | None

    @property
    def due(self) -> dt.datetime | None:
        return self.extended_to or self.due_at

    @property
    def on_time(self) -> str:
        if self.completed_at is None or self.due is None:
            return ""
        return "Yes" if self.completed_at <= self.due else "No"


def _actions(session: Session) -> list[ActionRow]:
    names = dict(session.execute(select(Provider.id, Provider.name)).all())
    found: list[ActionRow] = []
    tracked = ("text", "level", "raised_at", "due_at", "extended_to", "extension_reason", "completed_at", "evidence")

    def row(kind: str, provider_id: str | None, source: str, action: Any) -> ActionRow:
        return ActionRow(kind, names.get(provider_id or "", ""), source, *(getattr(action, f) for f in tracked))

    for planned, plan in session.execute(
            select(PlanAction, ActionPlan).join(ActionPlan, PlanAction.plan_id == ActionPlan.id)
            .where(PlanAction.deleted.is_(False), ActionPlan.deleted.is_(False))):
        found.append(row("Action plan", plan.provider_id, f"{plan.kind.label} issued {plan.issued_on:%d/%m/%Y}",
                         planned))
    for on_visit, visit, provider_id in session.execute(
            select(VisitAction, Visit, Setting.provider_id).join(Visit, VisitAction.visit_id == Visit.id)
            .join(Setting, Visit.setting_id == Setting.id)
            .where(VisitAction.deleted.is_(False), Visit.deleted.is_(False))):
        found.append(row("Visit", provider_id, f"Visit {visit.visit_date:%d/%m/%Y}: {on_visit.item_key}", on_visit))
    for arising, meeting in session.execute(
            select(MeetingAction, Meeting).join(Meeting, MeetingAction.meeting_id == Meeting.id)
            .where(MeetingAction.deleted.is_(False), Meeting.deleted.is_(False))):
        found.append(row("Meeting", arising.provider_id, f"{meeting.kind.label} {meeting.held_on:%d/%m/%Y}", arising))
    for required, review in session.execute(  # actions a compliance review set (Figure 1, Figure 8 dates)
            select(ReviewAction, ComplianceReview).join(ComplianceReview, ReviewAction.review_id == ComplianceReview.id)
            .where(ReviewAction.deleted.is_(False), ComplianceReview.deleted.is_(False))):
        scope = "Minimum urgent review" if review.minimum_only else "Compliance review"
        found.append(row("Review", review.provider_id, f"{scope} {review.review_date:%d/%m/%Y}", required))
    return sorted(found, key=lambda a: a.raised_at, reverse=True)


ACTION_COLUMNS = (
    Column("Raised", lambda a: a.raised_at, "moment", 16),
    Column("From", lambda a: a.kind, width=12),
    Column("Provider", lambda a: a.provider, width=28),
    Column("Where", lambda a: a.source, width=32),
    Column("Action", lambda a: a.text, width=40),
    Column("Figure 8 level", lambda a: _label(a.level), width=12),
    Column("Due", lambda a: a.due_at, "moment", 16),
    Column("Extended to", lambda a: a.extended_to, "moment", 16),
    Column("Why extended", lambda a: a.extension_reason, width=24),
    Column("Completed", lambda a: a.completed_at, "moment", 16),
    Column("On time", lambda a: a.on_time, width=8),
    Column("Evidence", lambda a: a.evidence, width=30))


def _embargoes(session: Session) -> list[Any]:
    return list(session.execute(
        select(Provider.name, Provider.urn, Embargo.kind, Embargo.scope, Setting.name, Embargo.foster_carer,
               Embargo.reason, Embargo.informal_reason, Embargo.approved_by, Embargo.start_on, Embargo.review_on,
               Embargo.end_on, Embargo.social_work_informed_on)
        .join(Provider, Embargo.provider_id == Provider.id).outerjoin(Setting, Embargo.setting_id == Setting.id)
        .where(Embargo.deleted.is_(False)).order_by(Embargo.start_on.desc())))


EMBARGO_COLUMNS = (
    Column("Provider", lambda r: r[0], width=30),
    Column("URN", lambda r: r[1], width=11),
    Column("Kind", lambda r: r[2].label, width=9),
    Column("On", lambda r: r[3].label, width=26),
    Column("Property", lambda r: r[4], width=22),
    Column("Foster carers", lambda r: r[5], width=16),
    Column("Reason", lambda r: r[6], width=40),
    Column("Why informal", lambda r: _label(r[7]), width=30),
    Column("Agreed by", lambda r: r[8], width=18),
    Column("Started", lambda r: r[9], "date", 12),
    Column("Review", lambda r: r[10], "date", 12),
    Column("Ended", lambda r: r[11], "date", 12),
    Column("Social work team told", lambda r: r[12], "date", 12))


def _plans(session: Session) -> list[Any]:
    counted = aliased(PlanAction)
    actions = dict(session.execute(select(counted.plan_id, func.count()).where(counted.deleted.is_(False))
                                   .group_by(counted.plan_id)).all())
    return [(*p, actions.get(p.id, 0)) for p in session.execute(
        select(ActionPlan.id, Provider.name, Provider.urn, ActionPlan.kind, ActionPlan.issued_on, ActionPlan.reason,
               ActionPlan.social_work_informed_on, ActionPlan.removed_on, ActionPlan.removal_reason)
        .join(Provider, ActionPlan.provider_id == Provider.id)
        .where(ActionPlan.deleted.is_(False)).order_by(ActionPlan.issued_on.desc()))]


PLAN_COLUMNS = (
    Column("Provider", lambda r: r[1], width=30),
    Column("URN", lambda r: r[2], width=11),
    Column("Kind", lambda r: r[3].label, width=22),
    Column("Issued", lambda r: r[4], "date", 12),
    Column("Why", lambda r: r[5], width=40),
    Column("Social work team told", lambda r: r[6], "date", 12),
    Column("Lifted", lambda r: r[7], "date", 12),
    Column("Why lifted", lambda r: _label(r[8]), width=36),
    Column("Actions", lambda r: r[9], "number", 8))


def _figure_rows(figures: AnnualFigures) -> list[tuple[str, Count]]:
    rows: list[tuple[str, Count]] = [("Headline", c) for c in figures.headline]
    for part in figures.breakdowns:
        rows += [(part.title, c) for c in part.rows]
        if part.total is not None:
            rows.append((part.title, dataclasses.replace(part.total, label=f"Total: {part.total.label}")))
    for current, previous in zip(figures.actions.current, figures.actions.previous, strict=True):
        for what, words in (("raised", "raised"), ("completed", "completed"), ("on_time", "completed on time"),
                            ("overdue", "open past due now")):
            rows.append(("Actions by Figure 8 level", Count(f"{current.level.label} {words}", getattr(current, what),
                                                            getattr(previous, what))))
    return rows


def figure_columns(figures: AnnualFigures) -> tuple[Column, ...]:
    return (Column("Section", lambda r: r[0], width=40),
    Column("Figure", lambda r: r[1].label, width=46),
            Column(figures.span.label, lambda r: r[1].current, "number", 14),
            Column(figures.previous_span.label, lambda r: r[1].previous, "number", 14),
            Column("Change", lambda r: r[1].change, "number", 10),
            Column("Change in words", lambda r: r[1].change_words, width=24))


def export_workbook(session: Session, path: Path, figures: AnnualFigures, today: dt.date,
                    progress: Callable[[str, int, int], None] | None = None) -> WorkbookReport:
    """Every list of the register and the tracker, a sheet each, and ``figures``; written atomically."""
    officer(session, "or export the register")
    if path.suffix.lower() != ".xlsx":
        raise ValueError(f"{path.name}: export to an Excel workbook (.xlsx).")
    sheets = Sheets(f"QA tracker {today:%d/%m/%Y}", today)
    parts: list[tuple[str, Sequence[Column], Callable[[], Iterable[Any]]]] = [
        (f"Figures {figures.span.label}", figure_columns(figures), lambda: _figure_rows(figures)),
        ("Register", REGISTER_COLUMNS, lambda: _register(session)),
        ("Settings", SETTING_COLUMNS, lambda: _settings(session)),
        ("Visits", VISIT_COLUMNS, lambda: _visits(session)),
        ("Compliance reviews", REVIEW_COLUMNS, lambda: _reviews(session)),
        ("QA cases", CASE_COLUMNS, lambda: _cases(session)),
        ("Meetings", MEETING_COLUMNS, lambda: meetings(session, dt.datetime.combine(today, dt.time()).astimezone())),
        ("Actions", ACTION_COLUMNS, lambda: _actions(session)),
        ("Alerts", ALERT_COLUMNS, lambda: alert_lines(session, today)),
        ("Embargoes", EMBARGO_COLUMNS, lambda: _embargoes(session)),
        ("Action plans", PLAN_COLUMNS, lambda: _plans(session)),
        ("Funding requests", FUNDING_COLUMNS, lambda: funding_requests(session)),
        ("Ofsted notifications", NOTIFICATION_COLUMNS, lambda: notifications(session)),
        ("Registration applications", APPLICATION_COLUMNS, lambda: applications(session)),
        ("Planning list", PLANNING_COLUMNS, lambda: planning_applications(session)),
        ("Intelligence", INTELLIGENCE_COLUMNS, lambda: intelligence(session)),
        ("Young Inspectors", INSPECTOR_COLUMNS, lambda: roster(session, today)),
        ("Young Inspector visits", JOINED_COLUMNS, lambda: joined_visits(session)),
        ("Incentives", INCENTIVE_COLUMNS, lambda: incentives(session)),
    ]
    counts: dict[str, int] = defaultdict(int)
    for n, (name, columns, rows) in enumerate(parts):
        if progress is not None:
            progress(f"Writing the sheet {name}", n, len(parts))
        counts[name] = sheets.sheet(name, columns, rows())
    sheets.save(path)
    return WorkbookReport(path, dict(counts))
