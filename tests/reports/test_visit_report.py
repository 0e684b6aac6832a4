"""The formal visit report, read back from the PDF as a provider would receive it."""


import pytest
from pypdf import PdfReader
from sqlalchemy import select

from qa_desktop.cli import main
from qa_desktop.domain.service_types import ServiceType
from qa_desktop.domain.timescales import ConcernLevel
from qa_desktop.domain.visits import VisitLevel, VisitStatus
from qa_desktop.forms.checklist import Checklist
from qa_desktop.forms.library import TemplateLibrary
from qa_desktop.reports.visit_report import VisitFacts, build_visit_report
from qa_desktop.services.demo import load_demo
from qa_desktop.services.reports import write_visit_report
from qa_desktop.store.models import Visit
from tests.conftest import TODAY
from tests.forms.test_checklist import RAISED, VISIT_DAY, answer_everything

FACTS = VisitFacts(
    council_name="Example Council", service_name="Children's Commissioning Quality Assurance",
    reference="QA-20261122-ABCDEF12", provider="Zoë Ní Bhriain House", setting="Zoë Ní Bhriain House",
    address="41 Ordnance Street, Chatham, Kent, ME4 6SE", urn="SC700110", service_type="Residential", tier="B",
    visit_date=VISIT_DAY, level="Full", announced=False, officers=["Łukasz Nowak", "Siobhán Kelly"],
    reason="Concern raised")


def text_of(path, store=None):
    """A PDF's reader and the text of each page: a plain file, or a report kept (encrypted) in ``store``."""
    import io

    reader = PdfReader(io.BytesIO(store.reports.read(path)) if store is not None else str(path))
    return reader, [" ".join(page.extract_text().split()) for page in reader.pages]


@pytest.fixture(scope="module")
def full_visit():
    library = TemplateLibrary.load()
    lists = [Checklist(t, VisitLevel.FULL, VISIT_DAY)
             for t in library.for_visit(VisitLevel.FULL, ServiceType.RESIDENTIAL)]
    by_key = {c.template.key: c for c in lists}
    answer_everything(by_key["property_standards"], flag={"kitchen_co_detector", "electric_pat"})
    answer_everything(by_key["compliance_areas"])
    answer_everything(by_key["voice_of_child"])
    by_key["property_standards"].set_note("kitchen_co_detector", "Nothing fitted near the boiler. " * 200)
    by_key["property_standards"].raise_action("kitchen_co_detector", "Fit a CO detector", ConcernLevel.HIGH, RAISED)
    by_key["property_standards"].raise_action("electric_pat", "PAT test appliances", ConcernLevel.LOW, RAISED)
    by_key["voice_of_child"].set_answer("voice_what_said", "“It feels like home” said one young person.")
    return lists


def test_full_visit_report_reads_back_with_every_part(tmp_path, full_visit):
    path = build_visit_report(FACTS, full_visit, tmp_path / "report.pdf").path
    reader, pages = text_of(path)
    total = len(pages)
    assert total >= 8
    for number, page in enumerate(pages, start=1):
        assert page.count("OFFICIAL-SENSITIVE") >= 2
        assert f"Page {number} of {total}" in page
        assert "QA-20261122-ABCDEF12" in page
    text = "\n".join(pages)
    for heading in ("Quality Assurance Visit Report", "Summary", "Findings", "Actions", "Documents seen",
                    "Voice of the child", "Sign-off", "Lounge", "Kitchen area", "Electric",
                    "Staff files and safer recruitment", "Any concerns that may have been raised"):
        assert heading in text, heading
    assert "Unannounced" in text and "SC700110" in text and "Framework tier" in text
    assert "RAG: RED" in text and "urgent actions are due within 48 hours" in text  # a HIGH action was raised
    assert "Flagged items: key concerns" in text and "Carbon monoxide detector: Nothing fitted" in text
    assert "Zoë Ní Bhriain House" in text and "Łukasz Nowak" in text and "Siobhán Kelly" in text
    assert "✗ NOT MET" in text and "EXPIRED" in text
    assert "Fit a CO detector" in text and "24/11/2026 11:30" in text  # HIGH: 48 hours after raising
    assert "It feels like home" in text
    assert text.count("Nothing fitted near the boiler.") >= 150  # a long note wraps and splits, nothing cut
    assert reader.metadata.title == "QA visit report QA-20261122-ABCDEF12"


def test_property_only_report_says_no_young_people_were_part_of_it(tmp_path):
    library = TemplateLibrary.load()
    checklist = Checklist(library.get("property_standards"), VisitLevel.PROPERTY_ONLY, VISIT_DAY)
    answer_everything(checklist)
    _, pages = text_of(build_visit_report(FACTS, [checklist], tmp_path / "p.pdf").path)
    text = "\n".join(pages)
    assert "Young people were not part of this visit" in text and "No actions were raised" in text
    assert "RAG: GREEN" in text


