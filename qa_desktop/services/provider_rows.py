"""What one row of a provider file says: its cells parsed into a provider's and a setting's fields,
the key it is matched on, and how recent a full inspection it describes.

- Placeholders ``NULL``, ``REDACTED``, ``N/A``, blank mean "no value" (a placeholder never clears a
  value already in the register).
- Dates dd/mm/yyyy (also d/m/yyyy, ISO yyyy-mm-dd as a workbook gives them, dd-mm-yyyy, dd.mm.yyyy).
- A row of Ofsted's in-year file describes one inspection: only a full inspection gives the overall
  judgement (Ofsted's interim, monitoring and assurance inspections do not grade it), so the
  judgement and date of any other inspection are not read.
- The service type comes from ``domain.provision_types`` (the short-break marker and this council's
  ownership applied).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from qa_desktop.domain.provision_types import Mapped, map_provision
from qa_desktop.domain.regulation import Regulator, UnknownValue, parse_contract_route, parse_judgement, parse_regulator
from qa_desktop.domain.text import BLANK_MARKERS, fold, is_blank
from qa_desktop.domain.urn import InvalidUrn, normalise_postcode, normalise_urn
from qa_desktop.safe_text import CONTROL_CHARACTERS, control_characters, without_controls

PROVIDER_FIELDS = ("name", "organisation", "service_type", "provision_type", "urn", "registration_status",
                   "sector", "local_authority", "judgement", "judgement_helped_protected", "judgement_date",
                   "capacity", "regulator", "contract_route", "framework_name")
#: The judgements of one inspection: set together, and only from a full inspection at least as recent.
INSPECTION_FIELDS = ("judgement", "judgement_helped_protected", "judgement_date")
SETTING_FIELDS = ("address_line1", "address_line2", "town", "county", "postcode", "capacity")

#: No children's service in England has more; a bigger number is a typing or export error.
MAX_PLACES = 10_000

#: Ofsted's inspection types that grade overall experiences and progress (the Social Care Common
#: Inspection Framework's full inspection); interim, monitoring and assurance inspections do not.
FULL_INSPECTION_TYPES = frozenset({"full", "full inspection", "standard inspection", "full standard inspection",
                                   "full inspection sccif", "sccif full inspection", "inspection"})


class BadRow(ValueError):
    """A row that cannot be imported, with the reason in words (the rest of the file imports)."""


@dataclass
class ParsedRow:
    line: int
    key: tuple[str, ...]
    provider: dict[str, Any]
    setting: dict[str, Any]


def parse_date(text: str) -> dt.date:
    value = text.strip()
    if len(value) == 10 and value[2] == value[5] == "/" and value.replace("/", "").isdigit():
        try:  # dd/mm/yyyy, as Ofsted writes it: without strptime, which costs as much as the rest of a row
            return dt.date(int(value[6:]), int(value[3:5]), int(value[:2]))
        except ValueError:
            raise BadRow(f"date {value!r} is not a real date in the form dd/mm/yyyy") from None
    if len(value) == 10 and value[4] == value[7] == "-" and value.replace("-", "").isdigit():
        try:  # yyyy-mm-dd, as a spreadsheet's export writes it: without strptime too
            return dt.date(int(value[:4]), int(value[5:7]), int(value[8:]))
        except ValueError:
            raise BadRow(f"date {value!r} is not a real date in the form dd/mm/yyyy") from None
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(value, pattern).date()  # noqa: DTZ007 (only the date is kept)
        except ValueError:
            continue
    raise BadRow(f"date {value!r} is not a real date in the form dd/mm/yyyy")


def day_number(text: str | None) -> int:
    """A date's text as yyyymmdd (0 for no date or one that cannot be read): cheap enough to work out
    for every row of a large file, only to compare how recent two rows' inspections are."""
    if text is None:
        return 0
    value = text.strip()
    if value.lower() in BLANK_MARKERS:  # (no date: four failed strptime calls said so, for each such row)
        return 0
    try:
        if len(value) == 10 and value[2] == value[5] == "/":
            return int(value[6:]) * 10000 + int(value[3:5]) * 100 + int(value[:2])
        if len(value) == 10 and value[4] == value[7] == "-":
            return int(value[:4]) * 10000 + int(value[5:7]) * 100 + int(value[8:])
        day = parse_date(value)
    except (ValueError, BadRow):
        return 0
    return day.year * 10000 + day.month * 100 + day.day


