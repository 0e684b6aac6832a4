"""What a regulator's registration status and judgement mean for Section 12: which put a provider on
the sanctions list, under which heading, and which alert they stand for.

Section 12 ("Regulatory Restrictions") lists what an Ofsted alert can say: a restriction on a
provider's accommodation or registration, a suspension of its registration, the termination of its
registration, an inadequate judgement or widespread concerns, or that a restriction was lifted. It
adds that "CQC and the Care Inspectorate do not issue any formal alerts like Ofsted, Restrictions
will be issued if the provider receives a judgement of Requires Improvement or below", and that a
regulatory action plan follows "a judgement of Requires Improvement or below". The sanctions list's
headings are "Poor Judgement/Restriction" and "Ceased Operating".

The same facts arrive in the regulator's data (an import) as a judgement and a registration status;
these tables say what each one is, so the import raises the alert Section 12 would have had the
team log it by hand.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import lru_cache

from qa_desktop.domain.oversight import AlertKind
from qa_desktop.domain.regulation import Judgement
from qa_desktop.domain.text import fold


class Standing(enum.StrEnum):
    """What a registration status says about the provider's registration."""

    ACTIVE = "active"
    SUSPENDED = "suspended"
    RESTRICTED = "restricted"
    CLOSED = "closed"  # no longer registered: the sanctions list's "Ceased operating"

    @property
    def label(self) -> str:
        return {"active": "Registered and active", "suspended": "Registration suspended",
                "restricted": "Registration restricted", "closed": "No longer registered"}[self.value]


@dataclass(frozen=True)
class StatusRule:
    status: str
    standing: Standing
    reason: str


#: Registration statuses as Ofsted's data and councils' lists write them (folded before matching).
REGISTRATION_STATUSES: tuple[StatusRule, ...] = (
    StatusRule("Active", Standing.ACTIVE, "registered and operating"),
    StatusRule("Registered", Standing.ACTIVE, "registered and operating"),
    StatusRule("Open", Standing.ACTIVE, "operating"),
    StatusRule("Suspended", Standing.SUSPENDED,
               "Section 12: 'a suspension to the providers registration' (no child may be placed)"),
    StatusRule("Registration suspended", Standing.SUSPENDED, "as 'Suspended'"),
    StatusRule("Restricted", Standing.RESTRICTED,
               "Section 12: 'a restriction on a provider's accommodation or registration'"),
    StatusRule("Restriction of accommodation", Standing.RESTRICTED, "as 'Restricted'"),
    StatusRule("Restriction", Standing.RESTRICTED, "as 'Restricted'"),
    StatusRule("Closed", Standing.CLOSED, "Section 12's 'Ceased Operating'"),
    StatusRule("Resigned", Standing.CLOSED, "the provider gave up its registration: ceased operating"),
    StatusRule("Cancelled", Standing.CLOSED,
               "Section 12: 'termination of their registration' (Ofsted cancelled it): ceased operating"),
    StatusRule("Deregistered", Standing.CLOSED, "as 'Cancelled'"),
    StatusRule("Terminated", Standing.CLOSED, "as 'Cancelled'"),
    StatusRule("Ceased operating", Standing.CLOSED, "Section 12's own words"),
)

_BY_STATUS = {fold(rule.status): rule for rule in REGISTRATION_STATUSES}


@lru_cache(maxsize=512)  # a handful of statuses, asked twice per row of an import
def standing(status: str | None) -> Standing | None:
    """What a registration status means; None for a status no rule names (kept as text, no effect)."""
    if status is None:
        return None
    rule = _BY_STATUS.get(fold(status))
    return rule.standing if rule else None


#: The alert each standing stands for (Section 12's list); an active registration raises none.
STANDING_ALERTS: dict[Standing, AlertKind] = {
    Standing.SUSPENDED: AlertKind.SUSPENSION,
    Standing.RESTRICTED: AlertKind.RESTRICTION,
    Standing.CLOSED: AlertKind.TERMINATION,
}

#: Judgements that put a provider on the sanctions list as "Poor judgement/restriction", and the
#: alert each stands for: "Requires Improvement or below" (Section 12, regulatory action plans and
#: the CQC/Care Inspectorate rule), Inadequate being Ofsted's own alert.
POOR_JUDGEMENTS: dict[Judgement, AlertKind] = {
    Judgement.REQUIRES_IMPROVEMENT: AlertKind.POOR_JUDGEMENT,
    Judgement.INADEQUATE: AlertKind.INADEQUATE,
}

#: Alerts about a judgement: a later judgement supersedes them, whatever it is.
JUDGEMENT_ALERTS = frozenset(POOR_JUDGEMENTS.values())
