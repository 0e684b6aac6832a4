"""Every mapping decision of an import, a test per row (``domain.provision_types``,
``domain.regulation``, ``domain.registration``, ``domain.tiers``). The expected values are written
here, not read from the tables, so a changed row fails its test."""

import pytest

from qa_desktop.domain.oversight import AlertKind
from qa_desktop.domain.provision_types import PROVISION_TYPES, map_provision, owned_by_this_council
from qa_desktop.domain.registration import (
    POOR_JUDGEMENTS,
    REGISTRATION_STATUSES,
    STANDING_ALERTS,
    Standing,
    standing,
)
from qa_desktop.domain.regulation import Judgement, Regulator, UnknownValue, parse_regulator
from qa_desktop.domain.schedule import DueStatus, next_review_due, next_visit_due
from qa_desktop.domain.service_types import ServiceType
from qa_desktop.domain.tiers import Tier, framework_tier
from tests.conftest import TODAY

S = ServiceType

PROVISION_ROWS = [
    ("Children's home", S.RESIDENTIAL),
    ("Short-break-only children's home", S.SHORT_BREAKS),
    ("Residential holiday scheme for disabled children", S.SHORT_BREAKS),
    ("Secure children's home", S.SECURE_UNIT),
    ("Secure training centre", S.SECURE_UNIT),
    ("Residential special school", S.RESIDENTIAL_SCHOOL),
    ("Residential special school (registered as a children's home)", S.RESIDENTIAL_SCHOOL),
    ("Boarding school", S.BOARDING_SCHOOL),
    ("Further education college with residential accommodation", S.FE_COLLEGE_RESIDENTIAL),
    ("Independent fostering agency", S.IFA),
    ("Residential family centre", S.PARENT_AND_CHILD),
    ("Supported accommodation", S.SUPPORTED_ACCOMMODATION),
    ("Supported accommodation undertaking", S.SUPPORTED_ACCOMMODATION),
    ("Voluntary adoption agency", None),
    ("Adoption support agency", None),
    ("Voluntary adoption agency (branch)", None),
]


def test_every_row_of_the_table_has_a_test_and_a_source():
    assert [(rule.provision_type, rule.service_type) for rule in PROVISION_TYPES] == PROVISION_ROWS
    assert all(rule.source.startswith("[") and rule.reason for rule in PROVISION_TYPES)


@pytest.mark.parametrize(("provision_type", "expected"), PROVISION_ROWS)
def test_provision_type_maps_to(provision_type, expected):
    assert map_provision(provision_type).service_type is expected
    # whatever capitals and apostrophes the file uses
    assert map_provision(provision_type.upper().replace("'", "\u2019")).service_type is expected


def test_a_type_the_framework_does_not_commission_says_why():
    mapped = map_provision("Voluntary adoption agency")
    assert mapped.service_type is None and "not commissioned under this framework" in mapped.reason
    assert "not a service type" in map_provision("Castle").reason


@pytest.mark.parametrize(("marker", "expected"), [
    ("Yes", S.SHORT_BREAKS), ("Y", S.SHORT_BREAKS), ("Short break only", S.SHORT_BREAKS),
    ("No", S.RESIDENTIAL), ("", S.RESIDENTIAL), (None, S.RESIDENTIAL), ("NULL", S.RESIDENTIAL),
])
def test_a_short_break_marker_column_makes_a_childrens_home_a_short_break(marker, expected):
    assert map_provision("Children's home", short_break_only=marker).service_type is expected


def test_the_short_break_marker_does_not_change_other_kinds():
    assert map_provision("Independent fostering agency", short_break_only="Yes").service_type is S.IFA


@pytest.mark.parametrize(("owner", "expected"), [
    ("Medway Council", S.INTERNAL_RESIDENTIAL),
    ("MEDWAY  COUNCIL", S.INTERNAL_RESIDENTIAL),
    ("Medway Borough Council", S.INTERNAL_RESIDENTIAL),
    ("Kent County Council", S.RESIDENTIAL),  # another council's home is bought like any other
    ("Medway Council Trading Ltd", S.RESIDENTIAL),  # whole names only
    ("", S.RESIDENTIAL),
])
def test_a_home_this_council_owns_is_internally_commissioned(owner, expected):
    owners = ["Medway Council", "Medway Borough Council"]
    assert map_provision("Children's home", owner=owner, council_owners=owners).service_type is expected


def test_ownership_leaves_short_breaks_and_schools_as_they_are():
    owners = ["Medway Council"]
    assert map_provision("Short-break-only children's home", owner="Medway Council",
                         council_owners=owners).service_type is S.SHORT_BREAKS
    assert map_provision("Residential special school", owner="Medway Council",
                         council_owners=owners).service_type is S.RESIDENTIAL_SCHOOL
    assert not owned_by_this_council("Medway Council", [])


