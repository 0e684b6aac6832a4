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
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, cast

from PIL import Image as PILImage
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, PageBreak, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus import Image as RLImage

from qa_desktop.atomic import replace
from qa_desktop.clock import file_age_seconds
from qa_desktop.domain.attributed_notes import attributed_text
from qa_desktop.domain.risk import VisitRag, visit_rag
from qa_desktop.domain.timescales import ConcernLevel
from qa_desktop.forms.checklist import (
    FACE_WORDS,
    MET,
    NO,
    NOT_APPLICABLE,
    NOT_MET,
    YES,
    Checklist,
    DocumentSeen,
    RaisedAction,
)
from qa_desktop.forms.template import Item, ResponseType
from qa_desktop.paths import long_path
from qa_desktop.reports.fonts import BOLD, REGULAR, register_fonts
from qa_desktop.reports.text import user_text

MARKING = "OFFICIAL-SENSITIVE"
NAVY = colors.HexColor("#1f3b5b")
PALE = colors.HexColor("#e8eef5")
RED = colors.HexColor("#a11d21")
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
    #: the council's protective marking (``services.council``), in the header, footer and sign-off
    marking: str = MARKING


def _styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    base = ParagraphStyle("body", fontName=REGULAR, fontSize=9.5, leading=12.5)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=11),
        "cell_bold": ParagraphStyle("cell_bold", parent=base, fontName=BOLD),
        "section": ParagraphStyle("section", parent=base, fontName=BOLD, spaceBefore=2, spaceAfter=4,
                                  keepWithNext=1),
        "title": ParagraphStyle("title", parent=base, fontName=BOLD, fontSize=22, leading=28, textColor=NAVY,
                                spaceAfter=6),
        "council": ParagraphStyle("council", parent=base, fontName=BOLD, fontSize=13, leading=17, textColor=NAVY),
        "h1": ParagraphStyle("h1", parent=base, fontName=BOLD, fontSize=14, leading=18, textColor=NAVY,
                             spaceBefore=10, spaceAfter=6, keepWithNext=1),
        "h2": ParagraphStyle("h2", parent=base, fontName=BOLD, fontSize=11, leading=14, textColor=NAVY,
                             spaceBefore=8, spaceAfter=4, keepWithNext=1),
        "marking": ParagraphStyle("marking", parent=base, fontName=BOLD, alignment=TA_CENTER, textColor=RED),
        "rag": ParagraphStyle("rag", parent=base, fontName=BOLD, fontSize=12, leading=15, alignment=TA_CENTER),
    }


def _p(text: str, style: ParagraphStyle) -> Flowable:
    """A paragraph of plain text (never read as markup), line breaks kept, in any script."""
    return user_text(text, style)


_MET_WORDS: dict[object, tuple[str, bool]] = {MET: ("Met", False), NOT_MET: ("✗ NOT MET", True),
                                               NOT_APPLICABLE: ("N/A", False)}


def answer_text(item: Item, value: object) -> tuple[str, bool]:
    """How an answer reads in the report, and whether it is flagged (not met / no / expired)."""
    if value is None:
        return ("Not answered", False)
    if item.response is ResponseType.MET_NOT_MET:
        return _MET_WORDS[value]
    if item.response is ResponseType.YES_NO:
        return ("Yes" if value == YES else "No", value == NO and item.action_on_not_met)
    if item.response is ResponseType.DOCUMENT:
        assert isinstance(value, DocumentSeen)
        if not value.seen:
            return ("✗ NOT SEEN", True)
        text = "Seen"
        if value.dated:
            text += f", dated {value.dated:%d/%m/%Y}"
        if value.expires:
            text += f", expires {value.expires:%d/%m/%Y}"
        return (text, False)
    if item.response is ResponseType.MULTI_CHOICE:
        return (", ".join(value), False)  # type: ignore[arg-type]
    if item.response is ResponseType.DATE:
        return (f"{value:%d/%m/%Y}", False)
    if item.response is ResponseType.FACES and value in FACE_WORDS:
        return (f"{value} out of 5: {FACE_WORDS[value].lower()}", False)
    if item.response in (ResponseType.FACES, ResponseType.RATING):
        _low, high = item.scale or (1, 5)
        return (f"{value} out of {high}", False)
    return (str(value), False)


