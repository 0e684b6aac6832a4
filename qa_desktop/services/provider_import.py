"""Importing providers: Ofsted's provider-level and in-year files, or a council's own list, as CSV
or Excel (``provider_files``, ``provider_layout``, ``provider_rows``), into the register; and every
import is a change report (``import_changes``) and feeds Section 12 (``regulator_watch``).

Re-importing updates, never duplicates: rows match the register on URN (or, without a URN, on
name and postcode). New providers get an id derived from that key, so two laptops importing the
same file make the same rows and sync merges them. A bad row is reported with its line number and
skipped; the other rows import. Rows are written in batches, each its own transaction, through the
write path's bulk verbs (``Changes.create_many``/``update_many``: the same rows and ops as one at a
time, without the ORM's per-row cost).

What a re-import never does:
- move a judgement or its inspection date backwards: a row describing an older inspection than
  the one held leaves both as they are (and the change report says so);
- clear a value with a placeholder (``NULL``, ``REDACTED``, blank);
- overwrite a service type the team chose that no regulator's provision type gives (a bespoke
  package, one of the parent-and-child kinds): the report says the file's and keeps the team's.

Several rows for one URN (Ofsted's in-year file lists every inspection, oldest first): the row of
the latest full inspection is the one used, wherever it is in the file; the others are counted as
earlier inspections, not errors.

Memory stays bounded however large the file (a 200 MB file imports in under 300 MB): nothing holds
the whole file. A first pass reads every row only to check the file can be read (a malformed file
or an overlong row is refused before anything is written), to find the header, and to note, per
key, which row has the latest full inspection; the keys are kept as 8-byte digests in a small
in-memory SQLite table. A second pass parses and writes ``BATCH_SIZE`` rows at a time, and each
batch's change report is stored with it. At most ``MAX_SKIPPED_LISTED`` skipped rows are kept in the
report; every skipped row is written, as it is found, to a plain text list when the caller names one
(``skipped_lists``: the first of those that can be written), so a file with a million bad rows still
has its full list (its reasons with any control character shown as a visible escape, ``safe_text``).
"""

from __future__ import annotations

import datetime as dt
import gc
import io
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, ExitStack, closing, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qa_desktop.atomic import writing_atomically
from qa_desktop.domain.oversight import AlertKind
from qa_desktop.domain.provision_types import OWNED_BY_THIS_COUNCIL, PROVISION_TYPES
from qa_desktop.domain.registration import Standing, standing
from qa_desktop.domain.regulation import Judgement
from qa_desktop.domain.roles import require_officer
from qa_desktop.domain.service_types import ServiceType
from qa_desktop.domain.text import fold
from qa_desktop.domain.urn import is_normal_urn
from qa_desktop.safe_text import terminal_text
from qa_desktop.services.import_changes import ADDRESS_FIELDS, WATCHED_PROVIDER_FIELDS, What
from qa_desktop.services.provider_files import (
    HEADER_SEARCH_ROWS,
    ImportFileError,
    SourceFile,
    open_source,
    records,
)
from qa_desktop.services.provider_layout import Header, find_header, looks_like_header
from qa_desktop.services.provider_rows import (
    INSPECTION_FIELDS,
    REMEMBERED_CELLS,
    REMEMBERED_LENGTH,
    BadRow,
    ParsedRow,
    RowParser,
    cells_by_field,
    inspection_rank,
    key_digest,
    row_key,
)
from qa_desktop.services.regulator_watch import Facts, KnownAlert, Watch, judgement_words, watch
from qa_desktop.store.changes import Changes, derived_id, new_id
from qa_desktop.store.database import Store
from qa_desktop.store.models import Provider, ProviderImport, ProviderImportChanges, RegulatoryAlert, Setting

__all__ = ["ImportFileError", "ImportReport", "SkippedRow", "import_providers", "BATCH_SIZE", "MAX_SKIPPED_LISTED"]

BATCH_SIZE = 1000
#: Rows written per transaction. One commit writes every index page the rows touched; the op log's
#: index on the (random) row ids is touched all over by every batch, so committing each batch of
#: 1,000 wrote it ten times over for 10,000 rows. A larger unit writes each page once, while the
#: lock other programs wait on (the window's saves) is still held for a few seconds at most.
COMMIT_ROWS = 10_000
#: Skipped rows listed one by one in the report; any more are counted (``ImportReport.unlisted``).
MAX_SKIPPED_LISTED = 1000
#: The file's keys held in memory while the first pass runs, with their winning lines (``_Keys``: about 200
#: bytes each, 20 MB at most); a file with more keeps them in a table and asks it row by row.
MAX_KEYS_HELD = 100_000

