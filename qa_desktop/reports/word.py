"""Every report and letter also as Word (.docx, python-docx), so the team can edit wording and put it
on letterhead, and a screen-reader user gets a structured document (ReportLab cannot tag a PDF).

Structure, not looks: headings are Word's own Heading 1-3 (they make the navigation pane and a
tagged PDF from "Save as PDF"), tables are Word tables with a header row repeated on each page,
photos are inline pictures with their caption below and the caption as the picture's alternative
text. Right-to-left notes are right-to-left paragraphs; Word shapes every script with the fonts the
reader has. Each page's header carries the protective marking (and "DRAFT: not for issue" on a
draft), the footer the reference and "Page X of Y". The document says its title, author, subject,
keywords and language (en-GB) in its properties.

The words come from the same place as the PDF's (``reports.visit_content``).
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from PIL import Image as PILImage

from qa_desktop.atomic import replace
from qa_desktop.forms.checklist import Checklist
from qa_desktop.paths import long_path
from qa_desktop.reports import visit_content as content
from qa_desktop.reports.archival import LANGUAGE, Metadata
from qa_desktop.reports.letterhead import logo_jpeg
from qa_desktop.reports.pages import PageMarks, ReportResult, Standing
from qa_desktop.reports.shaping import base_is_rtl
from qa_desktop.reports.visit_report import VisitFacts, cover_rows, prepared_photo, protective_note, sign_off_rows

RED = RGBColor(0xA1, 0x1D, 0x21)
NAVY = RGBColor(0x1F, 0x3B, 0x5B)
#: A flagged row's shading: light, so black words on it read (and photocopy).
FLAG_FILL = "FBEAEA"
HEADER_FILL = "E8EEF5"


class WordDocument:
    """A Word document being written: marked pages, real headings and tables, then saved atomically."""

    def __init__(self, marks: PageMarks, meta: Metadata) -> None:
        self.doc = Document()
        self.marks = marks
        self._properties(meta)
        self._page(marks)

    def _properties(self, meta: Metadata) -> None:
        props = self.doc.core_properties
        props.title, props.author, props.subject, props.keywords = meta.title, meta.author, meta.subject, meta.keywords
        props.language = meta.language
        props.created = props.modified = meta.made_at.replace(tzinfo=None)
        props.last_modified_by = meta.author
        props.comments = f"Protective marking: {self.marks.marking}"
        # the language of the text itself, so Word's spelling and a screen reader read it as English
        rpr = self.doc.styles["Normal"].element.get_or_add_rPr()
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), LANGUAGE)
        lang.set(qn("w:bidi"), "ar-SA")
        rpr.append(lang)
        self.doc.styles["Normal"].font.size = Pt(10)

    def _page(self, marks: PageMarks) -> None:
        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        for side in ("left_margin", "right_margin"):
            setattr(section, side, Cm(1.8))
        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.CENTER
        top = marks.marking + (f" · DRAFT: not for issue ({marks.draft})" if marks.draft else "")
        run = header.add_run(top)
        run.bold, run.font.color.rgb, run.font.size = True, RED, Pt(9)
        footer = section.footer.paragraphs[0]
        state = "draft" if marks.draft else "revision"
        small = footer.add_run(f"{marks.council_name} · {marks.reference} · {state} {marks.revision} · Page ")
        small.font.size = Pt(8)
        _field(footer, "PAGE")
        footer.add_run(" of ").font.size = Pt(8)
        _field(footer, "NUMPAGES")
        marking = section.footer.add_paragraph()
        marking.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = marking.add_run(marks.marking)
        run.bold, run.font.color.rgb, run.font.size = True, RED, Pt(9)

    # -- content ---------------------------------------------------------------------------------

    def heading(self, text: str, level: int) -> Paragraph:
        paragraph = self.doc.add_heading(level=level)
        _text(paragraph, text)
        return paragraph

    def paragraph(self, text: str, *, bold: bool = False, colour: RGBColor | None = None,
                  style: str | None = None) -> Paragraph:
        paragraph = self.doc.add_paragraph(style=style)
        for run in _text(paragraph, text):
            run.bold = bold or None
            if colour is not None:
                run.font.color.rgb = colour
        return paragraph

    def letterhead(self, council_name: str, service_name: str, address_block: Sequence[str],
                   logo: tuple[bytes, int, int] | None) -> None:
        """The council's logo (at most 4.5 cm x 2.2 cm, right-aligned, its name as the alt text), its
        name and service, and the address block: the PDF's letterhead (``reports.letterhead``)."""
        if logo is not None:
            jpeg, width, height = logo
            scale = min(4.5 / width, 2.2 / height)
            self.doc.add_picture(io.BytesIO(jpeg), width=Cm(width * scale), height=Cm(height * scale))
            self.doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.RIGHT
            inline = self.doc.inline_shapes[-1]._inline
            inline.docPr.set("descr", f"Logo of {council_name}")
            inline.docPr.set("title", f"Logo of {council_name}")
        self.paragraph(council_name, bold=True, colour=NAVY)
        self.paragraph(service_name)
        if address_block:
            self.paragraph("\n".join(address_block))

    def draft_notice(self) -> None:
        if self.marks.draft:
            self.paragraph(f"DRAFT, not for issue: {self.marks.draft}", bold=True, colour=RED)

    def table(self, header: Sequence[str] | None, rows: Sequence[Sequence[str]], widths_cm: Sequence[float],
              flagged: Sequence[int] = (), bold_columns: Sequence[int] = ()) -> Table:
        """A Word table; the header row repeats on each page; ``flagged`` rows (0 = the first row
        after the header) are shaded and their words bold where ``bold_columns`` say."""
        table = self.doc.add_table(rows=0, cols=len(widths_cm))
        table.style = "Table Grid"
        if header is not None:
            cells = table.add_row().cells
            for cell, words in zip(cells, header, strict=True):
                cell.paragraphs[0].add_run(words).bold = True
                _shade(cell, HEADER_FILL)
            _repeat_header(table.rows[0])
        for number, row in enumerate(rows):
            cells = table.add_row().cells
            for column, (cell, words) in enumerate(zip(cells, row, strict=True)):
                runs = _text(cell.paragraphs[0], words)
                if number in flagged:
                    _shade(cell, FLAG_FILL)
                    if column in bold_columns:
                        for run in runs:
                            run.bold = True
        for row in table.rows:
            for cell, width in zip(row.cells, widths_cm, strict=True):
                cell.width = Cm(width)
        return table

    def picture(self, jpeg: bytes, width: int, height: int, caption: str) -> None:
        """A photo, at most 8 cm wide, its caption below (Word's Caption style) and as its alt text."""
        scale = min(8.0 / width, 6.0 / height)
        self.doc.add_picture(io.BytesIO(jpeg), width=Cm(width * scale), height=Cm(height * scale))
        inline = self.doc.inline_shapes[-1]._inline
        inline.docPr.set("descr", caption)
        inline.docPr.set("title", caption)
        self.paragraph(caption, style="Caption")

    def page_break(self) -> None:
        self.doc.add_page_break()

    def save(self, path: Path | IO[bytes]) -> None:
        """Written to a temporary file and renamed into place (never half a document under the name);
        or into a binary stream (a document kept in the data folder is kept encrypted, so it is made in
        memory: ``store.report_files``)."""
        if not isinstance(path, Path):
            self.doc.save(path)
            return
        path = long_path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".writing-", suffix=".docx", dir=path.parent)
        os.close(handle)
        try:
            self.doc.save(temporary)
            replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def logo_for_word(logo: bytes | None) -> tuple[bytes, int, int] | None:
    """The council's logo as the Word copy draws it (an RGB JPEG and its size), or None: no logo, or
    one that cannot be read (the words of the letterhead still say who)."""
    if not logo:
        return None
    try:
        return logo_jpeg(logo)
    except ValueError:
        return None


