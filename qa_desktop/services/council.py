"""The council's own settings: what reports and letters say of the council, and the framework's figures.

Kept in the data folder's database as one synced row (``CouncilSettings``), so one officer (or the
QA lead) sets them and the whole team has them at its next sync; every change is an op, so it is in
the audit trail with who made it, when and on which laptop. A field never set means the built-in
default: the council and service names from ``qa_desktop/resources/branding/branding.yaml``, the
protective marking OFFICIAL-SENSITIVE, no address block and no logo, and Medway's framework
(``domain.framework.MEDWAY``).

``branding()`` is the one function every report and letter reads the council's name, service,
address block, marking and logo from. Anyone who makes reports may change those; only the QA lead
changes the framework's figures (``store.access``: the service checks, not just the screen).

Every value is checked before anything is written, and a bad one is refused with one sentence that
names the field (``CouncilSettingError``); nothing is half-saved.
"""

from __future__ import annotations

import base64
import binascii
import functools
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml
from PIL import Image, UnidentifiedImageError
from sqlalchemy import select
from sqlalchemy.orm import Session

from qa_desktop.domain.framework import MEDWAY, Framework, framework_in_force
from qa_desktop.domain.roles import require_lead, require_officer
from qa_desktop.paths import resources_dir
from qa_desktop.services.read_memo import remembered
from qa_desktop.store.database import Store
from qa_desktop.store.driver import core_rows
from qa_desktop.store.models import COUNCIL_ID, CouncilSettings

DEFAULT_MARKING = "OFFICIAL-SENSITIVE"
MAX_LOGO_BYTES = 256 * 1024
MAX_ADDRESS_LINES = 8
MAX_LINE = 80
_MARKING = re.compile(r"[A-Z0-9][A-Z0-9 \-]{0,58}[A-Z0-9]|[A-Z0-9]")


class CouncilSettingError(ValueError):
    """A council setting that cannot be used; the message names the field and says why."""


@dataclass(frozen=True)
class Branding:
    """What a report or letter says of the council."""

    council_name: str
    service_name: str
    address_block: tuple[str, ...]  # the sender's address, line by line (empty: none)
    protective_marking: str
    logo: bytes | None              # PNG or JPEG bytes


@dataclass(frozen=True)
class CouncilView:
    """The council's settings as they apply now, and which of them are the built-in defaults."""

    branding: Branding
    framework: Framework
    defaults: frozenset[str]        # the names of the fields not set by the council


def builtin_branding() -> dict[str, str]:
    """The packaged defaults (``resources/branding/branding.yaml``), as a fresh install shows them."""
    return dict(_packaged_branding())


