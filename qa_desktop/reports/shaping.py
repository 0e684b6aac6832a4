"""Text in any script, laid out by us and shaped by HarfBuzz, for people's own words in the PDF.

ReportLab draws a string one character after another in one font, left to right. That is right for
English, Polish, Romanian or Chinese, and wrong for:

* **Scripts whose letters join, reorder or stack**: Bengali, Gurmukhi, Gujarati, Tamil (a vowel
  sign drawn before the consonant it follows, conjuncts), Arabic, Urdu, Persian (each letter has a
  joined form). These runs are shaped by HarfBuzz through ReportLab's own shaping
  (``reportlab.pdfbase.ttfonts.shapeStr`` over ``uharfbuzz``; ReportLab draws the glyphs and
  positions HarfBuzz gives). ReportLab's paragraph-level shaping is not used: it shapes every word
  with the font of the word's first piece, so a word mixing fonts (a Bengali word in brackets, or
  a Latin name beside Urdu) would be drawn with the wrong glyphs.
* **Right-to-left text**: lines are broken first, then each line is put into visual order (UAX #9
  rule L2 at the level of words: right-to-left words reversed, numbers and Latin kept left to
  right), so a two-line Urdu note does not print its second line first.
* **Text with no spaces** (Chinese): a line may break between two ideographs.

Read back, a shaped run would give the glyphs' characters in drawing order (a Bengali vowel sign
before its consonant). Each left-to-right shaped run is therefore marked with its words
(``/ActualText``, PDF 32000 section 14.9.4), which copy and paste, search and screen readers use
instead; right-to-left runs read back through the font's own character map, and a joined glyph
with no character of its own (the lam-alef ligature) is mapped to the letters it joins
(``ShapingFont``).

A character no embedded font has (an emoji) is printed as its code, ``[U+1F60A]``: visible, and
never the empty ".notdef" box that PDF/A forbids.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Iterator
from copy import copy
from dataclasses import dataclass
from functools import lru_cache

from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import ShapedStr, shapeStr
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from qa_desktop.reports.fonts import SHAPED, ShapingFont, covered, font_for, register_fonts, script_font, utf16_hex

#: Characters drawn as their mirror image in right-to-left text (Unicode's Bidi_Mirroring_Glyph, the
#: pairs that occur in notes; HarfBuzz mirrors shaped runs by itself).
MIRRORED = dict(zip("()[]{}<>«»\u2039\u203a", ")(][}{><»«\u203a\u2039", strict=True))


# -- runs: pieces of text in one font and one direction ---------------------------------------------

RTL, LTR, NUMBER, NEUTRAL = "R", "L", "N", "O"


def _direction(char: str) -> str:
    kind = unicodedata.bidirectional(char)
    if kind in ("R", "AL"):
        return RTL
    if kind == "L":
        return LTR
    if kind in ("EN", "AN"):
        return NUMBER
    return NEUTRAL


@dataclass
class Run:
    """Characters in logical order, drawn with one font, in one direction."""

    text: str
    font: str
    direction: str

    @property
    def shaped(self) -> bool:
        """Drawn from HarfBuzz's glyphs: a joining or reordering script, or any right-to-left text.
        Numbers are never shaped, so they stay left to right inside Arabic."""
        return self.direction == RTL or (self.font in SHAPED and self.direction != NUMBER)


def runs(text: str, primary: str) -> list[Run]:
    """``text`` cut into runs by font and direction. Punctuation and spaces stay in the run before
    them when its font has them; combining marks always do."""
    found: list[Run] = []
    for char in text:
        previous = found[-1] if found else None
        font = font_for(char, primary, previous.font if previous else None)
        if font is None:
            found.append(Run(f"[U+{ord(char):04X}]", primary, NEUTRAL))
            continue
        direction = _direction(char)
        if (previous is not None and direction == NEUTRAL and previous.direction != NUMBER
                and ord(char) in covered(previous.font)):
            font = previous.font  # a bracket or full stop after Bengali words is drawn with them
        if previous is not None and font == previous.font:
            mark = unicodedata.bidirectional(char) == "NSM"
            if mark or direction == previous.direction or (direction == NEUTRAL and previous.direction != NUMBER):
                previous.text += char
                continue
            if font not in SHAPED and {direction, previous.direction} <= {LTR, NEUTRAL}:
                previous.text += char
                previous.direction = LTR
                continue
        found.append(Run(char, font, direction))
    return _trailing_neutrals_apart(found)


def _trailing_neutrals_apart(found: list[Run]) -> list[Run]:
    """Punctuation ending a right-to-left word as a run of its own, so the line's direction decides
    where it goes (a full stop after an Urdu sentence in an English note goes to its right)."""
    if found and found[-1].direction == RTL:
        last = found[-1]
        core = last.text.rstrip("".join({c for c in last.text if _direction(c) == NEUTRAL
                                          and unicodedata.bidirectional(c) != "NSM"}))
        if core and core != last.text:
            found[-1:] = [Run(core, last.font, RTL), Run(last.text[len(core):], last.font, NEUTRAL)]
    return found


# -- measuring and shaping -------------------------------------------------------------------------


@lru_cache(maxsize=8192)
def _shaped(text: str, font_name: str, size: float) -> tuple[ShapedStr, float]:
    """HarfBuzz's glyphs for a run (through ReportLab), and their width in points."""
    register_fonts()
    glyphs = shapeStr(text, font_name, size, force=True)
    data = glyphs.__shapeData__
    font = pdfmetrics.getFont(font_name)
    if isinstance(font, ShapingFont):
        clusters = sorted({d.cluster for d in data} | {len(text)})
        ends = dict(itertools.pairwise(clusters))
        for char, d in zip(glyphs, data, strict=True):
            if 0xE000 <= ord(char) <= 0xF8FF and ord(char) not in font.pua_text:
                font.pua_text[ord(char)] = text[d.cluster:ends.get(d.cluster, len(text))]
    return glyphs, sum(d.x_advance for d in data) * size / 1000


