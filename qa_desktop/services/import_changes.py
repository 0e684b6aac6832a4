"""The change report of a provider import: per provider, what changed, as lines the team reads
after the import (in the window and the CLI) and later (every import is kept as a dated record).

A line is ``[provider id, URN, provider, what, before, after, note]``. What is watched: the
judgement and its date, the registration status, the name, the address, the places, the owner and
the service type; a provider added; a judgement in the file older than the one held (kept, never
moved backwards); and what the import did on the sanctions list (Section 12).

The lines are stored with the import, one record per batch of the file (``ProviderImportChanges``),
and read back here as frozen data.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qa_desktop.atomic import write_atomically
from qa_desktop.services.spreadsheet_cells import safe_cell
from qa_desktop.store.access import officer
from qa_desktop.store.models import ProviderImport, ProviderImportChanges


class What(enum.StrEnum):
    """What a line of the change report is about (the filter in the window offers these)."""

    ADDED = "Added to the register"
    JUDGEMENT = "Judgement"
    JUDGEMENT_KEPT = "Older judgement not used"
    STATUS = "Registration status"
    NAME = "Name"
    ADDRESS = "Address"
    PLACES = "Places"
    OWNER = "Owner"
    SERVICE_TYPE = "Service type"
    SERVICE_TYPE_KEPT = "Service type kept"
    SANCTIONED = "On the sanctions list"
    ALERT_CLOSED = "Alert closed"
    NOT_ADDED = "Not added again"


#: The provider fields a change of which is reported, and under what heading.
WATCHED_PROVIDER_FIELDS: dict[str, What] = {
    "registration_status": What.STATUS,
    "name": What.NAME,
    "capacity": What.PLACES,
    "organisation": What.OWNER,
}
ADDRESS_FIELDS = ("address_line1", "address_line2", "town", "county", "postcode")

COLUMNS = ("Provider", "URN", "What changed", "Before", "After", "Note")


@dataclass(frozen=True)
class ChangeLine:
    provider_id: str
    urn: str
    provider: str
    what: What
    before: str
    after: str
    note: str

    def as_entry(self) -> list[str]:
        return [self.provider_id, self.urn, self.provider, self.what.value, self.before, self.after, self.note]

    @classmethod
    def from_entry(cls, entry: list[Any]) -> ChangeLine:
        provider_id, urn, provider, what, before, after, note = (str(v) if v is not None else "" for v in entry)
        return cls(provider_id, urn, provider, What(what), before, after, note)

    @property
    def cells(self) -> list[str]:
        """As the table and the export show it (``COLUMNS``)."""
        return [self.provider, self.urn, self.what.value, self.before, self.after, self.note]


@dataclass(frozen=True)
class ImportRecord:
    """One import, as the list of imports shows it."""

    id: str
    file_name: str
    layout: str
    read_as: str
    imported_at: dt.datetime
    imported_by: str
    rows: int
    added: int
    updated: int
    unchanged: int
    skipped: int
    repeated: int
    alerts: int
    stopped: str | None

    @property
    def summary(self) -> str:
        repeated = (f", {self.repeated:,} earlier inspection(s) of providers listed again" if self.repeated else "")
        stopped = f"; STOPPED: {self.stopped}" if self.stopped else ""
        return (f"{self.file_name} ({self.layout}, {self.read_as}): {self.added:,} added, {self.updated:,} updated, "
                f"{self.unchanged:,} unchanged, {self.skipped:,} skipped{repeated}; "
                f"{self.alerts:,} regulatory alert(s) raised{stopped}")


def _record(row: ProviderImport) -> ImportRecord:
    return ImportRecord(row.id, row.file_name, row.layout, row.read_as, row.imported_at, row.imported_by, row.rows,
                        row.added, row.updated, row.unchanged, row.skipped, row.repeated, row.alerts, row.stopped)


def import_history(session: Session, *, limit: int | None = None) -> list[ImportRecord]:
    """Every import kept, newest first."""
    officer(session, "provider imports")
    query = (select(ProviderImport).where(ProviderImport.deleted.is_(False))
             .order_by(ProviderImport.imported_at.desc(), ProviderImport.id))
    if limit is not None:
        query = query.limit(limit)
    return [_record(row) for row in session.scalars(query)]


def import_record(session: Session, import_id: str) -> ImportRecord | None:
    officer(session, "provider imports")
    row = session.get(ProviderImport, import_id)
    return None if row is None or row.deleted else _record(row)


def change_lines(session: Session, import_id: str) -> Iterator[ChangeLine]:
    """The import's lines in the order of its file, a batch at a time (a large import is never read whole)."""
    officer(session, "provider imports")
    positions = session.scalars(select(ProviderImportChanges.id).where(
        ProviderImportChanges.import_id == import_id, ProviderImportChanges.deleted.is_(False))
        .order_by(ProviderImportChanges.position)).all()
    for batch_id in positions:
        entries = session.scalar(select(ProviderImportChanges.entries).where(ProviderImportChanges.id == batch_id))
        for entry in entries or []:
            yield ChangeLine.from_entry(entry)


def export_changes(lines: list[ChangeLine], path: Path, *, title: str) -> None:
    """The lines as a spreadsheet (.xlsx, filters on, header frozen; every cell stored as text) or CSV
    (UTF-8 with a byte-order mark, so Excel reads accents; ``safe_cell``): never a formula that runs."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(COLUMNS)
        for line in lines:
            writer.writerow([safe_cell(cell) for cell in line.cells])
        write_atomically(path, buffer.getvalue().encode("utf-8-sig"))
        return
    if suffix != ".xlsx":
        raise ValueError(f"{path.name}: export to a .xlsx or .csv file.")
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = "What changed"
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F3B5B")
    for line in lines:
        sheet.append(line.cells)
        for cell in sheet[sheet.max_row]:
            cell.data_type = "s"  # stored as text: a name beginning "=" is shown, never run as a formula
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, width in enumerate((36, 11, 24, 30, 30, 50), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    book.properties.title = title
    buffer_bytes = io.BytesIO()
    book.save(buffer_bytes)
    write_atomically(path, buffer_bytes.getvalue())