@functools.cache
def _packaged_branding() -> dict[str, str]:
    """Read once per process: the file is part of the installed program, and reading and parsing it
    for every provider page (three times a page, through ``framework``) cost more than the page's
    own queries."""
    defaults = {"council_name": "Council", "service_name": "Children's Commissioning Quality Assurance"}
    try:
        loaded = yaml.safe_load((resources_dir() / "branding" / "branding.yaml").read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return defaults
    return {**defaults, **{k: str(v) for k, v in loaded.items() if k in defaults and v}}


def _row(session: Session) -> CouncilSettings | None:
    row = session.get(CouncilSettings, COUNCIL_ID)
    return None if row is None or row.deleted else row


def view_of(row: CouncilSettings | None) -> CouncilView:
    builtin = builtin_branding()
    set_fields = {name for name in ("council_name", "service_name", "address_block", "protective_marking", "logo",
                                    "framework") if row is not None and getattr(row, name)}
    branding = Branding(
        council_name=row.council_name if row and row.council_name else builtin["council_name"],
        service_name=row.service_name if row and row.service_name else builtin["service_name"],
        address_block=tuple(row.address_block.splitlines()) if row and row.address_block else (),
        protective_marking=row.protective_marking if row and row.protective_marking else DEFAULT_MARKING,
        logo=base64.b64decode(row.logo) if row and row.logo else None)
    framework = _framework_of(row)
    if framework is MEDWAY:
        set_fields.discard("framework")  # not set, or a synced value from a newer version not used here
    all_fields = {"council_name", "service_name", "address_block", "protective_marking", "logo", "framework"}
    return CouncilView(branding, framework, frozenset(all_fields - set_fields))


def council(store: Store) -> CouncilView:
    with store.read() as session:
        return view_of(_row(session))


def branding(store: Store) -> Branding:
    """The council's name, service, address block, marking and logo: for every report and letter."""
    return council(store).branding


def framework(session: Session) -> Framework:
    """The framework's figures in force, for a service that already holds a session (the figures
    alone: the branding is not worked out for them). Read once per ``read_memo.remembering`` read."""
    return remembered(session, "framework", lambda: framework_in_force(core_rows(session, _FRAMEWORK).scalar()))


#: the framework's column alone (not the council's row with its logo): asked on every provider page
_FRAMEWORK = select(CouncilSettings.framework).where(CouncilSettings.id == COUNCIL_ID,
                                                     CouncilSettings.deleted.is_(False))


def _framework_of(row: CouncilSettings | None) -> Framework:
    return framework_in_force(row.framework if row is not None else None)


# -- changing them -----------------------------------------------------------------------------------

def _text(value: str, field: str, longest: int) -> str:
    text = " ".join(value.split())
    if not text:
        raise CouncilSettingError(f"{field}: cannot be empty (leave it out to keep what is set).")
    if len(text) > longest:
        raise CouncilSettingError(f"{field}: {len(text)} characters; at most {longest}.")
    return text


def check_marking(value: str) -> str:
    marking = re.sub(r"\s*-\s*", "-", " ".join(value.split())).upper()
    if not _MARKING.fullmatch(marking):
        raise CouncilSettingError(f"protective marking: {value!r} is not a marking (capital letters, digits, spaces "
                                  "and hyphens, e.g. OFFICIAL-SENSITIVE).")
    return marking


def check_address(value: str) -> str:
    lines = [" ".join(line.split()) for line in value.strip().splitlines()]
    lines = [line for line in lines if line]
    if len(lines) > MAX_ADDRESS_LINES:
        raise CouncilSettingError(f"address block: {len(lines)} lines; a letter's address block has at most "
                                  f"{MAX_ADDRESS_LINES}.")
    for number, line in enumerate(lines, start=1):
        if len(line) > MAX_LINE:
            raise CouncilSettingError(f"address block, line {number}: {len(line)} characters; at most {MAX_LINE}.")
    return "\n".join(lines)


def check_logo(data: bytes) -> str:
    """A logo's bytes (PNG or JPEG, at most 256 KB), as stored: base64."""
    if len(data) > MAX_LOGO_BYTES:
        raise CouncilSettingError(f"logo: {len(data) // 1024} KB; at most {MAX_LOGO_BYTES // 1024} KB (a logo on a "
                                  "report needs no more).")
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, binascii.Error):
        raise CouncilSettingError("logo: not a PNG or JPEG picture that can be read.") from None
    if kind not in ("PNG", "JPEG"):
        raise CouncilSettingError(f"logo: a {kind} picture; use PNG or JPEG.")
    return base64.b64encode(data).decode("ascii")


def set_branding(store: Store, *, council_name: str | None = None, service_name: str | None = None,
                 address_block: str | None = None, protective_marking: str | None = None,
                 logo: bytes | None = None, clear: frozenset[str] = frozenset()) -> CouncilView:
    """Change what reports and letters say of the council; ``clear`` names fields to put back to
    the built-in default. Checked first, written in one unit of work."""
    require_officer(store.user, "or change the council's details")
    fields: dict[str, Any] = {}
    if council_name is not None:
        fields["council_name"] = _text(council_name, "council name", 200)
    if service_name is not None:
        fields["service_name"] = _text(service_name, "service name", 200)
    if address_block is not None:
        fields["address_block"] = check_address(address_block) or None
    if protective_marking is not None:
        fields["protective_marking"] = check_marking(protective_marking)
    if logo is not None:
        fields["logo"] = check_logo(logo)
    unknown = clear - {"council_name", "service_name", "address_block", "protective_marking", "logo"}
    if unknown:
        raise CouncilSettingError(f"{sorted(unknown)[0]}: not a council detail that can be reset.")
    fields.update(dict.fromkeys(clear))
    return _write(store, fields)


def set_framework(store: Store, figures: Mapping[str, Any] | None) -> CouncilView:
    """The framework's figures from now on (``None``: back to the built-in Medway framework). QA
    lead only; checked in full before anything is written."""
    require_lead(store.user, "change the framework's figures")
    value = None if figures is None else Framework.from_dict(figures).to_dict()
    return _write(store, {"framework": value})


def _write(store: Store, fields: dict[str, Any]) -> CouncilView:
    with store.write() as changes:
        row = _row(changes.session)
        if row is None:
            existing = changes.session.get(CouncilSettings, COUNCIL_ID)
            if existing is not None:  # deleted once (never by the app): bring it back rather than clash
                changes.update(existing, deleted=False, **fields)
            elif any(value is not None for value in fields.values()):
                changes.create(CouncilSettings, id=COUNCIL_ID, **fields)
        else:
            changes.update(row, **fields)
    return council(store)