def run_width(run: Run, size: float) -> float:
    if run.shaped:
        return _shaped(run.text, run.font, size)[1]
    return pdfmetrics.stringWidth(run.text, run.font, size)


# -- tokens and lines ------------------------------------------------------------------------------


@dataclass
class Token:
    """A word (or one ideograph): where a line may break, before it."""

    runs: list[Run]
    width: float
    space_before: bool


def _breaks_before(char: str) -> bool:
    """An ideograph, kana or hangul syllable: a line may break before it without a space."""
    return unicodedata.east_asian_width(char) in ("W", "F") and unicodedata.category(char) == "Lo"


def _pieces(word: str) -> Iterator[tuple[str, bool]]:
    """A word cut where a line may break inside it (between ideographs); with "a space before"."""
    piece, first = "", True
    for char in word:
        if piece and _breaks_before(char):
            yield piece, first
            piece, first = "", False
        piece += char
    if piece:
        yield piece, first


def tokens(text: str, primary: str, size: float) -> list[list[Token]]:
    """The text's hard lines (typed line breaks), each a list of tokens in logical order."""
    lines = []
    for hard_line in text.split("\n"):
        line = []
        for word in hard_line.split(" "):
            for piece, space_before in _pieces(word):
                pieces = runs(piece, primary)
                line.append(Token(pieces, sum(run_width(r, size) for r in pieces), space_before))
        lines.append(line)
    return lines


def _split_long(token: Token, width: float, size: float) -> list[Token]:
    """A token wider than the line (a long web address): cut between characters of its unshaped
    runs so nothing runs off the page. A shaped word is kept whole (cutting it would change it)."""
    if token.width <= width or any(run.shaped for run in token.runs):
        return [token]
    parts: list[Token] = []
    current: list[Run] = []
    used = 0.0
    for run in token.runs:
        for char in run.text:
            advance = pdfmetrics.stringWidth(char, run.font, size)
            if current and used + advance > width:
                parts.append(Token(current, used, not parts and token.space_before))
                current, used = [], 0.0
            if current and current[-1].font == run.font:
                current[-1] = Run(current[-1].text + char, run.font, run.direction)
            else:
                current.append(Run(char, run.font, run.direction))
            used += advance
    parts.append(Token(current, used, not parts and token.space_before))
    return parts


