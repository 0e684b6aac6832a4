"""Service types, judgements, tiers (Section 3), Figure 1 documents, URNs, the unannounced rule."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa_desktop.domain.compliance import FIGURE_1, MINIMUM_URGENT_CHECKS, compliance_requirement
from qa_desktop.domain.regulation import Judgement, Regulator, UnknownValue, parse_judgement
from qa_desktop.domain.service_types import ServiceType, parse_service_type
from qa_desktop.domain.tiers import Tier, framework_tier, provider_tier
from qa_desktop.domain.urn import InvalidUrn, normalise_postcode, normalise_urn
from qa_desktop.domain.visits import VisitRuleError, check_officers


def test_the_ten_commissioned_types_plus_unregulated_and_internal_residential():
    framework = {"ifa", "residential", "residential_school", "supported_accommodation", "floating_support",
                 "activity", "secure_unit", "short_breaks", "bespoke", "unregulated", "internal_residential",
                 # Section 5's three kinds of parent and child provision
                 "parent_and_child", "parent_and_child_fostering", "parent_and_child_supported"}
    assert framework <= {t.value for t in ServiceType}
    # and two kinds of residential accommodation Ofsted inspects that the framework does not commission
    assert {t.label for t in ServiceType} >= {"Independent Fostering Agency", "Unregulated Placement",
                                              "Internally Commissioned Residential",
                                              "Boarding School", "FE College (Residential)"}


@pytest.mark.parametrize(("text", "expected"), [
    ("Children's home", ServiceType.RESIDENTIAL),
    ("Children's Home", ServiceType.RESIDENTIAL),
    ("CHILDREN\u2019S HOME", ServiceType.RESIDENTIAL),
    ("Independent Fostering Agency", ServiceType.IFA),
    ("Residential family centre", ServiceType.PARENT_AND_CHILD),
    ("Residential special school", ServiceType.RESIDENTIAL_SCHOOL),
    ("Secure children's home", ServiceType.SECURE_UNIT),
    ("Supported accommodation", ServiceType.SUPPORTED_ACCOMMODATION),
    ("supported_accommodation", ServiceType.SUPPORTED_ACCOMMODATION),
    ("38 + 52 Week Residential School", ServiceType.RESIDENTIAL_SCHOOL),
    ("Voluntary adoption agency", None),
    ("", None),
])
def test_parse_service_type(text, expected):
    assert parse_service_type(text) is expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Outstanding", Judgement.OUTSTANDING), ("good", Judgement.GOOD),
    ("Requires improvement to be good", Judgement.REQUIRES_IMPROVEMENT), ("INADEQUATE", Judgement.INADEQUATE),
    ("NULL", None), ("REDACTED", None), ("", None),
])
def test_parse_judgement(text, expected):
    assert parse_judgement(text) is expected


def test_unknown_judgement_is_an_error_not_a_guess():
    with pytest.raises(UnknownValue, match="Excellent"):
        parse_judgement("Excellent")


@pytest.mark.parametrize(("regulator", "judgement", "tier"), [
    (Regulator.OFSTED, Judgement.OUTSTANDING, Tier.A),
    (Regulator.OFSTED, Judgement.GOOD, Tier.A),
    (Regulator.OFSTED, Judgement.REQUIRES_IMPROVEMENT, Tier.B),
    (Regulator.OFSTED, Judgement.NOT_YET_INSPECTED, Tier.C),
    (Regulator.OFSTED, None, Tier.C),
    (Regulator.CARE_INSPECTORATE, Judgement.GOOD, Tier.C),
    (Regulator.OFSTED, Judgement.INADEQUATE, None),
])
def test_section_3_tiers(regulator, judgement, tier):
    assert framework_tier(regulator, judgement) is tier


def test_only_framework_residential_and_parent_and_child_have_tiers():
    assert provider_tier("residential", True, Regulator.OFSTED, Judgement.GOOD) is Tier.A
    assert provider_tier("parent_and_child", True, Regulator.OFSTED, Judgement.GOOD) is Tier.A
    assert provider_tier("residential", False, Regulator.OFSTED, Judgement.GOOD) is None  # spot
    assert provider_tier("ifa", True, Regulator.OFSTED, Judgement.GOOD) is None


def test_figure_1_documents():
    ifa = compliance_requirement(ServiceType.IFA)
    assert "Regulation 35 (quality assurance report completed by the agency)" in ifa.documents
    residential = compliance_requirement(ServiceType.RESIDENTIAL)
    assert "Regulation 44 Reports/Independent visitor reports" in residential.documents
    assert "Gas and Electric Certificate" in residential.documents
    assert "Lone working risk assessments" in compliance_requirement(ServiceType.FLOATING_SUPPORT).documents
    assert "Video Tour of the provision/Photos" in compliance_requirement(ServiceType.SUPPORTED_ACCOMMODATION).documents
    unregulated = compliance_requirement(ServiceType.UNREGULATED)
    assert unregulated.frequency.months == 6 and len(unregulated.documents) == 10
    assert compliance_requirement(ServiceType.BESPOKE) is None
    assert all(len(r.documents) >= 9 for r in FIGURE_1.values())
    assert MINIMUM_URGENT_CHECKS == ("Health and Safety Documents", "Staff Training", "Insurance")


@pytest.mark.parametrize(("text", "urn"), [
    ("SC123456", "SC123456"), (" sc 123456 ", "SC123456"), ("1234567", "1234567"), ("1234567.0", "1234567"),
])
def test_urns_are_normalised_text(text, urn):
    assert normalise_urn(text) == urn


@pytest.mark.parametrize("text", ["SC12", "12AB34", "SC1234567", "hello", ""])
def test_bad_urns_are_refused(text):
    with pytest.raises(InvalidUrn):
        normalise_urn(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="SCsc0123456789٣ .\t", max_size=10))
def test_a_urn_already_in_its_normal_form_is_read_as_any_other(text):
    """``normalise_urn`` takes a URN already in its normal form as it is (nearly every one of a file):
    anything it reads, it reads as the same text with a space before it is read (which is tidied the
    long way), and anything it refuses is refused in the same words."""
    def read(value):
        try:
            return normalise_urn(value)
        except InvalidUrn as error:
            return f"refused: {error}"

    assert read(text) == read(" " + text)


def test_postcodes_take_their_usual_form():
    assert normalise_postcode("me11aa") == "ME1 1AA"
    assert normalise_postcode("ME15  9QT") == "ME15 9QT"


def test_unannounced_visit_needs_two_officers():
    with pytest.raises(VisitRuleError, match="two officers"):
        check_officers(False, ["Alex Patel"])
    assert check_officers(False, ["Alex Patel", " Jo Morgan "]) == ["Alex Patel", "Jo Morgan"]
    assert check_officers(True, ["Alex Patel"]) == ["Alex Patel"]


def test_the_same_officer_twice_does_not_count_as_two():
    with pytest.raises(VisitRuleError, match="twice"):
        check_officers(False, ["Alex Patel", "alex patel"])
    with pytest.raises(VisitRuleError):
        check_officers(True, ["  "])
