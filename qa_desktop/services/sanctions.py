"""The provider sanctions list (Section 12) and the due-and-overdue dashboard.

The sanctions list is what the QA team shares with the Access to Resources team and senior
managers: one line per sanction in force, in the categories the framework names (embargo on a
provider, a property or foster carers; action plan; regulatory action plan; poor judgement or
restriction; ceased operating), with a brief overview of the concerns, the dates, the provider's
Figure 6 rating and whether the social work team has been told. It is derived from the records,
never typed twice, and exported to XLSX (openpyxl) and CSV with the same columns.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Select, String, bindparam, func, select, type_coerce
from sqlalchemy.orm import Session

from qa_desktop.atomic import write_atomically
from qa_desktop.domain.oversight import AlertKind, EmbargoScope, PlanKind, is_active
from qa_desktop.domain.risk import Rag
from qa_desktop.domain.service_types import ServiceType
from qa_desktop.safe_text import csv_writer, write_xlsx_text
from qa_desktop.services.due import DueItem, due_items
from qa_desktop.services.oversight import TrackedAction, active_embargoes, open_alerts, risk_ratings, tracked_actions
from qa_desktop.services.sanction_kinds import (
    _EMBARGO_SANCTION,
    _SANCTION_RANK,
    Sanction,
    alert_lines,
    ceased_lines,
    embargo_lines,
    plan_lines,
    sanction_kinds,
)
from qa_desktop.store.models import ActionPlan, Embargo, Provider, RegulatoryAlert
from qa_desktop.store.oplog import CHUNK

__all__ = ["Sanction", "SanctionRow", "sanction_kinds", "sanctions_in_force", "sanctions_list", "sanctions_count",
           "Dashboard", "ReviewDue", "dashboard", "export", "export_csv", "export_xlsx", "cells", "COLUMNS"]


#: A provider's service type in words, by the text stored (read as text: the column type's own
#: conversion, per line, was a tenth of a 10,000-line list's cost).
_SERVICE_TYPE_LABELS = {member.value: member.label for member in ServiceType}


@dataclass(frozen=True)
class SanctionRow:
    provider_id: str
    provider: str
    urn: str
    service_type: str
    sanction: Sanction
    applies_to: str        # the property or foster carers, or the whole provider
    detail: str            # formal/informal, who agreed, the regulator
    since: dt.date
    review_on: dt.date | None
    concerns: str
    social_work_informed: dt.date | None
    informed_needed: bool  # Section 12: the social work team must be told (plans and embargoes)
    rating: Rag            # Figure 6, this calendar year
    record: tuple[str, str] | None = None  # ("embargo" | "plan" | "alert", id): what ending it changes


COLUMNS = ("Provider", "URN", "Service type", "Sanction", "Applies to", "Detail", "In place since", "Review due",
           "Concerns", "Social work team informed", "Risk rating (Figure 6)")


def cells(row: SanctionRow) -> list[object]:
    """The row as the export's cells: dates stay dates (a spreadsheet sorts and filters them)."""
    informed: object = row.social_work_informed or ("NOT RECORDED" if row.informed_needed else "")
    return [row.provider, row.urn, row.service_type, row.sanction.value, row.applies_to, row.detail, row.since,
            row.review_on or "", row.concerns, informed, row.rating.label]


_PROVIDER_COLUMNS = (Provider.id, Provider.name, Provider.urn,
                     type_coerce(Provider.service_type, String).label("kind"), Provider.registration_status,
                     Provider.ceased_operating_on)


@functools.cache
def _plans(one: bool) -> Select[ActionPlan]:
    """The plans in place, a read built once (of one provider: ``provider_id`` bound at each call;
    built at each call it cost more than reading one provider's plans: issue 22)."""
    return select(ActionPlan).where(ActionPlan.deleted.is_(False), ActionPlan.removed_on.is_(None),
                                    *([ActionPlan.provider_id == bindparam("provider_id")] if one else []))


@functools.cache
def _ceased(one: bool) -> Select[*tuple[Any, ...]]:
    """The providers that ceased operating by ``today`` (bound at each call), built once."""
    return select(*_PROVIDER_COLUMNS).where(
        Provider.deleted.is_(False), Provider.ceased_operating_on.is_not(None),
        Provider.ceased_operating_on <= bindparam("today"),
        *([Provider.id == bindparam("provider_id")] if one else []))


