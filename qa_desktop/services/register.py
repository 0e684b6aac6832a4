"""The provider register: listing and searching providers and their settings, adding them.

Search matches every word typed against the provider's name, organisation and URN and its
settings' names, towns and postcodes, so "rochester me1" finds a home in Rochester with an ME1
postcode (``register_filter``: the same rule the window applies to the rows it holds). Postcodes
are compared without spaces, the way people type them.

Filters narrow it by service type and judgement (in SQL), by what is due (Figures 1 and 2, from
``services.due``) and by risk rating (Figure 6, from the QA cases). Those, and the sanctions in
force, take the whole register to work out, so a caller that searches as someone types works them
out once (``register_context``) and hands them in as ``context``. After a change, only the
providers it touched are worked out again (``register_context(..., provider_ids=)``, merged with
``RegisterContext.updated``) and only their rows read (``search_providers(..., only=)``).
Rows are read as plain columns rather than ORM objects and the words tested in Python, in one
linear pass: a search of 20,000 providers takes a small fraction of a second.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import Select, String, or_, select, type_coerce
from sqlalchemy.orm import Session

from qa_desktop.domain.regulation import ContractRoute, Judgement, Regulator
from qa_desktop.domain.risk import Rag
from qa_desktop.domain.schedule import DueStatus
from qa_desktop.domain.service_types import ServiceType
from qa_desktop.domain.tiers import Tier, provider_tier, shown_tier
from qa_desktop.domain.urn import normalise_postcode, normalise_urn
from qa_desktop.services.due import DueItem, provider_due
from qa_desktop.services.register_filter import RegisterFilter, search_text
from qa_desktop.store.access import officer
from qa_desktop.store.changes import Changes
from qa_desktop.store.database import session_clock
from qa_desktop.store.models import Provider, Setting
from qa_desktop.store.oplog import CHUNK

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
    local_authority: str | None = None
    monitored: bool = False     # by us (``domain.monitoring``)
    monitored_reason: str | None = None
    #: What the search looks in (``register_filter.search_text``): kept with the row so a screen
    #: can search the rows it holds without asking the database again.
    search_text: str = field(default="", repr=False, compare=False)


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
                     provider_ids: Collection[str] | None = None, due: bool = True) -> RegisterContext:
    """What is due, the risk ratings and the sanctions in force, for the whole register or for
    ``provider_ids`` alone (those a change touched: a few are looked up one by one, many are
    taken from the whole register's). Without ``due``, what is due is left out (an empty map):
    the ratings and sanctions cost a read of the cases of the year and of the sanctions in force,
    what is due a second or so of working out per 20,000 providers, which a window shows after
    the register rather than before it (issue 22)."""
    if provider_ids is not None and len(provider_ids) > FEW_PROVIDERS:
        return register_context(session, today, due=due).only(provider_ids)
    return RegisterContext(provider_due(session, today, provider_ids=provider_ids) if due else {},
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
    """Each provider's sanctions in force, in words, each kind once: the kinds of the sanctions
    list's lines, read as plain columns (not the list made in full: half a 20,000-provider
    register may have a regulator's alert, issue 22)."""
    from qa_desktop.services.sanctions import sanction_kinds, sanctions_in_force

    return sanction_kinds(sanctions_in_force(session, today, provider_ids=provider_ids))


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


#: Enum columns read as their stored text and turned into members here: ten times faster than the
#: column type's own conversion on 20,000 rows.
_SERVICE_TYPES = {member.value: member for member in ServiceType}
_JUDGEMENTS = {member.value: member for member in Judgement}
_REGULATORS = {member.value: member for member in Regulator}
_ROW_COLUMNS = (Provider.id, Provider.name, Provider.urn, type_coerce(Provider.service_type, String),
                Provider.organisation, type_coerce(Provider.judgement, String),
                type_coerce(Provider.contract_route, String), type_coerce(Provider.regulator, String),
                Provider.registration_status, Provider.local_authority, Provider.monitored, Provider.monitored_reason,
                type_coerce(Provider.tier_override, String))
_TIERS = {member.value: member for member in Tier}
_PLACES = (Setting.provider_id, Setting.name, Setting.town, Setting.postcode)


def search_providers(session: Session, text: str = "", service_type: ServiceType | None = None, *,
                     judgement: Judgement | None = None, due: DueFilter | None = None, risk: Rag | None = None,
                     today: dt.date | None = None, context: RegisterContext | None = None,
                     limit: int | None = None, only: Collection[str] | None = None,
                     local_authority: str | None = None, monitored: bool | None = None) -> list[ProviderRow]:
    """The register rows matching the search and filters, by name; of ``only`` these providers
    when given (those a change touched: a provider left out of the result no longer matches). With
    ``context`` (worked out here, for ``today``, when a due or risk filter needs it) each row
    carries its most urgent due item, its risk rating and its sanctions.

    One pass, linear in the register: two plain statements read the providers (narrowed in SQL by
    type, judgement and local authority) and the settings' places, each provider's search text is
    tested against the words (``RegisterFilter``), and only the rows that match are made."""
    officer(session, "the provider register")
    if (due is not None or risk is not None) and context is None:
        context = register_context(session, today or session_clock(session).today(), provider_ids=only)
    wanted = RegisterFilter(text, due=due, risk=risk, local_authority=local_authority)
    words = wanted.words
    query = select(*_ROW_COLUMNS).where(Provider.deleted.is_(False))
    places = select(*_PLACES).where(Setting.deleted.is_(False))
    if service_type is not None:
        query = query.where(Provider.service_type == service_type)
    if judgement is not None:
        query = query.where(Provider.judgement == judgement)
    if local_authority:
        query = query.where(Provider.local_authority == local_authority)
    if monitored is True:
        query = query.where(Provider.monitored.is_(True))
    elif monitored is False:
        query = query.where(or_(Provider.monitored.is_(None), Provider.monitored.is_(False)))
    connection = session.connection()
    records: list[Any]
    settings: list[Any]
    if only is not None:
        ids = sorted(only)
        chunks = [ids[start:start + CHUNK] for start in range(0, len(ids), CHUNK)]
        records = [r for chunk in chunks for r in connection.execute(query.where(Provider.id.in_(chunk))).all()]
        settings = [r for chunk in chunks
                    for r in connection.execute(places.where(Setting.provider_id.in_(chunk))).all()]
    else:
        records = list(connection.execute(query))
        settings = list(connection.execute(places))
    by_provider: dict[str, list[Any]] = defaultdict(list)
    for place in settings:
        by_provider[place[0]].append(place)
    records.sort(key=lambda r: r[1].casefold())
    rows = []
    filtered = due is not None or risk is not None  # the words are tested below, the rest is SQL's
    for record in records:
        mine = by_provider.get(record[0], ())
        haystack = search_text(record[1], record[4], record[2], mine)
        if not all(word in haystack for word in words):
            continue
        row = _row(record, mine, haystack, context)
        if filtered and not wanted.accepts(row):  # what is due, the risk rating (worked out from the context)
            continue
        rows.append(row)
        if limit is not None and len(rows) >= limit:
            break
    return rows


def _row(record: Any, settings: Collection[Any], haystack: str,
         context: RegisterContext | None) -> ProviderRow:
    (provider_id, name, urn, kind_text, organisation, judgement_text, route, regulator_text, status, authority,
     monitored, monitored_reason, override) = record
    kind = _SERVICE_TYPES[kind_text]
    judgement = _JUDGEMENTS.get(judgement_text) if judgement_text else None
    regulator = _REGULATORS.get(regulator_text) if regulator_text else None
    return ProviderRow(
        id=provider_id, name=name, urn=urn, service_type=kind, organisation=organisation, judgement=judgement,
        tier=shown_tier(provider_tier(kind, route == ContractRoute.FRAMEWORK.value, regulator, judgement),
                        _TIERS.get(override) if override else None),
        towns=", ".join(sorted({s[2] for s in settings if s[2]})),
        postcodes=", ".join(sorted({s[3] for s in settings if s[3]})),
        settings=len(settings), registration_status=status,
        due=context.due.get(provider_id) if context is not None else None,
        risk=context.risk.get(provider_id, Rag.NONE) if context is not None else None,
        sanctions=context.sanctions.get(provider_id, ()) if context is not None else (),
        local_authority=authority, search_text=haystack, monitored=bool(monitored),
        monitored_reason=monitored_reason)


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

