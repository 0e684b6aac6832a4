"""Compliance reviews and placements (issue 16, items 1 and 2) through the workspace, on a register
imported from Ofsted's file: the Figure 1 template of the service type, each document seen (dated,
expiring), not seen or not applicable, actions with Figure 8 dates, completion refused while a
document is unmarked; placements planned or emergency and the 24-48 hour rules; the minimum review
leaving the full one due within 48 hours; expiring documents in what is due; "in use"."""

from __future__ import annotations

import datetime as dt

import pytest

from qa_desktop.domain.compliance import ComplianceError, DocumentStatus, ReviewScope, ReviewStatus
from qa_desktop.domain.monitoring import MonitoredBy
from qa_desktop.domain.placements import PlacementError, PlacementKind
from qa_desktop.domain.schedule import DueKind, DueStatus
from qa_desktop.domain.timescales import ConcernLevel
from tests.conftest import CLOCK_START, TODAY


def fill(ws, review_id, *, expires=None, skip=()):
    """Every item of a review: documents seen (dated a month ago), written items written."""
    for item in ws.reviews.sheet(review_id).items:
        if item.key in skip:
            continue
        if item.is_document:
            ws.reviews.record_document(review_id, item.key, DocumentStatus.SEEN, TODAY - dt.timedelta(days=30),
                                       (expires or {}).get(item.key))
        else:
            ws.reviews.record_text(review_id, item.key, "Met the registered manager; all in order.")


def due_of(ws, provider_id, kind, today=None):
    items = ws.register.due(provider_id=provider_id, include_scheduled=True, today=today)
    return next((i.due for i in items if i.due.kind is kind), None)


def test_a_full_review_starts_from_the_figure_1_template_of_the_service_type(ws, urn):
    review = ws.reviews.start(urn("SC800007"), ReviewScope.FULL).value  # supported accommodation
    sheet = ws.reviews.sheet(review)
    assert sheet.figure_row == "Supported Accommodation" and sheet.status is ReviewStatus.IN_PROGRESS
    assert sheet.reviewed_by == "officer.test" and sheet.review_date == TODAY
    assert sheet.reference == f"CR-20261122-{review[:8].upper()}"
    documents = [i.label for i in sheet.items if i.is_document]
    assert documents[:3] == ["Statement of Purpose", "Gas and Electric Certificate", "Insurance Documents"]
    assert len(documents) == 11 and ws.reviews.find(sheet.reference) == review


def test_a_review_with_documents_neither_seen_nor_marked_cannot_be_completed(ws, urn):
    provider = urn("SC800001")
    review = ws.reviews.start(provider, ReviewScope.FULL).value
    fill(ws, review, skip={"doc_insurance_documents", "doc_staff_structure"})
    with pytest.raises(ComplianceError) as refused:
        ws.reviews.complete(review)
    assert str(refused.value) == ("Mark each document as seen, not seen or not applicable before completing the "
                                  "review: Insurance Documents, Staff Structure.")
    ws.reviews.record_document(review, "doc_insurance_documents", DocumentStatus.NOT_SEEN)
    ws.reviews.record_document(review, "doc_staff_structure", DocumentStatus.NOT_APPLICABLE)
    ws.reviews.complete(review)
    assert ws.reviews.sheet(review).complete
    review_due = due_of(ws, provider, DueKind.REVIEW)
    assert review_due.status is DueStatus.SCHEDULED and review_due.due_on == dt.date(2028, 11, 22)  # every 2 years
    with pytest.raises(ComplianceError, match=r"^This review is complete and kept as it was"):
        ws.reviews.record_document(review, "doc_staff_structure", DocumentStatus.SEEN, TODAY)


@pytest.mark.parametrize(("status", "dated", "expires", "words"), [
    (DocumentStatus.SEEN, None, None, "Insurance Documents: give the date of the document seen (dd/mm/yyyy)."),
    (DocumentStatus.SEEN, dt.date(2026, 5, 1), dt.date(2026, 4, 1),
     "Insurance Documents: the expiry date (01/04/2026) is before the document's date (01/05/2026)."),
])
def test_a_document_seen_needs_its_date_and_an_expiry_after_it(ws, urn, status, dated, expires, words):
    review = ws.reviews.start(urn("SC800001"), ReviewScope.FULL).value
    with pytest.raises(ComplianceError) as refused:
        ws.reviews.record_document(review, "doc_insurance_documents", status, dated, expires)
    assert str(refused.value) == words
    assert ws.reviews.sheet(review).items[1].status is None  # nothing was written


