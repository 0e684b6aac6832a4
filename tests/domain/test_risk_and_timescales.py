"""Figure 6 (with its overlapping bands read as documented), Figure 7 and Figure 8."""

import datetime as dt

import pytest

from qa_desktop.domain.risk import IfaArea, IfaConcern, IfaRiskFlags, Rag, ifa_flag, rag_for_case_count, rag_for_year
from qa_desktop.domain.timescales import FIGURE_8, ConcernLevel, action_due, is_action_overdue


@pytest.mark.parametrize(("count", "rating"), [
    (0, Rag.NONE), (1, Rag.LOW), (3, Rag.LOW),
    (4, Rag.MEDIUM),   # the overlap "1-4" / "4-10": read as the start of MEDIUM
    (9, Rag.MEDIUM),
    (10, Rag.HIGH),    # the overlap "4-10" / "10+": "10+" means 10 or more
    (11, Rag.HIGH), (250, Rag.HIGH),
])
def test_figure_6_boundaries(count, rating):
    assert rag_for_case_count(count) is rating


def test_figure_6_rejects_negative_counts():
    with pytest.raises(ValueError):
        rag_for_case_count(-1)


def test_a_significant_concern_is_high_whatever_the_count():
    assert rag_for_year(0, significant_concern=True) is Rag.HIGH
    assert rag_for_year(2) is Rag.LOW


@pytest.mark.parametrize(("concern", "embargo", "flag"), [
    (IfaConcern.NONE, False, Rag.LOW),
    (IfaConcern.LOW_LEVEL, False, Rag.LOW),
    (IfaConcern.IDENTIFIED, False, Rag.MEDIUM),
    (IfaConcern.SIGNIFICANT, False, Rag.HIGH),
    (IfaConcern.NONE, True, Rag.HIGH),
    (IfaConcern.IDENTIFIED, True, Rag.HIGH),
])
def test_figure_7_ifa_flags(concern, embargo, flag):
    assert ifa_flag(concern, embargo) is flag


def test_figure_7_overall_flag_is_the_highest_area():
    flags = IfaRiskFlags.assess({IfaArea.SAFEGUARDING: IfaConcern.IDENTIFIED}, embargo_issued=False)
    assert (flags.performance_practice, flags.safeguarding, flags.contract_compliance) == (Rag.LOW, Rag.MEDIUM, Rag.LOW)
    assert flags.overall is Rag.MEDIUM


RAISED = dt.datetime(2026, 5, 4, 10, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(("level", "due"), [
    (ConcernLevel.LOW, RAISED + dt.timedelta(weeks=4)),
    (ConcernLevel.MEDIUM, RAISED + dt.timedelta(weeks=2)),
    (ConcernLevel.HIGH, RAISED + dt.timedelta(hours=48)),
    (ConcernLevel.SIGNIFICANT, RAISED),
])
def test_figure_8_due_dates_are_the_end_of_the_window(level, due):
    assert action_due(level, RAISED) == due


def test_figure_8_earliest_dates_are_the_start_of_the_window():
    assert FIGURE_8[ConcernLevel.LOW].earliest(RAISED) == RAISED + dt.timedelta(weeks=2)
    assert FIGURE_8[ConcernLevel.HIGH].earliest(RAISED) == RAISED + dt.timedelta(hours=24)


def test_high_action_is_overdue_one_minute_after_48_hours():
    assert not is_action_overdue(ConcernLevel.HIGH, RAISED, RAISED + dt.timedelta(hours=48))
    assert is_action_overdue(ConcernLevel.HIGH, RAISED, RAISED + dt.timedelta(hours=48, minutes=1))


def test_a_visits_rag_follows_its_most_urgent_finding():
    from qa_desktop.domain.risk import VisitRag, visit_rag

    assert visit_rag(0, []) is VisitRag.GREEN
    assert visit_rag(1, []) is VisitRag.AMBER  # not met, no action yet
    assert visit_rag(0, [ConcernLevel.LOW, ConcernLevel.MEDIUM]) is VisitRag.AMBER
    assert visit_rag(2, [ConcernLevel.LOW, ConcernLevel.HIGH]) is VisitRag.RED
    assert visit_rag(1, [ConcernLevel.SIGNIFICANT]) is VisitRag.RED
