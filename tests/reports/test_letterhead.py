"""The council's logo and address block on the letterhead of reports and letters (issue 20, point 4),
from ``services.council.branding``: the visit report's cover and a letter, as PDF and as Word, read
back. A logo with transparency is drawn flattened onto white (the PDFs take RGB colour only)."""

from __future__ import annotations

import datetime as dt
import io

import docx
from PIL import Image, ImageDraw
from pypdf import PdfReader

from qa_desktop.domain.documents import DocumentKind
from qa_desktop.domain.oversight import PlanKind
from qa_desktop.domain.timescales import ConcernLevel
from qa_desktop.forms.library import TemplateLibrary
from qa_desktop.reports.letterhead import logo_jpeg, logo_size_mm
from qa_desktop.services import oversight
from qa_desktop.services.council import set_branding
from qa_desktop.services.reports import write_visit_report
from qa_desktop.workspace import Workspace
from tests.sync.conftest import make_visit

ADDRESS = "Gun Wharf\nDock Road\nChatham ME4 4TR"


def logo() -> bytes:
    """A 400 x 160 PNG with a transparent background: a navy bar and a green disc."""
    picture = Image.new("RGBA", (400, 160), (0, 0, 0, 0))
    draw = ImageDraw.Draw(picture)
    draw.rectangle((0, 40, 260, 120), fill=(20, 50, 100, 255))
    draw.ellipse((280, 20, 400, 140), fill=(30, 140, 60, 255))
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def test_the_logo_is_flattened_onto_white_and_fits_the_corner():
    jpeg, width, height = logo_jpeg(logo())
    with Image.open(io.BytesIO(jpeg)) as drawn:
        assert drawn.format == "JPEG" and drawn.mode == "RGB" and (width, height) == (400, 160)
        assert drawn.getpixel((5, 5)) >= (250, 250, 250)  # the transparent corner is white, not black
    assert logo_size_mm(400, 160) == (45.0, 18.0) and logo_size_mm(100, 400) == (5.5, 22.0)


def first_page_images(path) -> list:
    return list(PdfReader(str(path)).pages[0].images)


def test_the_visit_report_and_a_letter_carry_the_council_s_logo_and_address(store, tmp_path):
    visit_id = make_visit(store, TemplateLibrary.load())
    officer = Workspace(store)
    provider = officer.visits.header(visit_id).provider_id
    plain = write_visit_report(store, visit_id, tmp_path / "plain.pdf")
    assert first_page_images(plain.path) == []  # no logo set: the cover is words alone, as before

    set_branding(store, council_name="Medway Council", address_block=ADDRESS, logo=logo())
    report = write_visit_report(store, visit_id, tmp_path / "report.pdf")
    cover = PdfReader(str(report.path)).pages[0]
    assert len(list(cover.images)) == 1
    text = " ".join(cover.extract_text().split())
    assert "Medway Council" in text and "Gun Wharf Dock Road Chatham ME" in text

    plan = oversight.issue_action_plan(store, provider, kind=PlanKind.QA, issued_on=dt.date(2026, 11, 22),
                                       reason="Fire doors wedged open.",
                                       actions=[("Fit door closers", ConcernLevel.HIGH)],
                                       raised_at=dt.datetime(2026, 11, 22, 10, tzinfo=dt.UTC))
    letter = officer.documents.letter(DocumentKind.ACTION_PLAN, plan).value
    assert not letter.path.read_bytes().startswith(b"%PDF")  # kept encrypted in the data folder: read through it
    page = PdfReader(io.BytesIO(store.reports.read(letter.path))).pages[0]
    assert len(list(page.images)) == 1
    assert "Gun Wharf Dock Road Chatham ME" in " ".join(page.extract_text().split())

    [info] = [d for d in officer.documents.of_provider(provider) if d.kind is DocumentKind.ACTION_PLAN]
    word = docx.Document(str(officer.documents.word(info.id, tmp_path / "plan.docx").path))
    [shape] = word.inline_shapes
    assert shape._inline.docPr.get("descr") == "Logo of Medway Council"
    assert [p.text for p in word.paragraphs[1:4]] == ["Medway Council", "Children's Commissioning Quality Assurance",
                                                       ADDRESS]
