"""Compliance reviews: Figure 1 (essential documents and review frequency per service type) and
the minimum urgent check of Section 11.

"For any commissioned service a compliance review is required prior to a child or young person
accessing that service." Where there is no time, QA must as a minimum review Health and Safety
documents, Staff Training and Insurance, then finish the full review "within 24-48 hours of the
placement/package commencing" (see ``schedule``).

Figure 1 has no row for some service types; the readings chosen here, so a reviewer can check them:
- Parent and Child: residential family assessment units are on the CRC Residential framework
  (Section 5), so they take the Regulated Residential row.
- Internally commissioned residential, secure units and short breaks are regulated children's homes:
  Regulated Residential row.
- Bespoke arrangements (Section 9) are monitored "in line with each service requirement": they
  have no list of their own; review them under the types of their elements.
"""

from __future__ import annotations

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


@dataclass(frozen=True)
class ComplianceRequirement:
    """One row of Figure 1: the documents to hold and how often the review repeats.

    ``figure_row`` names the row of Figure 1 it comes from, which differs from the service type
    where the framework has no row of its own (see the module docstring).
    """

    figure_row: str
    documents: tuple[str, ...]
    frequency: Period


_REGULATED_RESIDENTIAL = ComplianceRequirement("Regulated Residential", _RESIDENTIAL_DOCUMENTS, TWO_YEARS)

FIGURE_1: dict[ServiceType, ComplianceRequirement] = {
    ServiceType.IFA: ComplianceRequirement("Independent Fostering Agency", _IFA_DOCUMENTS, TWO_YEARS),
    ServiceType.RESIDENTIAL: _REGULATED_RESIDENTIAL,
    ServiceType.RESIDENTIAL_SCHOOL: ComplianceRequirement("38 + 52 Week Residential Schools", _RESIDENTIAL_DOCUMENTS,
                                                          ONE_YEAR),
    ServiceType.SUPPORTED_ACCOMMODATION: ComplianceRequirement("Supported Accommodation", _ACCOMMODATION_DOCUMENTS,
                                                               ONE_YEAR),
    ServiceType.FLOATING_SUPPORT: ComplianceRequirement("Floating Support", _FLOATING_SUPPORT_DOCUMENTS, ONE_YEAR),
    ServiceType.ACTIVITY: ComplianceRequirement("Activity Provisions", _ACCOMMODATION_DOCUMENTS, ONE_YEAR),
    ServiceType.UNREGULATED: ComplianceRequirement("Unregulated Placements", _UNREGULATED_DOCUMENTS, SIX_MONTHS),
    ServiceType.PARENT_AND_CHILD: _REGULATED_RESIDENTIAL,
    ServiceType.INTERNAL_RESIDENTIAL: _REGULATED_RESIDENTIAL,
    ServiceType.SECURE_UNIT: _REGULATED_RESIDENTIAL,
    ServiceType.SHORT_BREAKS: _REGULATED_RESIDENTIAL,
}


def compliance_requirement(service_type: ServiceType) -> ComplianceRequirement | None:
    """Figure 1's row for a service type; None for bespoke arrangements (reviewed per element)."""
    return FIGURE_1.get(service_type)
