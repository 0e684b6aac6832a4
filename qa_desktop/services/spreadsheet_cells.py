"""Cells a spreadsheet shows as text and never runs (CSV and formula injection).

A provider's name comes from a regulator's file or another council's list: a cell that begins
with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return) is taken by Excel as a formula,
which can run commands or send data away when the exported file is opened. Such text is written
with a leading apostrophe, which Excel shows as text and does not display (OWASP, "CSV Injection").

One place for every export of this app that writes what others typed or sent.
"""

from __future__ import annotations

from typing import Any

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def safe_cell(value: Any) -> Any:
    """``value`` as it may go into a spreadsheet cell: text that would start a formula gets a
    leading apostrophe; everything else (numbers, dates, other text) is as it is."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value
