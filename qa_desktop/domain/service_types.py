"""The service types the framework commissions and monitors.

The framework's front page lists ten commissioned service types; Section 10 adds unregulated
(unregistered) placements and Section 11 ("Quality Assurance Visits", Figure 2) adds internally
commissioned residential provisions. Section 5 splits parent and child provisions into three kinds,
each monitored against its own standards: residential family assessment units (on the CRC
Residential framework: regulated residential documents, visited), parent and child placements with
an independent fostering agency (foster carers: IFA documents, and "Quality Assurance Team do not
visit Foster Carer Homes", Section 2) and low-level supported accommodation (supported accommodation
documents, visited). ``PARENT_AND_CHILD`` keeps its stored value and means the residential family
assessment unit, which is what Ofsted's "Residential family centre" is and what every record made
before the split holds. Ofsted's provider-level data names its
provision types differently ("Children's home", "Residential family centre", ...):
``parse_service_type`` understands both, whatever the capitals or apostrophes.
"""

from __future__ import annotations

import enum

from qa_desktop.domain.text import fold


class ServiceType(enum.StrEnum):
    IFA = "ifa"
    RESIDENTIAL = "residential"
    RESIDENTIAL_SCHOOL = "residential_school"
    PARENT_AND_CHILD = "parent_and_child"  # Section 5 (1): residential family assessment unit
    PARENT_AND_CHILD_FOSTERING = "parent_and_child_fostering"  # Section 5 (2): IFA parent and child placement
    PARENT_AND_CHILD_SUPPORTED = "parent_and_child_supported"  # Section 5 (3): low-level supported accommodation
    SUPPORTED_ACCOMMODATION = "supported_accommodation"
    FLOATING_SUPPORT = "floating_support"
    ACTIVITY = "activity"
    SECURE_UNIT = "secure_unit"
    SHORT_BREAKS = "short_breaks"
    BESPOKE = "bespoke"
    UNREGULATED = "unregulated"
    INTERNAL_RESIDENTIAL = "internal_residential"
    # Residential accommodation Ofsted inspects that the framework does not commission as such
    # (``domain.provision_types``): on the register, monitored only when the team marks them.
    BOARDING_SCHOOL = "boarding_school"
    FE_COLLEGE_RESIDENTIAL = "fe_college_residential"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS: dict[ServiceType, str] = {
    ServiceType.IFA: "Independent Fostering Agency",
    ServiceType.RESIDENTIAL: "Residential",
    ServiceType.RESIDENTIAL_SCHOOL: "38 + 52 Week Residential School",
    ServiceType.PARENT_AND_CHILD: "Parent and Child: Residential Family Assessment Unit",
    ServiceType.PARENT_AND_CHILD_FOSTERING: "Parent and Child: Independent Fostering Placement",
    ServiceType.PARENT_AND_CHILD_SUPPORTED: "Parent and Child: Low-Level Supported Accommodation",
    ServiceType.SUPPORTED_ACCOMMODATION: "Supported Accommodation",
    ServiceType.FLOATING_SUPPORT: "Floating Support",
    ServiceType.ACTIVITY: "Activity Provision",
    ServiceType.SECURE_UNIT: "Secure Unit",
    ServiceType.SHORT_BREAKS: "Short Breaks / Respite",
    ServiceType.BESPOKE: "Bespoke Commissioning Arrangement",
    ServiceType.UNREGULATED: "Unregulated Placement",
    ServiceType.INTERNAL_RESIDENTIAL: "Internally Commissioned Residential",
    ServiceType.BOARDING_SCHOOL: "Boarding School",
    ServiceType.FE_COLLEGE_RESIDENTIAL: "FE College (Residential)",
}

