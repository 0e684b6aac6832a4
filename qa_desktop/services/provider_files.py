"""Provider lists as users have them: the file's rows as lists of text, whatever it was saved as.

- CSV from Ofsted or Excel in UTF-8 (with or without a byte-order mark), Windows-1252, or UTF-16
  (Excel's "Unicode text", which is tab-separated); commas, semicolons or tabs between cells.
- Excel workbooks (``.xlsx``): the first sheet with a header row in its first rows is read, dates as
  dates and whole numbers without ".0".
- Anything else (an old ``.xls``, a PDF, a Word file) is named for what it is, with what to do.

Memory stays bounded however large the file: the encoding is found by decoding the bytes a chunk
at a time, CSV lines are read with a limit (``MAX_ROW_CHARS`` per row, however its quotes run
across lines), and a workbook is read in openpyxl's read-only (streaming) mode.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import zipfile
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

#: The longest row read (in characters, all its lines together): an Ofsted row has a few hundred.
MAX_ROW_CHARS = 1_000_000
#: Bytes read at a time while finding the encoding.
_CHUNK = 1 << 20
#: A workbook whose parts unpack to more than this is not a provider list (and may be a zip bomb).
MAX_WORKBOOK_BYTES = 2_000_000_000
#: Rows looked at for a header (the title lines Ofsted and councils put above it).
HEADER_SEARCH_ROWS = 20

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 (.xls), Word .doc


class ImportFileError(Exception):
    """The file as a whole cannot be imported (missing, unreadable, not a provider list)."""


@dataclass(frozen=True)
class SourceFile:
    """A file and how to read it."""

    path: Path
    kind: str       # "csv" or "xlsx"
    encoding: str   # the codec of a CSV file ("" for a workbook)
    label: str      # how it was read, for the report: "utf-8", "cp1252", "utf-16", "Excel workbook"
    dialect: Any = csv.excel
    sheet: str | None = None  # the worksheet read, for a workbook


def open_source(path: Path) -> SourceFile:
    """Work out what the file is and how to read it; ``ImportFileError`` in words when it cannot be."""
    try:
        with path.open("rb") as stream:
            start = stream.read(4096)
    except FileNotFoundError:
        raise ImportFileError(f"{path}: no such file. Check the name and folder.") from None
    except IsADirectoryError:
        raise ImportFileError(f"{path}: this is a folder, not a file.") from None
    except OSError as error:
        raise ImportFileError(f"{path}: cannot be read ({error.strerror}).") from None
    if start.startswith(b"PK\x03\x04"):
        return _workbook(path)
    if start.startswith(_OLE):
        raise ImportFileError(f"{path.name}: this is an old Excel 97-2003 (.xls) or Word file. In Excel, use "
                              "File > Save As > Excel Workbook (.xlsx) or CSV UTF-8, and import that.")
    if start.startswith(b"%PDF"):
        raise ImportFileError(f"{path.name}: this is a PDF, not a provider list. Import the CSV or Excel file "
                              "it was made from.")
    encoding = _utf16(start) or _text_encoding(path, start)
    label = {"utf-8-sig": "utf-8", "utf-16": "utf-16"}.get(encoding, encoding)
    return SourceFile(path, "csv", encoding, label, _dialect(path, encoding))


def _utf16(start: bytes) -> str | None:
    """UTF-16, as Excel's "Unicode text" writes it (with a byte-order mark), or without one but with
    the zero bytes every Latin letter has in UTF-16."""
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = start[:2048]
    if len(sample) >= 8 and sample.count(b"\x00") * 3 >= len(sample):
        return "utf-16-le" if sample[1::2].count(0) > sample[0::2].count(0) else "utf-16-be"
    return None


def _text_encoding(path: Path, start: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), else Windows-1252, else Latin-1: the first that
    reads the whole file, decoded a chunk at a time (never whole in memory)."""
    if b"\x00" in start:
        raise ImportFileError(f"{path.name}: this is not a text file QA Desktop can read (it holds binary data). "
                              "Save the provider list from Excel as CSV UTF-8 or as an Excel Workbook (.xlsx).")
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


