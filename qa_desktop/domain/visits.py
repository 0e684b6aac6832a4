"""Visit levels, reasons and the rule for unannounced visits (Section 11)."""

from __future__ import annotations

import enum
from collections.abc import Sequence


class VisitLevel(enum.StrEnum):
    """Section 11: "There are several levels of visits"."""

    FULL = "full"
    ASSURANCE_MONITORING = "assurance_monitoring"
    PROPERTY_ONLY = "property_only"

    @property
    def label(self) -> str:
        return {
            "full": "Full",
            "assurance_monitoring": "Assurance/Monitoring",
            "property_only": "Property Only",
        }[self.value]


class VisitReason(enum.StrEnum):
    ROUTINE = "routine"
    CONCERN_RAISED = "concern_raised"
    PRE_PLACEMENT = "pre_placement"
    AFTER_PLACEMENT_START = "after_placement_start"

    @property
    def label(self) -> str:
        return {
            "routine": "Routine",
            "concern_raised": "Concern raised",
            "pre_placement": "Pre-placement",
            "after_placement_start": "Within 24-48 hours of placement start",
        }[self.value]


class VisitStatus(enum.StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"


#: Section 11: "Unannounced visits will be completed with 2 quality officers to ensure staff safety".
UNANNOUNCED_MIN_OFFICERS = 2


class VisitRuleError(ValueError):
    """A visit that the framework does not allow, with the reason in words an officer reads."""


class VisitCompleted(VisitRuleError):
    """An edit to a completed visit (issue 21: finished means finished): refused, in words."""

    def __init__(self) -> None:
        super().__init__("This visit is completed, so it can no longer be changed. If something must change, "
                         "reopen it with the reason (Reopen…): the reason is kept, and the next report revision "
                         "says what it corrects.")


def check_officers(announced: bool, officers: Sequence[str]) -> list[str]:
    """The named officers, cleaned; raises ``VisitRuleError`` if the framework forbids the visit."""
    names = [name.strip() for name in officers if name and name.strip()]
    distinct = {name.casefold() for name in names}
    if len(distinct) != len(names):
        raise VisitRuleError("The same officer is named twice.")
    if not names:
        raise VisitRuleError("Name the officer carrying out the visit.")
    if not announced and len(names) < UNANNOUNCED_MIN_OFFICERS:
        raise VisitRuleError("An unannounced visit needs two officers named, for staff safety (Section 11).")
    return names
