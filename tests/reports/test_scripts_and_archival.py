# ruff: noqa: RUF001 (notes in Arabic script: their letters are meant)
"""Every script a council's children and families write in, shaped in the PDF and read back as a
reader would (poppler's pdftotext, which honours /ActualText as Acrobat does); and the PDF/A-2b
that keeps reports readable for the five years the team keeps them."""

import re
import subprocess
import unicodedata
import xml.etree.ElementTree as ET

import pytest
from pypdf import PdfReader
from pypdf.generic import IndirectObject

from qa_desktop.domain.visits import VisitLevel
from qa_desktop.forms.checklist import Checklist
from qa_desktop.forms.library import TemplateLibrary
from qa_desktop.reports.fonts import ARABIC, REGULAR
from qa_desktop.reports.pages import Standing
from qa_desktop.reports.shaping import lay_out, runs
from qa_desktop.reports.visit_report import build_visit_report
from tests.forms.test_checklist import VISIT_DAY, answer_everything
from tests.reports.scripts import SAMPLES
from tests.reports.test_visit_report import FACTS

BIDI_CONTROLS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e"), None)


def read_back(path) -> str:
    """The PDF's words as pdftotext gives them, folded the way a search box would (compatibility
    forms to letters, direction marks dropped, runs of space to one)."""
    raw = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    return " ".join(unicodedata.normalize("NFKC", raw).translate(BIDI_CONTROLS).split())


@pytest.fixture(scope="module")
def report_in_every_script(tmp_path_factory):
    library = TemplateLibrary.load()
    checklist = Checklist(library.get("property_standards"), VisitLevel.PROPERTY_ONLY, VISIT_DAY)
    answer_everything(checklist)
    keys = [i.key for i in checklist.visible_items() if i.response.value != "photo"]
    for key, (language, note) in zip(keys, SAMPLES.items(), strict=False):
        checklist.set_note(key, f"{language}: {note}")
    # long notes wrap over several lines (right to left ones too)
    checklist.set_note(keys[len(SAMPLES)], (SAMPLES["Urdu"] + " ") * 6)
    checklist.set_note(keys[len(SAMPLES) + 1], SAMPLES["Chinese"] * 12)
    path = tmp_path_factory.mktemp("scripts") / "every-script.pdf"
    return build_visit_report(FACTS, [checklist], path).path


def in_reading_order(note: str, text: str) -> bool:
    """Every word of ``note``, whole and in order, in ``text`` (a table cell's lines are read with
    the other cells of their row in between)."""
    words = text.split()
    at = 0
    for word in unicodedata.normalize("NFKC", note).split():
        try:
            at = words.index(word, at) + 1
        except ValueError:
            return False
    return True


def test_each_scripts_note_reads_back_from_the_pdf(report_in_every_script):
    text = read_back(report_in_every_script)
    for language, note in SAMPLES.items():
        assert in_reading_order(f"{language}: {note}", text), language


def test_long_right_to_left_and_chinese_notes_wrap_without_losing_a_word(report_in_every_script):
    text = read_back(report_in_every_script)
    assert in_reading_order((SAMPLES["Urdu"] + " ") * 6, text)
    assert text.replace(" ", "").count(SAMPLES["Chinese"].replace(" ", "")) >= 12


def test_every_font_is_embedded_and_subset_so_the_pdf_stays_small(report_in_every_script):
    reader = PdfReader(str(report_in_every_script))
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[str(font["/BaseFont"])] = font
    names = {name.split("+")[-1] for name in fonts}
    assert {"NotoSansBengali-Regular", "NotoSansGurmukhi-Regular", "NotoSansGujarati-Regular", "NotoSansTamil-Regular",
            "NotoSansEthiopic-Regular", "NotoNaskhArabic-Regular", "DroidSansFallback", "DejaVuSans"} <= names
    for name, font in fonts.items():
        assert "+" in name, f"{name} is not a subset"
        assert "/FontFile2" in font["/FontDescriptor"], f"{name} is not embedded"
        assert "/Encoding" not in font  # symbolic TrueType, as PDF/A asks
    assert "Helvetica" not in " ".join(fonts)
    # the fonts on disk weigh 6 MB; the subsets used by a note in each script a small part of that
    assert report_in_every_script.stat().st_size < 400_000


def test_a_character_no_font_has_is_printed_as_its_code_never_an_empty_box(tmp_path):
    library = TemplateLibrary.load()
    checklist = Checklist(library.get("property_standards"), VisitLevel.PROPERTY_ONLY, VISIT_DAY)
    answer_everything(checklist)
    checklist.set_note(checklist.visible_items()[0].key, "Young person drew 🐈 on the wall")
    text = read_back(build_visit_report(FACTS, [checklist], tmp_path / "emoji.pdf").path)
    assert "Young person drew [U+1F408] on the wall" in text