def _dialect(path: Path, encoding: str) -> Any:
    try:
        with path.open(encoding=encoding, newline="") as stream:
            sample = stream.read(8192)
    except UnicodeDecodeError:
        raise ImportFileError(f"{path.name}: this file is not text in {encoding}; save it again as CSV UTF-8."
                              ) from None
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        return csv.excel_tab if sample.count("\t") > sample.count(",") else csv.excel


# -- CSV ---------------------------------------------------------------------------------------------

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


def _csv_records(source: SourceFile) -> Generator[tuple[int, list[str]], None, None]:
    path = source.path
    with path.open(encoding=source.encoding, newline="") as stream:
        lines = _Lines(stream)
        reader = csv.reader(lines, source.dialect)
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


# -- Excel workbooks ---------------------------------------------------------------------------------

def _workbook(path: Path) -> SourceFile:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        raise ImportFileError(f"{path.name}: this looks like an Excel or zip file but is damaged; open it in Excel "
                              "and save it again.") from None
    if "xl/workbook.xml" not in names:
        what = "a Word document" if "word/document.xml" in names else "a zip file"
        raise ImportFileError(f"{path.name}: this is {what}, not an Excel workbook or CSV provider list.")
    if unpacked > MAX_WORKBOOK_BYTES:
        raise ImportFileError(f"{path.name}: the workbook unpacks to {unpacked / 1e9:.1f} GB, more than any "
                              "provider list; nothing was imported.")
    sheets = _sheet_names(path)
    chosen = next((name for name in sheets if _has_header(path, name)), sheets[0] if sheets else None)
    return SourceFile(path, "xlsx", "", "Excel workbook", sheet=chosen)


def _open_book(path: Path) -> Any:
    from openpyxl import load_workbook

    try:
        return load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook  # noqa: BLE001
        raise ImportFileError(f"{path.name}: the workbook cannot be read ({error}); open it in Excel and save it "
                              "again.") from None


def _sheet_names(path: Path) -> list[str]:
    book = _open_book(path)
    try:
        return [sheet.title for sheet in book.worksheets]
    finally:
        book.close()


def _has_header(path: Path, sheet: str) -> bool:
    from qa_desktop.services.provider_layout import looks_like_header

    for count, (_, cells) in enumerate(_sheet_records(path, sheet)):
        if looks_like_header(cells):
            return True
        if count >= HEADER_SEARCH_ROWS:
            return False
    return False


def cell_text(value: Any) -> str:
    """A workbook cell as the text a CSV of it would hold (dates in ISO form, 4 not 4.0)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, dt.date):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _sheet_records(path: Path, sheet: str | None) -> Generator[tuple[int, list[str]], None, None]:
    book = _open_book(path)
    try:
        worksheet = book[sheet] if sheet else book.worksheets[0]
        if hasattr(worksheet, "reset_dimensions"):
            worksheet.reset_dimensions()  # some writers record a wrong used range; read every row there is
        for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
            cells = [cell_text(value) for value in values]
            while cells and not cells[-1]:
                cells.pop()
            if sum(len(cell) for cell in cells) > MAX_ROW_CHARS:
                raise ImportFileError(f"{path.name}: row {number}: a row is longer than {MAX_ROW_CHARS:,} "
                                      "characters, which no provider list has; nothing was imported.")
            yield number, cells
    except (KeyError, zipfile.BadZipFile, OSError) as error:
        raise ImportFileError(f"{path.name}: the workbook cannot be read ({error}).") from None
    finally:
        book.close()


def records(source: SourceFile) -> Generator[tuple[int, list[str]], None, None]:
    """Each row with the line (CSV: the physical line it starts on) or row number (workbook) it is on."""
    if source.kind == "xlsx":
        return _sheet_records(source.path, source.sheet)
    return _csv_records(source)
