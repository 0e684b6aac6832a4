"""The placement check as one printed page, for the Access to Resources team (Section 13: "Quality
Assurance regularly liaise with ART providing them with updates on providers where there are known
concerns").

One A4 page whatever the provider's record holds: the page leads with the one sentence that
matters (in a red, amber or green box, and in words, so it reads in black and white), then the
provider, then every matter with its weight. A record too long for the page is set smaller to fit
(ReportLab's ``KeepInFrame`` in shrink mode) rather than spilling onto a second page that could be
lost from the printer tray. Marked OFFICIAL-SENSITIVE at the top and bottom.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Frame, KeepInFrame, Spacer, Table, TableStyle

from qa_desktop.atomic import replace
from qa_desktop.domain.placement import CheckLine, PlacementCheck, Weight
from qa_desktop.reports.fonts import BOLD, REGULAR, register_fonts
from qa_desktop.reports.text import user_text

MARKING = "OFFICIAL-SENSITIVE"
NAVY = colors.HexColor("#1f3b5b")
RED = colors.HexColor("#a4161a")
_BOX = {"stop": colors.HexColor("#f6d5d5"), "concern": colors.HexColor("#fbe7c6"), "clear": colors.HexColor("#d6efd6")}
_ROW = {Weight.STOP: colors.HexColor("#fbeaea"), Weight.CONCERN: colors.HexColor("#fdf3e1"), Weight.CHECKED: None}

MARGIN = 16 * mm


def _styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    base = ParagraphStyle("body", fontName=REGULAR, fontSize=9.5, leading=12.5)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10.5, textColor=colors.HexColor("#333333")),
        "bold": ParagraphStyle("bold", parent=base, fontName=BOLD),
        "council": ParagraphStyle("council", parent=base, fontName=BOLD, fontSize=11, leading=14, textColor=NAVY),
        "title": ParagraphStyle("title", parent=base, fontName=BOLD, fontSize=18, leading=23, textColor=NAVY),
        "headline": ParagraphStyle("headline", parent=base, fontName=BOLD, fontSize=12.5, leading=16),
    }


def build_placement_check(check: PlacementCheck, path: Path, *, council_name: str) -> int:
    """Write the one-page PDF to ``path`` (atomically); returns the number of pages (always 1)."""
    s = _styles()
    story: list[Flowable] = [
        user_text(council_name, s["council"]),
        user_text("Placement check", s["title"]),
        user_text(f"For the Access to Resources team · checked {check.checked_on:%d %B %Y} by {check.checked_by}",
                  s["small"]),
        Spacer(1, 4 * mm),
        _headline(check, s),
        Spacer(1, 4 * mm),
        _facts(check, s),
        Spacer(1, 4 * mm),
        _lines(check, s),
        Spacer(1, 3 * mm),
        user_text("What QA holds on this laptop as at the date above, from its records as last synced. Ask the "
                  "Quality Assurance team before placing if this page is more than a day old, or for the cases and "
                  "reports behind any line.", s["small"]),
    ]
    width, height = A4
    frame = Frame(MARGIN, 18 * mm, width - 2 * MARGIN, height - 18 * mm - 20 * mm, leftPadding=0, rightPadding=0,
                  topPadding=0, bottomPadding=0)
    fitted = KeepInFrame(frame.width, frame.height, story, mode="shrink")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".writing-", suffix=".pdf", dir=path.parent)
    os.close(handle)
    try:
        canvas = Canvas(temporary, pagesize=A4)
        canvas.setTitle(f"Placement check: {check.provider}")
        canvas.setAuthor(council_name)
        canvas.setSubject(f"{check.provider} {check.urn}".strip())
        _furniture(canvas, check)
        frame.addFromList([fitted], canvas)
        canvas.showPage()
        canvas.save()
        replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return 1


def _headline(check: PlacementCheck, s: dict[str, ParagraphStyle]) -> Table:
    key = "stop" if check.stops else "concern" if check.concerns else "clear"
    words = {"stop": "DO NOT PLACE without the senior manager's agreement", "concern": "PLACE ONLY WITH CARE",
             "clear": "NOTHING RECORDED"}[key]
    table = Table([[user_text(words, s["headline"])], [user_text(check.headline, s["body"])]],
                  colWidths=[A4[0] - 2 * MARGIN])
    table.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), _BOX[key]),
                               ("BOX", (0, 0), (-1, -1), 1.2, RED if key == "stop" else NAVY),
                               ("LEFTPADDING", (0, 0), (-1, -1), 6), ("TOPPADDING", (0, 0), (-1, -1), 4),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
    return table


def _facts(check: PlacementCheck, s: dict[str, ParagraphStyle]) -> Table:
    rows = [("Provider", check.provider), ("URN", check.urn or "none"), ("Service", check.service_type),
            ("Regulator", check.regulator), ("Owner", check.owner or "not recorded"),
            ("Address", check.address or "not recorded")]
    table = Table([[user_text(k, s["bold"]), user_text(v, s["body"])] for k, v in rows],
                  colWidths=[28 * mm, A4[0] - 2 * MARGIN - 28 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    return table


#: On paper, at most this many lines of one kind (forty open cases would make the page unreadably
#: small); the rest are counted in a line of their own. The window lists every one.
PER_TOPIC_ON_PAPER = 6


def printed_lines(check: PlacementCheck) -> list[CheckLine]:
    """The check's lines as the page lists them: every kind, at most ``PER_TOPIC_ON_PAPER`` of each."""
    shown: list[CheckLine] = []
    counts: dict[tuple[Weight, str], int] = {}
    for line in check.lines:
        key = (line.weight, line.topic)
        counts[key] = counts.get(key, 0) + 1
        if counts[key] <= PER_TOPIC_ON_PAPER:
            shown.append(line)
    for (weight, topic), count in counts.items():
        if count > PER_TOPIC_ON_PAPER:
            last = max(n for n, line in enumerate(shown) if (line.weight, line.topic) == (weight, topic))
            shown.insert(last + 1, CheckLine(topic, weight, f"... and {count - PER_TOPIC_ON_PAPER} more like these: "
                                                            "ask the Quality Assurance team for the full list."))
    return shown


