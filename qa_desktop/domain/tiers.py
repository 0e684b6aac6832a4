"""Framework tier A/B/C of a residential provider, exactly as Section 3 (and Section 5) says.

"Homes which have an Ofsted rating of Outstanding or Good will be appointed an 'A' rating on the
Framework, homes which have an Ofsted rating of 'requires improvement' will be appointed a 'B'
rating on the Framework and homes that are regulated under The Care Inspectorate (Wales and
Scotland) or have not yet been inspected will be appointed a 'C' Rating on the framework."

Providers appointed to the framework "have achieved an Ofsted rating of 'requires improvement or
above'", so an Inadequate home has no tier: it is below the framework's entry standard.

A home regulated by the Jersey Care Commission is read like one regulated by the Care Inspectorate:
the framework's A and B are Ofsted ratings, and a regulator outside England is tier C.
"""

from __future__ import annotations

import enum

from qa_desktop.domain.regulation import Judgement, Regulator


class Tier(enum.StrEnum):
    A = "A"
    B = "B"
    C = "C"


#: Regulators outside England: their homes are tier C whatever their own grades say (Section 3).
OUTSIDE_ENGLAND = frozenset({Regulator.CARE_INSPECTORATE, Regulator.CARE_INSPECTORATE_WALES,
                             Regulator.JERSEY_CARE_COMMISSION})


def framework_tier(regulator: Regulator | None, judgement: Judgement | None) -> Tier | None:
    """The tier Section 3 gives; None when the judgement puts the home below the framework."""
    if regulator in OUTSIDE_ENGLAND:
        return Tier.C
    if judgement is None or judgement is Judgement.NOT_YET_INSPECTED:
        return Tier.C
    if judgement in (Judgement.OUTSTANDING, Judgement.GOOD):
        return Tier.A
    if judgement is Judgement.REQUIRES_IMPROVEMENT:
        return Tier.B
    return None


#: The CRC Residential framework tiers residential homes and residential parenting assessment
#: units (Sections 3 and 5); other services are bought on frameworks without tiers.
TIERED_SERVICE_TYPES = frozenset({"residential", "parent_and_child"})


def provider_tier(service_type: str | None, on_framework: bool, regulator: Regulator | None,
                  judgement: Judgement | None) -> Tier | None:
    """A provider's tier: only for tiered service types bought on the framework (a spot home has none)."""
    if not on_framework or service_type not in TIERED_SERVICE_TYPES:
        return None
    return framework_tier(regulator, judgement)


def shown_tier(derived: Tier | None, override: Tier | None) -> Tier | None:
    """The tier the register shows: an officer's override (made with a reason, e.g. a home the
    consortium placed in another tier than its judgement gives) wins over Section 3's derivation."""
    return override if override is not None else derived
