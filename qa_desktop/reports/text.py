"""People's own words in the PDF, in any script and either direction.

Notes, names and a Young Inspector's words can be in Arabic, Urdu, Chinese or Polish. ReportLab
draws each string with one font and left to right, so two things are done here:

* **Font fallback.** DejaVu Sans covers Latin, Greek, Cyrillic and Arabic; characters it lacks
  (Chinese, Japanese, Korean) are drawn in Droid Sans Fallback, run by run. Both fonts are shipped
  in ``qa_desktop/resources/fonts`` and embedded (subset) in the PDF, so the report reads the same on any
  machine, with or without those fonts installed.
* **Right-to-left text.** Arabic letters are joined into their contextual forms
  (``arabic_reshaper``) and each *line* is put into visual order with the Unicode bidirectional
  algorithm (``python-bidi``). Reordering must happen after line breaking (UAX #9, rule L2): done
  on a whole paragraph, a two-line Arabic note would print its second line first. So a paragraph
  with right-to-left text is broken into lines here, at the width the layout offers, then each
  line is reordered, and the paragraph is right-aligned when its first strong letter is
  right-to-left.

Where python-bidi has no wheel (Windows on ARM) it is not installed, and ``bidi_fallback`` orders
the lines the same way in plain Python.

ReportLab has its own bidi support, but it needs ``rlbidi`` from ReportLab's private package index,
which our installs cannot reach; these two packages are on PyPI.
"""

from __future__ import annotations

import unicodedata
from copy import copy
from functools import cache
from xml.sax.saxutils import escape

import arabic_reshaper
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph

from qa_desktop.reports.fonts import FALLBACK, register_fonts

try:
    from bidi import get_display
except ImportError:  # no python-bidi wheel (Windows on ARM): the same rules in plain Python
    from qa_desktop.reports.bidi_fallback import get_display


@cache
def _covered(font_name: str) -> frozenset[int]:
    register_fonts()
    font = pdfmetrics.getFont(font_name)
    assert isinstance(font, TTFont), font_name  # the report's fonts are all ours (reports.fonts), all TrueType
    return frozenset(font.face.charToGlyph)


def _font_for(char: str, primary: str) -> str:
    if char.isspace() or ord(char) in _covered(primary) or ord(char) not in _covered(FALLBACK):
        return primary
    return FALLBACK


def runs(text: str, primary: str) -> list[tuple[str, str]]:
    """``text`` cut into (font, run) pieces: the primary font wherever it has the glyph."""
    pieces: list[tuple[str, str]] = []
    for char in text:
        font = _font_for(char, primary)
        if pieces and pieces[-1][0] == font:
            pieces[-1] = (font, pieces[-1][1] + char)
        else:
            pieces.append((font, char))
    return pieces


def markup(text: str, primary: str) -> str:
    """Paragraph markup for plain ``text``: escaped, fallback runs in their font, line breaks kept."""
    parts = []
    for font, run in runs(text, primary):
        run = escape(run).replace("\n", "<br/>")
        parts.append(run if font == primary else f'<font name="{font}">{run}</font>')
    return "".join(parts)


def is_rtl(char: str) -> bool:
    return unicodedata.bidirectional(char) in ("R", "AL")


def has_rtl(text: str) -> bool:
    return any(is_rtl(c) for c in text)


def base_is_rtl(text: str) -> bool:
    """The paragraph's direction: that of its first strong letter (UAX #9, rules P2 and P3)."""
    for char in text:
        direction = unicodedata.bidirectional(char)
        if direction in ("R", "AL"):
            return True
        if direction == "L":
            return False
    return False


def width_of(text: str, primary: str, size: float) -> float:
    return sum(pdfmetrics.stringWidth(run, font, size) for font, run in runs(text, primary))


def visual_lines(text: str, width: float, primary: str, size: float) -> list[str]:
    """``text`` broken into lines no wider than ``width``, each in visual (drawing) order."""
    rtl = base_is_rtl(text)
    lines: list[str] = []
    for logical in text.split("\n"):
        shaped = arabic_reshaper.reshape(logical)
        line = ""
        for word in shaped.split(" "):
            candidate = f"{line} {word}" if line else word
            if line and width_of(candidate, primary, size) > width:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return [get_display(line, base_dir="R" if rtl else "L") for line in lines]


class BidiParagraph(Flowable):
    """A paragraph with right-to-left text, laid out at whatever width it is given.

    The lines depend on the width (see the module's docstring), so the real ``Paragraph`` is made
    in ``wrap``; splitting across pages hands over that paragraph's own pieces.
    """

    def __init__(self, text: str, style: ParagraphStyle) -> None:
        super().__init__()
        self.text = text
        self.style = copy(style)
        self.style.alignment = TA_RIGHT if base_is_rtl(text) else TA_LEFT
        self._paragraph: Paragraph | None = None
        self._width = -1.0

    def _laid_out(self, width: float) -> Paragraph:
        if self._paragraph is None or width != self._width:
            # a hair narrower than offered, so ReportLab never re-breaks a line we measured
            lines = visual_lines(self.text, max(width - 1, 1), self.style.fontName, self.style.fontSize)
            self._paragraph = Paragraph("<br/>".join(markup(line, self.style.fontName) for line in lines), self.style)
            self._width = width
        return self._paragraph

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 (ReportLab)
        self.width, self.height = self._laid_out(availWidth).wrap(availWidth, availHeight)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        return self._laid_out(availWidth).split(availWidth, availHeight)

    def draw(self) -> None:
        assert self._paragraph is not None
        self._paragraph.drawOn(self.canv, 0, 0)

    def getSpaceBefore(self) -> float:  # noqa: N802
        return self.style.spaceBefore

    def getSpaceAfter(self) -> float:  # noqa: N802
        return self.style.spaceAfter


def user_text(text: str, style: ParagraphStyle) -> Flowable:
    """A flowable for text a person typed: never read as markup, in any script or direction."""
    if has_rtl(text):
        return BidiParagraph(text, style)
    return Paragraph(markup(text, style.fontName), style)
