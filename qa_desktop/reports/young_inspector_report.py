"""The Young Inspector report: what a care leaver found, in their own words and faces.

Warmer than the formal report (large friendly headings, a drawn face for each face-scale answer,
their words quoted as they wrote them) but just as careful: it names the setting and the date,
never a child or young person, and carries the same protective marking and page numbers. Face
answers are drawn *and* written ("4 out of 5: happy"), so they read without colour or sight of
the drawing.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from qa_desktop.forms.checklist import FACE_COLOURS, Checklist
from qa_desktop.forms.template import Audience, ResponseType
from qa_desktop.reports.pages import BASE_FONT, Progress, ReportResult, Standing, draft_notice, no_progress, write_pdf
from qa_desktop.reports.pages import p as _p
from qa_desktop.reports.pages import styles as _styles
from qa_desktop.reports.visit_report import VisitFacts, answer_text


def face(score: int, size: float = 14 * mm) -> Drawing:
    """A simple drawn face: the mouth curves from a frown (1) to a broad smile (5)."""
    drawing = Drawing(size, size)
    r = size / 2 - 1
    cx = cy = size / 2
    drawing.add(Circle(cx, cy, r, fillColor=colors.HexColor(FACE_COLOURS[score]), strokeColor=colors.black,
                       strokeWidth=0.8))
    for dx in (-r / 3, r / 3):
        drawing.add(Circle(cx + dx, cy + r / 3, r / 9, fillColor=colors.black, strokeColor=None))
    curve = (score - 3) * r / 6  # negative: frown, positive: smile
    points = []
    for step in range(9):
        x = -r / 2 + step * r / 8
        points += [cx + x, cy - r / 3 - curve * (1 - (2 * x / r) ** 2)]
    if score == 3:
        drawing.add(Line(cx - r / 2, cy - r / 3, cx + r / 2, cy - r / 3, strokeWidth=1.6))
    else:
        drawing.add(PolyLine(points, strokeWidth=1.6, strokeColor=colors.black))
    return drawing


def build_young_inspector_report(facts: VisitFacts, form: Checklist, path: Path | IO[bytes],
                                 progress: Progress = no_progress, standing: Standing | None = None) -> ReportResult:
    if form.template.audience is not Audience.YOUNG_INSPECTOR:
        raise ValueError(f"{form.template.title} is not a Young Inspector form")
    standing = facts.standing_or_default(standing)
    marks = facts.marks(standing)
    s = _styles()
    big = ParagraphStyle("yi_title", parent=s["title"], fontSize=24, leading=30)
    quote = ParagraphStyle("quote", parent=s["body"], fontSize=11, leading=15, leftIndent=8 * mm,
                           textColor=colors.HexColor("#333333"))
    story: list[Flowable] = [
        _p(facts.council_name, s["council"]), *draft_notice(marks, s), Spacer(1, 10 * mm),
        _p("What our Young Inspector found", big),
        _p(f"{facts.setting} · visited {facts.visit_date:%d %B %Y}", s["h2"]),
        _p("Young Inspectors are care leavers who visit the places young people live and tell us what it is "
           "really like. These are their answers and their own words.", s["body"]), Spacer(1, 6 * mm),
    ]
    for section in form.sections():
        answered = [(item, form.records[item.key].answer) for item in form.visible_items(section)
                    if item.key in form.records and form.records[item.key].answer not in (None, "", [])]
        if answered:
            story.append(_p(section.title, s["h1"]))
        for item, value in answered:
            if item.response is ResponseType.FACES:
                words = answer_text(item, value)[0]
                row = Table([[face(value), [_p(item.label, s["cell_bold"]), _p(words, s["body"])]]],
                            colWidths=[18 * mm, 150 * mm])
                row.setStyle(TableStyle([BASE_FONT, ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
                story += [row, Spacer(1, 2 * mm)]
            elif item.response is ResponseType.TEXT:
                story += [_p(item.label, s["cell_bold"]), _p(f"“{value}”", quote), Spacer(1, 3 * mm)]
            else:
                story += [_p(item.label, s["cell_bold"]), _p(answer_text(item, value)[0], s["body"]),
                          Spacer(1, 3 * mm)]
    story += [Spacer(1, 8 * mm), _p("Thank you to our Young Inspector for their time and honesty.", s["h2"])]
    return write_pdf(story, marks, facts.metadata("Young Inspector report", standing), path, progress=progress)



