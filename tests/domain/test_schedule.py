"""Figure 2 visit frequency, Figure 1 review frequency, the 24-48 hour rule, on boundary dates."""

import datetime as dt

import pytest

from qa_desktop.domain.periods import add_months
from qa_desktop.domain.schedule import (
    Concern,
    DueKind,
    DueStatus,
    PlacementStart,
    document_due,
    next_review_due,
    next_visit_due,
)
from qa_desktop.domain.service_types import ServiceType as T

D = dt.date


@pytest.mark.parametrize(("day", "months", "expected"), [
    (D(2026, 1, 31), 3, D(2026, 4, 30)),
    (D(2024, 2, 29), 12, D(2025, 2, 28)),
    (D(2026, 11, 30), 3, D(2027, 2, 28)),
    (D(2026, 12, 15), 1, D(2027, 1, 15)),
    (D(2026, 3, 31), -1, D(2026, 2, 28)),
])
def test_add_months_clamps_to_month_end(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(("service_type", "last", "due_on"), [
    (T.SUPPORTED_ACCOMMODATION, D(2025, 6, 1), D(2026, 6, 1)),       # yearly
    (T.RESIDENTIAL, D(2023, 6, 1), D(2026, 6, 1)),                   # every 3 years
    (T.INTERNAL_RESIDENTIAL, D(2025, 6, 1), D(2026, 6, 1)),          # yearly
    (T.RESIDENTIAL_SCHOOL, D(2023, 6, 1), D(2026, 6, 1)),            # every 3 years
    (T.PARENT_AND_CHILD, D(2024, 6, 1), D(2026, 6, 1)),              # every 2 years
    (T.UNREGULATED, D(2026, 3, 1), D(2026, 6, 1)),                   # 3 monthly
])
def test_figure_2_visit_frequency(service_type, last, due_on):
    assert next_visit_due(service_type, last, D(2026, 1, 1)).due_on == due_on


def test_visit_on_its_due_date_is_due_not_overdue_and_the_day_after_is_overdue():
    last = D(2025, 6, 1)
    on_the_day = next_visit_due(T.SUPPORTED_ACCOMMODATION, last, D(2026, 6, 1))
    day_after = next_visit_due(T.SUPPORTED_ACCOMMODATION, last, D(2026, 6, 2))
    assert on_the_day.status is DueStatus.DUE and not on_the_day.is_overdue
    assert day_after.status is DueStatus.OVERDUE and day_after.is_overdue
    assert day_after.days_overdue(D(2026, 6, 12)) == 11


def test_due_soon_window_is_thirty_days():
    last = D(2025, 6, 1)
    assert next_visit_due(T.SUPPORTED_ACCOMMODATION, last, D(2026, 5, 2)).status is DueStatus.DUE
    assert next_visit_due(T.SUPPORTED_ACCOMMODATION, last, D(2026, 5, 1)).status is DueStatus.SCHEDULED


@pytest.mark.parametrize("service_type", [T.IFA, T.FLOATING_SUPPORT, T.ACTIVITY, T.SECURE_UNIT, T.SHORT_BREAKS,
                                          T.BESPOKE])
def test_services_without_routine_qa_visits(service_type):
    due = next_visit_due(service_type, None, D(2026, 1, 1))
    assert due.status is DueStatus.NOT_REQUIRED and due.due_on is None


def test_never_visited_is_due_before_a_child_is_placed():
    due = next_visit_due(T.RESIDENTIAL, None, D(2026, 1, 1))
    assert due.status is DueStatus.BEFORE_PLACEMENT and due.due_on is None  # a condition, not a date
    assert "before a child" in due.reason


def test_placement_before_any_visit_makes_it_due_within_48_hours():
    start = dt.datetime(2026, 3, 10, 17, 0, tzinfo=dt.UTC)
    due = next_visit_due(T.SUPPORTED_ACCOMMODATION, None, D(2026, 3, 11), placement_starts=[start])
    assert due.due_on == D(2026, 3, 12)
    assert due.status is DueStatus.DUE
    assert "24-48 hours" in due.reason
    assert next_visit_due(T.SUPPORTED_ACCOMMODATION, None, D(2026, 3, 12), placement_starts=[start]).status \
        is DueStatus.DUE
    assert next_visit_due(T.SUPPORTED_ACCOMMODATION, None, D(2026, 3, 13), placement_starts=[start]).is_overdue


def test_earliest_placement_sets_the_deadline():
    starts = [dt.datetime(2026, 3, 20, 9, tzinfo=dt.UTC), dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC)]
    assert next_visit_due(T.RESIDENTIAL, None, D(2026, 3, 1), placement_starts=starts).due_on == D(2026, 3, 12)


