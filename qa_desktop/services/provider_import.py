"""Importing providers from CSV: Ofsted's provider-level "Children's social care in England" data,
or a council's own spreadsheet with similar columns.

What real files do, and what this does about it:
- Encoding: UTF-8 (with or without a byte-order mark) or Windows-1252 from Excel; tried in that order.
- Title lines above the header: the header is the first row (of the first 20) with a URN or name column.
- Placeholders ``NULL``, ``REDACTED``, ``N/A``, blank: "no value". A placeholder never clears a
  value already in the register; a redacted name on a new provider becomes "<provision type> <URN>".
- Mixed capitals and apostrophes ("Children's Home", "Children’s home"): folded before matching.
- Dates dd/mm/yyyy (also d/m/yyyy and ISO yyyy-mm-dd).
- Provision types the framework does not commission (adoption agencies) are skipped with a reason.

Re-importing updates, never duplicates: rows match the register on URN (or, without a URN, on
name and postcode). New providers get an id derived from that key, so two laptops importing the
same file make the same rows and sync merges them. A bad row is reported with its line number and
skipped; the other rows import. Rows are written in batches, each its own transaction.

Memory stays bounded however large the file (a 200 MB file imports in under 300 MB): nothing holds
the whole file. The encoding is found by decoding the bytes a chunk at a time; a first pass reads
the rows only to check the file is a CSV whose rows fit the limits (a malformed file, or a row of
more than ``MAX_ROW_CHARS``, is refused before anything is written) and to find the header; a
second pass parses and writes ``BATCH_SIZE`` rows at a time. Keys seen earlier in the file (for
"appears again") are kept as 8-byte digests in a small in-memory SQLite table, not as Python
objects. At most ``MAX_SKIPPED_LISTED`` skipped rows are kept in the report; every skipped row is
written, as it is found, to a plain text list when the caller names one (``skipped_lists``: the
first of those that can be written), so a file with a million bad rows still has its full list.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import math
import sqlite3
from collections.abc import Callable, Generator, Sequence
from contextlib import ExitStack, closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from qa_desktop.atomic import writing_atomically
from qa_desktop.domain.regulation import Regulator, UnknownValue, parse_contract_route, parse_judgement, parse_regulator
from qa_desktop.domain.service_types import parse_service_type
from qa_desktop.domain.text import fold, is_blank
from qa_desktop.domain.urn import InvalidUrn, normalise_postcode, normalise_urn
from qa_desktop.store.changes import Changes, derived_id
from qa_desktop.store.database import Store
from qa_desktop.store.models import Provider, Setting

#: Folded column headings and the field each fills. Ofsted's headings first, then common ones.
COLUMNS: dict[str, str] = {
    "urn": "urn",
    "provision type": "provision_type",
    "provider type": "provision_type",
    "service type": "service_type",
    "registration status": "registration_status",
    "status": "registration_status",
    "sector": "sector",
    "name": "name",
    "provider name": "name",
    "setting name": "name",
    "address 1": "address_line1",
    "address line 1": "address_line1",
    "address1": "address_line1",
    "address 2": "address_line2",
    "address line 2": "address_line2",
    "address2": "address_line2",
    "town": "town",
    "town city": "town",
    "county": "county",
    "postcode": "postcode",
    "post code": "postcode",
    "local authority": "local_authority",
    "places": "capacity",
    "capacity": "capacity",
    "number of places": "capacity",
    "organisation which owns the provider": "organisation",
    "owner": "organisation",
    "organisation": "organisation",
    "provider organisation": "organisation",
    "latest full inspection date": "judgement_date",
    "inspection date": "judgement_date",
    "judgement date": "judgement_date",
    "overall experiences and progress of children and young people": "judgement",
    "how well children and young people are helped and protected": "judgement_helped_protected",
    "overall effectiveness": "judgement",
    "overall judgement": "judgement",
    "latest judgement": "judgement",
    "judgement": "judgement",
    "regulator": "regulator",
    "contract route": "contract_route",
    "framework": "framework_name",
    "framework name": "framework_name",
}

PROVIDER_FIELDS = ("name", "organisation", "service_type", "provision_type", "urn", "registration_status",
                   "sector", "local_authority", "judgement", "judgement_helped_protected", "judgement_date",
                   "capacity", "regulator", "contract_route", "framework_name")
SETTING_FIELDS = ("address_line1", "address_line2", "town", "county", "postcode", "capacity")

HEADER_SEARCH_ROWS = 20
BATCH_SIZE = 1000
#: The longest row read (in characters, all its lines together): an Ofsted row has a few hundred.
MAX_ROW_CHARS = 1_000_000
#: Skipped rows listed one by one in the report; any more are counted (``ImportReport.unlisted``).
MAX_SKIPPED_LISTED = 1000
#: Bytes read at a time while finding the encoding.
_CHUNK = 1 << 20


class ImportFileError(Exception):
    """The file as a whole cannot be imported (missing, unreadable, no recognisable header)."""


@dataclass(frozen=True)
class SkippedRow:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass
class ImportReport:
    path: Path
    encoding: str = ""
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[SkippedRow] = field(default_factory=list)  # the first MAX_SKIPPED_LISTED, by line
    ignored_columns: list[str] = field(default_factory=list)
    unlisted: int = 0  # skipped rows beyond those listed in ``skipped``
    #: The text file listing every skipped row (``None``: nothing skipped, or no list asked for).
    skipped_list: Path | None = None
    #: Why no list could be written where asked, in words (``None``: written, or not asked for).
    skipped_list_problem: str | None = None
    _list: _SkippedList | None = field(default=None, repr=False, compare=False)

    @property
    def skipped_total(self) -> int:
        return len(self.skipped) + self.unlisted

    @property
    def rows(self) -> int:
        return self.added + self.updated + self.unchanged + self.skipped_total

    def skip(self, line: int, reason: str) -> None:
        if self._list is not None:
            self._list.add(SkippedRow(line, reason))
        if len(self.skipped) < MAX_SKIPPED_LISTED:
            self.skipped.append(SkippedRow(line, reason))
        else:
            self.unlisted += 1

    def summary(self) -> str:
        listed = f" (the first {len(self.skipped):,} listed)" if self.unlisted else ""
        return (f"{self.path.name}: {self.added} added, {self.updated} updated, {self.unchanged} unchanged, "
                f"{self.skipped_total} skipped{listed}")


class _SkippedList:
    """Every skipped row, written to a text file as it is found (opened at the first one): the
    first of ``paths`` that can be written; the file takes its name only when the import ends."""

    def __init__(self, report: ImportReport, paths: Sequence[Path]) -> None:
        self._report, self._paths = report, list(paths)
        self._stack = ExitStack()
        self._out: io.TextIOWrapper | None = None

    def add(self, row: SkippedRow) -> None:
        if self._out is None and not self._open():
            return
        assert self._out is not None
        self._out.write(f"{row}\n")

    def _open(self) -> bool:
        problems = []
        while self._paths:
            path = self._paths.pop(0)
            try:
                binary = self._stack.enter_context(writing_atomically(path))
            except OSError as error:
                problems.append(f"{path} ({error.strerror or error})")
                continue
            self._out = io.TextIOWrapper(binary, encoding="utf-8", newline="\r\n", write_through=True)
            self._out.write(f"Rows skipped when importing {self._report.path.name} (line: reason)\n")
            self._report.skipped_list = path
            return True
        if problems:
            self._report.skipped_list_problem = "the list of skipped rows could not be written: " + "; ".join(problems)
        return False

    def close(self) -> None:
        if self._out is not None:
            self._out.detach()  # the file itself is closed, and renamed into place, by writing_atomically
        self._stack.close()


@dataclass
class _Parsed:
    line: int
    key: tuple[str, ...]
    provider: dict[str, Any]
    setting: dict[str, Any]


class _BadRow(ValueError):
    pass


def detect_encoding(path: Path) -> str:
    """The encoding the whole file reads in (UTF-8, else Windows-1252, else Latin-1), found by
    decoding it a chunk at a time: the file is never in memory whole."""
    try:
        with path.open("rb") as stream:
            start = stream.read(4096)
    except FileNotFoundError:
        raise ImportFileError(f"{path}: no such file. Check the name and folder.") from None
    except OSError as error:
        raise ImportFileError(f"{path}: cannot be read ({error.strerror}).") from None
    if b"\x00" in start:
        raise ImportFileError(f"{path.name}: this is not a CSV text file (it may be an Excel .xlsx); "
                              f"save it as CSV and import that.")
    for encoding in ("utf-8-sig", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with path.open("rb") as stream:
                while chunk := stream.read(_CHUNK):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        except OSError as error:
            raise ImportFileError(f"{path}: cannot be read ({error.strerror}).") from None
        return encoding
    return "latin-1"


def _label(encoding: str) -> str:
    return "utf-8" if encoding == "utf-8-sig" else encoding


class _RowTooLong(Exception):
    pass


class _Lines:
    """The file's lines for the CSV reader, each read with a limit, so that no row (however its
    quotes run across lines) grows past ``MAX_ROW_CHARS`` in memory."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.in_row = 0  # characters handed over since the last row ended

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self._stream.readline(MAX_ROW_CHARS + 1)
        if not line:
            raise StopIteration
        self.in_row += len(line)
        if self.in_row > MAX_ROW_CHARS:
            raise _RowTooLong
        return line


