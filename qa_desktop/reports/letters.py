"""Letters and plans that go out to a provider (Section 12): the QA improvement plan, the embargo
notification, the removal of an embargo or a plan, and Young Inspector feedback; as PDF (same page
furniture, PDF/A and scripts as the reports) and as Word.

A letter is plain data (``Letter``), filled in by ``services.letters`` from the records and the
team's template (``resources/letters/*.yaml``, or the team's own copy), then drawn either way here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from qa_desktop.reports.archival import Metadata
from qa_desktop.reports.letterhead import letterhead
from qa_desktop.reports.pages import (
    PageMarks,
    ReportResult,
    Standing,
    draft_notice,
    styles,
    table,
    write_pdf,
)
from qa_desktop.reports.pages import p as para
from qa_desktop.reports.word import WordDocument, logo_for_word


@dataclass(frozen=True)
class LetterTable:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths_mm: tuple[float, ...]
    flagged: tuple[int, ...] = ()  # rows (0 = first after the header) shaded, their words bold


@dataclass(frozen=True)
class LetterPart:
    """A heading (or none), its paragraphs, and a table after them."""

    heading: str | None = None
    paragraphs: tuple[str, ...] = ()
    table: LetterTable | None = None


@dataclass(frozen=True)
class Letter:
    council_name: str
    service_name: str
    kind_label: str  # "QA improvement plan"
    reference: str
    revision: int
    title: str
    to: tuple[str, ...]  # the provider's name and address, line by line
    about: str  # what it concerns: "Harbour View (Harbour Care Ltd)"
    parts: tuple[LetterPart, ...]
    sender: str
    urn: str = ""
    #: the council's address block and logo (``services.council.branding``), on the letterhead
    address_block: tuple[str, ...] = ()
    logo: bytes | None = field(default=None, repr=False)

    def marks(self, standing: Standing) -> PageMarks:
        return PageMarks(self.council_name, self.reference, self.revision, standing.draft)

    def metadata(self, standing: Standing) -> Metadata:
        return Metadata(title=f"{self.kind_label} {self.reference}", author=f"{self.council_name}, {self.service_name}",
                        subject=f"{self.title}: {self.about}",
                        keywords=f"quality assurance; {self.kind_label.lower()}; {self.urn or 'no URN'}; "
                                 f"{self.reference}",
                        made_at=standing.made_at)

    def signature(self, standing: Standing, on: dt.date) -> list[str]:
        lines = [standing.submitted_by or self.sender, "Quality Assurance Officer", self.service_name,
                 self.council_name]
        if standing.approved_by and standing.approved_on:
            lines.append(f"Approved for issue by {standing.approved_by}, QA lead, on {standing.approved_on:%d %B %Y}")
        else:
            lines.append("Not yet approved by the QA lead")
        return lines


def build_letter_pdf(letter: Letter, path: Path | IO[bytes], standing: Standing) -> ReportResult:
    marks = letter.marks(standing)
    s = styles()
    day = standing.made_at.astimezone().date()
    story: list[Flowable] = [*letterhead(letter.council_name, letter.service_name, letter.address_block,
                                         letter.logo, s),
                             *draft_notice(marks, s), Spacer(1, 8 * mm)]
    story += [para("\n".join(letter.to), s["body"]), Spacer(1, 4 * mm),
              para(f"Date: {day.day} {day:%B %Y}\nOur reference: {letter.reference} (revision {letter.revision})",
                   s["body"]), Spacer(1, 6 * mm), para(letter.title, s["title"])]
    if standing.corrects:
        story.append(para(f"This revision corrects {standing.corrects}.", s["cell_bold"]))
    for part in letter.parts:
        if part.heading:
            story.append(para(part.heading, s["h2"]))
        for text in part.paragraphs:
            story += [para(text, s["body"]), Spacer(1, 2.5 * mm)]
        if part.table is not None:
            rows: list[list[object]] = [list(part.table.header)]
            rows += [[para(cell, s["small"]) for cell in row] for row in part.table.rows]
            story += [table(rows, [w * mm for w in part.table.widths_mm], [n + 1 for n in part.table.flagged]),
                      Spacer(1, 4 * mm)]
    story.append(Spacer(1, 6 * mm))
    story += [para(line, s["cell_bold"] if n == 0 else s["body"])
              for n, line in enumerate(letter.signature(standing, day))]
    return write_pdf(story, marks, letter.metadata(standing), path)


def build_letter_docx(letter: Letter, path: Path | IO[bytes], standing: Standing) -> ReportResult:
    word = WordDocument(letter.marks(standing), letter.metadata(standing))
    day = standing.made_at.astimezone().date()
    word.letterhead(letter.council_name, letter.service_name, letter.address_block,
                    logo_for_word(letter.logo))
    word.draft_notice()
    word.paragraph("\n".join(letter.to))
    word.paragraph(f"Date: {day.day} {day:%B %Y}\nOur reference: {letter.reference} (revision {letter.revision})")
    word.heading(letter.title, 1)
    if standing.corrects:
        word.paragraph(f"This revision corrects {standing.corrects}.", bold=True)
    for part in letter.parts:
        if part.heading:
            word.heading(part.heading, 2)
        for text in part.paragraphs:
            word.paragraph(text)
        if part.table is not None:
            word.table(part.table.header, part.table.rows, [w / 10 for w in part.table.widths_mm],
                       flagged=part.table.flagged, bold_columns=range(len(part.table.header)))
    for n, line in enumerate(letter.signature(standing, day)):
        word.paragraph(line, bold=n == 0)
    word.save(path)
    return ReportResult(path if isinstance(path, Path) else Path(), 0, 0, ())
