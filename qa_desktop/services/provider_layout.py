"""Which layout a provider file is in: its header row, what each column fills, and, for a file in a
layout QA Desktop does not know, the columns expected beside the ones found.

Three layouts are known, told apart by their columns:
- Ofsted's provider-level file ("Children's social care in England", one row per provider: URN,
  Provision type, Registration status, ... Latest full inspection date, Overall experiences ...);
- Ofsted's in-year inspections file (one row per inspection, so several rows per URN, with the
  inspection's date and type);
- a council's own list (Provider name, Service type, Contract route, Regulator, ...).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from qa_desktop.domain.text import fold
from qa_desktop.services.provider_files import HEADER_SEARCH_ROWS, ImportFileError

#: Folded column headings and the field each fills. Ofsted's headings first, then common ones.
COLUMNS: dict[str, str] = {
    "urn": "urn",
    "unique reference number": "urn",
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
    "registered places": "capacity",
    "organisation which owns the provider": "organisation",
    "owner": "organisation",
    "owner name": "organisation",
    "organisation": "organisation",
    "provider organisation": "organisation",
    "latest full inspection date": "judgement_date",
    "inspection date": "judgement_date",
    "date of inspection": "judgement_date",
    "inspection start date": "judgement_date",
    "judgement date": "judgement_date",
    "inspection type": "inspection_type",
    "inspection event type": "inspection_type",
    "event type": "inspection_type",
    "type of inspection": "inspection_type",
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
    "short break only": "short_break",
    "short breaks only": "short_break",
    "short break only home": "short_break",
    "provision subtype": "short_break",
    "provision sub type": "short_break",
}

#: Headings that say a file lists inspections (one row each), not providers.
_IN_YEAR_HEADINGS = frozenset({"inspection date", "date of inspection", "inspection start date"})

#: What the file must have, as the message for a file in another layout says it.
EXPECTED = ("URN (or Name with Postcode)", "Provision type (or Service type)")
OFSTED_PROVIDER_LEVEL = ("URN", "Provision type", "Registration status", "Sector", "Name", "Address 1", "Address 2",
                         "Town", "County", "Postcode", "Local authority", "Places",
                         "Organisation which owns the provider", "Latest full inspection date",
                         "Overall experiences and progress of children and young people")


class Layout:
    PROVIDER_LEVEL = "Ofsted provider-level"
    IN_YEAR = "Ofsted in-year inspections"
    COUNCIL = "council list"


@dataclass(frozen=True)
class Header:
    """Where the header is and what each column fills."""

    index: int                 # which of the file's rows it is (0-based)
    line: int                  # the line (or row) it is on
    mapping: dict[int, str]    # column position -> field
    ignored: list[str]         # headings not used
    layout: str

    @property
    def fields(self) -> set[str]:
        return set(self.mapping.values())


def looks_like_header(cells: list[str]) -> bool:
    folded = [fold(cell) for cell in cells]
    return "urn" in folded or "unique reference number" in folded or any(COLUMNS.get(f) == "name" for f in folded)


def find_header(rows: list[tuple[int, list[str]]], path: Path) -> Header:
    """The header among the first rows, or ``ImportFileError`` naming the layout expected and what
    the file has instead."""
    for index, (line, row) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if not looks_like_header(row):
            continue
        folded = [fold(cell) for cell in row]
        mapping: dict[int, str] = {}
        ignored: list[str] = []
        for position, (cell, key) in enumerate(zip(row, folded, strict=True)):
            target = COLUMNS.get(key)
            if target and target not in mapping.values():
                mapping[position] = target
            elif cell.strip():
                ignored.append(cell.strip())
        targets = set(mapping.values())
        found = ", ".join(cell.strip() for cell in row if cell.strip())
        if not targets & {"provision_type", "service_type"}:
            raise ImportFileError(
                f"{path.name}: the header on line {line} has no 'Provision type' or 'Service type' column, so the "
                f"kind of each service cannot be known. Expected at least: {', '.join(EXPECTED)}; in Ofsted's "
                f"provider-level layout: {', '.join(OFSTED_PROVIDER_LEVEL)}. Found: {found}.")
        return Header(index, line, mapping, ignored, _layout(folded, targets))
    first = next((row for _, row in rows if any(cell.strip() for cell in row)), [])
    found = ", ".join(cell.strip() for cell in first if cell.strip())[:400] or "nothing (the file is empty)"
    raise ImportFileError(
        f"{path.name}: not a provider list in a layout QA Desktop knows: no header row with a 'URN' or 'Name' "
        f"column in the first {HEADER_SEARCH_ROWS} rows. Expected at least: {', '.join(EXPECTED)}; in Ofsted's "
        f"provider-level layout: {', '.join(OFSTED_PROVIDER_LEVEL)}. Found in its first row: {found}.")


def _layout(folded: list[str], targets: set[str]) -> str:
    if "inspection_type" in targets or _IN_YEAR_HEADINGS & set(folded):
        return Layout.IN_YEAR
    if "provision type" in folded or "latest full inspection date" in folded:
        return Layout.PROVIDER_LEVEL
    return Layout.COUNCIL