def _records(path: Path, encoding: str, dialect: Any) -> Generator[tuple[int, list[str]], None, None]:
    """Each CSV record with the physical line it starts on; ``ImportFileError`` for a malformed
    file or an overlong row (raised when it is reached)."""
    with path.open(encoding=encoding, newline="") as stream:
        lines = _Lines(stream)
        reader = csv.reader(lines, dialect)
        start = 1
        try:
            for row in reader:
                lines.in_row = 0
                yield start, row
                start = reader.line_num + 1
        except csv.Error as error:
            raise ImportFileError(f"{path.name}: line {start}: the CSV is malformed ({error}); "
                                  "nothing was imported.") from None
        except _RowTooLong:
            raise ImportFileError(f"{path.name}: line {start}: a row is longer than {MAX_ROW_CHARS:,} characters, "
                                  "which no provider list has (is this a CSV file?); nothing was imported.") from None
        except UnicodeDecodeError:  # it read whole before: the file changed while it was being imported
            raise ImportFileError(f"{path.name}: line {start}: the file changed while it was being read; "
                                  "import it again.") from None
        except OSError as error:
            raise ImportFileError(f"{path}: cannot be read ({error.strerror}).") from None


def _dialect(path: Path, encoding: str) -> Any:
    with path.open(encoding=encoding, newline="") as stream:
        sample = stream.read(8192)
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        return csv.excel


