"""The provider register: listing and searching providers and their settings, adding them.

Search matches every word typed against the provider's name, organisation and URN and its
settings' town and postcode, so "rochester me1" finds a home in Rochester with an ME1 postcode.
Postcodes are compared without spaces, the way people type them.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from qa_desktop.domain.regulation import Judgement
from qa_desktop.domain.service_types import ServiceType
from qa_desktop.domain.tiers import Tier
from qa_desktop.domain.urn import normalise_postcode, normalise_urn
from qa_desktop.store.changes import Changes
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


def _live_providers() -> Select[tuple[Provider]]:
    return select(Provider).where(Provider.deleted.is_(False))


def search_query(text: str = "", service_type: ServiceType | None = None) -> Select[tuple[Provider]]:
    query = _live_providers()
    if service_type is not None:
        query = query.where(Provider.service_type == service_type)
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


def search_providers(session: Session, text: str = "", service_type: ServiceType | None = None,
                     limit: int | None = None) -> list[ProviderRow]:
    query = search_query(text, service_type).options(selectinload(Provider.settings))
    if limit is not None:
        query = query.limit(limit)
    return [_row(p) for p in session.scalars(query)]


def _row(provider: Provider) -> ProviderRow:
    settings = [s for s in provider.settings if not s.deleted]
    return ProviderRow(
        id=provider.id, name=provider.name, urn=provider.urn, service_type=provider.service_type,
        organisation=provider.organisation, judgement=provider.judgement, tier=provider.tier,
        towns=", ".join(sorted({s.town for s in settings if s.town})),
        postcodes=", ".join(sorted({s.postcode for s in settings if s.postcode})),
        settings=len(settings), registration_status=provider.registration_status,
    )


def find_by_urn(session: Session, urn: str) -> Provider | None:
    return session.scalars(_live_providers().where(Provider.urn == normalise_urn(urn))).first()


class RegisterError(ValueError):
    """Input the register cannot accept, worded for the person who typed it."""


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

