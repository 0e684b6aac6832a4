"""Compliance reviews: Figure 1 (essential documents and review frequency per service type) and
the minimum urgent check of Section 11.

"For any commissioned service a compliance review is required prior to a child or young person
accessing that service." Where there is no time, QA must as a minimum review Health and Safety
documents, Staff Training and Insurance, then finish the full review "within 24-48 hours of the
placement/package commencing" (see ``schedule``).

Figure 1 has no row for some service types; the readings chosen here, so a reviewer can check them:
- Parent and Child (Section 5's three kinds): residential family assessment units are on the CRC
  Residential framework, so they take the Regulated Residential row; parent and child placements
  with an IFA are monitored "in line with the Kent County Council and Medway Council IFA
  Framework" (the Independent Fostering Agency row); low-level supported accommodation takes the
  Supported Accommodation row.
- Internally commissioned residential, secure units and short breaks are regulated children's homes:
  Regulated Residential row.
- Bespoke arrangements (Section 9) are monitored "in line with each service requirement": they
  have no list of their own; review them under the types of their elements.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from qa_desktop.domain.periods import ONE_YEAR, SIX_MONTHS, TWO_YEARS, Period
from qa_desktop.domain.service_types import ServiceType

_IFA_DOCUMENTS = (
    "Statement of Purpose",
    "Insurance Documents",
    "Staff Structure",
    "Latest Ofsted Report",
    "Ofsted Action Plan (if applicable)",
    "Regulation 35 (quality assurance report completed by the agency)",
    "Safeguarding policies and procedures",
    "Missing person policy",
    "Foster Care training matrix/training schedule",
)
_RESIDENTIAL_DOCUMENTS = (
    "Statement of Purpose",
    "Insurance Documents",
    "Staff Structure",
    "Latest Ofsted Report/Care Inspectorate report",
    "Ofsted Action Plan (if applicable)",
    "Regulation 44 Reports/Independent visitor reports",
    "Safeguarding policies and procedures",
    "Missing person policy",
    "Staff Training Matrix",
    "Gas and Electric Certificate",
)
_ACCOMMODATION_DOCUMENTS = (
    "Statement of Purpose",
    "Gas and Electric Certificate",
    "Insurance Documents",
    "Locality Risk Assessment",
    "Fire Risk Assessment",
    "Staff Training Matrix",
    "Staff Structure",
    "Safeguarding policies",
    "Missing person policies",
    "Video Tour of the provision/Photos",
    "Ofsted Reference Number/URN",
)
_FLOATING_SUPPORT_DOCUMENTS = (
    "Statement of Purpose",
    "Insurance Documents",
    "Staff Training Matrix",
    "Staff Structure",
    "Safeguarding policies",
    "Missing person policies",
    "Lone working policies",
    "Lone working risk assessments",
    "CQC Certificate/Report (if applicable)",
)
_UNREGULATED_DOCUMENTS = (
    "Statement of Purpose",
    "Gas and Electric Certificate",
    "Insurance Documents",
    "Locality Risk Assessment",
    "Fire Risk Assessment",
    "Staff Training Matrix",
    "Staff Structure",
    "Safeguarding policies",
    "Missing person policies",
    "Ofsted Reference Number/URN",
)

#: Section 11: what QA must review at the least when a placement cannot wait for a full review.
MINIMUM_URGENT_CHECKS = ("Health and Safety Documents", "Staff Training", "Insurance")


#: Words that put a document among the minimum urgent checks (Section 11), by check: Figure 1's
#: "Insurance Documents", the training matrices, and the certificates and fire risk assessment a
#: home's health and safety rests on.
_MINIMUM_CHECK_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Insurance", ("insurance",)),
    ("Staff Training", ("training",)),
    ("Health and Safety Documents", ("health and safety", "gas", "electric", "fire risk")),
)


def minimum_check_of(label: str) -> str | None:
    """Which of Section 11's minimum urgent checks (health and safety documents, staff training,
    insurance) a document is part of, or None: the documents QA "as a minimum must review" before a
    child or young person accesses a service."""
    words = label.casefold()
    for check, keys in _MINIMUM_CHECK_WORDS:
        if any(key in words for key in keys):
            return check
    return None


@dataclass(frozen=True)
class ComplianceRequirement:
    """One row of Figure 1: the documents to hold and how often the review repeats.

    ``figure_row`` names the row of Figure 1 it comes from, which differs from the service type
    where the framework has no row of its own (see the module docstring).
    """

    figure_row: str
    documents: tuple[str, ...]
    frequency: Period
    #: The service type Figure 1's row is written for: its built-in review template is the one a
    #: service type without a row of its own is reviewed with (``compliance_review_*.yaml``).
    row_type: ServiceType


_IFA = ComplianceRequirement("Independent Fostering Agency", _IFA_DOCUMENTS, TWO_YEARS, ServiceType.IFA)
_REGULATED_RESIDENTIAL = ComplianceRequirement("Regulated Residential", _RESIDENTIAL_DOCUMENTS, TWO_YEARS,
                                               ServiceType.RESIDENTIAL)
_SUPPORTED_ACCOMMODATION = ComplianceRequirement("Supported Accommodation", _ACCOMMODATION_DOCUMENTS, ONE_YEAR,
                                                 ServiceType.SUPPORTED_ACCOMMODATION)

FIGURE_1: dict[ServiceType, ComplianceRequirement] = {
    ServiceType.IFA: _IFA,
    ServiceType.RESIDENTIAL: _REGULATED_RESIDENTIAL,
    ServiceType.RESIDENTIAL_SCHOOL: ComplianceRequirement("38 + 52 Week Residential Schools", _RESIDENTIAL_DOCUMENTS,
                                                          ONE_YEAR, ServiceType.RESIDENTIAL_SCHOOL),
    ServiceType.SUPPORTED_ACCOMMODATION: _SUPPORTED_ACCOMMODATION,
    ServiceType.FLOATING_SUPPORT: ComplianceRequirement("Floating Support", _FLOATING_SUPPORT_DOCUMENTS, ONE_YEAR,
                                                        ServiceType.FLOATING_SUPPORT),
    ServiceType.ACTIVITY: ComplianceRequirement("Activity Provisions", _ACCOMMODATION_DOCUMENTS, ONE_YEAR,
                                                ServiceType.ACTIVITY),
    ServiceType.UNREGULATED: ComplianceRequirement("Unregulated Placements", _UNREGULATED_DOCUMENTS, SIX_MONTHS,
                                                   ServiceType.UNREGULATED),
    ServiceType.PARENT_AND_CHILD: _REGULATED_RESIDENTIAL,
    ServiceType.PARENT_AND_CHILD_FOSTERING: _IFA,
    ServiceType.PARENT_AND_CHILD_SUPPORTED: _SUPPORTED_ACCOMMODATION,
    ServiceType.INTERNAL_RESIDENTIAL: _REGULATED_RESIDENTIAL,
    ServiceType.SECURE_UNIT: _REGULATED_RESIDENTIAL,
    ServiceType.SHORT_BREAKS: _REGULATED_RESIDENTIAL,
}


def compliance_requirement(service_type: ServiceType) -> ComplianceRequirement | None:
    """Figure 1's row for a service type; None for bespoke arrangements (reviewed per element)."""
    return FIGURE_1.get(service_type)


