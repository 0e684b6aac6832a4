"""The placement check (issue 17, point 3): everything that should stop or worry a placing social
worker, in words; "Nothing recorded against this provider" only when that is true; one printed page."""

import datetime as dt

import pytest
from pypdf import PdfReader

from qa_desktop.domain.oversight import AlertKind, CaseSource, EmbargoKind, EmbargoScope, InformalReason, PlanKind
from qa_desktop.domain.regulation import Judgement, Regulator
from qa_desktop.domain.service_types import ServiceType
from qa_desktop.domain.timescales import ConcernLevel
from qa_desktop.domain.visits import VisitLevel, VisitReason, VisitStatus
from qa_desktop.services import oversight as qa
from qa_desktop.services.placement_check import NOTHING_RECORDED, Weight, placement_check, write_pdf
from qa_desktop.services.register import add_provider, add_setting
from qa_desktop.store.models import ComplianceReview, Provider, Visit
from tests.conftest import CLOCK_START, TODAY


@pytest.fixture
def clean(store):
    """A home with nothing against it: Good this year, registered, reviewed and visited on time."""
    with store.write() as changes:
        provider = add_provider(changes, name="Birch House", service_type=ServiceType.RESIDENTIAL, urn="SC710001",
                                regulator=Regulator.OFSTED, judgement=Judgement.GOOD,
                                judgement_date=TODAY - dt.timedelta(days=90), registration_status="Active",
                                organisation="Birch Care Ltd")
        setting = add_setting(changes, provider, name="Birch House", postcode="ME4 4AA", town="Chatham")
        changes.create(ComplianceReview, provider_id=provider.id, review_date=TODAY - dt.timedelta(days=30),
                       reviewed_by="Alex Patel")
        changes.create(Visit, setting_id=setting.id, visit_date=TODAY - dt.timedelta(days=30), level=VisitLevel.FULL,
                       announced=True, reason=VisitReason.ROUTINE, status=VisitStatus.COMPLETED,
                       officers=["Alex Patel"])
        return store, provider.id


def check(store, provider_id):
    with store.read() as session:
        return placement_check(session, provider_id, TODAY, CLOCK_START)


def test_nothing_recorded_when_nothing_is(clean):
    store, provider_id = clean
    result = check(store, provider_id)
    assert result.nothing_recorded and result.headline == f"{NOTHING_RECORDED}."
    assert {line.topic for line in result.lines} >= {"Embargo", "Judgement", "Registration", "Compliance review",
                                                     "QA visit", "Action plan", "Risk rating", "Safeguarding"}
    assert all(line.weight is Weight.CHECKED for line in result.lines)
    assert "Good at the latest full inspection" in result.as_text()


def _embargo(store, pid):
    qa.issue_embargo(store, pid, kind=EmbargoKind.INFORMAL, scope=EmbargoScope.PROVIDER, reason="LADO enquiry",
                     start_on=TODAY, informal_reason=InformalReason.INVESTIGATION)


def _suspension(store, pid):
    qa.log_alert(store, pid, regulator=Regulator.OFSTED, kind=AlertKind.SUSPENSION, received_on=TODAY,
                 summary="Registration suspended")


def _judged(judgement):
    def change(store, pid):
        with store.write() as changes:
            changes.update(changes.session.get(Provider, pid), judgement=judgement)
    return change


def _field(**fields):
    def change(store, pid):
        with store.write() as changes:
            changes.update(changes.session.get(Provider, pid), **fields)
    return change


def _no_review(store, pid):
    with store.write() as changes:
        for review in changes.session.query(ComplianceReview).filter_by(provider_id=pid):
            changes.delete(review)


def _old_visit(store, pid):
    with store.write() as changes:
        for visit in changes.session.query(Visit):
            changes.update(visit, visit_date=TODAY - dt.timedelta(days=4 * 365))


def _plan(store, pid):
    qa.issue_action_plan(store, pid, kind=PlanKind.QA, issued_on=TODAY, reason="Staffing below the rota",
                         actions=[("Recruit two night staff", ConcernLevel.MEDIUM)], raised_at=CLOCK_START)


