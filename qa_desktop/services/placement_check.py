"""The placement check: before a child is placed, everything QA holds that should stop or worry the
placing social worker, in words (Section 13: "The quality assurance team complete compliance checks
on all proposed placements"; Section 11: a compliance review and a QA visit "required prior to a
child or young person being placed").

Each matter is a line with how much it weighs:

- **Stop**: do not place without the senior manager's agreement: an embargo in force (Section 12),
  a suspended, restricted or ended registration, a regulator's alert of one; an expired document of
  Section 11's minimum checks (health and safety documents, staff training, insurance).
- **Concern**: place only with the concern weighed and the social work team told: a judgement of
  Requires Improvement or below, not inspected, no compliance review or QA visit (or one overdue),
  documents expired (other than the minimum checks) or expiring within 30 days, an action plan open,
  a MEDIUM or HIGH risk rating (Figure 6), an open safeguarding case.
- **Checked**: what was looked at and found in order, so the check says what it covered.

"Nothing recorded against this provider" is said only when no line stops or worries
(``domain.placement``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from qa_desktop.domain.oversight import AlertKind, CaseStatus, EmbargoScope
from qa_desktop.domain.placement import NOTHING_RECORDED, CheckLine, PlacementCheck, Weight, document_lines
from qa_desktop.domain.registration import Standing, standing
from qa_desktop.domain.regulation import Judgement, Regulator
from qa_desktop.domain.risk import Rag
from qa_desktop.domain.schedule import MONITORED_ONLY, DueKind, DueStatus
from qa_desktop.domain.visits import VisitRuleError
from qa_desktop.services.council import branding
from qa_desktop.services.due import document_expiries, due_items
from qa_desktop.services.oversight import active_embargoes, ifa_flags, open_alerts, risk_ratings, tracked_actions
from qa_desktop.store.access import officer
from qa_desktop.store.database import Store
from qa_desktop.store.models import ActionPlan, ComplianceReview, Provider, QaCase, Setting

__all__ = ["NOTHING_RECORDED", "CheckLine", "PlacementCheck", "Weight", "placement_check", "write_pdf"]

#: An inspection older than this is said to be old (Ofsted inspects children's homes every year).
OLD_INSPECTION = dt.timedelta(days=3 * 365)

def _d(day: dt.date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else "no date"


def placement_check(session: Session, provider_id: str, today: dt.date, now: dt.datetime) -> PlacementCheck:
    """The check of one provider as at ``today`` (``VisitRuleError`` if it is not in the register)."""
    officer(session, "placement checks")
    provider = session.get(Provider, provider_id)
    if provider is None or provider.deleted:
        raise VisitRuleError("That provider is not in the register (it may have been deleted).")
    lines: list[CheckLine] = []
    lines += _embargoes(session, provider_id, today)
    lines += _regulator(session, provider, today)
    lines += _reviews_and_visits(session, provider, today)
    lines += _plans(session, provider_id, now)
    lines += _risk(session, provider, today)
    lines += _safeguarding(session, provider_id)
    order = {Weight.STOP: 0, Weight.CONCERN: 1, Weight.CHECKED: 2}
    lines.sort(key=lambda line: order[line.weight])  # stable: topics keep their order within a weight
    settings = session.scalars(select(Setting).where(Setting.provider_id == provider_id, Setting.deleted.is_(False))
                               .order_by(Setting.name)).all()
    address = settings[0].address if len(settings) == 1 else f"{len(settings)} properties" if settings else ""
    return PlacementCheck(provider.id, provider.name, provider.urn or "", provider.service_type.label,
                          provider.regulator.label if provider.regulator else "Regulator not recorded",
                          provider.organisation or "", address, today, session.info["user"].name, tuple(lines))


def _embargoes(session: Session, provider_id: str, today: dt.date) -> list[CheckLine]:
    found = []
    for embargo in active_embargoes(session, today, provider_id=provider_id):
        on = {EmbargoScope.PROVIDER: "the whole provider", EmbargoScope.PROPERTY: f"the property {embargo.setting}",
              EmbargoScope.FOSTER_CARER: f"foster carers {embargo.foster_carer}"}[embargo.scope]
        review = f", review due {_d(embargo.review_on)}" if embargo.review_on else ""
        found.append(CheckLine("Embargo", Weight.STOP,
                               f"{embargo.kind.label} embargo on {on} since {_d(embargo.start_on)}{review}: "
                               f"{embargo.reason}"))
    if not found:
        found.append(CheckLine("Embargo", Weight.CHECKED, "No embargo in force."))
    return found


_STOPPING_ALERTS = frozenset({AlertKind.SUSPENSION, AlertKind.RESTRICTION, AlertKind.TERMINATION})


def _regulator(session: Session, provider: Provider, today: dt.date) -> list[CheckLine]:
    found: list[CheckLine] = []
    alerts = open_alerts(session, provider_id=provider.id)
    for alert in alerts:
        weight = Weight.STOP if alert.kind in _STOPPING_ALERTS else Weight.CONCERN
        review = f", review due {_d(alert.review_on)}" if alert.review_on else ""
        overdue = " (REVIEW OVERDUE)" if alert.review_on and alert.review_on < today else ""
        source = f" From {alert.source}." if alert.source else ""
        found.append(CheckLine("Regulator's alert", weight,
                               f"{alert.regulator.label}: {alert.kind.label} since {_d(alert.since)}{review}{overdue}: "
                               f"{alert.summary}{source}"))
    # the judgement
    judgement, inspected = provider.judgement, provider.judgement_date
    regulated = provider.regulator not in (None, Regulator.NONE)
    if judgement in (Judgement.REQUIRES_IMPROVEMENT, Judgement.INADEQUATE):
        below = " (below the framework's entry standard, Section 3)" if judgement is Judgement.INADEQUATE else ""
        found.append(CheckLine("Judgement", Weight.CONCERN,
                               f"{judgement.label} at the latest full inspection, {_d(inspected)}{below}."))
    elif judgement is Judgement.NOT_YET_INSPECTED or (judgement is None and regulated):
        found.append(CheckLine("Judgement", Weight.CONCERN,
                               "Not yet inspected by the regulator." if judgement else "No judgement recorded."))
    elif judgement is not None:
        old = inspected is not None and today - inspected > OLD_INSPECTION
        found.append(CheckLine("Judgement", Weight.CONCERN if old else Weight.CHECKED,
                               f"{judgement.label} at the latest full inspection, {_d(inspected)}"
                               + (" (more than three years ago)." if old else ".")))
    else:
        found.append(CheckLine("Judgement", Weight.CHECKED, "Not regulated: no judgement to check."))
    # the registration
    status = provider.registration_status
    meaning = standing(status)
    if provider.ceased_operating_on is not None or meaning is Standing.CLOSED:
        since = f" since {_d(provider.ceased_operating_on)}" if provider.ceased_operating_on else ""
        found.append(CheckLine("Registration", Weight.STOP, f"Ceased operating{since}: registration status "
                                                           f"{status!r}." if status else f"Ceased operating{since}."))
    elif meaning in (Standing.SUSPENDED, Standing.RESTRICTED):
        found.append(CheckLine("Registration", Weight.STOP, f"{meaning.label}: status {status!r} in the register."))
    elif meaning is Standing.ACTIVE:
        found.append(CheckLine("Registration", Weight.CHECKED, f"Registered and active: status {status!r}."))
    elif status:
        found.append(CheckLine("Registration", Weight.CONCERN,
                               f"Registration status {status!r}: not one QA Desktop knows; check with the regulator."))
    elif regulated:
        found.append(CheckLine("Registration", Weight.CONCERN, "No registration status recorded."))
    return found


def _reviews_and_visits(session: Session, provider: Provider, today: dt.date) -> list[CheckLine]:
    found: list[CheckLine] = []
    last_review = session.scalar(select(ComplianceReview).where(
        ComplianceReview.provider_id == provider.id, ComplianceReview.deleted.is_(False))
        .order_by(ComplianceReview.review_date.desc()).limit(1))
    if provider.service_type in MONITORED_ONLY and not provider.monitored:
        # a boarding school or FE college nobody marked (issue 17): nothing is due for it, so QA holds
        # little or nothing on it; a placement there needs it monitored and reviewed first
        held = ("QA holds no compliance review or visit of it" if last_review is None else
                f"its last compliance review was {_d(last_review.review_date)} and nothing is due while it is "
                "not monitored")
        found.append(CheckLine("Compliance review", Weight.CONCERN,
                               f"{provider.service_type.label} not monitored by us: {held}. Before a child is "
                               "placed, mark it monitored; a compliance review and a QA visit are then required as "
                               f"for a {MONITORED_ONLY[provider.service_type].label} (Section 11, Figures 1 and 2)."))
        if last_review is not None:
            found += document_lines(document_expiries(session, provider.id), today)
        return found
    items = due_items(session, today, include_scheduled=True, provider_id=provider.id)
    reviews = [i for i in items if i.due.kind is DueKind.REVIEW]
    review = reviews[0].due if reviews else None
    if review is None or review.status is DueStatus.NOT_REQUIRED:
        found.append(CheckLine("Compliance review", Weight.CHECKED,
                               review.reason + "." if review else "No compliance review is required."))
    elif last_review is None:
        found.append(CheckLine("Compliance review", Weight.CONCERN,
                               "No compliance review recorded: one is required before a child is placed, at least the "
                               "minimum urgent check of health and safety documents, staff training and insurance, "
                               "then the full review within 24-48 hours (Section 11)."))
    elif review.status is DueStatus.OVERDUE:
        found.append(CheckLine("Compliance review", Weight.CONCERN,
                               f"Overdue since {_d(review.due_on)} ({review.reason}); last review "
                               f"{_d(last_review.review_date)}."))
    elif last_review.minimum_only:
        found.append(CheckLine("Compliance review", Weight.CONCERN,
                               f"Only the minimum urgent review, {_d(last_review.review_date)}: the full review is "
                               "still to be done (Section 11)."))
    else:
        found.append(CheckLine("Compliance review", Weight.CHECKED,
                               f"Last review {_d(last_review.review_date)}; next due {_d(review.due_on)}."))
    if last_review is not None:  # the documents its reviews saw, and when they run out
        found += document_lines(document_expiries(session, provider.id), today)
    visits = [i for i in items if i.due.kind is DueKind.VISIT]
    if not visits:
        found.append(CheckLine("QA visit", Weight.CHECKED, "No property recorded for this provider."))
    for item in visits:
        due = item.due
        where = item.setting_name or "the property"
        if due.status is DueStatus.NOT_REQUIRED:
            found.append(CheckLine("QA visit", Weight.CHECKED, f"{where}: {due.reason}."))
        elif due.due_on is None:
            found.append(CheckLine("QA visit", Weight.CONCERN,
                                   f"{where}: no QA visit recorded; one is required before a child is placed, or "
                                   "within 24-48 hours of the placement (Section 11)."))
        elif due.status is DueStatus.OVERDUE:
            found.append(CheckLine("QA visit", Weight.CONCERN,
                                   f"{where}: overdue since {_d(due.due_on)} ({due.reason})."))
        else:
            found.append(CheckLine("QA visit", Weight.CHECKED, f"{where}: next due {_d(due.due_on)} ({due.reason})."))
    return found


def _plans(session: Session, provider_id: str, now: dt.datetime) -> list[CheckLine]:
    actions = tracked_actions(session, now, provider_id=provider_id)
    found = []
    for plan in session.scalars(select(ActionPlan).where(
            ActionPlan.provider_id == provider_id, ActionPlan.deleted.is_(False), ActionPlan.removed_on.is_(None))
            .order_by(ActionPlan.issued_on)):
        source = f"{plan.kind.label} issued {plan.issued_on:%d %b %Y}"
        own = [a for a in actions if a.kind == "plan" and a.source == source]
        overdue = sum(1 for a in own if a.overdue)
        open_words = f"{len(own)} action(s) open" + (f", {overdue} OVERDUE" if overdue else "")
        found.append(CheckLine("Action plan", Weight.CONCERN,
                               f"{plan.kind.label} issued {_d(plan.issued_on)}: {plan.reason} ({open_words})."))
    visit_overdue = [a for a in actions if a.kind == "visit" and a.overdue]
    if visit_overdue:
        found.append(CheckLine("Actions", Weight.CONCERN,
                               f"{len(visit_overdue)} action(s) from QA visits overdue (Figure 8): "
                               + "; ".join(a.text for a in visit_overdue[:3])
                               + ("..." if len(visit_overdue) > 3 else "")))
    if not found:
        found.append(CheckLine("Action plan", Weight.CHECKED, "No action plan in place."))
    return found


def _risk(session: Session, provider: Provider, today: dt.date) -> list[CheckLine]:
    rag = risk_ratings(session, today.year, provider_id=provider.id).get(provider.id, Rag.NONE)
    found = []
    if rag in (Rag.MEDIUM, Rag.HIGH):
        found.append(CheckLine("Risk rating", Weight.CONCERN,
                               f"{rag.label} this year (Figure 6): read the QA cases before placing."))
    else:
        found.append(CheckLine("Risk rating", Weight.CHECKED, f"{rag.label} this year (Figure 6)."))
    flags = ifa_flags(session, provider.id, today)
    if flags is not None and flags.overall is not Rag.NONE and flags.overall.rank >= Rag.MEDIUM.rank:
        found.append(CheckLine("IFA risk flags", Weight.CONCERN, f"{flags.overall.label} (Figure 7)."))
    return found


def _safeguarding(session: Session, provider_id: str) -> list[CheckLine]:
    found = []
    for case in session.scalars(select(QaCase).where(
            QaCase.provider_id == provider_id, QaCase.deleted.is_(False), QaCase.status == CaseStatus.OPEN,
            QaCase.safeguarding.is_(True)).order_by(QaCase.opened_on)):
        found.append(CheckLine("Safeguarding", Weight.CONCERN,
                               f"Open safeguarding case since {_d(case.opened_on)} ({case.source.label}, "
                               f"{case.category}): {case.summary}"))
    if not found:
        found.append(CheckLine("Safeguarding", Weight.CHECKED, "No open safeguarding case."))
    return found


def write_pdf(store: Store, check: PlacementCheck, path: Path) -> None:
    """The check as one printed page (``reports.placement_check``), with the council's name."""
    from qa_desktop.reports.placement_check import build_placement_check  # ReportLab: when a page is made

    build_placement_check(check, path, council_name=branding(store).council_name)