#: Service types an import may set and change: those a regulator's provision type gives. Any other
#: (bespoke, a parent-and-child kind, unregulated...) was the team's choice, and a re-import keeps it.
IMPORT_SETS = frozenset({rule.service_type for rule in PROVISION_TYPES if rule.service_type is not None}
                        | set(OWNED_BY_THIS_COUNCIL.values()))

_PROVIDER_COLUMNS = ("id", "deleted", "name", "organisation", "service_type", "provision_type", "urn",
                     "registration_status", "sector", "local_authority", "judgement", "judgement_helped_protected",
                     "judgement_date", "capacity", "regulator", "contract_route", "framework_name",
                     "ceased_operating_on")
_SETTING_COLUMNS = ("id", "provider_id", "deleted", "name", "address_line1", "address_line2", "town", "county",
                    "postcode", "capacity")


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
    layout: str = ""
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[SkippedRow] = field(default_factory=list)  # the first MAX_SKIPPED_LISTED, by line
    ignored_columns: list[str] = field(default_factory=list)
    unlisted: int = 0   # skipped rows beyond those listed in ``skipped``
    repeated: int = 0   # rows of a key with a later full inspection elsewhere in the file
    alerts: int = 0     # regulatory alerts raised
    closed_alerts: int = 0
    changes: int = 0    # lines in the change report
    import_id: str = ""  # the dated record of this import (``import_changes``)
    #: cells imported without the control characters they held ("line 7: name: removed BEL \\x07")
    cleaned: list[SkippedRow] = field(default_factory=list)
    cleaned_total: int = 0
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
        return self.added + self.updated + self.unchanged + self.skipped_total + self.repeated

    def skip(self, line: int, reason: str) -> None:
        if self._list is not None:
            self._list.add(SkippedRow(line, reason))
        if len(self.skipped) < MAX_SKIPPED_LISTED:
            self.skipped.append(SkippedRow(line, reason))
        else:
            self.unlisted += 1

    def clean(self, line: int, what: str) -> None:
        self.cleaned_total += 1
        if len(self.cleaned) < MAX_SKIPPED_LISTED:
            self.cleaned.append(SkippedRow(line, what))

    def summary(self) -> str:
        listed = f" (the first {len(self.skipped):,} listed)" if self.unlisted else ""
        repeated = f", {self.repeated} earlier inspection(s) of providers listed again" if self.repeated else ""
        cleaned = (f"; control characters removed from {self.cleaned_total} cell"
                   f"{'s' if self.cleaned_total != 1 else ''}" if self.cleaned_total else "")
        return (f"{self.path.name}: {self.added} added, {self.updated} updated, {self.unchanged} unchanged, "
                f"{self.skipped_total} skipped{listed}{repeated}{cleaned}")


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
        self._out.write(terminal_text(f"{row}") + "\n")  # a control character in a cell shown, never obeyed

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
            self._out.write(f"Rows skipped when importing {terminal_text(self._report.path.name)} (line: reason)\n")
            self._report.skipped_list = path
            return True
        if problems:
            self._report.skipped_list_problem = "the list of skipped rows could not be written: " + "; ".join(problems)
        return False

    def close(self) -> None:
        if self._out is not None:
            self._out.detach()  # the file itself is closed, and renamed into place, by writing_atomically
        self._stack.close()


# -- the first pass ----------------------------------------------------------------------------------

