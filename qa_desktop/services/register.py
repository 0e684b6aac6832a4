"""The provider register: listing and searching providers and their settings, adding them.

Search matches every word typed against the provider's name, organisation and URN and its
settings' town and postcode, so "rochester me1" finds a home in Rochester with an ME1 postcode.
Postcodes are compared without spaces, the way people type them.

Filters narrow it by service type and judgement (in SQL), by what is due (Figures 1 and 2, from
``services.due``) and by risk rating (Figure 6, from the QA cases). Those, and the sanctions in
force, take the whole register to work out, so a caller that searches as someone types works them
out once (``register_context``) and hands them in as ``context``.
Rows are read as plain columns rather than ORM objects: the whole register of 10,000 providers
is listed in a fraction of the time.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from qa_desktop.domain.regulation import ContractRoute, Judgement
from qa_desktop.domain.risk import Rag
from qa_desktop.domain.schedule import DueStatus
from qa_desktop.domain.service_types import ServiceType
from qa_desktop.domain.tiers import Tier, provider_tier
from qa_desktop.domain.urn import normalise_postcode, normalise_urn
from qa_desktop.store.access import officer
from qa_desktop.store.database import session_clock
from qa_desktop.store.changes import Changes
from qa_desktop.services.due import DueItem, provider_due
from qa_desktop.store.models import Provider, Setting


@dataclass(frozen=True)
class ProviderRow:
    """One line of the register, as lists and tables show it."""

    id: str
    name: str
    urn: str | None
    service_type: ServiceType
    organisation: str | None
    judgement: Judgement | None
    tier: Tier | None
    towns: str
    postcodes: str
    settings: int
    registration_status: str | None
    due: DueItem | None = None  # the most urgent visit or review, when worked out
    risk: Rag | None = None     # Figure 6 this year, when worked out (NONE: no cases)
    sanctions: tuple[str, ...] = ()  # in force: embargo, action plan, restriction...


@dataclass(frozen=True)
class RegisterContext:
    """What the register shows beside each provider, worked out once for the whole register."""

    due: Mapping[str, DueItem]
    risk: Mapping[str, Rag]
    sanctions: Mapping[str, tuple[str, ...]]


def register_context(session: Session, today: dt.date) -> RegisterContext:
    from qa_desktop.services.oversight import risk_ratings
    from qa_desktop.services.sanctions import sanctions_list

    sanctions: dict[str, list[str]] = defaultdict(list)
    for row in sanctions_list(session, today):
        if row.sanction.value not in sanctions[row.provider_id]:
            sanctions[row.provider_id].append(row.sanction.value)
    return RegisterContext(provider_due(session, today), risk_ratings(session, today.year),
                           {k: tuple(v) for k, v in sanctions.items()})


class DueFilter(enum.StrEnum):
    OVERDUE = "overdue"
    DUE = "due"  # overdue, or due within 30 days

    @property
    def label(self) -> str:
        return "Overdue" if self is DueFilter.OVERDUE else "Due soon or overdue"

    def accepts(self, item: DueItem | None) -> bool:
        wanted = {DueStatus.OVERDUE} if self is DueFilter.OVERDUE else {DueStatus.OVERDUE, DueStatus.DUE}
        return item is not None and item.due.status in wanted


def _live_providers() -> Select[tuple[Provider]]:
    return select(Provider).where(Provider.deleted.is_(False))


def search_query(text: str = "", service_type: ServiceType | None = None,
                 judgement: Judgement | None = None) -> Select[tuple[Provider]]:
    query = _live_providers()
    if service_type is not None:
        query = query.where(Provider.service_type == service_type)
    if judgement is not None:
        query = query.where(Provider.judgement == judgement)
    for word in text.split():
        like = f"%{word.lower()}%"
        compact = f"%{word.replace(' ', '').upper()}%"
        settings_match = (
            select(Setting.id)
            .where(Setting.provider_id == Provider.id, Setting.deleted.is_(False),
                   or_(func.lower(Setting.town).like(like),
                       func.replace(func.upper(Setting.postcode), " ", "").like(compact),
                       func.lower(Setting.name).like(like)))
            .exists()
        )
        query = query.where(or_(func.lower(Provider.name).like(like),
                                func.lower(Provider.organisation).like(like),
                                func.upper(Provider.urn).like(compact),
                                settings_match))
    return query.order_by(func.lower(Provider.name))


_ROW_COLUMNS = (Provider.id, Provider.name, Provider.urn, Provider.service_type, Provider.organisation,
                Provider.judgement, Provider.contract_route, Provider.regulator, Provider.registration_status)


def search_providers(session: Session, text: str = "", service_type: ServiceType | None = None, *,
                     judgement: Judgement | None = None, due: DueFilter | None = None, risk: Rag | None = None,
                     today: dt.date | None = None, context: RegisterContext | None = None,
                     limit: int | None = None) -> list[ProviderRow]:
    """The register rows matching the search and filters, by name. With ``context`` (worked out
    here, for ``today``, when a due or risk filter needs it) each row carries its most urgent due
    item, its risk rating and its sanctions."""
    officer(session, "the provider register")
    if (due is not None or risk is not None) and context is None:
        context = register_context(session, today or session_clock(session).today())
    query = search_query(text, service_type, judgement)
    matching = query.with_only_columns(Provider.id).order_by(None).scalar_subquery()
    places: dict[str, list[tuple[str | None, str | None]]] = defaultdict(list)
    for provider_id, town, postcode in session.execute(
            select(Setting.provider_id, Setting.town, Setting.postcode)
            .where(Setting.deleted.is_(False), Setting.provider_id.in_(matching))):
        places[provider_id].append((town, postcode))
    rows = []
    for record in session.execute(query.with_only_columns(*_ROW_COLUMNS)):
        settings = places.get(record.id, [])
        item = context.due.get(record.id) if context is not None else None
        rating = context.risk.get(record.id, Rag.NONE) if context is not None else None
        if due is not None and not due.accepts(item):
            continue
        if risk is not None and rating is not risk:
            continue
        rows.append(ProviderRow(
            id=record.id, name=record.name, urn=record.urn, service_type=record.service_type,
            organisation=record.organisation, judgement=record.judgement,
            tier=provider_tier(record.service_type, record.contract_route is ContractRoute.FRAMEWORK,
                               record.regulator, record.judgement),
            towns=", ".join(sorted({t for t, _ in settings if t})),
            postcodes=", ".join(sorted({p for _, p in settings if p})),
            settings=len(settings), registration_status=record.registration_status, due=item, risk=rating,
            sanctions=context.sanctions.get(record.id, ()) if context is not None else ()))
        if limit is not None and len(rows) >= limit:
            break
    return rows


def find_by_urn(session: Session, urn: str) -> Provider | None:
    return session.scalars(_live_providers().where(Provider.urn == normalise_urn(urn))).first()


class RegisterError(ValueError):
    """Input the register cannot accept, worded for the person who typed it."""


def resolve_provider(session: Session, text: str) -> str:
    """One provider's id from its URN or words of its name (as typed on a command line)."""
    found = find_by_urn(session, text) if any(c.isdigit() for c in text) else None
    if found is not None:
        return found.id
    matches = search_providers(session, text, limit=2)
    if len(matches) != 1:
        raise RegisterError(f"No single provider matches {text!r}: give its URN or more of its name.")
    return matches[0].id


def add_provider(changes: Changes, *, name: str, service_type: ServiceType, urn: str | None = None,
                 id: str | None = None, **fields: object) -> Provider:
    """Add a provider; the URN is normalised and must not already be in the register."""
    if not name or not name.strip():
        raise RegisterError("A provider needs a name.")
    if urn:
        urn = normalise_urn(urn)
        if find_by_urn(changes.session, urn) is not None:
            raise RegisterError(f"URN {urn} is already in the register.")
    return changes.create(Provider, id=id, name=name.strip(), service_type=service_type, urn=urn or None,
                          **fields)


def add_setting(changes: Changes, provider: Provider, *, name: str, postcode: str | None = None,
                id: str | None = None, **fields: object) -> Setting:
    if not name or not name.strip():
        raise RegisterError("A setting needs a name.")
    return changes.create(Setting, id=id, provider_id=provider.id, name=name.strip(),
                          postcode=normalise_postcode(postcode) if postcode else None, **fields)

