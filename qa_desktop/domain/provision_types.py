"""How a regulator's provision type becomes one of the framework's service types: the decisions an
import takes, as tables, each row with the reason and where it comes from.

Sources:
- [F] the council's QA framework: the front page's list of commissioned services, Section 4
  ("38 Week and 52 week Residential/Boarding schools are specialist provisions for children and
  young people with complex needs", placed by the Access to Resources team and SEND officers with
  an EHCP), Section 11 (Figure 2: "Internally Commissioned Residential Provisions").
- [O1] Ofsted, "Children's social care in England" provider-level data: the ``Provision type``
  column's values.
- [O2] Ofsted, "Methodology report: children's social care in England 2025": "short-break-only
  children's homes have been included in the overall count of children's homes since March 2024.
  Short-break-only homes are identified in the underlying dataset"; the providers and places data
  includes "boarding schools and further education colleges, that Ofsted inspects".
- [O3] Ofsted, "Children's homes providing short breaks" (2021): "children's homes providing short
  breaks only, usually for disabled children".
- [L1] The Care Standards Act 2000, s.1(6) and the Children's Homes (England) Regulations 2015:
  a holiday scheme for disabled children is regulated as a children's home; the Breaks for Carers
  of Disabled Children Regulations 2011 count overnight stays away from home as short breaks.
- [L2] Secure training centres (Criminal Justice and Public Order Act 1994 s.7) and secure
  children's homes both hold children in secure accommodation; the framework names one kind,
  "Secure Units".

A provision type not in the table falls back to the framework's own wordings
(``service_types.parse_service_type``), which is what a council's spreadsheet uses.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from qa_desktop.domain.service_types import ServiceType, parse_service_type
from qa_desktop.domain.text import fold, is_blank


@dataclass(frozen=True)
class ProvisionRule:
    """What one provision type is under the framework, and why."""

    provision_type: str         # as the regulator writes it
    service_type: ServiceType | None  # None: not commissioned under the framework (the row is skipped)
    reason: str
    source: str


#: Ofsted's provision types [O1], in the order of its data set.
PROVISION_TYPES: tuple[ProvisionRule, ...] = (
    ProvisionRule("Children's home", ServiceType.RESIDENTIAL,
                  "A registered children's home: Regulated Residential (Figure 1), visited every 3 years (Figure 2). "
                  "A home this council owns is internally commissioned instead (see OWNED_BY_THIS_COUNCIL).",
                  "[F] front page; [O1]"),
    ProvisionRule("Short-break-only children's home", ServiceType.SHORT_BREAKS,
                  "A children's home giving short breaks only, usually to disabled children: the framework's "
                  "'Short Breaks Respite Provision/Packages', not a residential placement.",
                  "[F] front page; [O2]; [O3]"),
    ProvisionRule("Residential holiday scheme for disabled children", ServiceType.SHORT_BREAKS,
                  "Holidays with overnight stays for disabled children: regulated as a children's home, bought "
                  "as a short break for the child and family, never as a place to live.",
                  "[F] front page; [L1]"),
    ProvisionRule("Secure children's home", ServiceType.SECURE_UNIT,
                  "Secure accommodation run as a children's home: the framework's 'Secure Units'.",
                  "[F] front page; [O1]"),
    ProvisionRule("Secure training centre", ServiceType.SECURE_UNIT,
                  "Secure accommodation for children remanded or sentenced: the framework has one kind for "
                  "secure accommodation, 'Secure Units'.",
                  "[F] front page; [L2]"),
    ProvisionRule("Residential special school", ServiceType.RESIDENTIAL_SCHOOL,
                  "A specialist school with boarding for children with complex needs: the framework's 38 + 52 "
                  "week residential schools (Section 4).",
                  "[F] Section 4; [O1]"),
    ProvisionRule("Residential special school (registered as a children's home)", ServiceType.RESIDENTIAL_SCHOOL,
                  "A residential special school open more than 295 days a year, so registered as a children's "
                  "home: still a 52-week residential school under Section 4.",
                  "[F] Section 4; [O1]"),
    ProvisionRule("Boarding school", ServiceType.BOARDING_SCHOOL,
                  "A mainstream boarding school: Ofsted inspects its boarding, but the council does not place "
                  "children there as a commissioned service. On the register as its own kind; nothing is due "
                  "unless the team marks it monitored (then reviewed and visited as a "
                  "38 + 52 week residential school).",
                  "[F] Section 4 (specialist provisions only); [O2]"),
    ProvisionRule("Further education college with residential accommodation", ServiceType.FE_COLLEGE_RESIDENTIAL,
                  "A college's student residences: not a commissioned service. On the register as its own kind; "
                  "nothing is due unless the team marks it monitored (then reviewed and visited as a "
                  "38 + 52 week residential school).",
                  "[F] front page (not listed); [O2]"),
    ProvisionRule("Independent fostering agency", ServiceType.IFA,
                  "An independent fostering agency (Section 2).", "[F] Section 2; [O1]"),
    ProvisionRule("Residential family centre", ServiceType.PARENT_AND_CHILD,
                  "A residential parenting assessment unit: parent and child provision (Section 5).",
                  "[F] Section 5; [O1]"),
    ProvisionRule("Supported accommodation", ServiceType.SUPPORTED_ACCOMMODATION,
                  "Supported accommodation for 16 and 17 year olds, regulated by Ofsted since 2023 (Section 6).",
                  "[F] Section 6; [O1]"),
    ProvisionRule("Supported accommodation undertaking", ServiceType.SUPPORTED_ACCOMMODATION,
                  "Ofsted's longer name for a registered supported accommodation provider (Section 6).",
                  "[F] Section 6; [O1]"),
    ProvisionRule("Voluntary adoption agency", None,
                  "adoption: regulated by Ofsted, not commissioned under this framework",
                  "[F] front page (not listed)"),
    ProvisionRule("Adoption support agency", None,
                  "adoption support: not commissioned under this framework", "[F] front page (not listed)"),
    ProvisionRule("Voluntary adoption agency (branch)", None,
                  "adoption: regulated by Ofsted, not commissioned under this framework",
                  "[F] front page (not listed)"),
)

_BY_TYPE: dict[str, ProvisionRule] = {fold(rule.provision_type): rule for rule in PROVISION_TYPES}

#: Cells in a "short break only" column (or a provision subtype) that mean yes [O2].
_SHORT_BREAK_MARKERS = frozenset({"yes", "y", "true", "1", "short break only", "short breaks only",
                                  "short break only childrens home"})

#: Service types that become "Internally Commissioned Residential" when this council owns the home
#: (Figure 2 visits those yearly, not every 3 years). A short-break home stays a short break.
OWNED_BY_THIS_COUNCIL: dict[ServiceType, ServiceType] = {
    ServiceType.RESIDENTIAL: ServiceType.INTERNAL_RESIDENTIAL,
}


@dataclass(frozen=True)
class Mapped:
    """The service type a row becomes, or why it has none."""

    service_type: ServiceType | None
    reason: str


def provision_rule(provision_type: str) -> ProvisionRule | None:
    return _BY_TYPE.get(fold(provision_type))


def is_short_break_only(marker: str | None) -> bool:
    return not is_blank(marker) and fold(marker or "") in _SHORT_BREAK_MARKERS


def owned_by_this_council(owner: str | None, council_owners: Iterable[str]) -> bool:
    """Whether the organisation that owns a provider is this council, by one of the names the team
    set (``Medway Council``, ``Medway Borough Council``): compared folded, whole name to whole name,
    so that "Kent County Council" never matches "Medway Council"."""
    if is_blank(owner) or not council_owners:  # (none set: nothing to compare, for every row of an import)
        return False
    owner_key = fold(owner or "")
    return any(owner_key == fold(name) for name in council_owners if name.strip())


@lru_cache(maxsize=512)
def _mapped_type(provision_type: str) -> Mapped:
    rule = provision_rule(provision_type)
    if rule is not None:
        if rule.service_type is None:
            return Mapped(None, f"provision type {provision_type!r} is not a service type commissioned under the "
                                f"framework ({rule.reason})")
        return Mapped(rule.service_type, rule.reason)
    service_type = parse_service_type(provision_type)
    if service_type is None:
        return Mapped(None, f"provision type {provision_type!r} is not a service type commissioned under the framework")
    return Mapped(service_type, "the framework's own name for the service")


def map_provision(provision_type: str, *, short_break_only: str | None = None, owner: str | None = None,
                  council_owners: Iterable[str] = ()) -> Mapped:
    """The service type of a regulator's provision type (or a council's own wording), with the
    short-break marker and ownership applied; ``service_type`` None (with the reason) for a type the
    framework does not commission."""
    mapped = _mapped_type(provision_type)
    service_type, reason = mapped.service_type, mapped.reason
    if service_type is None:
        return mapped
    if service_type is ServiceType.RESIDENTIAL and is_short_break_only(short_break_only):
        short = _BY_TYPE[fold("Short-break-only children's home")]
        service_type, reason = ServiceType.SHORT_BREAKS, short.reason
    internal = OWNED_BY_THIS_COUNCIL.get(service_type)
    if internal is not None and owned_by_this_council(owner, council_owners):
        return Mapped(internal, "owned by this council: internally commissioned (Figure 2)")
    return Mapped(service_type, reason)