def test_actions_raised_on_a_review_are_due_by_figure_8_and_tracked(ws, urn):
    provider = urn("SC800001")
    review = ws.reviews.start(provider, ReviewScope.FULL).value
    ws.reviews.record_document(review, "doc_gas_and_electric_certificate", DocumentStatus.NOT_SEEN)
    ws.reviews.raise_action(review, "Send the gas safety certificate", ConcernLevel.HIGH,
                            "doc_gas_and_electric_certificate")
    [action] = ws.reviews.sheet(review).actions
    assert action.due_at - action.raised_at == dt.timedelta(hours=48)  # HIGH: 24-48 hours (Figure 8)
    [tracked] = ws.oversight.tracked_actions(provider)
    assert tracked.kind == "review" and tracked.source == "Compliance review, 22 Nov 2026"
    with pytest.raises(ComplianceError, match=r"^Action: say what the provider must do.$"):
        ws.reviews.raise_action(review, "  ", ConcernLevel.LOW)


def test_documents_running_out_are_due_before_they_expire_and_a_renewal_clears_them(ws, urn):
    provider = urn("SC800007")
    review = ws.reviews.start(provider, ReviewScope.FULL).value
    fill(ws, review, expires={"doc_insurance_documents": TODAY + dt.timedelta(days=45),
                              "doc_gas_and_electric_certificate": TODAY + dt.timedelta(days=200)})
    ws.reviews.complete(review)
    assert due_of(ws, provider, DueKind.DOCUMENT).status is DueStatus.SCHEDULED  # 45 days off: not yet
    soon = TODAY + dt.timedelta(days=20)
    [item] = [i for i in ws.register.due(today=soon, provider_id=provider) if i.due.kind is DueKind.DOCUMENT]
    assert item.due.status is DueStatus.DUE and item.due.due_on == TODAY + dt.timedelta(days=45)
    assert item.due.reason == "Insurance Documents expires 06/01/2027: ask for the renewal first"
    late = [i.due for i in ws.register.due(today=TODAY + dt.timedelta(days=50), provider_id=provider)
            if i.due.kind is DueKind.DOCUMENT]
    assert late[0].is_overdue and late[0].reason.startswith("Insurance Documents expired 06/01/2027")
    renewal = ws.reviews.start(provider, ReviewScope.FULL).value
    fill(ws, renewal, expires={"doc_insurance_documents": TODAY + dt.timedelta(days=400)})
    ws.reviews.complete(renewal)
    assert not [i for i in ws.register.due(today=soon, provider_id=provider) if i.due.kind is DueKind.DOCUMENT]


def test_a_placement_ending_before_it_starts_is_refused_in_one_sentence(ws, setting_of):
    start = CLOCK_START
    with pytest.raises(PlacementError) as refused:
        ws.placements.record(setting_id=setting_of("SC800001"), reference="PL-1", kind=PlacementKind.PLANNED,
                             started_at=start, ended_at=start - dt.timedelta(days=1))
    assert str(refused.value) == ("End: the placement cannot end (21 Nov 2026 10:00) before it starts "
                                  "(22 Nov 2026 10:00).")
    with pytest.raises(PlacementError, match=r"^Case reference: 'Jamie Smith' is not a case reference"):
        ws.placements.record(setting_id=setting_of("SC800001"), reference="Jamie Smith", kind=PlacementKind.PLANNED)
    assert ws.placements.lines() == []


def test_a_placement_marks_the_provider_monitored_and_in_use(ws, urn, setting_of):
    provider = urn("SC800011")
    ws.placements.record(setting_id=setting_of("SC800011"), reference="PL-2041", kind=PlacementKind.EMERGENCY,
                         started_at=CLOCK_START - dt.timedelta(hours=3))
    record = ws.providers.provider(provider)
    assert record.monitored and record.monitored_by is MonitoredBy.PLACEMENT
    assert record.monitored_reason == "emergency placement PL-2041 at Willow House from 22/11/2026"
    assert ws.placements.in_use(provider)
    [line] = ws.placements.lines(provider)
    ws.placements.end(line.id, CLOCK_START - dt.timedelta(hours=1))
    assert not ws.placements.in_use(provider) and ws.providers.provider(provider).monitored  # still ours to watch