@dataclass
class _Survey:
    """What the first pass learns: how to read the file, where its header is, and how many rows follow."""

    dialect: Any
    header_index: int
    mapping: dict[int, str]
    ignored: list[str]
    total: int


def _survey(path: Path, encoding: str) -> _Survey:
    """Read every record once, keeping only the first few: the file is refused here, before anything
    is written, if it is malformed or a row is too long."""
    dialect = _dialect(path, encoding)
    first: list[tuple[int, list[str]]] = []
    count = 0
    for record in _records(path, encoding, dialect):
        if count < HEADER_SEARCH_ROWS:
            first.append(record)
        count += 1
    header_index, mapping, ignored = _find_header(first, path)
    return _Survey(dialect, header_index, mapping, ignored, count - header_index - 1)


def _find_header(rows: list[tuple[int, list[str]]], path: Path) -> tuple[int, dict[int, str], list[str]]:
    for index, (_, row) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        folded = [fold(cell) for cell in row]
        if "urn" in folded or any(COLUMNS.get(f) == "name" for f in folded):
            mapping: dict[int, str] = {}
            ignored: list[str] = []
            for position, (cell, key) in enumerate(zip(row, folded, strict=True)):
                target = COLUMNS.get(key)
                if target and target not in mapping.values():
                    mapping[position] = target
                elif cell.strip():
                    ignored.append(cell.strip())
            targets = set(mapping.values())
            if not targets & {"provision_type", "service_type"}:
                raise ImportFileError(f"{path.name}: the header has no 'Provision type' or 'Service type' column.")
            return index, mapping, ignored
    raise ImportFileError(f"{path.name}: no header row with a 'URN' or 'Name' column in the first "
                          f"{HEADER_SEARCH_ROWS} rows.")


def parse_date(text: str) -> dt.date:
    value = text.strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(value, pattern).date()  # noqa: DTZ007 (only the date is kept)
        except ValueError:
            continue
    raise _BadRow(f"date {value!r} is not a real date in the form dd/mm/yyyy")


#: No children's service in England has more; a bigger number is a typing or export error.
MAX_PLACES = 10_000


