"""People's own words in the PDF, in any script and either direction.

Notes, names and a Young Inspector's words can be in Bengali, Urdu, Tigrinya, Chinese or Polish.
Text the primary font (DejaVu Sans) draws by itself, left to right, is an ordinary ReportLab
``Paragraph`` (escaped, so nothing typed is read as markup). Anything else (a script of its own
font, right-to-left text, a character only another embedded font has) is laid out and shaped by
``reports.shaping``.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph

from qa_desktop.reports.shaping import ShapedParagraph, needs_layout


def markup(text: str) -> str:
    """Paragraph markup for plain ``text``: escaped, line breaks kept."""
    return escape(text).replace("\n", "<br/>")


def user_text(text: str, style: ParagraphStyle) -> Flowable:
    """A flowable for text a person typed: never read as markup, in any script or direction."""
    if needs_layout(text, style.fontName):
        return ShapedParagraph(text, style)
    return Paragraph(markup(text), style)