def is_full_inspection(inspection_type: str | None) -> bool:
    """Whether a row's inspection type grades the overall judgement (no type column: every row does)."""
    return inspection_type is None or is_blank(inspection_type) or fold(inspection_type) in FULL_INSPECTION_TYPES \
        or fold(inspection_type).startswith("full ")


def _parse_places(text: str) -> int:
    value = text.strip()
    try:
        number = float(value)
    except ValueError:
        raise BadRow(f"places {value!r} is not a number") from None
    if not math.isfinite(number):
        raise BadRow(f"places {value!r} is not a number")
    if number < 0 or number != int(number):
        raise BadRow(f"places {value!r} is not a whole number of places")
    if number > MAX_PLACES:
        raise BadRow(f"places {value!r} is more than any one provider has (at most {MAX_PLACES:,})")
    return int(number)


#: How each field's text becomes a value; fields not listed stay text.
_PARSERS: dict[str, Callable[[str], Any]] = {
    "urn": normalise_urn,
    "judgement_date": parse_date,
    "capacity": _parse_places,
    "judgement": parse_judgement,
    "judgement_helped_protected": parse_judgement,
    "regulator": parse_regulator,
    "contract_route": parse_contract_route,
    "postcode": normalise_postcode,
}


def cells_by_field(cells: list[str], mapping: dict[int, str]) -> dict[str, str]:
    return {target: cells[position] if position < len(cells) else "" for position, target in mapping.items()}


def row_key(raw: dict[str, str]) -> tuple[str, ...] | None:
    """What a row is matched on: its URN, or (without one) its name and postcode; None if neither."""
    urn = raw.get("urn")
    if not is_blank(urn):
        try:
            return ("urn", normalise_urn(urn or ""))
        except InvalidUrn:
            return None
    name, postcode = raw.get("name"), raw.get("postcode")
    if is_blank(name) or is_blank(postcode):
        return None
    return ("name", fold(" ".join((name or "").split())), normalise_postcode(postcode or "").replace(" ", ""))


def key_digest(key: tuple[str, ...]) -> int:
    """A key as 8 bytes (the file's keys are remembered as these, not as Python strings), for one import
    only: Python's own hash of its text (SipHash, 64 bits, keyed afresh in each process, so no file can
    be made to make two keys meet; only this process's two passes over the file compare digests)."""
    return hash("\x1f".join(key))


def inspection_rank(raw: dict[str, str]) -> int:
    """How recent a full inspection the row describes, for choosing one row of several for a URN:
    any full inspection beats any other kind, then the later date (0 when neither)."""
    if not is_full_inspection(raw.get("inspection_type")):
        return 0
    return 100_000_000 + day_number(raw.get("judgement_date"))


#: The longest placeholder: longer text is a value.
_LONGEST_MARKER = max(map(len, BLANK_MARKERS))

#: How a field is named in what the import says about a row.
_FIELD_WORDS = {"urn": "URN", "organisation": "owner", "address_line1": "address", "address_line2": "address"}


def parse_row(line: int, cells: list[str], mapping: dict[int, str], *, has_regulator_column: bool,
              council_owners: Iterable[str] = (), cleaned: list[str] | None = None) -> ParsedRow | None:
    """The row's fields, ``None`` for an empty row, ``BadRow`` with the reason for a row that cannot be used.
    Control characters are removed from its cells (``qa_desktop.safe_text``: they mean nothing in a name
    and break exports and terminals), and what was removed is added to ``cleaned``. (One row alone: an
    import parses its rows with one ``RowParser``.)"""
    return RowParser(mapping, has_regulator_column=has_regulator_column, council_owners=council_owners,
                     remember=False).parse(line, cells, cleaned)