def sanctions_list(session: Session, today: dt.date, *, sanction: Sanction | None = None,
                   text: str = "", provider_id: str | None = None) -> list[SanctionRow]:
    """The list as at ``today``; of one provider with ``provider_id`` (the provider page, without
    reading the whole register on every selection)."""
    one = provider_id is not None
    # Read what is in force first, then only the providers it names (and those that ceased
    # operating): the list costs what it lists, not the register (issue 22).
    found: list[tuple[str, Sanction, str, str, dt.date, dt.date | None, str, dt.date | None, bool,
                      tuple[str, str] | None]] = []
    for embargo in active_embargoes(session, today, provider_id=provider_id):
        applies = {EmbargoScope.PROVIDER: "Whole provider", EmbargoScope.PROPERTY: embargo.setting or "",
                   EmbargoScope.FOSTER_CARER: embargo.foster_carer or ""}[embargo.scope]
        detail = (f"Formal, agreed by {embargo.approved_by}" if embargo.approved_by and embargo.kind.value == "formal"
                  else f"Informal: {embargo.informal_reason.label}" if embargo.informal_reason else embargo.kind.label)
        found.append((embargo.provider_id, _EMBARGO_SANCTION[embargo.scope], applies, detail, embargo.start_on,
                      embargo.review_on, embargo.reason, embargo.social_work_informed_on, True,
                      ("embargo", embargo.id)))
    for plan in session.scalars(_plans(one), {"provider_id": provider_id}):
        kind = Sanction.ACTION_PLAN if plan.kind is PlanKind.QA else Sanction.REGULATORY_ACTION_PLAN
        found.append((plan.provider_id, kind, "Whole provider", plan.kind.label, plan.issued_on, None, plan.reason,
                      plan.social_work_informed_on, True, ("plan", plan.id)))
    terminated: set[str] = set()
    said: dict[tuple[object, AlertKind], str] = {}  # "Ofsted: Suspension of registration", made once per kind
    for alert in open_alerts(session, provider_id=provider_id):
        what = said.get((alert.regulator, alert.kind))
        if what is None:
            what = said[(alert.regulator, alert.kind)] = f"{alert.regulator.label}: {alert.kind.label}"
        detail = what + (f" (from {alert.source})" if alert.source else "")
        if alert.kind is AlertKind.TERMINATION:  # Section 12: the registration ended, the provider ceased operating
            terminated.add(alert.provider_id)
            found.append((alert.provider_id, Sanction.CEASED_OPERATING, "Whole provider", detail, alert.since, None,
                          alert.summary, None, False, ("alert", alert.id)))
            continue
        found.append((alert.provider_id, Sanction.POOR_JUDGEMENT_RESTRICTION, "Whole provider", detail, alert.since,
                      alert.review_on, alert.summary, None, False, ("alert", alert.id)))
    columns = _PROVIDER_COLUMNS
    connection = session.connection()  # plain rows, not the ORM's: thousands when a regulator's data is in
    providers = {row.id: row for row in connection.execute(_ceased(one),
                                                           {"today": today, "provider_id": provider_id}).all()}
    named = sorted({f[0] for f in found} - set(providers))
    for start in range(0, len(named), CHUNK):
        for row in connection.execute(select(*columns).where(Provider.deleted.is_(False),
                                                             Provider.id.in_(named[start:start + CHUNK]))).all():
            providers[row.id] = row
    # of many providers, the year's cases of every provider in one read, not a query per 500 of them
    ratings = risk_ratings(session, today.year, provider_ids=None if len(providers) > _FEW else list(providers))
    rows: list[SanctionRow] = []

    def add(provider_id: str, kind: Sanction, applies_to: str, detail: str, since: dt.date, review: dt.date | None,
            concerns: str, informed: dt.date | None, needed: bool, record: tuple[str, str] | None = None) -> None:
        provider = providers.get(provider_id)
        if provider is None:
            return
        rows.append(SanctionRow(provider_id, provider.name, provider.urn or "", _SERVICE_TYPE_LABELS[provider.kind],
                                kind, applies_to, detail, since, review, concerns, informed, needed,
                                ratings.get(provider_id, Rag.NONE), record))

    for line in found:
        add(*line)
    for provider in list(providers.values()):
        if (provider.ceased_operating_on is not None and provider.ceased_operating_on <= today
                and provider.id not in terminated):
            status = f"Registration status {provider.registration_status!r} in the register" \
                if provider.registration_status else "Recorded as no longer operating"
            add(provider.id, Sanction.CEASED_OPERATING, "Whole provider", status, provider.ceased_operating_on, None,
                "No longer operating", None, False)

    if sanction is not None:
        rows = [r for r in rows if r.sanction is sanction]
    for word in text.lower().split():
        rows = [r for r in rows if word in f"{r.provider} {r.urn} {r.applies_to} {r.concerns}".lower()]
    return sorted(rows, key=lambda r: (r.provider.lower(), _SANCTION_RANK[r.sanction], r.since))