class _Keys:
    """Per key met in the file, the line of its row with the latest full inspection and how many rows
    it has: in a dict while the file has at most ``MAX_KEYS_HELD`` keys, then as 8-byte digests in an
    in-memory SQLite table (about 30 bytes a key), so memory stays bounded however large the file."""

    def __init__(self) -> None:
        #: digest -> (line, rank, rows), until there are more than ``MAX_KEYS_HELD`` keys (``None`` then)
        self._held: dict[int, tuple[int, int, int]] | None = {}
        self._db: sqlite3.Connection | None = None
        self._waiting: list[tuple[int, int, int]] = []

    def add(self, digest: int, line: int, rank: int) -> None:
        held = self._held
        if held is not None:
            found = held.get(digest)
            if found is not None:
                # the row that wins is the latest full inspection; on a tie the first in the file (as ``flush``)
                held[digest] = (line if rank > found[1] else found[0], max(found[1], rank), found[2] + 1)
                return
            if len(held) < MAX_KEYS_HELD:
                held[digest] = (line, rank, 1)
                return
            self._spill(held)
        self._waiting.append((digest, line, rank))
        if len(self._waiting) >= 5000:
            self.flush()

    def _spill(self, held: dict[int, tuple[int, int, int]]) -> None:
        """The keys held so far into the table, and every key from now on."""
        self._db = sqlite3.connect(":memory:")
        self._db.execute("CREATE TABLE keys (digest INTEGER PRIMARY KEY, line INTEGER NOT NULL, "
                         "rank INTEGER NOT NULL, rows INTEGER NOT NULL)")
        self._db.executemany("INSERT INTO keys VALUES (?, ?, ?, ?)",
                             ((digest, line, rank, rows) for digest, (line, rank, rows) in held.items()))
        self._held = None

    def flush(self) -> None:
        if self._db is not None and self._waiting:
            # the row that wins is the latest full inspection; on a tie the first in the file
            self._db.executemany(
                "INSERT INTO keys VALUES (?, ?, ?, 1) ON CONFLICT(digest) DO UPDATE SET rows = rows + 1, "
                "line = CASE WHEN excluded.rank > rank THEN excluded.line ELSE line END, "
                "rank = max(rank, excluded.rank)", self._waiting)
        self._waiting = []

    def winner(self, digest: int) -> tuple[int, int] | None:
        """(the line to use, how many rows the key has)."""
        if self._held is not None:
            held = self._held.get(digest)
            return (held[0], held[2]) if held is not None else None
        assert self._db is not None
        found = self._db.execute("SELECT line, rows FROM keys WHERE digest = ?", (digest,)).fetchone()
        return (int(found[0]), int(found[1])) if found else None

    def repeated(self) -> bool:
        """Whether any key has more than one row (an in-year file does; a provider-level file does not)."""
        if self._held is not None:
            return any(rows > 1 for _, _, rows in self._held.values())
        assert self._db is not None
        return bool(self._db.execute("SELECT EXISTS (SELECT 1 FROM keys WHERE rows > 1)").fetchone()[0])

    def lines(self) -> dict[int, int] | None:
        """Per key, the line to use, all in one read (``None`` when the file has more than
        ``MAX_KEYS_HELD`` keys: ask ``winner`` row by row then): a look-up per row was a query per row."""
        if self._held is not None:
            return {digest: line for digest, (line, _, _) in self._held.items()}
        assert self._db is not None
        limit = MAX_KEYS_HELD
        found = self._db.execute("SELECT digest, line FROM keys LIMIT ?", (limit + 1,)).fetchall()
        return dict(found) if len(found) <= limit else None

    def close(self) -> None:
        if self._db is not None:
            self._db.close()


@dataclass
class _Survey:
    header: Header
    total: int  # data rows after the header


def _survey(source: SourceFile, keys: _Keys) -> _Survey:
    """Read every row once, keeping only the first few and a digest per key: the file is refused here,
    before anything is written, if it is malformed or a row is too long."""
    first: list[tuple[int, list[str]]] = []
    header: Header | None = None
    noter: _KeyNoter | None = None
    total = 0
    for line, cells in records(source):
        if noter is None:
            first.append((line, cells))
            if len(first) < HEADER_SEARCH_ROWS and not looks_like_header(cells):
                continue
            header = find_header(first, source.path)
            noter = _KeyNoter(keys, header)
            for later_line, later_cells in first[header.index + 1:]:
                total += noter.note(later_line, later_cells)
            continue
        total += noter.note(line, cells)
    if header is None:
        header = find_header(first, source.path)  # raises, naming the layout expected and what was found
    keys.flush()
    return _Survey(header, total)


#: What ``row_key`` and ``inspection_rank`` read.
_KEY_FIELDS = frozenset({"urn", "name", "postcode", "inspection_type", "judgement_date"})


class _KeyNoter:
    """Notes each row's key and the rank of its inspection (``_Keys.add``); a rank is worked out once
    per inspection type and date (a file has a few thousand of them in 10,000 rows), and a URN already in
    its normal form is its key as it is (``row_key`` of such a row gives ``("urn", urn)``)."""

    def __init__(self, keys: _Keys, header: Header) -> None:
        self._keys = keys
        # only the columns a row's key and its inspection's rank are read from
        self._mapping = {position: name for position, name in header.mapping.items() if name in _KEY_FIELDS}
        at = {name: position for position, name in self._mapping.items()}
        self._urn_at = at.get("urn")
        self._inspection_at = (at.get("inspection_type"), at.get("judgement_date"))
        self._ranks: dict[tuple[str | None, str | None], int] = {}

    def note(self, line: int, cells: list[str]) -> int:
        width = len(cells)
        at = self._urn_at
        if at is not None and at < width and is_normal_urn(urn := cells[at]):
            key: tuple[str, ...] | None = ("urn", urn)
        else:
            key = row_key(cells_by_field(cells, self._mapping))
        if key is not None:
            kind_at, date_at = self._inspection_at
            inspection = (None if kind_at is None else cells[kind_at] if kind_at < width else "",
                          None if date_at is None else cells[date_at] if date_at < width else "")
            rank = self._ranks.get(inspection)
            if rank is None:
                rank = inspection_rank({name: text for name, text in zip(("inspection_type", "judgement_date"),
                                                                         inspection, strict=True) if text is not None})
                if len(self._ranks) < REMEMBERED_CELLS and sum(map(len, filter(None, inspection))) <= REMEMBERED_LENGTH:
                    self._ranks[inspection] = rank
            self._keys.add(key_digest(key), line, rank)
        return 1