#: Distinct cells remembered per column by a ``RowParser`` (and distinct texts per field): a column of a
#: few kinds (provision types, judgements, dates, places) is worked out a few hundred times, not once per
#: row; a column of names or URNs stops being remembered at this many, so memory stays bounded.
REMEMBERED_CELLS = 4096
#: The longest cell remembered: a kind, a date or a number is short, and a row may be a million characters
#: long (``provider_files.MAX_ROW_CHARS``), which 4,096 cells of a column must not keep in memory.
REMEMBERED_LENGTH = 200

_MISSING: Any = object()  # (typed Any: it stands in for any value remembered)
_BLANK = object()  # a remembered cell that is blank or a placeholder


class RowParser:
    """``parse_row`` for the rows of one file: the same fields, keys and refusals, row for row, with
    each column's distinct cells worked out once (``REMEMBERED_CELLS``). Ofsted's file repeats the same
    few provision types, statuses, sectors, judgements, dates and numbers of places down its 10,000
    rows, and normalising and parsing each cell again was most of what reading a row cost. Only what
    is a function of the cell's text alone is remembered (its text without spaces or placeholders,
    and its parsed value); a row holding a control character is worked out cell by cell, as it says
    what it removed. ``remember=False``: nothing remembered, each cell's text tidied and then parsed in
    turn (a row alone, and what a test holds the remembering parser to)."""

    def __init__(self, mapping: dict[int, str], *, has_regulator_column: bool,
                 council_owners: Iterable[str] = (), remember: bool = True) -> None:
        #: per column read, its position, its field and the texts of the cells met in it (``_cell_text``)
        self._columns: list[tuple[int, str, dict[str, str | None]]] = [
            (position, name, {}) for position, name in mapping.items()]
        self._has_regulator_column = has_regulator_column
        self._owners = tuple(council_owners)
        self._parsed: dict[str, dict[str, Any]] = {name: {} for name in _PARSERS}
        self._mapped: dict[tuple[str, str | None, str | None], Mapped] = {}
        names = list(mapping.values())
        #: without an inspection type column (Ofsted's provider-level file, a council's list), each cell's
        #: value is worked out at once and remembered with its text (``_values_at_once``)
        self._at_once: list[tuple[int, str, dict[str, Any]]] | None = (
            [(position, name, {}) for position, name in mapping.items()]
            if remember and "inspection_type" not in names and len(set(names)) == len(names) else None)
        self._limit = REMEMBERED_CELLS if remember else 0

    def parse(self, line: int, cells: list[str], cleaned: list[str] | None = None) -> ParsedRow | None:
        """The row's fields (``parse_row``)."""
        # one search over the whole row: nearly every row has no control character, and then no cell is searched
        if CONTROL_CHARACTERS.search("".join(cells)) is not None:
            values = self._values(_dirty_cells(cells, self._columns, cleaned))
        elif self._at_once is not None:
            values = self._values_at_once(cells, self._at_once)
        else:
            given: dict[str, str] = {}
            width = len(cells)
            for position, name, known in self._columns:
                cell = cells[position] if position < width else ""
                text = known.get(cell, _MISSING)
                if text is _MISSING:
                    text = _cell_text(cell)
                    if len(known) < self._limit and len(cell) <= REMEMBERED_LENGTH:
                        known[cell] = text
                if text is not None:
                    given[name] = text
            values = self._values(given)
        if values is None:
            return None  # an empty line, e.g. the end of an Excel export
        short_break = values.pop("short_break", None)
        kind_text = values.get("service_type") or values.get("provision_type")
        if kind_text is None:
            raise BadRow("no provision type or service type")
        owner = values.get("organisation")
        mapped = self._mapped.get((kind_text, short_break, owner))
        if mapped is None:
            mapped = map_provision(kind_text, short_break_only=short_break, owner=owner,
                                   council_owners=self._owners)
            if len(self._mapped) < self._limit and len(kind_text) + len(short_break or "") + len(owner or "") \
                    <= REMEMBERED_LENGTH:
                self._mapped[(kind_text, short_break, owner)] = mapped
        if mapped.service_type is None:
            raise BadRow(mapped.reason)
        values["service_type"] = mapped.service_type
        if "provision_type" not in values:
            values["provision_type"] = mapped.service_type.label

        urn = values.get("urn")
        provider_name = values.get("name")
        if urn is None and provider_name is None:
            raise BadRow("neither a URN nor a name: the row cannot be matched to a provider")
        if urn is None and "postcode" not in values:
            raise BadRow(f"{provider_name!r} has no URN and no postcode: one of them is needed to tell providers apart")
        if urn is not None and not self._has_regulator_column:
            values["regulator"] = Regulator.OFSTED  # only Ofsted issues URNs of this form
        # as ``row_key`` gives it from the cells (the values are already normalised)
        key = ("urn", urn) if urn else ("name", fold(provider_name or ""), values["postcode"].replace(" ", ""))
        provider = {k: values[k] for k in PROVIDER_FIELDS if k in values}
        setting = {k: values[k] for k in SETTING_FIELDS if k in values}
        return ParsedRow(line, key, provider, setting)

    def _values(self, given: dict[str, str]) -> dict[str, Any] | None:
        """The values of a row's texts (``None``: every cell blank): an inspection that is not a full
        one grades nothing, then each text parsed by its field's parser, in the order of the columns."""
        if not given:
            return None
        inspection_type = given.pop("inspection_type", None)
        if inspection_type is not None and not is_full_inspection(inspection_type):
            for name in INSPECTION_FIELDS:  # an interim or monitoring inspection grades none of them
                given.pop(name, None)
        values: dict[str, Any] = {}
        parsed = self._parsed
        for name, text in given.items():
            known = parsed.get(name)
            if known is None:
                values[name] = text
                continue
            value = known.get(text, _MISSING)
            if value is _MISSING:
                value = _parsed_value(name, text)
                if len(known) < self._limit and len(text) <= REMEMBERED_LENGTH:
                    known[text] = value
            values[name] = value
        return values

    def _values_at_once(self, cells: list[str],
                        columns: list[tuple[int, str, dict[str, Any]]]) -> dict[str, Any] | None:
        """``_values`` of a file without an inspection type column (nothing is left out by the kind of
        inspection): each cell's value straight from its text, remembered per column."""
        values: dict[str, Any] = {}
        width = len(cells)
        for position, name, known in columns:
            cell = cells[position] if position < width else ""
            value = known.get(cell, _MISSING)
            if value is _MISSING:
                text = _cell_text(cell)
                value = _BLANK if text is None else _parsed_value(name, text) if name in _PARSERS else text
                if len(known) < self._limit and len(cell) <= REMEMBERED_LENGTH:
                    known[cell] = value
            if value is not _BLANK:
                values[name] = value
        return values or None


