"""The service types the framework commissions and monitors.

The framework's front page lists ten commissioned service types; Section 10 adds unregulated
(unregistered) placements and Section 11 ("Quality Assurance Visits", Figure 2) adds internally
commissioned residential provisions, which makes twelve. Ofsted's provider-level data names its
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
    PARENT_AND_CHILD = "parent_and_child"
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
    ServiceType.PARENT_AND_CHILD: "Parent and Child Provision",
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