def test_report_is_written_atomically_and_replaces_nothing_half_done(tmp_path, full_visit):
    target = tmp_path / "reports" / "r.pdf"
    build_visit_report(FACTS, full_visit, target)
    first = target.read_bytes()
    build_visit_report(FACTS, full_visit, target)
    assert target.read_bytes()[:5] == b"%PDF-" and len(first) > 10_000
    assert [p.name for p in target.parent.iterdir()] == ["r.pdf"]  # no temporary files left


def test_report_of_a_stored_visit_and_from_the_cli(store, capsys):
    load_demo(store, today=TODAY)
    with store.read() as session:
        visit_id = session.scalars(select(Visit.id).where(Visit.status == VisitStatus.IN_PROGRESS)).one()
    path = write_visit_report(store, visit_id).path
    assert path.parent == store.data_dir / "reports" / visit_id and path.name.startswith(f"QA-{TODAY:%Y%m%d}-")
    assert path.name.endswith(".pdf.sealed") and not path.read_bytes().startswith(b"%PDF")  # encrypted at rest
    text = "\n".join(text_of(path, store)[1])
    assert "Harbour View" in text and "Fit a carbon monoxide detector in the kitchen" in text
    assert "No views of young people were recorded" in text
    code = main(["report", path.stem, "--data-dir", str(store.data_dir), "--out", str(store.data_dir / "copy.pdf")])
    assert code == 0 and (store.data_dir / "copy.pdf").read_bytes().startswith(b"%PDF")
    assert "It is not encrypted" in capsys.readouterr().out
    assert main(["report", "nonsense", "--data-dir", str(store.data_dir)]) == 2
    assert "No single visit matches" in capsys.readouterr().err


def test_full_visit_with_forty_photos_with_captions_and_a_missing_one_as_a_placeholder(store, tmp_path):
    from PIL import Image

    from qa_desktop.domain.visits import VisitReason
    from qa_desktop.services.register import add_provider, add_setting
    from qa_desktop.services.visits import open_visit, start_visit

    with store.write() as changes:
        provider = add_provider(changes, name="Maple Lodge", service_type=ServiceType.RESIDENTIAL)
        setting_id = add_setting(changes, provider, name="Maple Lodge").id
    visit = open_visit(store, start_visit(store, TemplateLibrary.load(), setting_id=setting_id, visit_date=VISIT_DAY,
                                          level=VisitLevel.FULL, announced=True, officers=["Alex Patel"],
                                          reason=VisitReason.PRE_PLACEMENT))
    assert set(visit.checklists) == {"property_standards", "compliance_areas", "voice_of_child"}
    items = [i.key for i in visit.checklists["property_standards"].template.items if i.response.value == "photo"]
    blobs = []
    for n in range(40):
        path = tmp_path / f"IMG_{n:04d}.jpg"
        Image.new("RGB", (1200, 900), (n * 6, 100, 255 - n * 6)).save(path, quality=85)
        blobs.append(visit.attach_photo("property_standards", items[n % len(items)], path, f"Room view {n + 1}"))
    store.blobs.path(blobs[7]).unlink()  # not yet synced to this laptop
    result = write_visit_report(store, visit.visit_id)
    reader, pages = text_of(result.path, store)
    assert result.photos == 40 and len(result.warnings) == 1 and "missing from this laptop" in result.warnings[0]
    assert sum(len(page.images) for page in reader.pages) == 39
    text = " ".join(pages)
    assert "Appendix: photographs" in text and "Room view 1" in text and "Room view 40" in text
    assert "Photo not available: photo" in text and "missing from this laptop" in text
    assert "Staff files and safer recruitment" in text and "Voice of the child" in text
    assert write_visit_report(store, visit.visit_id).reused  # unchanged: the same revision
    visit.attach_photo("property_standards", items[7 % len(items)], tmp_path / "IMG_0007.jpg", "Room view 8")
    restored = write_visit_report(store, visit.visit_id)  # the photo has arrived: remade, no placeholder
    assert not restored.reused and restored.path != result.path and restored.warnings == ()
    assert "-r1-draft-" in restored.path.name and restored.path.name.endswith(".pdf.sealed")  # a draft, kept encrypted
    assert sum(len(page.images) for page in text_of(restored.path, store)[0].pages) == 40