class ComplianceError(ValueError):
    """A compliance review the framework does not allow, in one sentence naming the field."""


class ReviewScope(enum.StrEnum):
    """The two ways a review is run (Section 11); the values are the review templates' scopes."""

    FULL = "full_review"
    MINIMUM = "minimum_urgent"

    @property
    def label(self) -> str:
        return "Full review" if self is ReviewScope.FULL else "Minimum urgent review"


class ReviewStatus(enum.StrEnum):
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"

    @property
    def label(self) -> str:
        return "In progress" if self is ReviewStatus.IN_PROGRESS else "Completed"


class DocumentStatus(enum.StrEnum):
    """What the officer found of one essential document."""

    SEEN = "seen"
    NOT_SEEN = "not_seen"
    NOT_APPLICABLE = "not_applicable"

    @property
    def label(self) -> str:
        return {"seen": "Seen", "not_seen": "Not seen", "not_applicable": "Not applicable"}[self.value]


@dataclass(frozen=True)
class DocumentCheck:
    """One document of a review as the officer recorded it (``status`` None: not marked yet)."""

    label: str
    status: DocumentStatus | None
    dated: dt.date | None = None
    expires: dt.date | None = None


def check_document(label: str, status: DocumentStatus | None, dated: dt.date | None,
                   expires: dt.date | None) -> DocumentCheck:
    """A document's record as it may be kept: a seen document has its date (and, if it runs out,
    its expiry, which cannot come before it); one not seen or not applicable keeps no dates."""
    if status is DocumentStatus.SEEN:
        if dated is None:
            raise ComplianceError(f"{label}: give the date of the document seen (dd/mm/yyyy).")
        if expires is not None and expires < dated:
            raise ComplianceError(f"{label}: the expiry date ({expires:%d/%m/%Y}) is before the document's date "
                                  f"({dated:%d/%m/%Y}).")
        return DocumentCheck(label, status, dated, expires)
    return DocumentCheck(label, status)  # nothing seen, nothing dated (a screen keeps what was typed)


def unmarked(documents: Iterable[DocumentCheck]) -> list[str]:
    """The documents neither seen nor marked not seen or not applicable."""
    return [d.label for d in documents if d.status is None]


def completion_problem(documents: Sequence[DocumentCheck], required_text: Sequence[str] = ()) -> str | None:
    """Why a review cannot be completed yet, in one sentence naming the fields; None if it can.
    ``required_text``: required written items left blank (the urgent meeting's notes)."""
    missing = unmarked(documents)
    if missing:
        shown = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
        return f"Mark each document as seen, not seen or not applicable before completing the review: {shown}."
    if required_text:
        return f"Write {', '.join(required_text)} before completing the review."
    return None


#: Documents that run out are listed in what is due this many days before their expiry.
EXPIRY_NOTICE_DAYS = 30


def same_document(label: str) -> str:
    """Which document a label names, whichever review recorded it: the minimum urgent review's
    "Insurance" is the full review's "Insurance Documents" (the words "documents" and
    "certificate" and the case do not tell documents apart)."""
    words = [w for w in label.casefold().replace("/", " ").split()
             if w not in ("documents", "document", "certificate", "certificates")]
    return " ".join(words)
