"""Figure 4: the lead commissioner of each kind of service, as data.

The figure maps service types (with the contract route, where it matters: "Independent Fostering
Agencies (Framework)" and "(Spot)") to named commissioners. People are data, never code: each
commissioner record says which service types and contract routes it leads on, and a provider's lead
commissioners are worked out from that, unless one is set on the provider itself (Figure 4's rows
for single services, such as "Eden House", are exactly that).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from qa_desktop.domain.regulation import ContractRoute
from qa_desktop.domain.service_types import ServiceType


@dataclass(frozen=True)
class Figure4Row:
    """What one commissioner leads on: service types, and the routes (none listed: every route)."""

    commissioner_id: str
    service_types: frozenset[ServiceType]
    contract_routes: frozenset[ContractRoute]

    def covers(self, service_type: ServiceType, route: ContractRoute | None) -> bool:
        if service_type not in self.service_types:
            return False
        return not self.contract_routes or (route is not None and route in self.contract_routes)


def lead_commissioners(rows: Iterable[Figure4Row], service_type: ServiceType,
                       route: ContractRoute | None, chosen: Collection[str] = ()) -> list[str]:
    """The ids of a provider's lead commissioners: the one chosen on the provider, else every
    commissioner whose Figure 4 row covers its service type and route (IFA framework: two)."""
    if chosen:
        return list(chosen)
    return [row.commissioner_id for row in rows if row.covers(service_type, route)]