def test_young_inspector_report_has_their_words_and_faces_and_nothing_else(store):
    from qa_desktop.forms.checklist import NO, YES
    from qa_desktop.services.reports import write_young_inspector_report
    from qa_desktop.services.visits import add_young_inspector_form, open_visit

    load_demo(store, today=TODAY)
    with store.read() as session:
        visit_id = session.scalars(select(Visit.id).where(Visit.status == VisitStatus.IN_PROGRESS)).one()
    key = add_young_inspector_form(store, TemplateLibrary.load(), visit_id)
    assert add_young_inspector_form(store, TemplateLibrary.load(), visit_id) == key  # once only
    visit = open_visit(store, visit_id)
    for item, score in (("yi_welcome", 5), ("yi_outside", 2), ("yi_room_feel", 4), ("yi_safe", 3)):
        visit.set_answer(key, item, score)
    visit.set_answer(key, "yi_room_clean", YES)
    visit.set_answer(key, "yi_food_choice", NO)
    visit.set_answer(key, "yi_good", "Staff actually listen to you, it felt like a proper home")
    visit.set_answer(key, "yi_skills", ["Cooking", "Budgeting and money"])
    result = write_young_inspector_report(store, visit_id)
    assert "-young-inspector-r1-draft-" in result.path.name and result.path.name.endswith(".pdf.sealed")
    _, pages = text_of(result.path, store)
    text = " ".join(pages)
    assert "What our Young Inspector found" in text and "Harbour View" in text
    assert "5 out of 5: very happy" in text and "2 out of 5: unhappy" in text and "3 out of 5: okay" in text
    assert "“Staff actually listen to you, it felt like a proper home”" in text
    assert "Cooking, Budgeting and money" in text and "Staff and support" not in text  # nothing answered there
    assert all("OFFICIAL-SENSITIVE" in page and f"of {len(pages)}" in page for page in pages)
    # the officers' findings, notes and actions are not part of it
    assert "carbon monoxide" not in text.lower() and "Neighbour reported" not in text


def test_a_changed_draft_is_drawn_again_and_an_issued_revision_is_never_overwritten(store, lead):
    from qa_desktop.forms.checklist import MET
    from qa_desktop.services import documents
    from qa_desktop.services.reports import visit_source
    from qa_desktop.services.visits import open_visit

    load_demo(store, today=TODAY)
    with store.read() as session:
        visit_id = session.scalars(select(Visit.id).where(Visit.status == VisitStatus.IN_PROGRESS)).one()
    first = write_visit_report(store, visit_id)
    assert "-r1-draft-" in first.path.name and not first.path.read_bytes().startswith(b"%PDF")
    again = write_visit_report(store, visit_id)
    assert again.path == first.path and again.reused  # nothing changed: the same file, not a copy
    open_visit(store, visit_id).set_answer("property_standards", "garden_secure", MET)
    redrawn = write_visit_report(store, visit_id)
    assert "-r1-draft-" in redrawn.path.name and redrawn.path != first.path  # a draft follows the visit
    # completed, submitted, approved and issued: revision 1 is final, its file never written again
    visit = open_visit(store, visit_id)
    for checklist in visit.checklists.values():
        answer_everything(checklist)
        for item in checklist.visible_items():
            if checklist.records.get(item.key) and checklist.records[item.key].answer is not None:
                visit.set_answer(checklist.template.key, item.key, checklist.records[item.key].answer)
    for key, checklist in visit.checklists.items():
        for item in checklist.needing_action():
            visit.raise_action(key, item.key, "Put it right", ConcernLevel.LOW, RAISED)
    visit.complete()
    final = write_visit_report(store, visit_id)
    (row,) = documents.documents_of_visit(store, visit_id)
    documents.submit(store, row.id, visit_source(store, visit_id))
    approved = documents.approve(lead, row.id, visit_source(lead, visit_id))
    issued_bytes = approved.path.read_bytes()
    assert approved.path.name.endswith("-r1.pdf.sealed") and final.path != approved.path
    documents.mark_issued(store, row.id, visit_source(store, visit_id),
                          [documents.Addressee("Registered manager", "rm@example.org", "Registered manager")], None)
    documents.reopen_visit(store, visit_id, "The garden gate was found broken")
    open_visit(store, visit_id).set_answer("property_standards", "garden_secure", "not_met")
    second = write_visit_report(store, visit_id)
    assert "-r2-draft-" in second.path.name
    assert approved.path.read_bytes() == issued_bytes  # the issued PDF is never overwritten
    second_text = " ".join(text_of(second.path, store)[1])
    assert "Revision 2 (replaces earlier revisions)" in second_text and "draft 2" in second_text
    assert "Corrects revision 1: The garden gate was found broken" in second_text
    assert main(["report", second.path.stem, "--data-dir", str(store.data_dir)]) == 0