def _cases(count, safeguarding=False):
    def change(store, pid):
        for n in range(count):
            qa.log_case(store, pid, opened_on=TODAY, source=CaseSource.LADO, category="Allegation",
                        summary=f"Concern {n}", safeguarding=safeguarding)
    return change


@pytest.mark.parametrize(("spoil", "weight", "topic", "words"), [
    (_embargo, Weight.STOP, "Embargo", "Informal embargo on the whole provider"),
    (_suspension, Weight.STOP, "Regulator's alert", "Suspension of registration"),
    (_field(registration_status="Suspended"), Weight.STOP, "Registration", "suspended"),
    (_field(registration_status="Resigned"), Weight.STOP, "Registration", "Ceased operating"),
    (_field(ceased_operating_on=TODAY), Weight.STOP, "Registration", "Ceased operating"),
    (_judged(Judgement.INADEQUATE), Weight.CONCERN, "Judgement", "Inadequate"),
    (_judged(Judgement.REQUIRES_IMPROVEMENT), Weight.CONCERN, "Judgement", "Requires improvement"),
    (_judged(Judgement.NOT_YET_INSPECTED), Weight.CONCERN, "Judgement", "Not yet inspected"),
    (_field(judgement_date=TODAY - dt.timedelta(days=5 * 365)), Weight.CONCERN, "Judgement", "three years ago"),
    (_field(registration_status="Proposed"), Weight.CONCERN, "Registration", "not one QA Desktop knows"),
    (_no_review, Weight.CONCERN, "Compliance review", "No compliance review recorded"),
    (_old_visit, Weight.CONCERN, "QA visit", "overdue since"),
    (_plan, Weight.CONCERN, "Action plan", "Staffing below the rota (1 action(s) open)"),
    (_cases(4), Weight.CONCERN, "Risk rating", "MEDIUM"),
    (_cases(1, safeguarding=True), Weight.CONCERN, "Safeguarding", "Open safeguarding case"),
])
def test_each_matter_is_said_and_nothing_recorded_is_no_longer_said(clean, spoil, weight, topic, words):
    store, provider_id = clean
    spoil(store, provider_id)
    result = check(store, provider_id)
    assert not result.nothing_recorded and NOTHING_RECORDED not in result.as_text()
    line = next(x for x in result.lines if x.topic == topic and x.weight is weight)
    assert words in line.words
    assert result.lines[0].weight is (Weight.STOP if result.stops else Weight.CONCERN)  # the worst first


def test_the_check_prints_on_one_page_however_long_the_record(clean, tmp_path):
    store, provider_id = clean
    _embargo(store, provider_id)
    _cases(40, safeguarding=True)(store, provider_id)
    result = check(store, provider_id)
    assert len(result.concerns) >= 40
    path = tmp_path / "check.pdf"
    write_pdf(store, result, path)
    reader = PdfReader(str(path))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    for words in ("Placement check", "Birch House", "SC710001", "OFFICIAL-SENSITIVE", "DO NOT PLACE", "LADO enquiry",
                  "Page 1 of 1", "and 34 more like these"):  # forty cases: six on paper, the rest counted
        assert words in text, words


def test_a_clean_check_prints_nothing_recorded(clean, tmp_path):
    store, provider_id = clean
    path = tmp_path / "clean.pdf"
    write_pdf(store, check(store, provider_id), path)
    text = PdfReader(str(path)).pages[0].extract_text()
    assert "NOTHING RECORDED" in text and f"{NOTHING_RECORDED}." in text