_HEADER = ParagraphStyle("header", fontName=BOLD, fontSize=8.5, leading=10.5)


def _table(rows: Sequence[Sequence[object]], widths: list[float], flagged_rows: Sequence[int] = ()) -> Table:
    """A findings-style table; the first row is its header, wrapped and repeated on each page."""
    cells = [[_p(c, _HEADER) if isinstance(c, str) else c for c in rows[0]], *(list(row) for row in rows[1:])]
    table = Table(cells, colWidths=widths, repeatRows=1, splitInRow=1)  # a long note splits across pages
    style: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, 0), BOLD),
        ("BACKGROUND", (0, 0), (-1, 0), PALE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa9b8")),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    for row in flagged_rows:
        style.append(("BACKGROUND", (0, row), (-1, row), colors.HexColor("#fbeaea")))
    table.setStyle(TableStyle(style))
    return table


class _NumberedCanvas(Canvas):
    """Draws the header and footer after the last page, when "of Y" is known."""

    facts: VisitFacts

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003 (ReportLab's signature)
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []

    def showPage(self) -> None:  # noqa: N802 (ReportLab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()  # type: ignore[attr-defined]  # ReportLab's own (private), missing from its stubs

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self._furniture(number, total)
            super().showPage()
        super().save()

    def _furniture(self, number: int, total: int) -> None:
        width, height = A4
        self.setFont(BOLD, 9)
        self.setFillColor(RED)
        self.drawCentredString(width / 2, height - 12 * mm, self.facts.marking)
        self.drawCentredString(width / 2, 8 * mm, self.facts.marking)
        self.setFillColor(colors.black)
        self.setFont(REGULAR, 8)
        self.drawString(18 * mm, 13 * mm, f"{self.facts.council_name} · {self.facts.reference} · revision "
                                          f"{self.facts.revision}")
        self.drawRightString(width - 18 * mm, 13 * mm, f"Page {number} of {total}")


@dataclass(frozen=True)
class ReportResult:
    path: Path
    pages: int
    photos: int
    warnings: tuple[str, ...]  # e.g. a photo missing on this laptop: shown as a placeholder
    reused: bool = False  # the visit had not changed: this is the existing revision, not rebuilt


#: Photo size in the PDF: enough for print at about 200 dpi in an 80 mm column.
PHOTO_PIXELS = 640
PHOTO_BOX = (80 * mm, 62 * mm)


#: ``progress(message, done, total)``, as the sync engine reports it; ``total`` 0 means "not known yet".
Progress = Callable[[str, int, int], None]


def no_progress(message: str, done: int, total: int) -> None:
    pass


def build_visit_report(facts: VisitFacts, checklists: Sequence[Checklist], path: Path | IO[bytes],
                       photo_bytes: Callable[[str], bytes] | None = None,
                       progress: Progress = no_progress) -> ReportResult:
    """Write the report PDF to ``path`` (atomically), or into a binary stream. ``photo_bytes`` reads a photo by its hash
    and raises a ``ValueError`` (the store's ``BlobError``) when it cannot; without it, photos are listed
    as not available.
    ``progress`` hears of each photo prepared, then of each page laid out (the slow parts)."""
    styles = _styles()
    warnings: list[str] = []
    photos = _photos(checklists, photo_bytes, warnings, styles, progress)
    story: list[Flowable] = []
    story += _cover(facts, styles)
    story += _summary(checklists, styles)
    story += _findings(checklists, styles)
    story += _actions(checklists, styles)
    story += _documents(checklists, facts.visit_date, styles)
    story += _voice(checklists, styles)
    story += _sign_off(facts, styles)
    story += photos.story

    return write_pdf(story, facts, path, f"QA visit report {facts.reference}", photos.count, warnings, progress)


class _Document(SimpleDocTemplate):
    progress: Progress = staticmethod(no_progress)

    def afterPage(self) -> None:  # noqa: N802 (ReportLab's name)
        self.progress("Laying out page", self.page, 0)


def write_pdf(story: list[Flowable], facts: VisitFacts, path: Path | IO[bytes], title: str, photos: int,
              warnings: list[str], progress: Progress = no_progress) -> ReportResult:
    """Lay out ``story`` with the marked header and footer, into a temporary file renamed to ``path``;
    or into a binary stream (the data folder keeps reports encrypted, so a report made for it is laid
    out in memory and never written in plain text: ``services.reports``)."""
    if not isinstance(path, Path):
        pages = _lay_out(story, facts, path, title, progress)
        return ReportResult(Path(), pages, photos, tuple(warnings))
    path = long_path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _clear_stale_temporaries(path.parent)
    handle, temporary = tempfile.mkstemp(prefix=".writing-", suffix=".pdf", dir=path.parent)
    os.close(handle)
    try:
        pages = _lay_out(story, facts, temporary, title, progress)
        replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return ReportResult(path, pages, photos, tuple(warnings))


def _lay_out(story: list[Flowable], facts: VisitFacts, target: str | IO[bytes], title: str,
             progress: Progress) -> int:
    """Build the PDF into ``target`` (a file name or a binary stream); the number of pages."""
    document = _Document(target, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                         topMargin=20 * mm, bottomMargin=22 * mm, title=title,
                         author=facts.council_name, subject=f"{facts.provider}: {facts.setting}")
    document.progress = progress
    canvas_class = cast("type[_NumberedCanvas]", type("ReportCanvas", (_NumberedCanvas,), {"facts": facts}))
    document.build(story, canvasmaker=canvas_class)
    return int(document.page)


#: A temporary PDF this old was left by a process that died while writing it (a report takes seconds).
STALE_AFTER_S = 3600


def _clear_stale_temporaries(folder: Path) -> None:
    for leftover in folder.glob(".writing-*.pdf"):
        try:
            if file_age_seconds(leftover) > STALE_AFTER_S:
                leftover.unlink()
        except OSError:
            pass  # another process's, or already gone


@dataclass
class _PhotoPages:
    story: list[Flowable]
    count: int


def _photos(checklists: Sequence[Checklist], photo_bytes: Callable[[str], bytes] | None, warnings: list[str],
            s: dict[str, ParagraphStyle], progress: Progress) -> _PhotoPages:
    """An appendix of photographs, by item, two to a row, each with its caption."""
    story: list[Flowable] = [PageBreak(), _p("Appendix: photographs", s["h1"])]
    count = 0
    total = sum(len(r.evidence) for c in checklists for r in c.records.values())
    for checklist in checklists:
        for section in checklist.sections():
            for item in checklist.visible_items(section):
                record = checklist.records.get(item.key)
                if record is None or not record.evidence:
                    continue
                cells: list[list[Flowable] | str] = []  # each a photo and its caption; "" fills a row
                for evidence in record.evidence:
                    count += 1
                    progress("Preparing photo", count, total)
                    caption = _p(f"Photo {count}. {evidence.caption or item.label}", s["small"])
                    cells.append([_photo_flowable(evidence.blob, photo_bytes, warnings, count, s), caption])
                rows = [cells[i:i + 2] for i in range(0, len(cells), 2)]
                if len(rows[-1]) == 1:
                    rows[-1].append("")
                table = Table(rows, colWidths=[87 * mm, 87 * mm])
                table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                           ("BOTTOMPADDING", (0, 0), (-1, -1), 8)]))
                story += [_p(f"{section.title}: {item.label}", s["section"]), table]
    return _PhotoPages(story if count else [], count)


