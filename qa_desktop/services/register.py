"""The provider register: listing and searching providers and their settings, adding them.

Search matches every word typed against the provider's name, organisation and URN and its
settings' town and postcode, so "rochester me1" finds a home in Rochester with an ME1 postcode.
Postcodes are compared without spaces, the way people type them.

Filters narrow it by service type and judgement (in SQL), by what is due (Figures 1 and 2, from
``services.due``) and by risk rating (Figure 6, from the QA cases). Those, and the sanctions in
force, take the whole register to work out, so a caller that searches as someone types works them
out once (``register_context``) and hands them in as ``context``. After a change, only the
providers it touched are worked out again (``register_context(..., provider_ids=)``, merged with
``RegisterContext.updated``) and only their rows read (``search_providers(..., only=)``).
Rows are read as plain columns rather than ORM objects: the whole register of 10,000 providers
is listed in a fraction of the time.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from qa_desktop.domain.regulation import ContractRoute, Judgement
from qa_desktop.domain.risk import Rag
from qa_desktop.domain.schedule import DueStatus
from qa_desktop.domain.service_types import ServiceType
from qa_desktop.domain.tiers import Tier, provider_tier
from qa_desktop.domain.urn import normalise_postcode, normalise_urn
from qa_desktop.services.due import DueItem, provider_due
from qa_desktop.store.access import officer
from qa_desktop.store.changes import Changes
from qa_desktop.store.database import session_clock
from qa_desktop.store.models import Provider, Setting

#: Up to this many providers, a change's context is worked out provider by provider; past it, for
#: the whole register at once (as fast as that, whatever the count).
FEW_PROVIDERS = 50

V = TypeVar("V")


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

    def only(self, provider_ids: Collection[str]) -> RegisterContext:
        """The part of the context about these providers."""
        wanted = set(provider_ids)
        return RegisterContext(_only(self.due, wanted), _only(self.risk, wanted), _only(self.sanctions, wanted))

    def updated(self, provider_ids: Collection[str], fresh: RegisterContext) -> RegisterContext:
        """This context with what it says of ``provider_ids`` replaced by ``fresh`` (worked out
        again for them alone): a provider absent from ``fresh`` has nothing due, no rating, no
        sanction. Copies the maps (fast, in C) rather than work the register out again."""
        return RegisterContext(_replaced(self.due, provider_ids, fresh.due),
                               _replaced(self.risk, provider_ids, fresh.risk),
                               _replaced(self.sanctions, provider_ids, fresh.sanctions))


def _only(part: Mapping[str, V], keys: set[str]) -> dict[str, V]:
    return {k: v for k, v in part.items() if k in keys}


def _replaced(old: Mapping[str, V], keys: Collection[str], new: Mapping[str, V]) -> dict[str, V]:
    merged = dict(old)
    for key in keys:
        merged.pop(key, None)
    merged.update(new)
    return merged


def register_context(session: Session, today: dt.date, *,
                     provider_ids: Collection[str] | None = None) -> RegisterContext:
    """What is due, the risk ratings and the sanctions in force, for the whole register or for
    ``provider_ids`` alone (those a change touched: a few are looked up one by one, many are
    taken from the whole register's)."""
    if provider_ids is not None and len(provider_ids) > FEW_PROVIDERS:
        return register_context(session, today).only(provider_ids)
    return RegisterContext(provider_due(session, today, provider_ids=provider_ids),
                           _risk(session, today.year, provider_ids), _sanctions(session, today, provider_ids))


def _risk(session: Session, year: int, provider_ids: Collection[str] | None) -> dict[str, Rag]:
    from qa_desktop.services.oversight import risk_ratings

    if provider_ids is None:
        return risk_ratings(session, year)
    ratings: dict[str, Rag] = {}
    for provider_id in provider_ids:
        ratings.update(risk_ratings(session, year, provider_id=provider_id))
    return ratings


def _sanctions(session: Session, today: dt.date, provider_ids: Collection[str] | None) -> dict[str, tuple[str, ...]]:
    """Each provider's sanctions in force, in words, each kind once."""
    from qa_desktop.services.sanctions import sanctions_list

    rows = (sanctions_list(session, today) if provider_ids is None else
            [row for provider_id in provider_ids for row in sanctions_list(session, today, provider_id=provider_id)])
    sanctions: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        if row.sanction.value not in sanctions[row.provider_id]:
            sanctions[row.provider_id].append(row.sanction.value)
    return {k: tuple(v) for k, v in sanctions.items()}


class DueFilter(enum.StrEnum):
    OVERDUE = "overdue"
    DUE = "due"  # overdue, or due within 30 days

    @property
    def label(self) -> str:
        return "Overdue" if self is DueFilter.OVERDUE else "Due soon or overdue"

    def accepts(self, item: DueItem | None) -> bool:
        wanted = {DueStatus.OVERDUE} if self is DueFilter.OVERDUE else {DueStatus.OVERDUE, DueStatus.DUE}
        return item is not None and item.due.status in wanted


def _live_providers() -> Select[Provider]:
    return select(Provider).where(Provider.deleted.is_(False))


def search_query(text: str = "", service_type: ServiceType | None = None,
                 judgement: Judgement | None = None) -> Select[Provider]:
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
                     limit: int | None = None, only: Collection[str] | None = None) -> list[ProviderRow]:
    """The register rows matching the search and filters, by name; of ``only`` these providers
    when given (those a change touched: a provider left out of the result no longer matches). With
    ``context`` (worked out here, for ``today``, when a due or risk filter needs it) each row
    carries its most urgent due item, its risk rating and its sanctions."""
    officer(session, "the provider register")
    if (due is not None or risk is not None) and context is None:
        context = register_context(session, today or session_clock(session).today(), provider_ids=only)
    query = search_query(text, service_type, judgement)
    if only is not None:
        query = query.where(Provider.id.in_(sorted(only)))
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

