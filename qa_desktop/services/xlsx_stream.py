"""A streaming XLSX writer for large exports: rows go straight into the zip as SpreadsheetML text.

Why not openpyxl here: writing cell by cell through openpyxl costs 15 to 80 microseconds a cell
(measured on this project's machines, with and without lxml), and the whole tracker workbook of
20,000 providers and 50,000 cases is over a million cells: minutes, where the target is seconds.
Formatting each row as text costs about 5 microseconds a cell (``bench/annual_figures.py``).
openpyxl stays what reads the files back in the tests, and what writes the small sanctions export.

What the file holds, and why it is safe to open:

* every text cell is an *inline string* (``t="inlineStr"``): text by its type, so it can never be
  a formula whatever it starts with; it passes through the shared safe-cell module first
  (``qa_desktop.safe_text.spreadsheet_text``: control characters removed), and one that starts like
  a formula (``safe_text.FORMULA_STARTS``) also gets Excel's quote prefix, so it stays text when
  someone edits it and presses Enter;
* dates and times are numbers in DD/MM/YYYY (and HH:MM) formats, money in pounds, so a spreadsheet
  sorts and filters them;
* each sheet's header row is frozen, with filters on it, repeated on every printed page, and the
  protective marking is in every page's footer.

A text longer than Excel allows in a cell (32,767 characters) is cut, and says so at its end.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from qa_desktop.atomic import write_atomically
from qa_desktop.safe_text import FORMULA_STARTS, spreadsheet_text

#: Excel's limit on a cell's text, and what a cut text ends with.
CELL_LIMIT = 32767
CUT = " […cut: the rest is in QA Desktop]"
#: Characters XML 1.0 cannot hold at all (beyond the control characters ``safe_text`` removes).
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")
_EPOCH = dt.date(1899, 12, 30)  # Excel's day 0 (its 1900 leap-year bug makes 30 December, not 31)

# Cell styles, by their index in ``_STYLES`` (``cellXfs``).
PLAIN, DATE, MOMENT, MONEY, HEADER, QUOTED = range(6)
KINDS = ("text", "date", "moment", "number", "money")

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

_STYLES = _DECLARATION + f"""<styleSheet xmlns="{_MAIN}">
<numFmts count="3"><numFmt numFmtId="164" formatCode="DD/MM/YYYY"/><numFmt numFmtId="165" formatCode="DD/MM/YYYY HH:MM"/><numFmt numFmtId="166" formatCode="&quot;£&quot;#,##0.00"/></numFmts>
<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><color rgb="FFFFFFFF"/><name val="Calibri"/><family val="2"/></font></fonts>
<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill><fill><patternFill patternType="solid"><fgColor rgb="FF1F3B5B"/><bgColor indexed="64"/></patternFill></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="6"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""  # noqa: E501 (one line per part of the style sheet reads better than wrapped XML)