def _parse_places(text: str) -> int:
    value = text.strip()
    try:
        number = float(value)
    except ValueError:
        raise _BadRow(f"places {value!r} is not a number") from None
    if not math.isfinite(number):
        raise _BadRow(f"places {value!r} is not a number")
    if number < 0 or number != int(number):
        raise _BadRow(f"places {value!r} is not a whole number of places")
    if number > MAX_PLACES:
        raise _BadRow(f"places {value!r} is more than any one provider has (at most {MAX_PLACES:,})")
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


def _parse_row(line: int, cells: list[str], mapping: dict[int, str], has_regulator_column: bool) -> _Parsed | None:
    raw = {target: cells[position] if position < len(cells) else "" for position, target in mapping.items()}
    if all(is_blank(value) for value in raw.values()):
        return None  # an empty line, e.g. the end of an Excel export
    values: dict[str, Any] = {}
    for name, text in raw.items():
        if is_blank(text):
            continue
        text = " ".join(text.split())
        try:
            values[name] = _PARSERS.get(name, str)(text)
        except (InvalidUrn, UnknownValue) as error:
            raise _BadRow(str(error)) from None

    kind_text = values.get("service_type") or values.get("provision_type")
    if kind_text is None:
        raise _BadRow("no provision type or service type")
    service_type = parse_service_type(kind_text)
    if service_type is None:
        raise _BadRow(f"provision type {kind_text!r} is not a service type commissioned under the framework")
    values["service_type"] = service_type
    if "provision_type" not in values:
        values["provision_type"] = service_type.label

    urn = values.get("urn")
    provider_name = values.get("name")
    if urn is None and provider_name is None:
        raise _BadRow("neither a URN nor a name: the row cannot be matched to a provider")
    if urn is None and "postcode" not in values:
        raise _BadRow(f"{provider_name!r} has no URN and no postcode: one of them is needed to tell providers apart")
    if urn is not None and not has_regulator_column:
        values["regulator"] = Regulator.OFSTED  # only Ofsted issues URNs of this form
    if urn:
        key: tuple[str, ...] = ("urn", urn)
    else:
        assert provider_name is not None  # said above: a row without a URN has a name
        key = ("name", fold(provider_name), values["postcode"].replace(" ", ""))
    provider = {k: values[k] for k in PROVIDER_FIELDS if k in values}
    setting = {k: values[k] for k in SETTING_FIELDS if k in values}
    return _Parsed(line, key, provider, setting)


class _Seen:
    """The keys of the rows met so far in this file, with the line each was first on: as 8-byte
    digests in an in-memory SQLite table (about 20 bytes a row, where Python objects take 150)."""

    def __init__(self) -> None:
        self._db = sqlite3.connect(":memory:")
        self._db.execute("CREATE TABLE seen (digest INTEGER PRIMARY KEY, line INTEGER NOT NULL)")

    def first_line(self, key: tuple[str, ...], line: int) -> int | None:
        """The line ``key`` was first on, or ``None`` (and it is remembered as on ``line``)."""
        digest = int.from_bytes(hashlib.blake2b("\x1f".join(key).encode("utf-8"), digest_size=8).digest(),
                                "big", signed=True)
        if self._db.execute("INSERT OR IGNORE INTO seen VALUES (?, ?)", (digest, line)).rowcount:
            return None
        found = self._db.execute("SELECT line FROM seen WHERE digest = ?", (digest,)).fetchone()
        return int(found[0])

    def close(self) -> None:
        self._db.close()


def import_providers(store: Store, path: Path | str, *,
                     progress: Callable[[int, int], None] | None = None,
                     skipped_lists: Sequence[Path] = ()) -> ImportReport:
    """Import or update providers from a CSV file; see the module docstring for the rules.
    ``skipped_lists``: where to write the list of every skipped row (the first that can be written)."""
    path = Path(path)
    encoding = detect_encoding(path)
    survey = _survey(path, encoding)
    report = ImportReport(path=path, encoding=_label(encoding), ignored_columns=survey.ignored)
    with closing(_SkippedList(report, skipped_lists)) as listed:
        report._list = listed
        try:
            _import_rows(store, path, encoding, survey, report, progress)
        finally:
            report._list = None
    return report


