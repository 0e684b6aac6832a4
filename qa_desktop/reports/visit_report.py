"""The formal QA visit report as a PDF.

Layout: a cover (council, provider, setting, URN, service type, tier, date, level, announced or
unannounced, officers, reason), a summary (counts, the overall concern level, flagged items and
key concerns), findings section by section, the actions table with Figure 8 due dates, documents
seen with expiry, the voice of the child and a sign-off. Every page carries the protective
marking OFFICIAL-SENSITIVE, the report reference and "Page X of Y".

Readable without colour: a "not met" answer is written NOT MET in bold with a marker, an expired
document says EXPIRED; colour only repeats what the words say. Tables repeat their header row on
each page and long notes wrap and split across pages. The PDF is written to a temporary file and
renamed into place, so a crash never leaves a half-written report under the final name.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from PIL import Image as PILImage
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Spacer, Table, TableStyle
from reportlab.platypus import Image as RLImage

from qa_desktop.domain.risk import VisitRag
from qa_desktop.forms.checklist import (
    Checklist,
)
from qa_desktop.reports import visit_content as content
from qa_desktop.reports.archival import Metadata
from qa_desktop.reports.letterhead import letterhead
from qa_desktop.reports.pages import (
    BASE_FONT,
    MARKING,
    RED,
    PageMarks,
    Progress,
    ReportResult,
    Standing,
    default_made_at,
    draft_notice,
    no_progress,
    write_pdf,
)
from qa_desktop.reports.pages import p as _p
from qa_desktop.reports.pages import styles as _styles
from qa_desktop.reports.pages import table as _table

answer_text = content.answer_text

__all__ = ["MARKING", "Progress", "ReportResult", "Standing", "VisitFacts", "answer_text", "build_visit_report",
           "no_progress"]

#: Light enough for black words on them to read (and to photocopy): the word carries the meaning.
RAG_COLOURS = {VisitRag.RED: colors.HexColor("#f4a6a6"), VisitRag.AMBER: colors.HexColor("#ffd27f"),
               VisitRag.GREEN: colors.HexColor("#a8dca8")}


@dataclass(frozen=True)
class VisitFacts:
    """What the cover states, gathered from the register and the visit."""

    council_name: str
    service_name: str
    reference: str
    provider: str
    setting: str
    address: str
    urn: str
    service_type: str
    tier: str
    visit_date: dt.date
    level: str
    announced: bool
    officers: Sequence[str]
    reason: str
    revision: int = 1
    #: said when a Young Inspector was due but did not take part (their form withdrawn, issue 16)
    young_inspector: str = ""
    #: the council's protective marking (``services.council``), in the header, footer and sign-off
    marking: str = MARKING
    #: the council's address block and logo (``services.council.branding``), on the cover's letterhead
    address_block: tuple[str, ...] = ()
    logo: bytes | None = field(default=None, repr=False)

    def marks(self, standing: Standing) -> PageMarks:
        return PageMarks(self.council_name, self.reference, self.revision, standing.draft, self.marking)

    def metadata(self, title: str, standing: Standing) -> Metadata:
        return Metadata(title=f"{title} {self.reference}", author=f"{self.council_name}, {self.service_name}",
                        subject=f"{title} of {self.setting} ({self.provider}), visited {self.visit_date:%d %B %Y}",
                        keywords=f"quality assurance; {title.lower()}; {self.urn or 'no URN'}; {self.reference}",
                        made_at=standing.made_at)

    def standing_or_default(self, standing: Standing | None) -> Standing:
        return standing or Standing(made_at=default_made_at(self.visit_date))


#: Photo size in the PDF: enough for print at about 200 dpi in an 80 mm column.
PHOTO_PIXELS = 640
PHOTO_BOX = (80 * mm, 62 * mm)


def build_visit_report(facts: VisitFacts, checklists: Sequence[Checklist], path: Path | IO[bytes],
                       photo_bytes: Callable[[str], bytes] | None = None,
                       progress: Progress = no_progress, standing: Standing | None = None) -> ReportResult:
    """Write the report PDF to ``path`` (atomically), or into a binary stream. ``photo_bytes`` reads a photo by its hash
    and raises a ``ValueError`` (the store's ``BlobError``) when it cannot; without it, photos are listed
    as not available. ``standing``: draft, submitted or approved, and when it was made.
    ``progress`` hears of each photo prepared, then of each page laid out (the slow parts)."""
    standing = facts.standing_or_default(standing)
    styles = _styles()
    warnings: list[str] = []
    photos = _photos(checklists, photo_bytes, warnings, styles, progress)
    marks = facts.marks(standing)
    story: list[Flowable] = []
    story += _cover(facts, standing, marks, styles)
    story += _summary(checklists, styles)
    story += _findings(checklists, styles)
    story += _actions(checklists, styles)
    story += _documents(checklists, facts.visit_date, styles)
    story += _voice(checklists, styles)
    story += sign_off(facts, standing, styles)
    story += photos.story
    return write_pdf(story, marks, facts.metadata("QA visit report", standing), path, photos.count, warnings,
                     progress)


@dataclass
class _PhotoPages:
    story: list[Flowable]
    count: int


def _photos(checklists: Sequence[Checklist], photo_bytes: Callable[[str], bytes] | None, warnings: list[str],
            s: dict[str, ParagraphStyle], progress: Progress) -> _PhotoPages:
    """An appendix of photographs, by item, two to a row, each with its caption."""
    story: list[Flowable] = [PageBreak(), _p("Appendix: photographs", s["h1"])]
    groups = content.photo_groups(checklists)
    total = sum(len(g.photos) for g in groups)
    for group in groups:
        cells: list[list[Flowable] | str] = []  # each a photo and its caption; "" fills a row
        for photo in group.photos:
            progress("Preparing photo", photo.number, total)
            cells.append([_photo_flowable(photo.blob, photo_bytes, warnings, photo.number, s),
                          _p(photo.caption, s["small"])])
        rows = [cells[i:i + 2] for i in range(0, len(cells), 2)]
        if len(rows[-1]) == 1:
            rows[-1].append("")
        table = Table(rows, colWidths=[87 * mm, 87 * mm])
        table.setStyle(TableStyle([BASE_FONT, ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("BOTTOMPADDING", (0, 0), (-1, -1), 8)]))
        story += [_p(group.heading, s["section"]), table]
    return _PhotoPages(story if total else [], total)


def prepared_photo(blob: str, photo_bytes: Callable[[str], bytes] | None) -> tuple[bytes, int, int]:
    """A photo made small enough for print in a report (JPEG, at most ``PHOTO_PIXELS`` a side), and
    its size; ``ValueError`` or ``OSError`` if it cannot be read (the PDF and the Word copy alike)."""
    if photo_bytes is None:
        raise ValueError("photos were not supplied to the report")
    with PILImage.open(io.BytesIO(photo_bytes(blob))) as picture:
        picture.draft("RGB", (PHOTO_PIXELS, PHOTO_PIXELS))  # JPEG: decode at 1/2, 1/4 or 1/8 size
        rgb = picture.convert("RGB")
        rgb.thumbnail((PHOTO_PIXELS, PHOTO_PIXELS))
        buffer = io.BytesIO()
        rgb.save(buffer, "JPEG", quality=80)
        return buffer.getvalue(), rgb.size[0], rgb.size[1]


def _photo_flowable(blob: str, photo_bytes: Callable[[str], bytes] | None, warnings: list[str], number: int,
                    s: dict[str, ParagraphStyle]) -> Flowable:
    try:
        jpeg, width, height = prepared_photo(blob, photo_bytes)
    except (ValueError, OSError, PILImage.DecompressionBombError) as error:  # BlobError is a ValueError
        warnings.append(f"Photo {number} could not be included: {error}")
        box = Table([[_p(f"Photo not available: {error}", s["small"])]], colWidths=[PHOTO_BOX[0]],
                    rowHeights=[30 * mm])
        box.setStyle(TableStyle([BASE_FONT, ("BOX", (0, 0), (-1, -1), 0.8, RED),
                                 ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
        return box
    scale = min(PHOTO_BOX[0] / width, PHOTO_BOX[1] / height)
    return RLImage(io.BytesIO(jpeg), width=width * scale, height=height * scale)


def cover_rows(facts: VisitFacts, standing: Standing) -> list[tuple[str, str]]:
    """The cover's facts, in order (the Word copy shows the same)."""
    rows = [
        ("Provider", facts.provider), ("Setting", facts.setting), ("Address", facts.address or "Not recorded"),
        ("URN", facts.urn or "None (not registered)"), ("Service type", facts.service_type),
        ("Framework tier", facts.tier or "Not on a tiered framework"), ("Visit date", f"{facts.visit_date:%d %B %Y}"),
        ("Visit level", facts.level), ("Announced", "Announced" if facts.announced else "Unannounced"),
        ("Officers", ", ".join(facts.officers)), ("Reason for visit", facts.reason),
        *([("Young Inspector", facts.young_inspector)] if facts.young_inspector else []),
        ("Report reference", facts.reference),
        ("Revision", f"{facts.revision}" + (" (replaces earlier revisions)" if facts.revision > 1 else "")),
        ("Status", standing.status_words()),
    ]
    if standing.corrects:
        rows.append(("Corrects", standing.corrects))
    return rows


def protective_note(marking: str) -> str:
    """The cover's sentence on the council's protective marking."""
    return f"Protective marking: {marking}. Share only with the provider and the professionals involved."


def _cover(facts: VisitFacts, standing: Standing, marks: PageMarks,
           s: dict[str, ParagraphStyle]) -> list[Flowable]:
    table = Table([[_p(k, s["cell_bold"]), _p(v, s["body"])] for k, v in cover_rows(facts, standing)],
                  colWidths=[45 * mm, 125 * mm])
    table.setStyle(TableStyle([BASE_FONT, ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.HexColor("#c5d0db")),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return [*letterhead(facts.council_name, facts.service_name, facts.address_block, facts.logo, s),
            *draft_notice(marks, s),
            Spacer(1, 18 * mm if not marks.draft else 8 * mm),
            _p("Quality Assurance Visit Report", s["title"]), _p(facts.provider, s["h2"]), Spacer(1, 8 * mm), table,
            Spacer(1, 12 * mm), _p(protective_note(facts.marking), s["small"]), PageBreak()]


def _summary(checklists: Sequence[Checklist], s: dict[str, ParagraphStyle]) -> list[Flowable]:
    found = content.summary(checklists)
    rag = found.rag
    badge = Table([[_p(f"RAG: {rag.label}", s["rag"]), _p(f"Overall judgement: {rag.meaning}.", s["cell_bold"])]],
                  colWidths=[32 * mm, 142 * mm])
    badge.setStyle(TableStyle([BASE_FONT, ("BACKGROUND", (0, 0), (0, 0), RAG_COLOURS[rag]),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("BOX", (0, 0), (0, 0), 0.8, colors.black), ("LEFTPADDING", (1, 0), (1, 0), 8)]))
    story: list[Flowable] = [_p("Summary", s["h1"]), badge, Spacer(1, 4 * mm),
                             _table([list(found.header), list(found.counts)],
                                    [22 * mm, 22 * mm, 30 * mm, 30 * mm, 22 * mm, 48 * mm])]
    if found.flagged:
        story.append(_p("Flagged items: key concerns", s["h2"]))
        story += [_p(f"• {line}", s["body"]) for line in found.flagged]
    return story


def _findings(checklists: Sequence[Checklist], s: dict[str, ParagraphStyle]) -> list[Flowable]:
    story: list[Flowable] = [PageBreak(), _p("Findings", s["h1"])]
    shown = None
    for part in content.findings(checklists):
        if part.checklist != shown:
            story.append(_p(part.checklist, s["h2"]))
            shown = part.checklist
        rows: list[list[object]] = [["Item", "Finding", "Notes"]]
        flagged_rows = []
        for finding in part.findings:
            rows.append([_p(finding.item, s["small"]), _p(finding.answer, s["cell_bold"] if finding.flagged
                                                             else s["small"]), _p(finding.note, s["small"])])
            if finding.flagged:
                flagged_rows.append(len(rows) - 1)
        story += [_p(part.section, s["section"]), _table(rows, [70 * mm, 35 * mm, 69 * mm], flagged_rows),
                  Spacer(1, 4 * mm)]
    return story


def _actions(checklists: Sequence[Checklist], s: dict[str, ParagraphStyle]) -> list[Flowable]:
    actions = content.action_rows(checklists)
    story: list[Flowable] = [_p("Actions", s["h1"])]
    if not actions:
        return [*story, _p("No actions were raised on this visit.", s["body"])]
    rows: list[list[object]] = [list(content.ACTION_HEADER)]
    for item, text, level, due, owner in actions:
        rows.append([_p(item, s["small"]), _p(text, s["small"]), _p(level, s["cell_bold"]), _p(due, s["small"]),
                     _p(owner, s["small"])])
    return [*story, _table(rows, [50 * mm, 58 * mm, 20 * mm, 28 * mm, 18 * mm])]


def _documents(checklists: Sequence[Checklist], on: dt.date, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    found = content.document_rows(checklists, on)
    story: list[Flowable] = [_p("Documents seen", s["h1"])]
    if not found:
        return [*story, _p("No documents were recorded on this visit.", s["body"])]
    rows: list[list[object]] = [list(content.DOCUMENT_HEADER)]
    flagged_rows = []
    for cells, flagged in found:
        rows.append([_p(c, s["cell_bold"] if flagged and n == 4 else s["small"]) for n, c in enumerate(cells)])
        if flagged:
            flagged_rows.append(len(rows) - 1)
    return [*story, _table(rows, [74 * mm, 14 * mm, 24 * mm, 24 * mm, 38 * mm], flagged_rows)]


def _voice(checklists: Sequence[Checklist], s: dict[str, ParagraphStyle]) -> list[Flowable]:
    story: list[Flowable] = [_p("Voice of the child", s["h1"])]
    said = content.voice(checklists)
    if isinstance(said, str):
        return [*story, _p(said, s["body"])]
    for question, answer in said:
        story += [_p(question, s["cell_bold"]), _p(answer, s["body"]), Spacer(1, 2 * mm)]
    return story


def sign_off_rows(facts: VisitFacts, standing: Standing) -> list[tuple[tuple[str, str, str], bool]]:
    """Name, role and date of each officer, then the QA lead's approval or its absence (bold)."""
    rows = [((name, "Quality Assurance Officer", f"{facts.visit_date:%d/%m/%Y}"), False) for name in facts.officers]
    if standing.approved_by and standing.approved_on:
        rows.append(((standing.approved_by, "QA lead: approved for issue", f"{standing.approved_on:%d/%m/%Y}"), True))
    else:
        rows.append((("Not yet approved", "QA lead", ""), True))
    return rows


def sign_off(facts: VisitFacts, standing: Standing, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    """The officers who made the visit, and the QA lead's approval (name and date) or its absence."""
    rows: list[list[object]] = [["Name", "Role", "Date"]]
    rows += [[_p(c, s["cell_bold"] if bold else s["body"]) for c in cells] for cells, bold in sign_off_rows(facts,
                                                                                                             standing)]
    return [Spacer(1, 6 * mm), _p("Sign-off", s["h1"]), _table(rows, [70 * mm, 70 * mm, 34 * mm])]
