"""Alerts that count: whether each regulatory alert affected a child the council had placed.

The scrutiny report: "of the 495 alerts received in 2023 only 9 directly impacted Medway Children
and Young People". Here that is worked out from the records, never typed: an alert *affects our
children* when a placement of ours (``placements``: a case reference, never a child's name) was
with the provider, at any of its properties, while the alert was in force:

* from the day it was received until the day it was closed or lifted, or until today while it is
  still open (a restriction in force when a child is placed affects that child too);
* on the day it was received only, for a termination or a restriction lifted (nothing stays in
  force after them).

Section 12: "If a provider who is currently supporting a Medway child/young person is subject to
any restriction or poor judgement issued by Ofsted, then the quality assurance team will maintain
increased oversight".
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from qa_desktop.domain.oversight import AlertKind
from qa_desktop.domain.regulation import Regulator
from qa_desktop.domain.reporting_year import Span
from qa_desktop.domain.service_types import ServiceType
from qa_desktop.store.access import officer
from qa_desktop.store.models import Placement, Provider, RegulatoryAlert, Setting

#: Alerts that are in force only on the day they arrive.
_ONE_DAY = (AlertKind.TERMINATION, AlertKind.LIFTED)


@dataclass(frozen=True)
class PlacementSpell:
    """When one of our placements was with a provider (local dates; ``last`` None while it lasts)."""

    reference: str
    first: dt.date
    last: dt.date | None


def in_force(kind: AlertKind, received_on: dt.date, closed_on: dt.date | None,
             today: dt.date) -> tuple[dt.date, dt.date]:
    """The days an alert was in force, as this module's docstring says."""
    if kind in _ONE_DAY:
        return received_on, received_on
    return received_on, closed_on if closed_on is not None else max(today, received_on)


def affected_by(kind: AlertKind, received_on: dt.date, closed_on: dt.date | None, today: dt.date,
                spells: Iterable[PlacementSpell]) -> tuple[str, ...]:
    """The references of our placements with the provider while the alert was in force."""
    first, last = in_force(kind, received_on, closed_on, today)
    return tuple(sorted({s.reference for s in spells if s.first <= last and (s.last is None or s.last >= first)}))


def placement_spells(session: Session, provider_ids: Iterable[str]) -> dict[str, list[PlacementSpell]]:
    """Our placements at each provider's properties, by provider."""
    wanted = sorted(set(provider_ids))
    found: dict[str, list[PlacementSpell]] = defaultdict(list)
    for start in range(0, len(wanted), 500):
        for placement, provider_id in session.execute(
                select(Placement, Setting.provider_id).join(Setting, Placement.setting_id == Setting.id)
                .where(Placement.deleted.is_(False), Setting.provider_id.in_(wanted[start:start + 500]))):
            found[provider_id].append(PlacementSpell(
                placement.reference or f"placement from {placement.started_at.astimezone():%d %b %Y}",
                placement.started_at.astimezone().date(),
                placement.ended_at.astimezone().date() if placement.ended_at else None))
    return found


@dataclass(frozen=True)
class AlertLine:
    """A regulatory alert as the alerts list, the workbook and the figures count it."""

    id: str
    provider_id: str
    provider: str
    urn: str
    service_type: ServiceType
    regulator: Regulator
    kind: AlertKind
    received_on: dt.date
    review_on: dt.date | None
    closed_on: dt.date | None
    summary: str
    placements: tuple[str, ...]  # our placements with the provider while it was in force

    @property
    def affects_our_children(self) -> bool:
        return bool(self.placements)

    @property
    def open(self) -> bool:
        return self.closed_on is None and self.kind is not AlertKind.LIFTED


def alert_lines(session: Session, today: dt.date, *, span: Span | None = None, provider_id: str | None = None,
                affecting_only: bool = False, text: str = "") -> list[AlertLine]:
    """Every alert (received in ``span``), newest first, each marked whether it affects our children."""
    officer(session, "regulatory alerts")
    query = (select(RegulatoryAlert, Provider.name, Provider.urn, Provider.service_type)
             .join(Provider, RegulatoryAlert.provider_id == Provider.id)
             .where(RegulatoryAlert.deleted.is_(False)))
    if span is not None:
        query = query.where(RegulatoryAlert.received_on >= span.first, RegulatoryAlert.received_on <= span.last)
    if provider_id is not None:
        query = query.where(RegulatoryAlert.provider_id == provider_id)
    rows = session.execute(query.order_by(RegulatoryAlert.received_on.desc())).all()
    spells = placement_spells(session, {a.provider_id for a, *_ in rows})
    found = [AlertLine(a.id, a.provider_id, name, urn or "", service_type, a.regulator, a.kind, a.received_on,
                       a.review_on, a.closed_on, a.summary,
                       affected_by(a.kind, a.received_on, a.closed_on, today, spells.get(a.provider_id, ())))
             for a, name, urn, service_type in rows]
    if affecting_only:
        found = [a for a in found if a.affects_our_children]
    for word in text.lower().split():
        found = [a for a in found if word in f"{a.provider} {a.urn} {a.summary} {a.kind.label}".lower()]
    return found


@dataclass(frozen=True)
class AlertCount:
    """The scrutiny report's figure: alerts received, and of them those affecting our children."""

    received: int
    affecting: int

    @property
    def words(self) -> str:
        return f"{self.affecting} of {self.received}"


def count_alerts(session: Session, span: Span, today: dt.date) -> AlertCount:
    lines = alert_lines(session, today, span=span)
    return AlertCount(len(lines), sum(1 for a in lines if a.affects_our_children))
