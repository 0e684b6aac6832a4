"""Visits stored as they are filled in: template versions kept, answers saved and reopened."""

import datetime as dt

import pytest
from sqlalchemy import select

from qa_desktop.domain.service_types import ServiceType
from qa_desktop.domain.timescales import ConcernLevel
from qa_desktop.domain.visits import VisitLevel, VisitReason, VisitRuleError, VisitStatus
from qa_desktop.forms.checklist import MET, NOT_MET, AnswerError, DocumentSeen, Evidence
from qa_desktop.forms.library import TemplateLibrary, builtin_templates_dir
from qa_desktop.services.register import add_provider, add_setting
from qa_desktop.services.visits import open_visit, start_visit
from qa_desktop.store.models import Answer, Op, TemplateSnapshot, Visit
from tests.forms.test_templates import GOOD

DAY = dt.date(2026, 11, 22)
RAISED = dt.datetime(2026, 11, 22, 10, tzinfo=dt.UTC)


@pytest.fixture
def setting_id(store):
    with store.write() as changes:
        provider = add_provider(changes, name="Maple Lodge", service_type=ServiceType.RESIDENTIAL, urn="SC700101")
        return add_setting(changes, provider, name="Maple Lodge", postcode="ME1 2DQ").id


@pytest.fixture(scope="module")
def library():
    return TemplateLibrary.load()


def start(store, library, setting_id, **overrides):
    options = {"setting_id": setting_id, "visit_date": DAY, "level": VisitLevel.FULL, "announced": True,
               "officers": ["Alex Patel"], "reason": VisitReason.ROUTINE}
    options.update(overrides)
    return start_visit(store, library, **options)


def test_start_a_full_visit_with_its_templates(store, library, setting_id):
    visit = open_visit(store, start(store, library, setting_id))
    assert list(visit.checklists) == ["compliance_areas", "property_standards", "voice_of_child"]
    with store.read() as session:
        assert session.get(Visit, visit.visit_id).status is VisitStatus.IN_PROGRESS
        assert {s.key for s in session.scalars(select(TemplateSnapshot))} == set(visit.checklists)


def test_unannounced_visit_refused_with_one_officer_and_started_with_two(store, library, setting_id):
    with pytest.raises(VisitRuleError, match="two officers"):
        start(store, library, setting_id, announced=False)
    with store.read() as session:
        assert session.scalars(select(Visit)).all() == []
    visit_id = start(store, library, setting_id, announced=False, officers=["Alex Patel", "Jo Morgan"],
                     reason=VisitReason.CONCERN_RAISED)
    with store.read() as session:
        assert session.get(Visit, visit_id).officers == ["Alex Patel", "Jo Morgan"]


def test_every_answer_is_saved_as_it_is_made_and_comes_back(store, library, setting_id):
    visit_id = start(store, library, setting_id, level=VisitLevel.PROPERTY_ONLY)
    visit = open_visit(store, visit_id)
    visit.set_answer("property_standards", "lounge_television", MET)
    visit.set_answer("property_standards", "kitchen_co_detector", NOT_MET)
    visit.set_note("property_standards", "kitchen_co_detector", "None near the boiler. Manager: Zoë Łukasz.")
    visit.add_evidence("property_standards", "kitchen_photos", "0a1b" * 16, "Cooker and extractor")
    visit.set_answer("property_standards", "electric_pat",
                     DocumentSeen(True, dt.date(2025, 10, 1), dt.date(2026, 10, 1)))
    action = visit.raise_action("property_standards", "kitchen_co_detector", "Fit a CO detector",
                                ConcernLevel.HIGH, RAISED)
    with pytest.raises(AnswerError):
        visit.set_answer("property_standards", "lounge_television", "fine")

    again = open_visit(store, visit_id)  # as after closing the window, or a crash
    checklist = again.checklists["property_standards"]
    assert checklist.answer("lounge_television") == MET
    assert checklist.records["kitchen_co_detector"].note.endswith("Zoë Łukasz.")
    assert checklist.records["kitchen_photos"].evidence == [Evidence("0a1b" * 16, "Cooker and extractor")]
    assert checklist.answer("electric_pat").expires == dt.date(2026, 10, 1)
    assert checklist.records["kitchen_co_detector"].action == action
    assert action.due_at == RAISED + dt.timedelta(hours=48)
    assert [i.key for i in checklist.summary().expired_documents] == ["electric_pat"]
    with store.read() as session:
        fields = {o.field for o in session.scalars(select(Op).where(Op.entity == "answers"))}
        assert {"value", "note", "evidence"} <= fields


