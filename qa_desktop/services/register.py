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
from collections.abc import Collection
from typing import Any

from sqlalchemy import Select, String, or_, select, type_coerce
from sqlalchemy.orm import Session

from qa_desktop.domain.regulation import Judgement
from qa_desktop.domain.risk import Rag
from qa_desktop.domain.service_types import ServiceType
from qa_desktop.domain.urn import normalise_postcode, normalise_urn
from qa_desktop.services.due import provider_due
from qa_desktop.services.register_filter import RegisterFilter
from qa_desktop.services.register_rows import DueFilter, ProviderRow, RegisterContext, rows_of
from qa_desktop.store.access import officer
from qa_desktop.store.changes import Changes
from qa_desktop.store.database import session_clock
from qa_desktop.store.models import Provider, Setting
from qa_desktop.store.oplog import CHUNK

__all__ = ["ProviderRow", "RegisterContext", "DueFilter", "RegisterError", "register_context",
           "search_providers", "resolve_provider", "find_by_urn", "add_provider", "add_setting"]

#: Up to this many providers, a change's context is worked out provider by provider; past it, for
#: the whole register at once (as fast as that, whatever the count).
FEW_PROVIDERS = 50

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


def _live_providers() -> Select[Provider]:
    return select(Provider).where(Provider.deleted.is_(False))


_ROW_COLUMNS = (Provider.id, Provider.name, Provider.urn, type_coerce(Provider.service_type, String),
                Provider.organisation, type_coerce(Provider.judgement, String),
                type_coerce(Provider.contract_route, String), type_coerce(Provider.regulator, String),
                Provider.registration_status, Provider.local_authority, Provider.monitored, Provider.monitored_reason,
                type_coerce(Provider.tier_override, String))
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
    filtered = due is not None or risk is not None  # the words are tested in rows_of, the rest is SQL's
    return rows_of(records, settings, context, words=words, accepts=wanted.accepts if filtered else None,
                   limit=limit)


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

