"""The annual report of the QA tracker for the scrutiny committee, as a PDF.

The same figures as the Tracker window and ``qa-desktop figures``, from the same computation
(``domain.annual_figures.AnnualFigures``): a cover, the headline figures beside the previous year
with the change (the scrutiny report's Figures 1 to 3 and "providers supported to register"), a
chart for each of them and for the main breakdowns, every breakdown as a table, the actions by
Figure 8 level, and a page saying what each figure counts. Every page carries OFFICIAL-SENSITIVE
and "Page X of Y"; all text, the charts' included, is real text (a reader can search it and a test
reads it back).

The charts are drawn with ReportLab's own shapes, like the window's with QPainter: bars across,
this year's dark beside the previous year's light, the number at the end of every bar, so a chart
reads in black and white and the words carry the meaning.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, PageBreak, SimpleDocTemplate, Spacer, Table, TableStyle

from qa_desktop.atomic import write_atomically
from qa_desktop.domain.annual_figures import AnnualFigures, Breakdown, Count, LevelActions
from qa_desktop.reports.fonts import BOLD, REGULAR, register_fonts
from qa_desktop.reports.text import user_text

MARKING = "OFFICIAL-SENSITIVE"
NAVY = colors.HexColor("#1f3b5b")
LIGHT = colors.HexColor("#a9bdd2")
PALE = colors.HexColor("#e8eef5")
RED = colors.HexColor("#a11d21")
WIDTH = A4[0] - 36 * mm

#: The breakdowns drawn as charts, after the headline chart.
CHARTED = ("cases_by_source", "cases_by_category", "cases_by_service_type", "meetings_by_kind", "visits_by_level",
           "alerts_by_kind")
#: The headline figures drawn in the first chart.
HEADLINE_CHARTED = ("QA cases dealt with", "Multi-agency meetings and visits attended", "Regulatory alerts reviewed",
                    "Alerts affecting children we have placed", "Providers supported to register")

#: What each figure counts, for the committee (the method page).
METHOD = (
    ("QA cases", ("Cases opened in the year in the QA duty log, by the category, the source and the provider's "
                 "service type.")),
    ("QA visits", ("Visits dated in the year that were started or completed (a visit only planned is not counted), "
                  "by level and whether announced.")),
    ("Meetings and joint visits", ("Multi-agency meetings and joint visits held in the year (Section 13). With the "
                                  "QA visits they make the multi-agency meetings and visits attended.")),
    ("Compliance reviews", ("Reviews of a provider's essential documents dated in the year (Figure 1), full or the "
                           "minimum urgent set.")),
    ("Regulatory alerts", ("Alerts and judgements received in the year. One affects children we have placed when one "
                          "of our placements was with the provider while it was in force.")),
    ("Embargoes and action plans", "Issued (started) and lifted (ended, removed) in the year (Section 12)."),
    ("Providers supported to register", ("Registration applications QA supported that ended registered in the year "
                                        "(Section 10).")),
    ("Young Inspectors", ("Visits in the year that a Young Inspector joined (and did not opt out of), the briefings, "
                         "debriefs and feedback to providers around them, and incentives given.")),
    ("Actions", ("Actions for providers raised in the year (from visits, action plans and meetings), by Figure 8 "
                "level; on time means completed by the due date in force, an agreed extension included.")),
)


@dataclass(frozen=True)
class ReportFacts:
    """Who the report is from, and when it was made."""

    council_name: str
    service_name: str
    made_on: dt.date
    made_by: str


@dataclass(frozen=True)
class AnnualReport:
    path: Path
    pages: int


def _styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    base = ParagraphStyle("body", fontName=REGULAR, fontSize=9.5, leading=12.5)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=11),
        "bold": ParagraphStyle("bold", parent=base, fontName=BOLD),
        "header": ParagraphStyle("header", parent=base, fontName=BOLD, fontSize=8.5, leading=10.5),
        "title": ParagraphStyle("title", parent=base, fontName=BOLD, fontSize=22, leading=28, textColor=NAVY,
                                spaceAfter=6),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=13, leading=17, textColor=NAVY, spaceAfter=4),
        "council": ParagraphStyle("council", parent=base, fontName=BOLD, fontSize=13, leading=17, textColor=NAVY),
        "h1": ParagraphStyle("h1", parent=base, fontName=BOLD, fontSize=14, leading=18, textColor=NAVY,
                             spaceBefore=10, spaceAfter=6, keepWithNext=1),
        "h2": ParagraphStyle("h2", parent=base, fontName=BOLD, fontSize=11, leading=14, textColor=NAVY,
                             spaceBefore=8, spaceAfter=4, keepWithNext=1),
        "marking": ParagraphStyle("marking", parent=base, fontName=BOLD, alignment=TA_CENTER, textColor=RED),
    }


def _p(text: str, style: ParagraphStyle) -> Flowable:
    return user_text(text, style)


def _table(rows: Sequence[Sequence[str]], widths: Sequence[float], s: dict[str, ParagraphStyle], *,
           bold_last: bool = False) -> Table:
    cells = [[_p(c, s["header"]) for c in rows[0]]]
    for n, row in enumerate(rows[1:], start=1):
        text = s["bold"] if bold_last and n == len(rows) - 1 else s["small"]
        cells.append([_p(c, text) for c in row])
    table = Table(cells, colWidths=list(widths), repeatRows=1, splitInRow=1)
    style: list[tuple[Any, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), PALE), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa9b8")),
        ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4)]
    if bold_last:
        style.append(("BACKGROUND", (0, len(rows) - 1), (-1, len(rows) - 1), PALE))
    table.setStyle(TableStyle(style))
    return table


def count_rows(counts: Sequence[Count], current: str, previous: str) -> list[list[str]]:
    return [["Figure", current, previous, "Change"],
            *([c.label, str(c.current), str(c.previous), c.change_words] for c in counts)]


def bar_chart(title: str, years: tuple[str, str], rows: Sequence[Count], width: float = WIDTH) -> Drawing:
    """Paired bars across, the first row on top; numbers at the bars' ends; a legend under the title."""
    register_fonts()
    size, line = 8.0, 11.0
    row_height = 2.6 * line
    top_space = 2.4 * line
    height = top_space + max(1, len(rows)) * row_height + 6
    drawing = Drawing(width, height)
    drawing.add(String(0, height - line, title, fontName=BOLD, fontSize=size + 1.5, fillColor=NAVY))
    x = 0.0
    for colour, year in ((NAVY, years[0]), (LIGHT, years[1])):
        drawing.add(_rect(x, height - 2 * line + 1, 12, 7, colour))
        drawing.add(String(x + 16, height - 2 * line + 2, year, fontName=REGULAR, fontSize=size))
        x += 26 + stringWidth(year, REGULAR, size)
    if not rows:
        drawing.add(String(0, height - top_space - line, "Nothing to show", fontName=REGULAR, fontSize=size))
        return drawing
    label_width = min(max(stringWidth(r.label, REGULAR, size) for r in rows) + 8, width * 0.45)
    number_width = stringWidth("00000", REGULAR, size)
    room = width - label_width - number_width - 4
    largest = max(1, *(max(r.current, r.previous) for r in rows))
    bar = (row_height - 6) / 2
    for n, row in enumerate(rows):
        y = height - top_space - (n + 1) * row_height + 4
        label = row.label
        while stringWidth(label, REGULAR, size) > label_width - 8 and len(label) > 4:
            label = label[:-2].rstrip() + "…" if not label.endswith("…") else label[:-2] + "…"
        drawing.add(String(label_width - 6, y + bar - 3, label, fontName=REGULAR, fontSize=size, textAnchor="end"))
        for k, (value, colour) in enumerate(((row.current, NAVY), (row.previous, LIGHT))):
            bar_y = y + (1 - k) * (bar + 1)
            length = room * value / largest
            if value:
                drawing.add(_rect(label_width, bar_y, max(length, 1.0), bar, colour))
            drawing.add(String(label_width + length + 3, bar_y + bar / 2 - 3, str(value), fontName=REGULAR,
                               fontSize=size - 0.5))
    drawing.add(Line(label_width, height - top_space, label_width, 2, strokeColor=NAVY, strokeWidth=0.6))
    return drawing