def _photo_flowable(blob: str, photo_bytes: Callable[[str], bytes] | None, warnings: list[str], number: int,
                    s: dict[str, ParagraphStyle]) -> Flowable:
    try:
        if photo_bytes is None:
            raise ValueError("photos were not supplied to the report")
        with PILImage.open(io.BytesIO(photo_bytes(blob))) as picture:
            picture.draft("RGB", (PHOTO_PIXELS, PHOTO_PIXELS))  # JPEG: decode at 1/2, 1/4 or 1/8 size
            rgb = picture.convert("RGB")
            rgb.thumbnail((PHOTO_PIXELS, PHOTO_PIXELS))
            buffer = io.BytesIO()
            rgb.save(buffer, "JPEG", quality=80)
            width, height = rgb.size
    except (ValueError, OSError, PILImage.DecompressionBombError) as error:  # BlobError is a ValueError
        warnings.append(f"Photo {number} could not be included: {error}")
        box = Table([[_p(f"Photo not available: {error}", s["small"])]], colWidths=[PHOTO_BOX[0]],
                    rowHeights=[30 * mm])
        box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.8, RED), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
        return box
    scale = min(PHOTO_BOX[0] / width, PHOTO_BOX[1] / height)
    buffer.seek(0)
    return RLImage(buffer, width=width * scale, height=height * scale)