def test_documents_expiring_and_expired_at_the_latest_review_are_weighed(clean):
    """Caseload's review documents reach the check (issue 17 point 3, "expiring documents"): one running
    out within 30 days is a concern; once expired, one of Section 11's minimum checks (insurance, staff
    training, health and safety) stops a placement and any other Figure 1 document is a concern; a
    renewed copy seen at a later review replaces the one that ran out."""
    from qa_desktop.domain.compliance import ReviewScope
    from qa_desktop.forms.library import TemplateLibrary
    from qa_desktop.workspace import Workspace
    from tests.caseload.test_reviews_and_placements import fill

    store, provider_id = clean
    ws = Workspace(store, TemplateLibrary.load())
    review = ws.reviews.start(provider_id, ReviewScope.FULL).value
    fill(ws, review, expires={"doc_insurance_documents": TODAY + dt.timedelta(days=20),
                              "doc_statement_of_purpose": TODAY + dt.timedelta(days=25),
                              "doc_gas_and_electric_certificate": TODAY + dt.timedelta(days=300)})
    ws.reviews.complete(review)

    now = ws.oversight.placement_check(provider_id)
    documents = [line for line in now.lines if line.topic == "Documents"]
    assert [(line.weight, line.words.split(" expires")[0]) for line in documents] == [
        (Weight.CONCERN, "Insurance Documents"), (Weight.CONCERN, "Statement of Purpose")]
    assert "12/12/2026 (in 20 days)" in documents[0].words and "(Insurance, Section 11)" in documents[0].words
    assert not now.stops and not now.nothing_recorded

    later = ws.oversight.placement_check(provider_id, on=TODAY + dt.timedelta(days=30))
    documents = [line for line in later.lines if line.topic == "Documents"]
    assert [(line.weight, line.words.split(" expired")[0]) for line in documents] == [
        (Weight.STOP, "Insurance Documents"), (Weight.CONCERN, "Statement of Purpose")]
    assert later.lines[0] == documents[0]  # what stops comes first
    assert "do not place until the renewed document is seen" in documents[0].words
    assert later.headline.startswith("1 matter(s) that stop a placement")

    # the renewed insurance and statement, seen at the next review: only the certificate is left to watch
    ws.clock.set(CLOCK_START + dt.timedelta(days=10))
    renewal = ws.reviews.start(provider_id, ReviewScope.FULL).value
    fill(ws, renewal, expires={"doc_insurance_documents": TODAY + dt.timedelta(days=400),
                               "doc_statement_of_purpose": TODAY + dt.timedelta(days=400),
                               "doc_gas_and_electric_certificate": TODAY + dt.timedelta(days=300)})
    ws.reviews.complete(renewal)
    renewed = ws.oversight.placement_check(provider_id, on=TODAY + dt.timedelta(days=30))
    [line] = [line for line in renewed.lines if line.topic == "Documents"]
    assert line.weight is Weight.CHECKED and "Gas and Electric Certificate, 18/09/2027" in line.words
    assert renewed.nothing_recorded


def test_an_expired_staff_training_matrix_stops_and_a_review_without_expiries_is_checked(clean):
    from qa_desktop.domain.compliance import minimum_check_of
    from qa_desktop.domain.placement import document_lines

    assert [minimum_check_of(label) for label in ("Insurance", "Insurance Documents", "Staff Training Matrix",
                                                  "Foster Care training matrix/training schedule",
                                                  "Gas and Electric Certificate", "Fire Risk Assessment",
                                                  "Health and Safety Documents", "Statement of Purpose",
                                                  "Missing person policy")] == [
        "Insurance", "Insurance", "Staff Training", "Staff Training", "Health and Safety Documents",
        "Health and Safety Documents", "Health and Safety Documents", None, None]
    [stop] = document_lines([("Staff Training Matrix", TODAY - dt.timedelta(days=1))], TODAY)
    assert stop.weight is Weight.STOP and "(Staff Training, Section 11)" in stop.words
    [due_today] = document_lines([("Insurance", TODAY)], TODAY)
    assert due_today.weight is Weight.CONCERN and "(today)" in due_today.words
    [checked] = document_lines([], TODAY)
    assert checked.weight is Weight.CHECKED and "no expiry dates recorded" in checked.words
    store, provider_id = clean
    assert [line.weight for line in check(store, provider_id).lines if line.topic == "Documents"] == [Weight.CHECKED]