# -- the import ----------------------------------------------------------------------------------------

@dataclass
class _Context:
    """What every batch of one import shares."""

    report: ImportReport
    source_words: str   # "Ofsted provider-level data, imported 22/11/2026"
    position: int = 0   # the batch number
    committed: int = 0  # batches committed
    #: Facts (and the day) of new providers without alerts for which Section 12 asked nothing: another new
    #: provider with the same facts asks nothing either (``watch`` is a function of what it is given, and
    #: the provider's id only names the alerts it raises), so it is not asked again (a file has a few
    #: thousand distinct facts in 10,000 rows; at most ``REMEMBERED_CELLS`` of them are kept)
    quiet: set[tuple[Facts, dt.date]] = field(default_factory=set)


class _Writer:
    """Batches written in units of work of ``COMMIT_ROWS`` rows."""

    def __init__(self, store: Store, context: _Context) -> None:
        self._store = store
        self._context = context
        self._unit: AbstractContextManager[Changes] | None = None
        self._changes: Changes | None = None
        self._rows = 0

    def write(self, batch: list[ParsedRow]) -> None:
        if self._changes is None:
            self._unit = self._store.write()
            self._changes = self._unit.__enter__()
        _write(self._changes, batch, self._context)
        self._rows += len(batch)
        if self._rows >= COMMIT_ROWS:
            self.commit()

    def commit(self) -> None:
        unit, self._unit, self._changes, self._rows = self._unit, None, None, 0
        if unit is not None:
            unit.__exit__(None, None, None)
            self._context.committed = self._context.position

    def abandon(self, error: BaseException) -> None:
        """Roll the open unit back (its batches are not kept)."""
        unit, self._unit, self._changes, self._rows = self._unit, None, None, 0
        if unit is not None:
            with suppress(BaseException):
                unit.__exit__(type(error), error, error.__traceback__)


def import_providers(store: Store, path: Path | str, *, progress: Callable[[int, int], None] | None = None,
                     council_owners: Iterable[str] = (), skipped_lists: Sequence[Path] = ()) -> ImportReport:
    """Import or update providers from a file; see the module docstring for the rules. ``council_owners``:
    the names this council owns homes under (its homes are internally commissioned). ``skipped_lists``:
    where to write the list of every skipped row (the first that can be written)."""
    require_officer(store.user, "or import providers")  # a Young Inspector's store is refused
    path = Path(path)
    owners = tuple(council_owners)
    source = open_source(path)
    with _older_objects_left_alone(), closing(_Keys()) as keys:
        survey = _survey(source, keys)
        header = survey.header
        report = ImportReport(path=path, encoding=source.label, layout=header.layout, ignored_columns=header.ignored,
                              import_id=new_id())
        started = store.clock.now()
        # the file's name stays with the import's record: two laptops importing the same data under two
        # names must raise the very same alert (its words included), or sync would show a conflict
        context = _Context(report, f"{header.layout} data, imported {started.astimezone():%d/%m/%Y}")
        has_regulator_column = "regulator" in header.fields
        total = survey.total
        if progress:
            progress(0, total)
        done = 0
        batch: list[ParsedRow] = []
        stopped: str | None = None
        writer = _Writer(store, context)
        line_of = _line_of(keys)
        parser = RowParser(header.mapping, has_regulator_column=has_regulator_column, council_owners=owners)
        listed = _SkippedList(report, skipped_lists)
        report._list = listed
        try:
            for index, (line, cells) in enumerate(records(source)):
                if index <= header.index:
                    continue
                done += 1
                row = _row(report, line_of, line, cells, parser)
                if row is not None:
                    batch.append(row)
                if len(batch) >= BATCH_SIZE:
                    writer.write(batch)
                    batch = []
                    if progress:
                        progress(min(done, total), total)
            if batch:
                writer.write(batch)
            writer.commit()
        except BaseException as error:
            writer.abandon(error)
            stopped = str(error) or type(error).__name__
            raise
        finally:
            report._list = None
            listed.close()  # the list so far is kept, whether the import ended or stopped
            if stopped is None:
                _keep_record(store, source, report, started, None)
            elif context.committed:  # batches were kept: the record says how far it got and why it stopped
                with suppress(Exception):  # the error that stopped the import is the one to report
                    _keep_record(store, source, report, started, stopped)
    if progress:
        progress(total, total)
    report.skipped.sort(key=lambda s: s.line)
    return report