def test_concern_raised_since_last_visit_makes_it_due_at_once():
    due = next_visit_due(T.RESIDENTIAL, D(2025, 1, 1), D(2026, 2, 1), concern_raised_on=D(2026, 1, 20))
    assert due.due_on == D(2026, 1, 20) and due.is_overdue
    assert "concern" in due.reason
    older = next_visit_due(T.RESIDENTIAL, D(2025, 1, 1), D(2026, 2, 1), concern_raised_on=D(2024, 12, 1))
    assert older.due_on == D(2028, 1, 1)


@pytest.mark.parametrize(("service_type", "months"), [
    (T.IFA, 24), (T.RESIDENTIAL, 24), (T.RESIDENTIAL_SCHOOL, 12), (T.SUPPORTED_ACCOMMODATION, 12),
    (T.FLOATING_SUPPORT, 12), (T.ACTIVITY, 12), (T.UNREGULATED, 6), (T.PARENT_AND_CHILD, 24),
])
def test_figure_1_review_frequency(service_type, months):
    last = D(2025, 1, 15)
    due = next_review_due(service_type, last, D(2025, 2, 1))
    assert due.kind is DueKind.REVIEW
    assert due.due_on == add_months(last, months)


def test_bespoke_arrangements_have_no_review_cycle_of_their_own():
    assert next_review_due(T.BESPOKE, None, D(2026, 1, 1)).status is DueStatus.NOT_REQUIRED


# -- issue 16: placements planned or in an emergency, the minimum review, concerns, documents ------------


def test_a_planned_placement_needs_the_review_before_it_starts_an_emergency_one_within_48_hours():
    starts = dt.datetime(2026, 3, 20, 9, tzinfo=dt.UTC)
    planned = next_review_due(T.RESIDENTIAL, None, D(2026, 3, 1), placement_starts=[PlacementStart(starts, True)])
    emergency = next_review_due(T.RESIDENTIAL, None, D(2026, 3, 1), placement_starts=[PlacementStart(starts)])
    assert planned.due_on == D(2026, 3, 20) and "required before it" in planned.reason
    assert emergency.due_on == D(2026, 3, 22) and "within 24-48 hours" in emergency.reason


def test_the_minimum_urgent_review_leaves_the_full_one_due_48_hours_after_the_placement_starts():
    starts = dt.datetime(2026, 3, 20, 9, tzinfo=dt.UTC)
    due = next_review_due(T.SUPPORTED_ACCOMMODATION, None, D(2026, 3, 20),
                          placement_starts=[PlacementStart(starts, True)], minimum_on=D(2026, 3, 19))
    assert due.due_on == D(2026, 3, 22) and "minimum urgent review done 19/03/2026" in due.reason
    without_placement = next_review_due(T.SUPPORTED_ACCOMMODATION, None, D(2026, 3, 20), minimum_on=D(2026, 3, 19))
    assert without_placement.due_on == D(2026, 3, 21)


@pytest.mark.parametrize("service_type", [T.SECURE_UNIT, T.SHORT_BREAKS, T.ACTIVITY])
def test_services_visited_only_on_a_concern_or_when_the_team_asks(service_type):
    assert next_visit_due(service_type, None, D(2026, 1, 1)).status is DueStatus.NOT_REQUIRED
    concern = next_visit_due(service_type, None, D(2026, 1, 5), concern=Concern(D(2026, 1, 3), "safeguarding"))
    assert concern.due_on == D(2026, 1, 3) and concern.is_overdue and "safeguarding raised 03/01/2026" in concern.reason
    asked = next_visit_due(service_type, None, D(2026, 1, 5), planned_on=D(2026, 1, 20))
    assert asked.status is DueStatus.DUE and asked.reason == "visit planned for 20/01/2026 at the team's request"


@pytest.mark.parametrize("service_type", [T.IFA, T.PARENT_AND_CHILD_FOSTERING, T.FLOATING_SUPPORT, T.BESPOKE])
def test_no_visit_for_foster_homes_floating_support_or_a_package_as_such_even_after_a_concern(service_type):
    due = next_visit_due(service_type, None, D(2026, 1, 5), concern=Concern(D(2026, 1, 3)))
    assert due.status is DueStatus.NOT_REQUIRED


def test_a_concern_makes_the_review_of_any_figure_1_service_due_at_once():
    due = next_review_due(T.PARENT_AND_CHILD_FOSTERING, D(2025, 6, 1), D(2026, 1, 5), concern=Concern(D(2026, 1, 4)))
    assert due.due_on == D(2026, 1, 4) and due.reason.endswith("compliance review due now (Figure 1)")


@pytest.mark.parametrize(("today", "status"), [
    (D(2026, 1, 1), DueStatus.SCHEDULED), (D(2026, 2, 1), DueStatus.DUE), (D(2026, 3, 3), DueStatus.DUE),
    (D(2026, 3, 4), DueStatus.OVERDUE),
])
def test_a_document_is_due_in_the_30_days_before_it_expires_and_overdue_after(today, status):
    assert document_due("Insurance", D(2026, 3, 3), today).status is status