# Ofsted provision types (as in "Children's social care in England" provider-level data) and the
# framework's own wordings, folded by ``fold``. Adoption agencies are regulated by Ofsted but are
# not commissioned under this framework, so they are deliberately absent: an import skips them.
_ALIASES: dict[str, ServiceType] = {
    "childrens home": ServiceType.RESIDENTIAL,
    "residential": ServiceType.RESIDENTIAL,
    "residential home": ServiceType.RESIDENTIAL,
    "regulated residential": ServiceType.RESIDENTIAL,
    "independent fostering agency": ServiceType.IFA,
    "independent fostering agencies": ServiceType.IFA,
    "ifa": ServiceType.IFA,
    "residential special school": ServiceType.RESIDENTIAL_SCHOOL,
    "residential special school registered as a childrens home": ServiceType.RESIDENTIAL_SCHOOL,
    "boarding school": ServiceType.BOARDING_SCHOOL,
    "further education college with residential accommodation": ServiceType.FE_COLLEGE_RESIDENTIAL,
    "38 52 week residential school": ServiceType.RESIDENTIAL_SCHOOL,
    "38 + 52 week residential school": ServiceType.RESIDENTIAL_SCHOOL,
    "38 + 52 week residential schools": ServiceType.RESIDENTIAL_SCHOOL,
    "residential school": ServiceType.RESIDENTIAL_SCHOOL,
    "residential family centre": ServiceType.PARENT_AND_CHILD,
    "parent and child": ServiceType.PARENT_AND_CHILD,
    "parent and child provision": ServiceType.PARENT_AND_CHILD,
    "parent and child provisions": ServiceType.PARENT_AND_CHILD,
    "residential family assessment unit": ServiceType.PARENT_AND_CHILD,
    "residential family assessment units": ServiceType.PARENT_AND_CHILD,
    "parent and child fostering": ServiceType.PARENT_AND_CHILD_FOSTERING,
    "parent and child ifa": ServiceType.PARENT_AND_CHILD_FOSTERING,
    "parent and child independent fostering placement": ServiceType.PARENT_AND_CHILD_FOSTERING,
    "parent and child independent fostering placements": ServiceType.PARENT_AND_CHILD_FOSTERING,
    "parent and child supported accommodation": ServiceType.PARENT_AND_CHILD_SUPPORTED,
    "low level supported accommodation parent and child": ServiceType.PARENT_AND_CHILD_SUPPORTED,
    "low level supported accommodation parent and child provisions": ServiceType.PARENT_AND_CHILD_SUPPORTED,
    "supported accommodation": ServiceType.SUPPORTED_ACCOMMODATION,
    "supported accommodation undertaking": ServiceType.SUPPORTED_ACCOMMODATION,
    "floating support": ServiceType.FLOATING_SUPPORT,
    "activity provision": ServiceType.ACTIVITY,
    "activity provisions": ServiceType.ACTIVITY,
    "activity": ServiceType.ACTIVITY,
    "crisis intervention provision": ServiceType.ACTIVITY,
    "secure childrens home": ServiceType.SECURE_UNIT,
    "secure unit": ServiceType.SECURE_UNIT,
    "secure units": ServiceType.SECURE_UNIT,
    "residential holiday scheme for disabled children": ServiceType.SHORT_BREAKS,
    "short breaks": ServiceType.SHORT_BREAKS,
    "short breaks respite": ServiceType.SHORT_BREAKS,
    "short breaks respite provision packages": ServiceType.SHORT_BREAKS,
    "respite": ServiceType.SHORT_BREAKS,
    "bespoke": ServiceType.BESPOKE,
    "bespoke commissioning arrangement": ServiceType.BESPOKE,
    "bespoke commissioning arrangements": ServiceType.BESPOKE,
    "unregulated": ServiceType.UNREGULATED,
    "unregulated placement": ServiceType.UNREGULATED,
    "unregulated placements": ServiceType.UNREGULATED,
    "unregistered": ServiceType.UNREGULATED,
    "internally commissioned residential": ServiceType.INTERNAL_RESIDENTIAL,
    "internally commissioned residential provision": ServiceType.INTERNAL_RESIDENTIAL,
    "internally commissioned residential provisions": ServiceType.INTERNAL_RESIDENTIAL,
}
for _member in ServiceType:
    _ALIASES.setdefault(fold(_member.label), _member)
    _ALIASES.setdefault(fold(_member.value), _member)


def parse_service_type(text: str | None) -> ServiceType | None:
    """The service type a label, code or Ofsted provision type means; None if it is not one we commission."""
    if text is None:
        return None
    return _ALIASES.get(fold(text))
