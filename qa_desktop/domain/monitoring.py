"""Which providers the council actually uses: "monitored by us".

The register holds every provider in England once Ofsted's file is imported; the team monitors
the few it places children with or holds a contract with. A provider is monitored

- by a **placement**: recording a placement at one of its settings marks it, naming the placement;
- by a **contract**: giving it a contract route (framework, spot, DPS, bespoke, unregulated) marks it;
- by **hand**, with the reason typed (a provider the team is getting to know, one under concern).

It stays monitored until an officer says otherwise, with the reason (a placement ending does not
end the council's interest). What is due, the dashboard and the oversight lists show monitored
providers by default, every provider on request.
"""

from __future__ import annotations

import enum


class MonitoredBy(enum.StrEnum):
    PLACEMENT = "placement"
    CONTRACT = "contract"
    HAND = "hand"

    @property
    def label(self) -> str:
        return {"placement": "a placement", "contract": "a contract", "hand": "an officer"}[self.value]


class MonitoringError(ValueError):
    """A change of the flag without what the framework's audit needs (its reason)."""
