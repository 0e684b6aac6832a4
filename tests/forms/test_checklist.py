"""The checklist engine, Qt-free: a whole Full visit, scopes, conditions, actions, versions."""

import datetime as dt

import pytest

from qa_desktop.domain.service_types import ServiceType
from qa_desktop.domain.timescales import ConcernLevel
from qa_desktop.domain.visits import VisitLevel
from qa_desktop.forms.checklist import MET, NO, NOT_APPLICABLE, NOT_MET, YES, AnswerError, Checklist, DocumentSeen
from qa_desktop.forms.library import TemplateLibrary
from qa_desktop.forms.template import Item, ResponseType
from tests.forms.test_templates import GOOD

VISIT_DAY = dt.date(2026, 11, 22)
RAISED = dt.datetime(2026, 11, 22, 11, 30, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def library():
    return TemplateLibrary.load()


def answer_everything(checklist: Checklist, flag: set[str] = frozenset()) -> None:
    """Answer each visible item as an officer would; items in ``flag`` get the adverse answer."""
    for _ in range(3):  # answering may reveal items (show_when); go round until nothing new shows
        for item in checklist.visible_items():
            if checklist.answer(item.key) is not None or item.response is ResponseType.PHOTO:
                continue
            checklist.set_answer(item.key, officers_answer(item, bad=item.key in flag))


def officers_answer(item: Item, bad: bool):
    """The answer an officer would give to ``item``: the adverse one if ``bad``."""
    answers = {
        ResponseType.MET_NOT_MET: lambda: NOT_MET if bad else MET,
        ResponseType.YES_NO: lambda: YES if bad else NO,
        ResponseType.CHOICE: lambda: item.choices[0],
        ResponseType.MULTI_CHOICE: lambda: [item.choices[0]],
        ResponseType.TEXT: lambda: "Seen and discussed with the manager.",
        ResponseType.NUMBER: lambda: 4,
        ResponseType.DATE: lambda: VISIT_DAY,
        ResponseType.RATING: lambda: item.scale[1],
        ResponseType.FACES: lambda: 4,
        ResponseType.DOCUMENT: lambda: DocumentSeen(
            True, VISIT_DAY - dt.timedelta(days=200),
            VISIT_DAY - dt.timedelta(days=1) if bad else VISIT_DAY + dt.timedelta(days=165)),
    }
    return answers[item.response]()


def test_a_whole_full_visit_runs_through_the_engine(library):
    templates = library.for_visit(VisitLevel.FULL, ServiceType.RESIDENTIAL)
    lists = {t.key: Checklist(t, VisitLevel.FULL, VISIT_DAY) for t in templates}
    property_list = lists["property_standards"]
    assert property_list.progress().answered == 0
    assert len(property_list.missing_required()) == 58

    answer_everything(property_list, flag={"kitchen_co_detector", "electric_pat"})
    answer_everything(lists["compliance_areas"],
                      flag={"concerns_any", "concerns_addressed", "staffing_agency_use", "staffing_agency_checks"})
    answer_everything(lists["voice_of_child"])
    property_list.add_evidence("kitchen_photos", "sha256:ab12")
    property_list.set_note("kitchen_co_detector", "No detector fitted near the boiler.")

    assert property_list.missing_required() == []
    assert [i.key for i in property_list.needing_action()] == ["kitchen_co_detector", "electric_pat"]
    problems = property_list.problems_before_completion()
    assert problems == ["Not met with no action raised: Carbon monoxide detector",
                        "Not met with no action raised: PAT testing record (yearly)"]

    action = property_list.raise_action("kitchen_co_detector", "Fit a CO detector", ConcernLevel.HIGH, RAISED)
    assert action.due_at == RAISED + dt.timedelta(hours=48)  # Figure 8: HIGH 24-48 hours
    property_list.raise_action("electric_pat", "PAT test all portable appliances", ConcernLevel.MEDIUM, RAISED)
    assert property_list.problems_before_completion() == []

    summary = property_list.summary()
    assert summary.counts["met"] == 52 and summary.counts["not_met"] == 1
    assert summary.counts["document_seen"] == 3
    assert [i.key for i in summary.flagged] == ["kitchen_co_detector", "electric_pat"]
    assert [i.key for i in summary.expired_documents] == ["electric_pat"]
    assert [(i.key, a.level) for i, a in summary.actions] == [("kitchen_co_detector", ConcernLevel.HIGH),
                                                              ("electric_pat", ConcernLevel.MEDIUM)]
    areas = lists["compliance_areas"]
    assert areas.answer("staffing_agency_checks") == NOT_MET  # revealed by "agency used: yes"
    assert [i.key for i in areas.needing_action()] == ["staffing_agency_checks", "concerns_addressed"]
    for checklist in lists.values():
        progress = checklist.progress()
        photo_items = sum(i.response is ResponseType.PHOTO for i in checklist.visible_items())
        assert progress.answered == progress.total - photo_items + (1 if checklist is property_list else 0)


def test_property_only_and_assurance_visits_show_their_subset(library):
    areas = library.get("compliance_areas")
    full = Checklist(areas, VisitLevel.FULL, VISIT_DAY)
    assurance = Checklist(areas, VisitLevel.ASSURANCE_MONITORING, VISIT_DAY)
    assert len(assurance.visible_items()) < len(full.visible_items())
    assert "staff_references" not in {i.key for i in assurance.visible_items()}
    with pytest.raises(ValueError, match=r"Property Only|property_only"):
        Checklist(areas, VisitLevel.PROPERTY_ONLY, VISIT_DAY)
    review = library.get("compliance_review_supported_accommodation")
    urgent = Checklist(review, "minimum_urgent", VISIT_DAY)
    assert [i.label for i in urgent.visible_items()][:3] == ["Health and Safety Documents", "Staff Training",
                                                             "Insurance"]


def test_conditional_items_show_only_when_their_answer_says_so_and_keep_hidden_answers(library):
    areas = Checklist(library.get("compliance_areas"), VisitLevel.FULL, VISIT_DAY)
    assert "concerns_detail" not in {i.key for i in areas.visible_items()}
    areas.set_answer("concerns_any", YES)
    assert "concerns_detail" in {i.key for i in areas.visible_items()}
    areas.set_answer("concerns_detail", "Neighbour complaint about noise.")
    areas.set_answer("concerns_any", NO)
    assert "concerns_detail" not in {i.key for i in areas.visible_items()}
    assert areas.answer("concerns_detail") == "Neighbour complaint about noise."  # kept, not deleted


@pytest.mark.parametrize(("key", "value"), [
    ("a", "yes"), ("a", None), ("b", "maybe"), ("c", 12),
])
def test_answers_that_do_not_fit_their_item_are_refused(key, value):
    from qa_desktop.forms.template import parse_template

    checklist = Checklist(parse_template(GOOD), "full", VISIT_DAY)
    checklist.set_answer("b", YES)
    with pytest.raises(AnswerError):
        checklist.set_answer(key, value)


def test_faces_documents_and_multi_choice(library):
    form = Checklist(library.get("young_inspector"), VisitLevel.FULL, VISIT_DAY)
    for bad in (0, 6, "happy", True):
        with pytest.raises(AnswerError, match="1 to 5"):
            form.set_answer("yi_welcome", bad)
    assert form.set_answer("yi_skills", ["Shopping", "Cooking"]) == ["Cooking", "Shopping"]  # template order
    with pytest.raises(AnswerError):
        form.set_answer("yi_skills", ["Juggling"])
    review = Checklist(library.get("compliance_review_regulated_residential"), "full_review", VISIT_DAY)
    with pytest.raises(AnswerError, match="before the document's date"):
        review.set_answer("doc_insurance_documents", DocumentSeen(True, VISIT_DAY, VISIT_DAY - dt.timedelta(days=1)))
    review.set_answer("doc_insurance_documents", DocumentSeen(False))
    assert [i.key for i in review.needing_action()] == ["doc_insurance_documents"]


def test_clearing_an_answer_makes_it_missing_again(library):
    checklist = Checklist(library.get("property_standards"), VisitLevel.PROPERTY_ONLY, VISIT_DAY)
    checklist.set_answer("lounge_television", NOT_APPLICABLE)
    before = checklist.progress().answered
    checklist.clear_answer("lounge_television")
    assert checklist.progress().answered == before - 1
    assert "lounge_television" in {i.key for i in checklist.missing_required()}
    with pytest.raises(AnswerError, match="Say what"):
        checklist.raise_action("lounge_television", "  ", ConcernLevel.LOW, RAISED)


def test_editing_a_template_does_not_change_a_visit_already_started(tmp_path):
    (tmp_path / "mini.yaml").write_text(GOOD)
    started = Checklist(TemplateLibrary.load(tmp_path).get("mini"), "full", VISIT_DAY)
    started.set_answer("a", MET)
    (tmp_path / "mini.v2.yaml").write_text(
        GOOD.replace("version: 1", "version: 2").replace("label: A", "label: Renamed")
        .replace("{key: b, label: B, response: yes_no}", "{key: b, label: B, response: yes_no, required: true}"))
    upgraded = TemplateLibrary.load(tmp_path)
    assert upgraded.get("mini").version == 2
    assert started.template.version == 1 and started.template.item("a").label == "A"
    assert started.missing_required() == []  # v2 made "b" required; the started visit is not affected
    assert upgraded.get("mini", 1).digest == started.template.digest  # the exact version is still found
