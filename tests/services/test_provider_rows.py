"""Reading a provider file's rows: one ``RowParser`` for a whole file reads every row as ``parse_row``
reads it alone (the parser remembers each column's cells; what it remembers must never show)."""

import random
from pathlib import Path

import pytest

from qa_desktop.services import provider_rows
from qa_desktop.services.provider_layout import find_header
from qa_desktop.services.provider_rows import BadRow, RowParser, parse_row
from tests.ofsted_files import IN_YEAR, PROVIDER_LEVEL, in_year_rows, provider_level_rows

#: What a cell of a real file can hold instead of the clean value: placeholders, odd case and spacing, a
#: spreadsheet's "1234567.0", control characters, dates and numbers that are not, unknown wordings.
ODD_CELLS = {
    0: [" sc800001 ", "1000001.0", "NULL", "bad urn", "SC 800002"],
    1: ["Not a type", "NULL", "children's HOME", "Short-break-only  children's home"],
    4: ["REDACTED", "  Maple   Lodge\t", "Maple\x07 Lodge", "\x1b", "n/a"],
    9: ["me4 4tr", "ME44TR", "  ", "N/A"],
    11: ["abc", "-1", "4.0", " 7 ", "n/a", "99999"],
    12: ["Medway Council", " medway council "],
    13: ["31/02/2024", "2024-03-05", "5.3.2024", "last May", "NULL"],
    14: ["Wonderful", "2", "redacted", "", "Requires improvement to be good"],
}


def _odd(rows, rng):
    for row in rows:
        row = list(row)
        for position, choices in ODD_CELLS.items():
            if position < len(row) and rng.random() < 0.15:
                row[position] = rng.choice(choices)
        if rng.random() < 0.05:
            row = row[:rng.randrange(2, len(row))]  # a short row (Excel drops empty cells at the end)
        if rng.random() < 0.02:
            row = [""] * len(row)
        yield row


def _read(parse, line, cells):
    cleaned: list[str] = []
    try:
        row = parse(line, cells, cleaned)
    except BadRow as error:
        return ("refused", str(error), cleaned)
    return ("read", None if row is None else (row.line, row.key, row.provider, row.setting,
                                              [type(v) for v in row.provider.values()]), cleaned)


@pytest.mark.parametrize("remembered", [2, provider_rows.REMEMBERED_CELLS])
@pytest.mark.parametrize(("header", "rows"), [(PROVIDER_LEVEL, provider_level_rows), (IN_YEAR, in_year_rows)])
def test_one_parser_for_a_files_rows_reads_each_row_as_parse_row_reads_it_alone(monkeypatch, header, rows,
                                                                                  remembered):
    """A file's rows (with every kind of odd cell; the in-year layout's interim inspections grade
    nothing) read by one parser, remembering many cells or only a couple: row for row what
    ``parse_row`` makes of it alone: the same fields, values of the same types, key, refusal in the
    same words, and control characters said removed."""
    monkeypatch.setattr(provider_rows, "REMEMBERED_CELLS", remembered)
    if remembered < 10:
        monkeypatch.setattr(provider_rows, "REMEMBERED_LENGTH", 8)  # (and longer cells not remembered at all)
    mapping = find_header([(1, list(header))], Path("ofsted.csv")).mapping
    owners = ("Medway Council",)
    shared = RowParser(mapping, has_regulator_column=False, council_owners=owners)
    read = [(_read(shared.parse, line, cells),
             _read(lambda n, c, cleaned: parse_row(n, c, mapping, has_regulator_column=False, council_owners=owners,
                                                   cleaned=cleaned), line, cells))
            for line, cells in enumerate(_odd(rows(400, seed=3), random.Random(11)), start=2)]
    assert all(one == alone for one, alone in read)
    kinds = {one[0] for one, _ in read}
    assert kinds == {"read", "refused"} and any(one[2] for one, _ in read)  # (the odd cells were met)


def test_a_parser_remembers_no_long_cell():
    """A row may be a million characters long: the parser keeps no cell longer than ``REMEMBERED_LENGTH``
    (4,096 of them in a column would otherwise stay in memory), and reads such rows all the same."""
    mapping = find_header([(1, list(PROVIDER_LEVEL))], Path("ofsted.csv")).mapping
    parser = RowParser(mapping, has_regulator_column=False)
    rows = [[*row[:4], f"{'Long name ' * 40}{n}", *row[5:12], "Owner " * 50 + str(n), *row[13:]]
            for n, row in enumerate(provider_level_rows(30))]
    read = [parser.parse(line, cells) for line, cells in enumerate(rows, start=2)]
    assert [r.provider["name"] for r in read if r is not None][:1] == [rows[0][4]]
    remembered = [cell for _, _, known in (parser._at_once or []) for cell in known]  # (what it holds)
    assert remembered and max(map(len, remembered)) <= provider_rows.REMEMBERED_LENGTH