def test_answer_ids_meet_on_the_same_row_for_two_officers(store, library, setting_id):
    visit_id = start(store, library, setting_id, level=VisitLevel.PROPERTY_ONLY)
    first, second = open_visit(store, visit_id), open_visit(store, visit_id)
    first.set_answer("property_standards", "garden_secure", MET)
    second.set_answer("property_standards", "garden_secure", NOT_MET)
    with store.read() as session:
        rows = session.scalars(select(Answer).where(Answer.item_key == "garden_secure")).all()
    assert len(rows) == 1 and rows[0].value == NOT_MET


def test_completion_is_refused_until_required_items_and_actions_are_done(store, library, setting_id):
    visit = open_visit(store, start(store, library, setting_id, level=VisitLevel.PROPERTY_ONLY))
    with pytest.raises(VisitRuleError, match="Required: Television"):
        visit.complete()
    checklist = visit.checklists["property_standards"]
    for item in checklist.visible_items():
        if item.response.value == "met_not_met":
            visit.set_answer("property_standards", item.key, NOT_MET if item.key == "garden_secure" else MET)
        elif item.response.value == "number":
            visit.set_answer("property_standards", item.key, 4)
        elif item.response.value == "document":
            visit.set_answer("property_standards", item.key, DocumentSeen(True, DAY, DAY + dt.timedelta(days=300)))
    with pytest.raises(VisitRuleError, match="Not met with no action raised: Secure"):
        visit.complete()
    visit.raise_action("property_standards", "garden_secure", "Repair the fence", ConcernLevel.MEDIUM, RAISED)
    visit.complete()
    with store.read() as session:
        assert session.get(Visit, visit.visit_id).status is VisitStatus.COMPLETED


def test_upgrading_a_template_does_not_change_a_visit_already_begun(store, setting_id, tmp_path):
    (tmp_path / "mini.yaml").write_text(GOOD)
    library = TemplateLibrary.load(tmp_path)
    visit_id = start(store, library, setting_id, level=VisitLevel.FULL, templates=[library.get("mini")])
    open_visit(store, visit_id).set_answer("mini", "a", MET)
    (tmp_path / "mini.yaml").write_text(GOOD.replace("version: 1", "version: 2").replace("label: A", "label: Changed")
                                        .replace("{key: b, label: B, response: yes_no}",
                                                 "{key: b, label: B, response: yes_no, required: true}"))
    assert TemplateLibrary.load(tmp_path).get("mini").version == 2  # the file on disk is now v2 only
    reopened = open_visit(store, visit_id)
    template = reopened.checklists["mini"].template
    assert template.version == 1 and template.item("a").label == "A"
    assert reopened.checklists["mini"].missing_required() == []


def test_no_template_for_a_visit_is_a_clear_refusal(store, setting_id):
    empty = TemplateLibrary.load(builtin_templates_dir() / "no-such-folder")
    with pytest.raises(VisitRuleError, match="No visit template covers a Full visit to a Residential"):
        start(store, empty, setting_id)


def test_a_template_that_does_not_cover_the_level_is_refused_at_start(store, library, setting_id):
    with pytest.raises(VisitRuleError, match="Compliance areas reviewed on a visit is not used on a Property Only"):
        start(store, library, setting_id, level=VisitLevel.PROPERTY_ONLY, templates=[library.get("compliance_areas")])
    with store.read() as session:
        assert session.scalars(select(Visit)).all() == []


def test_attach_photo_stores_it_upright_and_shrunk_with_its_caption(store, library, setting_id, tmp_path):
    import io

    from PIL import Image

    from qa_desktop.store.blobs import BlobError

    picture = Image.new("RGB", (4000, 3000), (90, 120, 150))
    exif = picture.getexif()
    exif[0x0112] = 6  # "rotate 90°": a phone held upright
    picture.save(tmp_path / "IMG_0001.jpg", quality=90, exif=exif)
    visit = open_visit(store, start(store, library, setting_id, level=VisitLevel.PROPERTY_ONLY))
    blob = visit.attach_photo("property_standards", "kitchen_photos", tmp_path / "IMG_0001.jpg", " Cooker ")
    with Image.open(io.BytesIO(store.blobs.read(blob))) as stored:
        assert stored.size == (1536, 2048) and not stored.getexif().get(0x0112)
    reopened = open_visit(store, visit.visit_id).checklists["property_standards"]
    assert reopened.records["kitchen_photos"].evidence == [Evidence(blob, "Cooker")]
    assert reopened.progress().answered == 1  # a photo item counts once it has a photo
    (tmp_path / "notes.jpg").write_text("this is not a picture")
    with pytest.raises(BlobError, match=r"notes.jpg is not a photo"):
        visit.attach_photo("property_standards", "kitchen_photos", tmp_path / "notes.jpg")
    store.blobs.path(blob).write_bytes(b"tampered")
    with pytest.raises(BlobError, match="damaged"):
        store.blobs.read(blob)
