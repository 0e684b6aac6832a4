"""The PostgreSQL store, for a team that outgrows a shared folder (``postgresql+psycopg://...``).

Everything the server holds about the team's work is sealed with the team key (``sync.sealing``), so
a database administrator, a backup or a stolen dump sees ids, numbers and noise. Tables (created
on first use; a DBA may create them beforehand and grant only what they need):

- ``qa_sync_sealed_ops``: the changes, one sealed row each (everything a change says, its value
  sealed again under its record's key where it has one), with a server sequence ``seq`` that pull
  cursors follow, ``op_id`` unique so a push of a change the server already has is ignored
  (``ON CONFLICT DO NOTHING``), and the id of the laptop that sent it (so a laptop skips its own);
- ``qa_sync_sealed_photos``: photos, sealed, named by keyed hashes;
- ``qa_sync_record_keys`` and ``qa_sync_shredded``: record keys (wrapped) and the records whose keys
  were destroyed under retention (``sync.records``);
- ``qa_sync_invites``: invitations for a laptop joining the team (``sync.team``);
- ``qa_sync_meta``: the store's id and the team key's check value.

A pull reads "everything after the last ``seq`` I saw". Sequence numbers are handed out when rows are
inserted, not when they commit, so two pushes running at once could commit out of order and a
reader could skip the lower number for good. Pushes therefore take ``LOCK TABLE ... IN EXCLUSIVE
MODE`` (writers queue for a moment; readers are never blocked), which makes ``seq`` order commit
order. A team's pushes are short, so the queue is short.

A server of the previous version (plain ``qa_sync_ops`` and ``qa_sync_blobs``) is converted by the
first laptop that syncs with it: it sets up the sealed store beside them, and every laptop then
reads what is left in the plain tables (``LegacyPostgres``), sends it all again sealed, and deletes
the plain rows it has read.

The password is not in the URL or any settings file: it comes from the OS keyring
(``credentials``) and is handed to the driver in memory only.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Identity,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    func,
    inspect,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError, SQLAlchemyError

from qa_desktop.store.oplog import OpRecord, op_record
from qa_desktop.sync.sealing import SealError, TeamKey
from qa_desktop.sync.stores import Pulled, SharedStore, StoreUnavailable
from qa_desktop.sync.team import NeedsTeamKey, SystemTeamKeyring, TeamKeyring
from qa_desktop.sync.wire import SyncFileError, digest, json_bytes, op_from_wire

PULL_BATCH = 5000
PUSH_BATCH = 2000

metadata = MetaData()
sync_meta = Table(
    "qa_sync_meta", metadata,
    Column("key", String(60), primary_key=True),
    Column("value", Text, nullable=False),
)
sealed_ops = Table(
    "qa_sync_sealed_ops", metadata,
    Column("seq", BigInteger, Identity(), primary_key=True),
    Column("op_id", String(36), nullable=False, unique=True),
    Column("pushed_by", String(36), nullable=False),
    Column("pushed_at", DateTime(timezone=True), server_default=func.now(), nullable=False),
    Column("data", LargeBinary, nullable=False),
)
sealed_photos = Table(
    "qa_sync_sealed_photos", metadata,
    Column("name", String(64), primary_key=True),
    Column("data", LargeBinary, nullable=False),
)
record_keys = Table(
    "qa_sync_record_keys", metadata,
    Column("key_ref", String(90), primary_key=True),
    Column("unit", String(64), nullable=False, index=True),
    Column("data", LargeBinary, nullable=False),
)
shredded = Table(
    "qa_sync_shredded", metadata,
    Column("unit", String(64), primary_key=True),
)
invites = Table(
    "qa_sync_invites", metadata,
    Column("id", String(36), primary_key=True),
    Column("data", LargeBinary, nullable=False),
)

#: The previous version's plain tables, read and emptied after the conversion (``LegacyPostgres``).
legacy_metadata = MetaData()
sync_ops = Table(
    "qa_sync_ops", legacy_metadata,
    Column("seq", BigInteger, Identity(), primary_key=True),
    Column("op_id", String(36), nullable=False, unique=True),
    Column("entity", String(60), nullable=False),
    Column("entity_id", String(36), nullable=False),
    Column("field", String(60), nullable=False),
    Column("value", JSONB),
    Column("hlc", String(22), nullable=False),
    Column("device_id", String(36), nullable=False),
    Column("actor", String(120), nullable=False),
    Column("base", JSONB),
    Column("wall", BigInteger),
    Column("pushed_by", String(36), nullable=False),
    Column("pushed_at", DateTime(timezone=True), server_default=func.now(), nullable=False),
)
sync_blobs = Table(
    "qa_sync_blobs", legacy_metadata,
    Column("digest", String(64), primary_key=True),
    Column("data", LargeBinary, nullable=False),
)


def parse_url(url: str) -> URL:
    """A PostgreSQL URL without its password (refused if it carries one: passwords go in the keyring)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ValueError(f"{url!r} is not a database address like postgresql://user@server:5432/qa") from None
    if parsed.get_backend_name() != "postgresql":
        raise ValueError("Only PostgreSQL servers are supported (postgresql://user@server:5432/database).")
    if parsed.password:
        raise ValueError("Leave the password out of the address; QA Desktop asks for it once and keeps it "
                         "in the system keyring.")
    if not parsed.username or not parsed.database:
        raise ValueError("The address needs a user and a database: postgresql://user@server:5432/database")
    return parsed.set(drivername="postgresql+psycopg")


