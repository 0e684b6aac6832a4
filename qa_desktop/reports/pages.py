"""The building blocks every document QA Desktop prints shares: styles, tables, the page furniture
(protective marking, reference, "Page X of Y", the DRAFT mark) and the writing of the file.

The visit report, the Young Inspector report and the letters and plans are stories of flowables
laid out by ``write_pdf``: it marks every page, makes the file PDF/A-2b (``reports.archival``) and
writes it to a temporary file renamed into place, so a crash never leaves a half-written document
under its final name. (A one-page document such as the placement check can use the same.)

A **draft** says so on every page, in words: "DRAFT" across the page and, at the top, why it is a
draft and that it is not for issue (a photocopy in black and white still says it).
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, cast

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, SimpleDocTemplate, Table, TableStyle

from qa_desktop.atomic import replace
from qa_desktop.clock import file_age_seconds, file_system_now
from qa_desktop.paths import long_path
from qa_desktop.reports.archival import LANGUAGE, Metadata, make_archival
from qa_desktop.reports.fonts import BOLD, REGULAR, register_fonts
from qa_desktop.reports.results import Progress as Progress  # named here too: defined here before
from qa_desktop.reports.results import ReportResult as ReportResult
from qa_desktop.reports.results import Standing as Standing
from qa_desktop.reports.results import no_progress as no_progress
from qa_desktop.reports.text import user_text

#: ReportLab wraps images and page streams in ASCII85 unless told not to: a quarter larger, and
#: encoded in pure Python (about 30 ms a photo). PDF/A and every reader take the binary streams.
rl_config.useA85 = 0

MARKING = "OFFICIAL-SENSITIVE"
NAVY = colors.HexColor("#1f3b5b")
PALE = colors.HexColor("#e8eef5")
RED = colors.HexColor("#a11d21")
#: The DRAFT mark across the page: light, so the text under it reads (the words above say it too).
WATERMARK = colors.HexColor("#d9d9d9")


@dataclass(frozen=True)
class PageMarks:
    """What the header and footer of every page say."""

    council_name: str
    reference: str
    revision: int
    #: Why the document is a draft, in words ("the visit is still in progress: 92 answers remain");
    #: ``None`` once it is not.
    draft: str | None = None
    marking: str = MARKING




def styles() -> dict[str, ParagraphStyle]:
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
        "draft": ParagraphStyle("draft", parent=base, fontName=BOLD, fontSize=10.5, leading=14, textColor=RED,
                                borderColor=RED, borderWidth=1, borderPadding=5, spaceBefore=4, spaceAfter=10),
    }


def p(text: str, style: ParagraphStyle) -> Flowable:
    """A paragraph of plain text (never read as markup), line breaks kept, in any script."""
    return user_text(text, style)


#: Every table's cells in the embedded font: ReportLab otherwise names Helvetica, unembedded (not PDF/A).
BASE_FONT = ("FONTNAME", (0, 0), (-1, -1), REGULAR)

_HEADER = ParagraphStyle("header", fontName=BOLD, fontSize=8.5, leading=10.5)


def table(rows: Sequence[Sequence[object]], widths: list[float], flagged_rows: Sequence[int] = ()) -> Table:
    """A findings-style table; the first row is its header, wrapped and repeated on each page."""
    register_fonts()
    cells = [[p(c, _HEADER) if isinstance(c, str) else c for c in rows[0]], *(list(row) for row in rows[1:])]
    grid = Table(cells, colWidths=widths, repeatRows=1, splitInRow=1)  # a long note splits across pages
    style: list[tuple[Any, ...]] = [
        BASE_FONT,
        ("FONTNAME", (0, 0), (-1, 0), BOLD),
        ("BACKGROUND", (0, 0), (-1, 0), PALE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa9b8")),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    for row in flagged_rows:
        style.append(("BACKGROUND", (0, row), (-1, row), colors.HexColor("#fbeaea")))
    grid.setStyle(TableStyle(style))
    return grid


class _NumberedCanvas(Canvas):
    """Draws the header and footer after the last page, when "of Y" is known; PDF/A on saving."""

    marks: PageMarks
    meta: Metadata

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003 (ReportLab's signature)
        kwargs["pdfVersion"] = (1, 7)  # PDF/A-2 is built on PDF 1.7
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
        make_archival(self, self.meta)
        super().save()

    def _furniture(self, number: int, total: int) -> None:
        width, height = A4
        marks = self.marks
        self.setFont(BOLD, 9)
        self.setFillColor(RED)
        top = marks.marking + (" · DRAFT: not for issue" if marks.draft else "")
        self.drawCentredString(width / 2, height - 12 * mm, top)
        self.drawCentredString(width / 2, 8 * mm, marks.marking)
        self.setFillColor(colors.black)
        self.setFont(REGULAR, 8)
        state = "draft" if marks.draft else "revision"
        self.drawString(18 * mm, 13 * mm, f"{marks.council_name} · {marks.reference} · {state} {marks.revision}")
        self.drawRightString(width - 18 * mm, 13 * mm, f"Page {number} of {total}")


def _watermark(canvas: Canvas, document: SimpleDocTemplate) -> None:
    """DRAFT across a draft's page, drawn first so the words on the page stay on top of it."""
    marks: PageMarks = canvas.marks  # type: ignore[attr-defined]  # set on the canvas class by write_pdf
    if not marks.draft:
        return
    width, height = A4
    canvas.saveState()
    canvas.setFillColor(WATERMARK)
    canvas.setFont(BOLD, 110)
    canvas.translate(width / 2, height / 2)
    canvas.rotate(50)
    canvas.drawCentredString(0, -38, "DRAFT")
    canvas.restoreState()