def test_a_right_to_left_note_starts_on_its_first_line_and_reads_right_to_left():
    note = SAMPLES["Arabic"]
    lines, rtl = lay_out(note, 60, REGULAR, 9)
    assert rtl and len(lines) >= 3
    logical = [" ".join("".join(p.run.text for p in sorted(line.runs, key=lambda p: p.index)).split())
               for line in lines]
    assert " ".join(logical) == note  # every word, line after line, nothing lost or repeated
    assert logical[0].startswith(note.split(" ")[0])  # the first line holds the start of the note
    assert lines[0].runs[-1].index == 0  # drawn right to left: the first word is the rightmost


def test_a_word_mixing_scripts_is_cut_into_runs_each_in_its_own_font():
    assert [(r.text, r.font) for r in runs("(রান্নাঘর)", REGULAR)] == [("(", REGULAR), ("রান্নাঘর)", "NotoSansBengali")]
    pieces = runs("كتاب2026.", REGULAR)
    assert [(r.text, r.font, r.shaped) for r in pieces] == [
        ("كتاب", ARABIC, True),  # joined by HarfBuzz
        ("2026", REGULAR, False),  # numbers stay left to right
        (".", REGULAR, False)]


def test_punctuation_after_right_to_left_words_goes_where_the_line_direction_puts_it():
    lines, rtl = lay_out("Note: قال الطفل.", 400, REGULAR, 9)
    assert not rtl
    drawn = [p.run.text for p in lines[0].runs]
    assert drawn[0] == "Note:" and drawn[-1] == "."  # the full stop ends the line, right of the Arabic
    assert drawn[2:5] == ["الطفل", " ", "قال"]  # the Arabic reads right to left


def _xmp(reader: PdfReader) -> ET.Element:
    metadata = reader.trailer["/Root"]["/Metadata"].get_object()
    assert "/Filter" not in metadata  # PDF/A: the XMP packet is readable as it is
    return ET.fromstring(metadata.get_data())


NS = {"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "dc": "http://purl.org/dc/elements/1.1/",
      "pdfaid": "http://www.aiim.org/pdfa/ns/id/", "xmp": "http://ns.adobe.com/xap/1.0/",
      "pdf": "http://ns.adobe.com/pdf/1.3/"}


def test_reports_are_pdf_a_2b_with_title_author_subject_and_language(tmp_path):
    library = TemplateLibrary.load()
    checklist = Checklist(library.get("property_standards"), VisitLevel.PROPERTY_ONLY, VISIT_DAY)
    answer_everything(checklist)
    import datetime as dt
    made = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC)
    path = build_visit_report(FACTS, [checklist], tmp_path / "a.pdf", standing=Standing(made_at=made)).path
    raw = path.read_bytes()
    assert raw.startswith(b"%PDF-1.7\n%") and all(b > 127 for b in raw[10:14])  # binary comment line
    reader = PdfReader(str(path))
    assert not reader.is_encrypted
    info = reader.metadata
    assert info.title == "QA visit report QA-20261122-ABCDEF12"
    assert info.author == "Example Council, Children's Commissioning Quality Assurance"
    assert "Zoë Ní Bhriain House" in info.subject
    assert info["/CreationDate"] == "D:20261122100000+00'00'"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert len(reader.trailer["/ID"]) == 2
    # XMP: PDF/A-2b, saying what the information dictionary says
    xmp = _xmp(reader)
    assert xmp.find(".//pdfaid:part", NS).text == "2" and xmp.find(".//pdfaid:conformance", NS).text == "B"
    assert xmp.find(".//dc:title//rdf:li", NS).text == info.title
    assert xmp.find(".//dc:creator//rdf:li", NS).text == info.author
    assert xmp.find(".//dc:description//rdf:li", NS).text == info.subject
    assert xmp.find(".//dc:language//rdf:li", NS).text == "en-GB"
    assert xmp.find(".//pdf:Producer", NS).text == info.producer
    assert xmp.find(".//pdf:Keywords", NS).text == info["/Keywords"]
    assert xmp.find(".//xmp:CreatorTool", NS).text == info.creator
    assert xmp.find(".//xmp:CreateDate", NS).text == "2026-11-22T10:00:00+00:00"
    # the output intent: an embedded sRGB ICC profile of a version PDF/A-2 accepts
    (intent,) = [i.get_object() for i in root["/OutputIntents"]]
    assert intent["/S"] == "/GTS_PDFA1" and intent["/OutputConditionIdentifier"] == "sRGB IEC61966-2.1"
    profile = intent.raw_get("/DestOutputProfile")
    assert isinstance(profile, IndirectObject)  # a stream, so an indirect object
    profile = profile.get_object()
    icc = profile.get_data()
    assert profile["/N"] == 3 and icc[36:40] == b"acsp" and icc[16:20] == b"RGB " and icc[8] <= 4 and icc[9] <= 0x20
    # no transparency groups, no JavaScript, no unembedded fonts anywhere
    for page in reader.pages:
        assert "/Group" not in page and "/AA" not in page
    assert b"/JavaScript" not in raw and b"/Helvetica" not in raw
    assert re.search(rb"/Type\s*/Metadata", raw)
