"""Who a provider's contacts are, by the part they play.

Reports go to "the provider and key professionals" (Section 11) and the team works with the
placing social workers, IROs, commissioners (Figure 4) and the Access to Resources team (Section
13): each contact carries one of these roles, so a report can be addressed by role (the provider
and its registered manager get the report; the social workers and IROs of the children placed
there, the lead commissioner and Access to Resources are told of it). The role is data on the
contact (``Contact.kind``), set in the window or with ``qa-desktop contacts``.
"""

from __future__ import annotations

import enum


class ContactRole(enum.StrEnum):
    PROVIDER = "provider"                            # the provider's own contact (director, responsible individual)
    REGISTERED_MANAGER = "registered_manager"        # of a home or setting
    PLACING_SOCIAL_WORKER = "placing_social_worker"  # the social worker of a child placed there
    IRO = "iro"                                      # Independent Reviewing Officer
    COMMISSIONER = "commissioner"                    # the lead commissioner (Figure 4)
    ACCESS_TO_RESOURCES = "access_to_resources"      # the council's placements team (Section 13)

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def works_for_provider(self) -> bool:
        """The provider's own staff, as against the council's professionals."""
        return self in (ContactRole.PROVIDER, ContactRole.REGISTERED_MANAGER)


_LABELS = {
    ContactRole.PROVIDER: "Provider",
    ContactRole.REGISTERED_MANAGER: "Registered manager",
    ContactRole.PLACING_SOCIAL_WORKER: "Placing social worker",
    ContactRole.IRO: "Independent Reviewing Officer (IRO)",
    ContactRole.COMMISSIONER: "Commissioner",
    ContactRole.ACCESS_TO_RESOURCES: "Access to Resources",
}


def parse_contact_role(text: str) -> ContactRole | None:
    """A role from its value or label, however typed ("registered manager", "IRO", "art")."""
    key = " ".join(text.lower().replace("_", " ").replace("-", " ").split())
    for role in ContactRole:
        if key in (role.value.replace("_", " "), role.label.lower()):
            return role
    return {"iro": ContactRole.IRO, "art": ContactRole.ACCESS_TO_RESOURCES, "social worker":
            ContactRole.PLACING_SOCIAL_WORKER, "manager": ContactRole.REGISTERED_MANAGER}.get(key)