def _long(day: dt.date) -> str:
    """"1 April 2025", as a committee paper writes it."""
    return f"{day.day} {day:%B %Y}"


def _rect(x: float, y: float, width: float, height: float, fill: colors.Color) -> Rect:
    rect = Rect(x, y, width, height)
    rect.fillColor, rect.strokeColor, rect.strokeWidth = fill, NAVY, 0.5
    return rect


def _cover(figures: AnnualFigures, facts: ReportFacts, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    span, previous = figures.span, figures.previous_span
    period = (f"{_long(span.first)} to {_long(span.last)}, beside {_long(previous.first)} to "
              f"{_long(previous.last)}")
    story: list[Flowable] = [
        _p(MARKING, s["marking"]), Spacer(1, 30 * mm), _p(facts.council_name, s["council"]),
        _p(facts.service_name, s["body"]), Spacer(1, 14 * mm),
        _p(f"Quality assurance tracker: annual figures {span.label}", s["title"]),
        _p("For the Children and Young People Overview and Scrutiny Committee", s["subtitle"]),
        Spacer(1, 6 * mm), _p(period + ".", s["body"]),
    ]
    if figures.to_date:
        story.append(_p(f"{figures.year.label} is still in progress: both years are counted to "
                        f"{span.last.day} {span.last:%B}, so the change compares like with like.", s["body"]))
    story += [Spacer(1, 4 * mm), _p(f"Made on {_long(facts.made_on)} by {facts.made_by}, from the QA team's records "
                                    "(QA Desktop).", s["small"]), PageBreak()]
    return story


def _headline(figures: AnnualFigures, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    years = (figures.span.label, figures.previous_span.label)
    charted = [c for c in figures.headline if c.label in HEADLINE_CHARTED]
    affecting = figures.headline_count("Alerts affecting children we have placed")
    alerts = figures.headline_count("Regulatory alerts reviewed")
    return [
        _p("Headline figures", s["h1"]),
        _table(count_rows(figures.headline, *years), [78 * mm, 28 * mm, 28 * mm, 40 * mm], s),
        Spacer(1, 3 * mm),
        _p(f"Of the {alerts.current} regulatory alerts received, {affecting.current} affected children we have placed "
           f"({affecting.previous} of {alerts.previous} the year before).", s["body"]),
        Spacer(1, 4 * mm),
        bar_chart("Headline figures", years, charted),
    ]


def _breakdown(part: Breakdown, years: tuple[str, str], s: dict[str, ParagraphStyle]) -> list[Flowable]:
    rows = list(part.rows)
    shown = [r for r in rows if r.current or r.previous] if len(rows) > 8 else rows
    left_out = len(rows) - len(shown)
    table_rows = count_rows([*shown, *([part.total] if part.total else [])], *years)
    if part.total is not None:
        table_rows[-1][0] = f"Total: {part.total.label}"
    story: list[Flowable] = [_p(part.title, s["h2"])]
    if part.note:
        story.append(_p(part.note, s["small"]))
    story.append(_table(table_rows, [78 * mm, 28 * mm, 28 * mm, 40 * mm], s, bold_last=part.total is not None))
    if left_out:
        story.append(_p(f"{left_out} more with none in either year are left out.", s["small"]))
    return [KeepTogether(story[:3]), *story[3:], Spacer(1, 3 * mm)]


def _actions(figures: AnnualFigures, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    current, previous = figures.span.label, figures.previous_span.label

    def share(a: LevelActions) -> str:
        return f"{a.on_time_share:.0%}" if a.on_time_share is not None else "n/a"

    rows = [["Figure 8 level", "Raised", "Completed", "On time", "% on time", f"% on time {previous}",
             "Open past due"]]
    for c, p in zip(figures.actions.current, figures.actions.previous, strict=True):
        rows.append([c.level.label, str(c.raised), str(c.completed), str(c.on_time), share(c), share(p),
                     str(c.overdue)])
    total = figures.actions
    rows.append(["All levels", str(total.count("raised").current), str(total.count("completed").current),
                 str(total.count("on_time").current), "", "", str(total.count("overdue").current)])
    return [_p(f"Actions raised in {current} by Figure 8 level", s["h1"]),
            _p("Figure 8: LOW 2-4 weeks, MEDIUM 1-2 weeks, HIGH 24-48 hours, SIGNIFICANT immediately. On time: "
               "completed by the due date in force (an extension agreed by the QA team included).", s["small"]),
            Spacer(1, 2 * mm),
            _table(rows, [30 * mm, 20 * mm, 22 * mm, 20 * mm, 22 * mm, 34 * mm, 26 * mm], s, bold_last=True)]


class _NumberedCanvas(Canvas):
    """The marking on every page, and "Page X of Y" once the pages are counted."""

    footer = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 (ReportLab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()  # type: ignore[attr-defined]  # ReportLab's own (private), missing from its stubs

    def save(self) -> None:
        total = len(self._pages)
        width, height = A4
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self.setFont(BOLD, 9)
            self.setFillColor(RED)
            self.drawCentredString(width / 2, height - 12 * mm, MARKING)
            self.drawCentredString(width / 2, 8 * mm, MARKING)
            self.setFillColor(colors.black)
            self.setFont(REGULAR, 8)
            self.drawString(18 * mm, 13 * mm, self.footer)
            self.drawRightString(width - 18 * mm, 13 * mm, f"Page {number} of {total}")
            super().showPage()
        super().save()


def build_annual_report(figures: AnnualFigures, facts: ReportFacts, path: Path) -> AnnualReport:
    """Write the committee's report of ``figures`` to ``path`` (atomically: never half a file)."""
    s = _styles()
    years = (figures.span.label, figures.previous_span.label)
    story = _cover(figures, facts, s) + _headline(figures, s)
    story += [PageBreak(), _p("The figures in charts", s["h1"])]
    for key in CHARTED:
        part = figures.breakdown(key)
        rows = [r for r in part.rows if r.current or r.previous]
        story += [KeepTogether([bar_chart(part.title, years, rows)]), Spacer(1, 5 * mm)]
    story += [PageBreak(), _p("Every figure", s["h1"])]
    for part in figures.breakdowns:
        story += _breakdown(part, years, s)
    story += _actions(figures, s)
    story += [PageBreak(), _p("What each figure counts", s["h1"])]
    story += [_table([["Figure", "What is counted"], *([what, words] for what, words in METHOD)], [46 * mm, 128 * mm],
                     s)]
    buffer = io.BytesIO()
    title = f"QA tracker annual figures {figures.span.label}"
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=20 * mm,
                                 bottomMargin=22 * mm, title=title, author=facts.council_name,
                                 subject=f"{figures.span.label} beside {figures.previous_span.label}")
    canvas = cast("type[_NumberedCanvas]", type("AnnualCanvas", (_NumberedCanvas,),
                                                 {"footer": f"{facts.council_name} · {title}"}))
    document.build(story, canvasmaker=canvas)
    write_atomically(path, buffer.getvalue())
    return AnnualReport(path, document.page)