@contextmanager
def _older_objects_left_alone() -> Iterator[None]:
    """While the import runs, the cycle collector's full passes leave alone the objects the program
    held before it began (``gc.freeze``): an import makes tens of thousands of rows, values and ops
    that live for a batch, which set off full passes over everything the program holds (the models,
    SQLAlchemy's tables, the window's objects), 0.12-0.15 s of a 10,000-row import's 1.5 s CPU in a
    process holding nothing but the import. Garbage is still freed as it is made (reference counts),
    and the import's own objects are collected as before; cycles among the older objects wait until
    the import ends. Not done when something else has frozen objects (it would unfreeze them)."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _line_of(keys: _Keys) -> Callable[[int], int | None] | None:
    """The line of the row to use for a key's digest (``None``: a key the first pass did not note); no
    look-up at all (``None``) when no key has two rows: every row is then the one to use."""
    if not keys.repeated():
        return None
    held = keys.lines()
    if held is not None:
        return held.get

    def asked(digest: int) -> int | None:
        found = keys.winner(digest)
        return found[0] if found is not None else None
    return asked


def _row(report: ImportReport, line_of: Callable[[int], int | None] | None, line: int, cells: list[str],
         parser: RowParser) -> ParsedRow | None:
    cleaned: list[str] = []
    try:
        row = parser.parse(line, cells, cleaned)
    except BadRow as error:
        report.skip(line, str(error))
        return None
    for what in cleaned:
        report.clean(line, what)
    if row is None or line_of is None:
        return row
    found = line_of(key_digest(row.key))
    if found is not None and found != line:
        report.repeated += 1  # the latest full inspection of this provider is on another line
        return None
    return row


def _keep_record(store: Store, source: SourceFile, report: ImportReport, started: dt.datetime,
                 stopped: str | None) -> None:
    """The dated record of the import (its change report is already stored, a batch at a time)."""
    with store.write() as changes:
        changes.create(ProviderImport, id=report.import_id, file_name=source.path.name, layout=report.layout,
                       read_as=source.label, imported_at=started, imported_by=changes.actor, rows=report.rows,
                       added=report.added, updated=report.updated, unchanged=report.unchanged,
                       skipped=report.skipped_total, repeated=report.repeated, alerts=report.alerts,
                       stopped=stopped)


# -- one batch -----------------------------------------------------------------------------------------

@dataclass
class _Current:
    """A provider as the register holds it, with its settings (plain values read through Core)."""

    provider: dict[str, Any]
    settings: list[dict[str, Any]]


@dataclass
class _Writes:
    providers_new: list[dict[str, Any]] = field(default_factory=list)
    provider_ids: list[str] = field(default_factory=list)
    settings_new: list[dict[str, Any]] = field(default_factory=list)
    setting_ids: list[str] = field(default_factory=list)
    provider_updates: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    setting_updates: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    alerts_new: list[dict[str, Any]] = field(default_factory=list)
    alert_ids: list[str] = field(default_factory=list)
    alert_updates: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    lines: list[list[str]] = field(default_factory=list)
    new_by_line: dict[int, str] = field(default_factory=dict)  # the id given to each added row's provider


def _write(changes: Changes, batch: list[ParsedRow], context: _Context) -> None:
    """One batch of rows, with its change report."""
    report = context.report
    today = changes.today()
    existing = _existing(changes, batch)
    alerts = _alerts_of(changes, [c.provider["id"] for c in existing.values()])
    writes = _Writes()
    for row in batch:
        current = existing.get(row.key)
        if current is not None and current.provider["deleted"]:
            report.skip(row.line, f"{_what(row)} was deleted from the register; it is not added again "
                                  "(undo the deletion to bring it back)")
            _line(writes, current.provider["id"], row, What.NOT_ADDED, "deleted", "", "the row was skipped")
            continue
        outcome = _apply(writes, current, row, today)
        setattr(report, outcome, getattr(report, outcome) + 1)
    _section_12(writes, batch, existing, alerts, today, context)
    changes.create_many(Provider, writes.providers_new, writes.provider_ids)
    changes.create_many(Setting, writes.settings_new, writes.setting_ids)
    changes.update_many(Provider, writes.provider_updates)
    changes.update_many(Setting, writes.setting_updates)
    changes.create_many(RegulatoryAlert, writes.alerts_new, writes.alert_ids)
    changes.update_many(RegulatoryAlert, writes.alert_updates)
    if writes.lines:
        # through the bulk verb: one op for the batch's lines, not the ORM's unit of work walking a thousand
        # lines three times (the file's cells were cleaned of control characters as they were read, and the
        # register's own values passed the write path's check when they were written)
        changes.create_many(ProviderImportChanges, [{"import_id": report.import_id, "position": context.position,
                                                     "entries": writes.lines}], [new_id()])
    changes.flush_ops()  # the batch's ops go to the database now, not held in memory until the commit
    report.changes += len(writes.lines)
    context.position += 1


def _what(row: ParsedRow) -> str:
    return f"URN {row.key[1]}" if row.key[0] == "urn" else repr(row.provider.get("name"))


def _existing(changes: Changes, batch: list[ParsedRow]) -> dict[tuple[str, ...], _Current]:
    """The providers the batch's rows match, by key: live ones first, a deleted one only where no
    live provider has the key."""
    table, settings_table = Provider.__table__, Setting.__table__
    urns = sorted({row.key[1] for row in batch if row.key[0] == "urn"})
    names = sorted({row.provider["name"] for row in batch if row.key[0] == "name"})
    providers: dict[str, dict[str, Any]] = {}
    for found in _plain_rows(changes, table, _PROVIDER_COLUMNS, "urn", urns):
        providers[found["id"]] = found
    for found in _plain_rows(changes, table, _PROVIDER_COLUMNS, "name", names):
        providers[found["id"]] = found
    settings: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for found in _plain_rows(changes, settings_table, _SETTING_COLUMNS, "provider_id", sorted(providers),
                             order_by="name"):
        settings[found["provider_id"]].append(found)
    result: dict[tuple[str, ...], _Current] = {}
    for provider in sorted(providers.values(), key=lambda p: p["deleted"]):  # live first: they win the key
        current = _Current(provider, settings[provider["id"]])
        if provider["urn"]:
            result.setdefault(("urn", provider["urn"]), current)
        else:
            for setting in current.settings:
                if setting["postcode"] and not setting["deleted"]:
                    result.setdefault(("name", fold(provider["name"]), setting["postcode"].replace(" ", "")), current)
    return result


def _plain_rows(changes: Changes, table: Any, columns: Sequence[str], where: str, values: Sequence[Any], *,
                also: str = "", order_by: str | None = None) -> Iterable[dict[str, Any]]:
    """The rows of ``table`` whose column ``where`` is one of ``values`` (500 at a time), as dicts of
    ``columns`` holding what an ORM read holds (each column's own conversion: enums, dates, flags),
    read through the session's connection without SQLAlchemy's row objects: a re-import reads every
    provider of the file, and building those was most of its reading."""
    connection = changes.session.connection()
    dialect = connection.dialect
    convert = [table.c[name].type.dialect_impl(dialect).result_processor(dialect, None) for name in columns]
    pairs = list(zip(columns, convert, strict=True))
    listed = ", ".join(f'"{name}"' for name in columns)
    for start in range(0, len(values), 500):
        chunk = tuple(values[start:start + 500])
        sql = (f'SELECT {listed} FROM "{table.name}" WHERE "{where}" IN ({", ".join("?" * len(chunk))}){also}'
               + (f' ORDER BY "{order_by}"' if order_by else ""))
        for found in connection.exec_driver_sql(sql, chunk).fetchall():
            yield {name: (process(value) if process is not None else value)
                   for (name, process), value in zip(pairs, found, strict=True)}


def _alerts_of(changes: Changes, provider_ids: list[str]) -> dict[str, list[KnownAlert]]:
    found: dict[str, list[KnownAlert]] = defaultdict(list)
    for row in _plain_rows(changes, RegulatoryAlert.__table__, ("id", "provider_id", "kind", "received_on",
                                                                "effective_on", "closed_on"),
                           "provider_id", sorted(provider_ids), also=" AND deleted = 0"):
        found[row["provider_id"]].append(KnownAlert(row["id"], row["kind"], row["received_on"], row["effective_on"],
                                                    row["closed_on"]))
    return found


def _line(writes: _Writes, provider_id: str, row: ParsedRow, what: What, before: str, after: str,
          note: str = "", name: str | None = None) -> None:
    urn = row.key[1] if row.key[0] == "urn" else ""
    writes.lines.append([provider_id, urn, name or row.provider.get("name") or "", _WHAT[what], before, after, note])


#: Each kind of line's text (``What.value`` is a property, read for each of an import's 13,000 lines).
_WHAT = {what: what.value for what in What}


def _words(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, ServiceType):
        return value.label
    if hasattr(value, "label"):
        return str(value.label)
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    return str(value)


def _address(values: dict[str, Any]) -> str:
    return ", ".join(str(values[name]) for name in ADDRESS_FIELDS if values.get(name))


def _placeholder_name(fields: dict[str, Any]) -> str:
    """A name for a provider whose name Ofsted redacted (children's homes often are)."""
    label = fields.get("provision_type") or fields["service_type"].label
    name = f"{label} {fields.get('urn', '')}".strip()
    owner = fields.get("organisation")
    return f"{name} ({owner})" if owner else name


def _ceased(fields: dict[str, Any], held: dict[str, Any] | None, today: dt.date) -> dict[str, Any]:
    """``ceased_operating_on``: the day an import first sees a closed registration; cleared if it is
    active again (``domain.registration``)."""
    status = fields.get("registration_status")
    if status is None:
        return {}
    already = held.get("ceased_operating_on") if held is not None else None
    if standing(status) is Standing.CLOSED:
        return {} if already else {"ceased_operating_on": today}
    return {"ceased_operating_on": None} if already else {}


def _apply(writes: _Writes, current: _Current | None, row: ParsedRow, today: dt.date) -> str:
    """Plan the row's writes and change lines; "added", "updated" or "unchanged"."""
    key = "\x1f".join(row.key)
    if current is None:
        # the new provider's fields: its name first, then the file's in their order, then the day it ceased
        fields = {"name": "", **row.provider, **_ceased(row.provider, None, today)}
        name = fields["name"] = row.provider.get("name") or _placeholder_name(fields)
        provider_id = derived_id("provider", key)
        writes.providers_new.append(fields)
        writes.provider_ids.append(provider_id)
        writes.new_by_line[row.line] = provider_id
        writes.settings_new.append({"provider_id": provider_id, "name": name, **row.setting})
        writes.setting_ids.append(derived_id("setting", key, "primary"))
        facts = [_words(fields["service_type"]), judgement_words(fields.get("judgement"), fields.get("judgement_date"))]
        if fields.get("registration_status"):
            facts.append(str(fields["registration_status"]))
        _line(writes, provider_id, row, What.ADDED, "", "; ".join(facts), name=name)
        return "added"
    fields = dict(row.provider)
    fields.update(_ceased(fields, current.provider, today))

    held = current.provider
    provider_id = held["id"]
    name = held["name"]
    update: dict[str, Any] = {}
    for field_name, value in fields.items():
        if field_name in (*INSPECTION_FIELDS, "service_type") or held.get(field_name) == value:
            continue
        update[field_name] = value
        what = WATCHED_PROVIDER_FIELDS.get(field_name)
        if what is not None:
            _line(writes, provider_id, row, what, _words(held.get(field_name)), _words(value), name=name)
    _judgement(writes, held, fields, update, row)
    _service_type(writes, held, fields, update, row)
    if update:
        writes.provider_updates.append((provider_id, update))
    setting_changed = _setting(writes, current, row, provider_id, name, key)
    return "updated" if update or setting_changed else "unchanged"


def _judgement(writes: _Writes, held: dict[str, Any], fields: dict[str, Any], update: dict[str, Any],
               row: ParsedRow) -> None:
    """Never backwards: the file's judgement replaces the one held only for an inspection at least as
    recent (a dated one beats an undated one)."""
    judgement, inspected = fields.get("judgement"), fields.get("judgement_date")
    if judgement is None and inspected is None and fields.get("judgement_helped_protected") is None:
        return
    held_judgement, held_date = held["judgement"], held["judgement_date"]
    before = judgement_words(held_judgement, held_date)
    older = held_date is not None and (inspected is None or inspected < held_date)
    if older:
        if (judgement, inspected) != (held_judgement, held_date):
            _line(writes, held["id"], row, What.JUDGEMENT_KEPT, before,
                  judgement_words(judgement or held_judgement, inspected),
                  "the file's inspection is older than the one held, which is kept", name=held["name"])
        return
    new = {"judgement": judgement if judgement is not None else held_judgement, "judgement_date": inspected}
    helped = fields.get("judgement_helped_protected")
    if helped is not None:  # a sub-judgement of the same inspection: kept with it (a placeholder clears nothing)
        update.update({"judgement_helped_protected": helped} if held["judgement_helped_protected"] != helped else {})
    changed = {k: v for k, v in new.items() if held[k] != v}
    if not changed:
        return
    update.update(changed)
    worse = _rank(new["judgement"]) > _rank(held_judgement) if held_judgement is not None else False
    _line(writes, held["id"], row, What.JUDGEMENT, before, judgement_words(new["judgement"], inspected),
          "worse than before" if worse else "", name=held["name"])


_ORDER = (Judgement.OUTSTANDING, Judgement.GOOD, Judgement.REQUIRES_IMPROVEMENT, Judgement.INADEQUATE)


def _rank(judgement: Any) -> int:
    return _ORDER.index(judgement) if judgement in _ORDER else -1


def _service_type(writes: _Writes, held: dict[str, Any], fields: dict[str, Any], update: dict[str, Any],
                  row: ParsedRow) -> None:
    wanted, kept = fields["service_type"], held["service_type"]
    if wanted == kept:
        return
    if kept not in IMPORT_SETS:
        _line(writes, held["id"], row, What.SERVICE_TYPE_KEPT, _words(kept), _words(wanted),
              "set by the team; the file's provision type is not used", name=held["name"])
        return
    update["service_type"] = wanted
    _line(writes, held["id"], row, What.SERVICE_TYPE, _words(kept), _words(wanted), name=held["name"])


def _setting(writes: _Writes, current: _Current, row: ParsedRow, provider_id: str, name: str, key: str) -> bool:
    live = [s for s in current.settings if not s["deleted"]]
    postcode = row.setting.get("postcode")
    setting = next((s for s in live if postcode and s["postcode"] == postcode), None)
    if setting is None and len(live) == 1:
        setting = live[0]
    if setting is None:
        setting_id = derived_id("setting", key, postcode or "primary")
        if any(s["id"] == setting_id for s in current.settings):
            return False  # that address was deleted from the provider: not made again
        writes.settings_new.append({"provider_id": provider_id, "name": name, **row.setting})
        writes.setting_ids.append(setting_id)
        _line(writes, provider_id, row, What.ADDRESS, "", _address(row.setting), "a new address for the provider",
              name=name)
        return True
    update = {k: v for k, v in row.setting.items() if setting.get(k) != v}
    if not update:
        return False
    writes.setting_updates.append((setting["id"], update))
    if any(k in ADDRESS_FIELDS for k in update):
        _line(writes, provider_id, row, What.ADDRESS, _address(setting), _address({**setting, **update}), name=name)
    return True


def _alert_id(provider_id: str, today: dt.date) -> Callable[[AlertKind, dt.date | None], str]:
    """An alert's id derived from what it is about: the provider, the kind and the inspection (or,
    for a status seen in the data, the day it was seen), so two laptops importing the same file
    raise one alert between them, not two that sync keeps side by side."""
    def alert_id(kind: AlertKind, effective_on: dt.date | None) -> str:
        about = effective_on.isoformat() if effective_on else f"seen {today.isoformat()}"
        return derived_id("regulatory_alert", provider_id, kind.value, about)
    return alert_id


#: What Section 12 asks of a provider with nothing to raise or close.
_NOTHING = Watch()


def _section_12(writes: _Writes, batch: list[ParsedRow], existing: dict[tuple[str, ...], _Current],
                alerts: dict[str, list[KnownAlert]], today: dt.date, context: _Context) -> None:
    """Raise and close the regulatory alerts the batch's facts call for (``regulator_watch``), and
    say so in the change report; a registration newly closed is said there too."""
    new = dict(zip(writes.provider_ids, writes.providers_new, strict=True))
    updates = dict(writes.provider_updates)
    for row in batch:
        current = existing.get(row.key)
        if current is not None and current.provider["deleted"]:
            continue
        if current is None:
            provider_id = writes.new_by_line[row.line]
            after_values = new[provider_id]
            before = None
            name = after_values["name"]
        else:
            held = current.provider
            provider_id = held["id"]
            after_values = {**held, **updates.get(provider_id, {})}
            before = Facts(held["regulator"], held["judgement"], held["judgement_date"], held["registration_status"])
            name = held["name"]
        after = Facts(after_values.get("regulator"), after_values.get("judgement"),
                      after_values.get("judgement_date"), after_values.get("registration_status"))
        known = alerts.get(provider_id, [])
        new_and_quiet = before is None and not known
        if new_and_quiet and (after, today) in context.quiet:
            result = _NOTHING
        else:
            result = watch(before, after, known, today, _alert_id(provider_id, today))
            if new_and_quiet and not result and len(context.quiet) < REMEMBERED_CELLS \
                    and len(after.status or "") <= REMEMBERED_LENGTH:
                context.quiet.add((after, today))
        for alert in result.raised:
            writes.alert_ids.append(alert.id)
            writes.alerts_new.append({"provider_id": provider_id, "regulator": alert.regulator, "kind": alert.kind,
                                      "received_on": today, "review_on": alert.review_on, "summary": alert.summary,
                                      "closed_on": None, "source": context.source_words,
                                      "effective_on": alert.effective_on, "superseded_by": None})
            review = f"; review due {alert.review_on:%d/%m/%Y} (12 weeks, Section 12)" if alert.review_on else ""
            _line(writes, provider_id, row, What.SANCTIONED, "", f"Poor judgement/restriction: {alert.kind.label}",
                  f"regulatory alert raised{review}", name=name)
            context.report.alerts += 1
        for closing_ in result.closed:
            closed: dict[str, Any] = {"closed_on": today}
            if closing_.superseded_by:
                closed["superseded_by"] = closing_.superseded_by
            writes.alert_updates.append((closing_.alert_id, closed))
            _line(writes, provider_id, row, What.ALERT_CLOSED, closing_.kind.label, "closed", closing_.reason,
                  name=name)
            context.report.closed_alerts += 1
        ceased = after_values.get("ceased_operating_on")
        if ceased is not None and (current is None or current.provider.get("ceased_operating_on") is None):
            _line(writes, provider_id, row, What.SANCTIONED, "", "Ceased operating",
                  f"registration status {after.status!r}", name=name)