def _cover(facts: VisitFacts, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    rows = [
        ("Provider", facts.provider), ("Setting", facts.setting), ("Address", facts.address or "Not recorded"),
        ("URN", facts.urn or "None (not registered)"), ("Service type", facts.service_type),
        ("Framework tier", facts.tier or "Not on a tiered framework"), ("Visit date", f"{facts.visit_date:%d %B %Y}"),
        ("Visit level", facts.level), ("Announced", "Announced" if facts.announced else "Unannounced"),
        ("Officers", ", ".join(facts.officers)), ("Reason for visit", facts.reason),
        ("Report reference", facts.reference),
        ("Revision", f"{facts.revision}" + (" (replaces earlier revisions)" if facts.revision > 1 else "")),
    ]
    table = Table([[_p(k, s["cell_bold"]), _p(v, s["body"])] for k, v in rows], colWidths=[45 * mm, 125 * mm])
    table.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.HexColor("#c5d0db")),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return [_p(facts.council_name, s["council"]), _p(facts.service_name, s["body"]), Spacer(1, 18 * mm),
            _p("Quality Assurance Visit Report", s["title"]), _p(facts.provider, s["h2"]), Spacer(1, 8 * mm), table,
            Spacer(1, 12 * mm), _p(f"Protective marking: {facts.marking}. Share only with the provider and the "
                                   "professionals involved.", s["small"]), PageBreak()]


def _all_actions(checklists: Sequence[Checklist]) -> list[tuple[Item, RaisedAction]]:
    return [(item, action) for c in checklists for item, action in c.summary().actions]


def _summary(checklists: Sequence[Checklist], s: dict[str, ParagraphStyle]) -> list[Flowable]:
    totals = {MET: 0, NOT_MET: 0, NOT_APPLICABLE: 0, "unanswered": 0}
    flagged: list[tuple[Checklist, Item]] = []
    for checklist in checklists:
        summary = checklist.summary()
        for key in totals:
            totals[key] += summary.counts.get(key, 0)
        flagged += [(checklist, item) for item in summary.flagged]
    actions = _all_actions(checklists)
    order = list(ConcernLevel)
    highest = max((a.level for _, a in actions), key=order.index, default=None)
    rag = visit_rag(len(flagged), [a.level for _, a in actions])  # flagged: not met
    rows = [["Met", "Not met", "Not applicable", "Not answered", "Actions", "Highest concern"],
            [str(totals[MET]), str(totals[NOT_MET]), str(totals[NOT_APPLICABLE]), str(totals["unanswered"]),
             str(len(actions)), highest.label if highest else "None"]]
    badge = Table([[_p(f"RAG: {rag.label}", s["rag"]), _p(f"Overall judgement: {rag.meaning}.", s["cell_bold"])]],
                  colWidths=[32 * mm, 142 * mm])
    badge.setStyle(TableStyle([("BACKGROUND", (0, 0), (0, 0), RAG_COLOURS[rag]), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("BOX", (0, 0), (0, 0), 0.8, colors.black), ("LEFTPADDING", (1, 0), (1, 0), 8)]))
    story: list[Flowable] = [_p("Summary", s["h1"]), badge, Spacer(1, 4 * mm),
                           _table(rows, [22 * mm, 22 * mm, 30 * mm, 30 * mm, 22 * mm, 48 * mm])]
    if flagged:
        story.append(_p("Flagged items: key concerns", s["h2"]))
        for checklist, item in flagged:
            note = attributed_text(checklist.records[item.key].note)
            story.append(_p(f"• {item.label}" + (f": {note}" if note else ""), s["body"]))
    return story