def display_url(url: URL) -> str:
    return f"{url.username}@{url.host or 'localhost'}:{url.port or 5432}/{url.database}"


def _meta(connection: Connection, key: str) -> str | None:
    return connection.scalar(select(sync_meta.c.value).where(sync_meta.c.key == key))


class PostgresStore(SharedStore):
    def __init__(self, url: str | URL, password: str | None = None, *, connect_timeout: int = 10,
                 keyring: TeamKeyring | None = None, create: bool = True) -> None:
        parsed = parse_url(url) if isinstance(url, str) else url
        self.url = parsed
        self.label = f"PostgreSQL {display_url(parsed)}"
        self._keyring: TeamKeyring = keyring if keyring is not None else SystemTeamKeyring()
        #: Whether this laptop set the store up just now (and made its team key).
        self.set_up_now = False
        self.engine = create_engine(parsed.set(password=password), pool_pre_ping=True,
                                    connect_args={"connect_timeout": connect_timeout,
                                                  "application_name": "qa-desktop"})
        try:
            self._team, legacy_id = self._open_store(create)
        except OperationalError as error:
            self.engine.dispose()
            raise StoreUnavailable(_plain(error, self.label)) from None
        except BaseException:
            self.engine.dispose()
            raise
        self.team = self._team
        self.store_id = self._team.store_id
        self.key = f"postgresql:{self.store_id}"
        self._legacy = LegacyPostgres(self.engine, legacy_id, self.label) if legacy_id else None

    def _open_store(self, create: bool) -> tuple[TeamKey, str | None]:
        with self.engine.begin() as connection:
            metadata.create_all(connection, checkfirst=True)
            connection.execute(text("LOCK TABLE qa_sync_meta IN EXCLUSIVE MODE"))  # one laptop sets it up
            store_id, check = _meta(connection, "sealed_store_id"), _meta(connection, "sealed_check")
            legacy_id = _meta(connection, "store_id") if LegacyPostgres.has_rows(connection) else None
            if store_id is None or check is None:
                if not create:
                    raise StoreUnavailable(f"There is no shared store in {self.label}.")
                team = TeamKey.new(str(uuid.uuid4()))
                self._keyring.put(team)  # kept before the store names it: never a store whose key no laptop holds
                connection.execute(insert(sync_meta), [{"key": "sealed_store_id", "value": team.store_id},
                                                       {"key": "sealed_check", "value": team.check_value()}])
                self.set_up_now = True
                return team, legacy_id
        held = self._keyring.get(store_id)
        if held is None:
            raise NeedsTeamKey(self.label, store_id, check, self.invitations, self.remove_invitation)
        if not held.matches(check):
            raise StoreUnavailable(f"The team key this laptop holds for {self.label} does not match it (the "
                                   "server's qa_sync_meta was changed). Nothing was changed. Ask your database "
                                   "administrator.")
        return held, legacy_id

    def legacy(self) -> LegacyPostgres | None:
        return self._legacy

    def close(self) -> None:
        self.engine.dispose()

    # -- changes ------------------------------------------------------------------------------------

    def push(self, device_id: str, ops: list[OpRecord]) -> None:
        try:
            for start in range(0, len(ops), PUSH_BATCH):
                rows = [{"op_id": o.op_id, "pushed_by": device_id,
                         "data": self._team.seal("changes", json.dumps(o.wire_dict(), ensure_ascii=False).encode(),
                                                 o.op_id)} for o in ops[start:start + PUSH_BATCH]]
                with self.engine.begin() as connection:
                    connection.execute(text("LOCK TABLE qa_sync_sealed_ops IN EXCLUSIVE MODE"))
                    connection.execute(insert(sealed_ops).on_conflict_do_nothing(index_elements=["op_id"]), rows)
        except OperationalError as error:
            raise StoreUnavailable(_plain(error, self.label)) from None

    def pull(self, cursor: str | None, own_device: str) -> Iterator[Pulled]:
        after = int(cursor or 0)
        try:
            with self.engine.connect() as connection:
                remaining = connection.scalar(select(func.count()).select_from(sealed_ops).where(
                    sealed_ops.c.seq > after, sealed_ops.c.pushed_by != own_device)) or 0
            total = max(1, -(-remaining // PULL_BATCH))
            done = 0
            while True:
                with self.engine.connect() as connection:
                    rows = _sealed_after(connection, after)
                if not rows:
                    return
                after = rows[-1][0]
                ops, problems = [], []
                for _, op_id, pushed_by, data in rows:
                    if pushed_by == own_device:
                        continue
                    try:
                        op = op_from_wire(json_bytes(self._team.open("changes", bytes(data), op_id)))
                        if op.op_id != op_id:
                            raise ValueError("another change's id")
                        ops.append(op)
                    except (SealError, ValueError) as error:
                        problems.append(f"{self.label}: change {op_id[:8]} cannot be used ({error}); it was "
                                        "not used")
                done += 1
                yield Pulled(ops, str(after), problems, done=min(done, total), total=total)
        except OperationalError as error:
            raise StoreUnavailable(_plain(error, self.label)) from None

    # -- photos -------------------------------------------------------------------------------------

    def missing_blobs(self, names: Iterable[str]) -> set[str]:
        wanted = set(names)
        if not wanted:
            return set()
        with self.engine.connect() as connection:
            have = set(connection.scalars(select(sealed_photos.c.name).where(sealed_photos.c.name.in_(sorted(wanted)))))
        return wanted - have

    def put_blob(self, name: str, data: bytes) -> None:
        with self.engine.begin() as connection:
            connection.execute(insert(sealed_photos).values(name=name, data=data)
                               .on_conflict_do_update(index_elements=["name"], set_={"data": data}))

    def get_blob(self, name: str) -> bytes | None:
        with self.engine.connect() as connection:
            data = connection.scalar(select(sealed_photos.c.data).where(sealed_photos.c.name == name))
        return None if data is None else bytes(data)

    def delete_blobs(self, names: Iterable[str]) -> int:
        listed = sorted(set(names))
        if not listed:
            return 0
        with self.engine.begin() as connection:
            return connection.execute(delete(sealed_photos).where(sealed_photos.c.name.in_(listed))).rowcount or 0

    # -- record keys --------------------------------------------------------------------------------

    def record_key_ids(self) -> set[str]:
        with self.engine.connect() as connection:
            return set(connection.scalars(select(record_keys.c.key_ref)))

    def put_record_keys(self, keys: list[tuple[str, str, bytes]]) -> None:
        if not keys:
            return
        with self.engine.begin() as connection:
            connection.execute(insert(record_keys).on_conflict_do_nothing(index_elements=["key_ref"]),
                               [{"key_ref": f"{unit}:{key_id}", "unit": unit, "data": wrapped}
                                for unit, key_id, wrapped in keys])
            # a key for a record destroyed meanwhile goes at once
            connection.execute(delete(record_keys).where(record_keys.c.unit.in_(select(shredded.c.unit))))

    def get_record_keys(self, units: set[str]) -> list[tuple[str, str, bytes]]:
        if not units:
            return []
        with self.engine.connect() as connection:
            rows = connection.execute(select(record_keys).where(record_keys.c.unit.in_(sorted(units)))).all()
        return [(row.unit, row.key_ref.split(":", 1)[1], bytes(row.data)) for row in rows]

    def shredded_units(self) -> set[str]:
        with self.engine.connect() as connection:
            return set(connection.scalars(select(shredded.c.unit)))

    def shred(self, units: set[str]) -> None:
        if not units:
            return
        with self.engine.begin() as connection:
            connection.execute(insert(shredded).on_conflict_do_nothing(index_elements=["unit"]),
                               [{"unit": unit} for unit in sorted(units)])
            connection.execute(delete(record_keys).where(record_keys.c.unit.in_(sorted(units))))

    # -- invitations --------------------------------------------------------------------------------

    def put_invitation(self, invite_id: str, data: bytes) -> None:
        with self.engine.begin() as connection:
            connection.execute(insert(invites).values(id=invite_id, data=data))

    def invitations(self) -> list[tuple[str, bytes]]:
        with self.engine.connect() as connection:
            return [(row.id, bytes(row.data)) for row in connection.execute(select(invites))]

    def remove_invitation(self, invite_id: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(delete(invites).where(invites.c.id == invite_id))


class LegacyPostgres(SharedStore):
    """The previous version's plain tables, while they hold rows: read once more by each updated
    laptop, then emptied (module docstring). Its key is the old store's, so a laptop's cursor goes
    on where it stopped before the update."""

    def __init__(self, engine: object, store_id: str, label: str) -> None:
        from sqlalchemy import Engine

        assert isinstance(engine, Engine)
        self.engine = engine
        self.key = f"postgresql:{store_id}"
        self.label = f"{label} (its rows from before it was encrypted)"

    @staticmethod
    def has_rows(connection: Connection) -> bool:
        names = set(inspect(connection).get_table_names())
        return any(name in names and connection.scalar(text(f"SELECT EXISTS (SELECT 1 FROM {name})"))
                   for name in ("qa_sync_ops", "qa_sync_blobs"))

    def _tables(self, connection: Connection) -> set[str]:
        return set(inspect(connection).get_table_names()) & {"qa_sync_ops", "qa_sync_blobs"}

    def push(self, device_id: str, ops: list[OpRecord]) -> None:
        raise PermissionError("the plain rows from before are only read, then deleted")

    def pull(self, cursor: str | None, own_device: str) -> Iterator[Pulled]:
        after = int(cursor or 0)
        with self.engine.connect() as connection:
            if "qa_sync_ops" not in self._tables(connection):
                return
            connection.execute(text("ALTER TABLE qa_sync_ops ADD COLUMN IF NOT EXISTS wall BIGINT"))
            connection.commit()
        while True:
            with self.engine.connect() as connection:
                rows = connection.execute(select(sync_ops).where(sync_ops.c.seq > after)
                                          .order_by(sync_ops.c.seq).limit(PULL_BATCH)).all()
            if not rows:
                return
            after = rows[-1].seq
            yield Pulled([op_record(r) for r in rows if r.pushed_by != own_device], str(after))

    def missing_blobs(self, names: Iterable[str]) -> set[str]:
        return {n for n in names if self.get_blob(n) is None}

    def put_blob(self, name: str, data: bytes) -> None:
        raise PermissionError("the plain rows from before are only read, then deleted")

    def get_blob(self, name: str) -> bytes | None:
        with self.engine.connect() as connection:
            if "qa_sync_blobs" not in self._tables(connection):
                return None
            data = connection.scalar(select(sync_blobs.c.data).where(sync_blobs.c.digest == name))
        if data is None:
            return None
        if digest(bytes(data)) != name:
            raise SyncFileError(f"{self.label}: photo {name[:12]}", "is damaged on the server")
        return bytes(data)

    def clear(self, cursor: str | None, own_device: str, photos: Iterable[str]) -> int:
        """Delete the plain rows this laptop has read (and sent again, sealed), and the photos given
        (those now in the sealed store). Returns how many went."""
        removed = 0
        with self.engine.begin() as connection:
            tables = self._tables(connection)
            if "qa_sync_ops" in tables and cursor:
                removed += connection.execute(delete(sync_ops).where(sync_ops.c.seq <= int(cursor))).rowcount or 0
            listed = sorted(set(photos))
            if "qa_sync_blobs" in tables and listed:
                removed += connection.execute(delete(sync_blobs).where(sync_blobs.c.digest.in_(listed))).rowcount or 0
        return removed


_SEALED_AFTER = (f"SELECT seq, op_id, pushed_by, data FROM {sealed_ops.name} WHERE seq > %s ORDER BY seq "
                 f"LIMIT {PULL_BATCH}")


def _sealed_after(connection: Connection, after: int) -> list[tuple[int, str, str, bytes]]:
    """The next ``PULL_BATCH`` sealed changes after ``after``: the columns a pull uses, in the server's
    binary form, straight from the driver. Each change is a sealed row of about a kilobyte: as text the
    server sent every one as hexadecimal, twice its size, which the driver then decoded, and
    SQLAlchemy's rows and its time zone handling of ``pushed_at`` (not used here) cost as much again:
    a third of a second of each 100,000 changes pulled (issue 22). The driver's errors are given as
    SQLAlchemy gives them (a server gone away is an ``OperationalError``: said as "cannot be reached"),
    and a connection the server dropped is invalidated, as SQLAlchemy's own reads do."""
    import psycopg  # here: a laptop syncing through a folder never loads the driver

    driver = connection.connection.driver_connection
    assert driver is not None
    try:
        with driver.cursor(binary=True) as cursor:
            cursor.execute(_SEALED_AFTER, (after,))
            return cursor.fetchall()
    except psycopg.Error as error:
        # a connection the server dropped is thrown away, as SQLAlchemy does for its own reads: kept,
        # the pool's rollback on return failed on it and logged a traceback as an ERROR (review5)
        gone = driver.closed or driver.broken
        if gone:
            connection.invalidate(error)
        raise DBAPIError.instance(_SEALED_AFTER, (after,), error, psycopg.Error,
                                  connection_invalidated=gone) from error


def _plain(error: SQLAlchemyError, label: str) -> str:
    """The driver's message, first line only, in a sentence an officer can act on."""
    detail = str(getattr(error, "orig", error)).strip().splitlines()[0] if str(error).strip() else "no answer"
    if "password authentication failed" in detail:
        return f"{label} refused the password. Enter it again in Sync settings. ({detail})"
    return (f"{label} cannot be reached: {detail}. Your changes are kept on this laptop and go on the next sync.")