@dataclass
class Placed:
    """A run as drawn: in its place on the line, left to right, with its width and its position in
    the line's logical order."""

    run: Run
    width: float
    index: int


@dataclass
class Line:
    runs: list[Placed]  # in visual order, left to right; spaces between words are runs too
    width: float


def _strong(run: Run, rtl: bool) -> str | None:
    """A run's strong direction for resolving the punctuation and spaces around it."""
    if run.direction == NUMBER:
        return RTL if rtl else LTR
    return run.direction if run.direction in (RTL, LTR) else None


def levels(units: list[Run], rtl: bool) -> list[int]:
    """Embedding levels (UAX #9 simplified to runs): right-to-left runs odd; Latin and numbers even
    (2 in a right-to-left paragraph); a neutral run (spaces, punctuation) takes the direction of
    the strong runs on both sides when they agree (rule N1), otherwise the paragraph's (N2)."""
    base = 1 if rtl else 0
    found: list[int | None] = []
    for run in units:
        if run.direction == RTL:
            found.append(1)
        elif run.direction in (LTR, NUMBER):
            found.append(2 if rtl else 0)
        else:
            found.append(None)
    ends = RTL if rtl else LTR
    for i, level in enumerate(found):
        if level is not None:
            continue
        before = next((d for d in (_strong(u, rtl) for u in reversed(units[:i])) if d), ends)
        after = next((d for d in (_strong(u, rtl) for u in units[i + 1:]) if d), ends)
        if before == after:
            found[i] = 1 if before == RTL else (2 if rtl else 0)
        else:
            found[i] = base
    return [v if v is not None else base for v in found]


def visual_order(units: list[Run], rtl: bool) -> list[tuple[Run, int]]:
    """Rule L2: from the highest level down to the lowest odd one, reverse every sequence of runs
    at that level or higher. Returns each run (turned if it is drawn right to left) with its
    logical position."""
    found = levels(units, rtl)
    order = list(range(len(units)))
    for level in range(max(found, default=0), 0, -1):
        i = 0
        while i < len(order):
            if found[order[i]] < level:
                i += 1
                continue
            j = i
            while j < len(order) and found[order[j]] >= level:
                j += 1
            order[i:j] = reversed(order[i:j])
            i = j
    return [(_turned(units[i]) if found[i] % 2 else units[i], i) for i in order]


def _turned(run: Run) -> Run:
    """An unshaped neutral run drawn right to left: its characters reversed and brackets mirrored
    (HarfBuzz does this for shaped runs; a number keeps its digits in order)."""
    if run.shaped or run.direction != NEUTRAL:
        return run
    return Run("".join(MIRRORED.get(c, c) for c in reversed(run.text)), run.font, run.direction)