def sanctions_in_force(session: Session, today: dt.date, *,
                       provider_ids: Collection[str] | None = None) -> list[tuple[str, Sanction]]:
    """(provider id, sanction) of each line ``sanctions_list`` has as at ``today``, unfiltered; of
    ``provider_ids`` alone when given. Read as plain columns, without the lines' words, dates or
    ratings: what the register shows beside each provider and the Oversight window's count cost
    the sanctions in force (a few columns each), not a sanctions list made in full (issue 22).
    ``tests/services/test_sanctions_in_force.py`` holds it to the list, case by case."""
    wanted = sorted(provider_ids) if provider_ids is not None else None
    if wanted is not None and not wanted:
        return []
    chunks = [wanted[start:start + CHUNK] for start in range(0, len(wanted), CHUNK)] if wanted is not None else [None]
    lines: list[tuple[str, Sanction]] = []
    terminated: set[str] = set()
    live = Provider.deleted.is_(False)
    for chunk in chunks:
        def of(column: Any, _chunk: list[str] | None = chunk) -> list[Any]:
            return [column.in_(_chunk)] if _chunk is not None else []

        embargoes = (select(Embargo.provider_id, Embargo.scope, Embargo.start_on, Embargo.end_on)
                     .join(Provider, Embargo.provider_id == Provider.id)
                     .where(Embargo.deleted.is_(False), Embargo.start_on <= today, live, *of(Embargo.provider_id)))
        lines += embargo_lines(session.execute(embargoes), today)
        plans = (select(ActionPlan.provider_id, type_coerce(ActionPlan.kind, String))
                 .join(Provider, ActionPlan.provider_id == Provider.id)
                 .where(ActionPlan.deleted.is_(False), ActionPlan.removed_on.is_(None), live,
                        *of(ActionPlan.provider_id)))
        lines += plan_lines(session.execute(plans))
        alerts = (select(RegulatoryAlert.provider_id, type_coerce(RegulatoryAlert.kind, String))
                  .join(Provider, RegulatoryAlert.provider_id == Provider.id)
                  .where(RegulatoryAlert.deleted.is_(False), RegulatoryAlert.closed_on.is_(None),
                         RegulatoryAlert.kind != AlertKind.LIFTED, live, *of(RegulatoryAlert.provider_id)))
        lines += alert_lines(session.execute(alerts), terminated)
        ceased = select(Provider.id).where(live, Provider.ceased_operating_on.is_not(None),
                                           Provider.ceased_operating_on <= today, *of(Provider.id))
        lines += ceased_lines(session.scalars(ceased), terminated)
    return lines


def sanctions_count(session: Session, today: dt.date) -> int:
    """How many lines ``sanctions_list`` has as at ``today``, unfiltered, counted in SQL (the
    embargoes, few, tested for being in force here): the Oversight window's tab says it before the
    list is first shown. ``tests/services/test_sanctions_in_force.py`` holds it to the list."""
    live = Provider.deleted.is_(False)
    embargoes = (select(Embargo.start_on, Embargo.end_on).join(Provider, Embargo.provider_id == Provider.id)
                 .where(Embargo.deleted.is_(False), Embargo.start_on <= today, live))
    count = sum(1 for start_on, end_on in session.execute(embargoes) if is_active(start_on, end_on, today))
    open_alert = (RegulatoryAlert.deleted.is_(False), RegulatoryAlert.closed_on.is_(None),
                  RegulatoryAlert.kind != AlertKind.LIFTED)
    termination = (select(RegulatoryAlert.id)
                   .where(RegulatoryAlert.provider_id == Provider.id, *open_alert,
                          RegulatoryAlert.kind == AlertKind.TERMINATION).exists())
    for query in (
            select(func.count()).select_from(ActionPlan).join(Provider, ActionPlan.provider_id == Provider.id)
            .where(ActionPlan.deleted.is_(False), ActionPlan.removed_on.is_(None), live),
            select(func.count()).select_from(RegulatoryAlert)
            .join(Provider, RegulatoryAlert.provider_id == Provider.id).where(*open_alert, live),
            select(func.count()).select_from(Provider)
            .where(live, Provider.ceased_operating_on.is_not(None), Provider.ceased_operating_on <= today,
                   ~termination)):
        count += session.scalar(query) or 0
    return count


