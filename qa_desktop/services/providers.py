"""Providers and settings managed in the app: add, edit and merge duplicates; service type (with
Section 5's three parent and child kinds, and bespoke packages of elements, Section 9); contract
route and framework; the Section 3 tier and an override with its reason; the lead commissioner
(Figure 4, as data); contacts by role; and "monitored by us" (``domain.monitoring``).

Every write goes through ``Changes``. An edit made on a form is written over what the form showed
(``seen``: per field, the ops whose value the officer saw, from ``provider_record``), so a value
that arrived from another laptop after the form was drawn is kept beside the officer's as a
conflict, never silently overwritten. Each refusal is one sentence naming the field, raised before
anything is written: the form keeps what was typed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qa_desktop.domain.commissioners import Figure4Row, lead_commissioners
from qa_desktop.domain.contacts import ContactRole
from qa_desktop.domain.monitoring import MonitoredBy, MonitoringError
from qa_desktop.domain.packages import check_element
from qa_desktop.domain.placements import is_live
from qa_desktop.domain.regulation import ContractRoute, Judgement, Regulator
from qa_desktop.domain.service_types import ServiceType
from qa_desktop.domain.tiers import Tier, shown_tier
from qa_desktop.domain.urn import InvalidUrn, normalise_postcode, normalise_urn
from qa_desktop.services.register import RegisterError, add_provider, find_by_urn
from qa_desktop.store.access import officer
from qa_desktop.store.changes import Changes
from qa_desktop.store.database import Store
from qa_desktop.store.models import (
    ActionPlan,
    Commissioner,
    ComplianceReview,
    Contact,
    Embargo,
    PackageElement,
    Placement,
    Provider,
    QaCase,
    RegulatoryAlert,
    Setting,
    SyncedColumns,
)
from qa_desktop.store.oplog import field_state, local_base, ops_of_entities

Seen = Mapping[str, Sequence[str]]

#: The provider fields a form edits (``monitored`` has its own verb, with its reason).
PROVIDER_FIELDS = ("name", "organisation", "service_type", "provision_type", "urn", "regulator",
                   "registration_status", "local_authority", "judgement", "judgement_date", "contract_route",
                   "framework_name", "lead_commissioner_id", "capacity", "notes", "tier_override",
                   "tier_override_reason")
SETTING_FIELDS = ("name", "address_line1", "address_line2", "town", "county", "postcode", "capacity", "notes")
CONTACT_FIELDS = ("name", "kind", "role", "organisation", "phone", "email", "setting_id")
ELEMENT_FIELDS = ("name", "service_type", "setting_id", "delivered_by", "notes")
COMMISSIONER_FIELDS = ("name", "email", "organisation", "responsibility", "service_types", "contract_routes")

#: Rows that belong to a provider directly: a merge moves them to the provider kept.
_OWNED: tuple[type[Any], ...] = (Setting, Contact, QaCase, ActionPlan, Embargo, RegulatoryAlert, ComplianceReview,
                                 PackageElement)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def shown_heads(session: Session, entity: str, row_id: str, device_id: str) -> dict[str, tuple[str, ...]]:
    """Per field of a row, the ops whose value a form shows (and this laptop's own): what an edit
    made on that form is written over (``Changes.update(..., seen=)``)."""
    fields = ops_of_entities(session, entity, [row_id]).get(row_id, {})
    return {name: tuple(local_base(field_state(ops), device_id)) for name, ops in fields.items()}


def _live(session: Session, model: type[Any], row_id: str | None, what: str) -> Any:
    row = session.get(model, row_id) if row_id else None
    if row is None or row.deleted:
        raise RegisterError(f"That {what} is not in the register (it may have been deleted).")
    return row


def _text(value: Any) -> str | None:
    """Typed text, trimmed; None for blank."""
    if value is None:
        return None
    cleaned = " ".join(str(value).split()) if "\n" not in str(value) else str(value).strip()
    return cleaned or None


def _update(changes: Changes, row: SyncedColumns, fields: Mapping[str, Any], seen: Seen | None) -> set[str]:
    """Write the fields, each over what the form showed of it (those it names)."""
    shown = {name: list(seen[name]) for name in fields if seen and name in seen}
    return changes.update(row, seen=shown or None, **fields)


# -- reading, for the forms -----------------------------------------------------------------------

@dataclass(frozen=True)
class ProviderRecord:
    """A provider as its form shows it, and what was seen of each field."""

    id: str
    name: str
    organisation: str | None
    service_type: ServiceType
    provision_type: str | None
    urn: str | None
    regulator: Regulator | None
    registration_status: str | None
    local_authority: str | None
    judgement: Judgement | None
    judgement_date: dt.date | None
    contract_route: ContractRoute | None
    framework_name: str | None
    lead_commissioner_id: str | None
    capacity: int | None
    notes: str | None
    tier: Tier | None            # Section 3's, from the judgement
    tier_override: Tier | None
    tier_override_reason: str | None
    monitored: bool
    monitored_by: MonitoredBy | None
    monitored_reason: str | None
    monitored_on: dt.date | None
    seen: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def tier_shown(self) -> Tier | None:
        return shown_tier(self.tier, self.tier_override)

    def value(self, name: str) -> Any:
        return getattr(self, name)


def provider_record(session: Session, provider_id: str, device_id: str) -> ProviderRecord:
    officer(session, "provider records")
    p = _live(session, Provider, provider_id, "provider")
    return ProviderRecord(p.id, p.name, p.organisation, p.service_type, p.provision_type, p.urn, p.regulator,
                          p.registration_status, p.local_authority, p.judgement, p.judgement_date, p.contract_route,
                          p.framework_name, p.lead_commissioner_id, p.capacity, p.notes, p.tier, p.tier_override,
                          p.tier_override_reason, bool(p.monitored), p.monitored_by, p.monitored_reason,
                          p.monitored_on, shown_heads(session, "providers", p.id, device_id))


@dataclass(frozen=True)
class SettingRecord:
    id: str
    provider_id: str
    name: str
    address_line1: str | None
    address_line2: str | None
    town: str | None
    county: str | None
    postcode: str | None
    capacity: int | None
    notes: str | None
    seen: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def setting_record(session: Session, setting_id: str, device_id: str) -> SettingRecord:
    officer(session, "settings")
    s = _live(session, Setting, setting_id, "setting")
    return SettingRecord(s.id, s.provider_id, s.name, s.address_line1, s.address_line2, s.town, s.county, s.postcode,
                         s.capacity, s.notes, shown_heads(session, "settings", s.id, device_id))


# -- checking what was typed ----------------------------------------------------------------------------

def _check_provider_fields(session: Session, fields: dict[str, Any], provider: Provider | None) -> dict[str, Any]:
    """The fields cleaned; ``RegisterError`` naming the first field that cannot be kept."""
    clean = dict(fields)
    unknown = set(clean) - set(PROVIDER_FIELDS)
    if unknown:
        raise TypeError(f"not provider fields: {', '.join(sorted(unknown))}")
    for name in ("organisation", "provision_type", "registration_status", "local_authority", "framework_name",
                 "tier_override_reason", "notes"):
        if name in clean:
            clean[name] = _text(clean[name])
    if "name" in clean:
        clean["name"] = _text(clean["name"])
        if not clean["name"]:
            raise RegisterError("Name: a provider needs a name.")
    if "service_type" in clean and not isinstance(clean["service_type"], ServiceType):
        raise RegisterError("Service type: choose one of the framework's service types.")
    if "urn" in clean:
        text = _text(clean["urn"])
        try:
            clean["urn"] = normalise_urn(text) if text else None
        except InvalidUrn as error:
            raise RegisterError(f"URN: {str(error).removeprefix('URN ')}.") from None  # not "URN: URN '…'" (walk6)
        other = find_by_urn(session, clean["urn"]) if clean["urn"] else None
        if other is not None and (provider is None or other.id != provider.id):
            raise RegisterError(f"URN: {clean['urn']} is already in the register ({other.name}); merge the two "
                                "if they are one provider.")
    if "capacity" in clean and clean["capacity"] is not None:
        try:
            clean["capacity"] = int(str(clean["capacity"]).strip())
        except ValueError:
            raise RegisterError(f"Places: {clean['capacity']!r} is not a whole number.") from None
        if clean["capacity"] < 0:
            raise RegisterError("Places: the number of places cannot be negative.")
    if clean.get("lead_commissioner_id"):
        _live(session, Commissioner, clean["lead_commissioner_id"], "commissioner")
    override = clean.get("tier_override", provider.tier_override if provider else None)
    reason = clean.get("tier_override_reason", provider.tier_override_reason if provider else None)
    if override is not None and not reason:
        raise RegisterError("Tier reason: say why the tier is set by hand (Section 3 derives it from the judgement).")
    if "tier_override" in clean and clean["tier_override"] is None and "tier_override_reason" not in clean:
        clean["tier_override_reason"] = None  # back to Section 3's tier: the reason goes with the override
    return clean


def _contract_marks_monitored(provider: Provider, today: dt.date) -> dict[str, Any]:
    """A contract route given to a provider not yet monitored marks it monitored, by the contract."""
    if provider.monitored or provider.contract_route is None:
        return {}
    framework = f" ({provider.framework_name})" if provider.framework_name else ""
    return {"monitored": True, "monitored_by": MonitoredBy.CONTRACT, "monitored_on": today,
            "monitored_reason": f"{provider.contract_route.label} contract{framework}"}


# -- providers ---------------------------------------------------------------------------------------------

def create_provider(store: Store, *, name: str, service_type: ServiceType, setting: Mapping[str, Any] | None = None,
                    monitored_reason: str | None = None, **fields: Any) -> str:
    """Add a provider typed in (one not in Ofsted's file, an unregistered one) with its first setting
    (named after it unless said); ``monitored_reason`` marks it monitored by hand. Its id."""
    with store.write() as changes:
        session = changes.session
        officer(session, "or add providers")
        clean = _check_provider_fields(session, {"name": name, "service_type": service_type, **fields}, None)
        urn = clean.pop("urn", None)
        provider = add_provider(changes, name=clean.pop("name"), service_type=clean.pop("service_type"), urn=urn,
                                **{k: v for k, v in clean.items() if v is not None})
        place = dict(setting or {})
        place.setdefault("name", provider.name)
        _create_setting(changes, provider, place)
        today = changes.today()
        marks = _contract_marks_monitored(provider, today)
        if monitored_reason and monitored_reason.strip():
            marks = {"monitored": True, "monitored_by": MonitoredBy.HAND, "monitored_on": today,
                     "monitored_reason": monitored_reason.strip()}
        if marks:
            changes.update(provider, **marks)
        return provider.id


def edit_provider(store: Store, provider_id: str, fields: Mapping[str, Any], seen: Seen | None = None) -> set[str]:
    """Change a provider's fields (those given); returns the fields that changed. Giving it a
    contract route marks it monitored (by the contract)."""
    with store.write() as changes:
        officer(changes.session, "or change providers")
        provider = _live(changes.session, Provider, provider_id, "provider")
        clean = _check_provider_fields(changes.session, dict(fields), provider)
        changed = _update(changes, provider, clean, seen)
        if "contract_route" in changed:
            changed |= changes.update(provider, **_contract_marks_monitored(provider, changes.today()))
        return changed


def set_monitored(store: Store, provider_id: str, monitored: bool, reason: str,
                  by: MonitoredBy = MonitoredBy.HAND) -> None:
    """Mark a provider monitored by us, or no longer, with the reason (kept, and in the audit trail)."""
    words = (reason or "").strip()
    if not words:
        raise MonitoringError("Reason: say why the provider is " + ("monitored." if monitored
                                                                     else "no longer monitored."))
    with store.write() as changes:
        officer(changes.session, "or change which providers are monitored")
        provider = _live(changes.session, Provider, provider_id, "provider")
        changes.update(provider, monitored=monitored, monitored_by=by, monitored_reason=words,
                       monitored_on=changes.today())


def mark_monitored_by_placement(changes: Changes, provider: Provider, words: str) -> None:
    """A placement made at a provider not yet monitored marks it (within the placement's own write)."""
    if not provider.monitored:
        changes.update(provider, monitored=True, monitored_by=MonitoredBy.PLACEMENT, monitored_reason=words,
                       monitored_on=changes.today())


def merge_providers(store: Store, keep_id: str, duplicate_id: str, reason: str) -> dict[str, int]:
    """Merge a duplicate into the provider kept: its settings (with their visits and placements),
    contacts, cases, plans, embargoes, alerts, reviews and package elements move over; a field the
    kept provider has blank takes the duplicate's value; the duplicate is deleted, naming where it
    went. Refused for two different URNs (two registrations are two providers). Returns how many
    records of each kind moved."""
    words = (reason or "").strip()
    if not words:
        raise RegisterError("Reason: say why the two are one provider (e.g. 'typed in before the Ofsted import').")
    if keep_id == duplicate_id:
        raise RegisterError("Duplicate: choose another provider than the one kept.")
    with store.write() as changes:
        session = changes.session
        officer(session, "or merge providers")
        keep = _live(session, Provider, keep_id, "provider")
        duplicate = _live(session, Provider, duplicate_id, "provider")
        if keep.urn and duplicate.urn and keep.urn != duplicate.urn:
            raise RegisterError(f"Duplicate: {duplicate.name} has URN {duplicate.urn} and {keep.name} URN {keep.urn}; "
                                "two registrations are two providers and are not merged.")
        moved: dict[str, int] = {}
        for model in _OWNED:
            rows = session.scalars(select(model).where(model.provider_id == duplicate.id,
                                                       model.deleted.is_(False))).all()
            for row in rows:
                changes.update(row, provider_id=keep.id)
            if rows:
                moved[model.__tablename__] = len(rows)
        blanks = {name: getattr(duplicate, name) for name in PROVIDER_FIELDS
                  if getattr(keep, name) in (None, "") and getattr(duplicate, name) not in (None, "")
                  and name not in ("tier_override", "tier_override_reason", "notes")}
        if duplicate.monitored and not keep.monitored:
            blanks.update(monitored=True, monitored_by=duplicate.monitored_by, monitored_on=duplicate.monitored_on,
                          monitored_reason=duplicate.monitored_reason)
        urn = f", URN {duplicate.urn}" if duplicate.urn else ""
        line = f"Merged with {duplicate.name}{urn} on {changes.today():%d/%m/%Y} by {changes.actor}: {words}"
        notes = "\n".join(n for n in (keep.notes, duplicate.notes, line) if n)
        changes.update(keep, notes=notes, **blanks)
        changes.update(duplicate, merged_into=keep.id)
        changes.delete(duplicate)
        return moved


# -- settings -----------------------------------------------------------------------------------------------

def _check_setting_fields(fields: dict[str, Any]) -> dict[str, Any]:
    clean = dict(fields)
    unknown = set(clean) - set(SETTING_FIELDS)
    if unknown:
        raise TypeError(f"not setting fields: {', '.join(sorted(unknown))}")
    for name in ("address_line1", "address_line2", "town", "county", "notes"):
        if name in clean:
            clean[name] = _text(clean[name])
    if "name" in clean:
        clean["name"] = _text(clean["name"])
        if not clean["name"]:
            raise RegisterError("Setting name: a setting needs a name (the home's or the address's).")
    if "postcode" in clean:
        text = _text(clean["postcode"])
        clean["postcode"] = normalise_postcode(text) if text else None
    if clean.get("capacity") is not None:
        try:
            clean["capacity"] = int(str(clean["capacity"]).strip())
        except ValueError:
            raise RegisterError(f"Places: {clean['capacity']!r} is not a whole number.") from None
        if clean["capacity"] < 0:
            raise RegisterError("Places: the number of places cannot be negative.")
    return clean


def _create_setting(changes: Changes, provider: Provider, fields: Mapping[str, Any]) -> Setting:
    clean = _check_setting_fields(dict(fields))
    name = clean.pop("name", None)
    if not name:
        raise RegisterError("Setting name: a setting needs a name (the home's or the address's).")
    return changes.create(Setting, provider_id=provider.id, name=name,
                          **{k: v for k, v in clean.items() if v is not None})


def create_setting(store: Store, provider_id: str, fields: Mapping[str, Any]) -> str:
    with store.write() as changes:
        officer(changes.session, "or add settings")
        return _create_setting(changes, _live(changes.session, Provider, provider_id, "provider"), fields).id


def edit_setting(store: Store, setting_id: str, fields: Mapping[str, Any], seen: Seen | None = None) -> set[str]:
    with store.write() as changes:
        officer(changes.session, "or change settings")
        setting = _live(changes.session, Setting, setting_id, "setting")
        return _update(changes, setting, _check_setting_fields(dict(fields)), seen)


def remove_setting(store: Store, setting_id: str) -> None:
    """A setting the provider no longer uses; refused while a child is (or will be) placed there."""
    with store.write() as changes:
        officer(changes.session, "or remove settings")
        setting = _live(changes.session, Setting, setting_id, "setting")
        now = changes.now()
        live = [p for p in changes.session.scalars(select(Placement).where(Placement.setting_id == setting.id,
                                                                           Placement.deleted.is_(False)))
                if is_live(p.started_at, p.ended_at, now)]
        if live:
            raise RegisterError(f"Setting: {setting.name} has {len(live)} placement(s) not ended; record their end "
                                "first.")
        changes.delete(setting)


# -- contacts ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ContactLine:
    """A contact as the provider page lists it, and as reports are distributed by (``kind``)."""

    id: str
    provider_id: str
    name: str
    kind: ContactRole | None
    role: str | None
    organisation: str | None
    phone: str | None
    email: str | None
    setting_id: str | None
    setting: str | None
    seen: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def kind_label(self) -> str:
        return self.kind.label if self.kind else (self.role or "")


def _check_contact_fields(session: Session, provider_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    clean = dict(fields)
    unknown = set(clean) - set(CONTACT_FIELDS)
    if unknown:
        raise TypeError(f"not contact fields: {', '.join(sorted(unknown))}")
    for name in ("role", "organisation", "phone", "email"):
        if name in clean:
            clean[name] = _text(clean[name])
    if "name" in clean:
        clean["name"] = _text(clean["name"])
        if not clean["name"]:
            raise RegisterError("Name: a contact needs a name.")
    if "kind" in clean and not isinstance(clean["kind"], ContactRole):
        raise RegisterError("Role: choose the part the contact plays (provider, registered manager, placing social "
                            "worker, IRO, commissioner, Access to Resources).")
    if clean.get("email") and not _EMAIL.match(clean["email"]):
        raise RegisterError(f"Email: {clean['email']!r} is not an email address.")
    if clean.get("setting_id"):
        setting = _live(session, Setting, clean["setting_id"], "setting")
        if setting.provider_id != provider_id:
            raise RegisterError("Setting: that setting is not one of this provider's.")
    return clean


def add_contact(store: Store, provider_id: str, *, name: str, kind: ContactRole | None, **fields: Any) -> str:
    with store.write() as changes:
        officer(changes.session, "or add contacts")
        _live(changes.session, Provider, provider_id, "provider")
        clean = _check_contact_fields(changes.session, provider_id, {"name": name, "kind": kind, **fields})
        return changes.create(Contact, provider_id=provider_id,
                              **{k: v for k, v in clean.items() if v is not None}).id


def edit_contact(store: Store, contact_id: str, fields: Mapping[str, Any], seen: Seen | None = None) -> set[str]:
    with store.write() as changes:
        officer(changes.session, "or change contacts")
        contact = _live(changes.session, Contact, contact_id, "contact")
        return _update(changes, contact, _check_contact_fields(changes.session, contact.provider_id, dict(fields)),
                       seen)


def remove_contact(store: Store, contact_id: str) -> None:
    with store.write() as changes:
        officer(changes.session, "or remove contacts")
        changes.delete(_live(changes.session, Contact, contact_id, "contact"))


def contacts(session: Session, provider_id: str, roles: Collection[ContactRole] | None = None, *,
             device_id: str | None = None) -> list[ContactLine]:
    """A provider's contacts, by role then name; only ``roles`` when given (who a report goes to)."""
    officer(session, "contacts")
    names = dict(session.execute(select(Setting.id, Setting.name).where(Setting.provider_id == provider_id)).all())
    rows = session.scalars(select(Contact).where(Contact.provider_id == provider_id, Contact.deleted.is_(False))).all()
    order = list(ContactRole)
    found = [ContactLine(c.id, c.provider_id, c.name, c.kind, c.role, c.organisation, c.phone, c.email, c.setting_id,
                         names.get(c.setting_id) if c.setting_id else None,
                         shown_heads(session, "contacts", c.id, device_id) if device_id else {})
             for c in rows if roles is None or c.kind in roles]
    return sorted(found, key=lambda c: (order.index(c.kind) if c.kind else len(order), c.name.lower()))


# -- elements of a bespoke package (Section 9) -----------------------------------------------------------

@dataclass(frozen=True)
class ElementLine:
    id: str
    provider_id: str
    name: str
    service_type: ServiceType
    setting_id: str | None
    setting: str | None
    delivered_by: str | None
    notes: str | None


def _check_element_fields(session: Session, provider: Provider, fields: dict[str, Any],
                          current: PackageElement | None) -> dict[str, Any]:
    clean = dict(fields)
    unknown = set(clean) - set(ELEMENT_FIELDS)
    if unknown:
        raise TypeError(f"not element fields: {', '.join(sorted(unknown))}")
    service_type = clean.get("service_type", current.service_type if current else None)
    if service_type is not None and not isinstance(service_type, ServiceType):
        service_type = None
    name = check_element(clean.get("name", current.name if current else None), service_type)
    if "name" in clean:
        clean["name"] = name
    for key in ("delivered_by", "notes"):
        if key in clean:
            clean[key] = _text(clean[key])
    if clean.get("setting_id"):
        setting = _live(session, Setting, clean["setting_id"], "setting")
        if setting.provider_id != provider.id:
            raise RegisterError("Setting: that setting is not one of this package's.")
    return clean


def add_element(store: Store, provider_id: str, *, name: str, service_type: ServiceType | None,
                **fields: Any) -> str:
    """Add an element to a bespoke package: its own service type, and where it is delivered."""
    with store.write() as changes:
        officer(changes.session, "or change bespoke packages")
        provider = _live(changes.session, Provider, provider_id, "provider")
        if provider.service_type is not ServiceType.BESPOKE:
            raise RegisterError(f"Service type: {provider.name} is a {provider.service_type.label}; elements belong to "
                                "a bespoke package (set its service type to Bespoke first).")
        clean = _check_element_fields(changes.session, provider,
                                      {"name": name, "service_type": service_type, **fields}, None)
        return changes.create(PackageElement, provider_id=provider.id,
                              **{k: v for k, v in clean.items() if v is not None}).id


def edit_element(store: Store, element_id: str, fields: Mapping[str, Any], seen: Seen | None = None) -> set[str]:
    with store.write() as changes:
        officer(changes.session, "or change bespoke packages")
        element = _live(changes.session, PackageElement, element_id, "element")
        provider = _live(changes.session, Provider, element.provider_id, "provider")
        return _update(changes, element, _check_element_fields(changes.session, provider, dict(fields), element), seen)


def remove_element(store: Store, element_id: str) -> None:
    with store.write() as changes:
        officer(changes.session, "or change bespoke packages")
        changes.delete(_live(changes.session, PackageElement, element_id, "element"))


def elements(session: Session, provider_id: str) -> list[ElementLine]:
    officer(session, "bespoke packages")
    names = dict(session.execute(select(Setting.id, Setting.name).where(Setting.provider_id == provider_id)).all())
    return [ElementLine(e.id, e.provider_id, e.name, e.service_type, e.setting_id,
                        names.get(e.setting_id) if e.setting_id else None, e.delivered_by, e.notes)
            for e in session.scalars(select(PackageElement).where(PackageElement.provider_id == provider_id,
                                                                  PackageElement.deleted.is_(False))
                                     .order_by(PackageElement.name))]


# -- commissioners (Figure 4) ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class CommissionerLine:
    id: str
    name: str
    email: str | None
    organisation: str | None
    responsibility: str | None
    service_types: tuple[ServiceType, ...]
    contract_routes: tuple[ContractRoute, ...]

    @property
    def covers_words(self) -> str:
        """What the commissioner leads on, as Figure 4 words it."""
        types = ", ".join(t.label for t in self.service_types) or "no service type"
        routes = " and ".join(r.label for r in self.contract_routes)
        return f"{types} ({routes})" if routes else types

    def row(self) -> Figure4Row:
        return Figure4Row(self.id, frozenset(self.service_types), frozenset(self.contract_routes))


def _commissioner_line(c: Commissioner) -> CommissionerLine:
    types = tuple(ServiceType(t) for t in c.service_types or () if t in ServiceType.__members__.values())
    routes = tuple(ContractRoute(r) for r in c.contract_routes or () if r in ContractRoute.__members__.values())
    return CommissionerLine(c.id, c.name, c.email, c.organisation, c.responsibility, types, routes)


def commissioners(session: Session) -> list[CommissionerLine]:
    officer(session, "commissioners")
    return [_commissioner_line(c) for c in session.scalars(select(Commissioner).where(Commissioner.deleted.is_(False))
                                                           .order_by(Commissioner.name))]


def provider_commissioners(session: Session, provider_id: str) -> list[CommissionerLine]:
    """A provider's lead commissioners: the one set on it, else Figure 4's for its type and route."""
    provider = _live(session, Provider, provider_id, "provider")
    every = commissioners(session)
    by_id = {c.id: c for c in every}
    chosen = [provider.lead_commissioner_id] if provider.lead_commissioner_id in by_id else []
    return [by_id[i] for i in lead_commissioners([c.row() for c in every], provider.service_type,
                                                 provider.contract_route, chosen)]


def _check_commissioner_fields(fields: dict[str, Any]) -> dict[str, Any]:
    clean = dict(fields)
    unknown = set(clean) - set(COMMISSIONER_FIELDS)
    if unknown:
        raise TypeError(f"not commissioner fields: {', '.join(sorted(unknown))}")
    for name in ("email", "organisation", "responsibility"):
        if name in clean:
            clean[name] = _text(clean[name])
    if "name" in clean:
        clean["name"] = _text(clean["name"])
        if not clean["name"]:
            raise RegisterError("Name: a commissioner needs a name.")
    if clean.get("email") and not _EMAIL.match(clean["email"]):
        raise RegisterError(f"Email: {clean['email']!r} is not an email address.")
    for name, kind in (("service_types", ServiceType), ("contract_routes", ContractRoute)):
        if name in clean:
            values: Iterable[Any] = clean[name] or ()
            clean[name] = sorted({kind(v).value for v in values}) or None
    return clean


def add_commissioner(store: Store, *, name: str, **fields: Any) -> str:
    with store.write() as changes:
        officer(changes.session, "or add commissioners")
        clean = _check_commissioner_fields({"name": name, **fields})
        return changes.create(Commissioner, **{k: v for k, v in clean.items() if v is not None}).id


def edit_commissioner(store: Store, commissioner_id: str, fields: Mapping[str, Any]) -> set[str]:
    with store.write() as changes:
        officer(changes.session, "or change commissioners")
        row = _live(changes.session, Commissioner, commissioner_id, "commissioner")
        return changes.update(row, **_check_commissioner_fields(dict(fields)))
