"""Every report also as Word (issue 18): opened back with python-docx, it has real headings, real
tables with a repeating header row, photos with captions and alternative text, the marking on every
page, DRAFT on a draft's, right-to-left notes as right-to-left paragraphs, and its properties."""

import io

import docx
import pytest
from docx.oxml.ns import qn
from PIL import Image

from qa_desktop.domain.service_types import ServiceType
from qa_desktop.domain.timescales import ConcernLevel
from qa_desktop.domain.visits import VisitLevel
from qa_desktop.forms.checklist import Checklist
from qa_desktop.forms.library import TemplateLibrary
from qa_desktop.reports.pages import Standing
from qa_desktop.reports.word import build_visit_docx
from tests.forms.test_checklist import RAISED, VISIT_DAY, answer_everything
from tests.reports.scripts import SAMPLES
from tests.reports.test_visit_report import FACTS


@pytest.fixture
def full_visit():
    """A full visit as in the PDF's tests (its own copy: these tests add photos to it)."""
    library = TemplateLibrary.load()
    lists = [Checklist(t, VisitLevel.FULL, VISIT_DAY)
             for t in library.for_visit(VisitLevel.FULL, ServiceType.RESIDENTIAL)]
    by_key = {c.template.key: c for c in lists}
    answer_everything(by_key["property_standards"], flag={"kitchen_co_detector", "electric_pat"})
    answer_everything(by_key["compliance_areas"])
    answer_everything(by_key["voice_of_child"])
    by_key["property_standards"].raise_action("kitchen_co_detector", "Fit a CO detector", ConcernLevel.HIGH, RAISED)
    return lists


def photo_store(count: int):
    """Photos as the store gives them back: JPEG bytes by a made-up hash."""
    photos = {}
    for n in range(count):
        buffer = io.BytesIO()
        Image.new("RGB", (1600, 1200), (n * 5, 120, 200)).save(buffer, "JPEG", quality=80)
        photos[f"blob{n}"] = buffer.getvalue()

    def read(blob: str) -> bytes:
        if blob not in photos:
            raise ValueError("photo missing from this laptop")
        return photos[blob]
    return read


def test_the_word_copy_has_headings_tables_photos_and_the_marking(tmp_path, full_visit):
    property_standards = full_visit[0]
    items = [i.key for i in property_standards.visible_items()]
    for n in range(5):
        property_standards.add_evidence(items[n // 2], f"blob{n}", f"Window lock {n + 1}")
    property_standards.set_note(items[6], SAMPLES["Urdu"])
    path = build_visit_docx(FACTS, full_visit, tmp_path / "report.docx", photo_store(5)).path

    opened = docx.Document(str(path))
    headings = [(p.style.name, p.text) for p in opened.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert ("Title", "Quality Assurance Visit Report") in headings
    for text in ("Summary", "Findings", "Actions", "Documents seen", "Voice of the child", "Sign-off",
                 "Appendix: photographs"):
        assert ("Heading 1", text) in headings, text
    assert ("Heading 2", "Property standards") in headings and ("Heading 3", "Lounge") in headings

    tables = opened.tables
    findings = [t for t in tables if [c.text for c in t.rows[0].cells] == ["Item", "Finding", "Notes"]]
    assert len(findings) >= 10
    assert findings[0].rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # repeats on each page
    every_cell = [c.text for t in tables for row in t.rows for c in row.cells]
    assert "✗ NOT MET" in every_cell and "Fit a CO detector" in every_cell and "EXPIRED" in every_cell
    assert "Łukasz Nowak" in every_cell and "Not yet approved" in every_cell

    pictures = opened.inline_shapes
    assert len(pictures) == 5
    assert pictures[0]._inline.docPr.get("descr") == "Photo 1. Window lock 1"
    captions = [p.text for p in opened.paragraphs if p.style.name == "Caption"]
    assert captions[:2] == ["Photo 1. Window lock 1", "Photo 2. Window lock 2"]

    header = " ".join(p.text for p in opened.sections[0].header.paragraphs)
    footer = " ".join(p.text for p in opened.sections[0].footer.paragraphs)
    assert "OFFICIAL-SENSITIVE" in header and "OFFICIAL-SENSITIVE" in footer and "QA-20261122-ABCDEF12" in footer
    assert "DRAFT" not in header

    urdu = next(p for t in tables for row in t.rows for c in row.cells for p in c.paragraphs
                if p.text == SAMPLES["Urdu"])
    assert urdu._p.pPr.find(qn("w:bidi")) is not None  # a right-to-left paragraph

    props = opened.core_properties
    assert props.title == "QA visit report QA-20261122-ABCDEF12" and props.language == "en-GB"
    assert props.author == "Example Council, Children's Commissioning Quality Assurance"
    assert "Zoë Ní Bhriain House" in props.subject


def test_a_draft_in_word_says_so_on_every_page_and_a_missing_photo_in_words(tmp_path, full_visit):
    import datetime as dt

    standing = Standing(made_at=dt.datetime(2026, 11, 22, 10, tzinfo=dt.UTC),
                        draft="the visit is still in progress: 12 required answers remain")
    property_standards = full_visit[0]
    property_standards.add_evidence(property_standards.visible_items()[0].key, "not-here", "Boiler")
    opened = docx.Document(str(build_visit_docx(FACTS, full_visit, tmp_path / "draft.docx", photo_store(0),
                                                standing).path))
    header = " ".join(p.text for p in opened.sections[0].header.paragraphs)
    assert "DRAFT: not for issue (the visit is still in progress: 12 required answers remain)" in header
    body = [p.text for p in opened.paragraphs]
    assert "DRAFT, not for issue: the visit is still in progress: 12 required answers remain" in body
    assert any(text.startswith("Photo not available") for text in body)
