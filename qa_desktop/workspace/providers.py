"""Providers and settings managed in the app, through the workspace: add, edit and merge
providers; settings; contacts by role; the elements of a bespoke package; "monitored by us";
the lead commissioners of Figure 4 (as data).

A form reads a record (``provider``, ``setting``: each carries what it ``seen`` of every field)
and hands back only the fields the officer changed with that ``seen``: the edit is written over
what the form showed, so another laptop's change that arrived meanwhile is kept beside it as a
conflict. Every mutation returns ``Done``; every refusal is a ``RegisterError`` (a ``ValueError``)
naming the field, raised before anything is written.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from qa_desktop.domain.contacts import ContactRole
from qa_desktop.domain.monitoring import MonitoredBy, MonitoringError
from qa_desktop.domain.packages import PackageError
from qa_desktop.domain.service_types import ServiceType
from qa_desktop.services import providers as p
from qa_desktop.services.providers import (
    CommissionerLine,
    ContactLine,
    ElementLine,
    ProviderRecord,
    SettingRecord,
)
from qa_desktop.services.register import RegisterError
from qa_desktop.workspace.changes import Done
from qa_desktop.workspace.guard import Service

__all__ = ["ProviderService", "ProviderRecord", "SettingRecord", "ContactLine", "ElementLine", "CommissionerLine",
           "RegisterError", "MonitoringError", "PackageError", "ContactRole", "MonitoredBy", "PROVIDER_FIELDS",
           "SETTING_FIELDS"]

PROVIDER_FIELDS = p.PROVIDER_FIELDS
SETTING_FIELDS = p.SETTING_FIELDS
Seen = Mapping[str, Sequence[str]]


class ProviderService(Service):
    area = "providers"

    # -- providers --------------------------------------------------------------------------------

    def provider(self, provider_id: str) -> ProviderRecord:
        """A provider as its form shows it, with what was seen of each field."""
        with self._ws._read() as session:
            return p.provider_record(session, provider_id, self._ws.device_id)

    def add(self, *, name: str, service_type: ServiceType, setting: Mapping[str, Any] | None = None,
            monitored_reason: str | None = None, **fields: Any) -> Done[str]:
        """Add a provider (and its first setting); ``monitored_reason`` marks it monitored by us."""
        return self._ws._mutation(lambda: p.create_provider(self._ws._store, name=name, service_type=service_type,
                                                           setting=setting, monitored_reason=monitored_reason,
                                                           **fields))

    def edit(self, provider_id: str, fields: Mapping[str, Any], seen: Seen | None = None) -> Done[set[str]]:
        """Change these fields (only those the officer changed), written over what was ``seen``."""
        return self._ws._mutation(lambda: p.edit_provider(self._ws._store, provider_id, fields, seen))

    def set_monitored(self, provider_id: str, monitored: bool, reason: str) -> Done[None]:
        """Monitored by us (or no longer), by hand, with the reason."""
        return self._ws._mutation(lambda: p.set_monitored(self._ws._store, provider_id, monitored, reason))

    def merge(self, keep_id: str, duplicate_id: str, reason: str) -> Done[dict[str, int]]:
        """Merge a duplicate into the provider kept; how many records of each kind moved."""
        return self._ws._mutation(lambda: p.merge_providers(self._ws._store, keep_id, duplicate_id, reason))

    # -- settings ---------------------------------------------------------------------------------

    def setting(self, setting_id: str) -> SettingRecord:
        with self._ws._read() as session:
            return p.setting_record(session, setting_id, self._ws.device_id)

    def add_setting(self, provider_id: str, fields: Mapping[str, Any]) -> Done[str]:
        return self._ws._mutation(lambda: p.create_setting(self._ws._store, provider_id, fields))

    def edit_setting(self, setting_id: str, fields: Mapping[str, Any], seen: Seen | None = None) -> Done[set[str]]:
        return self._ws._mutation(lambda: p.edit_setting(self._ws._store, setting_id, fields, seen))

    def remove_setting(self, setting_id: str) -> Done[None]:
        return self._ws._mutation(lambda: p.remove_setting(self._ws._store, setting_id))

    # -- contacts ---------------------------------------------------------------------------------

    def contacts(self, provider_id: str, roles: Collection[ContactRole] | None = None) -> list[ContactLine]:
        """A provider's contacts by role (only ``roles`` when given: whom a report goes to)."""
        with self._ws._read() as session:
            return p.contacts(session, provider_id, roles, device_id=self._ws.device_id)

    def add_contact(self, provider_id: str, *, name: str, kind: ContactRole | None, **fields: Any) -> Done[str]:
        return self._ws._mutation(lambda: p.add_contact(self._ws._store, provider_id, name=name, kind=kind, **fields))

    def edit_contact(self, contact_id: str, fields: Mapping[str, Any], seen: Seen | None = None) -> Done[set[str]]:
        return self._ws._mutation(lambda: p.edit_contact(self._ws._store, contact_id, fields, seen))

    def remove_contact(self, contact_id: str) -> Done[None]:
        return self._ws._mutation(lambda: p.remove_contact(self._ws._store, contact_id))

    # -- bespoke packages (Section 9) -------------------------------------------------------------

    def elements(self, provider_id: str) -> list[ElementLine]:
        with self._ws._read() as session:
            return p.elements(session, provider_id)

    def add_element(self, provider_id: str, *, name: str, service_type: ServiceType | None,
                    **fields: Any) -> Done[str]:
        return self._ws._mutation(lambda: p.add_element(self._ws._store, provider_id, name=name,
                                                       service_type=service_type, **fields))

    def edit_element(self, element_id: str, fields: Mapping[str, Any], seen: Seen | None = None) -> Done[set[str]]:
        return self._ws._mutation(lambda: p.edit_element(self._ws._store, element_id, fields, seen))

    def remove_element(self, element_id: str) -> Done[None]:
        return self._ws._mutation(lambda: p.remove_element(self._ws._store, element_id))

    # -- commissioners (Figure 4) ----------------------------------------------------------------

    def commissioners(self) -> list[CommissionerLine]:
        with self._ws._read() as session:
            return p.commissioners(session)

    def lead_commissioners(self, provider_id: str) -> list[CommissionerLine]:
        """The one set on the provider, else Figure 4's for its service type and contract route."""
        with self._ws._read() as session:
            return p.provider_commissioners(session, provider_id)

    def add_commissioner(self, *, name: str, **fields: Any) -> Done[str]:
        return self._ws._mutation(lambda: p.add_commissioner(self._ws._store, name=name, **fields))

    def edit_commissioner(self, commissioner_id: str, fields: Mapping[str, Any]) -> Done[set[str]]:
        return self._ws._mutation(lambda: p.edit_commissioner(self._ws._store, commissioner_id, fields))
