"""The embedded fonts, shipped in ``qa_desktop/resources/fonts`` so names such as Zoë, Łukasz and Siobhán,
and Arabic or Chinese words in notes, render the same on every machine (ReportLab's built-in
Helvetica has no glyphs beyond Latin-1): DejaVu Sans for text, and Droid Sans Fallback for the
Chinese, Japanese and Korean characters DejaVu lacks (``reports.text`` picks per character)."""

from __future__ import annotations

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from qa_desktop.paths import resources_dir

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
FALLBACK = "DroidSansFallback"


def register_fonts() -> None:
    """Register the fonts with ReportLab once (safe to call again)."""
    if REGULAR in pdfmetrics.getRegisteredFontNames():
        return
    folder = resources_dir() / "fonts"
    pdfmetrics.registerFont(TTFont(REGULAR, str(folder / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(folder / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFont(TTFont(FALLBACK, str(folder / "DroidSansFallback.ttf")))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD)