def test_a_planned_placement_needs_the_review_and_visit_before_it_starts(ws, urn, setting_of):
    provider = urn("SC800012")
    starts = CLOCK_START + dt.timedelta(days=5)
    ws.placements.record(setting_id=setting_of("SC800012"), reference="PL-3001", kind=PlacementKind.PLANNED,
                         started_at=starts)
    review, visit = due_of(ws, provider, DueKind.REVIEW), due_of(ws, provider, DueKind.VISIT)
    assert review.due_on == visit.due_on == dt.date(2026, 11, 27) and review.status is DueStatus.DUE
    assert "required before it (Section 11)" in review.reason and "planned placement PL-3001" in visit.reason


def test_an_emergency_placement_minimum_review_then_full_review(ws, urn, setting_of):
    """Section 11: the minimum urgent review before (or as) the child moves, then the full review
    within 24-48 hours of the placement starting; the minimum one does not complete the cycle."""
    provider = urn("SC800004")  # an IFA: reviewed, never visited
    started = CLOCK_START - dt.timedelta(hours=2)
    placement = ws.placements.record(setting_id=setting_of("SC800004"), reference="PL-77",
                                     kind=PlacementKind.EMERGENCY, started_at=started).value
    review = due_of(ws, provider, DueKind.REVIEW)
    assert review.due_on == dt.date(2026, 11, 24) and "with no compliance review first" in review.reason
    minimum = ws.reviews.start(provider, ReviewScope.MINIMUM, placement_id=placement).value
    sheet = ws.reviews.sheet(minimum)
    assert [i.label for i in sheet.items] == ["Health and Safety Documents", "Staff Training", "Insurance",
                                              "Notes from the urgent meeting with the provider"]
    fill(ws, minimum, skip={"urgent_meeting_notes"})
    with pytest.raises(ComplianceError, match=r"^Write Notes from the urgent meeting with the provider before"):
        ws.reviews.complete(minimum)
    ws.reviews.record_text(minimum, "urgent_meeting_notes", "Phone meeting with the manager: matching discussed.")
    ws.reviews.complete(minimum)
    after_minimum = due_of(ws, provider, DueKind.REVIEW)
    assert after_minimum.due_on == dt.date(2026, 11, 24) and after_minimum.status is DueStatus.DUE
    assert "minimum urgent review done 22/11/2026, the full review follows" in after_minimum.reason
    assert ws.register.due(today=TODAY + dt.timedelta(days=3), provider_id=provider)[0].due.is_overdue
    full = ws.reviews.start(provider, ReviewScope.FULL).value
    fill(ws, full)
    ws.reviews.complete(full)
    assert due_of(ws, provider, DueKind.REVIEW).status is DueStatus.SCHEDULED
    assert ws.register.due(provider_id=provider) == []


def test_the_insurance_seen_at_the_minimum_review_is_the_one_the_full_review_renews(ws, urn):
    provider = urn("SC800004")
    minimum = ws.reviews.start(provider, ReviewScope.MINIMUM).value
    fill(ws, minimum, expires={"doc_insurance": TODAY + dt.timedelta(days=10)})
    ws.reviews.complete(minimum)
    [item] = [i.due for i in ws.register.due(provider_id=provider) if i.due.kind is DueKind.DOCUMENT]
    assert item.reason.startswith("Insurance expires 02/12/2026")
    full = ws.reviews.start(provider, ReviewScope.FULL).value
    fill(ws, full, expires={"doc_insurance_documents": TODAY + dt.timedelta(days=300)})
    ws.reviews.complete(full)
    documents = [i.due for i in ws.register.due(provider_id=provider, include_scheduled=True)
                 if i.due.kind is DueKind.DOCUMENT]
    assert [d.reason for d in documents] == ["Insurance Documents expires 18/09/2027: ask for the renewal first"]