def _lines(check: PlacementCheck, s: dict[str, ParagraphStyle]) -> Table:
    header = [user_text(h, s["bold"]) for h in ("Weight", "About", "What QA holds")]
    lines = printed_lines(check)
    rows = [header] + [[user_text(line.weight.label, s["bold"] if line.weight is not Weight.CHECKED else s["body"]),
                        user_text(line.topic, s["body"]), user_text(line.words, s["body"])] for line in lines]
    table = Table(rows, colWidths=[22 * mm, 32 * mm, A4[0] - 2 * MARGIN - 54 * mm], repeatRows=1)
    style: list[tuple[Any, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef4")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa9b8")),
        ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    for number, line in enumerate(lines, start=1):
        fill = _ROW[line.weight]
        if fill is not None:
            style.append(("BACKGROUND", (0, number), (-1, number), fill))
    table.setStyle(TableStyle(style))
    return table


def _furniture(canvas: Canvas, check: PlacementCheck) -> None:
    width, height = A4
    canvas.setFont(BOLD, 9)
    canvas.setFillColor(RED)
    canvas.drawCentredString(width / 2, height - 11 * mm, MARKING)
    canvas.drawCentredString(width / 2, 8 * mm, MARKING)
    canvas.setFillColor(colors.black)
    canvas.setFont(REGULAR, 7.5)
    urn = f" · URN {check.urn}" if check.urn else ""
    canvas.drawString(MARGIN, 13 * mm, f"Placement check{urn} · {check.checked_on:%d/%m/%Y}")
    canvas.drawRightString(width - MARGIN, 13 * mm, "Page 1 of 1")
