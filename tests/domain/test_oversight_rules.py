"""Section 12 rules at their boundaries: embargoes, the 12-week restriction review, plan removal."""

import datetime as dt

import pytest

from qa_desktop.domain.oversight import (
    AlertKind,
    EmbargoKind,
    EmbargoScope,
    InformalReason,
    OversightError,
    PlanKind,
    RemovalReason,
    alert_review_date,
    check_embargo,
    check_removal,
    is_active,
)

DAY = dt.date(2026, 11, 22)


def embargo(**changes):
    fields = {"approved_by": "Sam Director", "informal_reason": None, "scope": EmbargoScope.PROVIDER,
              "setting_id": None, "foster_carer": None, "start_on": DAY, "review_on": DAY + dt.timedelta(days=28),
              "end_on": None}
    fields.update(changes)
    kind = fields.pop("kind", EmbargoKind.FORMAL)
    check_embargo(kind, **fields)


def test_a_formal_embargo_needs_a_senior_manager_and_an_informal_one_a_section_12_reason():
    embargo()
    with pytest.raises(OversightError, match="senior manager"):
        embargo(approved_by="  ")
    with pytest.raises(OversightError, match="one of the reasons"):
        embargo(kind=EmbargoKind.INFORMAL, approved_by=None)
    embargo(kind=EmbargoKind.INFORMAL, approved_by=None, informal_reason=InformalReason.INVESTIGATION)


def test_an_embargo_names_its_property_or_carers_and_its_dates_run_forwards():
    with pytest.raises(OversightError, match="which property"):
        embargo(scope=EmbargoScope.PROPERTY)
    embargo(scope=EmbargoScope.PROPERTY, setting_id="s1")
    with pytest.raises(OversightError, match="foster carers"):
        embargo(scope=EmbargoScope.FOSTER_CARER, foster_carer=" ")
    with pytest.raises(OversightError, match="review date"):
        embargo(review_on=DAY - dt.timedelta(days=1))
    with pytest.raises(OversightError, match="end before"):
        embargo(end_on=DAY - dt.timedelta(days=1))
    embargo(review_on=DAY, end_on=DAY)  # the same day is allowed


@pytest.mark.parametrize(("start", "end", "today", "active"), [
    (DAY, None, DAY, True), (DAY, None, DAY - dt.timedelta(days=1), False),
    (DAY, DAY, DAY, True), (DAY, DAY, DAY + dt.timedelta(days=1), False),
])
def test_an_embargo_is_in_force_from_its_first_day_to_its_last(start, end, today, active):
    assert is_active(start, end, today) is active


def test_ofsted_restrictions_are_reviewed_after_twelve_weeks():
    assert alert_review_date(AlertKind.RESTRICTION, DAY) == dt.date(2027, 2, 14)
    assert alert_review_date(AlertKind.SUSPENSION, DAY) == DAY + dt.timedelta(days=84)
    assert alert_review_date(AlertKind.LIFTED, DAY) is None
    assert alert_review_date(AlertKind.TERMINATION, DAY) is None


def test_plans_are_removed_only_for_their_own_reasons():
    check_removal(PlanKind.QA, RemovalReason.EMBARGOED)
    check_removal(PlanKind.REGULATORY, RemovalReason.REINSPECTED_GOOD)
    with pytest.raises(OversightError, match="regulatory action plan is removed only when"):
        check_removal(PlanKind.REGULATORY, RemovalReason.NO_CHILDREN)
    with pytest.raises(OversightError, match="action plan is removed only when"):
        check_removal(PlanKind.QA, RemovalReason.REGULATOR_SATISFIED)