def _findings(checklists: Sequence[Checklist], s: dict[str, ParagraphStyle]) -> list[Flowable]:
    story: list[Flowable] = [PageBreak(), _p("Findings", s["h1"])]
    for checklist in checklists:
        if checklist.template.key == "voice_of_child":
            continue
        story.append(_p(checklist.template.title, s["h2"]))
        for section in checklist.sections():
            items = [i for i in checklist.visible_items(section) if i.response is not ResponseType.PHOTO]
            if not items:
                continue
            rows: list[list[object]] = [["Item", "Finding", "Notes"]]
            flagged_rows = []
            for item in items:
                record = checklist.records.get(item.key)
                text, flagged = answer_text(item, record.answer if record else None)
                rows.append([_p(item.label, s["small"]), _p(text, s["cell_bold"] if flagged else s["small"]),
                             _p(attributed_text(record.note) if record else "", s["small"])])
                if flagged:
                    flagged_rows.append(len(rows) - 1)
            story.append(_p(section.title, s["section"]))
            story.append(_table(rows, [70 * mm, 35 * mm, 69 * mm], flagged_rows))
            story.append(Spacer(1, 4 * mm))
    return story


def _actions(checklists: Sequence[Checklist], s: dict[str, ParagraphStyle]) -> list[Flowable]:
    actions = _all_actions(checklists)
    story: list[Flowable] = [_p("Actions", s["h1"])]
    if not actions:
        return [*story, _p("No actions were raised on this visit.", s["body"])]
    rows: list[list[object]] = [["Item", "Action", "Concern level", "Due by (Figure 8)", "Owner"]]
    for item, action in actions:
        rows.append([_p(item.label, s["small"]), _p(action.text, s["small"]), _p(action.level.label, s["cell_bold"]),
                     _p(f"{action.due_at:%d/%m/%Y %H:%M}", s["small"]), _p("Provider", s["small"])])
    return [*story, _table(rows, [50 * mm, 58 * mm, 20 * mm, 28 * mm, 18 * mm])]


def _documents(checklists: Sequence[Checklist], on: dt.date, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    rows: list[list[object]] = [["Document", "Seen", "Dated", "Expires", "Status"]]
    flagged_rows = []
    for checklist in checklists:
        for item in checklist.visible_items():
            record = checklist.records.get(item.key)
            if item.response is not ResponseType.DOCUMENT or record is None or record.answer is None:
                continue
            doc: DocumentSeen = record.answer
            expired = doc.expired_on(on)
            # "In date" only when an expiry was recorded and has not passed (issue 21: no dates
            # recorded used to read as in date)
            status = "EXPIRED" if expired else ("NOT SEEN" if not doc.seen else
                                                "In date" if doc.expires else "Expiry not recorded")
            rows.append([_p(item.label, s["small"]), _p("Yes" if doc.seen else "No", s["small"]),
                         _p(f"{doc.dated:%d/%m/%Y}" if doc.dated else "", s["small"]),
                         _p(f"{doc.expires:%d/%m/%Y}" if doc.expires else "", s["small"]),
                         _p(status, s["cell_bold"] if status != "In date" else s["small"])])
            if status != "In date":
                flagged_rows.append(len(rows) - 1)
    story: list[Flowable] = [_p("Documents seen", s["h1"])]
    if len(rows) == 1:
        return [*story, _p("No documents were recorded on this visit.", s["body"])]
    return [*story, _table(rows, [74 * mm, 14 * mm, 24 * mm, 24 * mm, 38 * mm], flagged_rows)]


def _voice(checklists: Sequence[Checklist], s: dict[str, ParagraphStyle]) -> list[Flowable]:
    story: list[Flowable] = [_p("Voice of the child", s["h1"])]
    voice = next((c for c in checklists if c.template.key == "voice_of_child"), None)
    if voice is None:
        return [*story, _p("Young people were not part of this visit (for example a Property Only visit).", s["body"])]
    said = [(item, voice.records[item.key].answer) for item in voice.visible_items()
            if item.key in voice.records and voice.records[item.key].answer not in (None, "")]
    if not said:
        return [*story, _p("No views of young people were recorded on this visit.", s["body"])]
    for item, answer in said:
        story += [_p(item.label, s["cell_bold"]), _p(answer_text(item, answer)[0], s["body"]), Spacer(1, 2 * mm)]
    return story


def _sign_off(facts: VisitFacts, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    rows = [["Officer", "Role", "Date"]] + [[_p(name, s["body"]), _p("Quality Assurance Officer", s["body"]),
                                            _p(f"{facts.visit_date:%d/%m/%Y}", s["body"])] for name in facts.officers]
    return [Spacer(1, 6 * mm), _p("Sign-off", s["h1"]), _table(rows, [70 * mm, 70 * mm, 34 * mm])]