def _text(paragraph: Paragraph, text: str) -> list[Run]:
    """Put someone's words in a paragraph: line breaks kept, right to left when they read so."""
    runs = []
    for number, line in enumerate(text.split("\n")):
        run = paragraph.add_run()
        if number:
            run.add_break()  # a line break typed inside the note: kept inside its paragraph
        run.add_text(line)
        runs.append(run)
    if base_is_rtl(text):
        ppr = paragraph._p.get_or_add_pPr()
        ppr.append(OxmlElement("w:bidi"))
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        for run in runs:
            run._r.get_or_add_rPr().append(OxmlElement("w:rtl"))
    return runs


def _field(paragraph: Paragraph, code: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word fills in as it lays the pages out."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), code)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _shade(cell: object, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()  # type: ignore[attr-defined]
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    tcpr.append(shading)


def _repeat_header(row: object) -> None:
    trpr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    trpr.append(header)


# -- the visit report ------------------------------------------------------------------------------


def build_visit_docx(facts: VisitFacts, checklists: Sequence[Checklist], path: Path | IO[bytes],
                     photo_bytes: Callable[[str], bytes] | None = None,
                     standing: Standing | None = None) -> ReportResult:
    """The visit report as Word: the same parts, in the same order, as the PDF."""
    standing = facts.standing_or_default(standing)
    marks = facts.marks(standing)
    word = WordDocument(marks, facts.metadata("QA visit report", standing))
    word.letterhead(facts.council_name, facts.service_name, facts.address_block,
                    logo_for_word(facts.logo))
    word.draft_notice()
    word.heading("Quality Assurance Visit Report", 0)
    word.paragraph(facts.provider, bold=True)
    word.table(None, cover_rows(facts, standing), [4.5, 12.5])
    word.paragraph(protective_note(facts.marking))
    word.page_break()

    summary = content.summary(checklists)
    word.heading("Summary", 1)
    word.paragraph(f"RAG: {summary.rag.label}. Overall judgement: {summary.rag.meaning}.", bold=True)
    word.table(summary.header, [summary.counts], [2.2, 2.2, 3.0, 3.0, 2.2, 4.8])
    if summary.flagged:
        word.heading("Flagged items: key concerns", 2)
        for line in summary.flagged:
            word.paragraph(line, style="List Bullet")

    word.page_break()
    word.heading("Findings", 1)
    shown = None
    for part in content.findings(checklists):
        if part.checklist != shown:
            word.heading(part.checklist, 2)
            shown = part.checklist
        word.heading(part.section, 3)
        word.table(("Item", "Finding", "Notes"), [(f.item, f.answer, f.note) for f in part.findings], [7.0, 3.5, 6.9],
                   flagged=[n for n, f in enumerate(part.findings) if f.flagged], bold_columns=[1])

    word.heading("Actions", 1)
    actions = content.action_rows(checklists)
    if actions:
        word.table(content.ACTION_HEADER, actions, [4.5, 5.8, 2.2, 2.8, 2.1])
    else:
        word.paragraph("No actions were raised on this visit.")

    word.heading("Documents seen", 1)
    documents = content.document_rows(checklists, facts.visit_date)
    if documents:
        word.table(content.DOCUMENT_HEADER, [cells for cells, _ in documents], [7.4, 1.4, 2.4, 2.4, 3.8],
                   flagged=[n for n, (_, flagged) in enumerate(documents) if flagged], bold_columns=[4])
    else:
        word.paragraph("No documents were recorded on this visit.")

    word.heading("Voice of the child", 1)
    said = content.voice(checklists)
    if isinstance(said, str):
        word.paragraph(said)
    else:
        for question, answer in said:
            word.paragraph(question, bold=True)
            word.paragraph(answer)

    word.heading("Sign-off", 1)
    signed = sign_off_rows(facts, standing)
    word.table(("Name", "Role", "Date"), [cells for cells, _ in signed], [7.0, 7.0, 3.4],
               flagged=[len(signed) - 1], bold_columns=[0, 1, 2])  # the QA lead's approval, or its absence

    groups = content.photo_groups(checklists)
    warnings: list[str] = []
    if groups:
        word.page_break()
        word.heading("Appendix: photographs", 1)
        for group in groups:
            word.heading(group.heading, 3)
            for photo in group.photos:
                try:
                    jpeg, width, height = prepared_photo(photo.blob, photo_bytes)
                except (ValueError, OSError, PILImage.DecompressionBombError) as error:
                    warnings.append(f"Photo {photo.number} could not be included: {error}")
                    word.paragraph(f"Photo not available: {error}", bold=True)
                    word.paragraph(photo.caption, style="Caption")
                    continue
                word.picture(jpeg, width, height, photo.caption)
    word.save(path)
    return ReportResult(path if isinstance(path, Path) else Path(), 0, sum(len(g.photos) for g in groups),
                        tuple(warnings))



def build_young_inspector_docx(facts: VisitFacts, form: Checklist, path: Path | IO[bytes],
                               standing: Standing | None = None) -> ReportResult:
    """The Young Inspector report as Word: their answers in their own words, each face also in words."""
    standing = facts.standing_or_default(standing)
    word = WordDocument(facts.marks(standing), facts.metadata("Young Inspector report", standing))
    word.paragraph(facts.council_name, bold=True, colour=NAVY)
    word.draft_notice()
    word.heading("What our Young Inspector found", 0)
    word.paragraph(f"{facts.setting} · visited {facts.visit_date.day} {facts.visit_date:%B %Y}", bold=True)
    word.paragraph("Young Inspectors are care leavers who visit the places young people live and tell us what it is "
                   "really like. These are their answers and their own words.")
    for section in form.sections():
        answered = [(item, form.records[item.key].answer) for item in form.visible_items(section)
                    if item.key in form.records and form.records[item.key].answer not in (None, "", [])]
        if not answered:
            continue
        word.heading(section.title, 1)
        for item, value in answered:
            word.paragraph(item.label, bold=True)
            words = content.answer_text(item, value)[0]
            word.paragraph(f"“{words}”" if item.response.value == "text" else words,
                           style="Quote" if item.response.value == "text" else None)
    word.paragraph("Thank you to our Young Inspector for their time and honesty.", bold=True)
    word.save(path)
    return ReportResult(path if isinstance(path, Path) else Path(), 0, 0, ())