class _Document(SimpleDocTemplate):
    progress: Progress = staticmethod(no_progress)

    def afterPage(self) -> None:  # noqa: N802 (ReportLab's name)
        self.progress("Laying out page", self.page, 0)


def draft_notice(marks: PageMarks, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    """The words at the top of a draft's first page: what it is and why it cannot be issued yet."""
    if not marks.draft:
        return []
    return [p(f"DRAFT, not for issue: {marks.draft}", s["draft"])]


def write_pdf(story: list[Flowable], marks: PageMarks, meta: Metadata, path: Path | IO[bytes], photos: int = 0,
              warnings: Sequence[str] = (), progress: Progress = no_progress) -> ReportResult:
    """Lay out ``story`` with the marked header and footer, into a temporary file renamed to ``path``;
    or into a binary stream (the data folder keeps reports encrypted, so a document made for it is laid
    out in memory and never written in plain text: ``store.report_files``, ``services.reports``). A
    result written to a stream has an empty ``path``: the caller says where it is kept."""
    if not isinstance(path, Path):
        pages = _lay_out(story, marks, meta, path, progress)
        return ReportResult(Path(), pages, photos, tuple(warnings))
    path = long_path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _clear_stale_temporaries(path.parent)
    handle, temporary = tempfile.mkstemp(prefix=".writing-", suffix=".pdf", dir=path.parent)
    os.close(handle)
    try:
        pages = _lay_out(story, marks, meta, temporary, progress)
        replace(temporary, path)  # waits out antivirus or OneDrive holding the file (qa_desktop.atomic)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return ReportResult(path, pages, photos, tuple(warnings))


def _lay_out(story: list[Flowable], marks: PageMarks, meta: Metadata, target: str | IO[bytes],
             progress: Progress) -> int:
    """Build the PDF into ``target`` (a file name or a binary stream); the number of pages."""
    document = _Document(target, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                         topMargin=20 * mm, bottomMargin=22 * mm, title=meta.title, author=meta.author,
                         subject=meta.subject, initialFontName=REGULAR, lang=LANGUAGE, enforceColorSpace="rgb")
    document.progress = progress
    canvas_class = cast("type[_NumberedCanvas]",
                        type("DocumentCanvas", (_NumberedCanvas,), {"marks": marks, "meta": meta}))
    document.build(story, onFirstPage=_watermark, onLaterPages=_watermark, canvasmaker=canvas_class)
    return int(document.page)


def default_made_at(day: dt.date) -> dt.datetime:
    """When a document built without a clock (a test, a direct call) says it was made: its own date."""
    return dt.datetime.combine(day, dt.time(9, 0), tzinfo=dt.UTC)


#: A temporary PDF this old was left by a process that died while writing it (a report takes seconds).
STALE_AFTER_S = 3600


def _clear_stale_temporaries(folder: Path) -> None:
    leftovers = list(folder.glob(".writing-*.pdf"))
    if not leftovers:
        return
    now = file_system_now(folder)  # the folder's own clock (a shared drive's may differ from ours)
    for leftover in leftovers:
        try:
            if file_age_seconds(leftover, now) > STALE_AFTER_S:
                leftover.unlink()
        except OSError:
            pass  # another process's, or already gone
