"""Sections 10 and 13: unregulated placements and the providers the council does not know yet.

* Section 10: "Quality Assurance are responsible for notifying Ofsted to each unregulated
  placement and providing regular updates throughout the placement", and "will support and work
  with each provider to ensure a full application for a children's home is submitted and
  progressed". An application that ends registered is a provider *supported to register* (the
  scrutiny report's "34 providers supported to register").
* Section 13, Planning: "review the weekly planning list and track any new applications for change
  of use" (C3 dwelling house to C2 residential institution), and "provide feedback on any known
  provision/area to the planning team".
* Section 13, External Professionals, and the scrutiny report's risk table ("Collate intelligence
  from POLA, LADO, Police to map services. Provide prompt responses to Cllr/Resident Complaints"):
  intelligence by address, from the police, PCSOs, councillors and residents.

Addresses are matched by postcode (``postcode_key``): the planning list and a police email spell
the same street differently, but rarely the postcode.
"""

from __future__ import annotations

import datetime as dt
import enum
import re


class UnregisteredError(ValueError):
    """A record about an unregistered provider that cannot be kept, worded for the officer."""


class ApplicationStage(enum.StrEnum):
    """Where a provider's application to register a children's home stands."""

    PREPARING = "preparing"    # QA supporting the provider to put it together
    SUBMITTED = "submitted"    # with Ofsted
    REGISTERED = "registered"  # Ofsted registered the home: the provider was supported to register
    WITHDRAWN = "withdrawn"
    REFUSED = "refused"

    @property
    def label(self) -> str:
        return {"preparing": "Preparing with QA's support", "submitted": "Submitted to Ofsted",
                "registered": "Registered", "withdrawn": "Withdrawn", "refused": "Refused"}[self.value]

    @property
    def ended(self) -> bool:
        return self in (ApplicationStage.REGISTERED, ApplicationStage.WITHDRAWN, ApplicationStage.REFUSED)


#: The order an application moves in (an ended one moves no further).
_NEXT: dict[ApplicationStage, frozenset[ApplicationStage]] = {
    ApplicationStage.PREPARING: frozenset({ApplicationStage.SUBMITTED, ApplicationStage.WITHDRAWN}),
    ApplicationStage.SUBMITTED: frozenset({ApplicationStage.REGISTERED, ApplicationStage.WITHDRAWN,
                                           ApplicationStage.REFUSED, ApplicationStage.PREPARING}),
    ApplicationStage.REGISTERED: frozenset(),
    ApplicationStage.WITHDRAWN: frozenset(),
    ApplicationStage.REFUSED: frozenset({ApplicationStage.PREPARING}),  # a fresh application after a refusal
}


def check_stage_move(current: ApplicationStage, new: ApplicationStage) -> None:
    """Refuse, in words, a move the application cannot make (registered is the end of it)."""
    if new is current:
        raise UnregisteredError(f"The application is already {current.label.lower()}.")
    if new not in _NEXT[current]:
        allowed = ", ".join(s.label.lower() for s in _NEXT[current]) or "nothing: it has ended"
        raise UnregisteredError(f"An application {current.label.lower()} can move to {allowed}; "
                                f"not to {new.label.lower()}.")


class PlanningDecision(enum.StrEnum):
    """The planning authority's decision on a change of use, as the weekly list later shows it."""

    PENDING = "pending"
    GRANTED = "granted"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class IntelligenceSource(enum.StrEnum):
    """Who told the team about an address (Section 13, External Professionals; scrutiny report 4.6)."""

    POLICE = "police"
    PCSO = "pcso"
    COUNCILLOR = "councillor"
    RESIDENT = "resident"
    LADO = "lado"
    OTHER_AUTHORITY = "other_authority"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {"police": "Police", "pcso": "PCSO", "councillor": "Councillor", "resident": "Resident",
                "lado": "LADO", "other_authority": "Another local authority (POLA)", "other": "Other"}[self.value]


_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})$")


def postcode_key(postcode: str | None) -> str | None:
    """A UK postcode as one spelling ("ME1 2DQ" for "me12dq", " ME1  2DQ"); None when it is not one."""
    if not postcode:
        return None
    match = _POSTCODE.match(re.sub(r"\s+", " ", postcode.strip().upper()))
    return f"{match.group(1)} {match.group(2)}" if match else None


def address_key(address: str) -> str:
    """An address folded for comparing two spellings: case, punctuation and spaces ignored."""
    return re.sub(r"[^a-z0-9]+", " ", address.lower()).strip()


def check_dates(first: dt.date, later: dt.date | None, what_first: str, what_later: str) -> None:
    if later is not None and later < first:
        raise UnregisteredError(f"The {what_later} cannot be before the {what_first}.")
