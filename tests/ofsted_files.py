"""Files in Ofsted's layouts, made for tests and benchmarks (fictional providers, real shapes).

- The **provider-level** file ("Children's social care in England", one row per provider) with a
  title line above the header, as Ofsted publishes it, and every kind of row the import must map:
  children's homes (some redacted), short-break-only homes, a residential holiday scheme for
  disabled children, a secure training centre, boarding schools and FE colleges, this council's own
  homes, fostering agencies, adoption agencies (not commissioned), suspended and resigned providers.
- A **later** provider-level file of the same providers: some judgements drop, some homes are
  suspended, some close, one is renamed and one moves.
- The **in-year** file (one row per inspection, several per URN, oldest first), with interim
  inspections that give no overall judgement.
- The same rows as an Excel workbook and as Excel's "Unicode text" (UTF-16, tab-separated).

``python tests/ofsted_files.py OUT.csv 20000`` writes a 20,000-row provider-level file (the
benchmarks in ``bench/`` use ``write_provider_level``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

PROVIDER_LEVEL = ["URN", "Provision type", "Registration status", "Sector", "Name", "Address 1", "Address 2",
                  "Town", "County", "Postcode", "Local authority", "Places", "Organisation which owns the provider",
                  "Latest full inspection date", "Overall experiences and progress of children and young people"]
IN_YEAR = ["URN", "Provision type", "Sector", "Name", "Local authority", "Places",
           "Organisation which owns the provider", "Inspection date", "Inspection type",
           "Overall experiences and progress of children and young people"]
TITLE = "Children's social care in England: provider level data as at 31 March 2026 (fictional)"

COUNCIL = "Medway Council"
JUDGEMENTS = ["Outstanding", "Good", "Good", "Good", "Requires improvement to be good", "Inadequate", "NULL"]
TOWNS = ["Rochester", "Chatham", "Gillingham", "Strood", "Rainham", "Maidstone", "Canterbury", "Dover"]
#: Provision types, with how often each appears (a children's home most often, as in the real file).
KINDS = [("Children's home", 60), ("Short-break-only children's home", 3), ("Independent fostering agency", 8),
         ("Residential special school", 4), ("Supported accommodation", 10), ("Residential family centre", 2),
         ("Secure children's home", 1), ("Boarding school", 4), (("Further education college with residential "
                                                                   "accommodation"), 2),
         ("Residential holiday scheme for disabled children", 1), ("Secure training centre", 1),
         ("Voluntary adoption agency", 2), ("Residential special school (registered as a children's home)", 2)]
_WEIGHTED = [kind for kind, weight in KINDS for _ in range(weight)]


def urn(n: int) -> str:
    return f"SC{800_000 + n:06d}" if n < 200_000 else f"{1_000_000 + n}"


def provider_row(n: int, rng: random.Random) -> list[str]:
    """One provider as the provider-level file lists it."""
    kind = _WEIGHTED[n % len(_WEIGHTED)]
    council = n % 23 == 0 and kind in ("Children's home", "Short-break-only children's home")
    owner = COUNCIL if council else f"Provider Group {n % 400} Ltd"
    sector = "Local authority" if council else ("Voluntary" if n % 7 == 0 else "Private")
    status = "Active"
    if n % 97 == 0:
        status = "Suspended"
    elif n % 89 == 0:
        status = "Resigned"
    judgement = JUDGEMENTS[rng.randrange(len(JUDGEMENTS))]
    inspected = "NULL" if judgement == "NULL" else f"{1 + n % 28:02d}/{1 + n % 12:02d}/20{21 + n % 5}"
    name = "REDACTED" if kind == "Children's home" and n % 3 == 0 else f"{TOWNS[n % len(TOWNS)]} {kind.split()[0]} {n}"
    return [urn(n), kind, status, sector, name, f"{n} High Street" if name != "REDACTED" else "REDACTED", "",
            TOWNS[n % len(TOWNS)], "Kent", f"ME{n % 20} {n % 9}AB", "Medway", str(n % 6 + 1), owner, inspected,
            judgement]


def provider_level_rows(count: int, seed: int = 17) -> Iterator[list[str]]:
    rng = random.Random(seed)
    for n in range(count):
        yield provider_row(n, rng)


def later_rows(count: int, seed: int = 17) -> Iterator[list[str]]:
    """The same providers a year on: every 10th drops to Inadequate (inspected since), every 31st is
    suspended, every 37th resigned, provider 1 renamed, provider 2 moved; the rest as they were."""
    for n, row in enumerate(provider_level_rows(count, seed)):
        row = list(row)
        if n % 10 == 0:
            row[13], row[14] = "14/10/2026", "Inadequate"
        if n % 31 == 0:
            row[2] = "Suspended"
        if n % 37 == 0:
            row[2] = "Resigned"
        if n == 1:
            row[4] = row[4] + " (renamed)"
        if n == 2:
            row[5], row[9] = "1 New Road", "ME5 9ZZ"
        yield row


def in_year_rows(count: int, seed: int = 17) -> Iterator[list[str]]:
    """Inspections of the year, oldest first: every provider a full inspection in 2023; every other
    one again in 2024 (a later full inspection); every third an interim inspection after that,
    which grades no overall judgement."""
    rng = random.Random(seed)
    rows: list[tuple[dt.date, list[str]]] = []
    for n in range(count):
        kind = _WEIGHTED[n % len(_WEIGHTED)]
        base = [urn(n), kind, "Private", f"Home {n}", "Medway", str(n % 6 + 1), f"Provider Group {n % 400} Ltd"]
        first = dt.date(2023, 1 + n % 12, 1 + n % 28)
        rows.append((first, [*base, f"{first:%d/%m/%Y}", "Full inspection", JUDGEMENTS[rng.randrange(6)]]))
        if n % 2 == 0:
            second = dt.date(2024, 1 + n % 12, 1 + n % 28)
            rows.append((second, [*base, f"{second:%d/%m/%Y}", "Full inspection", JUDGEMENTS[rng.randrange(6)]]))
        if n % 3 == 0:
            interim = dt.date(2025, 1 + n % 12, 1 + n % 28)
            rows.append((interim, [*base, f"{interim:%d/%m/%Y}", "Interim inspection", "Improved effectiveness"]))
    rows.sort(key=lambda r: r[0])
    for _, row in rows:
        yield row


def write_csv(path: Path, header: Sequence[str], rows: Iterator[list[str]] | Sequence[list[str]], *,
              encoding: str = "utf-8", title: bool = True, delimiter: str = ",") -> Path:
    """A CSV a row at a time (a large file is never in memory)."""
    with path.open("w", encoding=encoding, newline="") as out:
        writer = csv.writer(out, delimiter=delimiter)
        if title:
            writer.writerow([TITLE])
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
    return path


def write_provider_level(path: Path, count: int, *, later: bool = False, seed: int = 17, **options: object) -> Path:
    rows = later_rows(count, seed) if later else provider_level_rows(count, seed)
    return write_csv(path, PROVIDER_LEVEL, rows, **options)  # type: ignore[arg-type]


def write_unicode_text(path: Path, header: Sequence[str], rows: Sequence[list[str]]) -> Path:
    """What Excel's "Save as Unicode text" writes: UTF-16 with a byte-order mark, tab-separated."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode("utf-16"))
    return path


def write_xlsx(path: Path, header: Sequence[str], rows: Sequence[list[object]], *, cover_sheet: bool = True) -> Path:
    """A workbook as a council keeps it: a notes sheet first, then the data with a title line."""
    from openpyxl import Workbook

    book = Workbook()
    first = book.worksheets[0]
    if cover_sheet:
        first.title = "Notes"
        first.append(["Provider list kept by the commissioning team"])
        first.append(["See the next sheet"])
        sheet = book.create_sheet("Providers")
    else:
        sheet = first
    sheet.append([TITLE])
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "ofsted-provider-level.csv")
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 20_000
    write_provider_level(target, rows)
    print(f"{target}: {rows:,} providers in Ofsted's provider-level layout")