#: Up to this many providers on the list, their ratings are read provider by provider (500 a query).
_FEW = 2_000


def export_csv(rows: Sequence[SanctionRow], path: Path) -> None:
    """CSV in UTF-8 with a byte-order mark, so Excel opens names such as Zoë correctly."""
    buffer = io.StringIO()
    writer = csv_writer(buffer)  # OWASP: a name beginning "=" or "@" is text, never a formula
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([f"{c:%d/%m/%Y}" if isinstance(c, dt.date) else c for c in cells(row)])
    write_atomically(path, buffer.getvalue().encode("utf-8-sig"))


def export_xlsx(rows: Sequence[SanctionRow], path: Path, today: dt.date) -> None:
    """A workbook as the team's spreadsheet: bold frozen header, filters, dates as dates, widths
    that fit, sanctions needing the social work team told marked in words and colour."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.header_footer import HeaderFooterItem

    book = Workbook()
    sheet = book.worksheets[0]  # the one sheet a new workbook has
    sheet.title = "Provider sanctions"
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F3B5B")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    warn = PatternFill("solid", fgColor="FBEAEA")
    for number, row in enumerate(rows, start=2):
        for column, value in enumerate(cells(row), start=1):
            write_xlsx_text(sheet.cell(row=number, column=column), value)  # text as text, never a formula
        line = sheet[number]
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if isinstance(cell.value, dt.date):
                cell.number_format = "DD/MM/YYYY"
        if row.informed_needed and row.social_work_informed is None:
            line[COLUMNS.index("Social work team informed")].fill = warn
    widths = (34, 10, 26, 28, 26, 34, 14, 12, 60, 16, 14)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    footer = HeaderFooterItem()
    footer.center.text = f"OFFICIAL-SENSITIVE · provider sanctions list as at {today:%d/%m/%Y}"
    sheet.oddFooter = footer
    book.properties.title = f"Provider sanctions list {today:%d/%m/%Y}"
    buffer = io.BytesIO()
    book.save(buffer)
    write_atomically(path, buffer.getvalue())


def export(rows: Sequence[SanctionRow], path: Path, today: dt.date) -> None:
    if path.suffix.lower() == ".csv":
        export_csv(rows, path)
    elif path.suffix.lower() == ".xlsx":
        export_xlsx(rows, path, today)
    else:
        raise ValueError(f"{path.name}: export to a .xlsx or .csv file.")


# -- the dashboard ------------------------------------------------------------------------------------

#: Reviews of restrictions and embargoes are listed this many days before they fall due.
REVIEW_NOTICE_DAYS = 14


@dataclass(frozen=True)
class ReviewDue:
    provider_id: str
    provider: str
    what: str
    review_on: dt.date
    overdue: bool


@dataclass(frozen=True)
class Dashboard:
    due: tuple[DueItem, ...]              # visits and compliance reviews due or overdue (Figures 1 and 2)
    overdue_actions: tuple[TrackedAction, ...]
    reviews: tuple[ReviewDue, ...]        # restrictions and embargoes due for review


def dashboard(session: Session, now: dt.datetime, *, monitored_only: bool = True) -> Dashboard:
    """What is due and overdue now, of the providers monitored by us (every provider with
    ``monitored_only=False``). Restrictions and embargoes due for review are listed whoever the
    provider: an embargo protects any child the council might place there."""
    today = now.astimezone().date()
    soon = today + dt.timedelta(days=REVIEW_NOTICE_DAYS)
    reviews = [ReviewDue(a.provider_id, a.provider, f"{a.regulator.label}: {a.kind.label}", a.review_on,
                         a.review_on < today)
               for a in open_alerts(session, review_by=soon) if a.review_on is not None]  # each has one (SQL)
    reviews += [ReviewDue(e.provider_id, e.provider, f"{e.kind.label} embargo: {e.scope.label}", e.review_on,
                          e.review_on < today)
                for e in active_embargoes(session, today) if e.review_on is not None and e.review_on <= soon]
    return Dashboard(due=tuple(due_items(session, today, monitored_only=monitored_only)),
                     overdue_actions=tuple(a for a in tracked_actions(session, now, monitored_only=monitored_only)
                                           if a.overdue),
                     reviews=tuple(sorted(reviews, key=lambda r: r.review_on)))