@pytest.mark.parametrize("kind", [S.BOARDING_SCHOOL, S.FE_COLLEGE_RESIDENTIAL])
def test_boarding_schools_and_colleges_have_nothing_due_unless_marked(kind):
    assert next_visit_due(kind, None, TODAY).status is DueStatus.NOT_REQUIRED
    assert next_review_due(kind, None, TODAY).status is DueStatus.NOT_REQUIRED


REGULATOR_ROWS = [
    ("Ofsted", Regulator.OFSTED),
    ("CQC", Regulator.CQC),
    ("Care Quality Commission", Regulator.CQC),
    ("Care Inspectorate", Regulator.CARE_INSPECTORATE),
    ("Care Inspectorate (Scotland)", Regulator.CARE_INSPECTORATE),
    ("Care Inspectorate Wales", Regulator.CARE_INSPECTORATE_WALES),
    ("CIW", Regulator.CARE_INSPECTORATE_WALES),
    ("Arolygiaeth Gofal Cymru", Regulator.CARE_INSPECTORATE_WALES),
    ("Jersey Care Commission", Regulator.JERSEY_CARE_COMMISSION),
    ("None", Regulator.NONE),
    ("Unregulated", Regulator.NONE),
    ("NULL", None),
    ("", None),
]


@pytest.mark.parametrize(("text", "expected"), REGULATOR_ROWS)
def test_regulator_names(text, expected):
    assert parse_regulator(text) is expected


def test_an_unknown_regulator_is_refused_naming_the_ones_there_are():
    with pytest.raises(UnknownValue, match="Care Inspectorate Wales, Jersey Care Commission"):
        parse_regulator("HIW")


@pytest.mark.parametrize(("regulator", "tier"), [
    (Regulator.CARE_INSPECTORATE, Tier.C), (Regulator.CARE_INSPECTORATE_WALES, Tier.C),
    (Regulator.JERSEY_CARE_COMMISSION, Tier.C), (Regulator.OFSTED, Tier.A),
])
def test_homes_regulated_outside_england_are_tier_c(regulator, tier):
    assert framework_tier(regulator, Judgement.GOOD) is tier


STATUS_ROWS = [
    ("Active", Standing.ACTIVE), ("Registered", Standing.ACTIVE), ("Open", Standing.ACTIVE),
    ("Suspended", Standing.SUSPENDED), ("Registration suspended", Standing.SUSPENDED),
    ("Restricted", Standing.RESTRICTED), ("Restriction of accommodation", Standing.RESTRICTED),
    ("Restriction", Standing.RESTRICTED),
    ("Closed", Standing.CLOSED), ("Resigned", Standing.CLOSED), ("Cancelled", Standing.CLOSED),
    ("Deregistered", Standing.CLOSED), ("Terminated", Standing.CLOSED), ("Ceased operating", Standing.CLOSED),
]


def test_every_registration_status_has_a_test():
    assert [(rule.status, rule.standing) for rule in REGISTRATION_STATUSES] == STATUS_ROWS


@pytest.mark.parametrize(("status", "expected"), [*STATUS_ROWS, ("SUSPENDED", Standing.SUSPENDED),
                                                  ("Proposed", None), (None, None)])
def test_registration_status_means(status, expected):
    assert standing(status) is expected


def test_what_section_12_raises_for_each():
    assert STANDING_ALERTS == {Standing.SUSPENDED: AlertKind.SUSPENSION, Standing.RESTRICTED: AlertKind.RESTRICTION,
                               Standing.CLOSED: AlertKind.TERMINATION}
    assert POOR_JUDGEMENTS == {Judgement.REQUIRES_IMPROVEMENT: AlertKind.POOR_JUDGEMENT,
                               Judgement.INADEQUATE: AlertKind.INADEQUATE}


@pytest.mark.parametrize("kind", [S.BOARDING_SCHOOL, S.FE_COLLEGE_RESIDENTIAL])
def test_marked_monitored_they_take_the_residential_schools_rows_unless_the_council_gives_them_their_own(kind):
    from dataclasses import replace

    from qa_desktop.domain.framework import MEDWAY
    from qa_desktop.domain.schedule import scheduled_as

    assert scheduled_as(kind, None) is kind and scheduled_as(kind, False, MEDWAY) is kind
    assert scheduled_as(kind, True) is S.RESIDENTIAL_SCHOOL
    assert scheduled_as(kind, True, MEDWAY) is S.RESIDENTIAL_SCHOOL  # Medway's Figures 1 and 2 have no row
    own = replace(MEDWAY, review_months={**MEDWAY.review_months, kind: 24})
    assert scheduled_as(kind, True, own) is kind  # this council reviews them on a cycle of their own
    assert scheduled_as(S.RESIDENTIAL, True) is S.RESIDENTIAL
