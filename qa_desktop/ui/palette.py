"""Colours that stay readable in the palette the officer has chosen, including high contrast.

The window draws with the system palette (``palette(...)`` in style sheets), so a high-contrast
theme carries through. The one colour of our own, the warning red of "not met", "overdue" and
"not saved", is dark red on a light background and a light red on a dark one: the same meaning,
with contrast of at least 4.5:1 either way (WCAG AA). Warnings are always in words too.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QGuiApplication

DARK_RED = "#a4001d"   # 8.0:1 on white
LIGHT_RED = "#ff9e9e"  # 10.3:1 on black


def dark_background() -> bool:
    return QGuiApplication.palette().base().color().lightness() < 128


def warning_colour() -> QColor:
    return QColor(LIGHT_RED if dark_background() else DARK_RED)


def warning_style() -> str:
    """A style sheet for a label that warns: bold, in the warning colour."""
    return f"color: {warning_colour().name()}; font-weight: bold"
