"""The streaming XLSX writer, read back with openpyxl: text stays text whatever it starts with (and
keeps the quote prefix), dates, times and money keep their types and formats, control characters
and characters XML cannot hold are removed, an over-long text is cut and says so, awkward sheet
names are made valid, and an empty sheet still has its header, filter and footer."""

from __future__ import annotations

import datetime as dt
import zipfile

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from qa_desktop.safe_text import spreadsheet_text
from qa_desktop.services.xlsx_stream import CELL_LIMIT, CUT, SheetColumn, XlsxStream, column_letter

COLUMNS = [SheetColumn("Text"), SheetColumn("Day", "date"), SheetColumn("When", "moment"),
           SheetColumn("Count", "number"), SheetColumn("Value", "money")]


def test_cells_keep_their_types_and_text_can_never_be_a_formula(tmp_path):
    book = XlsxStream("A test")
    when = dt.datetime(2026, 3, 4, 14, 30, tzinfo=dt.UTC)
    rows = [["=HYPERLINK(\"http://x\",\"Click\")", dt.date(2026, 3, 4), when, 7, 2050],
            ["+44 1634 000000", None, None, 0, None], ["-3", dt.date(1999, 12, 31), None, 2.5, 1],
            ["Zoë \x07rings\x1b[2J and \ufffe", None, None, None, None], ["x" * (CELL_LIMIT + 10), None, None, 1, None]]
    assert book.sheet("Cases: [2026]/*?", COLUMNS, rows, footer="OFFICIAL-SENSITIVE · cases") == 5
    book.sheet("Empty", COLUMNS, [], footer="OFFICIAL-SENSITIVE")
    book.save(tmp_path / "t.xlsx")
    workbook = load_workbook(tmp_path / "t.xlsx")
    assert workbook.sheetnames == ["Cases- -2026----", "Empty"]
    assert workbook.properties.title == "A test"
    sheet = workbook["Cases- -2026----"]
    assert [c.value for c in sheet[1]] == ["Text", "Day", "When", "Count", "Value"]
    first = sheet[2]
    assert first[0].value == "=HYPERLINK(\"http://x\",\"Click\")" and first[0].data_type == "s"
    assert first[0].quotePrefix and sheet["A3"].quotePrefix and sheet["A4"].quotePrefix
    assert first[1].value == dt.datetime(2026, 3, 4) and first[1].number_format == "DD/MM/YYYY"
    local = when.astimezone().replace(tzinfo=None)
    assert abs(first[2].value - local) < dt.timedelta(seconds=1) and first[2].number_format == "DD/MM/YYYY HH:MM"
    assert first[3].value == 7 and first[4].value == 20.5 and "£" in first[4].number_format
    assert sheet["B4"].value == dt.datetime(1999, 12, 31) and sheet["D4"].value == 2.5
    assert sheet["B3"].value is None  # a blank is an empty cell
    assert sheet["A5"].value == "Zoë rings[2J and " and not sheet["A5"].quotePrefix
    assert len(sheet["A6"].value) == CELL_LIMIT and sheet["A6"].value.endswith(CUT)
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:E6"
    assert sheet.oddFooter.center.text == "OFFICIAL-SENSITIVE · cases · page &P of &N"
    assert sheet.print_title_rows == "$1:$1"
    empty = workbook["Empty"]
    assert empty.max_row == 1 and empty.auto_filter.ref == "A1:E1" and empty.freeze_panes == "A2"
    with zipfile.ZipFile(tmp_path / "t.xlsx") as package:
        assert package.testzip() is None
        assert "<f>" not in package.read("xl/worksheets/sheet1.xml").decode()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(max_size=40), min_size=1, max_size=5))
def test_any_text_reads_back_as_it_was_less_what_a_spreadsheet_cannot_hold(tmp_path_factory, texts):
    import re

    folder = tmp_path_factory.mktemp("any")
    book = XlsxStream("Any")
    book.sheet("Any", [SheetColumn("Text")], [[t] for t in texts], footer="OFFICIAL-SENSITIVE")
    book.save(folder / "any.xlsx")
    sheet = load_workbook(folder / "any.xlsx")["Any"]
    read = [sheet.cell(row=n + 2, column=1).value for n in range(len(texts))]  # a blank text is an empty cell
    # what the shared safe-cell module keeps, less what XML cannot hold at all
    unholdable = re.compile("[\ud800-\udfff\ufffe\uffff]")
    expected = [unholdable.sub("", spreadsheet_text(t)).replace("\r\n", "\n").replace("\r", "\n") for t in texts]
    assert [(r or "").replace("\r\n", "\n").replace("\r", "\n") for r in read] == expected


def test_column_letters():
    assert [column_letter(n) for n in (1, 26, 27, 52, 53, 702, 703)] == ["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA"]