def _parsed_value(name: str, text: str) -> Any:
    try:
        return _PARSERS[name](text)
    except (InvalidUrn, UnknownValue) as error:
        raise BadRow(str(error)) from None


def _cell_text(cell: str) -> str | None:
    """A cell's text with its spaces tidied, ``None`` for a blank or a placeholder (a cell without control
    characters)."""
    text = cell.strip()
    if not text:
        return None
    if len(text) > _LONGEST_MARKER or text.lower() not in BLANK_MARKERS:  # (a long name is not lowered)
        return text if " " not in text and "\n" not in text and "\t" not in text else " ".join(text.split())
    return None


def _dirty_cells(cells: list[str], columns: list[tuple[int, str, dict[str, str | None]]],
                 cleaned: list[str] | None) -> dict[str, str]:
    """The texts of a row that holds a control character, cell by cell, saying what was removed."""
    given: dict[str, str] = {}
    width = len(cells)
    for position, name, _known in columns:
        text = cells[position].strip() if position < width else ""
        if not text:
            continue
        if found := control_characters(text):
            text = without_controls(text).strip()
            if cleaned is not None:
                cleaned.append(f"{_FIELD_WORDS.get(name, name.replace('_', ' '))}: removed {', '.join(found)}")
        tidied = _cell_text(text)
        if tidied is not None:
            given[name] = tidied
    return given