def _import_rows(store: Store, path: Path, encoding: str, survey: _Survey, report: ImportReport,
                 progress: Callable[[int, int], None] | None) -> None:
    has_regulator_column = "regulator" in survey.mapping.values()

    total = survey.total
    if progress:
        progress(0, total)
    done = 0
    batch: list[_Parsed] = []
    with closing(_Seen()) as seen, closing(_records(path, encoding, survey.dialect)) as records:
        for index, (line, cells) in enumerate(records):
            if index <= survey.header_index:
                continue
            done += 1
            try:
                row = _parse_row(line, cells, survey.mapping, has_regulator_column)
            except _BadRow as error:
                report.skip(line, str(error))
                row = None
            if row is not None:
                first = seen.first_line(row.key, line)
                if first is None:
                    batch.append(row)
                else:
                    what = f"URN {row.key[1]}" if row.key[0] == "urn" else f"{row.provider.get('name')!r}"
                    report.skip(line, f"{what} appears again (first on line {first})")
            if len(batch) >= BATCH_SIZE:
                _write(store, batch, report)
                batch = []
                if progress:
                    progress(min(done, total), total)
        if batch:
            _write(store, batch, report)
    if progress:
        progress(total, total)
    report.skipped.sort(key=lambda s: s.line)


def _write(store: Store, batch: list[_Parsed], report: ImportReport) -> None:
    """One batch of rows, in one transaction."""
    with store.write() as changes:
        existing = _existing(changes, batch)
        for row in batch:
            outcome = _apply(changes, existing.get(row.key), row)
            if outcome == "added":
                report.added += 1
            elif outcome == "updated":
                report.updated += 1
            else:
                report.unchanged += 1


def _existing(changes: Changes, batch: list[_Parsed]) -> dict[tuple[str, ...], Provider]:
    urns = [row.key[1] for row in batch if row.key[0] == "urn"]
    names = {row.provider["name"] for row in batch if row.key[0] == "name"}
    found: dict[tuple[str, ...], Provider] = {}
    query = select(Provider).where(Provider.deleted.is_(False)).options(selectinload(Provider.settings))
    for provider in changes.session.scalars(query.where(Provider.urn.in_(urns))):
        assert provider.urn is not None  # found by it
        found[("urn", provider.urn)] = provider
    if names:
        for provider in changes.session.scalars(query.where(Provider.name.in_(names))):
            for setting in provider.settings:
                if setting.postcode:
                    found.setdefault(("name", fold(provider.name), setting.postcode.replace(" ", "")), provider)
    return found


#: Registration statuses that mean the provider no longer operates (the sanctions list's "Ceased operating").
CEASED_STATUSES = frozenset({"closed", "resigned", "cancelled", "deregistered"})


def _ceased(fields: dict[str, Any], provider: Provider | None, today: dt.date) -> dict[str, Any]:
    """``ceased_operating_on``: the day an import first sees a closed registration; cleared if it is active again."""
    status = fields.get("registration_status")
    if status is None:
        return {}
    already = provider.ceased_operating_on if provider is not None else None
    if fold(status) in CEASED_STATUSES:
        return {} if already else {"ceased_operating_on": today}
    return {"ceased_operating_on": None} if already else {}


def _apply(changes: Changes, provider: Provider | None, row: _Parsed) -> str:
    fields = dict(row.provider)
    fields.update(_ceased(fields, provider, changes.today()))
    if provider is None:
        key = "\x1f".join(row.key)
        name = fields.pop("name", None) or _placeholder_name(fields)
        provider = changes.create(Provider, id=derived_id("provider", key), name=name, **fields)
        changes.create(Setting, id=derived_id("setting", key, "primary"), provider_id=provider.id,
                       name=name, **row.setting)
        return "added"
    changed = changes.update(provider, **fields)
    live = [s for s in provider.settings if not s.deleted]
    postcode = row.setting.get("postcode")
    setting = next((s for s in live if postcode and s.postcode == postcode), None)
    if setting is None and len(live) == 1:
        setting = live[0]
    if setting is None:
        changes.create(Setting, id=derived_id("setting", "\x1f".join(row.key), postcode or "primary"),
                       provider_id=provider.id, name=provider.name, **row.setting)
        changed.add("settings")
    else:
        changed |= changes.update(setting, **row.setting)
    return "updated" if changed else "unchanged"


def _placeholder_name(fields: dict[str, Any]) -> str:
    """A name for a provider whose name Ofsted redacted (children's homes often are)."""
    label = fields.get("provision_type") or fields["service_type"].label
    name = f"{label} {fields.get('urn', '')}".strip()
    owner = fields.get("organisation")
    return f"{name} ({owner})" if owner else name