def base_is_rtl(text: str) -> bool:
    """The paragraph's direction: that of its first strong letter (UAX #9, rules P2 and P3)."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def lay_out(text: str, width: float, primary: str, size: float) -> tuple[list[Line], bool]:
    """``text`` broken into lines no wider than ``width``, each in visual order; and whether the
    paragraph reads right to left."""
    rtl = base_is_rtl(text)
    space = pdfmetrics.stringWidth(" ", primary, size)
    lines: list[Line] = []
    for hard_line in tokens(text, primary, size):
        current: list[Token] = []
        used = 0.0
        for whole in hard_line:
            for token in _split_long(whole, width, size):
                gap = space if current and token.space_before else 0.0
                if current and used + gap + token.width > width:
                    lines.append(_placed(current, rtl, primary, size))
                    current, used, gap = [], 0.0, 0.0
                current.append(token)
                used += gap + token.width
        lines.append(_placed(current, rtl, primary, size))
    return lines, rtl


def _placed(line: list[Token], rtl: bool, primary: str, size: float) -> Line:
    """A line's tokens as runs in visual order; a space between two words is a run of its own, so it
    goes where the words around it go (between two Urdu words, inside their right-to-left run)."""
    units: list[Run] = []
    for position, token in enumerate(line):
        if position and token.space_before:
            units.append(Run(" ", primary, NEUTRAL))
        units.extend(token.runs)
    placed = [Placed(run, run_width(run, size), index) for run, index in visual_order(units, rtl)]
    return Line(placed, sum(p.width for p in placed))


def needs_layout(text: str, primary: str) -> bool:
    """Whether ``text`` needs this module: anything the primary font cannot draw in order by itself."""
    fonts = covered(primary)
    return any(ord(char) not in fonts or unicodedata.bidirectional(char) in ("R", "AL")
               or script_font(char) is not None for char in text)


# -- the flowable ----------------------------------------------------------------------------------


class ShapedParagraph(Flowable):
    """A paragraph of someone's own words in any script, laid out at whatever width it is given,
    and split between pages line by line."""

    def __init__(self, text: str, style: ParagraphStyle, lines: list[Line] | None = None,
                 rtl: bool | None = None) -> None:
        super().__init__()
        self.text = text
        self.style = copy(style)
        # Bengali or Arabic stand taller than Latin: more room between lines, so marks never touch
        self.leading = max(style.leading, style.fontSize * 1.6)
        self._lines = lines
        self._rtl = base_is_rtl(text) if rtl is None else rtl
        self._width = -1.0 if lines is None else 0.0

    def _laid_out(self, width: float) -> list[Line]:
        if self._lines is None or (self._width >= 0 and width != self._width):
            self._lines, self._rtl = lay_out(self.text, max(width - 1, 1), self.style.fontName, self.style.fontSize)
            self._width = width
        return self._lines

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 (ReportLab)
        lines = self._laid_out(availWidth)
        self.width = availWidth
        self.height = len(lines) * self.leading + self.style.fontSize * 0.4
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        lines = self._laid_out(availWidth)
        fit = int((availHeight - self.style.fontSize * 0.4) // self.leading)
        if fit <= 0 or fit >= len(lines):
            return [] if fit <= 0 else [self]
        return [ShapedParagraph(self.text, self.style, lines[:fit], self._rtl),
                ShapedParagraph(self.text, self.style, lines[fit:], self._rtl)]

    def draw(self) -> None:
        lines = self._laid_out(self.width)
        style = self.style
        canvas = self.canv
        size = style.fontSize
        alignment = TA_RIGHT if self._rtl else style.alignment
        canvas.setFillColor(style.textColor)
        for number, line in enumerate(lines):
            y = self.height - number * self.leading - size * 1.1
            if alignment == TA_RIGHT:
                x = self.width - 1 - line.width
            elif alignment == TA_CENTER:
                x = (self.width - line.width) / 2
            else:
                x = 0.0
            for placed in line.runs:
                _draw_run(canvas, placed.run, x, y, size)
                x += placed.width

    def getSpaceBefore(self) -> float:  # noqa: N802
        return self.style.spaceBefore

    def getSpaceAfter(self) -> float:  # noqa: N802
        return self.style.spaceAfter


def _draw_run(canvas: Canvas, run: Run, x: float, y: float, size: float) -> float:
    """Draw one run at (x, y); its width."""
    if not run.shaped:
        canvas.setFont(run.font, size)
        canvas.drawString(x, y, run.text)
        return pdfmetrics.stringWidth(run.text, run.font, size)
    glyphs, width = _shaped(run.text, run.font, size)
    marked = run.direction != RTL  # see the module docstring: right-to-left runs read back by their glyphs
    if marked:
        canvas.addLiteral(f"/Span <</ActualText <FEFF{utf16_hex(run.text)}>>> BDC")
    text = canvas.beginText(x, y)
    text.setFont(run.font, size)
    text.textOut(glyphs)
    canvas.drawText(text)
    if marked:
        canvas.addLiteral("EMC")
    return width

