"""Text that is safe to store, to put in a spreadsheet, and to print in a terminal.

One module for every export and every input path, so the rules are the same everywhere (issue 15,
point 5). Use it for any file a person opens in Excel or LibreOffice, and for any text typed or
imported before it is saved.

**Control characters.** C0 controls other than tab, line feed and carriage return (``\\x00`` to
``\\x1f``), DEL and the C1 controls (``\\x80`` to ``\\x9f``, but NEL, a line break) mean nothing in a
name or a note, cannot be stored in an XLSX file at all (openpyxl refuses them, so one bad name failed the whole team's
export) and, printed in a terminal, are commands to it (``\\x1b[2J`` clears the screen, ``\\x07``
rings). On input they are refused with a sentence naming the field (``check_text``; the write path
does it for every text field) or, for a file being imported, removed and reported
(``without_controls``). On output, whatever old data still holds is removed (spreadsheets) or
shown as a visible escape (terminals: ``terminal_text``).

**Formulas** (OWASP, "CSV Injection"). A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return is taken for a formula by spreadsheet programs: a provider named
``=HYPERLINK("http://…"&A2,"Click")`` sends the row to a web site when clicked, and
``=cmd|' /C calc'!A0`` runs a program (DDE). So:

- **XLSX**: every text cell is written as text (a string cell, never a formula) with Excel's
  "quote prefix", so it stays text even when someone edits it and presses Enter
  (``write_xlsx_text``).
- **CSV**, which has no types: a text cell that begins with one of those characters gets a single
  quote in front (``'=HYPERLINK(…)``), and every cell is quoted with embedded quotes doubled
  (``csv_writer``), as OWASP recommends. A phone number written ``+44 …`` therefore shows as
  ``'+44 …`` in a spreadsheet: the price of a file that is safe to open.

Numbers and dates are not text and are written as they are (a negative number stays a number).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from typing import IO, Any

__all__ = ["CONTROL_CHARACTERS", "FORMULA_STARTS", "ControlCharacters", "control_characters", "without_controls",
           "check_text", "check_value", "csv_cell", "csv_writer", "spreadsheet_text", "write_xlsx_text",
           "terminal_text"]

#: What is refused or removed: C0 but tab, LF and CR; DEL; C1 but NEL (U+0085, a line break in Unicode,
#: which text pasted from web pages and old systems carries; it is kept like a line feed).
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")
#: What a spreadsheet takes for the start of a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_NAMES = {0x00: "NUL", 0x07: "BEL", 0x08: "BS", 0x0B: "VT", 0x0C: "FF", 0x1B: "ESC", 0x7F: "DEL"}


class ControlCharacters(ValueError):
    """Text with a control character in it, refused; the message names the field and the character."""


def _name(character: str) -> str:
    code = ord(character)
    name = _NAMES.get(code) or unicodedata.name(character, "") or "control character"
    return f"{name} \\x{code:02x}"


def control_characters(text: str) -> list[str]:
    """The control characters in ``text``, each once, named as a person can look them up ("BEL \\x07")."""
    found: list[str] = []
    for match in CONTROL_CHARACTERS.finditer(text):
        name = _name(match.group())
        if name not in found:
            found.append(name)
    return found


def without_controls(text: str) -> str:
    """``text`` with its control characters removed (tab, line feed and carriage return stay)."""
    return CONTROL_CHARACTERS.sub("", text)


def check_text(field: str, text: str) -> None:
    """Refuse ``text`` for ``field`` ("Name", "the case summary") if it holds a control character."""
    found = control_characters(text)
    if found:
        kind, it = ("a control character", "it") if len(found) == 1 else ("control characters", "them")
        raise ControlCharacters(f"{field[:1].upper()}{field[1:]} contains {kind} ({', '.join(found)}), which cannot "
                                f"be saved or shown: remove {it} and try again (they come with text pasted from a "
                                "terminal or another program).")


def check_value(field: str, value: Any) -> None:
    """``check_text`` on a value as the write path stores it: text, or lists and mappings of it."""
    if isinstance(value, str):
        check_text(field, value)
    elif isinstance(value, (list, tuple)):
        for part in value:
            check_value(field, part)
    elif isinstance(value, dict):
        for key, part in value.items():
            check_value(field, key)
            check_value(field, part)


# -- spreadsheets ------------------------------------------------------------------------------------

def spreadsheet_text(text: str) -> str:
    """Text for a spreadsheet cell: control characters removed (XLSX cannot hold them)."""
    return without_controls(text)


def csv_cell(value: Any) -> Any:
    """A CSV cell: text without control characters, with a ``'`` in front when it would start a
    formula; anything else (a number) as it is."""
    if not isinstance(value, str):
        return value
    text = spreadsheet_text(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _SafeCsvWriter:
    def __init__(self, stream: IO[str], **options: Any) -> None:
        self._writer = csv.writer(stream, quoting=csv.QUOTE_ALL, **options)

    def writerow(self, row: Any) -> None:
        self._writer.writerow([csv_cell(value) for value in row])

    def writerows(self, rows: Any) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(stream: IO[str], **options: Any) -> _SafeCsvWriter:
    """``csv.writer`` whose every cell goes through ``csv_cell`` and is quoted (OWASP)."""
    return _SafeCsvWriter(stream, **options)


def write_xlsx_text(cell: Any, value: Any) -> None:
    """Put ``value`` in an openpyxl ``cell``; text always as text (never a formula), with the quote
    prefix, without control characters. Other values (numbers, dates) as they are."""
    if not isinstance(value, str):
        cell.value = value
        return
    cell.value = spreadsheet_text(value)
    cell.data_type = "s"  # openpyxl makes anything starting with "=" a formula; this is text
    if cell.value.startswith(FORMULA_STARTS):
        cell.quotePrefix = True  # and it stays text when someone edits the cell


# -- terminals ---------------------------------------------------------------------------------------

def terminal_text(text: str) -> str:
    """Text to print in a terminal: each control character shown as a visible escape (``\\x1b``), so
    data can never move the cursor, clear the screen or ring; tab and line feed as they are."""
    text = text.replace("\r\n", "\n").replace("\x85", "\n")  # NEL: a line break, never sent as C1
    return CONTROL_CHARACTERS.sub(lambda m: f"\\x{ord(m.group()):02x}", text).replace("\r", "\\r")
