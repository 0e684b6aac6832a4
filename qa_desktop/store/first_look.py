"""The window's first look at the register: what its first paint shows, read with plain SQL
before SQLAlchemy is imported (issue 22's cold start).

Importing SQLAlchemy and mapping the models, opening the store (schema check, statistics, the
laptop's settings) and compiling each statement on first use cost most of a cold start; the
register's rows need none of it. ``read_first_look`` opens the encrypted file with the same
driver and key, and reads, in one transaction (one consistent snapshot), the register's columns,
the settings' places, the sanctions in force and the cases of the year (the register's ratings),
the council's framework figures, the laptop's own settings, and where the op log ends. The
window shows the register from it, and the store is opened after the first paint; the change
signal starts from that end of the log, so whatever is written after the snapshot (by any
program) reaches every screen as usual.

Only a store this version opens as it is gets a first look: one at this version's schema, keyed
with ``key``, whose device id is made, with no one-off repair still to run, and not in the middle
of a Young Inspector hand-over (which must open on the locked screen). Anything else
(a new, plain, older or damaged file) gives ``None`` and the store is opened first, as before,
which says what is wrong in words.

The statements mirror ``services.register.search_providers``, ``services.sanctions.sanctions_in_force``
and ``services.oversight.risk_ratings`` (``tests/services/test_register_first_look.py`` holds
the rows made from them to the register's own, case by case).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qa_desktop.paths import DATABASE_NAME
from qa_desktop.store.schema import schema_head

#: The laptop's own settings (``Store._open`` reads them, making any missing; ``local_state``).
USER_NAME, USER_ROLE, DEVICE_ID = "user_name", "user_role", "device_id"
#: Set once ``store.repair`` has run (the store's own constant, repeated: that module imports SQLAlchemy).
REPAIRED = "repair.unrecorded_fields"
#: A Young Inspector hand-over in progress (``services.hand_over.HAND_OVER_KEY``).
HAND_OVER = "hand_over"
#: Someone said who uses this laptop (``Store.user_confirmed``): else the window asks, on a first run.
USER_CONFIRMED = "user_confirmed"
#: Always there once the store has been opened as it is (the user's name and role may be given instead).
_NEEDED = (DEVICE_ID, REPAIRED)

#: The register's columns, in the order of ``services.register._ROW_COLUMNS``.
PROVIDERS = ("SELECT id, name, urn, service_type, organisation, judgement, contract_route, regulator, "
             "registration_status, local_authority, monitored, monitored_reason, tier_override "
             "FROM providers WHERE deleted IS 0")
PLACES = "SELECT provider_id, name, town, postcode FROM settings WHERE deleted IS 0"
#: The sanctions' records of every provider, deleted or not: the register keeps those of the providers
#: it lists (a single-table scan each; joined to the providers, SQLite probed every provider).
EMBARGOES = "SELECT provider_id, scope, start_on, end_on FROM embargoes WHERE deleted IS 0 AND start_on <= :today"
PLANS = "SELECT provider_id, kind FROM action_plans WHERE deleted IS 0 AND removed_on IS NULL"
ALERTS = "SELECT provider_id, kind FROM regulatory_alerts WHERE deleted IS 0 AND closed_on IS NULL AND kind != 'lifted'"
CEASED = ("SELECT id FROM providers WHERE deleted IS 0 AND ceased_operating_on IS NOT NULL "
          "AND ceased_operating_on <= :today")
CASES = ("SELECT provider_id, significant FROM qa_cases WHERE deleted IS 0 AND opened_on >= :start "
         "AND opened_on < :end")
COUNCIL = "SELECT framework, deleted FROM council_settings WHERE id = 'council'"


@dataclass(frozen=True)
class StoreFirstLook:
    """What one snapshot of the store held: the raw rows the register is made from."""

    today: dt.date
    position: int                      # where the op log ended (``Store.last_op_position``)
    local: dict[str, str]              # the laptop's own settings
    providers: list[tuple[Any, ...]]   # ``PROVIDERS``'s columns
    places: list[tuple[Any, ...]]      # (provider id, setting name, town, postcode)
    embargoes: list[tuple[Any, ...]]   # (provider id, scope, start, end), begun by today (any provider's)
    plans: list[tuple[Any, ...]]       # (provider id, kind), not removed (any provider's)
    alerts: list[tuple[Any, ...]]      # (provider id, kind), open, not a lifting (any provider's)
    ceased: list[str]                  # providers ceased operating by today
    cases: list[tuple[Any, ...]]       # (provider id, significant) of today's year
    framework: Any                     # the council's framework figures (JSON), None: the built-in


def read_first_look(data_dir: Path, key: bytes, today: dt.date, *,
                    register_only: bool = False) -> StoreFirstLook | None:
    """The first look at the data folder's store as at ``today``; ``None`` when the store must be
    opened first (see the module docstring): never an error of its own. ``register_only``: the
    providers and their places alone, no sanctions, cases or council figures (a search of the
    register, ``qa-desktop providers``, whose rows carry none: half the rows read at 20,000)."""
    path = data_dir / DATABASE_NAME
    try:
        with path.open("rb") as handle:
            if handle.read(16) == b"SQLite format 3\x00":
                return None  # plain, from before encryption: opening the store encrypts it
    except OSError:
        return None
    import sqlcipher3.dbapi2 as sqlcipher

    try:
        connection = sqlcipher.connect(str(path), isolation_level=None)
    except sqlcipher.Error:
        return None
    try:
        cursor = connection.cursor()
        cursor.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        cursor.execute("PRAGMA cipher_log_level = NONE")
        cursor.execute("PRAGMA busy_timeout = 5000")
        cursor.execute("BEGIN")  # one snapshot: the rows and the end of the log agree
        try:
            return _read(cursor, today, register_only)
        finally:
            cursor.execute("ROLLBACK")
    except sqlcipher.Error:  # damaged, another key, a table missing: the store's own opening says it
        return None
    finally:
        connection.close()


def _read(cursor: Any, today: dt.date, register_only: bool = False) -> StoreFirstLook | None:
    found = cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'").fetchone()
    if found is None or cursor.execute("SELECT version_num FROM alembic_version").fetchone() != (schema_head(),):
        return None
    local = dict(cursor.execute("SELECT key, value FROM local_state WHERE key IN (?, ?, ?, ?, ?, ?)",
                                (*_NEEDED, USER_NAME, USER_ROLE, HAND_OVER, USER_CONFIRMED)).fetchall())
    if HAND_OVER in local or any(key not in local for key in _NEEDED):
        return None
    if register_only:
        position = cursor.execute("SELECT coalesce(max(rowid), 0) FROM ops").fetchone()[0]
        providers = cursor.execute(PROVIDERS).fetchall()
        return StoreFirstLook(today=today, position=position, local=local, providers=providers,
                              places=cursor.execute(PLACES).fetchall(), embargoes=[], plans=[], alerts=[], ceased=[],
                              cases=[], framework=None)
    day = {"today": today.isoformat()}
    council = cursor.execute(COUNCIL).fetchone()
    return StoreFirstLook(
        today=today,
        position=cursor.execute("SELECT coalesce(max(rowid), 0) FROM ops").fetchone()[0],
        local=local,
        providers=cursor.execute(PROVIDERS).fetchall(),
        places=cursor.execute(PLACES).fetchall(),
        embargoes=[(owner, scope, dt.date.fromisoformat(start), dt.date.fromisoformat(end) if end else None)
                   for owner, scope, start, end in cursor.execute(EMBARGOES, day).fetchall()],
        plans=cursor.execute(PLANS).fetchall(),
        alerts=cursor.execute(ALERTS).fetchall(),
        ceased=[owner for (owner,) in cursor.execute(CEASED, day).fetchall()],
        cases=cursor.execute(CASES, {"start": dt.date(today.year, 1, 1).isoformat(),
                                     "end": dt.date(today.year + 1, 1, 1).isoformat()}).fetchall(),
        framework=_framework(council))


def _framework(council: tuple[Any, ...] | None) -> Any:
    if council is None or council[1] or council[0] is None:
        return None
    import json

    return json.loads(council[0])