def column_letter(index: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _text(value: Any) -> str:
    """A cell's text: what the shared safe-cell module keeps, less what XML cannot hold, cut to Excel's limit.

    Most cells are printable text (``str.isprintable``: no control character, no line break, no
    surrogate), which neither cleaning could change: they skip both, which is most of the export's time."""
    text = value if isinstance(value, str) else str(value)
    if not text.isprintable():
        text = _NOT_XML.sub("", spreadsheet_text(text))
    return text if len(text) <= CELL_LIMIT else text[:CELL_LIMIT - len(CUT)] + CUT


def _serial(value: dt.date | dt.datetime) -> float:
    """Excel's serial day number: local wall time for a moment (a spreadsheet has no time zones)."""
    if isinstance(value, dt.datetime):
        local = value.astimezone() if value.tzinfo else value
        since = local.time()
        return (local.date() - _EPOCH).days + (since.hour * 3600 + since.minute * 60 + since.second) / 86400
    return float((value - _EPOCH).days)


@functools.lru_cache(maxsize=8192)
def _day_serial(day: dt.date) -> int:
    """A day's serial number (days repeat: five years are under 2,000 of them)."""
    return (day - _EPOCH).days


@dataclass(frozen=True)
class SheetColumn:
    header: str
    kind: str = "text"  # one of ``KINDS``
    width: float = 16


@dataclass
class _Sheet:
    name: str
    columns: int
    rows: int


class XlsxStream:
    """A workbook written sheet by sheet into a zip in memory, then to its file atomically."""

    def __init__(self, title: str) -> None:
        self.title = title
        self._buffer = io.BytesIO()
        self._zip = zipfile.ZipFile(self._buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        self._sheets: list[_Sheet] = []

    def sheet(self, name: str, columns: Sequence[SheetColumn], rows: Iterable[Sequence[Any]], *,
              footer: str) -> int:
        """A sheet of ``rows`` (values in the columns' order; None for an empty cell); how many rows."""
        name = re.sub(r"[\[\]:*?/\\]", "-", name)[:31]
        number = len(self._sheets) + 1
        letters = [column_letter(n) for n in range(1, len(columns) + 1)]
        kinds = [c.kind for c in columns]
        count = 0
        with self._zip.open(f"xl/worksheets/sheet{number}.xml", "w", force_zip64=True) as raw:
            out = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            out.write(_DECLARATION + f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
                      '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
                      'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A2" '
                      'sqref="A2"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/><cols>')
            out.write("".join(f'<col min="{n}" max="{n}" width="{c.width}" customWidth="1"/>'
                              for n, c in enumerate(columns, start=1)))
            out.write('</cols><sheetData><row r="1">')
            out.write("".join(f'<c r="{letter}1" s="{HEADER}" t="inlineStr"><is><t xml:space="preserve">'
                              f"{escape(_text(c.header))}</t></is></c>" for letter, c in zip(letters, columns,
                                                                                             strict=True)))
            out.write("</row>")
            for count, row in enumerate(rows, start=1):
                out.write(self._row(count + 1, row, letters, kinds))
            last = f"{letters[-1]}{count + 1}"
            out.write(f'</sheetData><autoFilter ref="A1:{last}"/><pageMargins left="0.5" right="0.5" top="0.75" '
                      'bottom="0.75" header="0.3" footer="0.3"/><pageSetup orientation="landscape" fitToWidth="1" '
                      'fitToHeight="0"/><headerFooter><oddFooter>'
                      f"{escape('&C' + footer.replace('&', '&&') + ' · page &P of &N')}</oddFooter></headerFooter>"
                      "</worksheet>")
            out.flush()
            out.detach()
        self._sheets.append(_Sheet(name, len(columns), count))
        return count

    @staticmethod
    def _row(number: int, values: Sequence[Any], letters: Sequence[str], kinds: Sequence[str]) -> str:
        cells = []
        for letter, kind, value in zip(letters, kinds, values, strict=True):
            if value is None or value == "":
                continue
            at = f'r="{letter}{number}"'
            if kind == "text":
                text = _text(value)
                style = f' s="{QUOTED}"' if text.startswith(FORMULA_STARTS) else ""
                if "&" in text or "<" in text or ">" in text:
                    text = escape(text)
                cells.append(f'<c {at}{style} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>')
            elif kind == "date":
                day = value.astimezone().date() if isinstance(value, dt.datetime) else value
                cells.append(f'<c {at} s="{DATE}"><v>{_day_serial(day)}</v></c>')
            elif kind == "moment":
                cells.append(f'<c {at} s="{MOMENT}"><v>{_serial(value)!r}</v></c>')
            elif kind == "money":
                cells.append(f'<c {at} s="{MONEY}"><v>{value / 100!r}</v></c>')
            else:
                cells.append(f"<c {at}><v>{int(value) if isinstance(value, bool) else value!r}</v></c>")
        return f'<row r="{number}">{"".join(cells)}</row>'

    def save(self, path: Path) -> None:
        """Write the package's other parts and the file (atomically: never half a workbook)."""
        sheets = self._sheets
        self._write("[Content_Types].xml", _DECLARATION + (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{n}.xml" '
                      'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                      for n in range(1, len(sheets) + 1)) + "</Types>"))
        self._write("_rels/.rels", _DECLARATION + (
            f'<Relationships xmlns="{_PACKAGE_REL}">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="xl/workbook.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
            'core-properties" Target="docProps/core.xml"/></Relationships>'))
        self._write("docProps/core.xml", _DECLARATION + (
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f"<dc:title>{escape(_text(self.title))}</dc:title><dc:creator>QA Desktop</dc:creator>"
            "</cp:coreProperties>"))
        names = []
        for n, sheet in enumerate(sheets):
            quoted = "'" + sheet.name.replace("'", "''") + "'"
            end = f"${column_letter(sheet.columns)}${sheet.rows + 1}"
            names.append(f'<definedName name="_xlnm._FilterDatabase" localSheetId="{n}" hidden="1">'
                         f"{escape(quoted)}!$A$1:{end}</definedName>"
                         f'<definedName name="_xlnm.Print_Titles" localSheetId="{n}">{escape(quoted)}!$1:$1'
                         "</definedName>")
        self._write("xl/workbook.xml", _DECLARATION + (
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews><workbookView/></bookViews><sheets>'
            + "".join(f"<sheet name={quoteattr(s.name)} sheetId=\"{n}\" r:id=\"rId{n}\"/>"
                      for n, s in enumerate(sheets, start=1))
            + "</sheets>" + (f"<definedNames>{''.join(names)}</definedNames>" if names else "") + "</workbook>"))
        self._write("xl/_rels/workbook.xml.rels", _DECLARATION + (
            f'<Relationships xmlns="{_PACKAGE_REL}">'
            + "".join(f'<Relationship Id="rId{n}" Type="{_REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
                      for n in range(1, len(sheets) + 1))
            + f'<Relationship Id="rId{len(sheets) + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
            "</Relationships>"))
        self._write("xl/styles.xml", _STYLES)
        self._zip.close()
        write_atomically(path, self._buffer.getvalue())

    def _write(self, name: str, text: str) -> None:
        self._zip.writestr(name, text.encode("utf-8"))
